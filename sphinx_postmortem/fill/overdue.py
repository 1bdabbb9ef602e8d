"""The "overdue" label of an action item, settled against the build date when written."""

from __future__ import annotations

from docutils import nodes
from sphinx.locale import get_translation

from ..elements import label
from ..model import is_overdue
from ..nodes import overdue_marker

_ = get_translation("sphinx_postmortem")


def build_overdue(node: overdue_marker, today: str) -> list[nodes.Node]:
    """An "overdue" label when the item is overdue at ``today``, else nothing."""
    probe = {"status": node["status"], "due": node["due"]}
    if not is_overdue(probe, today):  # type: ignore[arg-type]
        return []
    return [nodes.Text(" "), label(_("overdue"), "overdue", "overdue")]
