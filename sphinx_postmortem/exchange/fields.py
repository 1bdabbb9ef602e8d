"""The fields an imported record may hold, each with its check and bounds.

One table per kind of record (:data:`INCIDENT_FIELDS`, :data:`ACTION_FIELDS`,
:data:`LESSON_FIELDS`, :data:`FACTOR_FIELDS`), built from small checks
(:func:`line`, :func:`date`, :func:`whole`, :func:`figure_value`, ...).
A check returns the value to keep or raises :class:`ValueError`;
:func:`clean` turns that into a :class:`FieldError` naming the field. Fields
that schema version 1 does not have are optional: a version-1 file passes the
same tables, its records with empty lists and nulls instead. The shipped
JSON Schema and docs/export-format.rst state the same bounds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

from ..errors import PostmortemError
from ..model import (
    ACTION_STATUSES,
    DATE_YEARS,
    FACTOR_KINDS,
    IMPACT_KINDS,
    LESSON_KINDS,
    MILESTONES,
)
from ..quantities import VALUE_MAX
from ..xmltext import xml_safe

#: Bounds every imported value is checked against (docs/export-format.rst lists them).
LINE_MAX = 20_000  # characters of an id, title, name or other one-line field
BODY_MAX = 100_000  # characters of a summary or body
NAMES_MAX = 1_000  # items of a list of names (authors, services, tags)
MILESTONES_MAX = 100  # milestones of one incident
SECONDS_MAX = 10 * 366 * 86_400  # ten years, the longest duration or offset
COUNT_MAX = 1_000_000  # action items or lessons of one incident
FIGURES_MAX = 100  # impact figures of one incident
ROLES_MAX = 100  # roles of one incident (each with a list of names)
FIGURE_MAX = VALUE_MAX  # the largest value of an impact figure

#: A check takes a field's value and returns what to store, or raises :class:`FieldError`.
Check = Callable[[Any], Any]


class FieldError(PostmortemError):
    """A field that does not match its rule; ``field`` is its path (``metrics.time_to_detect``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field {field!r} {problem}")
        self.field, self.problem = field, problem


def _string(value: Any, limit: int, what: str) -> str:
    if isinstance(value, str) and len(value) <= limit:
        return xml_safe(value)  # returns a printable string at once
    if not isinstance(value, str):
        raise ValueError(f"must be {what}")
    raise ValueError(f"must be {what} of at most {limit} characters (has {len(value)})")


def line(required: bool = False) -> Check:
    """A one-line string, whitespace collapsed; non-empty when ``required``, else may be null."""

    def check(value: Any) -> str | None:
        if value is None and not required:
            return None
        text = " ".join(_string(value, LINE_MAX, "a string").split())
        if required and not text:
            raise ValueError("must be a non-empty string")
        return text

    return check


#: A one-line string or null (made once: checks run for every field of thousands of records).
_OPTIONAL_LINE = line()


def body(value: Any) -> str:
    """A multi-line string (summary, body); missing or null is empty."""
    return "" if value is None else _string(value, BODY_MAX, "a string")


def names(value: Any) -> list[str]:
    """A list of one-line strings; empty ones are dropped; missing or null is []."""
    if value is None or value == []:
        return []  # the common case, at once: most records leave most lists empty
    if (
        not isinstance(value, list)
        or len(value) > NAMES_MAX
        or not all(isinstance(name, str) for name in value)
    ):
        raise ValueError(f"must be a list of at most {NAMES_MAX} strings")
    return [name for name in map(_OPTIONAL_LINE, value) if name]


def _in_years(day: dt.date) -> None:
    if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:
        raise ValueError(f"must lie in the years {DATE_YEARS[0]} to {DATE_YEARS[1]}")


def date(value: Any) -> str | None:
    """An ISO date (``YYYY-MM-DD``) within :data:`DATE_YEARS`, or null."""
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO date (YYYY-MM-DD) or null") from None
    _in_years(day)
    return day.isoformat()


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)")


def timestamp(value: Any) -> str:
    """An ISO timestamp with seconds and UTC offset, within :data:`DATE_YEARS`."""
    try:
        if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
            raise ValueError
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO timestamp such as 2024-05-14T08:12:00+00:00") from None
    _in_years(moment.date())
    return value


def whole(low: int, high: int, unit: str = "a whole number") -> Check:
    """An integer (not a boolean, not a float) from ``low`` to ``high``."""

    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"must be {unit} from {low} to {high}")
        return value

    return check


def one_of(allowed: tuple[str, ...]) -> Check:
    """One of fixed names."""

    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return cast(str, value)

    return check


def share(value: Any) -> float | int:
    """The percent of impact a recovery step removed: a number above 0, at most 100."""
    if not _is_number(value) or not 0 < value <= 100:
        raise ValueError("must be a number of percent above 0 and at most 100, or null")
    return cast(float, value)


def figure_value(value: Any) -> float | int | None:
    """An impact figure's value: a finite number from 0 to :data:`FIGURE_MAX`, or null."""
    if value is None:
        return None
    if not _is_number(value) or not 0 <= value <= FIGURE_MAX:
        raise ValueError(f"must be a number from 0 to {FIGURE_MAX:,.0f}, or null")
    return cast(float, value)


def _is_number(value: Any) -> bool:
    """An int or a finite float (not a boolean); huge ints are compared, never converted."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


def optional(check: Check) -> Check:
    """``check``, or null."""
    return lambda value: None if value is None else check(value)


seconds = whole(0, SECONDS_MAX, "a whole number of seconds")
count = whole(0, COUNT_MAX)
_OFFSET = optional(whole(-SECONDS_MAX, SECONDS_MAX, "a whole number of seconds"))


def obj(fields: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    """An object whose listed keys are checked (others are ignored); missing or null is {}."""

    def check(value: Any) -> dict[str, Any]:
        value = {} if value is None else value
        if not isinstance(value, dict):
            raise ValueError("must be an object")
        return clean(value, fields, required)

    return check


def array(item: Check, limit: int) -> Check:
    """A list of at most ``limit`` items, each checked; missing or null is []."""

    def check(value: Any) -> list[Any]:
        value = [] if value is None else value
        if not isinstance(value, list) or len(value) > limit:
            raise ValueError(f"must be a list of at most {limit} items")
        kept = []
        for number, element in enumerate(value):
            try:
                kept.append(item(element))
            except FieldError as exc:
                raise FieldError(f"[{number}].{exc.field}", exc.problem) from None
            except ValueError as exc:
                raise FieldError(f"[{number}]", str(exc)) from None
        return kept

    return check


def clean(
    entry: Mapping[str, Any], fields: Mapping[str, Check], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Every field of ``fields`` checked; raises :class:`FieldError` naming the first bad one."""
    if not required or all(key in entry for key in required):
        try:  # the common case, a valid entry, in one pass
            return {key: check(entry.get(key)) for key, check in fields.items()}
        except ValueError:  # FieldError too: checked again below, to name the field
            pass
    return _clean_naming_the_field(entry, fields, required)


def _clean_naming_the_field(
    entry: Mapping[str, Any], fields: Mapping[str, Check], required: tuple[str, ...]
) -> dict[str, Any]:
    """:func:`clean` field by field, raising :class:`FieldError` at the first bad one."""
    kept = {}
    for key, check in fields.items():
        if key in required and key not in entry:
            raise FieldError(key, "is missing")
        try:
            kept[key] = check(entry.get(key))
        except FieldError as exc:
            joiner = "" if exc.field.startswith("[") else "."
            raise FieldError(f"{key}{joiner}{exc.field}", exc.problem) from None
        except ValueError as exc:
            raise FieldError(key, str(exc)) from None
    return kept


_METRICS = (
    "impact_duration",
    "time_to_detect",
    "time_to_acknowledge",
    "time_to_notify",
    "time_to_mitigate",
    "time_to_resolve",
)

_MILESTONE = obj(
    {
        "milestone": one_of(MILESTONES),
        "time": timestamp,
        "offset": _OFFSET,
        "share": optional(share),
    },
    required=("milestone", "time"),
)

_MILESTONES = array(_MILESTONE, MILESTONES_MAX)


def known_milestones(value: Any) -> list[Any]:
    """The milestones of kinds this version knows, checked; others are left out.

    A newer exporter may add milestone kinds: its incidents still import, with
    the milestones an older reader can show.
    """
    if isinstance(value, list):
        value = [
            item
            for item in value
            if not (isinstance(item, dict) and isinstance(item.get("milestone"), str))
            or item["milestone"] in MILESTONES
        ]
    return cast(list[Any], _MILESTONES(value))


def line_or_empty(value: Any) -> str:
    """A one-line string that may be empty; missing or null is empty."""
    return _OPTIONAL_LINE(value) or ""


#: One impact figure (``ImpactFigure``): the number, its unit and the text as written.
_FIGURE = obj(
    {
        "metric": line(required=True),
        "label": line_or_empty,
        "unit": line_or_empty,
        "kind": one_of(IMPACT_KINDS),
        "value": figure_value,
        "text": line_or_empty,
    },
    required=("metric", "kind"),
)


def roles(value: Any) -> dict[str, list[str]]:
    """Role name -> the people in it; roles without anyone are dropped; missing or null is {}."""
    value = {} if value is None else value
    if not isinstance(value, dict) or len(value) > ROLES_MAX:
        raise ValueError(f"must be an object of at most {ROLES_MAX} roles")
    kept = {}
    for role, people in value.items():
        name = _OPTIONAL_LINE(role)
        if not name:
            raise ValueError("must not have an empty role name")
        try:
            kept[name] = names(people)
        except ValueError as exc:
            raise FieldError(name, str(exc)) from None
    return {role: people for role, people in kept.items() if people}


#: What an imported incident may hold (``url`` is checked against the base URL).
INCIDENT_FIELDS: dict[str, Check] = {
    "id": line(required=True),
    "title": line(required=True),
    "date": date,
    "severity": line(),
    "status": line(required=True),
    "type": line(required=True),
    "authors": names,
    "services": names,
    "tags": names,
    "summary": body,
    "metrics": obj({metric: optional(seconds) for metric in _METRICS}),
    "milestones": known_milestones,
    "action_items": obj({"open": optional(count), "total": optional(count)}),
    "lessons": optional(count),
    "types": names,
    "detected_by": line(),
    "roles": roles,
    "responders": names,
    "reviewed": date,
    "reviewers": names,
    "impact": array(_FIGURE, FIGURES_MAX),
}

#: What an action item and a lesson share.
_ORIGIN_FIELDS: dict[str, Check] = {"body": body, "incident": line()}

ACTION_FIELDS: dict[str, Check] = {
    "id": line(required=True),
    "title": line(required=True),
    "owner": line(),
    "type": line(),
    "priority": line(),
    "due": date,
    "status": one_of(ACTION_STATUSES),
    "tracker": line(),
    "tracker_url": line(),
    "tags": names,
    "services": names,
    **_ORIGIN_FIELDS,
}

LESSON_FIELDS: dict[str, Check] = {
    "title": line(required=True),
    "kind": one_of(LESSON_KINDS),
    "tags": names,
    "services": names,
    **_ORIGIN_FIELDS,
}

FACTOR_FIELDS: dict[str, Check] = {
    "title": line(required=True),
    "kind": one_of(FACTOR_KINDS),
    "categories": names,
    **_ORIGIN_FIELDS,
}
