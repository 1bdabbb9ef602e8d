"""The package's static files: shipped as package data, copied only where a builder uses them."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
import tomllib
from support.builds import build
from support.projects import copy_root

from sphinx_postmortem.fill.stylesheet import SCRIPT, STATIC_DIR, STYLESHEET, STYLESHEET_PARTS


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


def test_the_filter_script_is_package_data():
    """The wheel ships what ``[tool.setuptools.package-data]`` matches: the script is in it."""
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["sphinx_postmortem"]
    assert (STATIC_DIR / SCRIPT).is_file()
    assert any(fnmatch.fnmatch(f"static/{SCRIPT}", pattern) for pattern in patterns)


def test_html_builds_copy_the_filter_script_but_link_it_nowhere_without_a_filter(html_build):
    assert (html_build.outdir / "_static" / SCRIPT).is_file()
    assert SCRIPT not in html_build.html("inc1.html")
