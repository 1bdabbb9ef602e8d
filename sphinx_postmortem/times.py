"""Time in post-mortems: zones, the spans between timeline entries, metrics, and how they read.

Pure functions, no Sphinx, shared by every stage: the timeline parser
resolves zones with them, the store derives a page's metrics, and pages
and roll-ups write times, offsets and durations with them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import RECOVERY_MILESTONES, TimelineEntry

_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})")

#: Metric name -> (later milestone, earlier milestone). A milestone that repeats
#: is measured at its first entry, except ``resolve``: its last is full resolution.
METRICS: dict[str, tuple[str, str]] = {
    "time_to_detect": ("detect", "start"),
    "time_to_acknowledge": ("ack", "detect"),
    "time_to_notify": ("notify", "start"),
    "time_to_mitigate": ("mitigate", "start"),
    "time_to_resolve": ("resolve", "start"),
}

#: Milestones whose metrics are measured at their last entry of a page.
MEASURED_AT_LAST = ("resolve",)

#: Precisions of a timestamp, finest first.
PRECISIONS = ("second", "minute", "day")

#: The sign written before an approximate time, offset or duration.
APPROXIMATE_SIGN = "\N{ALMOST EQUAL TO}"


@dataclass
class Problem:
    """Something wrong on one line; becomes a ``postmortem.timeline`` warning."""

    lineno: int
    message: str


class RecoveryStep(NamedTuple):
    """One ``[mitigate]`` or ``[resolve]`` entry, measured from impact start."""

    milestone: str
    share: float | None  # percent of the impact removed; None: all of it
    seconds: int  # from impact start
    precision: str
    approximate: bool
    when: str  # the entry's timestamp
    lineno: int  # and its line: together they name the entry


@dataclass
class Metrics:
    """Impact start and durations (seconds) derived from a page's milestones.

    ``precision`` holds the precision of each duration (``day`` when a
    milestone has a date only); ``approximate`` names the durations (and
    ``impact_duration``) measured from an approximate (``~``) milestone.
    ``recovery`` holds every recovery step from impact start on, in order.
    """

    impact_start: str | None = None
    impact_duration: int | None = None
    durations: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    start: TimelineEntry | None = None
    precision: dict[str, str] = field(default_factory=dict)
    approximate: set[str] = field(default_factory=set)
    recovery: list[RecoveryStep] = field(default_factory=list)


class Span(NamedTuple):
    """The time between two entries, at the precision both of them have."""

    seconds: int
    precision: str
    approximate: bool


def resolve_zone(name: str) -> dt.tzinfo:
    """Turn ``UTC``, ``Z``, ``+02:00`` or an IANA name into a tzinfo."""
    text = name.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return dt.timezone.utc
    offset = _OFFSET.fullmatch(text)
    if offset:
        hours, minutes = int(offset["hours"]), int(offset["minutes"])
        if hours > 23 or minutes > 59:
            raise ValueError(f"invalid UTC offset {text!r}")
        delta = dt.timedelta(hours=hours, minutes=minutes)
        return dt.timezone(-delta if offset["sign"] == "-" else delta)
    try:
        if not text or text.startswith(("/", ".")) or ".." in text:
            raise ValueError(text)
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {text!r}") from None


def zone_label(zone: dt.tzinfo, moment: dt.datetime) -> str:
    """A short label for ``zone`` at ``moment``: ``UTC``, ``CET`` or ``+05:30``."""
    if zone is dt.timezone.utc:
        return "UTC"
    if isinstance(zone, ZoneInfo):
        name = moment.tzname()
        if name and not name.startswith(("+", "-")):
            return name
    offset = moment.utcoffset() or dt.timedelta()
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def zone_name(zone: dt.tzinfo) -> str:
    """How a problem message names a zone: its IANA key, ``UTC`` or ``+05:30``."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    return zone_label(zone, dt.datetime(2000, 1, 1, tzinfo=zone))


def entry_precision(entry: Mapping[str, Any]) -> str:
    """The precision of an entry; records stored before precisions existed are ``second``."""
    return str(entry.get("precision") or "second")


def measure(later: Mapping[str, Any], earlier: Mapping[str, Any]) -> Span:
    """The time from entry ``earlier`` to entry ``later``, at the precision both have.

    With a date-only entry on either side, the result is whole calendar days,
    counted in the zone of the date-only entry.
    """
    end = dt.datetime.fromisoformat(later["when"])
    begin = dt.datetime.fromisoformat(earlier["when"])
    precision = max(entry_precision(later), entry_precision(earlier), key=PRECISIONS.index)
    approximate = bool(later.get("approximate") or earlier.get("approximate"))
    if precision == "day":
        zone = end.tzinfo if entry_precision(later) == "day" else begin.tzinfo
        days = (end.astimezone(zone).date() - begin.astimezone(zone).date()).days
        return Span(days * 86400, precision, approximate)
    return Span(int((end - begin).total_seconds()), precision, approximate)


def compute_metrics(entries: Sequence[TimelineEntry]) -> Metrics:
    """Derive impact start, impact duration, the time-to-X metrics and the recovery steps.

    ``entries`` are a page's, in time order. A metric whose milestones are
    out of order is left out and reported.
    """
    milestones = _measured_entries(entries)
    metrics = Metrics()
    if "start" in milestones:
        metrics.start = milestones["start"]
        metrics.impact_start = dt.datetime.fromisoformat(milestones["start"]["when"]).isoformat()
        metrics.recovery = _recovery_steps(entries, milestones["start"])
    for name, (later, earlier) in METRICS.items():
        if later in milestones and earlier in milestones:
            span = measure(milestones[later], milestones[earlier])
            if span.seconds < 0:
                metrics.problems.append(
                    Problem(
                        milestones[later]["lineno"],
                        f"[{later}] comes before [{earlier}]; {name.replace('_', ' ')} left out",
                    )
                )
                continue
            metrics.durations[name] = span.seconds
            metrics.precision[name] = span.precision
            if span.approximate:
                metrics.approximate.add(name)
    end = "time_to_resolve" if "time_to_resolve" in metrics.durations else "time_to_mitigate"
    metrics.impact_duration = metrics.durations.get(end)
    if metrics.impact_duration is not None:
        metrics.precision["impact_duration"] = metrics.precision[end]
        if end in metrics.approximate:
            metrics.approximate.add("impact_duration")
    return metrics


def _measured_entries(entries: Sequence[TimelineEntry]) -> dict[str, TimelineEntry]:
    """Milestone -> the entry its metrics measure: the first, or the last (``resolve``)."""
    milestones: dict[str, TimelineEntry] = {}
    for entry in entries:
        name = entry["milestone"]
        if name and (name not in milestones or name in MEASURED_AT_LAST):
            milestones[name] = entry
    return milestones


def _recovery_steps(entries: Sequence[TimelineEntry], start: TimelineEntry) -> list[RecoveryStep]:
    """Every ``[mitigate]`` and ``[resolve]`` entry not before impact start, in order."""
    steps = []
    for entry in entries:
        name = entry["milestone"]
        if name not in RECOVERY_MILESTONES or name is None:
            continue
        span = measure(entry, start)
        if span.seconds >= 0:
            steps.append(
                RecoveryStep(
                    name,
                    entry.get("share"),
                    span.seconds,
                    span.precision,
                    span.approximate,
                    entry["when"],
                    entry["lineno"],
                )
            )
    return steps


def is_partial_recovery(steps: Sequence[RecoveryStep]) -> bool:
    """Whether ``steps`` say more than time to mitigate and resolve: a share, or a repeat."""
    names = [step.milestone for step in steps]
    return len(names) != len(set(names)) or any(
        step.share is not None and step.share < 100 for step in steps
    )


def format_clock(moment: dt.datetime, precision: str = "minute") -> str:
    """``14:02``, or ``14:02:30`` when the seconds matter (or were written)."""
    with_seconds = moment.second or moment.microsecond or precision == "second"
    return moment.strftime("%H:%M:%S" if with_seconds else "%H:%M")


def format_duration(seconds: int, precision: str = "second") -> str:
    """``45s``, ``7m``, ``7m30s``, ``1h08m``, ``1h08m30s``, ``1d00h11m``; ``27d`` for days.

    Every unit down to the minute is written once a larger one is, so the
    format says how precise the duration is: ``1d00h11m``, never ``1d``,
    unless ``precision`` is ``day`` (a date-only milestone).
    """
    seconds = abs(int(seconds))
    if precision == "day":
        return f"{seconds // 86400}d"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    tail = f"{secs:02d}s" if secs else ""
    if days:
        return f"{days}d{hours:02d}h{minutes:02d}m{tail}"
    if hours:
        return f"{hours}h{minutes:02d}m{tail}"
    if minutes:
        return f"{minutes}m{tail}"
    return f"{secs}s"


def format_span(seconds: int, precision: str = "second", approximate: bool = False) -> str:
    """A duration as readers see it: ``1h08m``, ``27d``, ``≈1h08m`` when approximate."""
    return (APPROXIMATE_SIGN if approximate else "") + format_duration(seconds, precision)


def format_metric(metrics: Metrics, name: str) -> str:
    """A metric (``time_to_detect``, ``impact_duration``...) of ``metrics`` as text."""
    seconds = metrics.impact_duration if name == "impact_duration" else metrics.durations[name]
    if seconds is None:
        return ""
    return format_span(seconds, metrics.precision.get(name, "second"), name in metrics.approximate)


def format_offset(moment: str | Mapping[str, Any], start: str | Mapping[str, Any] | None) -> str:
    """The offset of an entry from impact start: ``T+7m``, ``T−2m``, ``T0``, ``T−27d``.

    Both may be ISO timestamps or entries (with their precision and whether
    they are approximate); an approximate offset starts with ``≈``.
    """
    if start is None:
        return ""
    return _offset_text(measure(_as_entry(moment), _as_entry(start)))


def step_offset(step: RecoveryStep) -> str:
    """The offset of a recovery step from impact start: ``T+49m``, ``≈T+2h57m``."""
    return _offset_text(Span(step.seconds, step.precision, step.approximate))


def _offset_text(span: Span) -> str:
    if span.seconds == 0:
        text = "T0d" if span.precision == "day" else "T0"
    else:
        text = ("T\N{MINUS SIGN}" if span.seconds < 0 else "T+") + format_duration(
            span.seconds, span.precision
        )
    return (APPROXIMATE_SIGN if span.approximate else "") + text


def _as_entry(value: str | Mapping[str, Any]) -> Mapping[str, Any]:
    return {"when": value} if isinstance(value, str) else value
