"""LaTeX: a page's adjacent action items are one table, and timeline columns fit the line.

Test root: tests/roots/test-latex-actions/ (a timeline with an approximate
start, two adjacent action items, one overdue, and a reference to one).
The PDF itself is built only where ``latexmk`` is installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.builds import HAS_LATEXMK, build_pdf, build_root, read
from support.warnings import pm_warnings


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = build_root(tmp_path_factory, "latex-actions", buildername="latex")
    yield app
    app.cleanup()


def tex(app) -> str:
    return read(app, "actions.tex")


def tabular_specs(text: str) -> list[str]:
    """The column specs of the tables (Sphinx 7 writes ``tabulary``, 8 ``tabular``)."""
    return re.findall(r"\\begin\{(?:tabular|tabulary\}\{\\linewidth)\}\[t\]\{(.*)\}\n", text)


def test_adjacent_action_items_are_one_table_in_small_type(built):
    text = tex(built)
    assert "pm-action}" not in text  # no block of its own
    group = text[text.index("\\begingroup\\footnotesize") : text.index("\\endgroup")]
    assert "INC\\sphinxhyphen{}2024\\sphinxhyphen{}004\\sphinxhyphen{}A1" in group
    assert "INC\\sphinxhyphen{}2024\\sphinxhyphen{}004\\sphinxhyphen{}A2" in group
    assert "Configuration changes go to 5\\% of traffic first." in group  # the body, kept
    assert "{overdue}" in group
    assert [w for w in pm_warnings(built)] == []


def test_each_row_keeps_its_anchor_for_references(built):
    text = tex(built)
    label = "\\phantomsection\\label{\\detokenize{index:action-INC-2024-004-A2}}"
    assert text.count(label) == 1
    assert "\\hyperref[\\detokenize{index:action-INC-2024-004-A2}]" in text


def test_short_columns_are_as_wide_as_their_words_and_the_title_takes_the_rest(built):
    specs = [s for s in tabular_specs(tex(built)) if "\\dimexpr\\linewidth" in s]
    timeline, actions = specs
    widths = re.findall(r"p\{([^{}]*(?:\{[^{}]*\})?[^{}]*)\}", timeline)
    assert widths[1].endswith("em")  # the offset column: never shares the line by text length
    assert widths[3].startswith("\\dimexpr\\linewidth")  # the event column
    assert actions.count("p{\\dimexpr") == 1


@pytest.mark.skipif(not HAS_LATEXMK, reason="latexmk is not installed")
def test_the_pdf_has_no_overfull_line_in_the_tables(built):
    outdir = Path(built.outdir)
    build_pdf(outdir, "actions.tex")
    log = (outdir / "actions.log").read_text(encoding="latin-1")
    assert "Overfull \\hbox" not in log
