"""Parallel builds (``-j 2``) give the same data, warnings and HTML as serial builds.

Test root: tests/roots/test-core-parallel/ (13 post-mortems, an orphan page, duplicate
incident and action-item ids across pages, cross-references between pages).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from support import ROOTS
from support.builds import build_root, domain_of
from support.warnings import parse_warnings

PAGES = [f"pm{n:02d}" for n in range(1, 14)]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same sources built serially and with ``parallel=2``, in separate directories."""
    serial = build_root(tmp_path_factory, "core-parallel", parallel=0)
    parallel = build_root(tmp_path_factory, "core-parallel", parallel=2)
    return serial, parallel


def status(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())


def test_root_is_big_enough():
    assert len(list((ROOTS / "test-core-parallel").glob("*.rst"))) >= 12


def test_parallel_build_really_ran_in_parallel(builds):
    serial, parallel = builds
    assert parallel.parallel == 2
    assert parallel.is_parallel_allowed("read")
    assert parallel.is_parallel_allowed("write")
    # progress is reported per chunk of documents ("reading sources... [ 33%] index .. pm05")
    chunked_read = re.compile(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+")
    chunked_write = re.compile(r"writing output\.\.\. \[\s*\d+%\] \S+ \.\. \S+")
    assert chunked_read.search(status(parallel))
    assert chunked_write.search(status(parallel))
    assert not chunked_read.search(status(serial))


def test_same_domain_data(builds):
    serial, parallel = builds

    def records(app):
        data = copy.deepcopy(domain_of(app).data)
        data.pop("imports_cache_id")  # a random id of each environment (exchange/imports.py)
        return data

    assert records(parallel) == records(serial)
    assert sorted(domain_of(parallel).get_objects()) == sorted(domain_of(serial).get_objects())
    assert len(domain_of(serial).data["incidents"]) == 13


def test_same_warnings_and_duplicates_reported_once(builds):
    serial, parallel = builds
    assert sorted(parse_warnings(parallel)) == sorted(parse_warnings(serial))
    incident_dups = [w for w in parse_warnings(parallel)
                     if w.type == "postmortem.duplicate_id" and "incident id 'INC-P03'" in w.message]
    assert [(w.file, w.line) for w in incident_dups] == [("pm11.rst", 4)]
    action_dups = sorted((w.file, w.line, re.search(r"'([^']+)'", w.message)[1])
                         for w in parse_warnings(parallel)
                         if w.type == "postmortem.duplicate_id" and "action item id" in w.message)
    assert action_dups == [
        ("pm07.rst", 33, "INC-P02-A1"),
        ("pm11.rst", 23, "INC-P03-A1"),
        ("pm11.rst", 29, "INC-P03-A2"),
    ]
    # first document by name wins, whatever order the workers finished in
    winners = domain_of(parallel).winning_incidents()
    assert winners["INC-P03"]["docname"] == "pm03"
    assert domain_of(parallel).winning_actions()["INC-P02-A1"]["docname"] == "pm02"


@pytest.mark.parametrize("page", [*PAGES, "orphan", "index"])
def test_same_html(builds, page):
    serial, parallel = builds
    serial_html = (Path(serial.outdir) / f"{page}.html").read_text(encoding="utf-8")
    parallel_html = (Path(parallel.outdir) / f"{page}.html").read_text(encoding="utf-8")
    assert parallel_html == serial_html
    if page.startswith("pm"):
        assert 'class="pm-panel docutils container"' in serial_html


def test_same_inventory(builds):
    serial, parallel = builds
    assert (Path(parallel.outdir) / "objects.inv").read_bytes() == (
        Path(serial.outdir) / "objects.inv").read_bytes()
