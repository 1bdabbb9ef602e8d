"""The records stored for every post-mortem: plain, picklable dictionaries.

Directives create these records while a document is read; the domain keeps
them per document; roll-ups, the metadata panel and the export read them.
No docutils node is ever stored in a record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

#: Timeline milestones, in the order they normally happen.
MILESTONES = ("start", "detect", "ack", "notify", "mitigate", "resolve")

#: Milestones that may repeat, each optionally with the share of impact removed
#: (``[mitigate 95%]``): the recovery steps. The first ``mitigate`` is the one
#: time to mitigate measures, the last ``resolve`` is full resolution.
RECOVERY_MILESTONES = ("mitigate", "resolve")

#: Kinds of contributing factor, in the order a page shows them.
FACTOR_KINDS = ("trigger", "root-cause", "contributing", "mitigator")
DEFAULT_FACTOR_KIND = "contributing"

#: How an impact metric's value is measured (``postmortem_impact_metrics``):
#: count and money are numbers, percent a number of percent, duration seconds,
#: bytes a number of bytes, text the words as written.
IMPACT_KINDS = ("count", "money", "percent", "duration", "bytes", "text")

#: Action item statuses; the last two mean the item is closed.
ACTION_STATUSES = ("open", "in-progress", "done", "wont-do")
CLOSED_ACTION_STATUSES = frozenset({"done", "wont-do"})

#: Lesson kinds.
LESSON_KINDS = ("went-well", "went-wrong", "lucky")

#: The incident type that marks an end-of-project review.
PROJECT_TYPE = "project"

#: The name roll-ups use for this project, next to imported projects' names.
LOCAL_PROJECT = "local"

#: First and last year of a plausible post-mortem date: a local ``:date:`` outside
#: them is taken for a typo, an imported date or timestamp outside them is refused.
DATE_YEARS = (1970, 2100)


class ImportedFields(TypedDict, total=False):
    """Present on records imported from another project (see ``exchange/imports.py``)."""

    project: str  # the name given in postmortem_projects
    url: str | None  # link to the record in that project's published site
    incident: str | None  # id of the incident an action item or lesson belongs to


class ImpactFigure(TypedDict):
    """One figure of an incident's impact (an option of the ``impact`` directive)."""

    metric: str  # the option name, a key of postmortem_impact_metrics: "customers"
    label: str  # how readers see the metric: "Customers affected"
    unit: str  # "customers", "USD", "%"; may be empty
    kind: str  # one of IMPACT_KINDS; says what ``value`` measures
    value: int | float | None  # the number (seconds, bytes, percent...); None for text
    text: str  # as written: "1.2M", "none"


class ImpactRecord(TypedDict):
    """The impact of a page's incident (the ``impact`` directive; one per page)."""

    figures: list[ImpactFigure]  # in the order written, one per metric
    body: str  # plain text of the prose
    docname: str
    anchor: str
    lineno: int


class IncidentRecord(ImportedFields):
    """The header of one post-mortem (the ``incident`` directive)."""

    id: str
    title: str
    date: str | None  # ISO date
    severity: str | None
    status: str
    type: str  # the first of ``types``: picks the id format, tells reviews from incidents
    types: list[str]  # every type given (``:type: outage, data-loss``), at least one
    authors: list[str]
    services: list[str]
    tags: list[str]
    summary: str  # plain text
    detected_by: str | None  # one of postmortem_detection_sources
    roles: dict[str, list[str]]  # role (postmortem_roles) -> names, in configured order
    responders: list[str]
    reviewed: str | None  # ISO date of the review
    reviewers: list[str]
    docname: str
    anchor: str
    lineno: int


class TimelineEntry(TypedDict):
    """One timestamped event of a page's timeline."""

    when: str  # ISO 8601 timestamp with UTC offset
    zone: str  # the zone label shown to readers (``UTC``, ``CET``, ``+02:00``)
    milestone: str | None
    share: float | None  # percent of impact removed, of a recovery milestone ([mitigate 95%])
    text: str  # plain text of the description
    lineno: int
    precision: str  # what the author wrote: "second", "minute" or "day" (a date alone)
    approximate: bool  # written with "~": the time is an estimate


class ActionRecord(ImportedFields):
    """A follow-up (the ``action-item`` directive)."""

    id: str
    title: str
    owner: str | None
    type: str | None
    priority: str | None
    due: str | None  # ISO date
    status: str
    tracker: str | None  # key or URL as written
    tracker_url: str | None  # safe http(s) URL, or None
    tags: list[str]
    services: list[str]
    body: str  # plain text
    docname: str
    anchor: str
    lineno: int


class LessonRecord(ImportedFields):
    """A lesson learned (the ``lesson`` directive)."""

    title: str
    kind: str
    tags: list[str]
    services: list[str]
    body: str  # plain text
    body_digest: str  # changes when the body's markup changes (links, emphasis...)
    body_cacheable: bool  # whether its HTML depends on the body alone (entry_cache.py)
    docname: str
    anchor: str
    lineno: int


class FactorRecord(ImportedFields):
    """A cause of the incident (the ``factor`` directive): trigger, root cause, contributing..."""

    title: str
    kind: str  # one of FACTOR_KINDS
    categories: list[str]  # of postmortem_factor_categories
    body: str  # plain text
    docname: str
    anchor: str
    lineno: int


def is_project_name(name: object) -> bool:
    """Whether ``name`` can name an imported project: non-empty, no ``:``, not ``local``."""
    return (
        isinstance(name, str) and bool(name.strip()) and ":" not in name and (name != LOCAL_PROJECT)
    )


def is_open(action: ActionRecord) -> bool:
    """Whether an action item still needs work."""
    return action["status"] not in CLOSED_ACTION_STATUSES


def is_overdue(action: ActionRecord, today: str) -> bool:
    """Whether an open action item's due date (ISO) lies before ``today`` (ISO)."""
    return is_open(action) and action["due"] is not None and action["due"] < today


def newest_first(incidents: Iterable[IncidentRecord]) -> list[IncidentRecord]:
    """Incidents sorted newest date first, undated last, ties by id then document."""
    by_id = sorted(incidents, key=lambda i: (i["id"], i["docname"]))
    return sorted(by_id, key=lambda i: i["date"] or "", reverse=True)
