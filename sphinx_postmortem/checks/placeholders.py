"""Scaffold text left in a report that is in review or published (``doctree-read``).

``sphinx-postmortem new`` marks everything the author must write with the
:data:`MARKER` ``TODO:`` (an owner, the lesson titles, the summary, the text of
each section and timeline entry). A page whose incident status is one of
``postmortem_checked_statuses`` gets one ``postmortem.placeholder`` warning
for every place that still holds the marker, and one for a timeline whose
milestones all fall on the same instant (the scaffold's ``00:00`` stub
times). Drafts are not checked. Text in code and literals is never a
placeholder, so ``TODO:`` can still be quoted as ``TODO:``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx

from ..domain import PostmortemDomain
from ..errors import warn
from ..model import IncidentRecord
from ..nodes import incident_panel, located, text_blocks, timeline_block
from ..settings import settings

#: What the scaffold writes in front of every text the author must replace.
MARKER = "TODO:"

#: The marker as a word of its own, in capitals, followed by its colon.
_MARKER = re.compile(r"(?<!\w)TODO:")

#: Longest quotation of placeholder text in a warning.
EXCERPT_LENGTH = 60

#: Where text is never a placeholder: code, literals, comments, raw output.
_NOT_TEXT = (
    nodes.literal,
    nodes.literal_block,
    nodes.doctest_block,
    nodes.comment,
    nodes.raw,
    nodes.math,
    nodes.math_block,
    nodes.system_message,
)

#: Nodes the directives build from option values, which are checked on the
#: records instead (with the directive's line): timelines, panels, the titles
#: and fields of incidents, action items and lessons. (An action item's heading
#: and fields are built when the page is written.)
_FROM_RECORDS = (timeline_block, incident_panel)
_FROM_RECORDS_CLASSES = frozenset({"pm-incident-title"})
_SKIPPED = (*_NOT_TEXT, *_FROM_RECORDS)

#: How warnings name the text blocks they point at.
_BLOCK_NAMES = {"title": "heading", "paragraph": "paragraph", "term": "term", "rubric": "rubric"}


def placeholder_excerpt(text: str) -> str | None:
    """The placeholder text in ``text``, from its marker, shortened; None when there is none."""
    match = _MARKER.search(text)
    if match is None:
        return None
    excerpt = " ".join(text[match.start() :].split())
    if len(excerpt) > EXCERPT_LENGTH:
        excerpt = excerpt[: EXCERPT_LENGTH - 3].rstrip() + "..."
    return excerpt


def check_placeholders(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: warn about scaffold text left in a report under review or published."""
    docname = app.env.docname
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    incident = domain.incident(docname)
    if incident is None or incident["status"] not in settings(app).checked_statuses:
        return
    found: list[tuple[int, str, str, Any]] = [
        (location[1], what, excerpt, location)
        for what, excerpt, location in _record_placeholders(domain, incident)
    ]
    for block, excerpt in _text_placeholders(doctree):
        located_at = located(block)
        found.append(
            (
                located_at.line or 0,
                _BLOCK_NAMES.get(block.tagname, block.tagname),
                excerpt,
                located_at,
            )
        )
    for _line, what, excerpt, location in sorted(found, key=lambda item: item[0]):
        warn(
            f"{what}: placeholder text {excerpt!r} left in a report that is "
            f"{incident['status']}; write what belongs there",
            "placeholder",
            location,
        )
    _check_same_instant(domain, incident)


def _record_placeholders(
    domain: PostmortemDomain, incident: IncidentRecord
) -> Iterator[tuple[str, str, tuple[str, int]]]:
    """``(what, excerpt, location)`` of each option value or timeline entry with the marker."""
    docname = incident["docname"]
    values: list[tuple[str, str | list[str] | None, int]] = [
        (f"the title of incident {incident['id']}", incident["title"], incident["lineno"]),
        (f"the :authors: of incident {incident['id']}", incident["authors"], incident["lineno"]),
        (f"the :services: of incident {incident['id']}", incident["services"], incident["lineno"]),
        (f"the :tags: of incident {incident['id']}", incident["tags"], incident["lineno"]),
    ]
    for action in domain.actions(docname):
        what = f"action-item {action['id']}"
        values.append((f"the title of {what}", action["title"], action["lineno"]))
        values.append((f"the :owner: of {what}", action["owner"], action["lineno"]))
        values.append((f"the :tracker: of {what}", action["tracker"], action["lineno"]))
    for lesson in domain.lessons(docname):
        values.append(("lesson title", lesson["title"], lesson["lineno"]))
        values.append(
            (f"the :tags: of lesson {lesson['title']!r}", lesson["tags"], lesson["lineno"])
        )
    for entry in domain.timeline(docname):
        values.append(("timeline entry", entry["text"], entry["lineno"]))
    for what, value, lineno in values:
        text = ", ".join(value) if isinstance(value, list) else value or ""
        excerpt = placeholder_excerpt(text)
        if excerpt is not None:
            yield what, excerpt, (docname, lineno)


def _text_placeholders(doctree: nodes.document) -> Iterator[tuple[nodes.Element, str]]:
    """Each paragraph, title or other text block of the page holding the marker, once."""
    for block, text in text_blocks(doctree, _is_text_block, _skipped, _NOT_TEXT):
        excerpt = placeholder_excerpt(text)
        if excerpt is not None:
            yield block, excerpt


def _is_text_block(node: nodes.Element) -> bool:
    """A text element that is not part of another one's text."""
    return isinstance(node, nodes.TextElement) and not isinstance(node.parent, nodes.TextElement)


def _skipped(node: nodes.Element) -> bool:
    """Code, literals and the nodes built from option values (checked on the records)."""
    if isinstance(node, _SKIPPED):
        return True
    if node["classes"] and not _FROM_RECORDS_CLASSES.isdisjoint(node["classes"]):
        return True
    # "<kind>: <lesson title>", built from the lesson's title
    return (
        isinstance(node, nodes.title)
        and isinstance(node.parent, nodes.admonition)
        and "pm-lesson" in node.parent["classes"]
    )


def _check_same_instant(domain: PostmortemDomain, incident: IncidentRecord) -> None:
    """Warn when two or more milestones and every one is at the same moment (stub times)."""
    docname = incident["docname"]
    milestones = [entry for entry in domain.timeline(docname) if entry["milestone"]]
    if len(milestones) < 2:
        return
    moments = {dt.datetime.fromisoformat(entry["when"]) for entry in milestones}
    if len(moments) == 1:
        names = ", ".join(f"[{entry['milestone']}]" for entry in milestones)
        warn(
            f"timeline: every milestone ({names}) is at the same time, "
            f"{milestones[0]['when']}; fill in when each one happened before the report "
            f"is {incident['status']}",
            "placeholder",
            (docname, milestones[0]["lineno"]),
        )
