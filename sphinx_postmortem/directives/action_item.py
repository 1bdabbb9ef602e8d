"""The ``action-item`` directive: owned, tracked follow-up work."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import quote

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.locale import get_translation

from .. import urls
from ..elements import field_list, label
from ..errors import PostmortemError
from ..links import external_link
from ..model import ACTION_STATUSES, ActionRecord
from ..nodes import action_head, overdue_marker
from ..settings import Settings
from .base import PostmortemDirective, value_line
from .incident import default_incident_id

if TYPE_CHECKING:
    from ..domain import PostmortemDomain

_ = get_translation("sphinx_postmortem")


#: ``env.temp_data`` key: anchors of action items whose default id was given before
#: the page's incident was known.
PROVISIONAL_KEY = "postmortem_provisional_action_ids"

_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


def tracker_url(tracker: str, settings: Settings) -> str | None:
    """The link for a tracker key or URL; None when there is nothing to link.

    A full http(s) URL is used as it is; a key goes through
    ``postmortem_tracker_url``. Raises :class:`PostmortemError` for any other
    kind of URL (``javascript:``, ``data:``, ``ftp://``...).
    """
    lowered = tracker.strip().lower()
    if "://" in lowered or lowered.startswith(_UNSAFE_SCHEMES):
        if urls.is_absolute_http(tracker.strip()):
            return tracker.strip()
        raise PostmortemError(
            f"tracker {tracker!r} is not an http(s) URL; it is shown as text, not linked"
        )
    if settings.tracker_url:
        return settings.tracker_url.replace("{key}", quote(tracker, safe=""))
    return None


class ActionItemDirective(PostmortemDirective):
    """``.. action-item:: What will be done`` with owner, type, priority, due date, status,
    tracker, tags and services."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        name: directives.unchanged
        for name in (
            "id",
            "owner",
            "type",
            "priority",
            "due",
            "status",
            "tracker",
            "tags",
            "services",
        )
    }

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        settings = self.settings
        title = " ".join(self.arguments[0].split())
        incident = self.domain.incident(docname)
        incident_id = incident["id"] if incident else default_incident_id(docname)
        number = len(self.domain.actions(docname)) + 1
        action_id = self.text_option("id") or f"{incident_id}-A{number}"
        provisional = incident is None and not self.text_option("id")
        owner = self.text_option("owner")
        if owner is None:
            self.warn(f"{action_id} has no :owner:; every follow-up needs someone to own it")
        tracker = self.text_option("tracker")
        url = None
        if tracker:
            try:
                url = tracker_url(tracker, settings)
            except PostmortemError as exc:
                self.warn(str(exc))
        target = self.anchor("action", action_id)
        body = self.parse_body()
        record = ActionRecord(
            id=action_id,
            title=title,
            owner=owner,
            type=self.choice_option("type", settings.action_types),
            priority=self.choice_option("priority", settings.priorities),
            due=self.date_option("due"),
            status=self.choice_option("status", ACTION_STATUSES, "open") or "open",
            tracker=tracker,
            tracker_url=url,
            tags=self.list_option("tags"),
            services=self.list_option("services"),
            body="\n\n".join(n.astext() for n in body),
            docname=docname,
            anchor=target["ids"][0],
            lineno=self.lineno,
        )
        self.domain.note_action(record)
        if provisional:
            anchors: list[str] = self.env.temp_data.get(PROVISIONAL_KEY) or []
            self.env.temp_data[PROVISIONAL_KEY] = [*anchors, record["anchor"]]
        block = render_action(record, body)
        self.set_source_info(block)  # where checks of its fields point
        return [target, block]


def render_action(record: ActionRecord, body: list[nodes.Node]) -> nodes.container:
    """The block of one action item as read: a placeholder for its heading and fields
    (see :func:`render_action_head`), its body, tags and services.

    The heading and fields are built when the page is written, so the doctree kept
    between reading and writing holds one node for them instead of about forty.
    """
    container = nodes.container(classes=["pm-action", f"pm-action-{record['status']}"])
    container += action_head(docname=record["docname"], anchor=record["anchor"])
    container.extend(body)
    if record.get("tags"):
        container += value_line(_("Tags:"), record["tags"], "tag")
    if record.get("services"):
        container += value_line(_("Services:"), record["services"], "service")
    return container


def render_action_head(record: ActionRecord) -> list[nodes.Node]:
    """The heading (id and title) and the fields of one action item."""
    heading = nodes.paragraph(classes=["pm-action-title"])
    heading += nodes.literal(
        record["id"], record["id"], classes=["pm-action-id"], action_anchor=record["anchor"]
    )
    heading += nodes.Text(" ")
    heading += nodes.strong(record["title"], record["title"])
    due: list[nodes.Node] = []
    if record["due"]:
        due = [
            nodes.Text(record["due"]),
            overdue_marker(due=record["due"], status=record["status"]),
        ]
    tracker: object = record["tracker"] or ""
    if record["tracker"] and record["tracker_url"]:
        tracker = external_link(record["tracker_url"], record["tracker"])
    fields: list[tuple[str, str, object]] = [
        ("owner", _("Owner"), record["owner"] or ""),
        ("type", _("Type"), record["type"] or ""),
        (
            "priority",
            _("Priority"),
            label(record["priority"], "priority") if record["priority"] else "",
        ),
        ("due", _("Due"), due),
        ("status", _("Status"), label(record["status"], "action-status")),
        ("tracker", _("Tracker"), tracker),
    ]
    shown = field_list(
        [(name, value) for _key, name, value in fields],  # type: ignore[misc]
        classes=["pm-action-fields"],
    )
    keys = [key for key, _name, value in fields if value not in ("", None, [])]
    for field, key in zip(shown.children, keys, strict=True):
        cast(nodes.Element, field)["classes"].append(f"pm-field-{key}")
    return [heading, shown]


def settle_default_ids(app: Sphinx, doctree: nodes.document) -> None:
    """Give ``<incident id>-A<n>`` ids to items written before the page's incident.

    Their headings are built from the records when the page is written, so they
    show the settled ids.
    """
    provisional: set[str] = set(app.env.temp_data.pop(PROVISIONAL_KEY, None) or ())
    domain = cast("PostmortemDomain", app.env.get_domain("postmortem"))
    docname = app.env.docname
    incident = domain.incident(docname)
    if not provisional or incident is None:
        return
    new_ids = {
        action["anchor"]: f"{incident['id']}-A{number}"
        for number, action in enumerate(domain.actions(docname), 1)
        if action["anchor"] in provisional
    }
    domain.set_action_ids(docname, new_ids)


#: The columns of a compact action table: (key, header). ``id`` and ``title`` come from
#: the item's heading, the others from its fields (``pm-field-<key>``).
COMPACT_COLUMNS = (
    ("id", _("ID")),
    ("title", _("Title")),
    ("owner", _("Owner")),
    ("priority", _("Priority")),
    ("due", _("Due")),
    ("status", _("Status")),
    ("tracker", _("Tracker")),
)


def is_action_block(node: nodes.Node) -> bool:
    """Whether ``node`` is the block of one action item (see :func:`render_action`)."""
    return isinstance(node, nodes.container) and "pm-action" in node["classes"]


def action_runs(doctree: nodes.Element) -> list[list[nodes.container]]:
    """The action item blocks of ``doctree`` in runs: blocks with only targets between them."""
    runs: list[list[nodes.container]] = []
    for block in doctree.findall(is_action_block):
        block = cast(nodes.container, block)
        if runs and _follows(runs[-1][-1], block):
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


def _follows(earlier: nodes.Element, later: nodes.Element) -> bool:
    if earlier.parent is not later.parent or earlier.parent is None:
        return False
    siblings = earlier.parent.children
    between = siblings[siblings.index(earlier) + 1 : siblings.index(later)]
    return all(isinstance(node, nodes.target) for node in between)


def tabulate_action_items(doctree: nodes.Element) -> list[nodes.table]:
    """Replace each run of adjacent action item blocks with one compact table.

    Each row keeps its item's anchor (the row's id, and the item's target in
    the id cell), so ``:action-item:`` references and roll-up links still
    land on it. Columns empty in every row are left out. Returns the tables.
    """
    tables = []
    for run in action_runs(doctree):
        parent = cast(nodes.Element, run[0].parent)
        targets = [_target_of(block) for block in run]
        index = parent.index(targets[0] if targets[0] is not None else run[0])
        for node in [*run, *targets]:
            if node is not None:
                parent.remove(node)
        table = compact_table(run, targets)
        parent.insert(index, table)
        tables.append(table)
    return tables


def _target_of(block: nodes.container) -> nodes.target | None:
    """The target just before ``block`` that points at it, if any."""
    parent = cast(nodes.Element, block.parent)
    index = parent.index(block)
    previous = parent.children[index - 1] if index else None
    if isinstance(previous, nodes.target) and previous.get("refid") in block["ids"]:
        return previous
    return None


def compact_table(run: list[nodes.container], targets: list[nodes.target | None]) -> nodes.table:
    """One table of the action item blocks of ``run``: a row per item, its anchor kept."""
    cells = [_cells_of(block, target) for block, target in zip(run, targets, strict=True)]
    columns = [
        (key, header)
        for key, header in COMPACT_COLUMNS
        if key in ("id", "title") or any(row[key] for row in cells)
    ]
    group = nodes.tgroup(cols=len(columns))
    for key, header in columns:  # the text builder's widths, in characters
        longest = max(len("".join(n.astext() for n in row[key])) for row in cells)
        group += nodes.colspec(colwidth=40 if key == "title" else max(len(header), longest) + 2)
    head = nodes.thead()
    head += _row([[nodes.paragraph(header, header)] for _key, header in columns], columns)
    group += head
    body = nodes.tbody()
    for block, row_cells in zip(run, cells, strict=True):
        row = _row([row_cells[key] for key, _header in columns], columns)
        row["ids"] = list(block["ids"])
        row["classes"] = ["pm-action-row", *(c for c in block["classes"] if c != "pm-action")]
        body += row
    group += body
    table = nodes.table(classes=["pm-table", "pm-action-table"])
    table += group
    table.source, table.line = run[0].source, run[0].line
    return table


def _row(cells: list[list[nodes.Node]], columns: list[tuple[str, str]]) -> nodes.row:
    row = nodes.row()
    for (key, _header), content in zip(columns, cells, strict=True):
        entry = nodes.entry(classes=[f"pm-col-{key}"])
        entry.extend(content or [nodes.paragraph()])
        row += entry
    return row


def _cells_of(block: nodes.container, target: nodes.target | None) -> dict[str, list[nodes.Node]]:
    """The content of each column for one block: its nodes, moved (the block is dropped)."""
    cells: dict[str, list[nodes.Node]] = {key: [] for key, _header in COMPACT_COLUMNS}
    rest: list[nodes.Node] = []
    for child in list(block.children):
        classes: list[str] = child.get("classes", []) if isinstance(child, nodes.Element) else []
        if "pm-action-title" in classes:
            identifier = nodes.paragraph()
            title = nodes.paragraph()
            for part in list(cast(nodes.Element, child).children):
                if isinstance(part, nodes.literal):
                    identifier += part
                elif isinstance(part, nodes.strong):
                    title += part
            if target is not None:
                identifier.insert(0, target)
            cells["id"], cells["title"] = [identifier], [title]
        elif "pm-action-fields" in classes:
            for field in cast(nodes.Element, child).children:
                key = _field_key(cast(nodes.Element, field))
                if key in cells:
                    cells[key] = list(cast(nodes.Element, field.children[1]).children)
        else:
            rest.append(child)
    cells["title"] += rest
    return cells


def _field_key(field: nodes.Element) -> str:
    keys = [c.removeprefix("pm-field-") for c in field["classes"] if c.startswith("pm-field-")]
    return keys[0] if keys else ""
