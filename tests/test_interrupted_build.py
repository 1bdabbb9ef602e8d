"""A build interrupted halfway, then run again, gives correct output.

"Correct" means: the same pages as a clean build of the same sources -- in
particular no roll-up page left showing data from before the interruption.

The interruption is an exception raised from a late event handler of the
interrupted build only (``doctree-resolved`` of the first page written or of a
roll-up page in the middle of the writing phase, or ``build-finished``). Two
kinds are simulated:

- ``exception``: an ordinary error; Sphinx catches it and deletes the saved
  environment so the next build starts afresh;
- ``kill``: ``KeyboardInterrupt``, what Ctrl-C (SIGINT) raises in
  ``sphinx-build``; Sphinx does not catch it, so the environment pickled after
  reading stays on disk while some pages were never written -- the
  half-written state a killed CI job leaves behind.

Each scenario starts from its own copy of ``test-rollups`` and builds it with new
applications on the same source and output directories (``freshenv=False``), as
running ``sphinx-build`` again does. The first build of the root, which scenarios
that edit it start from, is made once per module and put back before each test
(``support.snapshots``); the clean build compared with is made once per set of
sources a scenario ends with.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from support.html import body_html, parse_html
from support.projects import copy_root, edit_source
from support.rollups import ROLLUP_PAGES, column, incident_ids, lesson_titles, rollup_in, section
from support.snapshots import BuiltProject, sources_digest


class Interrupted(Exception):
    """The ordinary error of the ``exception`` kind."""


KINDS = {"exception": Interrupted, "kill": KeyboardInterrupt}
#: point -> (event, document whose doctree-resolved raises; None: the first one)
POINTS = {
    "first-page": ("doctree-resolved", None),
    "mid-rollups": ("doctree-resolved", "lessons"),
    "build-finished": ("build-finished", None),
}
#: Pages compared with a clean build: every roll-up page, the edited post-mortems, the index.
COMPARED = (*ROLLUP_PAGES, "inc-a", "inc-b", "inc-c", "postmortem-incidents")


class Project:
    """A copy of the roll-up root, built again and again like ``sphinx-build`` would."""

    def __init__(self, make_app, srcdir: Path) -> None:
        self.make_app = make_app
        self.srcdir = srcdir
        self.outdir: Path | None = None

    def build(
        self,
        interrupt: tuple[str, str | None, type[BaseException]] | None = None,
        must_stop: bool = True,
    ) -> list[str]:
        """Build; return the documents written.

        With ``interrupt``, the build stops there; it must get there unless ``must_stop``
        is false (a build with nothing to write never reaches ``doctree-resolved``).
        """
        app = self.make_app("html", srcdir=self.srcdir, freshenv=False, warning=StringIO())
        written: list[str] = []
        app.connect("doctree-resolved", lambda _app, _doctree, docname: written.append(docname))
        if interrupt is not None:
            event, docname, kind = interrupt

            def stop(_app, *args) -> None:
                if event == "doctree-resolved" and docname is not None and args[1] != docname:
                    return
                raise kind(f"simulated interruption at {event} {docname or ''}")

            app.connect(event, stop)
        try:
            if interrupt is None:
                app.build()
            else:
                try:
                    app.build()
                except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt included
                    # an Exception comes wrapped in Sphinx's ExtensionError, which names it
                    assert "simulated interruption" in str(exc), repr(exc)
                else:
                    assert not must_stop, "the build was not interrupted"
        finally:
            app.cleanup()
        self.outdir = Path(app.outdir)
        return sorted(written)

    def edit(self, name: str, old: str, new: str) -> None:
        edit_source(self.srcdir / name, old, new)

    def page(self, docname: str) -> str:
        assert self.outdir is not None
        return (self.outdir / f"{docname}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built_rollups(module_apps, tmp_path_factory) -> BuiltProject[Project]:
    """``test-rollups`` built once, at the path every test's project is put back at."""

    def first_build(srcdir: Path) -> Project:
        proj = Project(module_apps, srcdir)
        proj.build()
        return proj

    return BuiltProject(
        tmp_path_factory.mktemp("interrupted"), lambda d: copy_root("rollups", d), first_build
    )


@pytest.fixture
def project(make_app, built_rollups) -> Project:
    """A copy of ``test-rollups`` of this test's own, built once (as after ``sphinx-build``)."""
    proj = Project(make_app, built_rollups.restore())
    proj.outdir = built_rollups.first.outdir
    return proj


@pytest.fixture(scope="module")
def clean_build(module_apps, tmp_path_factory) -> Callable[[Project], Project]:
    """A fresh build of a copy of a project's current sources (the reference).

    Clean builds are kept by their sources: a scenario that ends with the same
    sources as an earlier one is compared with the same clean build.
    """
    builds: dict[str, Project] = {}

    def clean(project: Project) -> Project:
        key = sources_digest(project.srcdir)
        if key not in builds:
            reference = Project(module_apps, tmp_path_factory.mktemp("reference") / "src")
            shutil.copytree(
                project.srcdir, reference.srcdir, ignore=shutil.ignore_patterns("_build")
            )
            reference.build()
            builds[key] = reference
        return builds[key]

    return clean


def assert_same_output(project: Project, reference: Project) -> None:
    for docname in COMPARED:
        got, want = body_html(project.page(docname)), body_html(reference.page(docname))
        assert got == want, f"{docname}.html differs from a clean build of the same sources"
    assert project.outdir is not None and reference.outdir is not None
    export = json.loads((project.outdir / "postmortems.json").read_text(encoding="utf-8"))
    expected = json.loads((reference.outdir / "postmortems.json").read_text(encoding="utf-8"))
    assert export == expected, "postmortems.json differs from a clean build"


def edit_before_interruption(project: Project) -> None:
    project.edit("inc-a.rst", ".. lesson:: Rollback was fast", ".. lesson:: Rollback was very fast")
    project.edit("inc-a.rst", "15:10 [resolve]", "15:40 [resolve]")
    project.edit("inc-c.rst", ":severity: SEV1", ":severity: SEV4")


def assert_edits_shown(project: Project) -> None:
    lessons = lesson_titles(rollup_in(section(parse_html(project.page("lessons")), "ungrouped")))
    assert "Rollback was very fast" in lessons and "Rollback was fast" not in lessons
    report = lesson_titles(rollup_in(section(parse_html(project.page("reports/all")), "lessons")))
    assert "Rollback was very fast" in report
    incidents = rollup_in(section(parse_html(project.page("incidents")), "default"))
    ids = incident_ids(incidents)
    durations = dict(zip(ids, column(incidents, "Duration"), strict=True))
    severities = dict(zip(ids, column(incidents, "Severity"), strict=True))
    assert durations["INC-2024-001"] == "1h38m"
    assert severities["INC-2024-003"] == "SEV4"


@pytest.mark.parametrize("point", sorted(POINTS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_rerun_after_interruption_shows_the_edits_made_before_it(project, clean_build, kind, point):
    edit_before_interruption(project)
    event, docname = POINTS[point]
    project.build(interrupt=(event, docname, KINDS[kind]))

    project.build()

    assert_edits_shown(project)
    assert_same_output(project, clean_build(project))
    assert project.build() == [], "a further build without changes still rewrote pages"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_rerun_after_interruption_shows_edits_from_before_and_after_it(project, clean_build, kind):
    edit_before_interruption(project)
    project.build(interrupt=("doctree-resolved", "lessons", KINDS[kind]))
    project.edit(
        "inc-b.rst",
        ".. lesson:: Dashboards showed the spike",
        ".. lesson:: Dashboards showed the latency spike",
    )

    project.build()

    assert_edits_shown(project)
    lessons = lesson_titles(rollup_in(section(parse_html(project.page("lessons")), "ungrouped")))
    assert "Dashboards showed the latency spike" in lessons
    assert_same_output(project, clean_build(project))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_interrupted_first_build_then_rerun(make_app, tmp_path, clean_build, kind):
    project = Project(make_app, copy_root("rollups", tmp_path / "src"))
    project.build(interrupt=("doctree-resolved", "lessons", KINDS[kind]))

    project.build()

    assert_same_output(project, clean_build(project))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_two_interruptions_in_a_row(project, clean_build, kind):
    edit_before_interruption(project)
    project.build(interrupt=("doctree-resolved", "incidents", KINDS[kind]))
    project.build(interrupt=("doctree-resolved", "lessons", KINDS[kind]), must_stop=False)

    project.build()

    assert_edits_shown(project)
    assert_same_output(project, clean_build(project))
