"""LaTeX: a page's adjacent action items are one table, and timeline columns fit the line.

Test root: tests/roots/test-latex-actions/ (a timeline with an approximate
start, two adjacent action items, one overdue, and a reference to one).
The PDF itself is built only where ``latexmk`` is installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.builds import HAS_LATEXMK, build_pdf, build_root, latex_table_specs, read
from support.warnings import pm_warnings


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = build_root(tmp_path_factory, "latex-actions", buildername="latex")
    yield app
    app.cleanup()


def tex(app) -> str:
    return read(app, "actions.tex")


def small_type_groups(text: str) -> list[str]:
    """Every stretch of the document set in small type (the panel's table, action tables)."""
    return re.findall(r"\\begingroup\\footnotesize.*?\\endgroup", text, re.DOTALL)


def section(text: str, title: str) -> str:
    """The LaTeX of the chapter titled ``title``, up to the next chapter."""
    start = text.index(f"\\chapter{{{title}}}")
    end = text.find("\\chapter{", start + 1)
    return text[start : end if end != -1 else len(text)]


A1 = "INC\\sphinxhyphen{}2024\\sphinxhyphen{}004\\sphinxhyphen{}A1"
A2 = "INC\\sphinxhyphen{}2024\\sphinxhyphen{}004\\sphinxhyphen{}A2"


def test_adjacent_action_items_are_one_table_in_small_type(built):
    text = tex(built)
    assert "pm-action}" not in text  # no block of its own
    groups = [group for group in small_type_groups(text) if A1 in group]
    assert len(groups) == 1
    group = groups[0]
    assert group.count("\\begin{tabular") == 1
    assert A2 in group
    assert "Configuration changes go to 5\\% of traffic first." in group  # the body, kept
    assert "{overdue}" in group
    assert [w for w in pm_warnings(built)] == []


def test_each_row_keeps_its_anchor_for_references(built):
    text = tex(built)
    label = "\\phantomsection\\label{\\detokenize{index:action-INC-2024-004-A2}}"
    assert text.count(label) == 1
    assert "\\hyperref[\\detokenize{index:action-INC-2024-004-A2}]" in text


def test_short_columns_are_as_wide_as_their_words_and_the_title_takes_the_rest(built):
    text = tex(built)
    (timeline,) = latex_table_specs(section(text, "Timeline"))
    (actions,) = latex_table_specs(section(text, "Action items"))
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
