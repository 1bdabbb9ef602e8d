"""Impact figures: ``12,500``, ``1.2M``, ``38%``, ``3.5h``, ``20GB`` read as numbers, and written.

Pure functions, no Sphinx. The ``impact`` directive reads each figure with
:func:`parse_quantity` according to its metric's kind (``IMPACT_KINDS``);
pages, roll-ups, statistics and the feed write figures with
:func:`format_figure` and sums with :func:`format_amount`.

What a value measures depends on the kind: counts and money are plain
numbers (money in the metric's unit), a percent is the number of percent,
a duration is seconds and a size is bytes. ``none`` reads as zero for every
numeric kind, so "no data was lost" sums like any other figure.
"""

from __future__ import annotations

import math
import re

from .errors import PostmortemError
from .model import IMPACT_KINDS, ImpactFigure
from .times import format_duration

#: The largest value a figure may hold; larger ones are taken for typos.
VALUE_MAX = 1e18

#: ``6214``, ``12,500``, ``1_000``, ``3.5``: digit groups of three after the first.
_NUMBER = r"(?:\d{1,3}(?:[,_ \u00a0\u202f]\d{3})+|\d+)(?:\.\d+)?"

_MAGNITUDES = {"": 1, "k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_AMOUNT = re.compile(
    rf"(?P<currency>[$€£¥])?\s*(?P<number>{_NUMBER})\s*(?P<magnitude>k|m|mn|b|bn)?",
    re.IGNORECASE,
)

_PERCENT = re.compile(rf"(?P<number>{_NUMBER})\s*%?")

_DURATION_UNITS = {
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
}
_DURATION_PART = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<unit>[a-z]+)\s*", re.IGNORECASE)

_BYTE_UNITS = {
    "b": 1,
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "pb": 1e15,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
    "pib": 2**50,
}
_BYTES = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<unit>[kmgtp]i?b|b)?", re.IGNORECASE)

#: Decimal units a size is written in, largest first.
_SIZE_NAMES = (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3))


def _number(text: str) -> float:
    return float(re.sub(r"[,_ \u00a0\u202f]", "", text))


def _settled(value: float, text: str) -> int | float:
    """``value`` as an int when whole, checked to be finite and within :data:`VALUE_MAX`."""
    if not math.isfinite(value) or value > VALUE_MAX:
        raise PostmortemError(f"{text!r} is too large for an impact figure")
    return int(value) if value.is_integer() else round(value, 6)


def _strip_unit(text: str, unit: str) -> str:
    """``text`` without the metric's own unit written before or after the number."""
    if unit and unit.casefold() != "%":
        lowered = text.casefold()
        folded = unit.casefold()
        if lowered.endswith(folded):
            return text[: -len(unit)].strip()
        if lowered.startswith(folded):
            return text[len(unit) :].strip()
    return text


def parse_quantity(text: str, kind: str, unit: str = "") -> int | float | None:
    """The value of one impact figure of ``kind``; None for ``text``.

    Raises :class:`PostmortemError` with a message for the author when
    ``text`` is not a figure of that kind (``12..5k``, ``20 parsecs``).
    """
    if kind not in IMPACT_KINDS:
        raise PostmortemError(f"unknown impact kind {kind!r}")
    written = " ".join(text.split())
    if kind == "text":
        return None
    if written.casefold() in ("none", "0"):
        return 0
    bare = _strip_unit(written, unit)
    value = _READERS[kind](bare)
    if value is None:
        raise PostmortemError(f"{written!r} is not {_EXPECTED[kind]}")
    return _settled(value, written)


def _amount(text: str) -> float | None:
    match = _AMOUNT.fullmatch(text)
    if not match:
        return None
    return _number(match["number"]) * _MAGNITUDES[(match["magnitude"] or "").casefold()]


def _percent(text: str) -> float | None:
    match = _PERCENT.fullmatch(text)
    return _number(match["number"]) if match else None


def _duration(text: str) -> float | None:
    seconds, position = 0.0, 0
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        if not match or match["unit"].casefold() not in _DURATION_UNITS:
            return None
        seconds += _number(match["number"]) * _DURATION_UNITS[match["unit"].casefold()]
        position = match.end()
    return seconds if text else None


def _bytes(text: str) -> float | None:
    match = _BYTES.fullmatch(text)
    if not match:
        return None
    return _number(match["number"]) * _BYTE_UNITS[(match["unit"] or "b").casefold()]


_READERS = {
    "count": _amount,
    "money": _amount,
    "percent": _percent,
    "duration": _duration,
    "bytes": _bytes,
}

_EXPECTED = {
    "count": "a number such as 6214, 12,500 or 1.2M",
    "money": "an amount such as 12,500, $3.5k or 1.2M",
    "percent": "a percentage such as 38%",
    "duration": "a duration such as 45m, 3.5h or 1h30m",
    "bytes": "a size such as 20GB, 512MiB or 0",
}


def _grouped(value: float) -> str:
    """``1,200,000``; fractions to two places at most: ``12,500.5``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _size(value: float) -> str:
    for name, size in _SIZE_NAMES:
        if value >= size:
            return f"{_grouped(round(value / size, 2))} {name}"
    return f"{_grouped(value)} B"


def format_amount(value: float, kind: str, unit: str) -> str:
    """A value of ``kind`` as readers see it: ``6,214 customers``, ``38%``, ``3h30m``, ``20 GB``."""
    if kind == "percent":
        return f"{_grouped(value)}%"
    if kind == "duration":
        return format_duration(int(round(value)))
    if kind == "bytes":
        return _size(value)
    return f"{_grouped(value)} {unit}".strip()


def format_figure(figure: ImpactFigure) -> str:
    """One figure as readers see it; a text figure, one without a number, or ``none`` as written."""
    value = figure["value"]
    if figure["kind"] == "text" or value is None or figure["text"].casefold() == "none":
        return figure["text"]
    return format_amount(value, figure["kind"], figure["unit"])
