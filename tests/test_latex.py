"""LaTeX output: every character the extension writes works with pdflatex, Sphinx's default engine.

Test root: tests/roots/test-latex/ (a timeline with entries before impact
start, approximate and date-only entries, a day-long incident, a roll-up).
The PDF itself is built only where ``latexmk`` is installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.builds import HAS_LATEXMK, build_pdf, build_root, latex_table_specs
from support.warnings import pm_warnings

from sphinx_postmortem.fill.stylesheet import LATEX_PACKAGE, STATIC_DIR

#: Non-ASCII characters pdflatex typesets without help (utf8 inputenc, T1 fontenc).
PDFLATEX_KNOWS = set(
    "\N{MIDDLE DOT}\N{EM DASH}\N{EN DASH}\N{HORIZONTAL ELLIPSIS}\N{NO-BREAK SPACE}"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = build_root(tmp_path_factory, "latex", buildername="latex")
    yield app
    app.cleanup()


def tex(app) -> str:
    return (Path(app.outdir) / "latex.tex").read_text(encoding="utf-8")


def declared_characters() -> set[str]:
    """The characters ``sphinxpostmortem.sty`` declares for pdflatex."""
    sty = (STATIC_DIR / f"{LATEX_PACKAGE}.sty").read_text(encoding="utf-8")
    return {chr(int(code, 16)) for code in re.findall(r"\\DeclareUnicodeCharacter\{(\w+)\}", sty)}


def test_the_document_loads_the_package_that_declares_the_characters(built):
    assert "\\usepackage{sphinxpostmortem}" in tex(built)
    assert (Path(built.outdir) / "sphinxpostmortem.sty").is_file()
    assert {"\N{MINUS SIGN}", "\N{ALMOST EQUAL TO}"} <= declared_characters()


def test_negative_offsets_approximate_times_and_long_durations_are_written(built):
    text = tex(built)
    assert "T\N{MINUS SIGN}27d" in text  # a date-only entry before impact start
    assert "\N{ALMOST EQUAL TO}T\N{MINUS SIGN}1h29m" in text  # approximate start
    assert "\N{ALMOST EQUAL TO}14:02" in text
    assert "\N{ALMOST EQUAL TO}1d00h11m" in text  # time to resolve, never "1d"
    assert [w for w in pm_warnings(built)] == []


def test_every_non_ascii_character_of_the_tex_file_is_known_to_pdflatex(built):
    unknown = {c for c in tex(built) if ord(c) > 127} - declared_characters() - PDFLATEX_KNOWS
    assert unknown == set(), [f"U+{ord(c):04X}" for c in sorted(unknown)]


@pytest.mark.skipif(not HAS_LATEXMK, reason="latexmk is not installed")
def test_pdflatex_builds_the_pdf(built):
    outdir = Path(built.outdir)
    build_pdf(outdir, "latex.tex")
    assert (outdir / "latex.pdf").stat().st_size > 0


def test_the_panel_is_a_two_column_table_after_the_key_facts(built):
    text = tex(built)
    panel = text.index("\\begin{sphinxuseclass}{pm-panel}")
    facts = text.rindex("Severity", 0, panel)
    assert "\\DUrole{pm-fact-name}{Impact} \N{ALMOST EQUAL TO}1d00h11m" in text[facts:panel]
    body = text[panel : text.index("\\end{sphinxuseclass}", panel)]
    assert "\\begin{description}" not in body
    (spec,) = latex_table_specs(body)
    assert spec.count("p{") == 2  # field name | value
    assert "\N{ALMOST EQUAL TO}1d00h11m after impact start" in body  # time to resolve
