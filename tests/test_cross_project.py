"""Roll-ups across projects and the cross-project role.

The aggregating project is a copy of ``tests/roots/test-import`` ("Platform",
one local incident PLT-2024-001); it imports the real export of
``tests/roots/test-export`` as project ``payments``.
"""

from __future__ import annotations

import json
import posixpath
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from support import ROOTS
from support.builds import build, export_of
from support.html import main_content
from support.rollups import without_count
from support.warnings import typed_warnings, warning_lines

EXPORT = "postmortems.json"
BASE = "https://docs.example.com/payments/"
CHECKOUT = BASE + "incidents/checkout.html#incident-PAY-2024-003"
REVIEW = BASE + "incidents/review.html#incident-PAY-PRJ-LEDGER"
CHECKOUT_TITLE = "Card authorisations failed in Zürich — “stale” certificate"


# -- helpers -------------------------------------------------------------------------


#: Where a paragraph starts in the text of a table cell being read.
PARAGRAPH = "\x00"


class _Page(HTMLParser):
    """Links, table rows and group headings (sections or rubrics) of a page's main content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str | None, str]] = []
        self.tables: list[dict[str, Any]] = []
        self.rubrics: list[str] = []
        self.sequence: list[tuple[str, str]] = []  # ("rubric"|"lesson", text) in page order
        self._open_links: list[list[Any]] = []
        self._cell: list[str] | None = None
        self._cell_links: list[str] = []
        self._rubric: list[str] | None = None
        self._in_group = False  # inside a group's section, before its heading
        self._lesson_heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "a":
            self._open_links.append([attributes.get("href"), ""])
        elif tag == "table":
            self.tables.append({"classes": classes, "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell, self._cell_links = [], []
        elif tag == "p" and self._cell is not None:
            self._cell.append(PARAGRAPH)
        elif tag == "p" and "rubric" in classes:
            self._rubric = []
        elif tag == "section" and "pm-group" in classes:
            self._in_group = True
        elif self._in_group and tag in ("h2", "h3", "h4", "h5", "h6"):
            self._rubric, self._in_group = [], False
        elif tag == "p" and "pm-lesson-heading" in classes:
            self._lesson_heading = []

    def handle_data(self, data: str) -> None:
        for item in self._open_links:
            item[1] += data
        for buffer in (self._cell, self._rubric):
            if buffer is not None:
                buffer.append(data)
        if self._lesson_heading is not None:
            self._lesson_heading.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open_links:
            href, text = self._open_links.pop()
            self.links.append((href, " ".join(text.split())))
            if self._cell is not None and href:
                self._cell_links.append(href)
        elif tag in ("td", "th") and self._cell is not None:
            paragraphs = ("".join(self._cell)).split(PARAGRAPH)
            text = "\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
            self.tables[-1]["rows"][-1].append((text, list(self._cell_links)))
            self._cell = None
        elif tag in ("p", "h2", "h3", "h4", "h5", "h6") and self._rubric is not None:
            text = without_count(
                " ".join("".join(self._rubric).replace("\N{PILCROW SIGN}", "").split())
            )
            self.rubrics.append(text)
            self.sequence.append(("rubric", text))
            self._rubric = None
        elif tag == "p" and self._lesson_heading is not None:
            self.sequence.append(("lesson", " ".join("".join(self._lesson_heading).split())))
            self._lesson_heading = None


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(main_content(html))
    return page


def lines(cell: tuple[str, list[str]]) -> list[str]:
    """The lines of a cell (its paragraphs): an id, then what is shown under it."""
    return cell[0].split("\n") if cell[0] else [""]


def table(page: _Page, cls: str) -> list[list[tuple[str, list[str]]]]:
    """Rows (header first) of the table with class ``cls``."""
    found = [t for t in page.tables if cls in t["classes"]]
    assert len(found) == 1, [t["classes"] for t in page.tables]
    return found[0]["rows"]


@pytest.fixture(scope="module")
def payments_export(tmp_path_factory) -> str:
    return export_of(tmp_path_factory.mktemp("payments-html"), "html")


@pytest.fixture(scope="module")
def payments_export_dirhtml(tmp_path_factory) -> str:
    return export_of(tmp_path_factory.mktemp("payments-dirhtml"), "dirhtml")


@pytest.fixture
def aggregate(make_app, tmp_path, payments_export):
    """``aggregate(builder, export=, pages={name: rst}, files={path: text}, **conf)``: the app."""
    srcdir = tmp_path / "platform"
    shutil.copytree(ROOTS / "test-import", srcdir)

    def run(
        builder: str = "html",
        export: str | None = None,
        pages: dict[str, str] | None = None,
        files: dict[str, str] | None = None,
        **conf: Any,
    ) -> Any:
        target = srcdir / "imported" / "payments.json"
        target.parent.mkdir(exist_ok=True)
        target.write_text(export if export is not None else payments_export, encoding="utf-8")
        for name, text in (pages or {}).items():
            (srcdir / f"{name}.rst").write_text(text, encoding="utf-8")
        for name, text in (files or {}).items():
            (srcdir / name).write_text(text, encoding="utf-8")
        app = make_app(builder, srcdir=srcdir, confoverrides=conf)
        app.build()
        return app

    return run


FILTERED_PAGE = (
    "Filtered\n========\n\n"
    ".. incident-list::\n   :severity: SEV1\n   :columns: project, id\n\n"
    ".. action-item-list::\n   :owner: team-gateway, team-net\n\n"
    ".. lesson-list::\n   :kind: lucky\n   :group-by: none\n"
)
SUBSTANCE_PAGE = (
    ":orphan:\n\nSubstance\n=========\n\n"
    ".. incident-list::\n"
    "   :columns: project, id, detected-by, commander, ttn, impact:customers\n\n"
    ".. incident-list::\n   :detected-by: alert\n   :columns: project, id\n"
)
FACTORS_PAGE = (
    ":orphan:\n\nFactors\n=======\n\n"
    ".. factor-list::\n   :group-by: project\n\n"
    ".. factor-list::\n   :kind: trigger\n   :category: monitoring-gap\n"
)
TRENDS_PAGE = (
    ":orphan:\n\nTrends\n======\n\n.. postmortem-stats::\n   :period: year\n   :impact: customers\n"
)
BADREF_PAGE = (
    ":orphan:\n\nBad refs\n========\n\n"
    ":incident:`payments:NOPE-1` and :incident:`nosuch:PAY-2024-003`.\n"
)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, payments_export):
    """One aggregator build with default settings, shared by the read-only tests."""
    srcdir = tmp_path_factory.mktemp("shared") / "platform"
    shutil.copytree(ROOTS / "test-import", srcdir)
    (srcdir / "imported").mkdir()
    (srcdir / "imported" / "payments.json").write_text(payments_export, encoding="utf-8")
    (srcdir / "filtered.rst").write_text(":orphan:\n\n" + FILTERED_PAGE, encoding="utf-8")
    (srcdir / "badref.rst").write_text(BADREF_PAGE, encoding="utf-8")
    (srcdir / "substance.rst").write_text(SUBSTANCE_PAGE, encoding="utf-8")
    (srcdir / "factors.rst").write_text(FACTORS_PAGE, encoding="utf-8")
    (srcdir / "trends.rst").write_text(TRENDS_PAGE, encoding="utf-8")
    return build(srcdir, freshenv=False).app


def page(app: Any, name: str) -> str:
    suffix = ".html" if app.builder.name == "html" else "/index.html"
    return (Path(app.outdir) / f"{name}{suffix}").read_text(encoding="utf-8")


# -- default: local and imported ------------------------------------------------------


def test_incident_list_shows_local_and_imported_with_project(shared):
    app = shared
    assert typed_warnings(app, "import") == []
    rows = table(parse(page(app, "all")), "pm-incident-table")
    header = [text for text, _ in rows[0]]
    # The key columns come first; the project is named under each title, not in a column.
    assert header[:2] == ["Incident", "Date"] and "Project" not in header
    entries = {lines(row[0])[0]: row for row in rows[1:]}
    assert set(entries) == {"PAY-2024-003", "PAY-PRJ-LEDGER", "PLT-2024-001"}
    assert lines(entries["PAY-2024-003"][0]) == ["PAY-2024-003", CHECKOUT_TITLE, "payments"]
    assert lines(entries["PAY-PRJ-LEDGER"][0])[2] == "payments"
    assert lines(entries["PLT-2024-001"][0])[2] == "Platform"  # this project's name
    # imported rows link (id and title) to the page in the other project's published site
    assert entries["PAY-2024-003"][0][1] == [CHECKOUT, CHECKOUT]
    assert entries["PAY-PRJ-LEDGER"][0][1] == [REVIEW, REVIEW]
    assert entries["PLT-2024-001"][0][1] == ["local.html#incident-PLT-2024-001"] * 2
    # imported metrics and counts are shown like local ones
    duration = header.index("Duration")
    actions = header.index("Actions")
    assert entries["PAY-2024-003"][duration][0] == "50m"
    assert entries["PAY-2024-003"][actions][0] == "1/2"


def test_lesson_list_shows_imported_lessons_with_project(shared):
    app = shared
    parsed = parse(page(app, "all"))
    lesson_url = BASE + "incidents/checkout.html#lesson-Nobody-owned-the-certificate"
    assert (lesson_url, "Nobody owned the certificate") in parsed.links
    # the origin line names the project and the imported incident, linking into that site
    assert (lesson_url, f"payments · PAY-2024-003: {CHECKOUT_TITLE}") in parsed.links
    assert (
        "local.html#lesson-Capacity-tests-never-covered-DNS",
        "Capacity tests never covered DNS",
    ) in parsed.links
    html = main_content(page(app, "all"))
    assert "Ownership of shared certificates was unclear." in html  # imported body, plain text
    assert "Load tests bypassed the resolvers." in html


def test_action_item_list_shows_imported_items_with_project(shared):
    app = shared
    rows = table(parse(page(app, "all")), "pm-action-table")
    header = [text for text, _ in rows[0]]
    # The key columns come first; the project is named under each title, with the incident.
    assert header[:4] == ["ID", "Action", "Status", "Due"] and "Project" not in header
    entries = {lines(row[0])[0]: row for row in rows[1:]}
    assert set(entries) == {
        "PAY-2024-003-A1",
        "PAY-2024-003-A2",
        "PAY-PRJ-LEDGER-A1",
        "PLT-2024-001-A1",
    }
    checkout = entries["PAY-2024-003-A1"]
    assert lines(checkout[1])[1].startswith("payments \N{MIDDLE DOT} PAY-2024-003")
    assert lines(entries["PLT-2024-001-A1"][1])[1].startswith("Platform \N{MIDDLE DOT} ")
    assert checkout[0][1][0] == BASE + "incidents/checkout.html#action-PAY-2024-003-A1"
    assert checkout[1][1] == [CHECKOUT]  # the incident, under the title
    assert entries["PAY-PRJ-LEDGER-A1"][1][1] == [REVIEW]
    assert lines(checkout[0])[1] == "GW-77"  # the tracker key, under the id


# -- :projects: -----------------------------------------------------------------------------


def test_projects_local_shows_only_this_project(shared):
    app = shared
    parsed = parse(page(app, "local-only"))
    incidents, actions = table(parsed, "pm-incident-table"), table(parsed, "pm-action-table")
    assert {lines(row[0])[0] for row in incidents[1:]} == {"PLT-2024-001"}
    assert {lines(row[0])[0] for row in actions[1:]} == {"PLT-2024-001-A1"}
    assert [t for k, t in parsed.sequence if k == "lesson"] == [
        "Capacity tests never covered DNS What went wrong"
    ]
    assert not [href for href, _ in parsed.links if (href or "").startswith("https://docs.example")]


def test_projects_other_shows_only_that_project(shared):
    app = shared
    parsed = parse(page(app, "other-only"))
    incidents = table(parsed, "pm-incident-table")
    assert {lines(row[0])[0] for row in incidents[1:]} == {"PAY-2024-003", "PAY-PRJ-LEDGER"}
    actions = table(parsed, "pm-action-table")
    assert {lines(row[0])[0] for row in actions[1:]} == {
        "PAY-2024-003-A1",
        "PAY-2024-003-A2",
        "PAY-PRJ-LEDGER-A1",
    }
    lessons = [t for k, t in parsed.sequence if k == "lesson"]
    assert len(lessons) == 4 and not any("Capacity tests" in t for t in lessons)
    assert "PLT-2024-001" not in main_content(page(app, "other-only"))
    assert not [href for href, _ in parsed.links if (href or "").startswith("local.html")]


def test_projects_several_and_unknown(aggregate, payments_export):
    search = json.loads(payments_export)
    search["project"] = "Search"
    app = aggregate(
        files={"imported/search.json": json.dumps(search)},
        pages={
            "mixed": (
                "Mixed\n=====\n\n"
                ".. incident-list::\n   :projects: local, search\n   :columns: project, id\n\n"
                ".. incident-list::\n   :projects: nosuch\n   :columns: project, id\n"
            )
        },
        postmortem_projects={
            "payments": (BASE, "imported/payments.json"),
            "search": ("https://docs.example.com/search/", "imported/search.json"),
        },
    )
    assert typed_warnings(app, "import") == []
    parsed = parse(page(app, "mixed"))
    first = parsed.tables[0]["rows"]
    assert {(row[0][0], row[1][0]) for row in first[1:]} == {
        ("Platform", "PLT-2024-001"),
        ("search", "PAY-2024-003"),
        ("search", "PAY-PRJ-LEDGER"),
    }
    assert {href for row in first[1:] for href in row[1][1]} == {
        "local.html#incident-PLT-2024-001",
        "https://docs.example.com/search/incidents/checkout.html#incident-PAY-2024-003",
        "https://docs.example.com/search/incidents/review.html#incident-PAY-PRJ-LEDGER",
    }
    filters = [w for w in warning_lines(app.warning) if "[postmortem.filter]" in w]
    assert any(
        "nosuch" in w and "payments" in w and "search" in w and "local" in w for w in filters
    ), filters
    # the default (no :projects:) shows all three projects
    rows = table(parse(page(app, "all")), "pm-incident-table")[1:]
    assert {lines(row[0])[2] for row in rows} == {"Platform", "payments", "search"}


def test_filters_apply_to_imported_entries(shared):
    app = shared
    parsed = parse(page(app, "filtered"))
    incidents, actions = [t["rows"] for t in parsed.tables]
    assert [(row[0][0], row[1][0]) for row in incidents[1:]] == [("payments", "PAY-2024-003")]
    assert {lines(row[0])[0] for row in actions[1:]} == {"PAY-2024-003-A1", "PLT-2024-001-A1"}
    assert [t for k, t in parsed.sequence if k == "lesson"] == [
        "Dual writes caught drift early Where we got lucky"
    ]


# -- :group-by: project -------------------------------------------------------------------


def test_lesson_list_group_by_project(shared):
    app = shared
    parsed = parse(page(app, "by-project"))
    assert parsed.rubrics == ["payments", "Platform"]
    groups: dict[str, list[str]] = {}
    current = None
    for kind, text in parsed.sequence:
        if kind == "rubric":
            current = text
            groups[current] = []
        else:
            assert current is not None
            groups[current].append(text.split(" What ")[0].split(" Where ")[0])
    assert sorted(groups["payments"]) == sorted(
        [
            "Dual writes caught drift early",
            "Nobody owned the certificate",
            "Runbooks age quickly",
            "The manual replacement was quick",
        ]
    )
    assert groups["Platform"] == ["Capacity tests never covered DNS"]


# -- impact, detection, roles and factors of imported incidents ----------------------------


def test_incident_list_shows_imported_detection_commander_and_impact(shared):
    parsed = parse(page(shared, "substance"))
    rows = parsed.tables[0]["rows"]
    header = [text for text, _ in rows[0]]
    entries = {row[1][0]: [text for text, _ in row] for row in rows[1:]}
    assert set(entries) == {"PAY-2024-003", "PAY-PRJ-LEDGER", "PLT-2024-001"}
    checkout = dict(zip(header, entries["PAY-2024-003"], strict=True))
    assert checkout["Detected by"] == "alert"
    assert checkout["Incident commander"] == "Dana Kim"
    assert checkout["Time to notify"] == "20m"
    assert checkout["Customers affected"] == "6,214 customers"
    filtered = parsed.tables[1]["rows"]
    assert [(row[0][0], row[1][0]) for row in filtered[1:]] == [("payments", "PAY-2024-003")]


def test_factor_list_shows_imported_factors_with_project_and_incident(shared):
    parsed = parse(page(shared, "factors"))
    factor_url = BASE + "incidents/checkout.html#factor-The-certificate-expired-unnoticed"
    assert (factor_url, "The certificate expired unnoticed") in parsed.links
    assert (CHECKOUT, f"payments · PAY-2024-003: {CHECKOUT_TITLE}") in parsed.links
    # by project (the local incident has no factors), then the second list by category
    assert parsed.rubrics == ["payments", "monitoring-gap"]
    titles = [text for href, text in parsed.links if href and "#factor-" in href]
    assert sorted(set(titles)) == [
        "A spare certificate was at hand",
        "Nobody owned the shared certificate",
        "The certificate expired unnoticed",
        "The runbook named an old host",
    ]
    # the second list keeps only the trigger in the monitoring-gap category
    assert titles.count("The certificate expired unnoticed") == 2
    assert titles.count("The runbook named an old host") == 1


def test_stats_count_imported_detection_factors_and_impact(shared):
    cells = [
        text
        for table_ in parse(page(shared, "trends")).tables
        for row in table_["rows"]
        for text, _links in row
    ]
    assert "alert" in cells  # detection sources
    assert {"monitoring-gap", "process", "communication", "tooling"} <= set(cells)
    assert "6,214 customers" in cells  # the sum of an impact metric


# -- :incident:`project:ID` -----------------------------------------------------------------


def test_cross_project_role(shared):
    app = shared
    parsed = parse(page(app, "xref"))
    assert (CHECKOUT, CHECKOUT_TITLE) in parsed.links  # default text: the imported title
    assert (CHECKOUT, "the card outage") in parsed.links  # explicit title
    assert (
        BASE + "incidents/checkout.html#action-PAY-2024-003-A1",
        "Automate certificate rotation",
    ) in parsed.links
    assert ("local.html#incident-PLT-2024-001", "Internal DNS resolvers overloaded") in parsed.links
    refs = [w for w in warning_lines(app.warning) if "[postmortem.ref]" in w]
    assert any("NOPE-1" in w and "payments" in w and "badref" in w for w in refs), refs
    assert any("nosuch:PAY-2024-003" in w and "badref" in w for w in refs), refs
    assert not any("xref.rst" in w for w in refs), refs


def test_cross_project_role_without_imports_warns(aggregate):
    app = aggregate(postmortem_projects={})
    refs = [w for w in warning_lines(app.warning) if "[postmortem.ref]" in w]
    assert any("payments:PAY-2024-003" in w for w in refs), refs
    assert not [href for href, _ in parse(page(app, "xref")).links if (href or "").startswith(BASE)]


# -- URLs: dirhtml exports, relative base URLs, dirhtml aggregators --------------------------


def test_links_into_a_dirhtml_export(aggregate, payments_export_dirhtml):
    app = aggregate(export=payments_export_dirhtml)
    url = BASE + "incidents/checkout/#incident-PAY-2024-003"
    parsed = parse(page(app, "all"))
    assert (url, "PAY-2024-003") in parsed.links
    assert (url, CHECKOUT_TITLE) in parse(page(app, "xref")).links
    assert (BASE + "notes/#lesson-Runbooks-age-quickly", "Runbooks age quickly") in parsed.links


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_relative_base_url_links_resolve_from_every_page(aggregate, builder):
    """base URL "../payments/": the payments site is a sibling of this project's output root."""
    app = aggregate(
        builder,
        postmortem_projects={
            "payments": ("../payments/", "imported/payments.json"),
        },
    )
    assert typed_warnings(app, "import") == []
    wanted = "../payments/incidents/checkout.html"
    for name in ("all", "xref", "nested/deep"):
        uri = app.builder.get_target_uri(name)  # page location relative to the output root
        hrefs = [
            href
            for href, text in parse(page(app, name)).links
            if text in ("PAY-2024-003", CHECKOUT_TITLE) and href
        ]
        assert hrefs, name
        for href in hrefs:
            path, _, anchor = href.partition("#")
            assert anchor == "incident-PAY-2024-003"
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(uri), path))
            assert resolved == wanted, (name, href)
