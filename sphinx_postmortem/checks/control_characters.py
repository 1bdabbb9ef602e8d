"""Control characters in a post-mortem's text, reported where they were written.

ANSI colour codes and other control characters pasted from a terminal make
an Atom feed or an SVG chart not well-formed XML. The export and the feed
drop them (:func:`~.xmltext.xml_safe`); this check tells the author, at the
line of the ``incident``, ``action-item`` or ``lesson`` that holds them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx

from ..domain import PostmortemDomain
from ..errors import warn
from ..xmltext import forbidden_characters

#: Record fields that are not text an author wrote.
_NOT_TEXT = frozenset({"docname", "anchor", "lineno", "body_digest", "project", "url"})


def _texts(record: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(field, text)`` for every text of ``record``, list items included."""
    for field, value in record.items():
        if field in _NOT_TEXT:
            continue
        if isinstance(value, str):
            yield field, value
        elif isinstance(value, list):
            yield from ((field, item) for item in value if isinstance(item, str))


def _report(kind: str, record: Mapping[str, Any]) -> None:
    fields: dict[str, list[str]] = {}
    for field, text in _texts(record):
        names = fields.setdefault(field, [])
        names.extend(name for name in forbidden_characters(text) if name not in names)
    found = {field: names for field, names in fields.items() if names}
    if not found:
        return
    where = "; ".join(f":{field}: {', '.join(names)}" for field, names in found.items())
    warn(
        f"{kind} holds control characters (terminal colour codes?) that are left out "
        f"of the export and the feed: {where}",
        "control_character",
        (record["docname"], record["lineno"]),
    )


def check_control_characters(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: warn at each record of the page whose text holds control characters."""
    docname = app.env.docname
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    incident = domain.incident(docname)
    if incident is not None:
        _report("incident", incident)
    for action in domain.actions(docname):
        _report("action-item", action)
    for lesson in domain.lessons(docname):
        _report("lesson", lesson)
