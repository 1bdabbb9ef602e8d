"""The blameless-language check of a post-mortem's prose.

The rules are in ``blame_vocabulary.py``, matching them in ``blame_language.py``.

A page read again is checked only where its text changed. The contract of
that memo (``env.postmortem_blame_memo``, saved with the environment):

- per page, the key of the rules it was checked with (a digest of every
  rule's name, pattern and suggestion, the names known as people, the
  allowed phrases and this package's version) and, for each text checked,
  a 12-byte digest of the text and what was found in it (phrase,
  suggestion, offset: never a line, which is worked out where the text is
  now);
- it is replaced whenever the page is read: texts no longer on the page are
  forgotten, and a different rules key forgets them all;
- a parallel build merges the pages its workers read; pages that left the
  project are dropped once all pages are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..config import conf_location
from ..domain import PostmortemDomain
from ..errors import PostmortemError, warn
from ..files import short_digest
from ..model import IncidentRecord
from ..nodes import located, text_blocks
from ..settings import settings
from ..version import __version__
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
    docname = app.env.docname
    incident = domain.incident(docname)
    if incident is None or not settings(app).blameless_check:
        return
    try:
        rules = _rules(app, incident_people(incident))
    except PostmortemError:
        return  # reported once, at conf.py, by check_blameless_rules
    allow = [*DEFAULT_ALLOW, *settings(app).blameless_allow]
    found_in = _FindingsMemo(_memo(app.env), docname, rules, allow)
    findings: list[tuple[int, str, str]] = []  # (line, where, message)
    for paragraph, text in _prose(doctree):
        for finding in found_in(text):
            where = located(paragraph)  # a paragraph built from options has no line
            source = where.source or app.env.doc2path(incident["docname"])
            line = (where.line or incident["lineno"]) + text[: finding.offset].count("\n")
            findings.append((line, f"{source}:{line}", _message(finding)))
    # An action item's title and owner are shown when the page is written (in its
    # heading and fields), so they are checked here, at the line of its directive.
    for action in domain.actions(docname):
        where_written = f"{app.env.doc2path(action['docname'])}:{action['lineno']}"
        for text in (action["title"], action["owner"] or ""):
            findings.extend(
                (action["lineno"], where_written, _message(finding)) for finding in found_in(text)
            )
    found_in.keep()
    for _line, where_written, message in sorted(findings, key=lambda item: item[0]):
        warn(message, "blameless", where_written)


def _message(finding: Finding) -> str:
    return f"blameful phrasing {finding.phrase!r}: {finding.suggestion}"


# -- what was found, per page and text (see the module's docstring) -----------------------

#: ``env`` attribute: page -> (rules key, {text digest: findings}).
MEMO_ATTRIBUTE = "postmortem_blame_memo"
PageMemo = tuple[bytes, dict[bytes, tuple[Finding, ...]]]


def _memo(env: BuildEnvironment) -> dict[str, PageMemo]:
    memo: dict[str, PageMemo] | None = getattr(env, MEMO_ATTRIBUTE, None)
    if memo is None:
        memo = {}
        setattr(env, MEMO_ATTRIBUTE, memo)
    return memo


class _FindingsMemo:
    """The findings in each text of one page: remembered from its last reading, or found."""

    def __init__(
        self, memo: dict[str, PageMemo], docname: str, rules: list[Rule], allow: list[str]
    ) -> None:
        self.memo, self.docname, self.rules, self.allow = memo, docname, rules, allow
        people = {rule.people.pattern for rule in rules if rule.people is not None}
        self.key = short_digest(
            __version__,
            *(part for rule in rules for part in (rule.name, rule.source, rule.suggestion)),
            *sorted(people),
            *allow,
        )
        key, known = memo.get(docname, (b"", {}))
        self.known = known if key == self.key else {}
        self.seen: dict[bytes, tuple[Finding, ...]] = {}

    def __call__(self, text: str) -> tuple[Finding, ...]:
        key = short_digest(text)
        if key not in self.seen:
            known = self.known.get(key)
            self.seen[key] = (
                known if known is not None else tuple(find_blame(text, self.rules, self.allow))
            )
        return self.seen[key]

    def keep(self) -> None:
        """Remember the page's texts as read this time (and only those)."""
        self.memo[self.docname] = (self.key, self.seen)


def merge_blame_memo(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """``env-merge-info``: take over what a parallel worker found on the pages it read."""
    theirs, ours = _memo(other), _memo(env)
    ours.update((docname, theirs[docname]) for docname in docnames if docname in theirs)


def forget_removed_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: drop what was found on pages no longer in the project."""
    memo = _memo(env)
    for docname in [d for d in memo if d not in env.all_docs]:
        del memo[docname]
