"""The entries of roll-ups (incident rows, action item and lesson and factor blocks), from views.

Each kind of entry has a frozen view holding everything the entry shows, and
a function that renders the entry from that view and from the page it is
written on (:class:`Page`), nothing else. That is the contract of the HTML
entry store (``incremental/entry_cache.py``): an entry is stored under a
digest of its view, and the page (its name and builder) is part of the
store's stamp, so an entry that shows a field its view lacks cannot be
written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.locale import get_translation

from ..elements import as_nodes, label, table_row
from ..links import external_link, link, page_relative_url
from ..model import ActionRecord, FactorRecord, IncidentRecord, LessonRecord
from ..quantities import format_figure
from ..selection.filters import types_of
from ..selection.specs import IMPACT_COLUMN, METRIC_KEYS, ROLE_COLUMN
from ..selection.views import IncidentView
from ..times import format_duration

_ = get_translation("sphinx_postmortem")


@dataclass(frozen=True)
class Page:
    """The page roll-up entries are written on."""

    builder: Builder
    docname: str

    def link(self, record: Any, text: Any) -> nodes.Node:
        """A link to a local record's anchor, or to an imported record's published page."""
        if not record.get("project"):
            return link(self.builder, self.docname, record["docname"], record["anchor"], text)
        if not record.get("url"):
            return nodes.inline("", "", *as_nodes(text))
        return external_link(page_relative_url(self.builder, self.docname, record["url"]), text)


@dataclass(frozen=True)
class IncidentRow:
    """What a row of ``incident-list`` shows: the incident, its numbers, the columns."""

    view: IncidentView
    columns: tuple[str, ...]
    #: The name of the project shown in the ``project`` column.
    project: str

    @property
    def links_first_cell(self) -> bool:
        """Without an id or title column, the first cell links to the incident."""
        return not {"id", "title"} & set(self.columns)


def incident_row(row: IncidentRow, page: Page, classes: Sequence[list[str]]) -> nodes.row:
    """The table row of one incident."""
    cells = [_incident_cell(row, column, page) for column in row.columns]
    if row.links_first_cell:
        cells[0] = page.link(row.view.record, cells[0] or row.view.record["id"])
    return table_row(cells, classes)


def _incident_cell(row: IncidentRow, column: str, page: Page) -> Any:
    view = row.view
    record = view.record
    if column == "project":
        return row.project
    if column in ("id", "title"):
        return page.link(record, record[column])  # type: ignore[literal-required]
    if column == "severity":
        return label(record["severity"], "sev") if record["severity"] else ""
    if column == "status":
        return label(record["status"], "status")
    if column in ("authors", "services", "tags"):
        return ", ".join(record[column])  # type: ignore[literal-required]
    if column == "types":
        return ", ".join(types_of(record))
    if column == "detected-by":
        return record.get("detected_by") or ""
    if column == "commander" or column.startswith(ROLE_COLUMN):
        role = column.removeprefix(ROLE_COLUMN)
        return ", ".join((record.get("roles") or {}).get(role, []))
    if column.startswith(IMPACT_COLUMN):
        figure = view.figure(column.removeprefix(IMPACT_COLUMN))
        return format_figure(figure) if figure else ""
    if column in METRIC_KEYS:
        seconds = view.metrics.get(METRIC_KEYS[column])
        return format_duration(seconds) if seconds is not None else ""
    if column == "actions":
        return f"{view.open_actions}/{view.total_actions}" if view.total_actions else ""
    if column == "lessons":
        return str(view.lessons) if view.lessons else ""
    return record[column] or ""  # type: ignore[literal-required]


@dataclass(frozen=True)
class ActionRow:
    """What a row of ``action-item-list`` shows: the item, its incident, its overdue flag."""

    action: ActionRecord
    incident: IncidentRecord | None
    overdue: bool
    #: The name of the item's project, when projects are shown (there are imports).
    project: str | None


def action_row(row: ActionRow, page: Page, classes: Sequence[list[str]]) -> nodes.row:
    """The table row of one action item (its project first when projects are shown)."""
    action = row.action
    due: list[nodes.Node] = []
    if action["due"]:
        due.append(nodes.Text(action["due"]))
        if row.overdue:
            due += [nodes.Text(" "), label(_("overdue"), "overdue", "overdue")]
    tracker: Any = action["tracker"] or ""
    if action["tracker"] and action["tracker_url"]:
        tracker = external_link(action["tracker_url"], action["tracker"])
    incident = row.incident
    cells = [
        *([row.project] if row.project is not None else []),
        page.link(action, action["id"]),
        action["title"],
        action["owner"] or "",
        action["type"] or "",
        label(action["priority"], "priority") if action["priority"] else "",
        due,
        label(action["status"], "action-status"),
        tracker,
        page.link(incident, incident["id"]) if incident else "",
    ]
    return table_row(cells, classes)


@dataclass(frozen=True)
class LessonEntry:
    """What an entry of ``lesson-list`` shows; its body is identified by the record's digest."""

    lesson: LessonRecord
    kind_name: str
    #: Where the lesson comes from: ``INC-2024-017: Title``, with the project when shown.
    source: str
    summary_only: bool


def lesson_entry(entry: LessonEntry, page: Page, body: list[nodes.Node]) -> nodes.container:
    """The block of one lesson: title and kind, its body (unless summary only), its source."""
    lesson = entry.lesson
    block = nodes.container(classes=["pm-lesson-entry", f"pm-lesson-{lesson['kind']}"])
    heading = nodes.paragraph(classes=["pm-lesson-heading"])
    heading += nodes.strong("", "", page.link(lesson, lesson["title"]))
    heading += nodes.Text(" ")
    heading += label(entry.kind_name, "kind", lesson["kind"])
    block += heading
    if not entry.summary_only:
        block.extend(body)
    origin = nodes.paragraph(classes=["pm-lesson-source"])
    origin += nodes.Text(_("from") + " ")
    origin += page.link(lesson, entry.source)
    block += origin
    return block


@dataclass(frozen=True)
class FactorEntry:
    """What an entry of ``factor-list`` shows: the factor, its names, and where it comes from."""

    factor: FactorRecord
    #: Its incident (linked from the source), if it has one.
    incident: IncidentRecord | None
    kind_name: str
    #: ``INC-2024-017: Title``, after the project's name when projects are shown.
    source: str


def factor_entry(entry: FactorEntry, page: Page) -> nodes.container:
    """The block of one factor: title, kind and category labels; its incident below."""
    factor = entry.factor
    block = nodes.container(classes=["pm-factor-entry", f"pm-factor-{factor['kind']}"])
    heading = nodes.paragraph(classes=["pm-factor-heading"])
    heading += nodes.strong("", "", page.link(factor, factor["title"]))
    heading += nodes.Text(" ")
    heading += label(entry.kind_name, "factor-kind", factor["kind"])
    for category in factor["categories"]:
        heading += nodes.Text(" ")
        heading += label(category, "factor-category")
    block += heading
    if entry.source:
        origin = nodes.paragraph(classes=["pm-factor-source"])
        origin += nodes.Text(_("from") + " ")
        origin += (
            page.link(entry.incident, entry.source) if entry.incident else nodes.Text(entry.source)
        )
        block += origin
    return block
