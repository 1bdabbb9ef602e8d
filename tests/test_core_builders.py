"""Every builder builds a project using every core directive and role, without warnings.

Test root: tests/roots/test-core-all/ (an outage and an end-of-project review).
For LaTeX only the .tex file is written; pdflatex is not run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_core_support import build_app, parse_warnings

BUILDERS = ["html", "dirhtml", "singlehtml", "latex", "text", "epub", "man"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Builder name -> the built app, each built once."""
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = build_app(tmp_path_factory, "core-all", name)
        return cache[name]

    return get


def text_of(app, name: str) -> str:
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("builder", BUILDERS)
def test_builds_without_any_warning(outputs, builder):
    app = outputs(builder)
    assert parse_warnings(app) == []
    assert app.statuscode == 0


@pytest.mark.parametrize(
    ("builder", "page"),
    [
        ("html", "outage.html"),
        ("dirhtml", "outage/index.html"),
        ("singlehtml", "index.html"),
        ("epub", "outage.xhtml"),
    ],
)
def test_html_like_output(outputs, builder, page):
    html = text_of(outputs(builder), page)
    assert 'id="incident-INC-2024-017"' in html
    assert '<span class="pm-label pm-sev pm-sev-sev2">SEV2</span>' in html
    assert '<span class="pm-label pm-status pm-status-published">published</span>' in html
    assert "2 open / 3 total" in html
    assert '<span class="pm-offset">T+7m</span>' in html
    assert '<span class="pm-offset">T+1h08m</span>' in html
    assert '<span class="pm-label pm-milestone pm-milestone-detect">Detected</span>' in html
    assert 'id="action-INC-2024-017-A1"' in html
    assert '<span class="pm-label pm-overdue pm-overdue-overdue">overdue</span>' in html
    assert 'href="https://jira.example.com/browse/DEPLOY-1234"' in html
    assert "What went wrong: Config changes skipped the canary stage" in html


def test_html_links(outputs):
    app = outputs("html")
    index = text_of(app, "index.html")
    assert 'href="outage.html#incident-INC-2024-017"' in index
    assert 'href="review.html#incident-PRJ-SEARCH"' in index
    assert 'href="outage.html#action-INC-2024-017-A1"' in index
    assert 'href="#action-INC-2024-017-A1"' in text_of(app, "outage.html")


def test_dirhtml_links(outputs):
    app = outputs("dirhtml")
    index = text_of(app, "index.html")
    assert 'href="outage/#incident-INC-2024-017"' in index
    assert 'href="outage/#action-INC-2024-017-A1"' in index
    review = text_of(app, "review/index.html")
    assert 'href="../outage/#incident-INC-2024-017"' in review


def test_singlehtml_links_point_into_the_single_page(outputs):
    html = text_of(outputs("singlehtml"), "index.html")
    for anchor in ("incident-INC-2024-017", "incident-PRJ-SEARCH", "action-INC-2024-017-A1",
                   "lesson-Config-changes-skipped-the-canary-stage"):
        assert f'id="{anchor}"' in html
        assert f'href="#{anchor}"' in html
    # both panels are there, each with its own data
    assert html.count('class="pm-panel docutils container"') == 2
    assert "0 open / 0 total" not in html
    assert "1 open / 1 total" in html  # the review's action item


def test_latex(outputs):
    tex = text_of(outputs("latex"), "core-all.tex")
    assert r"\label{\detokenize{outage:incident-INC-2024-017}}" in tex
    assert r"\label{\detokenize{outage:action-INC-2024-017-A1}}" in tex
    assert r"\hyperref[\detokenize{outage:incident-INC-2024-017}]" in tex
    assert r"\hyperref[\detokenize{outage:action-INC-2024-017-A1}]" in tex
    assert "2 open / 3 total" in tex
    assert "T+1h08m" in tex
    assert "What went wrong: Config changes skipped the canary stage" in tex
    assert "overdue" in tex
    assert r"\sphinxhref{https://jira.example.com/browse/DEPLOY-1234}{DEPLOY\sphinxhyphen{}1234}" in tex


def test_text(outputs):
    app = outputs("text")
    outage = text_of(app, "outage.txt")
    assert "Severity:\n   SEV2" in outage
    assert "Action items:\n   2 open / 3 total" in outage
    assert "Time to detect:\n   7m" in outage
    assert "| T+1h08m" in outage
    assert "2024-04-15 overdue" in outage
    assert "What went wrong: Config changes skipped the canary stage" in outage
    index = text_of(app, "index.txt")
    assert "Checkout API returned 503s for EU customers" in index
    assert "the review" in index


def test_man(outputs):
    man = text_of(outputs("man"), "core-all.1")
    assert r"INC\-2024\-017" in man
    assert r"2 open / 3 total" in man
    assert "T+1h08m" in man
    assert "What went wrong: Config changes skipped the canary stage" in man
