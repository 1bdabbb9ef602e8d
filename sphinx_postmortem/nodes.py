"""Placeholder nodes: written while reading, replaced once all documents are read.

Each carries the plain data it needs (never a record shared with the
domain). :class:`~sphinx_postmortem.transforms.FillPlaceholders` replaces
them before references are resolved; if one ever reaches a writer, it is
skipped rather than crashing the build.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


class PostmortemPlaceholder(nodes.General, nodes.Element):
    """Base class of every placeholder node of this extension."""


class incident_panel(PostmortemPlaceholder):
    """The metadata panel of the incident of ``docname``."""


class timeline_offset(PostmortemPlaceholder):
    """The ``T+7m`` offset of the timeline entry at ``when`` on ``docname``."""


class timeline_block(PostmortemPlaceholder):
    """A timeline table of ``docname``: a list in HTML, the table elsewhere."""


class overdue_marker(PostmortemPlaceholder):
    """An "overdue" label shown when the item with ``due``/``status`` is overdue."""


class rollup(PostmortemPlaceholder):
    """A roll-up (``kind``: incident-list, lesson-list or action-item-list) with its ``spec``."""


PLACEHOLDERS = (incident_panel, timeline_block, timeline_offset, overdue_marker, rollup)


def _skip(translator: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Register the placeholders with a skip visitor for every output format."""
    visitors: dict[str, Any] = {
        fmt: (_skip, None) for fmt in ("html", "latex", "text", "man", "texinfo")
    }
    for node_class in PLACEHOLDERS:
        app.add_node(node_class, override=False, **visitors)
