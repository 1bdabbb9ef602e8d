"""Every field a roll-up entry shows is part of the key its stored HTML is kept under.

A roll-up written with entries from the HTML store must equal the roll-up a
clean build writes. For each field that an incident row, an action item row,
a lesson entry or a factor entry shows, the sources are changed in that one field after a
first build; the incremental build, which takes unchanged entries from the
store, must write the same roll-up pages as a clean build of the changed
sources. A field shown but missing from an entry's view (and so from its
key) would leave the old entry in place, and the pages would differ.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from support.builds import build
from support.projects import edit_source
from support.rollups import needs_store

from sphinx_postmortem.incremental.entry_cache import FOLDER

pytestmark = needs_store

CONF = """\
extensions = ["sphinx_postmortem"]
project = "Keys"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://tracker.example.com/{key}"
postmortem_completeness_check = False
postmortem_blameless_check = False
"""

INCIDENT = """\
Alpha page
==========

.. incident:: Alpha outage
   :id: INC-1
   :date: 2024-05-01
   :severity: SEV2
   :status: published
   :type: outage
   :authors: Ana Ruiz
   :detected-by: alert
   :commander: Dana Kim
   :services: checkout-api
   :tags: deploy

   Summary.

.. timeline::

   2024-05-01 10:00 [start] Errors rise.
   10:05 [detect] Alert fires.
   10:07 [ack] Paged.
   10:10 [notify] Status page updated.
   10:20 [mitigate] Rolled back.
   10:40 [resolve] Fixed.

.. impact::
   :customers: 100

.. factor:: A config change skipped the canary
   :kind: trigger
   :category: configuration

.. action-item:: Add a canary
   :id: INC-1-A1
   :owner: team-deploy
   :type: prevent
   :priority: P1
   :due: 2024-07-01
   :status: open
   :tracker: OPS-1

.. lesson:: Canaries catch bad config
   :kind: went-wrong
   :tags: deploy

   Lesson body text.
"""

NOTES = """\
Notes page
==========

.. lesson:: A lesson without an incident
   :kind: lucky

   Notes body text.

.. factor:: A factor without an incident
"""

ROLLUPS = """\
Roll-ups
========

.. incident-list::
   :columns: id, date, title, severity, status, type, authors, services, tags, duration,
             ttd, tta, ttm, ttr, actions, lessons, types, detected-by, commander, ttn,
             impact:customers

.. action-item-list::
   :status: all

.. lesson-list::
   :group-by: none

.. lesson-list::
   :group-by: none
   :summary-only:

.. factor-list::
   :group-by: none
"""

#: One change per field an entry shows: (what changes, file, old text, new text).
CHANGES = [
    ("incident id", "alpha.rst", ":id: INC-1\n", ":id: INC-9\n"),
    ("incident date", "alpha.rst", ":date: 2024-05-01", ":date: 2024-05-02"),
    ("incident title", "alpha.rst", "Alpha outage", "Alpha outage, revised"),
    ("incident severity", "alpha.rst", ":severity: SEV2", ":severity: SEV1"),
    ("incident status", "alpha.rst", ":status: published", ":status: in-review"),
    ("incident type", "alpha.rst", ":type: outage", ":type: incident"),
    ("incident authors", "alpha.rst", ":authors: Ana Ruiz", ":authors: Ana Ruiz, Bo Li"),
    ("incident services", "alpha.rst", ":services: checkout-api", ":services: auth"),
    ("incident tags", "alpha.rst", ":tags: deploy\n\n   Summary", ":tags: config\n\n   Summary"),
    ("impact start", "alpha.rst", "10:00 [start]", "09:50 [start]"),
    ("time to acknowledge", "alpha.rst", "10:07 [ack]", "10:09 [ack]"),
    ("time to mitigate", "alpha.rst", "10:20 [mitigate]", "10:25 [mitigate]"),
    ("time to resolve", "alpha.rst", "10:40 [resolve]", "10:45 [resolve]"),
    ("open actions", "alpha.rst", ":status: open", ":status: done"),
    ("lesson count", "alpha.rst", "   Lesson body text.\n", "   Lesson body text.\n\n"
     ".. lesson:: Another lesson\n   :kind: went-well\n\n   More.\n"),
    ("action id", "alpha.rst", ":id: INC-1-A1", ":id: INC-1-A7"),
    ("action title", "alpha.rst", "Add a canary", "Add a canary stage"),
    ("action owner", "alpha.rst", ":owner: team-deploy", ":owner: team-sre"),
    ("action type", "alpha.rst", ":type: prevent", ":type: detect"),
    ("action priority", "alpha.rst", ":priority: P1", ":priority: P0"),
    ("action due date", "alpha.rst", ":due: 2024-07-01", ":due: 2024-07-02"),
    ("action overdue flag", "alpha.rst", ":due: 2024-07-01", ":due: 2024-05-30"),
    ("action tracker", "alpha.rst", ":tracker: OPS-1", ":tracker: OPS-2"),
    ("lesson title", "alpha.rst", "Canaries catch bad config", "Canaries catch config"),
    ("lesson kind", "alpha.rst", ":kind: went-wrong", ":kind: went-well"),
    ("lesson body", "alpha.rst", "Lesson body text.", "Lesson *body* text."),
    ("lesson source page title", "notes.rst", "Notes page\n==========", "Notes\n====="),
    ("incident types", "alpha.rst", ":type: outage", ":type: outage, data-loss"),
    ("detection source", "alpha.rst", ":detected-by: alert", ":detected-by: customer"),
    ("commander", "alpha.rst", ":commander: Dana Kim", ":commander: Bo Li"),
    ("time to notify", "alpha.rst", "10:10 [notify]", "10:12 [notify]"),
    ("impact figure", "alpha.rst", ":customers: 100", ":customers: 120"),
    ("factor title", "alpha.rst", "skipped the canary", "skipped every canary"),
    ("factor kind", "alpha.rst", ":kind: trigger", ":kind: root-cause"),
    ("factor categories", "alpha.rst", ":category: configuration", ":category: process"),
]


def write_project(root: Path) -> Path:
    """The project's files, dated a minute ago (so only later edits look changed)."""
    root.mkdir()
    toctree = "Index\n=====\n\n.. toctree::\n\n   alpha\n   notes\n   rollups\n"
    files = {"conf.py": CONF, "index.rst": toctree, "alpha.rst": INCIDENT}
    files.update({"notes.rst": NOTES, "rollups.rst": ROLLUPS})
    a_minute_ago = time.time() - 60
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
        os.utime(root / name, (a_minute_ago, a_minute_ago))
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The project built once (the store holds every entry), and a copy of it as built.

    Each case restores the copy to the folder the project was built in: an
    environment moved to another folder is read afresh, store and all.
    """
    base = tmp_path_factory.mktemp("keys")
    root = write_project(base / "src")
    result = build(root)
    assert [w for w in result.warnings if "[postmortem.orphan]" not in w] == []
    assert list((root / "_build" / "doctrees" / FOLDER).rglob("*.pickle"))
    shutil.copytree(root, base / "as-built")
    return root, base / "as-built"


@pytest.mark.parametrize(("field", "path", "old", "new"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_changed_field_is_never_served_from_the_store(
    built: tuple[Path, Path], tmp_path: Path, field: str, path: str, old: str, new: str
) -> None:
    root, as_built = built
    shutil.rmtree(root)
    shutil.copytree(as_built, root)
    edit_source(root / path, old, new)
    rewritten = build(root, freshenv=False)
    assert "reading sources... [100%] rollups" not in rewritten.status  # written, not re-read

    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_build"))
    clean = build(fresh)

    page = (rewritten.outdir / "rollups.html").read_text(encoding="utf-8")
    assert page == (clean.outdir / "rollups.html").read_text(encoding="utf-8"), field
    before = (as_built / "_build" / "html" / "rollups.html").read_text(encoding="utf-8")
    assert page != before, f"changing the {field} changes no roll-up: the case tests nothing"
