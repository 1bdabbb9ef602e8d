"""Related post-mortems: ranking, the panel field, imports, incremental builds.

``tests/roots/test-related`` holds these incidents (all SEV2, published):

=============== ===== ========== ========= ======
document        id    date       services  tags
=============== ===== ========== ========= ======
inc-alpha       R-1   2024-01-01 api, db   tls
inc-beta        R-2   2024-02-01 api       tls
inc-gamma       R-3   2024-03-01 db
inc-delta       R-5   2024-04-01 api
inc-epsilon     R-4   2024-04-01 db
inc-lonely      R-9   2024-05-01 mail      smtp
inc-zulu        R-8   2023-11-01 cdn       dns
sub/inc-nested  R-7   2023-12-01 search    dns
=============== ===== ========== ========= ======

``tests/roots/test-related-export`` ("Payments") exports PAY-1 (2024-05-01,
db, tls) and an incident whose id R-1 is also used locally (2023-06-01, api).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp
from support.builds import build
from support.html import El, body_html, parse_html
from support.projects import copy_root, edit_source
from support.rollups import assert_link_target_exists

from sphinx_postmortem.incremental.related_cache import ranking_digest, related_incidents
from sphinx_postmortem.selection.related import identity, rank_related_positions

PAYMENTS = "https://docs.example.com/payments/"
ALPHA_RELATED = [
    ("R-2: Beta outage", "inc-beta.html#incident-R-2"),  # two shared (api, tls), older
    ("R-4: Epsilon outage", "inc-epsilon.html#incident-R-4"),  # one shared, newest, lower id
    ("R-5: Delta outage", "inc-delta.html#incident-R-5"),
    ("R-3: Gamma outage", "inc-gamma.html#incident-R-3"),
]


def rank_related(targets, pool, limit):
    """The related incidents themselves, rather than their positions in ``pool``."""
    return [[pool[p] for p in found] for found in rank_related_positions(targets, pool, limit)]


# -- unit tests: rank_related --------------------------------------------------------------


def rec(
    ident: str,
    date: str | None,
    services=(),
    tags=(),
    project: str | None = None,
    docname: str | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": ident,
        "title": ident,
        "date": date,
        "services": list(services),
        "tags": list(tags),
        "docname": "" if project else (docname or ident.lower()),
    }
    if project:
        record["project"] = project
    return record


def ids(related: list) -> list[str]:
    return [f"{r['project']}:{r['id']}" if r.get("project") else r["id"] for r in related]


def test_most_shared_first_then_newest_then_id():
    target = rec("T", "2024-06-01", ["api", "db"], ["tls"])
    pool = [
        target,
        rec("A", "2020-01-01", ["api", "db"], ["tls"]),  # three shared, oldest
        rec("B", "2024-01-01", ["api"], ["tls"]),  # two shared
        rec("C", "2023-01-01", ["db"], ["tls"]),  # two shared, older than B
        rec("E", "2024-05-01", ["db"]),  # one shared, newest
        rec("D", "2024-05-01", ["api"]),  # same date as E: by id
        rec("F", None, ["api"]),  # one shared, undated: last
        rec("G", "2024-05-30", ["other"], ["other"]),  # nothing shared
    ]
    assert ids(rank_related([target], pool, 10)[0]) == ["A", "B", "C", "D", "E", "F"]


def test_limit_zero_and_negative_disable():
    target = rec("T", "2024-06-01", ["api"])
    pool = [target] + [rec(f"X-{n}", f"2024-01-0{n}", ["api"]) for n in range(1, 8)]
    assert ids(rank_related([target], pool, 3)[0]) == ["X-7", "X-6", "X-5"]
    assert len(rank_related([target], pool, 5)[0]) == 5
    assert rank_related([target, pool[1]], pool, 0) == [[], []]
    assert rank_related([target], pool, -1) == [[]]


def test_itself_excluded_but_same_id_in_another_project_included():
    target = rec("R-1", "2024-01-01", ["api"])
    twin = rec("R-1", "2023-01-01", ["api"], project="payments")
    other = rec("R-2", "2023-06-01", ["api"])
    related = rank_related([target], [target, twin, other], 5)[0]
    assert ids(related) == ["R-2", "payments:R-1"]
    assert all(r is not target for r in related)


def test_services_and_tags_both_count():
    target = rec("T", "2024-01-01", ["api"], ["tls"])
    pool = [
        target,
        rec("S", "2023-01-01", ["api"]),
        rec("G", "2023-06-01", [], ["tls"]),
        rec("N", "2024-01-01", ["tls"], ["api"]),
    ]  # a service named like a tag is no match
    assert ids(rank_related([target], pool, 5)[0]) == ["G", "S"]


def test_shared_factor_categories_count_like_services_and_tags():
    target = rec("T", "2024-01-01", ["api"])
    pool = [
        target,
        rec("S", "2024-01-01", ["api"]),  # one shared service
        rec("C", "2023-01-01", ["db"]),  # two shared categories, older
        rec("P", "2022-01-01", ["db"], project="payments"),  # one shared category, imported
        rec("N", "2024-06-01", ["mail"], ["capacity"]),  # a tag named like a category: no match
    ]
    categories = {
        identity(target): ["capacity", "Process"],
        identity(pool[2]): ["process", "capacity"],
        identity(pool[3]): ["capacity"],
    }
    related = [pool[p] for p in rank_related_positions([target], pool, 5, categories)[0]]
    assert ids(related) == ["C", "S", "payments:P"]
    assert ids(rank_related([target], pool, 5)[0]) == ["S"]  # without categories


def test_ranking_digest_follows_factor_categories():
    target = rec("T", "2024-01-01", ["api"])
    other = rec("O", "2023-01-01", ["db"])
    pool = [target, other]
    plain = ranking_digest([target], pool, 5)
    shared = ranking_digest([target], pool, 5, {identity(other): ["capacity"]})
    assert plain == ranking_digest([target], pool, 5, {}) and shared != plain
    assert shared != ranking_digest([target], pool, 5, {identity(other): ["process"]})


def test_each_target_gets_its_own_list_in_order():
    a = rec("A", "2024-01-01", ["api"])
    b = rec("B", "2024-02-01", ["db"])
    c = rec("C", "2024-03-01", ["api", "db"])
    lonely = rec("L", "2024-04-01", ["mail"])
    result = rank_related([a, b, c, lonely], [a, b, c, lonely], 5)
    assert [ids(r) for r in result] == [["C"], ["C"], ["B", "A"], []]


# -- the panel ------------------------------------------------------------------------------


def related_field(dom: El) -> El | None:
    """The ``<dd>`` of the "Related post-mortems" panel field, or None."""
    panel = dom.find("dl", cls="pm-panel-fields")
    assert panel is not None, "no metadata panel"
    items = [c for c in panel.children if isinstance(c, El)]
    for position, item in enumerate(items):
        if item.tag == "dt" and item.text().rstrip(":").strip() == "Related post-mortems":
            return items[position + 1]
    return None


def related_links(dom: El) -> list[tuple[str, str]]:
    field = related_field(dom)
    if field is None:
        return []
    result = []
    for li in field.find_all("li"):
        links = li.links()
        assert len(links) == 1, li.text()
        result.append((links[0].text(), links[0].attrs["href"]))
    return result


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    return build(copy_root("related", tmp_path_factory.mktemp("related") / "src"))


def test_build_is_clean(html):
    assert html.warnings == []


def test_panel_lists_related_incidents_ranked(html):
    dom = html.dom("inc-alpha.html")
    assert related_links(dom) == ALPHA_RELATED
    items = [li.text() for li in related_field(dom).find_all("li")]
    assert items[0] == "R-2: Beta outage (2024-02-01, SEV2)"
    assert [link for _, link in related_links(html.dom("inc-beta.html"))] == [
        "inc-alpha.html#incident-R-1",
        "inc-delta.html#incident-R-5",
    ]


def test_related_links_point_to_the_incidents(html):
    for page in ("inc-alpha.html", "inc-zulu.html", "sub/inc-nested.html"):
        links = related_links(html.dom(page))
        assert links, page
        for _, href in links:
            assert_link_target_exists(html.outdir, page, href)
    assert related_links(html.dom("sub/inc-nested.html")) == [
        ("R-8: Zulu outage", "../inc-zulu.html#incident-R-8")
    ]
    assert related_links(html.dom("inc-zulu.html")) == [
        ("R-7: Nested outage", "sub/inc-nested.html#incident-R-7")
    ]


def test_no_field_without_related_incidents(html):
    assert related_field(html.dom("inc-lonely.html")) is None
    assert "Related post-mortems" not in html.html("inc-lonely.html")


def test_domain_related_matches_the_panel(html):
    related = related_incidents(html.domain, "inc-alpha")
    assert [r["id"] for r in related] == ["R-2", "R-4", "R-5", "R-3"]
    assert related_incidents(html.domain, "inc-lonely") == []
    assert related_incidents(html.domain, "index") == []


@pytest.mark.parametrize(("limit", "expected"), [(2, ALPHA_RELATED[:2]), (1, ALPHA_RELATED[:1])])
def test_limit(tmp_path, limit, expected):
    result = build(
        copy_root("related", tmp_path / "src"), confoverrides={"postmortem_related_limit": limit}
    )
    assert related_links(result.dom("inc-alpha.html")) == expected


def test_limit_zero_disables(tmp_path):
    result = build(
        copy_root("related", tmp_path / "src"), confoverrides={"postmortem_related_limit": 0}
    )
    assert result.warnings == []
    for page in ("inc-alpha.html", "inc-beta.html", "inc-zulu.html", "sub/inc-nested.html"):
        assert related_field(result.dom(page)) is None, page
        assert "pm-related" not in result.html(page)


def test_text_builder_lists_related(tmp_path):
    result = build(copy_root("related", tmp_path / "src"), "text")
    text = (result.outdir / "inc-alpha.txt").read_text(encoding="utf-8")
    assert "Related post-mortems" in text
    positions = [text.index(title) for title, _ in ALPHA_RELATED]
    assert positions == sorted(positions)


# -- imported incidents --------------------------------------------------------------------


@pytest.fixture(scope="module")
def payments_export(tmp_path_factory) -> str:
    result = build(copy_root("related-export", tmp_path_factory.mktemp("payments") / "src"))
    return (result.outdir / "postmortems.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def with_import(tmp_path_factory, payments_export):
    srcdir = copy_root("related", tmp_path_factory.mktemp("related-import") / "src")
    (srcdir / "imported").mkdir()
    (srcdir / "imported" / "payments.json").write_text(payments_export, encoding="utf-8")
    projects = {"payments": (PAYMENTS, "imported/payments.json")}
    return build(srcdir, confoverrides={"postmortem_projects": projects})


PAY_ONE = (
    "payments \N{MIDDLE DOT} PAY-1: Payments database & TLS <trouble>",
    PAYMENTS + "incidents/pay-one.html#incident-PAY-1",
)
PAY_SAME_ID = (
    "payments \N{MIDDLE DOT} R-1: Payments API incident with a local id",
    PAYMENTS + "incidents/pay-same-id.html#incident-R-1",
)


def test_imported_incidents_are_related(with_import):
    assert with_import.warnings == []
    # PAY-1 shares db and tls (two, newest); the default limit (5) cuts the imported R-1
    assert related_links(with_import.dom("inc-alpha.html")) == [PAY_ONE, *ALPHA_RELATED]
    # an imported incident with the same id as a local one is another incident
    assert related_links(with_import.dom("inc-beta.html")) == [
        ("R-1: Alpha outage", "inc-alpha.html#incident-R-1"),
        PAY_ONE,
        ("R-5: Delta outage", "inc-delta.html#incident-R-5"),
        PAY_SAME_ID,
    ]


def test_imported_titles_are_escaped(with_import):
    page = with_import.html("inc-alpha.html")
    assert "<trouble>" not in page
    assert "&lt;trouble&gt;" in page


def test_imported_limit(tmp_path, payments_export):
    srcdir = copy_root("related", tmp_path / "src")
    (srcdir / "imported").mkdir()
    (srcdir / "imported" / "payments.json").write_text(payments_export, encoding="utf-8")
    result = build(
        srcdir,
        confoverrides={
            "postmortem_projects": {"payments": (PAYMENTS, "imported/payments.json")},
            "postmortem_related_limit": 10,
        },
    )
    links = related_links(result.dom("inc-alpha.html"))
    assert links == [PAY_ONE, *ALPHA_RELATED, PAY_SAME_ID]
    assert ("R-1: Alpha outage", "inc-alpha.html#incident-R-1") not in links  # not itself


# -- incremental builds ----------------------------------------------------------------------


class Project:
    """A copy of test-related, built again and again on the same directories."""

    def __init__(self, srcdir: Path) -> None:
        self.srcdir = srcdir
        self.outdir = srcdir / "_build" / "html"
        self.warnings = ""

    def build(self) -> list[str]:
        written: list[str] = []
        warning = StringIO()
        app = SphinxTestApp(
            "html", srcdir=self.srcdir, freshenv=False, status=StringIO(), warning=warning
        )
        app.connect("doctree-resolved", lambda _app, _tree, docname: written.append(docname))
        try:
            app.build()
        finally:
            app.cleanup()
        self.warnings = warning.getvalue()
        return sorted(written)

    def edit(self, name: str, old: str, new: str) -> None:
        edit_source(self.srcdir / name, old, new)

    def mtimes(self) -> dict[str, int]:
        return {
            str(p.relative_to(self.outdir)): p.stat().st_mtime_ns
            for p in self.outdir.rglob("inc-*.html")
        }

    def dom(self, page: str) -> El:
        return parse_html((self.outdir / page).read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path):
    proj = Project(copy_root("related", tmp_path / "src"))
    proj.build()
    assert "WARNING" not in proj.warnings
    assert proj.build() == []  # nothing changed: nothing written
    return proj


def test_new_shared_tag_rewrites_the_pages_whose_list_changed(project):
    before = project.mtimes()
    project.edit("inc-gamma.rst", "   :tags:", "   :tags: smtp")
    written = project.build()
    # gamma itself was re-read; lonely now lists gamma
    assert "inc-gamma" in written and "inc-lonely" in written
    # alpha and epsilon list gamma already (db): their lists did not change
    unchanged = ["inc-alpha", "inc-beta", "inc-delta", "inc-epsilon", "inc-zulu", "sub/inc-nested"]
    after = project.mtimes()
    for docname in unchanged:
        assert docname not in written, f"{docname} was written again"
        assert after[f"{docname}.html"] == before[f"{docname}.html"], docname
    assert related_links(project.dom("inc-lonely.html")) == [
        ("R-3: Gamma outage", "inc-gamma.html#incident-R-3")
    ]
    assert related_links(project.dom("inc-gamma.html")) == [
        ("R-9: Lonely outage", "inc-lonely.html#incident-R-9"),  # one shared, newest
        ("R-4: Epsilon outage", "inc-epsilon.html#incident-R-4"),
        ("R-1: Alpha outage", "inc-alpha.html#incident-R-1"),
    ]


def test_removed_tag_reorders_and_rewrites_only_affected_pages(project):
    before = project.mtimes()
    project.edit("inc-beta.rst", "   :tags: tls", "   :tags:")
    written = project.build()
    assert {"inc-beta", "inc-alpha"} <= set(written)
    # alpha: beta now shares only api and drops to the oldest of the one-shared
    assert related_links(project.dom("inc-alpha.html")) == [
        ALPHA_RELATED[1],
        ALPHA_RELATED[2],
        ALPHA_RELATED[3],
        ALPHA_RELATED[0],
    ]
    # delta lists alpha and beta (api) before and after: not rewritten
    after = project.mtimes()
    for docname in ("inc-delta", "inc-gamma", "inc-epsilon", "inc-lonely", "inc-zulu"):
        assert docname not in written, f"{docname} was written again"
        assert after[f"{docname}.html"] == before[f"{docname}.html"], docname


def test_changed_title_rewrites_the_pages_listing_it(project):
    project.edit("inc-gamma.rst", ".. incident:: Gamma outage", ".. incident:: Gamma meltdown")
    written = project.build()
    assert {"inc-gamma", "inc-alpha", "inc-epsilon"} <= set(written)
    assert not {"inc-beta", "inc-delta", "inc-lonely", "inc-zulu"} & set(written)
    assert ("R-3: Gamma meltdown", "inc-gamma.html#incident-R-3") in related_links(
        project.dom("inc-epsilon.html")
    )


def importing_project(srcdir: Path, payments_export: str) -> Project:
    """A copy of test-related that imports ``payments_export``, built once."""
    proj = Project(srcdir)
    (proj.srcdir / "imported").mkdir()
    (proj.srcdir / "imported" / "payments.json").write_text(payments_export, encoding="utf-8")
    conf = proj.srcdir / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8")
        + (f"postmortem_projects = {{'payments': ({PAYMENTS!r}, 'imported/payments.json')}}\n"),
        encoding="utf-8",
    )
    proj.build()
    assert "WARNING" not in proj.warnings, proj.warnings
    assert related_links(proj.dom("inc-alpha.html"))[0] == PAY_ONE
    return proj


def change_pay_one(proj: Project, payments_export: str, **fields: Any) -> None:
    """Rewrite the imported file with new ``fields`` for PAY-1 (as a new export would)."""
    export = json.loads(payments_export)
    for incident in export["incidents"]:
        if incident["id"] == "PAY-1":
            incident.update(fields)
    target = proj.srcdir / "imported" / "payments.json"
    target.write_text(json.dumps(export), encoding="utf-8")
    later = time.time_ns() + 2_000_000_000
    os.utime(target, ns=(later, later))


def assert_same_as_clean_build(proj: Project, clean_dir: Path, pages: list[str]) -> None:
    """``pages`` as written by the incremental builds equal a clean build of the same sources."""
    shutil.copytree(proj.srcdir, clean_dir, ignore=shutil.ignore_patterns("_build"))
    clean = build(clean_dir)
    for page in pages:
        got = body_html((proj.outdir / page).read_text(encoding="utf-8"))
        assert got == body_html(clean.html(page)), f"{page} differs from a clean build"


def test_changed_import_rewrites_the_pages_whose_list_changed(tmp_path, payments_export):
    proj = importing_project(copy_root("related", tmp_path / "src"), payments_export)
    before = proj.mtimes()
    # PAY-1 no longer shares anything with this project
    change_pay_one(proj, payments_export, services=["ledger"], tags=[])
    written = proj.build()
    assert "WARNING" not in proj.warnings, proj.warnings
    assert "inc-alpha" in written  # lists PAY-1 no more
    assert "inc-beta" in written  # listed PAY-1 through tls
    # the imported R-1 moves up into the five
    assert related_links(proj.dom("inc-alpha.html")) == [*ALPHA_RELATED, PAY_SAME_ID]
    after = proj.mtimes()
    for docname in ("inc-lonely", "inc-zulu", "sub/inc-nested", "inc-delta"):
        assert docname not in written, f"{docname} was written again"
        assert after[f"{docname}.html"] == before[f"{docname}.html"], docname


#: Pages whose panels list R-3 (Gamma, db): alpha and epsilon; the others do not.
NOT_LISTING_GAMMA = ("inc-beta", "inc-delta", "inc-lonely", "inc-zulu", "sub/inc-nested")


def test_renamed_page_rewrites_the_panels_linking_to_it(project, tmp_path):
    before = project.mtimes()
    (project.srcdir / "inc-gamma.rst").rename(project.srcdir / "archive-gamma.rst")
    written = project.build()
    assert "WARNING" not in project.warnings, project.warnings
    assert {"inc-alpha", "inc-epsilon", "archive-gamma"} <= set(written)
    moved = ("R-3: Gamma outage", "archive-gamma.html#incident-R-3")
    for page in ("inc-alpha.html", "inc-epsilon.html"):
        links = related_links(project.dom(page))
        assert moved in links, page
        for _, href in links:
            assert_link_target_exists(project.outdir, page, href)
    after = project.mtimes()
    for docname in NOT_LISTING_GAMMA:
        assert docname not in written, f"{docname} was written again"
        assert after[f"{docname}.html"] == before[f"{docname}.html"], docname
    assert_same_as_clean_build(
        project, tmp_path / "clean", ["inc-alpha.html", "inc-epsilon.html", "archive-gamma.html"]
    )


def test_moved_imported_incident_rewrites_the_panels_linking_to_it(tmp_path, payments_export):
    proj = importing_project(copy_root("related", tmp_path / "src"), payments_export)
    before = proj.mtimes()
    # the other project moved PAY-1's page; nothing the ranking looks at changed
    change_pay_one(proj, payments_export, url="archive/2024/pay-one.html#incident-PAY-1")
    written = proj.build()
    assert "WARNING" not in proj.warnings, proj.warnings
    moved = (PAY_ONE[0], PAYMENTS + "archive/2024/pay-one.html#incident-PAY-1")
    assert related_links(proj.dom("inc-alpha.html")) == [moved, *ALPHA_RELATED]
    assert moved in related_links(proj.dom("inc-beta.html"))
    assert {"inc-alpha", "inc-beta"} <= set(written)
    after = proj.mtimes()
    for docname in ("inc-lonely", "inc-zulu", "sub/inc-nested"):  # PAY-1 is not related
        assert docname not in written, f"{docname} was written again"
        assert after[f"{docname}.html"] == before[f"{docname}.html"], docname
    assert_same_as_clean_build(proj, tmp_path / "clean", ["inc-alpha.html", "inc-beta.html"])
