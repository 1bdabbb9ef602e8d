"""Roll-ups with ``:filter:``: facet classes on the entries, the script only where it runs.

The root ``tests/roots/test-filter`` holds two incidents (SEV2 on checkout and
api, SEV1 on db) with three lessons, one tagged ``<b>"Ops" & co</b>`` and one
``Déploiement``, and two action items. ``filtered.rst`` lists lessons, incidents
and action items with ``:filter:``; ``plain.rst`` lists them without.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from support.builds import Build, build
from support.projects import copy_root, edit_source
from support.rollups import needs_store

from sphinx_postmortem.fill.facets import facet_class
from sphinx_postmortem.fill.stylesheet import SCRIPT

SCRIPT_TAG = re.compile(r"<script [^>]*src=\"[./]*_static/sphinx_postmortem\.js[^>]*>")
FACET_CLASS = re.compile(r"pm-f-[a-z]+-[a-z0-9-]+")


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(copy_root("filter", tmp_path_factory.mktemp("filter") / "src"))


def _entry_classes(result: Build) -> list[list[str]]:
    page = result.dom("filtered.html")
    return [entry.classes for entry in page.find_all("div", cls="pm-lesson-entry")]


def test_lesson_entries_carry_a_class_per_facet_value(html: Build) -> None:
    classes = _entry_classes(html)
    config_lesson = next(c for c in classes if "pm-lesson-went-wrong" in c)
    assert {
        "pm-f-kind-went-wrong",
        "pm-f-severity-sev2",
        "pm-f-service-checkout",
        "pm-f-service-api",
        "pm-f-tag-deploy",
    } <= set(config_lesson)


def test_facet_classes_are_tokens_and_their_text_is_escaped(html: Build) -> None:
    page = html.html("filtered.html")
    hostile = facet_class("tag", '<b>"Ops" & co</b>')
    assert FACET_CLASS.fullmatch(hostile)
    assert hostile != facet_class("tag", "b-ops-co-b")  # never the class of a plain tag
    for classes in _entry_classes(html):
        assert all(FACET_CLASS.fullmatch(c) for c in classes if c.startswith("pm-f-"))
    assert f'<span class="pm-facet {hostile}">&lt;b&gt;&quot;Ops&quot; &amp; co&lt;/b&gt;' in page
    assert "<b>" not in page


def test_values_differing_beyond_case_get_different_classes() -> None:
    assert facet_class("tag", "Deploy") == facet_class("tag", "deploy") == "pm-f-tag-deploy"
    assert facet_class("tag", "déploy") != facet_class("tag", "deploy")
    assert facet_class("tag", "デプロイ").startswith("pm-f-tag-")


def test_each_lesson_shows_the_values_it_is_filtered_by(html: Build) -> None:
    page = html.dom("filtered.html")
    lines = [line.text() for line in page.find_all("p", cls="pm-facets")]
    assert "Severity: SEV1 · Services: db · Tags: backup" in lines


def test_filtered_roll_ups_are_marked_for_the_script(html: Build) -> None:
    filtered = html.dom("filtered.html").find_all("div", cls="pm-filter")
    kinds = {kind for div in filtered for kind in div.classes if kind.startswith("pm-")}
    assert {"pm-lesson-list", "pm-incident-list", "pm-action-item-list"} <= kinds
    plain = html.html("plain.html")
    assert "pm-filter" not in plain
    assert "pm-facets" not in plain
    assert "pm-f-" not in plain


def test_the_script_is_linked_deferred_only_on_pages_with_a_filter(html: Build) -> None:
    tags = SCRIPT_TAG.findall(html.html("filtered.html"))
    assert len(tags) == 1
    assert 'defer="defer"' in tags[0]
    assert "data-words=" in tags[0]
    for page in ("plain.html", "index.html", "inc-deploy.html"):
        assert SCRIPT not in html.html(page)
    assert (html.outdir / "_static" / SCRIPT).is_file()


@pytest.mark.parametrize(("buildername", "page"), [("dirhtml", "filtered/index.html"),
                                                   ("singlehtml", "index.html")])  # fmt: skip
def test_other_html_builders_link_the_script(buildername: str, page: str, tmp_path: Path) -> None:
    result = build(copy_root("filter", tmp_path / "src"), buildername)
    assert result.warnings == []
    assert SCRIPT_TAG.search(result.html(page))
    assert (result.outdir / "_static" / SCRIPT).is_file()


def test_e_books_get_no_script_and_no_bar(tmp_path: Path) -> None:
    result = build(copy_root("filter", tmp_path / "src"), "epub")
    assert result.warnings == []
    assert not list(result.outdir.rglob(SCRIPT))
    written = (result.outdir / "filtered.xhtml").read_text(encoding="utf-8")
    assert "pm-filter" not in written
    assert "pm-f-" not in written


@pytest.mark.parametrize(("buildername", "suffix"), [("text", ".txt"), ("latex", ".tex")])
def test_text_and_latex_builds_are_the_same_with_or_without_filter(
    buildername: str, suffix: str, tmp_path: Path
) -> None:
    with_filter = build(copy_root("filter", tmp_path / "with"), buildername)
    without = copy_root("filter", tmp_path / "without")
    edit_source(without / "filtered.rst", "   :filter:\n", "")
    edit_source(without / "filtered.rst", "   :filter:\n", "")
    edit_source(without / "filtered.rst", "   :filter:\n", "")
    plain = build(without, buildername)
    assert with_filter.warnings == plain.warnings == []
    assert not list(with_filter.outdir.rglob("*.js"))

    def written(result: Build) -> str:
        return "".join(
            path.read_text(encoding="utf-8") for path in result.outdir.glob("*" + suffix)
        )

    assert written(with_filter) == written(plain)


@needs_store
def test_a_changed_facet_field_refreshes_the_stored_lesson_entry(tmp_path: Path) -> None:
    """The severity is the incident's, shown only under a filtered lesson: it is in the key."""
    root = copy_root("filter", tmp_path / "src")
    a_minute_ago = time.time() - 60
    for path in root.iterdir():
        os.utime(path, (a_minute_ago, a_minute_ago))
    build(root)
    edit_source(root / "inc-db.rst", ":severity: SEV1", ":severity: SEV3")
    rewritten = build(root, freshenv=False)
    assert "reading sources... [100%] filtered" not in rewritten.status  # written, not re-read

    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_build"))
    page = rewritten.html("filtered.html")
    assert page == build(fresh).html("filtered.html")
    assert "pm-f-severity-sev3" in page
