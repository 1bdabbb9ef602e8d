"""The package's static files: shipped as package data, copied only where a builder uses them."""

from __future__ import annotations

import pytest
from support.builds import build
from support.projects import copy_root

from sphinx_postmortem.fill.stylesheet import STATIC_DIR, STYLESHEET, STYLESHEET_PARTS


def test_every_stylesheet_part_is_joined_in_the_stylesheet():
    """A part left out of the cascade order would silently never reach a page."""
    on_disk = {path.stem for path in (STATIC_DIR / "css").glob("*.css")}
    assert on_disk == set(STYLESHEET_PARTS)


@pytest.fixture(scope="module")
def html_build(tmp_path_factory):
    return build(copy_root("smoke", tmp_path_factory.mktemp("html") / "smoke"), "html")


def test_html_builds_write_the_stylesheet_with_its_parts_in_cascade_order(html_build):
    written = (html_build.outdir / "_static" / STYLESHEET).read_text(encoding="utf-8")
    starts = [
        written.index((STATIC_DIR / "css" / f"{part}.css").read_text(encoding="utf-8"))
        for part in STYLESHEET_PARTS
    ]
    assert starts == sorted(starts)
    assert f'href="_static/{STYLESHEET}' in html_build.html("inc1.html")


@pytest.mark.parametrize("buildername", ["text", "latex"])
def test_other_builders_get_no_stylesheet(tmp_path, buildername):
    result = build(copy_root("smoke", tmp_path / "smoke"), buildername)
    assert not list(result.outdir.rglob("*.css"))
