"""Roll-ups read back from the HTML: tables, columns, lesson lists, and their links."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sphinx

from support.html import El

#: Whether html and dirhtml builds keep roll-up entries in the HTML entry store
#: (``incremental/entry_cache.py``: only with Sphinx 8.2+, which honours ``no-search``).
STORE_USED = sphinx.version_info[:2] >= (8, 2)
needs_store = pytest.mark.skipif(not STORE_USED, reason="the store is used with Sphinx 8.2+")

#: Roll-up pages of the ``test-rollups`` root.
ROLLUP_PAGES = ("incidents", "lessons", "actions", "reports/all")


# -- reading roll-ups back ------------------------------------------------------------


def section(dom: El, section_id: str) -> El:
    found = dom.find("section", id=section_id)
    assert found is not None, f"no section {section_id!r}"
    return found


def rollups_in(el: El) -> list[El]:
    return el.find_all("div", cls="pm-rollup")


def rollup_in(el: El) -> El:
    found = rollups_in(el)
    assert len(found) == 1, f"expected one roll-up, found {len(found)}"
    return found[0]


def table_of(rollup: El) -> El | None:
    return rollup.find("table")


def headers(rollup: El) -> list[str]:
    table = table_of(rollup)
    assert table is not None, "roll-up has no table"
    return [th.text() for th in table.find_all("th")]


def rows(rollup: El) -> list[list[El]]:
    """The body rows of a roll-up's table, as lists of ``<td>`` elements."""
    table = table_of(rollup)
    assert table is not None, f"roll-up has no table: {rollup.text()!r}"
    body = table.find("tbody")
    assert body is not None
    return [tr.find_all("td") for tr in body.find_all("tr")]


def column(rollup: El, header: str) -> list[str]:
    """The texts of one column (by header) of a roll-up's table."""
    index = headers(rollup).index(header)
    return [row[index].text() for row in rows(rollup)]


def column_cells(rollup: El, header: str) -> list[El]:
    index = headers(rollup).index(header)
    return [row[index] for row in rows(rollup)]


def lines(cell: El) -> list[str]:
    """The lines of a table cell: its key (an id, a title, a date), then what is under it."""
    return [p.text() for p in cell.find_all("p")]


def keys(rollup: El, header: str) -> list[str]:
    """The first line of each cell of a column: the ids of an ``Incident`` or ``ID`` column."""
    return [lines(cell)[0] for cell in column_cells(rollup, header)]


def incident_ids(rollup: El) -> list[str]:
    """The ids of an incident list: its ``Incident`` column, or ``ID`` when chosen instead."""
    return keys(rollup, "Incident" if "Incident" in headers(rollup) else "ID")


def under(rollup: El, header: str) -> list[list[str]]:
    """What each cell of a column shows under its key (a title under an incident's id)."""
    return [lines(cell)[1:] for cell in column_cells(rollup, header)]


@dataclass
class LessonEntry:
    title: str
    title_href: str
    kind: str
    body: El | None
    source: str
    source_href: str


def lesson_entry(el: El) -> LessonEntry:
    heading = el.find("p", cls="pm-lesson-heading")
    origin = el.find("p", cls="pm-lesson-source")
    assert heading is not None and origin is not None
    title_link = heading.find("a")
    kind = heading.find("span", cls="pm-label")
    origin_link = origin.find("a")
    return LessonEntry(
        title=title_link.text() if title_link else heading.text(),
        title_href=title_link.attrs.get("href", "") if title_link else "",
        kind=kind.text() if kind else "",
        body=el.find("div", cls="pm-lesson-body"),
        source=origin.text(),
        source_href=origin_link.attrs.get("href", "") if origin_link else "",
    )


def lesson_entries(rollup: El) -> list[LessonEntry]:
    return [lesson_entry(el) for el in rollup.find_all("div", cls="pm-lesson-entry")]


def group_blocks(rollup: El, entry_class: str) -> list[tuple[str | None, list[El]]]:
    """``[(heading, [entry elements])]`` of a grouped roll-up, in document order.

    A group is a section (``section.pm-group``, its heading "name (count)") or,
    where a section may not stand, a rubric followed by its entries; the
    heading is given without its count. None heads entries before any heading.
    """
    groups: list[tuple[str | None, list[El]]] = []
    for child in rollup.children:
        if not isinstance(child, El):
            continue
        if child.tag == "section" and "pm-group" in child.classes:
            heading = next(c for c in child.children if isinstance(c, El) and c.tag[0] == "h")
            groups.append((without_count(heading.text()), child.find_all(cls=entry_class)))
        elif "rubric" in child.classes or child.tag in ("h2", "h3", "h4", "h5", "h6"):
            groups.append((without_count(child.text()), []))
        elif entry_class in child.classes:
            if not groups:
                groups.append((None, []))
            groups[-1][1].append(child)
    return groups


def without_count(heading: str) -> str:
    """A group heading without its count: "deploy (7)" -> "deploy"."""
    return re.sub(r"\s*\(\d+\)\s*$", "", heading.strip())


def lesson_groups(rollup: El) -> list[tuple[str | None, list[str]]]:
    """``[(heading, [lesson titles])]`` in document order; heading None before any heading."""
    return [
        (heading, [lesson_entry(entry).title for entry in entries])
        for heading, entries in group_blocks(rollup, "pm-lesson-entry")
    ]


def lesson_titles(rollup: El) -> list[str]:
    return [entry.title for entry in lesson_entries(rollup)]


# -- links ---------------------------------------------------------------------------


def rollup_links(dom: El, *, in_bodies: bool = False) -> list[str]:
    """Relative hrefs in the roll-ups of a page.

    ``in_bodies=False``: the links the roll-ups make (rows, titles, origins);
    ``True``: only the links inside copied lesson bodies.
    """
    found = []
    for rollup in rollups_in(dom):
        body_links = {
            id(a) for body in rollup.find_all("div", cls="pm-lesson-body") for a in body.links()
        }
        for a in rollup.links():
            href = a.attrs.get("href", "")
            if "://" in href or (id(a) in body_links) != in_bodies:
                continue
            found.append(href)
    return found


def resolve_href(page: str, href: str) -> tuple[str, str]:
    """``(output file, fragment)`` a relative link on output file ``page`` points to."""
    assert "://" not in href, href
    path, _sep, fragment = href.partition("#")
    if not path:
        return page, fragment
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/"):
        target = posixpath.join(target, "index.html")
    return target, fragment


def assert_link_target_exists(outdir: Path, page: str, href: str) -> None:
    """The file a link points to exists and holds an element with the link's fragment id."""
    target, fragment = resolve_href(page, href)
    path = outdir / target
    assert path.is_file(), f"link {href!r} on {page} points to missing file {target}"
    if fragment:
        html = path.read_text(encoding="utf-8")
        assert f'id="{fragment}"' in html, (
            f"link {href!r} on {page}: no element with id {fragment!r} in {target}"
        )


def expected_href(from_page_dir: str, docname: str, anchor: str, suffix: str = ".html") -> str:
    """The relative href of ``docname#anchor`` from a page in ``from_page_dir`` (html builder)."""
    rel = posixpath.relpath(docname + suffix, from_page_dir or ".")
    return f"{rel}#{anchor}"
