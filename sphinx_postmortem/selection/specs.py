"""Typed roll-up specs: one frozen class per roll-up, parsed from its options, selecting records.

A roll-up directive leaves its options on its placeholder; once the page is
read, :func:`parse_rollups` turns them into the roll-up's spec (warning about
what it cannot understand, at the directive's line) and the spec travels with
the placeholder to write time, where ``select()`` picks, sorts and limits the
records it shows. ``:services:`` and ``:tags:`` follow one rule in every
roll-up (see :mod:`.filters`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from docutils import nodes
from sphinx.application import Sphinx

from ..directives.options import choice
from ..errors import PostmortemError, warn
from ..model import (
    ACTION_STATUSES,
    FACTOR_KINDS,
    LESSON_KINDS,
    LOCAL_PROJECT,
    ActionRecord,
    FactorRecord,
    IncidentRecord,
    LessonRecord,
    is_overdue,
)
from ..nodes import rollup
from ..settings import Settings, settings
from .filters import (
    IncidentFilter,
    OptionReader,
    limited,
    origin,
    rank,
    services_of,
    tags_of,
)
from .views import IncidentView

INCIDENT_COLUMNS = (
    "project",
    "incident",
    "id",
    "date",
    "title",
    "severity",
    "status",
    "type",
    "types",
    "authors",
    "services",
    "tags",
    "detected-by",
    "commander",
    "duration",
    "ttd",
    "tta",
    "ttn",
    "ttm",
    "ttr",
    "actions",
    "lessons",
)
#: Column prefixes naming a configured impact metric (``impact:customers``) or role
#: (``role:scribe``); with the columns above they make :func:`incident_columns`.
IMPACT_COLUMN = "impact:"
ROLE_COLUMN = "role:"
#: What a reader scans first: the incident (its id; under it the title and, when there
#: are imports, the project), when, how bad, where, how long, its follow-up.
DEFAULT_INCIDENT_COLUMNS = (
    "incident",
    "date",
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
    "detected-by",
    "duration",
    "ttd",
    "tta",
    "ttn",
    "ttm",
    "ttr",
)
LESSON_GROUPS = ("kind", "tag", "service", "incident", "project", "none")
FACTOR_GROUPS = ("category", "kind", "project", "incident", "service", "none")
ACTION_SORT_KEYS = ("due", "priority", "owner", "incident")
PERIODS = ("month", "quarter", "year")
DEFAULT_ACTION_STATUSES = ("open", "in-progress")

#: Column / sort key -> metric name in :class:`IncidentView.metrics`.
METRIC_KEYS = {
    "duration": "impact_duration",
    "ttd": "time_to_detect",
    "tta": "time_to_acknowledge",
    "ttn": "time_to_notify",
    "ttm": "time_to_mitigate",
    "ttr": "time_to_resolve",
}


def incident_columns(configured: Settings) -> tuple[str, ...]:
    """Every column an ``incident-list`` can show with these settings."""
    return (
        *INCIDENT_COLUMNS,
        *(ROLE_COLUMN + role for role in configured.roles),
        *(IMPACT_COLUMN + metric for metric in configured.impact_metrics),
    )


def numeric_metrics(configured: Settings) -> list[str]:
    """The configured impact metrics measured by a number (every kind but ``text``)."""
    return [m for m, (_label, _unit, kind) in configured.impact_metrics.items() if kind != "text"]


def incident_sort_keys(configured: Settings) -> tuple[str, ...]:
    """Every ``:sort:`` key of an ``incident-list``: the fixed ones, then numeric impact."""
    return (*INCIDENT_SORT_KEYS, *(IMPACT_COLUMN + m for m in numeric_metrics(configured)))


IncidentOf = Callable[[Any], "IncidentRecord | None"]


def filter_flag(options: OptionReader) -> bool:
    """Whether ``:filter:`` is given; it takes no value (one given is reported and ignored)."""
    value = options.options.get("filter")
    if value and value.strip():
        options.problems.append(f":filter: takes no value, {value.strip()!r} ignored")
    return options.flag("filter")


SpecT = TypeVar("SpecT", bound="RollupSpec")


@dataclass(frozen=True)
class RollupSpec:
    """What every roll-up has: the projects it shows, its incident filters, a limit."""

    kind: ClassVar[str]
    #: Whether the roll-up takes every incident filter, or only services and tags.
    all_incident_filters: ClassVar[bool] = True
    projects: tuple[str, ...] | None = None
    incidents: IncidentFilter = field(default_factory=IncidentFilter)
    limit: int | None = None

    @classmethod
    def parse(
        cls: type[SpecT], options: Mapping[str, str | None], configured: Settings
    ) -> tuple[SpecT, list[str]]:
        """The spec of ``options``, and the problems found (each a ``postmortem.filter`` warning).

        The roll-up still renders with what was understood.
        """
        reader = OptionReader(options, configured)
        spec = cls(**cls.read(reader))
        return spec, reader.problems

    @classmethod
    def read(cls, options: OptionReader) -> dict[str, Any]:
        """The fields of a spec, read from the options."""
        return {
            "projects": options.projects(),
            "limit": options.limit(),
            "incidents": IncidentFilter.read(options, full=cls.all_incident_filters),
        }


@dataclass(frozen=True)
class IncidentListSpec(RollupSpec):
    """``incident-list``: incidents, sorted, in the chosen columns."""

    kind: ClassVar[str] = "incident-list"
    sort: str = "date"
    descending: bool = True
    #: None: :data:`DEFAULT_INCIDENT_COLUMNS`, less those no incident fills.
    columns: tuple[str, ...] | None = None
    #: ``:filter:``: HTML readers may narrow and sort the table in place.
    filter: bool = False

    @classmethod
    def read(cls, options: OptionReader) -> dict[str, Any]:
        fields = super().read(options)  # first: problems are reported in option order
        sort = (options.options.get("sort") or "-date").strip()
        key = _sort_key(options, sort)
        columns = options.choices("columns", incident_columns(options.configured), "column")
        return {
            **fields,
            "sort": key or "date",
            "descending": sort.startswith("-") if key else True,
            "columns": columns or None,
            "filter": filter_flag(options),
        }

    def select(self, views: Iterable[IncidentView], configured: Settings) -> list[IncidentView]:
        """Matching incidents, sorted by :attr:`sort` with stable tie-breaks."""
        return select_incidents(
            views, self.incidents, configured, self.sort, self.descending, self.limit
        )


@dataclass(frozen=True)
class LessonListSpec(RollupSpec):
    """``lesson-list``: lessons, grouped under headings."""

    kind: ClassVar[str] = "lesson-list"
    lesson_kinds: tuple[str, ...] | None = None
    group_by: str = "kind"
    summary_only: bool = False
    #: ``:filter:``: HTML readers may narrow the list in place.
    filter: bool = False

    @classmethod
    def read(cls, options: OptionReader) -> dict[str, Any]:
        return {
            **super().read(options),
            "lesson_kinds": options.choices("kind", LESSON_KINDS, "lesson kind"),
            "group_by": options.one_of("group-by", LESSON_GROUPS, "kind"),
            "summary_only": options.flag("summary-only"),
            "filter": filter_flag(options),
        }

    def select(
        self, lessons: Iterable[LessonRecord], incident_of: IncidentOf
    ) -> list[LessonRecord]:
        """Matching lessons, newest incident first, then in page order."""
        chosen = [
            lesson
            for lesson in lessons
            if (self.lesson_kinds is None or lesson["kind"] in self.lesson_kinds)
            and self.incidents.keeps(lesson, incident_of(lesson))
        ]
        return limited(by_incident(chosen, incident_of), self.limit)


@dataclass(frozen=True)
class ActionItemListSpec(RollupSpec):
    """``action-item-list``: action items, open ones by default."""

    kind: ClassVar[str] = "action-item-list"
    all_incident_filters: ClassVar[bool] = False  # its :status: and :type: are the item's
    status: tuple[str, ...] = DEFAULT_ACTION_STATUSES
    owners: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    priorities: tuple[str, ...] | None = None
    overdue: bool = False
    sort: str = "due"
    #: ``:filter:``: HTML readers may narrow and sort the table in place.
    filter: bool = False

    @classmethod
    def read(cls, options: OptionReader) -> dict[str, Any]:
        fields = super().read(options)  # first: problems are reported in option order
        status = options.options.get("status")
        if status is not None and status.strip().lower() == "all":
            statuses: tuple[str, ...] = ACTION_STATUSES
        elif status is not None:
            statuses = options.choices("status", ACTION_STATUSES, "action item status") or ()
        else:
            statuses = DEFAULT_ACTION_STATUSES
        configured = options.configured
        return {
            **fields,
            "status": statuses,
            "owners": options.words("owner"),
            "types": options.choices("type", configured.action_types, "action item type"),
            "priorities": options.choices("priority", configured.priorities, "priority"),
            "overdue": options.flag("overdue"),
            "sort": options.one_of("sort", ACTION_SORT_KEYS, "due"),
            "filter": filter_flag(options),
        }

    def select(
        self,
        actions: Iterable[ActionRecord],
        incident_of: IncidentOf,
        today: str,
        configured: Settings,
    ) -> list[ActionRecord]:
        """Matching action items, sorted by :attr:`sort` (undated last for ``due``)."""
        chosen = [a for a in actions if self._keeps(a, incident_of, today)]
        chosen.sort(key=lambda a: (a["id"], origin(a)))
        chosen.sort(key=_action_sort_key(self.sort, incident_of, configured.priorities))
        return limited(chosen, self.limit)

    def _keeps(self, action: ActionRecord, incident_of: IncidentOf, today: str) -> bool:
        wanted = (
            (self.status, action["status"]),
            (self.types, action["type"]),
            (self.priorities, action["priority"]),
        )
        if any(values is not None and value not in values for values, value in wanted):
            return False
        if self.owners is not None and (action["owner"] or "").casefold() not in self.owners:
            return False
        if self.overdue and not is_overdue(action, today):
            return False
        return self.incidents.keeps(action, incident_of(action))


@dataclass(frozen=True)
class FactorListSpec(RollupSpec):
    """``factor-list``: contributing factors of incidents, grouped under headings.

    Filters: ``:kind:`` (trigger, root-cause, contributing, mitigator),
    ``:category:`` (of ``postmortem_factor_categories``) and every incident
    filter; ``:limit:`` keeps the first factors in the order below.

    Factors are ordered newest incident first (same date: by incident id),
    then in page order. ``:group-by:`` ``category`` (the default) lists a
    factor under each of its categories, the groups with the most factors
    first, so that recurring categories lead (ties in configured order, then
    by name), and uncategorised factors last under "Other"; ``kind`` follows
    the order trigger, root cause, contributing, mitigator; ``project``,
    ``incident`` and ``service`` (a factor under each of its services, else
    its incident's) sort their headings by name; ``none`` is one list.
    """

    kind: ClassVar[str] = "factor-list"
    factor_kinds: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    group_by: str = "category"

    @classmethod
    def read(cls, options: OptionReader) -> dict[str, Any]:
        configured = options.configured
        return {
            **super().read(options),
            "factor_kinds": options.choices("kind", FACTOR_KINDS, "factor kind"),
            "categories": options.choices(
                "category", configured.factor_categories, "factor category"
            ),
            "group_by": options.one_of("group-by", FACTOR_GROUPS, "category"),
        }

    def select(
        self, factors: Iterable[FactorRecord], incident_of: IncidentOf
    ) -> list[FactorRecord]:
        """Matching factors, newest incident first, then in page order."""
        chosen = [
            factor
            for factor in factors
            if (self.factor_kinds is None or factor["kind"] in self.factor_kinds)
            and (self.categories is None or set(factor["categories"]) & set(self.categories))
            and self.incidents.keeps(factor, incident_of(factor))
        ]
        return limited(by_incident(chosen, incident_of), self.limit)


@dataclass(frozen=True)
class StatsSpec(RollupSpec):
    """``postmortem-stats``: incidents counted and timed per period."""

    kind: ClassVar[str] = "postmortem-stats"
    period: str = "quarter"
    #: None: ``postmortem_stats_years``.
    years: int | None = None
    #: The impact metrics summed per period and severity; None: every numeric one given.
    impact: tuple[str, ...] | None = None

    @classmethod
    def read(cls, options: OptionReader) -> dict[str, Any]:
        numeric = numeric_metrics(options.configured)
        return {
            **super().read(options),
            "period": options.one_of("period", PERIODS, "quarter"),
            "years": options.positive("years", "using postmortem_stats_years"),
            "impact": options.choices("impact", numeric, "numeric impact metric"),
        }

    def select(self, views: Iterable[IncidentView], configured: Settings) -> list[IncidentView]:
        """The incidents counted, newest first."""
        return select_incidents(views, self.incidents, configured, limit=self.limit)


SPECS: dict[str, type[RollupSpec]] = {
    spec.kind: spec
    for spec in (IncidentListSpec, LessonListSpec, ActionItemListSpec, FactorListSpec, StatsSpec)
}


def parse_spec(
    kind: str, options: Mapping[str, str | None], config: Settings | Any
) -> tuple[Any, list[str]]:
    """The spec of a roll-up of ``kind`` (``incident-list``...) with these options, and problems."""
    return SPECS[kind].parse(options, settings(config))


def parse_rollups(app: Sphinx, doctree: nodes.document) -> None:
    """Once a page is read: turn each roll-up's options into its spec, warning at its line."""
    for node in doctree.findall(rollup):
        if "options" not in node:
            continue
        spec, problems = parse_spec(node["kind"], node["options"], app.config)
        for problem in problems:
            warn(f"{node['kind']}: {problem}", "filter", node)
        node["spec"] = spec
        del node["options"]


def _sort_key(options: OptionReader, sort: str) -> str | None:
    """The ``:sort:`` key of an incident list; None (with a problem) when unknown."""
    try:
        return choice(sort.lstrip("-+ "), incident_sort_keys(options.configured), ":sort:")
    except PostmortemError as exc:
        options.problems.append(f"{exc}; sorting newest first")
        return None


def select_incidents(
    views: Iterable[IncidentView],
    incidents: IncidentFilter,
    configured: Settings,
    sort: str = "date",
    descending: bool = True,
    limit: int | None = None,
) -> list[IncidentView]:
    """Matching incidents sorted by ``sort``, stably; those without a value come last."""
    chosen = [v for v in views if incidents.keeps(v.record, v.record)]
    chosen.sort(key=lambda v: (v.record["id"], origin(v.record)))
    sort_key = _incident_sort_key(sort, configured)
    present = [v for v in chosen if sort_key(v) is not None]
    present.sort(key=sort_key, reverse=descending)
    return limited(present + [v for v in chosen if sort_key(v) is None], limit)


def _incident_sort_key(key: str, configured: Settings) -> Callable[[IncidentView], Any]:
    """The value to sort by; None when the incident has none (sorted last)."""

    def sort_key(view: IncidentView) -> Any:
        record = view.record
        if key == "severity":
            if record["severity"] is None:
                return None
            return rank(record["severity"], configured.severities)
        if key == "status":
            return rank(record["status"], configured.statuses)
        if key == "detected-by":
            source = record.get("detected_by")
            return None if source is None else rank(source, configured.detection_sources)
        if key in METRIC_KEYS:
            return view.metrics.get(METRIC_KEYS[key])
        if key.startswith(IMPACT_COLUMN):
            figure = view.figure(key.removeprefix(IMPACT_COLUMN))
            return figure["value"] if figure else None
        value = record[key]  # type: ignore[literal-required]
        return value.casefold() if isinstance(value, str) else value

    return sort_key


def _action_sort_key(
    key: str, incident_of: IncidentOf, priorities: Sequence[str]
) -> Callable[[ActionRecord], tuple[Any, ...]]:
    def incident_id(action: ActionRecord) -> str:
        incident = incident_of(action)
        return incident["id"] if incident else ""

    keys: dict[str, Callable[[ActionRecord], tuple[Any, ...]]] = {
        "due": lambda a: (a["due"] is None, a["due"] or "", rank(a["priority"], priorities)),
        "priority": lambda a: (rank(a["priority"], priorities), a["due"] is None, a["due"] or ""),
        "owner": lambda a: (a["owner"] is None, (a["owner"] or "").casefold(), a["due"] or "~"),
        "incident": lambda a: (incident_id(a).casefold(), a["due"] or "~"),
    }
    return keys[key]


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
            keys = tags_of(lesson, incident) or [""]
        else:
            keys = _shared_group_keys(lesson, incident, group_by, local_name)
        for key in keys:
            groups.setdefault(key, []).append(lesson)
    if group_by == "kind":
        ordered = [k for k in LESSON_KINDS if k in groups]
        return [(kind_names.get(k, k), groups[k]) for k in ordered]
    return _by_name(groups)


def group_factors(
    factors: Sequence[FactorRecord],
    incident_of: IncidentOf,
    group_by: str,
    kind_names: Mapping[str, str],
    configured: Settings,
    local_name: str = LOCAL_PROJECT,
) -> list[tuple[str, list[FactorRecord]]]:
    """``[(heading, factors)]`` in the order :class:`FactorListSpec` documents."""
    if group_by == "none":
        return [("", list(factors))]
    groups: dict[str, list[FactorRecord]] = {}
    for factor in factors:
        if group_by == "category":
            keys = list(factor["categories"]) or [""]
        elif group_by == "kind":
            keys = [factor["kind"]]
        else:
            keys = _shared_group_keys(factor, incident_of(factor), group_by, local_name)
        for key in keys:
            groups.setdefault(key, []).append(factor)
    if group_by == "kind":
        ordered = [k for k in FACTOR_KINDS if k in groups]
        return [(kind_names.get(k, k), groups[k]) for k in ordered]
    if group_by == "category":
        named = [k for k in groups if k]
        named.sort(key=lambda k: (rank(k, configured.factor_categories), k))
        named.sort(key=lambda k: len(groups[k]), reverse=True)
        return [(k, groups[k]) for k in named] + ([("", groups[""])] if "" in groups else [])
    return _by_name(groups)


def _shared_group_keys(
    record: Any, incident: IncidentRecord | None, group_by: str, local_name: str
) -> list[str]:
    """The headings of ``record`` for the groups lessons and factors share."""
    if group_by == "project":
        return [record.get("project") or local_name]
    if group_by == "service":
        return services_of(record, incident) or [""]
    return [f"{incident['id']}: {incident['title']}" if incident else ""]


def _by_name(groups: dict[str, list[Any]]) -> list[tuple[str, list[Any]]]:
    """Groups sorted by heading, case-insensitively; the unnamed group ("Other") last."""
    named = sorted((k for k in groups if k), key=lambda k: (k.casefold(), k))
    result = [(k, groups[k]) for k in named]
    if "" in groups:
        result.append(("", groups[""]))
    return result


def by_incident(records: list[Any], incident_of: IncidentOf) -> list[Any]:
    """Records of incidents, newest incident first (same date: by id), then in page order."""

    def incident_key(record: Any) -> tuple[str, str]:
        incident = incident_of(record)
        return (incident["date"] or "", incident["id"]) if incident else ("", "")

    ordered = sorted(records, key=lambda r: (incident_key(r)[1], origin(r), r.get("lineno", 0)))
    ordered.sort(key=lambda r: incident_key(r)[0], reverse=True)
    return ordered
