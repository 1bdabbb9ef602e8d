"""Roll-up entries reused from the HTML store (incremental/entry_cache.py).

What matters to readers: a page written with entries from the store is the
same, byte for byte, as the page a clean build writes from the same sources.
What matters for speed: unchanged entries do come from the store, and an
entry whose HTML depends on other pages (a lesson body with references) never does.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
from support.builds import build
from support.projects import copy_root
from support.rollups import ROLLUP_PAGES, STORE_USED, needs_store

from sphinx_postmortem.incremental import entry_cache as html_memo

MARK = "<!-- from the store -->"


def page_file(outdir: Path, docname: str, builder: str) -> Path:
    return outdir / (f"{docname}/index.html" if builder == "dirhtml" else f"{docname}.html")


def store_files(srcdir: Path, builder: str = "html") -> list[Path]:
    return sorted((srcdir / "_build" / "doctrees" / html_memo.FOLDER / builder).rglob("*.pickle"))


def mark_stored_entries(srcdir: Path, builder: str = "html") -> int:
    """Prefix every stored entry with MARK, so reused entries show it; the number marked."""
    marked = 0
    for path in store_files(srcdir, builder):
        stored = pickle.loads(path.read_bytes())
        stored["fragments"] = {k: MARK + html for k, html in stored["fragments"].items()}
        marked += len(stored["fragments"])
        path.write_bytes(pickle.dumps(stored))
    return marked


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entry_html(page: str, marker: str) -> str:
    """The stored-or-built HTML of the lesson entry holding ``marker``."""
    end = page.index(marker)
    start = page.rindex('<div class="pm-lesson-entry', 0, end)
    return page[max(0, start - len(MARK)) : end]


@pytest.fixture
def src(tmp_path):
    return copy_root("rollups", tmp_path / "src")


@needs_store
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_rewritten_rollups_equal_a_clean_build(src, tmp_path, builder):
    first = build(src, builder)
    assert first.warnings == []
    assert store_files(src, builder)
    edit(src / "inc-b.rst", "Login latency spike", "Login latency spike, revised")
    edit(src / "inc-b.rst", "made the cause obvious", "made the *cause* obvious")
    edit(src / "inc-c.rst", ":status: in-progress", ":status: done")
    again = build(src, builder, freshenv=False)
    assert again.warnings == []

    fresh = tmp_path / "fresh"
    shutil.copytree(src, fresh, ignore=shutil.ignore_patterns("_build"))
    clean = build(fresh, builder)
    for docname in ROLLUP_PAGES:
        rewritten = page_file(again.outdir, docname, builder).read_text(encoding="utf-8")
        expected = page_file(clean.outdir, docname, builder).read_text(encoding="utf-8")
        assert rewritten == expected, docname
    assert "Login latency spike, revised" in page_file(again.outdir, "incidents", builder).read_text()


@needs_store
def test_unchanged_entries_come_from_the_store(src):
    build(src)
    assert mark_stored_entries(src) > 0
    edit(src / "inc-b.rst", "Login latency spike", "Login latency spike, revised")
    build(src, freshenv=False)

    lessons = (src / "_build" / "html" / "lessons.html").read_text(encoding="utf-8")
    assert entry_html(lessons, "Lowtraffic-body-marker").startswith(MARK)  # unchanged: reused
    assert not entry_html(lessons, "Dashboards-body-marker").startswith(MARK)  # edited page
    # a body with cross-references depends on other pages: always rendered afresh
    assert not entry_html(lessons, "Canary-body-marker").startswith(MARK)

    incidents = (src / "_build" / "html" / "incidents.html").read_text(encoding="utf-8")
    row = incidents[incidents.rindex("<tr", 0, incidents.index("Login latency spike, revised")) :]
    assert not row.startswith(MARK)
    assert MARK in incidents  # the other rows


@needs_store
def test_the_store_is_discarded_when_the_rollup_page_is_read_again(src):
    build(src)
    mark_stored_entries(src)
    edit(src / "lessons.rst", "Only the first roll-ups", "Only the first two roll-ups")
    build(src, freshenv=False)
    lessons = (src / "_build" / "html" / "lessons.html").read_text(encoding="utf-8")
    assert "first two roll-ups" in lessons
    assert MARK not in lessons


@needs_store
def test_stores_of_a_removed_page_are_deleted(src):
    build(src)
    assert [p.name for p in store_files(src) if p.name.startswith("lessons.")]
    (src / "lessons.rst").unlink()
    edit(src / "index.rst", "   lessons\n", "")
    build(src, freshenv=False)
    assert not [p.name for p in store_files(src) if p.name.startswith("lessons.")]
    assert [p.name for p in store_files(src) if p.name.startswith("incidents.")]


@needs_store
def test_a_broken_store_is_ignored(src):
    first = build(src)
    for path in store_files(src):
        path.write_bytes(b"not a pickle")
    edit(src / "inc-b.rst", "Login latency spike", "Login latency spike, revised")
    again = build(src, freshenv=False)
    assert again.warnings == []
    page = (first.outdir / "incidents.html").read_text(encoding="utf-8")
    assert "Login latency spike, revised" in page


@needs_store
def test_parallel_writes_fill_the_store_too(src):
    build(src, parallel=2)
    assert mark_stored_entries(src) > 0
    edit(src / "inc-b.rst", "Login latency spike", "Login latency spike, revised")
    build(src, freshenv=False, parallel=2)
    assert MARK in (src / "_build" / "html" / "lessons.html").read_text(encoding="utf-8")


@needs_store
def test_other_builders_do_not_use_the_store(src):
    build(src, "singlehtml")
    build(src, "text")
    assert not (src / "_build" / "doctrees" / html_memo.FOLDER).exists()


@needs_store
def test_rollup_entries_are_left_out_of_the_search_index(src):
    result = build(src)
    text = (result.outdir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    lessons = index["docnames"].index("lessons")
    inc_a = index["docnames"].index("inc-a")

    def pages_with(word: str) -> set[int]:
        found = index["terms"][word]
        return {found} if isinstance(found, int) else set(found)

    # "Lowtraffic-body-marker" is only in a lesson body of inc-a, which the lessons page copies
    (word,) = [term for term in index["terms"] if term.startswith("lowtraf")]
    assert inc_a in pages_with(word)
    assert lessons not in pages_with(word)
    # the roll-up page's own text is still indexed
    assert lessons in pages_with("first")


def test_lesson_records_say_whether_their_body_can_be_reused(src):
    result = build(src)
    lessons = {
        lesson["title"]: lesson
        for lesson in result.app.env.get_domain("postmortem").all_lessons()
    }
    assert lessons["Low traffic hour"]["body_cacheable"] is True
    assert lessons["Config changes skipped the canary stage"]["body_cacheable"] is False


def test_store_used_only_where_search_can_skip_it(src):
    """Sphinx before 8.2 would index what a built entry holds but a stored one lacks."""
    result = build(src)
    assert html_memo.enabled(result.app.builder) is STORE_USED
    assert store_files(src) if STORE_USED else not store_files(src)
