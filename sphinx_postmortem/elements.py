"""Building output from standard docutils nodes, so every builder works.

Labels are inline nodes whose text says what they mean (colour only adds to
it, through CSS classes); panels are field lists; roll-ups are tables.
All user text goes into Text nodes, which every writer escapes.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

Cell = str | nodes.Node | Sequence[nodes.Node]


def css_token(value: str) -> str:
    """A CSS-class-safe token for a user value: ``SEV2`` -> ``sev2``."""
    return nodes.make_id(value) or "other"


def label(text: str, family: str, value: str | None = None) -> nodes.inline:
    """A text label with classes ``pm-label pm-<family> pm-<family>-<value>``."""
    classes = ["pm-label", f"pm-{family}", f"pm-{family}-{css_token(value or text)}"]
    return nodes.inline(text, text, classes=classes)


def as_nodes(cell: Cell) -> list[nodes.Node]:
    """Turn a table or field cell value into a list of nodes."""
    if isinstance(cell, str):
        return [nodes.Text(cell)]
    if isinstance(cell, nodes.Node):
        return [cell]
    return list(cell)


def paragraph(cell: Cell, classes: Sequence[str] = ()) -> nodes.paragraph:
    para = nodes.paragraph(classes=list(classes))
    para.extend(as_nodes(cell))
    return para


def field_list(fields: Sequence[tuple[str, Cell]], classes: Sequence[str] = ()) -> nodes.field_list:
    """A field list of ``(name, value)`` pairs; empty values are left out."""
    result = nodes.field_list(classes=list(classes))
    for name, value in fields:
        if value in ("", None, []):
            continue
        body = nodes.field_body()
        if isinstance(value, nodes.Sequential) and isinstance(value, nodes.Element):
            body += value
        else:
            body += paragraph(value)
        result += nodes.field("", nodes.field_name(name, name), body)
    return result


def column_classes(columns: Sequence[str]) -> list[list[str]]:
    """The classes of each column's cells: ``pm-col-<name>``."""
    return [[f"pm-col-{css_token(c)}"] for c in columns]


#: Text columns never narrower than this many characters (where widths are characters).
MIN_WRAPPING_WIDTH = 30


def fitted_widths(
    headers: Sequence[str], rows: Sequence[nodes.Element], wrapping: Sequence[int] = ()
) -> list[int]:
    """Column widths, in characters, that fit each column's longest word.

    The text writer wraps a cell at its column's width and breaks words (an id
    such as ``INC-2024-004-A2`` at its hyphens) only when one is longer, so no
    id, date or key is ever split. The columns numbered in ``wrapping`` (titles)
    get at least :data:`MIN_WRAPPING_WIDTH`. Rows without cells (HTML taken
    from the entry store) count for nothing: HTML writers lay tables out by
    their content.
    """
    widths = [_longest_word(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row.children[: len(widths)]):
            widths[index] = max(widths[index], _longest_word(cell.astext()))
    least = [MIN_WRAPPING_WIDTH if index in wrapping else 1 for index in range(len(widths))]
    return [max(width, floor) for width, floor in zip(widths, least, strict=True)]


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell] | nodes.Element],
    classes: Sequence[str] = (),
    widths: Sequence[int] | None = None,
    columns: Sequence[str] | None = None,
) -> nodes.table:
    """A table with a header row; each cell becomes a paragraph.

    ``columns`` names the columns: every cell of column ``x`` gets the class
    ``pm-col-x`` (so a stylesheet can keep ids and dates on one line). A
    row given as a node (see :func:`table_row`) is used as it is.
    """
    widths = widths or [max(8, 100 // len(headers))] * len(headers)
    cell_classes = column_classes(columns) if columns else None
    group = nodes.tgroup(cols=len(headers))
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += table_row(headers, cell_classes)
    group += head
    body = nodes.tbody()
    for row in rows:
        body += row if isinstance(row, nodes.Element) else table_row(row, cell_classes)
    group += body
    result = nodes.table(classes=["pm-table", *classes])
    result += group
    return result


def table_row(cells: Sequence[Cell], classes: Sequence[list[str]] | None = None) -> nodes.row:
    """A table row, each cell a paragraph (with the column's classes, if given)."""
    row = nodes.row()
    for index, cell in enumerate(cells):
        entry = nodes.entry(classes=list(classes[index]) if classes else [])
        entry += paragraph(cell)
        row += entry
    return row
