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

from ..elements import Cell, as_nodes, label, paragraph
from ..links import external_link, link, page_relative_url
from ..model import ActionRecord, FactorRecord, IncidentRecord, LessonRecord
from ..quantities import format_figure
from ..selection.filters import types_of
from ..selection.specs import IMPACT_COLUMN, METRIC_KEYS, ROLE_COLUMN
from ..selection.views import IncidentView
from ..times import format_duration
from .facets import VALUE_CLASS, Facets, facet_class, facet_classes, facet_line

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
class Lines:
    """A cell of several lines, each its own paragraph: the key first, details under it.

    Details (``pm-cell-more``) are smaller in HTML; other builders show each on
    its own line too. Empty details are left out.
    """

    lines: tuple[Cell, ...]


def rollup_row(cells: Sequence[Cell | Lines], classes: Sequence[list[str]]) -> nodes.row:
    """A table row of roll-up cells, each with its column's classes."""
    row = nodes.row()
    for cell, cell_classes in zip(cells, classes, strict=True):
        entry = nodes.entry(classes=list(cell_classes))
        lines = cell.lines if isinstance(cell, Lines) else (cell,)
        entry += paragraph(lines[0])
        entry.extend(paragraph(line, ["pm-cell-more"]) for line in lines[1:] if _shows(line))
        row += entry
    return row


def _shows(cell: Cell) -> bool:
    return cell not in ("", None, [])


@dataclass(frozen=True)
class IncidentRow:
    """What a row of ``incident-list`` shows: the incident, its numbers, the columns."""

    view: IncidentView
    columns: tuple[str, ...]
    #: The name of the project shown in the ``project`` column.
    project: str
    #: Whether the ``incident`` cell names the project under the title (there are imports).
    project_under_title: bool = False

    @property
    def links_first_cell(self) -> bool:
        """Without an id or title column, the first cell links to the incident."""
        return not {"id", "title", "incident"} & set(self.columns)


def incident_row(row: IncidentRow, page: Page, classes: Sequence[list[str]]) -> nodes.row:
    """The table row of one incident."""
    cells = [_incident_cell(row, column, page) for column in row.columns]
    first = cells[0]
    if row.links_first_cell and not isinstance(first, Lines):
        cells[0] = page.link(row.view.record, first or row.view.record["id"])
    return rollup_row(cells, classes)


#: ``incident-list`` columns that have a value in every row.
ALWAYS_FILLED_INCIDENT_COLUMNS = frozenset({"project", "id", "title", "incident", "status"})


def incident_column_has_value(view: IncidentView, column: str) -> bool:
    """Whether the incident shows something in ``column`` (empty columns are left out)."""
    return column in ALWAYS_FILLED_INCIDENT_COLUMNS or _incident_value(view, column) != ""


def _incident_cell(row: IncidentRow, column: str, page: Page) -> Cell | Lines:
    record = row.view.record
    if column == "project":
        return row.project
    if column == "incident":  # the id; the title under it, then the project
        project = _project(row.project) if row.project_under_title else ""
        return Lines((page.link(record, record["id"]), page.link(record, record["title"]), project))
    if column in ("id", "title"):
        return page.link(record, record[column])  # type: ignore[literal-required]
    return _incident_value(row.view, column)


def _incident_value(view: IncidentView, column: str) -> Any:
    """The cell of a column that is neither a link nor the project."""
    record = view.record
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


#: The ``action-item-list`` columns, in order: what a reader needs first comes first (on a
#: phone, the rest scrolls). The ``id`` cell holds the tracker key under the id; the
#: ``title`` cell the item's project (when there are imports), incident and type under
#: the title; the ``due`` cell the overdue flag under the date.
ACTION_COLUMNS = ("id", "title", "status", "due", "priority", "owner")

#: The roll-up columns whose text wraps and takes the rest of the line (titles); the
#: others are as wide as their longest word, in HTML and in LaTeX alike.
WRAPPING_COLUMNS = frozenset({"title", "incident"})


@dataclass(frozen=True)
class ActionRow:
    """What a row of ``action-item-list`` shows: the item, its incident, its overdue flag."""

    action: ActionRecord
    incident: IncidentRecord | None
    overdue: bool
    #: The name of the item's project, when projects are shown (there are imports).
    project: str | None
    #: The columns shown, from :data:`ACTION_COLUMNS`.
    columns: tuple[str, ...]


def action_column_has_value(
    action: ActionRecord, incident: IncidentRecord | None, column: str
) -> bool:
    """Whether the item shows something in ``column`` (empty columns are left out)."""
    if column in ("owner", "priority", "due"):
        return bool(action[column])  # type: ignore[literal-required]
    return True


def action_row(row: ActionRow, page: Page, classes: Sequence[list[str]]) -> nodes.row:
    """The table row of one action item, in its columns."""
    return rollup_row([_action_cell(row, column, page) for column in row.columns], classes)


def _action_cell(row: ActionRow, column: str, page: Page) -> Cell | Lines:
    action = row.action
    if column == "id":
        return Lines((page.link(action, action["id"]), _tracker(action)))
    if column == "title":
        return Lines((action["title"], _origin(row, page)))
    if column == "priority":
        return label(action["priority"], "priority") if action["priority"] else ""
    if column == "due":
        return _due(row)
    if column == "status":
        return label(action["status"], "action-status")
    return action[column] or ""  # type: ignore[literal-required]


def _tracker(action: ActionRecord) -> Cell:
    """The item's tracker key, linked when it has a URL."""
    if action["tracker"] and action["tracker_url"]:
        return external_link(action["tracker_url"], action["tracker"])
    return action["tracker"] or ""


def _origin(row: ActionRow, page: Page) -> list[nodes.Node]:
    """What goes under an item's title: its project, its incident (linked), its type."""
    parts: list[nodes.Node] = []
    if row.project:
        parts.append(_project(row.project))
    if row.incident:
        parts.append(page.link(row.incident, row.incident["id"]))
    if row.action["type"]:
        parts.append(nodes.Text(row.action["type"]))  # unstyled: no inline around it
    between = nodes.Text(" \N{MIDDLE DOT} ")
    return [node for part in parts for node in (between.copy(), part)][1:]


def _project(name: str) -> nodes.inline:
    """The name of an entry's project, under its title (class ``pm-project``)."""
    return nodes.inline(name, name, classes=["pm-project"])


def _due(row: ActionRow) -> Cell | Lines:
    """The due date, flagged under it when the item is overdue."""
    due = row.action["due"]
    if not due:
        return ""
    return Lines((due, label(_("overdue"), "overdue", "overdue") if row.overdue else ""))


@dataclass(frozen=True)
class LessonEntry:
    """What an entry of ``lesson-list`` shows; its body is identified by the record's digest."""

    lesson: LessonRecord
    kind_name: str
    #: Where the lesson comes from: ``INC-2024-017: Title``, with the project when shown.
    source: str
    summary_only: bool
    #: What the filter bar narrows by (``:filter:``, HTML only); None without a bar.
    facets: Facets | None = None


def lesson_entry(entry: LessonEntry, page: Page, body: list[nodes.Node]) -> nodes.container:
    """The block of one lesson: title and kind, its body (unless summary only), its source.

    With facets, the block and each value shown carry the value's class
    (``pm-f-tag-deploy``), and a line under the heading shows the values.
    """
    lesson = entry.lesson
    block = nodes.container(classes=["pm-lesson-entry", f"pm-lesson-{lesson['kind']}"])
    heading = nodes.paragraph(classes=["pm-lesson-heading"])
    heading += nodes.strong("", "", page.link(lesson, lesson["title"]))
    heading += nodes.Text(" ")
    kind = label(entry.kind_name, "kind", lesson["kind"])
    heading += kind
    block += heading
    if entry.facets is not None:
        block["classes"] += facet_classes(entry.facets)
        kind["classes"] += [VALUE_CLASS, facet_class("kind", lesson["kind"])]
        block += facet_line(entry.facets)
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
