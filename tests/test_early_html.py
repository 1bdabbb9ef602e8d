"""Parts made from records are written to HTML while their page is filled (fill/early_html.py).

What matters to readers: every page is the same, byte for byte, as when the
builder writes those parts with the rest of the page. What matters for speed:
the written page holds one ``written_part`` node (or one stored roll-up entry) where it
held the parts' nodes. Builders that are not HTML get the nodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docutils import nodes
from sphinx.writers.html5 import HTML5Translator
from support.builds import build
from support.projects import copy_root
from support.rollups import needs_store

from sphinx_postmortem.fill.early_html import EarlyHTML, written_part
from sphinx_postmortem.incremental.entry_cache import memo_block, memo_row

#: Roots with key facts, panels (impact, factors, related), action items, roll-ups and
#: timelines (one with a cross-reference).
ROOTS = ("core-actions", "impact-factor", "rollups", "related", "core-timeline")


def outputs(outdir: Path) -> dict[str, bytes]:
    """Every page and the search index of an HTML build, by path."""
    found = {path: path.read_bytes() for path in outdir.rglob("*.html")}
    found.update({path: path.read_bytes() for path in outdir.rglob("searchindex.js")})
    return {str(path.relative_to(outdir)): content for path, content in found.items()}


@pytest.mark.parametrize("root", ROOTS)
@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml"])
def test_pages_are_the_same_as_when_the_parts_are_written_with_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str, builder: str
) -> None:
    early = build(copy_root(root, tmp_path / "early"), builder)
    monkeypatch.setattr(EarlyHTML, "for_builder", classmethod(lambda cls, *args: None))
    late = build(copy_root(root, tmp_path / "late"), builder)
    assert outputs(early.outdir) == outputs(late.outdir)
    assert [w.replace(str(early.srcdir), "") for w in early.warnings] == [
        w.replace(str(late.srcdir), "") for w in late.warnings
    ]


def test_the_panel_and_action_items_are_written_before_the_page(tmp_path: Path) -> None:
    doctrees: dict[str, nodes.document] = {}
    result = build(
        copy_root("core-actions", tmp_path / "src"), before_build=lambda app: _keep(app, doctrees)
    )
    written = [tree for tree in doctrees.values() if _has_class(tree, "pm-action")]
    assert written, "no page with action items"
    for tree in written:
        assert not _field_lists(tree), "fields left as nodes in an HTML page"
        html = "".join(part["html"] for part in tree.findall(written_part))
        assert 'class="pm-action-fields field-list' in html
        assert 'class="pm-action-title"' in html
    page = result.html("actions.html")
    assert page.count('class="pm-action-fields field-list') >= len(written)


def test_a_timeline_with_a_cross_reference_is_written_with_the_page(tmp_path: Path) -> None:
    doctrees: dict[str, nodes.document] = {}
    result = build(
        copy_root("core-timeline", tmp_path / "src"), before_build=lambda app: _keep(app, doctrees)
    )
    kept = [
        n for n in doctrees["spread"].findall(nodes.enumerated_list) if _has_class(n, "pm-entry")
    ]
    written = [part["html"] for part in doctrees["spread"].findall(written_part)]
    assert len(kept) == 1 and "Alert fires" in kept[0].astext()  # the cross-reference waits
    assert any("On-call <em>acknowledges</em>" in html for html in written)  # the other does not
    page = result.html("spread.html")
    assert 'href="#incident-INC-SPREAD"' in page


def test_other_builders_get_the_parts_as_nodes(tmp_path: Path) -> None:
    doctrees: dict[str, nodes.document] = {}
    build(
        copy_root("core-actions", tmp_path / "src"),
        "text",
        before_build=lambda app: _keep(app, doctrees),
    )
    fields = [field for tree in doctrees.values() for field in _field_lists(tree)]
    assert any("pm-action-fields" in field["classes"] for field in fields)
    assert any("pm-panel-fields" in field["classes"] for field in fields)


class MarkingTranslator(HTML5Translator):
    """A theme's translator: marks every field list it writes."""

    def visit_field_list(self, node: nodes.field_list) -> None:
        self.body.append("<!-- theme translator -->")
        super().visit_field_list(node)


def test_a_translator_set_by_a_theme_writes_the_parts(tmp_path: Path) -> None:
    result = build(
        copy_root("core-actions", tmp_path / "src"),
        before_build=lambda app: app.set_translator("html", MarkingTranslator, override=True),
    )
    page = result.html("actions.html")
    fields = page.count('class="pm-action-fields field-list')
    assert fields and page.count("<!-- theme translator -->") >= fields


@needs_store
def test_rollup_entries_of_a_clean_build_are_written_while_their_page_is_filled(
    tmp_path: Path,
) -> None:
    doctrees: dict[str, nodes.document] = {}
    build(copy_root("rollups", tmp_path / "src"), before_build=lambda app: _keep(app, doctrees))
    entries = [
        entry
        for tree in doctrees.values()
        for entry in tree.findall(lambda node: isinstance(node, (memo_row, memo_block)))
    ]
    assert len(entries) > 10
    assert all(entry.get("memo_html") and not entry.children for entry in entries)


# -- helpers -----------------------------------------------------------------------------


def _keep(app: Any, doctrees: dict[str, nodes.document]) -> None:
    """Keep the resolved doctree of each page written, by name."""
    app.connect("doctree-resolved", lambda _app, tree, docname: doctrees.update({docname: tree}))


def _field_lists(tree: nodes.document) -> list[nodes.field_list]:
    return [
        field
        for field in tree.findall(nodes.field_list)
        if {"pm-action-fields", "pm-panel-fields"} & set(field["classes"])
    ]


def _has_class(tree: nodes.document, name: str) -> bool:
    return any(name in node["classes"] for node in tree.findall(nodes.Element))
