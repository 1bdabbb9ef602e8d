"""Navigating a lessons page: groups are section headings with counts, listed in the contents.

The root ``tests/roots/test-lesson-navigation`` holds two incidents with three
lessons (tags deploy + config, deploy, backup) and two factors (root cause,
trigger). ``lessons.rst`` groups them by tag twice (so group ids repeat), once
not at all, and groups the factors by kind; ``nested.rst`` puts grouped
roll-ups inside a note and a bullet list, where sections are not allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from sphinx.environment.adapters.toctree import TocTree
from support.builds import Build, build
from support.html import El
from support.projects import copy_root, touch

from sphinx_postmortem.selection.specs import parse_spec

CONFIG = SimpleNamespace(project="unit", postmortem_today="2024-06-01")
LOCAL_TOC = {"html_sidebars": {"**": ["localtoc.html"]}}


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(
        copy_root("lesson-navigation", tmp_path_factory.mktemp("nav") / "src"), **LOCAL_TOC
    )


def _groups(result: Build, page: str) -> list[tuple[str, str]]:
    """``(id, heading text)`` of every group section of ``page``."""
    return [
        (section.attrs["id"], _heading(section))
        for section in result.dom(page).find_all("section", cls="pm-group")
    ]


def _heading(section: El) -> str:
    return next(el for el in section.iter() if el.tag in {"h2", "h3", "h4", "h5"}).text()


def _toc_anchors(toc: Any) -> list[str]:
    return [ref["anchorname"] for ref in toc.findall(lambda n: n.tagname == "reference")]


def test_groups_are_sections_titled_with_their_count(html: Build) -> None:
    page = html.dom("lessons.html")
    sections = page.find_all("section", cls="pm-group")
    titles = [_heading(section) for section in sections]
    assert titles[:3] == ["backup (1)", "config (1)", "deploy (2)"]
    assert titles[-2:] == ["Trigger (1)", "Root cause (1)"]
    assert not page.find_all("p", cls="rubric")


def test_group_ids_come_from_the_name_and_are_unique_on_the_page(html: Build) -> None:
    ids = [group_id for group_id, _ in _groups(html, "lessons.html")]
    assert ids == [
        "lessons-backup",
        "lessons-config",
        "lessons-deploy",
        "lessons-backup-2",
        "lessons-config-2",
        "lessons-deploy-2",
        "factors-trigger",
        "factors-root-cause",
    ]


def test_group_ids_are_the_same_in_the_next_build(html: Build, tmp_path: Any) -> None:
    again = build(copy_root("lesson-navigation", tmp_path / "src"), **LOCAL_TOC)
    assert _groups(again, "lessons.html") == _groups(html, "lessons.html")


def test_ungrouped_lists_have_no_group_headings(html: Build) -> None:
    ungrouped = html.dom("lessons.html").find("section", id="ungrouped")
    assert ungrouped is not None
    assert not ungrouped.find_all("section")


def test_groups_are_listed_in_the_contents_under_their_section(html: Build) -> None:
    toc = TocTree(html.app.env).get_toc_for("lessons", html.app.builder)
    anchors = _toc_anchors(toc)
    by_tag = anchors.index("#by-tag")
    assert anchors[by_tag : by_tag + 4] == [
        "#by-tag",
        "#lessons-backup",
        "#lessons-config",
        "#lessons-deploy",
    ]
    assert anchors[anchors.index("#factors") + 1 :] == ["#factors-trigger", "#factors-root-cause"]


def test_the_page_contents_link_each_group(html: Build) -> None:
    sidebar = html.dom("lessons.html").find("div", cls="sphinxsidebarwrapper")
    assert sidebar is not None
    links = {a.attrs.get("href"): a.text() for a in sidebar.links()}
    assert links["#lessons-deploy"] == "deploy (2)"
    assert links["#factors-root-cause"] == "Root cause (1)"


def test_an_incremental_build_lists_each_group_once(tmp_path: Any) -> None:
    """The contents' entries are added for each write, never kept and added again."""
    srcdir = copy_root("lesson-navigation", tmp_path / "src")
    first = build(srcdir, freshenv=False, **LOCAL_TOC)
    touch(srcdir / "lessons.rst")
    second = build(srcdir, freshenv=False, **LOCAL_TOC)
    assert "lessons" in second.app.builder.env.all_docs
    for result in (first, second):
        sidebar = result.dom("lessons.html").find("div", cls="sphinxsidebarwrapper")
        hrefs = [a.attrs.get("href") for a in sidebar.links()]
        assert hrefs.count("#lessons-deploy") == 1, hrefs
    assert _toc_anchors(second.app.env.tocs["lessons"]).count("#lessons-deploy") <= 1


def test_groups_inside_a_note_or_a_list_stay_rubrics(html: Build) -> None:
    page = html.dom("nested.html")
    assert not page.find_all("section", cls="pm-group")
    rubrics = [p.text() for p in page.find_all("p", cls="pm-group")]
    assert rubrics == ["What went well (1)", "What went wrong (1)", "Where we got lucky (1)",
                       "Trigger (1)", "Root cause (1)"]  # fmt: skip
    assert "lessons-" not in str(_toc_anchors(html.app.env.tocs["nested"]))


@pytest.fixture(scope="module", params=["singlehtml", "dirhtml"])
def other_html(request: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    name = request.param
    yield build(copy_root("lesson-navigation", tmp_path_factory.mktemp(name) / "src"), name)


def test_single_and_directory_html_list_the_groups_under_their_page(other_html: Build) -> None:
    assert other_html.warnings == []
    anchors = _toc_anchors(other_html.app.env.tocs["lessons"])
    assert "#lessons-deploy" in anchors
    assert "#factors-trigger" in anchors


def test_a_parallel_build_writes_the_same_pages(html: Build, tmp_path: Any) -> None:
    parallel = build(copy_root("lesson-navigation", tmp_path / "src"), parallel=2, **LOCAL_TOC)
    for page in ("lessons.html", "nested.html", "index.html"):
        assert parallel.html(page) == html.html(page)


@pytest.mark.parametrize("buildername", ["text", "latex", "man", "epub"])
def test_other_builders_write_the_group_headings(buildername: str, tmp_path: Any) -> None:
    result = build(copy_root("lesson-navigation", tmp_path / "src"), buildername)
    assert result.warnings == []
    written = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in result.outdir.rglob("*")
        if path.suffix in {".txt", ".tex", ".1", ".xhtml"}
    )
    assert "deploy (2)" in written


@pytest.mark.parametrize("kind", ["lesson-list", "incident-list", "action-item-list"])
def test_the_filter_option_is_a_flag(kind: str) -> None:
    assert parse_spec(kind, {"filter": None}, CONFIG)[0].filter is True
    assert parse_spec(kind, {}, CONFIG)[0].filter is False


def test_a_value_given_to_the_filter_option_is_reported_and_ignored() -> None:
    spec, problems = parse_spec("lesson-list", {"filter": "tag"}, CONFIG)
    assert spec.filter is True
    assert problems == [":filter: takes no value, 'tag' ignored"]
