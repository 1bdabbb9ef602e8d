"""LaTeX: roll-up, statistics and compact action tables fit the line.

Test root: tests/roots/test-latex-rollups/ (an ``incident-list`` with nine
explicit columns and none of them a title, default roll-up columns, an
``action-item-list``, statistics per month, and two incident pages whose
action items are compact tables with web addresses as tracker keys).
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
    app = build_root(tmp_path_factory, "latex-rollups", buildername="latex")
    yield app
    app.cleanup()


def section(text: str, title: str) -> str:
    """The LaTeX of the section titled ``title``, up to the next heading."""
    start = text.index(f"{{{title}}}")
    end = re.compile(r"\\(?:chapter|section)\{").search(text, start + 1)
    return text[start : end.start() if end else len(text)]


def test_every_table_of_the_extension_is_in_small_type_with_a_column_spec(built):
    text = read(built, "rollups.tex")
    # every table has its own spec (no automatic tabulary widths)
    assert text.count("\\begin{tabular") == len(latex_table_specs(text))
    assert all("p{" in spec for spec in latex_table_specs(text))
    timelines = 2  # in the body's type
    small = re.findall(r"\\begingroup\\(?:footnotesize|scriptsize)", text)
    assert len(small) == len(latex_table_specs(text)) - timelines
    assert [w for w in pm_warnings(built)] == []


def test_titles_take_the_rest_of_the_line_and_ids_keep_theirs(built):
    text = read(built, "rollups.tex")
    (actions,) = latex_table_specs(section(text, "Open action items"))
    widths = re.findall(r"p\{(\\dimexpr.*?\\relax|[\d.]+em)\}", actions)
    assert [w.startswith("\\dimexpr") for w in widths].count(True) == 1  # the action's title
    assert widths[0].endswith("em") and float(widths[0][:-2]) < 10  # an id, not a web address


def test_without_a_title_the_columns_of_text_share_the_rest_of_the_line(built):
    text = read(built, "rollups.tex")
    (incidents,) = latex_table_specs(section(text, "Every column"))
    rest = r"p\{\\dimexpr\(\\linewidth-[\d.]+em-18\\tabcolsep\)"
    shared = re.findall(rest + r"\*(\d+)/(\d+)", incidents)
    assert len(shared) == 2  # authors and tags
    assert sum(int(part) for part, _total in shared) == int(shared[0][1])


@pytest.mark.skipif(not HAS_LATEXMK, reason="latexmk is not installed")
def test_the_pdf_has_no_overfull_line(built):
    outdir = Path(built.outdir)
    build_pdf(outdir, "rollups.tex")
    log = (outdir / "rollups.log").read_text(encoding="latin-1")
    assert "Overfull \\hbox" not in log
