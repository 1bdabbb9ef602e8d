"""The shared test helpers read HTML the way the other tests rely on."""

from __future__ import annotations

from support.html import links, parse_html
from support.rollups import (
    column,
    expected_href,
    headers,
    lesson_groups,
    resolve_href,
    rollup_in,
    section,
)


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


def test_links_of_main_content_with_collapsed_text():
    page = (
        '<div class="sphinxsidebar"><a href="nav.html">Nav</a></div>'
        '<div role="main"><p><a href="a.html#x">A <em>and</em>\n  B</a> <a>no href</a></p></div>'
        '<div class="sphinxsidebar"><a href="side.html">Side</a></div>'
    )
    assert links(page) == [("a.html#x", "A and B"), (None, "no href")]
