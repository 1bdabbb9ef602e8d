"""The blameless-language check of a post-mortem's prose.

The rules are in ``blame_vocabulary.py``, matching them in ``blame_language.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from ..config import conf_location
from ..domain import PostmortemDomain
from ..errors import PostmortemError, warn
from ..model import IncidentRecord
from ..nodes import located, text_blocks
from ..settings import settings
from .blame_language import Finding, Rule, compile_rules, find_blame
from .blame_vocabulary import DEFAULT_ALLOW, DEFAULT_RULES

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


def _rules(app: Sphinx, authors: Iterable[str] = ()) -> list[Rule]:
    """The blameless rules for a page by ``authors`` (patterns are compiled once)."""
    configured = settings(app)
    rules = DEFAULT_RULES if configured.blameless_rules is None else configured.blameless_rules
    return compile_rules(rules, [*authors, *configured.people])


def check_blameless_rules(app: Sphinx) -> None:
    """``builder-inited``: check the configured rules once; report a bad rule at conf.py.

    The built-in rules' large patterns are compiled only when a page's text
    holds one of their trigger words.
    """
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


def incident_people(incident: IncidentRecord) -> list[str]:
    """The names an incident gives of people: authors, responders and everyone in a role.

    They count as people for the blameless rules, like ``postmortem_people``.
    """
    in_roles = [name for names in incident.get("roles", {}).values() for name in names]
    return [*incident["authors"], *incident.get("responders", []), *in_roles]


def _prose(doctree: nodes.document) -> Iterator[tuple[nodes.Element, str]]:
    """Paragraphs outside code, literals and quotations, with their checkable text."""
    return text_blocks(doctree, _is_paragraph, _is_not_prose, _NOT_PROSE)


def _is_paragraph(node: nodes.Element) -> bool:
    return isinstance(node, nodes.paragraph)


def _is_not_prose(node: nodes.Element) -> bool:
    return isinstance(node, _NOT_PROSE)


def check_blame(app: Sphinx, doctree: nodes.document) -> None:
    """Warn about blameful phrasing in the prose of the post-mortem just read."""
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    incident = domain.incident(app.env.docname)
    if incident is None or not settings(app).blameless_check:
        return
    try:
        rules = _rules(app, incident_people(incident))
    except PostmortemError:
        return  # reported once, at conf.py, by check_blameless_rules
    allow = [*DEFAULT_ALLOW, *settings(app).blameless_allow]
    findings: list[tuple[int, str, str]] = []  # (line, where, message)
    for paragraph, text in _prose(doctree):
        where = located(paragraph)  # a paragraph built from options has no line
        source = where.source or app.env.doc2path(incident["docname"])
        for finding in find_blame(text, rules, allow):
            line = (where.line or incident["lineno"]) + text[: finding.offset].count("\n")
            findings.append((line, f"{source}:{line}", _message(finding)))
    # An action item's title and owner are shown when the page is written (in its
    # heading and fields), so they are checked here, at the line of its directive.
    for action in domain.actions(app.env.docname):
        where_written = f"{app.env.doc2path(action['docname'])}:{action['lineno']}"
        for text in (action["title"], action["owner"] or ""):
            findings.extend(
                (action["lineno"], where_written, _message(finding))
                for finding in find_blame(text, rules, allow)
            )
    for _line, where_written, message in sorted(findings, key=lambda item: item[0]):
        warn(message, "blameless", where_written)


def _message(finding: Finding) -> str:
    return f"blameful phrasing {finding.phrase!r}: {finding.suggestion}"
