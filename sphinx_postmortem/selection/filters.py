"""Reading roll-up options, and the filters every roll-up shares.

One rule for ``:tags:`` and ``:services:`` in every roll-up: a record matches
on its own values, falling back to its incident's when it has none. An
incident's values are its own; a lesson, action item or contributing factor
that gives no ``:tags:`` (or no ``:services:``) has its incident's, and one
that gives some is matched on those alone. Values are compared
case-insensitively; a record with neither values nor an incident matches no
``:tags:`` or ``:services:`` filter. Grouping by tag or service uses the same
values (see :func:`tags_of`, :func:`services_of`).

The other incident filters (``:severity:``, ``:status:``, ``:type:``,
``:detected-by:``, ``:since:``, ``:until:``) look at the incident alone and
never keep a record on a page without an incident. ``:type:`` matches any of
an incident's types (``:type: outage, data-loss``); an imported record of a
version-1 export has its one ``type``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..directives.options import choice, choices, comma_list, iso_date, positive_int
from ..errors import PostmortemError
from ..model import LOCAL_PROJECT, IncidentRecord
from ..settings import Settings


class OptionReader:
    """A roll-up's options, read one by one; each problem is a ``postmortem.filter`` warning."""

    def __init__(self, options: Mapping[str, str | None], configured: Settings) -> None:
        self.options = options
        self.configured = configured
        self.problems: list[str] = []

    def given(self, name: str) -> bool:
        return self.options.get(name) is not None

    def flag(self, name: str) -> bool:
        return name in self.options

    def choices(self, name: str, allowed: Sequence[str], what: str) -> tuple[str, ...] | None:
        """The known values of a comma list of choices; None when the option is absent."""
        if not self.given(name):
            return None
        known, errors = choices(self.options[name], allowed, what)
        self.problems.extend(errors)
        return tuple(known)

    def words(self, name: str) -> tuple[str, ...] | None:
        """A comma list of free values, case-folded; None when the option is absent."""
        if not self.given(name):
            return None
        return tuple(v.casefold() for v in comma_list(self.options[name]))

    def date(self, name: str) -> str | None:
        if not self.options.get(name):
            return None
        try:
            return iso_date(self.options[name] or "", f":{name}:")
        except PostmortemError as exc:
            self.problems.append(f"{exc}; filter ignored")
            return None

    def one_of(self, name: str, allowed: Sequence[str], default: str) -> str:
        value = self.options.get(name)
        if not value:
            return default
        try:
            return choice(value, allowed, f":{name}:")
        except PostmortemError as exc:
            self.problems.append(f"{exc}; using {default!r}")
            return default

    def positive(self, name: str, fallback: str) -> int | None:
        if not self.options.get(name):
            return None
        try:
            return positive_int(self.options[name] or "", f":{name}:")
        except PostmortemError as exc:
            self.problems.append(f"{exc}; {fallback}")
            return None

    def projects(self) -> tuple[str, ...] | None:
        """``:projects:``: ``local`` and the configured project names."""
        known = [LOCAL_PROJECT, *sorted(self.configured.imported_projects)]
        return self.choices("projects", known, "project")

    def limit(self) -> int | None:
        return self.positive("limit", "no limit applied")


def any_of(wanted: Sequence[str] | None, values: Iterable[str]) -> bool:
    """True when no filter is set, or one of ``values`` is wanted (``wanted`` is case-folded)."""
    if wanted is None:
        return True
    return any(v.casefold() in wanted for v in values)


def tags_of(record: Mapping[str, Any], incident: Mapping[str, Any] | None) -> list[str]:
    """The tags a record matches and is grouped by: its own, else its incident's."""
    return _own_or_incident(record, incident, "tags")


def services_of(record: Mapping[str, Any], incident: Mapping[str, Any] | None) -> list[str]:
    """The services a record matches and is grouped by: its own, else its incident's."""
    return _own_or_incident(record, incident, "services")


def _own_or_incident(
    record: Mapping[str, Any], incident: Mapping[str, Any] | None, name: str
) -> list[str]:
    own = record.get(name) or []
    if own or incident is None:
        return list(own)
    return list(incident.get(name) or [])


def types_of(incident: Mapping[str, Any]) -> list[str]:
    """Every type of an incident (an imported version-1 record has only ``type``)."""
    return list(incident.get("types") or [incident["type"]])


@dataclass(frozen=True)
class IncidentFilter:
    """The incident filters: which incidents (or whose lessons and action items) to keep."""

    severity: tuple[str, ...] | None = None
    status: tuple[str, ...] | None = None
    type: tuple[str, ...] | None = None
    detected_by: tuple[str, ...] | None = None
    services: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def read(cls, options: OptionReader, full: bool = True) -> IncidentFilter:
        """The filters among ``options``; with ``full`` False only services and tags."""
        if not full:
            return cls(services=options.words("services"), tags=options.words("tags"))
        configured = options.configured
        found = cls(
            severity=options.choices("severity", configured.severities, "severity"),
            detected_by=options.choices(
                "detected-by", configured.detection_sources, "detection source"
            ),
            type=options.choices("type", configured.types, "type"),
            status=options.choices("status", configured.statuses, "status"),
            services=options.words("services"),
            tags=options.words("tags"),
            since=options.date("since"),
            until=options.date("until"),
        )
        if found.since and found.until and found.since > found.until:
            options.problems.append(
                f":since: {found.since} is after :until: {found.until}; nothing can match"
            )
        return found

    @property
    def needs_incident(self) -> bool:
        """Whether a filter other than services and tags is set (only an incident can pass)."""
        return any(
            value is not None
            for value in (
                self.severity,
                self.status,
                self.type,
                self.detected_by,
                self.since,
                self.until,
            )
        )

    def keeps(self, record: Mapping[str, Any], incident: IncidentRecord | None) -> bool:
        """Whether ``record`` (an incident itself, or a record of ``incident``) passes."""
        if not any_of(self.tags, tags_of(record, incident)):
            return False
        if not any_of(self.services, services_of(record, incident)):
            return False
        if incident is None:
            return not self.needs_incident
        return self._keeps_incident(incident)

    def _keeps_incident(self, incident: IncidentRecord) -> bool:
        wanted_values = (
            (self.severity, [incident.get("severity")]),
            (self.status, [incident.get("status")]),
            (self.type, types_of(incident)),
            (self.detected_by, [incident.get("detected_by")]),
        )
        for wanted, values in wanted_values:
            if wanted is not None and not any(value in wanted for value in values):
                return False
        date = incident["date"]
        if self.since is not None and (date is None or date < self.since):
            return False
        return not (self.until is not None and (date is None or date > self.until))


def limited(items: list[Any], limit: int | None) -> list[Any]:
    """The first ``limit`` items (all when there is no limit)."""
    return items[:limit] if limit else items


def rank(value: str | None, order: Sequence[str]) -> int:
    """The position of ``value`` in a configured order; unknown values last."""
    return order.index(value) if value in order else len(order)


def origin(record: Mapping[str, Any]) -> tuple[str, str]:
    """Tie-break key for records from several projects: (project, document)."""
    return record.get("project") or "", record.get("docname") or ""
