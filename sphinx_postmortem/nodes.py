"""Placeholder nodes: written while reading, replaced once all documents are read.

Each carries the plain data it needs (never a record shared with the
domain). :class:`~sphinx_postmortem.fill.transform.FillPlaceholders` replaces
them before references are resolved; if one ever reaches a writer, it is
skipped rather than crashing the build.

:func:`text_blocks` is the one walk of a page's text that the checks of
``doctree-read`` share (blameless language, placeholder text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx


class PostmortemPlaceholder(nodes.General, nodes.Element):
    """Base class of every placeholder node of this extension."""


class incident_panel(PostmortemPlaceholder):
    """The key facts (``part="facts"``) or the metadata panel (``part="details"``) of the
    incident of ``docname``; both when ``part`` is not given."""


class timeline_block(PostmortemPlaceholder):
    """A timeline of ``docname``: one paragraph per entry, its event text.

    Each paragraph carries its entry's time as written and its moment
    (``pm_*`` attributes); the block becomes a list in HTML, a table elsewhere.
    """


class overdue_marker(PostmortemPlaceholder):
    """An "overdue" label shown when the item with ``due``/``status`` is overdue."""


class action_head(PostmortemPlaceholder):
    """The heading (id and title) and fields of the action item at ``anchor`` on
    ``docname``, built from its record when the page is written."""


class rollup(PostmortemPlaceholder):
    """A roll-up of ``kind`` (incident-list, lesson-list, action-item-list, postmortem-stats).

    Holds the directive's ``options`` while its page is read, then the typed
    ``spec`` they were parsed into (``selection/specs.py``).
    """


PLACEHOLDERS = (incident_panel, timeline_block, overdue_marker, action_head, rollup)


def _skip(translator: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Register the placeholders with a skip visitor for every output format."""
    visitors: dict[str, Any] = {
        fmt: (_skip, None) for fmt in ("html", "latex", "text", "man", "texinfo")
    }
    for node_class in PLACEHOLDERS:
        app.add_node(node_class, override=False, **visitors)


def text_blocks(
    root: nodes.Element,
    is_block: Callable[[nodes.Element], bool],
    skipped: Callable[[nodes.Element], bool],
    left_out: tuple[type[nodes.Node], ...],
) -> Iterator[tuple[nodes.Element, str]]:
    """Each block of text under ``root`` in document order, with the text it holds.

    One walk down the tree: a ``skipped`` node is left out with everything
    under it; every other node where ``is_block`` holds is a block (blocks
    inside it are found too). A block's text joins its Text nodes, leaving
    out those under a node of a ``left_out`` type.
    """
    for child in root.children:
        if not isinstance(child, nodes.Element) or skipped(child):
            continue
        if is_block(child):
            parts: list[str] = []
            _collect_text(child, left_out, parts)
            yield child, "".join(parts)
        yield from text_blocks(child, is_block, skipped, left_out)


def _collect_text(
    node: nodes.Element, left_out: tuple[type[nodes.Node], ...], parts: list[str]
) -> None:
    for child in node.children:
        if isinstance(child, nodes.Text):
            parts.append(child.astext())
        elif not isinstance(child, left_out):
            _collect_text(cast(nodes.Element, child), left_out, parts)


def located(node: nodes.Element) -> nodes.Node:
    """``node``, or its nearest ancestor that knows its source and line (for warnings)."""
    candidate: nodes.Node | None = node
    while candidate is not None:
        if candidate.line is not None and candidate.source:
            return candidate
        candidate = candidate.parent
    return node
