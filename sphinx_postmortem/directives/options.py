"""Parsers for directive option values.

Each parser returns the cleaned value or raises :class:`PostmortemError` with
a message meant for the author.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from docutils.parsers.rst import directives

from ..errors import PostmortemError

#: What an ``option_spec`` maps a name to: the function reading its value.
OptionConverter = Callable[[str], Any]


class OpenOptionSpec(dict[str, OptionConverter]):
    """An ``option_spec`` that takes every option name, its value as text.

    For directives whose options come from the settings of a build (impact
    metrics, roles): docutils and MyST would drop the whole directive for a
    name the spec lacks, so the directive checks the names itself and warns
    (see ``PostmortemDirective.unknown_options``). The names it lists are the
    ones always known.
    """

    @classmethod
    def of(cls, names: Iterable[str]) -> OpenOptionSpec:
        return cls({name: directives.unchanged for name in names})

    def __missing__(self, name: str) -> OptionConverter:
        return directives.unchanged

    def __bool__(self) -> bool:
        return True  # parsers look for options only when the spec is not empty


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
    """Parse a comma list of choices; return (known values, each once; error messages)."""
    known: dict[str, None] = {}
    problems: list[str] = []
    for item in comma_list(value):
        try:
            known.setdefault(choice(item, allowed, what), None)
        except PostmortemError as exc:
            problems.append(str(exc))
    return list(known), problems


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
