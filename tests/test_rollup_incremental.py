"""Incremental builds: roll-ups follow edits, additions and deletions of post-mortems,
and unrelated pages are not rewritten.

Each test has its own copy of ``test-rollups`` and builds it several times with
new applications on the same source and output directories (``freshenv=False``),
as ``sphinx-build`` does when run again. The first build of a root, which every
such test starts from, is made once per module and put back before each test
(``support.snapshots``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from support.builds import build
from support.html import El, body_html, parse_html
from support.projects import copy_root, edit_source, touch
from support.rollups import (
    ROLLUP_PAGES,
    LessonEntry,
    column,
    column_cells,
    group_blocks,
    headers,
    lesson_entries,
    lesson_titles,
    rollup_in,
    rollups_in,
    section,
)
from support.snapshots import BuiltProject
from support.warnings import warning_lines

#: Pages that neither hold a roll-up nor are edited in these tests.
UNRELATED = ("plain", "inc-b", "inc-d", "inc-e", "archive/review", "archive/notes")
#: The ids in the default incident list of the root as it is, newest first.
DEFAULT_INCIDENTS = [
    "INC-2024-002",
    "INC-2024-003",
    "INC-2024-001",
    "PRJ-2024-01",
    "INC-2024-004",
    "INC-2023-010",
]


class Project:
    """A copy of the roll-up root, built again and again with ``make_app``."""

    def __init__(self, make_app, srcdir: Path, buildername: str = "html") -> None:
        self.make_app = make_app
        self.srcdir = srcdir
        self.buildername = buildername
        self.outdir: Path  # set by the first build
        self.app: Any = None
        self.read: list[str] = []
        self.warnings: list[str] = []

    def build(self) -> list[str]:
        """Build; return the documents written (resolved for output) by this build.

        The documents read by this build are left in ``self.read``.
        """
        warning = StringIO()
        app = self.make_app(self.buildername, srcdir=self.srcdir, freshenv=False, warning=warning)
        written: list[str] = []
        app.connect("doctree-resolved", lambda _app, _doctree, docname: written.append(docname))
        self.read = []
        app.connect("env-before-read-docs", lambda _app, _env, docnames: self.read.extend(docnames))
        try:
            app.build()
        finally:
            app.cleanup()
        self.app, self.outdir = app, Path(app.outdir)
        self.warnings = warning_lines(warning)
        return sorted(written)

    def edit(self, name: str, old: str, new: str) -> None:
        edit_source(self.srcdir / name, old, new)

    def write(self, name: str, text: str) -> None:
        path = self.srcdir / name
        path.write_text(text, encoding="utf-8")
        touch(path)

    def dom(self, page: str):
        return parse_html((self.outdir / page).read_text(encoding="utf-8"))

    def page(self, docname: str) -> str:
        """The body of ``docname``'s HTML page, or its whole text output."""
        suffix = ".html" if self.buildername == "html" else ".txt"
        text = (self.outdir / f"{docname}{suffix}").read_text(encoding="utf-8")
        return body_html(text) if suffix == ".html" else text

    def filter_warnings(self) -> list[str]:
        """The ``postmortem.filter`` warnings of the last build, as ``file:line: message``."""
        prefix = f"{self.srcdir}{os.sep}"
        return sorted(w.replace(prefix, "") for w in self.warnings if "postmortem.filter" in w)

    def mtimes(self) -> dict[str, int]:
        """Output file -> modification time (ns), for the page of every document.

        Pages the builder generates on every build (general index, search,
        domain index) are not documents and are left out.
        """
        return {
            f"{docname}.html": (self.outdir / f"{docname}.html").stat().st_mtime_ns
            for docname in self.app.env.found_docs
        }

    @property
    def domain(self):
        return self.app.env.get_domain("postmortem")


def built_once(make_app, tmp_path_factory, root: str) -> BuiltProject[tuple[Project, list[str]]]:
    """``tests/roots/test-<root>`` built once: the project and the documents written."""

    def first_build(srcdir: Path) -> tuple[Project, list[str]]:
        proj = Project(make_app, srcdir)
        return proj, proj.build()

    return BuiltProject(
        tmp_path_factory.mktemp(root.replace("-", "_")), lambda d: copy_root(root, d), first_build
    )


def restored(make_app, built: BuiltProject[tuple[Project, list[str]]]) -> tuple[Project, list[str]]:
    """A test's own copy of a built root, as its first build left it, and what that build wrote."""
    first, written = built.first
    proj = Project(make_app, built.restore())
    proj.app, proj.outdir, proj.read = first.app, first.outdir, list(first.read)
    proj.warnings = list(first.warnings)
    return proj, written


@pytest.fixture(scope="module")
def built_rollups(module_apps, tmp_path_factory):
    return built_once(module_apps, tmp_path_factory, "rollups")


@pytest.fixture
def project(make_app, built_rollups):
    proj, first = restored(make_app, built_rollups)
    assert proj.warnings == []
    assert set(ROLLUP_PAGES) | set(UNRELATED) <= set(first)
    return proj


def html_of(docname: str) -> str:
    return f"{docname}.html"


def assert_not_rewritten(
    project: Project, before: dict[str, int], written: list[str], docnames=UNRELATED
) -> None:
    after = project.mtimes()
    for docname in docnames:
        assert docname not in written, f"{docname} was written again"
        assert after[html_of(docname)] == before[html_of(docname)], f"{docname}.html changed"


@contextmanager
def rebuilt(project: Project, unrelated: Sequence[str] = UNRELATED) -> Iterator[list[str]]:
    """Around changes to the sources: build again after them; the ``unrelated`` pages
    are neither written nor changed by that build.

    Yields the list of the documents the build writes, filled when the block ends.
    """
    before = project.mtimes()
    written: list[str] = []
    yield written
    written += project.build()
    assert_not_rewritten(project, before, written, unrelated)


def ids(rollup: El) -> list[str]:
    """The ids of a roll-up table's rows: the first line of its ``Incident`` or ``ID`` cells."""
    header = "Incident" if "Incident" in headers(rollup) else "ID"
    return [cell.find("p").text() for cell in column_cells(rollup, header)]


def column_by_id(rollup: El, header: str) -> dict[str, str]:
    """Row id -> the text of column ``header``, for a roll-up table."""
    return dict(zip(ids(rollup), column(rollup, header), strict=True))


def ungrouped_lesson(project: Project, title: str) -> LessonEntry:
    """The entry of the lesson ``title`` in the ungrouped lesson list."""
    rollup = rollup_in(section(project.dom("lessons.html"), "ungrouped"))
    entries = {entry.title: entry for entry in lesson_entries(rollup)}
    return entries[title]


def test_rebuild_without_changes_rewrites_nothing(project):
    before = project.mtimes()
    written = project.build()
    assert written == []
    assert project.mtimes() == before


def test_edit_lesson_title_and_timeline_updates_every_rollup_page(project):
    with rebuilt(project) as written:
        project.edit(
            "inc-a.rst", ".. lesson:: Rollback was fast", ".. lesson:: Rollback was very fast"
        )
        project.edit("inc-a.rst", "15:10 [resolve]", "15:40 [resolve]")
    assert set(ROLLUP_PAGES) | {"inc-a"} <= set(written)

    lessons = project.dom("lessons.html")
    titles = lesson_titles(rollup_in(section(lessons, "ungrouped")))
    assert "Rollback was very fast" in titles and "Rollback was fast" not in titles
    report = lesson_titles(rollup_in(section(project.dom("reports/all.html"), "lessons")))
    assert "Rollback was very fast" in report
    incidents = rollup_in(section(project.dom("incidents.html"), "default"))
    assert column_by_id(incidents, "Duration")["INC-2024-001"] == "1h38m"


def test_edit_action_status_updates_action_lists_and_counts(project):
    tracker = "   :tracker: https://tracker.example.com/issue/77"
    with rebuilt(project) as written:
        project.edit("inc-c.rst", tracker, f"{tracker}\n   :status: done")
    assert set(ROLLUP_PAGES) | {"inc-c"} <= set(written)

    actions = project.dom("actions.html")
    assert "INC-2024-003-A1" not in ids(rollup_in(section(actions, "default")))
    assert ids(rollup_in(section(actions, "overdue"))) == ["INC-2024-001-A1"]
    everything = rollup_in(section(actions, "status-all"))
    assert column_by_id(everything, "Status")["INC-2024-003-A1"] == "done"
    report = rollup_in(section(project.dom("reports/all.html"), "actions"))
    assert ids(report) == ["INC-2024-001-A1"]
    incidents = rollup_in(section(project.dom("incidents.html"), "default"))
    assert column_by_id(incidents, "Actions")["INC-2024-003"] == "2/3"


def test_edit_incident_metadata_moves_it_in_the_incident_lists(project):
    with rebuilt(project) as written:
        project.edit("inc-c.rst", ":severity: SEV1", ":severity: SEV4")
    assert set(ROLLUP_PAGES) <= set(written)
    incidents = project.dom("incidents.html")
    assert ids(rollup_in(section(incidents, "filter-severity"))) == [
        "INC-2024-001",
        "INC-2023-010",
    ]
    severities = column_by_id(rollup_in(section(incidents, "default")), "Severity")
    assert severities["INC-2024-003"] == "SEV4"


def test_edit_lesson_body_markup_updates_the_copied_body(project):
    # Only a link target changes: the lesson's text stays the same.
    with rebuilt(project):
        project.edit(
            "inc-a.rst",
            "<https://runbook.example.com/canary>",
            "<https://runbook.example.com/canary-v2>",
        )
    entry = ungrouped_lesson(project, "Config changes skipped the canary stage")
    hrefs = [a.attrs["href"] for a in entry.body.links()]
    assert "https://runbook.example.com/canary-v2" in hrefs
    assert "https://runbook.example.com/canary" not in hrefs


NEW_POSTMORTEM = """\
Queue backlog
=============

.. incident:: Queue backlog delayed emails
   :id: INC-2024-009
   :date: 2024-05-30
   :severity: SEV2
   :status: published
   :type: outage
   :services: mailer
   :tags: deploy

   Emails were delayed for two hours.

.. timeline::

   2024-05-30 08:00 [start] Backlog grows.
   10:00 [resolve] Backlog drained.

.. action-item:: Autoscale the mail workers
   :owner: team-mail
   :type: prevent
   :priority: P0
   :due: 2024-05-31

.. lesson:: Queue depth was not monitored
   :kind: went-wrong
   :tags: monitoring

   Newpage-body-marker: nobody watched the queue.
"""


def test_adding_a_post_mortem_shows_it_in_every_rollup(project):
    with rebuilt(project) as written:
        project.write("inc-f.rst", NEW_POSTMORTEM)
    assert set(ROLLUP_PAGES) | {"inc-f"} <= set(written)

    incidents = project.dom("incidents.html")
    assert ids(rollup_in(section(incidents, "default"))) == [
        "INC-2024-009",  # the newest
        *DEFAULT_INCIDENTS,
    ]
    assert ids(rollup_in(section(incidents, "filter-tags"))) == [
        "INC-2024-009",
        "INC-2024-003",
        "INC-2024-001",
    ]
    lessons = rollup_in(section(project.dom("lessons.html"), "ungrouped"))
    entries = lesson_entries(lessons)
    assert entries[0].title == "Queue depth was not monitored"
    assert entries[0].source == "from INC-2024-009: Queue backlog delayed emails"
    assert "Newpage-body-marker" in entries[0].body.text()
    actions = project.dom("actions.html")
    assert ids(rollup_in(section(actions, "overdue"))) == [
        "INC-2024-001-A1",
        "INC-2024-003-A1",
        "INC-2024-009-A1",
    ]
    index = (project.outdir / "postmortem-incidents.html").read_text(encoding="utf-8")
    assert "INC-2024-009: Queue backlog delayed emails" in index


def test_deleting_a_post_mortem_removes_it_everywhere(project):
    # inc-a's lesson body links to INC-2024-003, so a warning about that link is fine;
    # pages unrelated to the deleted one are still not rewritten.
    with rebuilt(project) as written:
        (project.srcdir / "inc-c.rst").unlink()
    assert set(ROLLUP_PAGES) <= set(written)

    domain = project.domain
    assert domain.incident("inc-c") is None
    assert not [o for o in domain.get_objects() if o[0].startswith("INC-2024-003")]

    incidents = project.dom("incidents.html")
    assert ids(rollup_in(section(incidents, "default"))) == [
        i for i in DEFAULT_INCIDENTS if i != "INC-2024-003"
    ]
    lessons_html = (project.outdir / "lessons.html").read_text(encoding="utf-8")
    for gone in (
        "Idempotency keys were not enforced",
        "Fraud team noticed",
        "Payment double charges",
        "Idempotency-body-marker",
    ):
        assert gone not in lessons_html
    actions_html = (project.outdir / "actions.html").read_text(encoding="utf-8")
    assert "INC-2024-003" not in actions_html
    report = project.dom("reports/all.html")
    assert ids(rollup_in(section(report, "incidents"))) == ["INC-2024-001"]
    assert ids(rollup_in(section(report, "actions"))) == ["INC-2024-001-A1"]
    index = (project.outdir / "postmortem-incidents.html").read_text(encoding="utf-8")
    assert "INC-2024-003" not in index


def test_second_edit_after_an_edit_is_picked_up_too(project):
    # The freshness state is saved with the environment: a later edit still counts.
    project.edit(
        "inc-b.rst",
        ".. lesson:: Dashboards showed the spike",
        ".. lesson:: Dashboards showed the latency spike",
    )
    project.build()
    unrelated = ("plain", "inc-d", "inc-e", "archive/review", "archive/notes", "inc-a")
    with rebuilt(project, unrelated) as written:
        project.edit("inc-b.rst", ":status: in-progress", ":status: done")
    assert set(ROLLUP_PAGES) <= set(written)
    actions = project.dom("actions.html")
    assert "INC-2024-002-A1" not in ids(rollup_in(section(actions, "default")))
    titles = lesson_titles(rollup_in(section(project.dom("lessons.html"), "ungrouped")))
    assert "Dashboards showed the latency spike" in titles
    assert project.build() == []


RETRO = """\
:orphan:

{title}
=====================

.. |service| replace:: {service}

.. lesson:: Pairing on the runbook helped
   :kind: went-well
   :tags: process

   Retro-body-marker: pairing kept |service| running.
"""


def rewritten_lesson_entry(project: Project, retro: str) -> LessonEntry:
    """Write retro.rst, rebuild, check nothing unrelated was written; the roll-up's entry."""
    with rebuilt(project):
        project.write("retro.rst", retro)
    return ungrouped_lesson(project, "Pairing on the runbook helped")


def test_lesson_without_incident_follows_its_page_title(project):
    project.write("retro.rst", RETRO.format(title="Quarterly retro", service="checkout"))
    project.build()
    entry = rewritten_lesson_entry(
        project, RETRO.format(title="Quarterly review", service="checkout")
    )
    assert "Quarterly review" in entry.source  # "from <page title>": no incident on the page


def test_lesson_body_follows_a_changed_substitution(project):
    project.write("retro.rst", RETRO.format(title="Quarterly retro", service="checkout"))
    project.build()
    entry = rewritten_lesson_entry(
        project, RETRO.format(title="Quarterly retro", service="billing")
    )
    assert "pairing kept billing running" in entry.body.text()


# -- projects named by ``:projects:`` filters come and go --------------------------------
#
# ``test-rollup-projects`` has one local post-mortem (LOC-1) and roll-up pages whose
# filters name ``payments`` (payments-too), ``billing`` (billing-too), only ``local``
# (local-only), or no project (everything). Each configured project imports the
# export of ``test-related-export`` (PAY-1 with an action item and a lesson, and R-1).

FILTER_PAGES = ("payments-too", "billing-too", "local-only", "everything")
BASE_URLS = {
    "payments": "https://docs.example.com/payments/",
    "billing": "https://docs.example.com/billing/",
}


@pytest.fixture(scope="module")
def export_text(tmp_path_factory) -> str:
    built = build(copy_root("related-export", tmp_path_factory.mktemp("export") / "src"))
    return (built.outdir / "postmortems.json").read_text(encoding="utf-8")


class FilteredProject(Project):
    """A copy of test-rollup-projects whose ``postmortem_projects`` the tests change."""

    def __init__(self, make_app, srcdir: Path, export: str, buildername: str) -> None:
        super().__init__(make_app, copy_root("rollup-projects", srcdir), buildername)
        (srcdir / "imported").mkdir()
        (srcdir / "imported" / "export.json").write_text(export, encoding="utf-8")
        self.base_conf = (srcdir / "conf.py").read_text(encoding="utf-8")

    def configure(self, *names: str) -> None:
        """Set ``postmortem_projects`` to ``names``, each importing the export."""
        mapping = {name: (BASE_URLS[name], "imported/export.json") for name in names}
        self.write("conf.py", self.base_conf + f"postmortem_projects = {mapping!r}\n")


def assert_same_as_clean_build(make_app, project: FilteredProject, tmp_path: Path) -> None:
    """Roll-up pages and filter warnings equal those of a clean build of the same sources."""
    reference = Project(make_app, tmp_path / "clean", project.buildername)
    shutil.copytree(project.srcdir, reference.srcdir, ignore=shutil.ignore_patterns("_build"))
    reference.build()
    assert project.filter_warnings() == reference.filter_warnings()
    for docname in FILTER_PAGES:
        want = reference.page(docname)
        assert project.page(docname) == want, f"{docname} differs from a clean build"


def unknown_project(page: str, line: int, directive: str, name: str, allowed: str) -> str:
    return (
        f"{page}:{line}: WARNING: {directive}: unknown project {name!r}; "
        f"allowed values: {allowed} [postmortem.filter]"
    )


@pytest.mark.parametrize("buildername", ["html", "text"])
def test_configured_project_shows_in_rollups_read_before(
    make_app, tmp_path, export_text, buildername
):
    project = FilteredProject(make_app, tmp_path / "src", export_text, buildername)
    project.build()
    assert project.filter_warnings() == sorted(
        [
            unknown_project("billing-too.rst", 4, "incident-list", "billing", "local"),
            unknown_project("payments-too.rst", 4, "incident-list", "payments", "local"),
            unknown_project("payments-too.rst", 7, "lesson-list", "payments", "local"),
            unknown_project("payments-too.rst", 11, "action-item-list", "payments", "local"),
        ]
    )
    project.configure("payments")
    written = project.build()
    # the filters naming payments show it now, and do not warn about it any more
    if buildername == "html":
        assert incident_ids(project, "payments-too") == ["PAY-1", "LOC-1", "R-1"]
        assert incident_ids(project, "local-only") == ["LOC-1"]
    assert project.filter_warnings() == [
        unknown_project("billing-too.rst", 4, "incident-list", "billing", "local, payments"),
    ]
    assert_same_as_clean_build(make_app, project, tmp_path)
    assert {"payments-too", "billing-too"} <= set(project.read)
    assert {"payments-too", "billing-too", "everything"} <= set(written)
    assert project.build() == [] and project.read == []  # nothing changed since


@pytest.mark.parametrize("buildername", ["html", "text"])
def test_removed_project_leaves_only_the_rollups_naming_it(
    make_app, tmp_path, export_text, buildername
):
    project = FilteredProject(make_app, tmp_path / "src", export_text, buildername)
    project.configure("payments", "billing")
    project.build()
    assert project.filter_warnings() == []
    project.configure("payments")
    written = project.build()
    if buildername == "html":
        assert incident_ids(project, "billing-too") == ["LOC-1"]
        assert incident_ids(project, "payments-too") == ["PAY-1", "LOC-1", "R-1"]
    assert project.filter_warnings() == [
        unknown_project("billing-too.rst", 4, "incident-list", "billing", "local, payments"),
    ]
    assert_same_as_clean_build(make_app, project, tmp_path)
    # only the page naming billing was read again; the others' filters read the same
    assert project.read == ["billing-too"]
    assert {"billing-too", "everything"} <= set(written)


def incident_ids(project: Project, docname: str) -> list[str]:
    """The IDs of the incident list (the first roll-up) of ``docname``."""
    return ids(rollups_in(project.dom(f"{docname}.html"))[0])


# -- contributing factors and impact (root test-factor-list) -----------------------------------


@pytest.fixture(scope="module")
def built_factors(module_apps, tmp_path_factory):
    return built_once(module_apps, tmp_path_factory, "factor-list")


@pytest.fixture
def factor_project(make_app, built_factors):
    proj, _written = restored(make_app, built_factors)
    assert len(proj.warnings) == 2  # an unknown category filter, a factor without incident
    return proj


#: Pages of test-factor-list that show nothing of ``inc-gateway``.
FACTOR_UNRELATED = ("inc-cdn", "inc-db", "notes")


def test_edit_one_factor_category_updates_the_factor_lists(factor_project):
    nothing = rollup_in(
        section(factor_project.dom("factors.html"), "nothing")
    )  # :category: tooling
    assert nothing.text() == "No contributing factors match."
    with rebuilt(factor_project, FACTOR_UNRELATED) as written:
        factor_project.edit(
            "inc-gateway.rst", ":category: capacity", ":category: capacity, tooling"
        )
    assert {"factors", "inc-gateway"} <= set(written)
    nothing = rollup_in(section(factor_project.dom("factors.html"), "nothing"))
    entry_links = [a.text() for a in nothing.links() if "headerlink" not in a.classes]
    assert entry_links[:1] == ["Traffic doubled within an hour"]
    by_category = rollup_in(section(factor_project.dom("factors.html"), "by-category"))
    assert "tooling" in [heading for heading, _ in group_blocks(by_category, "pm-factor-entry")]


def test_edit_one_impact_figure_updates_the_incident_lists(factor_project):
    with rebuilt(factor_project, FACTOR_UNRELATED) as written:
        factor_project.edit("inc-gateway.rst", ":customers: 900", ":customers: 90,000")
    assert {"incidents", "inc-gateway"} <= set(written)
    rollup = rollup_in(section(factor_project.dom("incidents.html"), "by-customers"))
    assert ids(rollup)[0] == "INC-2020-003"  # sorted by customers, most first
    assert column_by_id(rollup, "Customers affected")["INC-2020-003"] == "90,000 customers"
