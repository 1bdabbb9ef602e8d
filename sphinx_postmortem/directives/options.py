"""Parsers for directive option values.

Each parser returns the cleaned value or raises :class:`PostmortemError` with
a message meant for the author.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..errors import PostmortemError


def comma_list(value: str | None) -> list[str]:
    """Split ``"a, b,,c"`` into ``["a", "b", "c"]``; keeps order, drops duplicates."""
    if not value:
        return []
    seen: dict[str, None] = {}
    for item in value.split(","):
        item = " ".join(item.split())
        if item:
            seen.setdefault(item, None)
    return list(seen)


def choice(value: str, allowed: Sequence[str], what: str) -> str:
    """Match ``value`` case-insensitively against ``allowed``; return the configured spelling."""
    wanted = value.strip().casefold()
    for candidate in allowed:
        if candidate.casefold() == wanted:
            return candidate
    raise PostmortemError(f"unknown {what} {value.strip()!r}; allowed values: {', '.join(allowed)}")


def choices(value: str | None, allowed: Sequence[str], what: str) -> tuple[list[str], list[str]]:
    """Parse a comma list of choices; return (known values, error messages)."""
    known: list[str] = []
    problems: list[str] = []
    for item in comma_list(value):
        try:
            known.append(choice(item, allowed, what))
        except PostmortemError as exc:
            problems.append(str(exc))
    return known, problems


def iso_date(value: str, what: str = "date") -> str:
    """Validate an ISO date (``YYYY-MM-DD``) and return it normalised."""
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise PostmortemError(
            f"invalid {what} {text!r}; expected an ISO date such as 2024-03-05"
        ) from None


def positive_int(value: str, what: str) -> int:
    """Parse a positive whole number."""
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise PostmortemError(f"invalid {what} {value.strip()!r}; expected a positive whole number")
    return number
