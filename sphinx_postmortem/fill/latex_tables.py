"""Tables that fit the page in LaTeX: column widths from what the cells hold.

Sphinx's default LaTeX table (``tabulary``) shares the line among the
columns by the length of their text, so a short column of words that must
not break (``T−1h29m``, ``INC-2024-004-A2``, ``2024-04-15``) gets narrower
than its widest word and runs into the next one ("Overfull \\hbox"). Here the
short columns are as wide as their widest word, and one column (a title, an
event) takes the rest of the line, through a ``tabular_col_spec`` node
before the table, which only the LaTeX writer reads.

In LaTeX a page's adjacent action items are always one table
(:class:`ActionItemsAsTables`); other builders keep the blocks unless
``postmortem_action_items_compact`` is set. The choice is made when the page
is written, because every builder shares the same doctree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..directives.action_item import tabulate_action_items

#: The width of one character, in em, and the room around a column's text: wide
#: enough for digits, dashes and the letters of offsets and ids in Sphinx's fonts.
CHARACTER_EM = 0.6
PADDING_EM = 0.4


def column_spec(
    table: nodes.table,
    flexible: int,
    wrap_at: Mapping[int, int] = {},
    character_em: float = CHARACTER_EM,
) -> str:
    """A LaTeX column spec for ``table``: fixed columns as wide as their text, ``flexible``
    taking the rest of the line.

    A fixed column is as wide as its longest cell, or, for a column in
    ``wrap_at`` (index -> characters), at most that many characters wide
    but never narrower than its longest word (words end at spaces and, in
    such a column, at hyphens). Every column is ragged right.
    """
    rows = [cast(nodes.row, row) for row in table.findall(nodes.row)]
    count = max((len(row.children) for row in rows), default=0)
    widths: list[float] = []
    for index in range(count):
        texts = [row.children[index].astext() for row in rows if index < len(row.children)]
        longest = max((len(text) for text in texts), default=0)
        breaks = r"[\s-]+" if index in wrap_at else r"\s+"  # LaTeX breaks after hyphens too
        word = max((len(part) for text in texts for part in re.split(breaks, text)), default=0)
        chars = max(word, min(longest, wrap_at.get(index, longest)))
        widths.append(round(chars * character_em + PADDING_EM, 1))
    fixed = sum(width for index, width in enumerate(widths) if index != flexible)
    rest = rf"\dimexpr\linewidth-{fixed:g}em-{2 * count}\tabcolsep\relax"
    columns = [
        rf">{{\raggedright\arraybackslash}}p{{{rest if index == flexible else f'{width:g}em'}}}"
        for index, width in enumerate(widths)
    ]
    return "".join(columns)


def spec_node(spec: str) -> addnodes.tabular_col_spec:
    """The node that gives the next table its LaTeX column spec (other writers skip it)."""
    return addnodes.tabular_col_spec(spec=spec)


class ActionItemsAsTables(SphinxPostTransform):
    """LaTeX: each run of adjacent action items is one table, in small type, sized to fit.

    Runs before :class:`~.transform.FillPlaceholders`, which then settles the
    overdue markers moved into the tables.
    """

    default_priority = 4
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        tabulate_action_items(self.document)
        for table in list(self.document.findall(nodes.table)):
            if "pm-action-table" in table["classes"]:
                _size_action_table(table)


def _size_action_table(table: nodes.table) -> None:
    """Small type and a column spec for one action table (title column flexible)."""
    parent = cast(nodes.Element, table.parent)
    index = parent.index(table)
    group = cast(nodes.Element, table.children[0])
    keys = [
        next((c.removeprefix("pm-col-") for c in entry["classes"] if c.startswith("pm-col-")), "")
        for entry in cast(nodes.Element, group.next_node(nodes.row)).children
        if isinstance(entry, nodes.Element)
    ]
    wrap_at = {number: 10 for number, key in enumerate(keys) if key in ("owner", "tracker")}
    flexible = keys.index("title") if "title" in keys else len(keys) - 1
    spec = column_spec(table, flexible, wrap_at, character_em=0.55)
    parent.insert(index + 1, nodes.raw("", "\\endgroup\n", format="latex"))
    parent.insert(index, spec_node(spec))
    parent.insert(index, nodes.raw("", SMALL_TABLE, format="latex"))


#: Before an action table: small type and narrower gaps between columns (up to ``\endgroup``).
SMALL_TABLE = "\\begingroup\\footnotesize\\setlength{\\tabcolsep}{3pt}\n"
