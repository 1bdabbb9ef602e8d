"""Parallel and repeated builds give the same roll-ups.

Root ``test-rollup-parallel``: 14 post-mortems (document order opposite to id
order, pairs of incidents on the same date, repeated lesson and factor titles,
factor categories shared by several pages) and four roll-up pages. Built
serially, with ``parallel=2`` and, in a subprocess with another
``PYTHONHASHSEED``, serially again: the roll-up pages must be identical.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.builds import build
from support.html import El, body_html, parse_html
from support.projects import copy_root
from support.rollups import column, column_cells, group_blocks, headers, rollup_in, section

PAGES = (
    "incidents.html",
    "lessons.html",
    "actions.html",
    "factors.html",
    "postmortem-incidents.html",
)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    return build(copy_root("rollup-parallel", tmp_path_factory.mktemp("serial") / "src"))


def row_ids(rollup: El) -> list[str]:
    """The ids of a roll-up table's rows: the first line of its ``Incident`` or ``ID`` cells."""
    header = "Incident" if "Incident" in headers(rollup) else "ID"
    return [cell.find("p").text() for cell in column_cells(rollup, header)]


def _note_reader_pids(pid_file: Path):
    """A ``before_build`` hook: every process that reads a document appends its pid."""

    def note(_app, docname, _source):
        with pid_file.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {docname}\n")

    return lambda app: app.connect("source-read", note)


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    base = tmp_path_factory.mktemp("parallel")
    result = build(
        copy_root("rollup-parallel", base / "src"),
        parallel=2,
        before_build=_note_reader_pids(base / "pids.txt"),
    )
    result.reader_pids = [
        line.split()[0] for line in (base / "pids.txt").read_text(encoding="utf-8").splitlines()
    ]
    return result


@pytest.fixture(scope="module")
def other_process(tmp_path_factory, serial):
    """A clean build in a new interpreter with a fixed, different hash seed."""
    src = copy_root("rollup-parallel", tmp_path_factory.mktemp("subprocess") / "src")
    out = src / "_build" / "html"
    env = dict(os.environ, PYTHONHASHSEED="4242")
    result = subprocess.run(
        # the same theme as the sphinx.testing app ("basic" on recent Sphinx), to compare pages
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-E",
            "-b",
            "html",
            "-D",
            f"html_theme={serial.app.config.html_theme}",
            str(src),
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=str(src),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


def test_serial_build_is_clean_and_complete(serial):
    assert serial.warnings == []
    newest = rollup_in(section(serial.dom("incidents.html"), "newest"))
    ids = row_ids(newest)
    assert len(ids) == 14
    dates = column(newest, "Date")
    pairs = list(zip(dates, ids, strict=True))
    for (date1, id1), (date2, id2) in zip(pairs, pairs[1:], strict=False):
        assert date1 > date2 or (date1 == date2 and id1 < id2), pairs


def test_parallel_build_really_ran_in_parallel(parallel):
    assert parallel.warnings == []
    assert parallel.app.parallel == 2
    # documents were read in worker processes, not in this one
    assert len(parallel.reader_pids) == 19
    assert str(os.getpid()) not in parallel.reader_pids
    assert len(set(parallel.reader_pids)) >= 2


@pytest.mark.parametrize("page", PAGES)
def test_parallel_build_gives_the_same_rollups(serial, parallel, page):
    assert body_html(parallel.html(page)) == body_html(serial.html(page))


def test_parallel_build_gives_the_same_records(serial, parallel):
    for name in ("all_incidents", "all_actions", "all_lessons", "all_factors"):
        assert getattr(parallel.domain, name)() == getattr(serial.domain, name)()


@pytest.mark.parametrize("page", PAGES)
def test_clean_builds_in_other_processes_give_identical_rollups(serial, other_process, page):
    # the page body: the head links theme assets, whose defaults differ between the
    # sphinx.testing app and the command line on some Sphinx versions
    other = (other_process / page).read_text(encoding="utf-8")
    assert body_html(other) == body_html(serial.html(page))


def test_rollup_pages_are_not_trivial(serial):
    lessons = parse_html(serial.html("lessons.html"))
    assert len(lessons.find_all("div", cls="pm-lesson-entry")) > 28
    actions = rollup_in(section(serial.dom("actions.html"), "all"))
    assert len(row_ids(actions)) >= 35
    factors = rollup_in(section(serial.dom("factors.html"), "by-kind"))
    assert len(factors.find_all("div", cls="pm-factor-entry")) == 28


def test_lessons_in_each_group_follow_their_incidents(serial):
    # Several incidents share a date and several lessons share a title: inside a
    # group, entries follow their incident (newest first, ties by id), not chance.
    dates = {i["id"]: i["date"] for i in serial.domain.all_incidents()}
    rollup = rollup_in(section(serial.dom("lessons.html"), "by-kind"))
    groups = [
        [
            entry.find("p", cls="pm-lesson-source").text().removeprefix("from ").split(":")[0]
            for entry in entries
        ]
        for _heading, entries in group_blocks(rollup, "pm-lesson-entry")
    ]
    assert len(groups) == 3 and sum(map(len, groups)) == 28
    for incident_ids in groups:
        keys = [(-int(dates[i].replace("-", "")), i) for i in incident_ids]
        assert keys == sorted(keys), incident_ids
    by_incident = rollup_in(section(serial.dom("lessons.html"), "by-incident"))
    headings = [heading for heading, _entries in group_blocks(by_incident, "pm-lesson-entry")]
    assert len(headings) == 14 and headings == sorted(headings)


def test_parallel_incremental_rebuild_matches_serial(tmp_path, serial):
    # After a parallel clean build, a parallel incremental rebuild after an edit
    # gives what a serial clean build of the edited sources gives.
    src = copy_root("rollup-parallel", tmp_path / "par")
    build(src, parallel=2)
    page = src / "pm" / "p06.rst"
    text = page.read_text(encoding="utf-8")
    assert ":status: open" in text
    page.write_text(text.replace(":status: open", ":status: done"), encoding="utf-8")
    incremental = build(src, parallel=2, freshenv=False)
    clean_src = copy_root("rollup-parallel", tmp_path / "clean")
    (clean_src / "pm" / "p06.rst").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    clean = build(clean_src)
    for name in ("incidents.html", "lessons.html", "actions.html"):
        assert body_html(incremental.html(name)) == body_html(clean.html(name))
    assert body_html(incremental.html("actions.html")) != body_html(serial.html("actions.html"))
