"""Links that work for every builder: to a record's anchor, to another site, from any page."""

from __future__ import annotations

from docutils import nodes
from sphinx.builders import Builder
from sphinx.util.nodes import make_refnode

from . import urls
from .elements import Cell, as_nodes


def link(
    builder: Builder, fromdocname: str, todocname: str, anchor: str, content: Cell, title: str = ""
) -> nodes.reference:
    """A link to ``anchor`` on ``todocname`` that works for every builder.

    For singlehtml, where every document is on one page, the link is the bare
    ``#anchor`` (Sphinx would produce an unusable ``#document-x#anchor``).
    """
    # the content itself, not wrapped: one node less per link, for every writer to walk
    inner = as_nodes(content)
    reference = make_refnode(builder, fromdocname, todocname, anchor, inner, title or None)
    if builder.name == "singlehtml" and "refuri" in reference:
        reference["refuri"] = "#" + anchor
    return reference


def page_relative_url(builder: Builder, fromdocname: str, url: str) -> str:
    """Make a URL relative to the output root usable from ``fromdocname``'s page."""
    if not urls.is_relative(url) or url.startswith(("/", "#")):
        return url
    depth = builder.get_target_uri(fromdocname).count("/")
    return "../" * depth + url


def external_link(url: str, content: Cell) -> nodes.reference:
    """A link to another site (an imported project, an issue tracker)."""
    reference = nodes.reference("", "", refuri=url, classes=["pm-external"])
    reference.extend(as_nodes(content))
    return reference
