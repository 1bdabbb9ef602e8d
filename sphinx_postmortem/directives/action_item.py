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
from ..nodes import overdue_marker
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
    """The block of one action item: id and title, its fields, its body, tags and services."""
    container = nodes.container(classes=["pm-action", f"pm-action-{record['status']}"])
    heading = nodes.paragraph(classes=["pm-action-title"])
    heading += nodes.literal(
        record["id"], record["id"], classes=["pm-action-id"], action_anchor=record["anchor"]
    )
    heading += nodes.Text(" ")
    heading += nodes.strong(record["title"], record["title"])
    container += heading
    due: list[nodes.Node] = []
    if record["due"]:
        due = [
            nodes.Text(record["due"]),
            overdue_marker(due=record["due"], status=record["status"]),
        ]
    tracker: object = record["tracker"] or ""
    if record["tracker"] and record["tracker_url"]:
        tracker = external_link(record["tracker_url"], record["tracker"])
    container += field_list(
        [
            (_("Owner"), record["owner"] or ""),
            (_("Type"), record["type"] or ""),
            (_("Priority"), label(record["priority"], "priority") if record["priority"] else ""),
            (_("Due"), due),
            (_("Status"), label(record["status"], "action-status")),
            (_("Tracker"), tracker),  # type: ignore[list-item]
        ],
        classes=["pm-action-fields"],
    )
    container.extend(body)
    if record.get("tags"):
        container += value_line(_("Tags:"), record["tags"], "tag")
    if record.get("services"):
        container += value_line(_("Services:"), record["services"], "service")
    return container


def settle_default_ids(app: Sphinx, doctree: nodes.document) -> None:
    """Give ``<incident id>-A<n>`` ids to items written before the page's incident."""
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
    for literal in doctree.findall(nodes.literal):
        new_id = new_ids.get(literal.get("action_anchor"))
        if new_id is not None:
            literal.children = []
            literal += nodes.Text(new_id)
