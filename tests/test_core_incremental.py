"""Incremental builds: edits, deletions and the build date are reflected on rebuild.

Each test works on a private copy of tests/roots/test-core-incremental/ and rebuilds
with a new app on the same source and output directories (``freshenv=False``).
"""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest
from support.builds import domain_of, read
from support.html import panel_fields
from support.projects import copy_root, load_inventory, write_source
from support.warnings import parse_warnings, pm_warnings

EDITED_A = """\
Page A, edited
==============

.. incident:: Edited title of A
   :id: INC-A-NEW
   :date: 2024-03-06
   :severity: SEV1
   :status: published
   :tags: edited

.. timeline::

   14:00 [start] Started.
   14:10 [detect] Detected.
   16:00 [resolve] Resolved later.

.. action-item:: First follow-up of A
   :owner: team-a
   :due: 2024-04-15

.. action-item:: A new follow-up
   :owner: team-a
   :status: done

.. lesson:: A lesson of A
   :kind: went-well

.. lesson:: Another lesson
   :kind: lucky
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-06-01"))
    return copy_root("core-incremental", tmp_path / "core-incremental")


@pytest.fixture
def build(make_app, project, tmp_path):
    def run():
        app = make_app("html", srcdir=project, builddir=tmp_path / "build", freshenv=False)
        try:
            app.build()
        finally:
            app.cleanup()
        return app

    return run


def epoch(day: str) -> str:
    moment = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)
    return str(int(moment.timestamp()) + 3600)


def status(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())


def data(app) -> dict:
    return copy.deepcopy(domain_of(app).data)


def ids(app) -> set[tuple[str, str]]:
    return {(name, typ) for name, _title, typ, *_rest in domain_of(app).get_objects()}


def test_unchanged_rebuild_reads_nothing_and_keeps_the_data(build):
    first = build()
    before = data(first)
    second = build()
    assert "0 added, 0 changed, 0 removed" in status(second)
    assert data(second) == before


def test_edit_is_reflected_in_data_and_html(build, project):
    first = build()
    assert domain_of(first).incident("a")["title"] == "Original title of A"
    b_before = data(first)["incidents"]["b"]

    write_source(project / "a.rst", EDITED_A)
    app = build()
    assert "0 added, 1 changed, 0 removed" in status(app)
    domain = domain_of(app)
    incident = domain.incident("a")
    assert (
        incident["id"],
        incident["title"],
        incident["date"],
        incident["severity"],
        incident["status"],
        incident["tags"],
    ) == (
        "INC-A-NEW",
        "Edited title of A",
        "2024-03-06",
        "SEV1",
        "published",
        ["edited"],
    )
    assert [a["id"] for a in domain.actions("a")] == ["INC-A-NEW-A1", "INC-A-NEW-A2"]
    assert [le["kind"] for le in domain.lessons("a")] == ["went-well", "lucky"]
    assert [e["when"] for e in domain.timeline("a")][-1] == "2024-03-06T16:00:00+00:00"
    assert domain.metrics("a").impact_duration == 2 * 3600
    # the old ids are gone, the untouched page is untouched
    assert ("INC-A", "incident") not in ids(app)
    assert ("INC-A-A1", "action-item") not in ids(app)
    assert {
        ("INC-A-NEW", "incident"),
        ("INC-A-NEW-A1", "action-item"),
        ("INC-A-NEW-A2", "action-item"),
    } <= ids(app)
    assert data(app)["incidents"]["b"] == b_before

    page = read(app, "a.html")
    assert "Original title of A" not in page
    assert "<strong>Edited title of A</strong>" in page
    fields = panel_fields(page, "INC-A-NEW")
    assert fields["Severity"] == "SEV1"
    assert fields["Status"] == "published"
    assert fields["Time to resolve"] == "2h00m after impact start"
    assert fields["Action items"] == "1 open / 2 total"
    assert fields["Lessons"] == "2"
    inventory = load_inventory(app.outdir / "objects.inv")
    assert "INC-A" not in inventory["postmortem:incident"]
    assert inventory["postmortem:incident"]["INC-A-NEW"] == (
        "a.html#incident-INC-A-NEW",
        "Edited title of A",
    )


def test_deleting_a_page_removes_its_data(build, project):
    first = build()
    assert domain_of(first).incident("b") is not None
    (project / "b.rst").unlink()
    app = build()
    # (index.rst is re-read too: its glob toctree changed)
    assert "0 added, 1 changed, 1 removed" in status(app)
    domain = domain_of(app)
    for key in ("incidents", "timeline", "actions", "lessons"):
        assert "b" not in domain.data[key], key
    assert domain.incident("b") is None
    assert domain.actions("b") == []
    assert ("INC-B", "incident") not in ids(app)
    assert ("INC-B-A1", "action-item") not in ids(app)
    inventory = load_inventory(app.outdir / "objects.inv")
    assert "INC-B" not in inventory["postmortem:incident"]
    assert "INC-B-A1" not in inventory["postmortem:action-item"]
    # the other pages keep theirs
    assert domain.incident("a")["id"] == "INC-A"


def test_duplicate_ids_follow_additions_and_deletions(build, project):
    def duplicates(app):
        return [(w.file, w.line) for w in pm_warnings(app) if w.type == "postmortem.duplicate_id"]

    first = build()
    assert duplicates(first) == [("dup2.rst", 4)]
    assert domain_of(first).winning_incidents()["INC-SHARED"]["docname"] == "dup1"

    saved = (project / "dup1.rst").read_text(encoding="utf-8")
    (project / "dup1.rst").unlink()
    app = build()
    assert duplicates(app) == []
    assert domain_of(app).winning_incidents()["INC-SHARED"]["docname"] == "dup2"
    inventory = load_inventory(app.outdir / "objects.inv")
    assert inventory["postmortem:incident"]["INC-SHARED"][0] == "dup2.html#incident-INC-SHARED"

    write_source(project / "dup1.rst", saved)
    app = build()
    assert duplicates(app) == [("dup2.rst", 4)]
    assert domain_of(app).winning_incidents()["INC-SHARED"]["docname"] == "dup1"


def test_editing_the_duplicate_away_clears_the_warning(build, project):
    build()
    write_source(
        project / "dup2.rst",
        (project / "dup2.rst")
        .read_text(encoding="utf-8")
        .replace(":id: INC-SHARED", ":id: INC-OWN"),
    )
    app = build()
    assert [w for w in pm_warnings(app) if w.type == "postmortem.duplicate_id"] == []
    assert {("INC-SHARED", "incident"), ("INC-OWN", "incident")} <= ids(app)


def test_overdue_label_follows_the_build_date_without_source_changes(build, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-04-01"))
    first = build()
    assert "pm-overdue" not in read(first, "a.html")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-06-01"))
    app = build()
    assert "0 added, 0 changed, 0 removed" in status(app)
    assert '2024-04-15 <span class="pm-label pm-overdue pm-overdue-overdue">overdue</span>' in read(
        app, "a.html"
    )
    assert [w.type for w in parse_warnings(app)] == ["postmortem.duplicate_id"]
