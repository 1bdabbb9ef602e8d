"""Tables that fit the page in LaTeX: column widths from what the cells hold.

Sphinx's default LaTeX table (``tabulary``) shares the line among the
columns by the length of their text, so a short column of words that must
not break (``T−1h29m``, ``INC-2024-004-A2``, ``2024-04-15``) gets narrower
than its widest word and runs into the next one ("Overfull \\hbox"). Here the
short columns are as wide as their widest word, and one column (a title, an
event) takes the rest of the line, through a ``tabular_col_spec`` node
before the table, which only the LaTeX writer reads.

In LaTeX a page's adjacent action items are always one table
(:class:`TablesForLatex`); other builders keep the blocks unless
``postmortem_action_items_compact`` is set. The choice is made when the page
is written, because every builder shares the same doctree. Every table of the
extension without a spec of its own (action items, roll-ups, statistics) is
then set in small type and sized by :func:`fit_table`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..directives.action_item import tabulate_action_items
from .entries import WRAPPING_COLUMNS

#: The width of one character, in em, and the room around a column's text: wide
#: enough for digits, dashes and the letters of offsets and ids in Sphinx's fonts.
CHARACTER_EM = 0.6
PADDING_EM = 0.4
#: How much wider than other characters a capital letter is (``CHECKOUT-1234``).
CAPITAL_EXTRA = 0.3


def column_spec(
    table: nodes.table,
    flexible: int | Collection[int],
    wrap_at: Mapping[int, int] = {},
    character_em: float = CHARACTER_EM,
) -> str:
    """A LaTeX column spec for ``table``: fixed columns as wide as their text, the
    ``flexible`` one(s) sharing the rest of the line by the length of their text.

    A fixed column is as wide as its longest line, or, for a column in
    ``wrap_at`` (index -> characters), at most that many characters wide
    but never narrower than its longest word (words end at spaces and, in
    such a column, at hyphens and slashes). Header text breaks between words,
    and after hyphens. Every column is ragged right.
    """
    columns = [_measure(table, index, index in wrap_at) for index in range(_count(table))]
    shared = {flexible} if isinstance(flexible, int) else set(flexible)
    widths = _widths(columns, wrap_at, character_em)
    fixed = sum(width for index, width in enumerate(widths) if index not in shared)
    rest = rf"\linewidth-{fixed:g}em-{2 * len(widths)}\tabcolsep"
    weights = {index: round(min(columns[index][1], 80)) or 1 for index in shared}
    return "".join(
        rf">{{\raggedright\arraybackslash}}p{{{width:g}em}}"
        if index not in shared
        else rf">{{\raggedright\arraybackslash}}p{{\dimexpr{_share(rest, weights, index)}\relax}}"
        for index, width in enumerate(widths)
    )


def least_width(
    table: nodes.table,
    flexible: int | Collection[int],
    wrap_at: Mapping[int, int] = {},
    character_em: float = CHARACTER_EM,
) -> float:
    """The width, in em, :func:`column_spec` needs for ``table`` without its gaps between
    columns: fixed columns as they are, flexible ones as wide as their longest word."""
    columns = [_measure(table, index, index in wrap_at) for index in range(_count(table))]
    shared = {flexible} if isinstance(flexible, int) else set(flexible)
    words = {index: (columns[index][0], columns[index][0]) for index in shared}
    fixed_columns = [words.get(index, column) for index, column in enumerate(columns)]
    return sum(_widths(fixed_columns, wrap_at, character_em))


def _widths(
    columns: list[tuple[float, float]], wrap_at: Mapping[int, int], character_em: float
) -> list[float]:
    """Each column's width in em, from its (longest word, longest line) in characters."""
    return [
        round(max(word, min(longest, wrap_at.get(index, longest))) * character_em + PADDING_EM, 1)
        for index, (word, longest) in enumerate(columns)
    ]


def _share(rest: str, weights: Mapping[int, int], index: int) -> str:
    """The part of the rest of the line column ``index`` gets: all of it when it is alone."""
    total = sum(weights.values())
    return rest if len(weights) == 1 else f"({rest})*{weights[index]}/{total}"


def _count(table: nodes.table) -> int:
    return max((len(row.children) for row in table.findall(nodes.row)), default=0)


def _measure(table: nodes.table, index: int, hyphens: bool) -> tuple[float, float]:
    """Column ``index``'s longest unbreakable word and longest line, in characters."""
    word = longest = 0.0
    for row in table.findall(nodes.row):
        if len(row.children) <= index:
            continue
        text = row.children[index].astext()
        if isinstance(row.parent, nodes.thead):  # a header breaks between words and at hyphens
            word = max([word, *(_chars(part) for part in re.findall(r"[^\s-]+-?", text))])
            continue
        lines = text.splitlines() or [""]
        longest = max([longest, *(_length(line) for line in lines)])
        word = max([word, *(_chars(part) for line in lines for part in _words(line, hyphens))])
    return word, longest


def _words(line: str, hyphens: bool) -> list[str]:
    """The parts of ``line`` LaTeX does not break: words, split at hyphens and slashes
    too if ``hyphens``; a web address breaks after its slashes and dots."""
    return [
        part
        for word in line.split()
        for part in re.split(r"[/.]" if "://" in word else r"[/-]" if hyphens else r"\s", word)
    ]


def _length(line: str) -> float:
    """How long ``line`` is at most on one line: a web address is broken where it needs."""
    if "://" not in line:
        return _chars(line)
    return max((_chars(part) for part in _words(line, False)), default=0)


def _chars(text: str) -> float:
    """The length of ``text`` in characters, a capital letter counting as 1.3 of them."""
    return len(text) + CAPITAL_EXTRA * sum(1 for c in text if c.isupper())


def spec_node(spec: str) -> addnodes.tabular_col_spec:
    """The node that gives the next table its LaTeX column spec (other writers skip it)."""
    return addnodes.tabular_col_spec(spec=spec)


def in_small_type(table: nodes.table, spec: str, smaller: bool = False) -> list[nodes.Node]:
    """``table`` with its column spec, in small type (or ``smaller`` yet) with narrow gaps
    between columns."""
    return [
        nodes.raw("", SMALLER_TABLE if smaller else SMALL_TABLE, format="latex"),
        spec_node(spec),
        table,
        nodes.raw("", "\\endgroup\n", format="latex"),
    ]


class TablesForLatex(SphinxPostTransform):
    """LaTeX: each run of adjacent action items is one table; every table of the
    extension without a column spec yet (action items, roll-ups, statistics)
    is set in small type, sized to fit the line.

    Runs after :class:`~.transform.FillPlaceholders` (the roll-ups and
    statistics are filled then; overdue markers are settled before their
    items are moved into a table).
    """

    default_priority = 7  # after FillPlaceholders (5), which also settles group sections
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        tabulate_action_items(self.document)
        for table in list(self.document.findall(nodes.table)):
            if _is_ours(table) and not _has_spec(table):
                fit_table(table)


def _is_ours(table: nodes.table) -> bool:
    return any(name.startswith("pm-") for name in table["classes"])


def _has_spec(table: nodes.table) -> bool:
    parent = cast(nodes.Element, table.parent)
    index = parent.index(table)
    return index > 0 and isinstance(parent[index - 1], addnodes.tabular_col_spec)


#: The columns of names that may break at hyphens (owners, tracker keys and URLs).
BREAKING_KEYS = frozenset({"owner", "tracker"})
#: At most this many characters wide: a column of names that may break at hyphens.
BREAKING_CHARS = 10
#: At most this many characters wide: a column of text with spaces (services, tags).
TEXT_CHARS = 14


def fit_table(table: nodes.table) -> None:
    """Small type and a column spec for one of the extension's tables.

    Titles take the rest of the line. A table without titles is as wide as
    its columns, unless that is wider than the line: then its columns of
    text with spaces in it share the rest. Other columns (ids, dates, labels,
    numbers) are as wide as their longest line, so they never break. A table
    that does not fit even so is set in smaller type yet.
    """
    keys = column_keys(table)
    text = {index for index in range(len(keys)) if _has_spaces(table, index)}
    wrap_at = {index: TEXT_CHARS for index in text}
    wrap_at.update({n: BREAKING_CHARS for n, key in enumerate(keys) if key in BREAKING_KEYS})
    flexible = [index for index, key in enumerate(keys) if key in WRAPPING_COLUMNS]
    if not flexible and not _fits(table, flexible, wrap_at):
        flexible = sorted(text)
    spec = column_spec(table, flexible, wrap_at, character_em=0.55)
    smaller = not _fits(table, flexible, wrap_at)
    parent = cast(nodes.Element, table.parent)
    index = parent.index(table)
    parent[index : index + 1] = in_small_type(table, spec, smaller)


def _fits(table: nodes.table, flexible: Collection[int], wrap_at: Mapping[int, int]) -> bool:
    """Whether ``table`` fits the narrowest line in small type (see :func:`least_width`)."""
    least = least_width(table, flexible, wrap_at, character_em=0.55)
    return least + GAP_EM * 2 * _count(table) <= FOOTNOTESIZE_LINE_EM


def column_keys(table: nodes.table) -> list[str]:
    """The ``pm-col-`` key of each column of ``table`` ("" where a column has none)."""
    body = table.next_node(nodes.tbody)
    first = body.next_node(nodes.row) if body is not None else None
    if first is None:
        return []
    return [
        next((c.removeprefix("pm-col-") for c in entry["classes"] if c.startswith("pm-col-")), "")
        for entry in first.children
        if isinstance(entry, nodes.Element)
    ]


def _has_spaces(table: nodes.table, index: int) -> bool:
    """Whether a body cell of column ``index`` has a line with a space (text that wraps)."""
    return any(
        " " in line
        for body in table.findall(nodes.tbody)
        for row in body.findall(nodes.row)
        if index < len(row.children)
        for line in row.children[index].astext().splitlines()
    )


#: The gap on each side of a column in a table in small type (3pt), in em of that type (8pt).
GAP_EM = 3 / 8
#: The line, in em of the small type: A4 paper with Sphinx's margins (452pt), the
#: narrowest of Sphinx's defaults. A table that needs more is set smaller yet.
FOOTNOTESIZE_LINE_EM = 452 / 8

#: Before a table in small type: small type and narrower gaps between columns (up to ``\endgroup``).
SMALL_TABLE = "\\begingroup\\footnotesize\\setlength{\\tabcolsep}{3pt}\n"
#: Before a table too wide for small type: smaller type, the same gaps.
SMALLER_TABLE = "\\begingroup\\scriptsize\\setlength{\\tabcolsep}{3pt}\n"
