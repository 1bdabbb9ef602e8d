"""Writing the extension's own parts of a page to HTML as soon as they are filled.

The key facts, the panel, the heading and fields of each action item and
the entries of roll-ups are made from records alone: nothing in them waits
for a later transform (their links are resolved when they are built). A
timeline is too when its entries hold only docutils' and Sphinx's own
self-contained nodes (no cross-reference, image or footnote). An HTML
builder's translator writes these parts while the page is filled, and the
page keeps one :class:`written_part` (or one stored roll-up entry) where it
had their nodes: about half of the nodes of a written post-mortem, and most
of a roll-up page, that every later transform, the writer and Python's
garbage collector would otherwise walk.

The HTML is the builder's own translator's (a theme's translator included),
so pages and the search index are the same byte for byte. Other builders
(LaTeX, text, man, ...) get the nodes, as do builders whose translator is
not an HTML5 translator. A ``doctree-resolved`` handler of another
extension sees each written part as one node, its text as one Text node.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Iterable
from typing import cast

from docutils import nodes
from docutils.utils import new_document
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.writers.html5 import HTML5Translator


class written_part(nodes.General, nodes.Element):
    """A part of a page already written to HTML (``html``).

    Its one child is the part's text, for the search index (which would
    index a ``raw`` node's entities, ``&amp;`` as "amp").
    """


class EarlyHTML:
    """The HTML translator of the page being filled."""

    def __init__(self, builder: Builder, source: str) -> None:
        # The settings the page is written with (``docsettings``, made before any is written).
        holder = new_document(source, builder.docsettings)  # type: ignore[attr-defined]
        self.translator = cast(HTML5Translator, builder.create_translator(holder, builder))

    @classmethod
    def for_builder(cls, builder: Builder, source: str) -> EarlyHTML | None:
        """The early writer of a page ``builder`` writes, or None where it writes nodes later."""
        if builder.format != "html" or not hasattr(builder, "docsettings"):
            return None
        if not issubclass(builder.get_translator_class(), HTML5Translator):
            return None
        return cls(builder, source)

    def html(self, part: nodes.Element) -> str:
        """The HTML of ``part``; a table row is written inside a table of its own."""
        body = self.translator.body
        start = len(body)
        if isinstance(part, nodes.row):
            group = nodes.tgroup(cols=len(part))
            group.extend(nodes.colspec(colwidth=1) for _cell in part)
            group += nodes.tbody("", part)
            nodes.table("", group).walkabout(self.translator)
        else:
            part.walkabout(self.translator)
        html = "".join(body[start:])
        del body[start:]
        return html

    def entry_html(self, entry: nodes.Element) -> str:
        """The HTML a roll-up entry (``memo_row``, ``memo_block``) stores, written now."""
        self.html(entry)
        return str(entry["memo_html"])

    def replace(self, parts: Iterable[nodes.Element], document: nodes.document) -> None:
        """Put the HTML of each of ``parts`` still on ``document`` in its place."""
        for part in parts:
            if _root(part) is document:
                written = written_part("", nodes.Text(_words(part)), html=self.html(part))
                part.parent.replace(part, written)


def _words(part: nodes.Element) -> str:
    """The text of ``part`` for the search index; of its raw HTML, the text between tags."""
    return " ".join(
        html_text.unescape(_TAG.sub(" ", text)) if isinstance(text.parent, nodes.raw) else text
        for text in part.findall(nodes.Text)
    )


_TAG = re.compile(r"<[^<]+?>")


def _root(node: nodes.Node) -> nodes.Node:
    while node.parent is not None:
        node = node.parent
    return node


def visit_written_part(translator: HTML5Translator, node: written_part) -> None:
    translator.body.append(node["html"])
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Register the written parts' node (made for HTML builders only)."""
    app.add_node(written_part, html=(visit_written_part, None))
