"""Shared helpers of the roll-up tests: building a test root, reading the HTML back.

The HTML is parsed with the standard library's :mod:`html.parser` into a tiny
element tree, so assertions can look at rows, cells, links and headings of one
roll-up instead of searching the whole page with regular expressions.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"

#: Roll-up pages of the ``test-rollups`` root.
ROLLUP_PAGES = ("incidents", "lessons", "actions", "reports/all")

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


# -- a tiny element tree ---------------------------------------------------------


@dataclass
class El:
    tag: str
    attrs: dict[str, str]
    children: list[Any] = field(default_factory=list)
    parent: El | None = None

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, El):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[El]:
        return [
            el for el in self.iter()
            if el is not self
            and (tag is None or el.tag == tag)
            and (cls is None or cls in el.classes)
            and all(el.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> El | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """Text content with whitespace collapsed (headerlink pilcrows removed)."""
        return " ".join(self.raw_text().replace("\N{PILCROW SIGN}", "").split())

    def links(self) -> list[El]:
        return self.find_all("a")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#root", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = El(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(el)
        if tag not in _VOID:
            self.current = el

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(El(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: El | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(text: str) -> El:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def body_html(text: str) -> str:
    """The ``<div class="body">`` element of a page (what the document itself renders)."""
    start = text.index('<div class="body"')
    depth = 0
    for match in re.finditer(r"<div\b|</div>", text[start:]):
        depth += 1 if match.group() == "<div" else -1
        if depth == 0:
            return text[start:start + match.end()]
    raise AssertionError("unbalanced <div> in page")


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


def lesson_groups(rollup: El) -> list[tuple[str | None, list[str]]]:
    """``[(heading, [lesson titles])]`` in document order; heading None before any heading."""
    groups: list[tuple[str | None, list[str]]] = []
    for child in rollup.children:
        if not isinstance(child, El):
            continue
        if "rubric" in child.classes or child.tag in ("h2", "h3", "h4", "h5", "h6"):
            groups.append((child.text(), []))
        elif "pm-lesson-entry" in child.classes:
            if not groups:
                groups.append((None, []))
            groups[-1][1].append(lesson_entry(child).title)
    return groups


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
        body_links = {id(a) for body in rollup.find_all("div", cls="pm-lesson-body")
                      for a in body.links()}
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


# -- building -------------------------------------------------------------------------


ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Build:
    """The result of one build of a test root."""

    app: Any
    srcdir: Path
    outdir: Path
    status: str
    warnings: list[str]
    _pages: dict[str, El] = field(default_factory=dict)

    def html(self, page: str) -> str:
        return (self.outdir / page).read_text(encoding="utf-8")

    def dom(self, page: str) -> El:
        if page not in self._pages:
            self._pages[page] = parse_html(self.html(page))
        return self._pages[page]

    @property
    def domain(self) -> Any:
        return self.app.env.get_domain("postmortem")


def warning_lines(stream: StringIO) -> list[str]:
    text = ANSI.sub("", stream.getvalue())
    return [line for line in text.splitlines() if "WARNING:" in line or "ERROR:" in line]


def copy_root(root: str, dest: Path) -> Path:
    shutil.copytree(ROOTS / f"test-{root}", dest)
    return dest


def build(srcdir: Path, buildername: str = "html", *, before_build: Any = None,
          **kwargs: Any) -> Build:
    """Build ``srcdir`` with a fresh :class:`SphinxTestApp`; the app is cleaned up after.

    ``before_build(app)`` may connect event handlers first.
    """
    status, warning = StringIO(), StringIO()
    kwargs.setdefault("freshenv", True)
    app = SphinxTestApp(buildername, srcdir=srcdir, status=status, warning=warning, **kwargs)
    try:
        if before_build is not None:
            before_build(app)
        app.build()
    finally:
        app.cleanup()
    return Build(app, srcdir, Path(app.outdir), ANSI.sub("", status.getvalue()),
                 warning_lines(warning))


# -- the helpers check themselves ----------------------------------------------------------


def test_parser_reads_rows_links_and_headings():
    dom = parse_html(
        '<div class="body"><section id="s"><div class="pm-rollup x">'
        "<table><thead><tr><th><p>ID</p></th><th>T</th></tr></thead><tbody>"
        '<tr><td><a href="a.html#x">A&amp;B</a><br></td><td>one</td></tr>'
        "<tr><td>C</td><td>two</td></tr></tbody></table>"
        '<p class="pm-group rubric">g</p></div></section></div>'
    )
    rollup = rollup_in(section(dom, "s"))
    assert headers(rollup) == ["ID", "T"]
    assert column(rollup, "ID") == ["A&B", "C"]
    assert column(rollup, "T") == ["one", "two"]
    assert [a.attrs["href"] for a in rollup.links()] == ["a.html#x"]
    assert lesson_groups(rollup) == [("g", [])]


def test_resolve_href_for_flat_and_directory_urls():
    assert resolve_href("reports/all.html", "../inc-a.html#x") == ("inc-a.html", "x")
    assert resolve_href("reports/all/index.html", "../../inc-a/#x") == ("inc-a/index.html", "x")
    assert resolve_href("index.html", "#x") == ("index.html", "x")
    assert expected_href("reports", "inc-a", "x") == "../inc-a.html#x"
    assert expected_href("", "archive/review", "y") == "archive/review.html#y"
