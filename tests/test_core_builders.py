"""Every builder Sphinx ships builds a project using every core directive and role,
without warnings.

Test root: tests/roots/test-core-all/ (an outage and an end-of-project review).
For LaTeX and Texinfo only the source files are written; no TeX or makeinfo is run.
linkcheck ignores every external link, so no test touches the network.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from support.builds import build_root
from support.contains import assert_contains
from support.warnings import parse_warnings

#: Every builder Sphinx ships.
BUILDERS = [
    "html", "dirhtml", "singlehtml", "epub", "latex", "text", "man", "texinfo", "xml",
    "pseudoxml", "json", "pickle", "changes", "gettext", "linkcheck", "dummy",
]  # fmt: skip
#: Per-builder settings: linkcheck checks nothing outside the project.
OVERRIDES = {"linkcheck": {"linkcheck_ignore": [r".*"]}}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Builder name -> the built app, each built once."""
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = build_root(
                tmp_path_factory, "core-all", name, confoverrides=OVERRIDES.get(name, {})
            )
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
    assert_contains(
        html,
        'id="incident-INC-2024-017"',
        '<span class="pm-label pm-sev pm-sev-sev2">SEV2</span>',
        '<span class="pm-label pm-status pm-status-published">published</span>',
        "2 open / 3 total",
        '<span class="pm-offset">T+7m</span>',
        '<span class="pm-offset">T+1h08m</span>',
        '<span class="pm-label pm-milestone pm-milestone-detect">Detected</span>',
        'id="action-INC-2024-017-A1"',
        '<span class="pm-label pm-overdue pm-overdue-overdue">overdue</span>',
        'href="https://jira.example.com/browse/DEPLOY-1234"',
        "What went wrong: Config changes skipped the canary stage",
    )


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
    for anchor in (
        "incident-INC-2024-017",
        "incident-PRJ-SEARCH",
        "action-INC-2024-017-A1",
        "lesson-Config-changes-skipped-the-canary-stage",
    ):
        assert f'id="{anchor}"' in html
        assert f'href="#{anchor}"' in html
    # both panels are there, each with its own data
    assert html.count('class="pm-panel docutils container"') == 2
    assert "0 open / 0 total" not in html
    assert "1 open / 1 total" in html  # the review's action item


def test_latex(outputs):
    tex = text_of(outputs("latex"), "core-all.tex")
    assert_contains(
        tex,
        r"\label{\detokenize{outage:incident-INC-2024-017}}",
        r"\label{\detokenize{outage:action-INC-2024-017-A1}}",
        r"\hyperref[\detokenize{outage:incident-INC-2024-017}]",
        r"\hyperref[\detokenize{outage:action-INC-2024-017-A1}]",
        "2 open / 3 total",
        "T+1h08m",
        "What went wrong: Config changes skipped the canary stage",
        "overdue",
        r"\sphinxhref{https://jira.example.com/browse/DEPLOY-1234}{DEPLOY\sphinxhyphen{}1234}",
    )


def test_text(outputs):
    app = outputs("text")
    outage = text_of(app, "outage.txt")
    assert_contains(
        outage,
        "Severity:\n   SEV2",
        "Action items:\n   2 open / 3 total",
        "Time to detect:\n   7m",
        "| T+1h08m",
        "2024-04-15 overdue",
        "What went wrong: Config changes skipped the canary stage",
    )
    index = text_of(app, "index.txt")
    assert "Checkout API returned 503s for EU customers" in index
    assert "the review" in index


def test_man(outputs):
    man = text_of(outputs("man"), "core-all.1")
    assert_contains(
        man,
        r"INC\-2024\-017",
        r"2 open / 3 total",
        "T+1h08m",
        "What went wrong: Config changes skipped the canary stage",
    )


def test_json_output_has_the_incident_index_as_plain_text(outputs):
    outdir = Path(outputs("json").outdir)
    context = json.loads((outdir / "globalcontext.json").read_text(encoding="utf-8"))
    assert ["postmortem-incidents", "Incident index", "", "incidents"] in context["rellinks"]
    index = json.loads((outdir / "postmortem-incidents.fjson").read_text(encoding="utf-8"))
    assert index["indextitle"] == "Incident index"
    assert "INC-2024-017" in json.dumps(index["content"])
    assert "PRJ-SEARCH" in json.dumps(index["content"])
    page = json.loads((outdir / "outage.fjson").read_text(encoding="utf-8"))
    assert "2 open / 3 total" in page["body"]


def test_pickle_output_holds_plain_strings(outputs):
    outdir = Path(outputs("pickle").outdir)
    with (outdir / "globalcontext.pickle").open("rb") as stream:
        context = pickle.load(stream)
    rellink = next(r for r in context["rellinks"] if r[0] == "postmortem-incidents")
    assert all(type(value) is str for value in rellink)
    with (outdir / "outage.fpickle").open("rb") as stream:
        assert "T+1h08m" in pickle.load(stream)["body"]


def test_texinfo(outputs):
    texi = text_of(outputs("texinfo"), "core-all.texi")
    assert "INC-2024-017" in texi and "2 open / 3 total" in texi and "T+1h08m" in texi


@pytest.mark.parametrize(
    ("builder", "page"), [("xml", "outage.xml"), ("pseudoxml", "outage.pseudoxml")]
)
def test_doctree_builders(outputs, builder, page):
    output = text_of(outputs(builder), page)
    assert "INC-2024-017" in output and "2 open / 3 total" in output


def test_gettext_collects_the_post_mortem_text(outputs):
    catalog = text_of(outputs("gettext"), "outage.pot")
    assert 'msgid "Checkout returned errors for 68 minutes in the EU."' in catalog


def test_linkcheck_and_changes_and_dummy_finish(outputs):
    assert (Path(outputs("linkcheck").outdir) / "output.json").is_file()
    assert outputs("changes").statuscode == 0  # nothing to report: no versionadded
    assert outputs("dummy").statuscode == 0
