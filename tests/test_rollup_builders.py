"""Every builder renders the roll-ups of ``test-rollups`` without warnings, with working links."""

from __future__ import annotations

import re

import pytest
from support.builds import build
from support.html import parse_html
from support.projects import copy_root
from support.rollups import (
    ROLLUP_PAGES,
    assert_link_target_exists,
    column_cells,
    rollup_in,
    rollup_links,
    rollups_in,
    section,
)

#: html is built (and checked for warnings) by test_rollup_html.py; changes, linkcheck and
#: dummy write no roll-ups (tests/test_core_builders.py runs them).
BUILDERS = ("dirhtml", "singlehtml", "latex", "text", "epub", "man", "texinfo", "xml",
            "pseudoxml", "json", "pickle", "gettext")
INCIDENT_IDS = ["INC-2024-002", "INC-2024-003", "INC-2024-001", "PRJ-2024-01", "INC-2024-004",
                "INC-2023-010"]
#: Every roll-up directive of the root (one section each).
ROLLUP_COUNT = 23 + 14 + 15 + 3


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    cache = {}

    def get(buildername):
        if buildername not in cache:
            src = copy_root("rollups", tmp_path_factory.mktemp(f"rollups-{buildername}") / "src")
            cache[buildername] = build(src, buildername)
        return cache[buildername]

    return get


@pytest.mark.parametrize("buildername", BUILDERS)
def test_builder_renders_rollups_without_warnings(builds, buildername):
    result = builds(buildername)
    assert result.warnings == []
    assert "Traceback" not in result.status


def test_dirhtml_links(builds):
    result = builds("dirhtml")
    domain = result.domain
    incident_a = domain.incident("inc-a")["anchor"]
    review = domain.incident("archive/review")["anchor"]

    page = "incidents/index.html"
    rollup = rollup_in(section(result.dom(page), "default"))
    assert [cell.find("p").text() for cell in column_cells(rollup, "Incident")] == INCIDENT_IDS
    hrefs = {a.text(): a.attrs["href"] for a in rollup.links()}
    assert hrefs["INC-2024-001"] == f"../inc-a/#{incident_a}"
    assert hrefs["PRJ-2024-01"] == f"../archive/review/#{review}"

    sub = rollup_in(section(result.dom("reports/all/index.html"), "incidents"))
    hrefs = {a.text(): a.attrs["href"] for a in sub.links()}
    assert hrefs["INC-2024-001"] == f"../../inc-a/#{incident_a}"

    for name in ROLLUP_PAGES:
        page = f"{name}/index.html"
        links = rollup_links(result.dom(page))
        assert links
        for href in links:
            assert_link_target_exists(result.outdir, page, href)


@pytest.mark.parametrize(
    ("buildername", "suffix"), [("dirhtml", "/index.html"), ("epub", ".xhtml")]
)
def test_links_in_lesson_bodies_resolve(builds, buildername, suffix):
    result = builds(buildername)
    checked = 0
    for name in ("lessons", "reports/all"):
        page = f"{name}{suffix}"
        for href in rollup_links(result.dom(page), in_bodies=True):
            assert_link_target_exists(result.outdir, page, href)
            checked += 1
    assert checked >= 3


def test_singlehtml_links_are_fragments_of_the_one_page(builds):
    result = builds("singlehtml")
    dom = result.dom("index.html")
    assert len(rollups_in(dom)) == ROLLUP_COUNT
    links = rollup_links(dom) + rollup_links(dom, in_bodies=True)
    assert len(links) > 100
    anchor = result.domain.incident("inc-a")["anchor"]
    assert f"#{anchor}" in links
    for href in links:
        assert href.startswith("#"), href
        assert_link_target_exists(result.outdir, "index.html", href)


def test_epub_links(builds):
    result = builds("epub")
    for name in ROLLUP_PAGES:
        page = f"{name}.xhtml"
        links = rollup_links(parse_html(result.html(page)))
        assert links
        for href in links:
            assert_link_target_exists(result.outdir, page, href)
    assert (result.outdir / "Rollups.epub").is_file()


HYPERREF = re.compile(r"\\hyperref\[\\detokenize\{([^}]*)\}\]")
LABEL = re.compile(r"\\label\{\\detokenize\{([^}]*)\}\}")


def _latex(builds):
    result = builds("latex")
    return result, (result.outdir / "rollups.tex").read_text(encoding="utf-8")


def _latex_rollup_part(tex):
    """The LaTeX of the roll-up pages (incidents, lessons, actions, reports/all)."""
    start = tex.index(r"\label{\detokenize{incidents::doc}}")
    end = tex.index(r"\label{\detokenize{plain::doc}}")
    return tex[start:end]


def test_latex_links_point_to_labels(builds):
    result, tex = _latex(builds)
    part = _latex_rollup_part(tex)
    labels = set(LABEL.findall(tex))
    # the links the roll-ups make, without the copied lesson bodies
    outside_bodies = re.sub(r"\\begin\{sphinxuseclass\}\{pm-lesson-body\}.*?"
                            r"\\end\{sphinxuseclass\}", "", part, flags=re.S)
    refs = HYPERREF.findall(outside_bodies)
    domain = result.domain
    for docname in ("inc-a", "inc-c", "archive/review"):
        incident = domain.incident(docname)
        assert f"{docname}:{incident['anchor']}" in refs
        for record in domain.lessons(docname) + domain.actions(docname):
            assert f"{docname}:{record['anchor']}" in refs
    assert len(refs) > 100
    assert sorted(set(refs) - labels) == []
    assert "No incidents match" in part


def test_latex_links_in_lesson_bodies_point_to_labels(builds):
    _result, tex = _latex(builds)
    refs = HYPERREF.findall(_latex_rollup_part(tex))
    labels = set(LABEL.findall(tex))
    assert sorted(set(refs) - labels) == []


def test_text_output_has_the_rollups(builds):
    result = builds("text")
    incidents = (result.outdir / "incidents.txt").read_text(encoding="utf-8")
    default = incidents.split("sort-date")[0]
    positions = [default.index(f"| {incident_id}  ") for incident_id in INCIDENT_IDS]
    assert positions == sorted(positions)
    # The text writer runs a cell's lines together: the title follows the id.
    assert "| INC-2024-004  Leaked API key " in default
    assert "No incidents match" in incidents
    lessons = (result.outdir / "lessons.txt").read_text(encoding="utf-8")
    assert "from INC-2024-001: Checkout API returned 503s" in lessons
    assert "Canary-body-marker" in lessons
    actions = (result.outdir / "actions.txt").read_text(encoding="utf-8")
    assert "overdue" in actions and "Enforce idempotency keys" in actions
    assert "No action items match" in actions


ACTION_IDS = ["INC-2024-001-A1", "INC-2024-001-A2", "INC-2024-002-A1", "INC-2024-002-A2",
              "INC-2024-003-A1", "INC-2024-003-A2", "INC-2024-003-A3", "INC-2023-010-A1",
              "INC-2024-004-A1", "PRJ-2024-01-A1"]


def test_text_tables_keep_ids_dates_and_keys_on_one_line(builds):
    result = builds("text")
    incidents = (result.outdir / "incidents.txt").read_text(encoding="utf-8")
    actions = (result.outdir / "actions.txt").read_text(encoding="utf-8")
    # An id starts the first line of its cell, whole, before the title or tracker key.
    id_cell = re.compile(r"^\| ((?:INC|PRJ)-[0-9][-A-Z0-9]*)(?= )", re.MULTILINE)
    assert set(id_cell.findall(incidents)) == set(INCIDENT_IDS)
    assert set(id_cell.findall(actions)) == set(ACTION_IDS)
    assert "| INC-2024-001-A1  DEPLOY-1234 " in actions
    for key in ("2024-04-15", "https://tracker.example.com/issue/77"):
        assert f"| {key} " in actions
    # Titles wrap within their column; the scroll hint is only for HTML.
    assert "| Train new hires on secrets     |" in actions
    assert "Scroll sideways" not in actions + incidents


def test_man_output_has_the_rollups(builds):
    result = builds("man")
    pages = list(result.outdir.glob("*.1"))
    assert len(pages) == 1
    # older docutils escape hyphens in man pages ("INC\-2024\-001")
    text = pages[0].read_text(encoding="utf-8").replace("\\-", "-")
    for incident_id in INCIDENT_IDS:
        assert incident_id in text
    assert "Incremental rollout worked" in text
    assert "No incidents match" in text
