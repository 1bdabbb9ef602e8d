"""Roll-up resolution: parsing roll-up filters and selecting, sorting, grouping records.

Pure functions over plain records; the directives in
``directives/rollups.py`` parse options with them, and ``rollup_render.py``
turns the selection into nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..directives.options import choice, choices, comma_list, iso_date, positive_int
from ..errors import PostmortemError
from ..model import (
    ACTION_STATUSES,
    LESSON_KINDS,
    LOCAL_PROJECT,
    ActionRecord,
    IncidentRecord,
    LessonRecord,
    is_overdue,
)
from ..settings import Settings, settings
from .views import IncidentView

INCIDENT_COLUMNS = (
    "project",
    "id",
    "date",
    "title",
    "severity",
    "status",
    "type",
    "authors",
    "services",
    "tags",
    "duration",
    "ttd",
    "tta",
    "ttm",
    "ttr",
    "actions",
    "lessons",
)
DEFAULT_INCIDENT_COLUMNS = (
    "id",
    "date",
    "title",
    "severity",
    "status",
    "services",
    "duration",
    "actions",
)
INCIDENT_SORT_KEYS = (
    "date",
    "id",
    "title",
    "severity",
    "status",
    "type",
    "duration",
    "ttd",
    "tta",
    "ttm",
    "ttr",
)
LESSON_GROUPS = ("kind", "tag", "service", "incident", "project", "none")
ACTION_SORT_KEYS = ("due", "priority", "owner", "incident")
PERIODS = ("month", "quarter", "year")
DEFAULT_ACTION_STATUSES = ("open", "in-progress")

#: Column / sort key -> metric name in :class:`IncidentView.metrics`.
METRIC_KEYS = {
    "duration": "impact_duration",
    "ttd": "time_to_detect",
    "tta": "time_to_acknowledge",
    "ttm": "time_to_mitigate",
    "ttr": "time_to_resolve",
}


# -- parsing ---------------------------------------------------------------------


def parse_spec(
    kind: str, options: Mapping[str, str | None], config: Settings | Any
) -> tuple[dict, list[str]]:
    """Turn a roll-up directive's options into a plain spec dict.

    ``config`` is the :class:`~.settings.Settings` (or what :func:`~.settings.settings`
    reads). Returns the spec and the problems found (each becomes a
    ``postmortem.filter`` warning); the roll-up still renders with what was
    understood.
    """
    configured = settings(config)
    spec: dict[str, Any] = {}
    problems: list[str] = []

    def pick(name: str, allowed: Sequence[str], what: str) -> None:
        if options.get(name) is not None:
            spec[name], errors = choices(options[name], allowed, what)
            problems.extend(errors)

    def free_list(name: str) -> None:
        if options.get(name) is not None:
            spec[name] = [v.casefold() for v in comma_list(options[name])]

    def date(name: str) -> None:
        if options.get(name):
            try:
                spec[name] = iso_date(options[name] or "", f":{name}:")
            except PostmortemError as exc:
                problems.append(f"{exc}; filter ignored")

    def single(name: str, allowed: Sequence[str], default: str) -> str:
        value = options.get(name)
        if not value:
            return default
        try:
            return choice(value, allowed, f":{name}:")
        except PostmortemError as exc:
            problems.append(f"{exc}; using {default!r}")
            return default

    if options.get("projects") is not None:
        known = [LOCAL_PROJECT, *sorted(configured.imported_projects)]
        spec["projects"], errors = choices(options["projects"], known, "project")
        problems.extend(errors)
    if options.get("limit"):
        try:
            spec["limit"] = positive_int(options["limit"] or "", ":limit:")
        except PostmortemError as exc:
            problems.append(f"{exc}; no limit applied")

    if kind in ("incident-list", "lesson-list", "postmortem-stats"):
        pick("severity", configured.severities, "severity")
        pick("type", configured.types, "type")
        pick("status", configured.statuses, "status")
        free_list("services")
        date("since")
        date("until")
        if spec.get("since") and spec.get("until") and spec["since"] > spec["until"]:
            problems.append(
                f":since: {spec['since']} is after :until: {spec['until']}; nothing can match"
            )
    free_list("tags")

    if kind == "incident-list":
        sort = (options.get("sort") or "-date").strip()
        try:
            spec["sort"] = choice(sort.lstrip("-+ "), INCIDENT_SORT_KEYS, ":sort:")
            spec["descending"] = sort.startswith("-")
        except PostmortemError as exc:
            problems.append(f"{exc}; sorting newest first")
            spec["sort"], spec["descending"] = "date", True
        columns, errors = choices(options.get("columns"), INCIDENT_COLUMNS, "column")
        problems.extend(errors)
        spec["columns"] = columns or None  # None: the defaults, plus "project" with imports
    elif kind == "postmortem-stats":
        spec["period"] = single("period", PERIODS, "quarter")
    elif kind == "lesson-list":
        pick("kind", LESSON_KINDS, "lesson kind")
        spec["group_by"] = single("group-by", LESSON_GROUPS, "kind")
        spec["summary_only"] = "summary-only" in options
    elif kind == "action-item-list":
        status = options.get("status")
        if status is not None and status.strip().lower() == "all":
            spec["status"] = list(ACTION_STATUSES)
        elif status is not None:
            pick("status", ACTION_STATUSES, "action item status")
        else:
            spec["status"] = list(DEFAULT_ACTION_STATUSES)
        free_list("owner")
        pick("type", configured.action_types, "action item type")
        pick("priority", configured.priorities, "priority")
        spec["overdue"] = "overdue" in options
        spec["sort"] = single("sort", ACTION_SORT_KEYS, "due")
    return spec, problems


def _origin(record: Mapping[str, Any]) -> tuple[str, str]:
    """Tie-break key for records from several projects: (project, document)."""
    return record.get("project") or "", record.get("docname") or ""


# -- selecting --------------------------------------------------------------------


def _any(wanted: list[str] | None, values: Iterable[str]) -> bool:
    """True when no filter is set, or one of ``values`` is wanted (case-insensitive)."""
    if wanted is None:
        return True
    return any(v.casefold() in wanted for v in values)


def incident_matches(incident: IncidentRecord, spec: Mapping[str, Any]) -> bool:
    """Whether an incident passes the incident filters of ``spec``."""
    for name in ("severity", "status", "type"):
        if name in spec and incident.get(name) not in spec[name]:
            return False
    if not _any(spec.get("services"), incident["services"]):
        return False
    date = incident["date"]
    if "since" in spec and (date is None or date < spec["since"]):
        return False
    if "until" in spec and (date is None or date > spec["until"]):
        return False
    return True


def _rank(value: str | None, order: Sequence[str]) -> int:
    return order.index(value) if value in order else len(order)


def select_incidents(
    views: Iterable[IncidentView], spec: Mapping[str, Any], config: Settings | Any
) -> list[IncidentView]:
    """Matching incidents, sorted by ``spec['sort']`` with stable tie-breaks."""
    chosen = [
        v
        for v in views
        if incident_matches(v.record, spec) and _any(spec.get("tags"), v.record["tags"])
    ]
    chosen.sort(key=lambda v: (v.record["id"], _origin(v.record)))
    sort_key = _incident_sort_key(spec.get("sort", "date"), settings(config))
    present = [v for v in chosen if sort_key(v) is not None]
    present.sort(key=sort_key, reverse=spec.get("descending", True))
    return _limit(present + [v for v in chosen if sort_key(v) is None], spec)


def _incident_sort_key(key: str, configured: Settings) -> Callable[[IncidentView], Any]:
    """The value to sort by; None when the incident has none (sorted last)."""

    def sort_key(view: IncidentView) -> Any:
        record = view.record
        if key == "severity":
            if record["severity"] is None:
                return None
            return _rank(record["severity"], configured.severities)
        if key == "status":
            return _rank(record["status"], configured.statuses)
        if key in METRIC_KEYS:
            return view.metrics.get(METRIC_KEYS[key])
        value = record[key]  # type: ignore[literal-required]
        return value.casefold() if isinstance(value, str) else value

    return sort_key


def select_lessons(
    lessons: Iterable[LessonRecord],
    incident_of: Callable[[LessonRecord], IncidentRecord | None],
    spec: Mapping[str, Any],
) -> list[LessonRecord]:
    """Matching lessons, newest incident first, then in page order."""
    chosen = []
    for lesson in lessons:
        if "kind" in spec and lesson["kind"] not in spec["kind"]:
            continue
        if not _any(spec.get("tags"), lesson["tags"]):
            continue
        incident = incident_of(lesson)
        needs_incident = any(
            k in spec for k in ("severity", "status", "type", "services", "since", "until")
        )
        if needs_incident and (incident is None or not incident_matches(incident, spec)):
            continue
        chosen.append(lesson)

    def incident_key(lesson: LessonRecord) -> tuple[str, str]:
        incident = incident_of(lesson)
        return (incident["date"] or "", incident["id"]) if incident else ("", "")

    chosen.sort(key=lambda le: (incident_key(le)[1], _origin(le), le["lineno"]))
    chosen.sort(key=lambda le: incident_key(le)[0], reverse=True)
    return _limit(chosen, spec)


def group_lessons(
    lessons: Sequence[LessonRecord],
    incident_of: Callable[[LessonRecord], IncidentRecord | None],
    group_by: str,
    kind_names: Mapping[str, str],
    local_name: str = LOCAL_PROJECT,
) -> list[tuple[str, list[LessonRecord]]]:
    """``[(heading, lessons)]``; groups sorted, a lesson under each of its tags/services."""
    if group_by == "none":
        return [("", list(lessons))]
    groups: dict[str, list[LessonRecord]] = {}
    for lesson in lessons:
        incident = incident_of(lesson)
        if group_by == "kind":
            keys = [lesson["kind"]]
        elif group_by == "tag":
            keys = lesson["tags"] or [""]
        elif group_by == "project":
            keys = [lesson.get("project") or local_name]
        elif group_by == "service":
            keys = (incident["services"] if incident else []) or [""]
        else:
            keys = [f"{incident['id']}: {incident['title']}" if incident else ""]
        for key in keys:
            groups.setdefault(key, []).append(lesson)
    if group_by == "kind":
        ordered = [k for k in LESSON_KINDS if k in groups]
        return [(kind_names.get(k, k), groups[k]) for k in ordered]
    named = sorted((k for k in groups if k), key=lambda k: (k.casefold(), k))
    result = [(k, groups[k]) for k in named]
    if "" in groups:
        result.append(("", groups[""]))
    return result


def select_actions(
    actions: Iterable[ActionRecord],
    incident_of: Callable[[ActionRecord], IncidentRecord | None],
    spec: Mapping[str, Any],
    today: str,
    config: Settings | Any,
) -> list[ActionRecord]:
    """Matching action items, sorted by ``spec['sort']`` (undated last for ``due``)."""
    chosen = []
    for action in actions:
        if "status" in spec and action["status"] not in spec["status"]:
            continue
        if "type" in spec and action["type"] not in spec["type"]:
            continue
        if "priority" in spec and action["priority"] not in spec["priority"]:
            continue
        if not _any(spec.get("owner"), [action["owner"] or ""]):
            continue
        if spec.get("overdue") and not is_overdue(action, today):
            continue
        if "tags" in spec:
            incident = incident_of(action)
            if not _any(spec["tags"], incident["tags"] if incident else []):
                continue
        chosen.append(action)
    chosen.sort(key=lambda a: (a["id"], _origin(a)))
    key = spec.get("sort", "due")
    priorities = settings(config).priorities

    def incident_id(action: ActionRecord) -> str:
        incident = incident_of(action)
        return incident["id"] if incident else ""

    sort_keys: dict[str, Callable[[ActionRecord], tuple]] = {
        "due": lambda a: (a["due"] is None, a["due"] or "", _rank(a["priority"], priorities)),
        "priority": lambda a: (_rank(a["priority"], priorities), a["due"] is None, a["due"] or ""),
        "owner": lambda a: (a["owner"] is None, (a["owner"] or "").casefold(), a["due"] or "~"),
        "incident": lambda a: (incident_id(a).casefold(), a["due"] or "~"),
    }
    chosen.sort(key=sort_keys[key])
    return _limit(chosen, spec)


def _limit(items: list, spec: Mapping[str, Any]) -> list:
    limit = spec.get("limit")
    return items[:limit] if limit else items
