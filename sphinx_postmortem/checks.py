"""Page-level checks run once a page is read (``doctree-read``).

- orphans: timeline, action items or lessons on a page without an incident;
- metric order: milestones that would make a metric negative;
- completeness: reports in review or published lack a required section,
  a timeline with ``[start]`` and ``[resolve]``, an action item or a lesson;
- blameless language: blameful phrasing in the prose of a post-mortem.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from .blameless import DEFAULT_ALLOW, DEFAULT_RULES, Rule, compile_rules, find_blame
from .config import conf_location
from .domain import PostmortemDomain
from .errors import PostmortemError, warn
from .model import PROJECT_TYPE, IncidentRecord
from .nodes import text_blocks
from .settings import settings

#: Where prose is not checked for blame: code, literals, quotations, raw output.
_NOT_PROSE = (
    nodes.literal_block,
    nodes.literal,
    nodes.block_quote,
    nodes.raw,
    nodes.comment,
    nodes.doctest_block,
    nodes.math,
    nodes.math_block,
    nodes.title,
    nodes.field_name,
    addnodes.pending_xref,
    nodes.reference,
    nodes.target,
    nodes.system_message,
)


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: run every page-level check on the page just read."""
    docname = app.env.docname
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    incident = domain.incident(docname)
    if incident is None:
        _check_orphans(domain, docname)
    if domain.timeline(docname):
        for problem in domain.metrics(docname).problems:
            warn(f"timeline: {problem.message}", "timeline", (docname, problem.lineno))
    if incident is None:
        return
    configured = settings(app)
    if configured.completeness_check and incident["status"] in configured.checked_statuses:
        _check_completeness(app, domain, incident, doctree)
    if configured.blameless_check:
        _check_blame(app, incident, doctree)


def _check_orphans(domain: PostmortemDomain, docname: str) -> None:
    orphans = [("action-item", a["title"], a["lineno"]) for a in domain.actions(docname)]
    orphans += [("lesson", le["title"], le["lineno"]) for le in domain.lessons(docname)]
    timeline = domain.timeline(docname)
    if timeline:
        orphans.append(("timeline", "", timeline[0]["lineno"]))
    for directive, title, lineno in orphans:
        what = f"{directive} {title!r}" if title else directive
        warn(
            f"{what} is on a page without an incident directive; it is rendered but "
            "belongs to no post-mortem",
            "orphan",
            (docname, lineno),
        )


def _section_titles(doctree: nodes.document) -> list[str]:
    return [
        " ".join(section[0].astext().split()).casefold()
        for section in doctree.findall(nodes.section)
        if section.children and isinstance(section[0], nodes.title)
    ]


def _check_completeness(
    app: Sphinx, domain: PostmortemDomain, incident: IncidentRecord, doctree: nodes.document
) -> None:
    docname, location = incident["docname"], (incident["docname"], incident["lineno"])
    status = incident["status"]
    titles = _section_titles(doctree)
    configured = settings(app)
    is_project = incident["type"] == PROJECT_TYPE
    required_sections = (
        configured.project_required_sections if is_project else configured.required_sections
    )
    for required in required_sections:
        wanted = " ".join(str(required).split()).casefold()
        if not any(title == wanted or title.startswith(wanted + " ") for title in titles):
            warn(
                f"{incident['id']} is {status} but has no {required!r} section",
                "missing_section",
                location,
            )
    if not is_project:
        milestones = {e["milestone"] for e in domain.timeline(docname)}
        missing = [m for m in ("start", "resolve") if m not in milestones]
        if missing:
            warn(
                f"{incident['id']} is {status} but its timeline has no "
                + " or ".join(f"[{m}]" for m in missing)
                + " entry",
                "missing_section",
                location,
            )
    if not domain.actions(docname):
        warn(f"{incident['id']} is {status} but has no action-item", "missing_section", location)
    if not domain.lessons(docname):
        warn(f"{incident['id']} is {status} but has no lesson", "missing_section", location)


def _rules(app: Sphinx, authors: Iterable[str] = ()) -> list[Rule]:
    """The blameless rules for a page by ``authors`` (patterns are compiled once)."""
    configured = settings(app)
    rules = DEFAULT_RULES if configured.blameless_rules is None else configured.blameless_rules
    return compile_rules(rules, [*authors, *configured.people])


def check_blameless_rules(app: Sphinx) -> None:
    """``builder-inited``: compile the blameless rules once; report a bad rule at conf.py."""
    if not settings(app).blameless_check:
        return
    try:
        _rules(app)
    except PostmortemError as exc:
        warn(
            f"postmortem_blameless_rules: {exc}; the blameless-language check is skipped",
            "config",
            conf_location(app.confdir, "postmortem_blameless_rules"),
        )


def _prose(doctree: nodes.document) -> Iterator[tuple[nodes.Element, str]]:
    """Paragraphs outside code, literals and quotations, with their checkable text."""
    return text_blocks(doctree, _is_paragraph, _is_not_prose, _NOT_PROSE)


def _is_paragraph(node: nodes.Element) -> bool:
    return isinstance(node, nodes.paragraph)


def _is_not_prose(node: nodes.Element) -> bool:
    return isinstance(node, _NOT_PROSE)


def _check_blame(app: Sphinx, incident: IncidentRecord, doctree: nodes.document) -> None:
    try:
        rules = _rules(app, incident["authors"])
    except PostmortemError:
        return  # reported once, at conf.py, by check_blameless_rules
    allow = [*DEFAULT_ALLOW, *settings(app).blameless_allow]
    for paragraph, text in _prose(doctree):
        for finding in find_blame(text, rules, allow):
            line = (paragraph.line or incident["lineno"]) + text[: finding.offset].count("\n")
            source = paragraph.source or app.env.doc2path(incident["docname"])
            warn(
                f"blameful phrasing {finding.phrase!r}: {finding.suggestion}",
                "blameless",
                f"{source}:{line}",
            )
