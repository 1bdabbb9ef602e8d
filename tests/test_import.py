"""Import from local files: ``postmortem_projects`` loading and validation.

The imported file is a real export: ``tests/roots/test-export`` is built once
per module and its ``postmortems.json`` is written into a copy of
``tests/roots/test-import`` (the aggregating project "Platform", whose conf.py
reads ``imported/payments.json`` relative to the conf dir).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp
from support import ROOTS
from support.builds import domain_of, export_of
from support.html import links, main_content
from support.warnings import typed_warnings, warning_lines

from sphinx_postmortem.exchange import fields
from sphinx_postmortem.exchange.validation import validate_payload
from sphinx_postmortem.model import DATE_YEARS, FACTOR_KINDS, IMPACT_KINDS

EXPORT = "postmortems.json"
BASE = "https://docs.example.com/payments/"
PAYMENT_INCIDENTS = {"PAY-2024-003", "PAY-PRJ-LEDGER"}
PAYMENT_ACTIONS = {"PAY-2024-003-A1", "PAY-2024-003-A2", "PAY-PRJ-LEDGER-A1"}
PAYMENT_LESSONS = {
    "Nobody owned the certificate",
    "The manual replacement was quick",
    "Dual writes caught drift early",
    "Runbooks age quickly",
}


# -- helpers -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def payments_export(tmp_path_factory) -> str:
    """The text of a real ``postmortems.json``, built from tests/roots/test-export."""
    return export_of(tmp_path_factory.mktemp("payments"))


class Aggregator:
    """A copy of tests/roots/test-import in ``tmp_path/platform``."""

    def __init__(self, make_app: Any, tmp_path: Path) -> None:
        self.make_app = make_app
        self.tmp = tmp_path
        self.srcdir = tmp_path / "platform"
        shutil.copytree(ROOTS / "test-import", self.srcdir)

    def write(self, data: Any, path: str = "imported/payments.json") -> Path:
        target = self.srcdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
            target.write_text(text, encoding="utf-8")
        return target

    def build(self, builder: str = "html", **conf: Any) -> Any:
        app = self.make_app(builder, srcdir=self.srcdir, confoverrides=conf)
        app.build()
        return app

    @staticmethod
    def page(app: Any, name: str) -> str:
        return (Path(app.outdir) / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture
def agg(make_app, tmp_path) -> Aggregator:
    return Aggregator(make_app, tmp_path)


def imported_ids(app: Any) -> dict[str, set[str]]:
    domain = domain_of(app)
    return {
        name: {i["id"] for i in domain.imported("incidents", [name])}
        for name in domain.data["imports"]
    }


def imported(app: Any, section: str, project: str = "payments") -> list[dict[str, Any]]:
    return domain_of(app).imported(section, [project])


def assert_only_local(app: Any, agg: Aggregator) -> None:
    """The roll-ups show the local post-mortem and nothing from payments."""
    html = agg.page(app, "all")
    assert "PLT-2024-001" in html
    for href, _text in links(html):
        assert not (href or "").startswith(BASE), href
    for marker in ("PAY-2024-003", "Nobody owned the certificate"):
        assert marker not in main_content(html)


def one_warning(app: Any, *needles: str) -> str:
    """Exactly one postmortem.import warning contains every needle; return it."""
    hits = [w for w in typed_warnings(app, "import") if all(n in w for n in needles)]
    assert len(hits) == 1, (needles, typed_warnings(app, "import"))
    return hits[0]


# -- loading ---------------------------------------------------------------------------


def test_local_file_relative_to_conf_dir(agg, payments_export, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the path is relative to the conf dir, not the cwd
    agg.write(payments_export)
    app = agg.build()
    assert typed_warnings(app, "import") == []
    assert app.config.postmortem_timeout == 10  # documented defaults
    assert app.config.postmortem_cache_limit == 5
    assert imported_ids(app) == {"payments": PAYMENT_INCIDENTS}
    assert {a["id"] for a in imported(app, "action_items")} == PAYMENT_ACTIONS
    assert {le["title"] for le in imported(app, "lessons")} == PAYMENT_LESSONS
    incident = next(i for i in imported(app, "incidents") if i["id"] == "PAY-2024-003")
    assert incident["url"] == BASE + "incidents/checkout.html#incident-PAY-2024-003"
    assert incident["project"] == "payments"
    assert incident["metrics"]["time_to_detect"] == 300
    html = agg.page(app, "all")
    assert (BASE + "incidents/checkout.html#incident-PAY-2024-003", "PAY-2024-003") in links(html)


def test_location_none_reads_postmortems_json_under_relative_base_url(agg, payments_export):
    site = agg.tmp / "payments-site"
    site.mkdir()
    (site / EXPORT).write_text(payments_export, encoding="utf-8")
    app = agg.build(postmortem_projects={"payments": ("../payments-site/", None)})
    assert typed_warnings(app, "import") == []
    assert imported_ids(app) == {"payments": PAYMENT_INCIDENTS}
    assert (
        "../payments-site/incidents/checkout.html#incident-PAY-2024-003",
        "PAY-2024-003",
    ) in links(agg.page(app, "all"))


def test_location_with_parent_directory(agg, payments_export):
    exports = agg.tmp / "exports"
    exports.mkdir()
    (exports / "payments.json").write_text(payments_export, encoding="utf-8")
    app = agg.build(postmortem_projects={"payments": (BASE, "../exports/payments.json")})
    assert typed_warnings(app, "import") == []
    assert imported_ids(app) == {"payments": PAYMENT_INCIDENTS}


def test_missing_local_file_warns_and_build_goes_on(agg):
    app = agg.build()
    warning = one_warning(app, "'payments'")
    assert "payments.json" in warning
    assert "skipped" in warning
    assert "payments" not in domain_of(app).data["imports"]
    assert_only_local(app, agg)


def test_oversize_local_file_is_skipped(agg, payments_export):
    agg.write(payments_export)
    app = agg.build(postmortem_import_max_bytes=200)
    warning = one_warning(app, "'payments'", "200")
    assert "larger" in warning and "skipped" in warning
    assert "payments" not in domain_of(app).data["imports"]
    assert_only_local(app, agg)


def test_changed_local_file_picked_up_and_rollups_rewritten(agg, payments_export):
    target = agg.write(payments_export)
    first = agg.build()
    assert "Nobody owned the certificate" in agg.page(first, "all")
    rollup_page = Path(first.outdir) / "all.html"
    before = rollup_page.stat().st_mtime_ns

    data = json.loads(payments_export)
    for lesson in data["lessons"]:
        if lesson["title"] == "Nobody owned the certificate":
            lesson["title"] = "Certificates need a named owner"
    for incident in data["incidents"]:
        if incident["id"] == "PAY-2024-003":
            incident["title"] = "Card authorisations failed (renamed)"
    agg.write(data)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))

    second = agg.build()
    assert typed_warnings(second, "import") == []
    for page in ("all", "by-project", "other-only"):
        html = main_content(agg.page(second, page))
        assert "Certificates need a named owner" in html, page
        assert "Nobody owned the certificate" not in html, page
    assert rollup_page.stat().st_mtime_ns != before
    incident_rows = main_content(agg.page(second, "all"))
    assert "Card authorisations failed (renamed)" in incident_rows


def test_deleted_local_file_falls_back_to_cached_copy(agg, payments_export):
    target = agg.write(payments_export)
    agg.build()
    target.unlink()
    app = agg.build()
    warning = one_warning(app, "'payments'")
    assert "cached" in warning
    assert imported_ids(app) == {"payments": PAYMENT_INCIDENTS}
    assert "Nobody owned the certificate" in agg.page(app, "all")


def test_removed_project_disappears_from_rollups(agg, payments_export):
    agg.write(payments_export)
    first = agg.build()
    assert "PAY-2024-003" in main_content(agg.page(first, "all"))
    second = agg.build(postmortem_projects={})
    assert domain_of(second).data["imports"] == {}
    assert_only_local(second, agg)


# -- schema versions: 2 imports everything, 1 still imports ---------------------------


def _as_imported(record: dict[str, Any]) -> dict[str, Any]:
    """What an exported record becomes once imported: labelled and linked, never located."""
    return record | {
        "project": "payments",
        "url": BASE + record["url"],
        "docname": "",
        "anchor": "",
        "lineno": 0,
    }


def _incident_as_imported(incident: dict[str, Any]) -> dict[str, Any]:
    """An exported incident once imported: its counts under the names roll-ups read."""
    kept = {k: v for k, v in incident.items() if k not in ("action_items", "lessons")}
    del kept["impact_start"]  # the milestones carry their offsets
    return _as_imported(kept) | {
        "open_actions": incident["action_items"]["open"],
        "total_actions": incident["action_items"]["total"],
        "lesson_count": incident["lessons"],
    }


def test_every_field_of_a_version_2_export_is_imported_as_exported(agg, payments_export):
    exported = json.loads(payments_export)
    assert exported["schema_version"] == 2
    agg.write(payments_export)
    app = agg.build()
    assert typed_warnings(app, "import") == []
    incidents = {i["id"]: i for i in imported(app, "incidents")}
    assert incidents == {i["id"]: _incident_as_imported(i) for i in exported["incidents"]}
    for section in ("action_items", "lessons", "factors"):
        assert imported(app, section) == [_as_imported(r) for r in exported[section]], section
    checkout = incidents["PAY-2024-003"]
    assert checkout["impact"][0]["value"] == 6214 and checkout["detected_by"] == "alert"
    assert {f["kind"] for f in imported(app, "factors")} == {
        "trigger", "root-cause", "contributing", "mitigator",
    }


def _as_version_1(payments_export: str) -> dict[str, Any]:
    """The export as a version-1 exporter wrote it: no factors, none of the new fields."""
    data = json.loads(payments_export)
    data["schema_version"] = 1
    del data["factors"]
    for incident in data["incidents"]:
        for key in ("types", "detected_by", "roles", "responders", "reviewed", "reviewers",
                    "impact"):
            del incident[key]
        incident["metrics"].pop("time_to_notify", None)
        incident["milestones"] = [
            {k: v for k, v in m.items() if k != "share"}
            for m in incident["milestones"] if m["milestone"] != "notify"
        ]
    for action in data["action_items"]:
        del action["tags"], action["services"]
    for lesson in data["lessons"]:
        del lesson["services"]
    return data


def test_a_version_1_export_still_imports_without_the_new_fields(agg, payments_export):
    agg.write(_as_version_1(payments_export))
    app = agg.build()
    assert typed_warnings(app, "import") == []
    assert imported_ids(app) == {"payments": PAYMENT_INCIDENTS}
    incident = next(i for i in imported(app, "incidents") if i["id"] == "PAY-2024-003")
    assert incident["types"] == ["outage"]  # the one type a version-1 file gives
    assert incident["impact"] == [] and incident["roles"] == {}
    assert incident["detected_by"] is None and incident["reviewed"] is None
    assert incident["responders"] == [] and incident["reviewers"] == []
    assert all(m["share"] is None for m in incident["milestones"])
    assert "time_to_notify" not in incident["metrics"]
    assert imported(app, "factors") == []
    assert all(a["tags"] == [] and a["services"] == [] for a in imported(app, "action_items"))
    assert all(le["services"] == [] for le in imported(app, "lessons"))
    assert "PAY-2024-003" in main_content(agg.page(app, "all"))


def test_a_factors_section_in_a_version_1_file_is_not_read(agg, payments_export):
    data = _as_version_1(payments_export)
    data["factors"] = json.loads(payments_export)["factors"]
    agg.write(data)
    app = agg.build()
    assert typed_warnings(app, "import") == []
    assert imported(app, "factors") == []


def test_the_first_type_stays_first_of_the_types():
    incident = {
        "id": "PAY-T", "title": "Types out of order", "status": "published", "type": "outage",
        "types": ["security", "outage"], "url": "t.html#pay-t",
    }
    raw = json.dumps(_payload(incidents=[incident])).encode()
    data, problems = validate_payload(raw, "payments", BASE)
    assert problems == []
    assert data["incidents"][0]["types"] == ["outage", "security"]


# -- whole file refused ----------------------------------------------------------------


def _payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 1,
        "project": "Payments",
        "incidents": [],
        "action_items": [],
        "lessons": [],
    }
    data.update(changes)
    return data


BAD_FILES = {
    "not-json": (b'{"schema_version": 1, "incidents": [', "JSON"),
    "not-utf8": (b"\xff\xfe\x00{", "JSON"),
    "top-level-list": (json.dumps([_payload()]).encode(), "object"),
    "unknown-version": (json.dumps(_payload(schema_version=3)).encode(), "schema_version"),
    "version-2-without-factors": (json.dumps(_payload(schema_version=2)).encode(), "factors"),
    "no-version": (
        json.dumps({k: v for k, v in _payload().items() if k != "schema_version"}).encode(),
        "schema_version",
    ),
    "section-not-list": (json.dumps(_payload(lessons={"title": "x"})).encode(), "lessons"),
    "section-missing": (
        json.dumps({k: v for k, v in _payload().items() if k != "incidents"}).encode(),
        "incidents",
    ),
}


def test_unusable_files_skipped_with_warning(agg, payments_export):
    """Each bad file is its own project: one warning naming it, nothing of it imported."""
    real = json.loads(payments_export)
    projects = {"payments": (BASE, "imported/payments.json")}
    agg.write(payments_export)
    for case, (raw, _reason) in BAD_FILES.items():
        if case in ("unknown-version", "section-not-list", "section-missing"):
            # real entries next to the fault: they must not be imported either
            data = json.loads(raw)
            for section in ("incidents", "action_items", "lessons", "factors"):
                if isinstance(data.get(section), list):
                    data[section] = real[section]
            raw = json.dumps(data).encode()
        agg.write(raw, f"imported/{case}.json")
        projects[case] = (f"https://docs.example.com/{case}/", f"imported/{case}.json")
    app = agg.build(postmortem_projects=projects)
    for case, (_raw, reason) in BAD_FILES.items():
        warning = one_warning(app, f"project {case!r}")
        assert reason in warning, (case, warning)
        assert "skipped" in warning, (case, warning)
    assert len(typed_warnings(app, "import")) == len(BAD_FILES)
    assert set(domain_of(app).data["imports"]) == {"payments"}
    for href, _text in links(agg.page(app, "all")):
        assert not any(f"/{case}/" in (href or "") for case in BAD_FILES), href


def test_file_failing_schema_at_top_level_is_skipped(agg, payments_export):
    """Contract: a file that fails the schema gives a warning and is skipped.

    The shipped schema requires a top-level ``project``; this file has none.
    """
    data = json.loads(payments_export)
    del data["project"]
    agg.write(data)
    app = agg.build()
    warning = one_warning(app, "'payments'")
    assert "project" in warning
    assert "payments" not in domain_of(app).data["imports"]


# -- single entries refused ------------------------------------------------------------


def test_bad_entries_skipped_rest_kept(agg, payments_export):
    data = json.loads(payments_export)
    url = "incidents/checkout.html#x"
    good_incident = copy.deepcopy(data["incidents"][0])
    data["incidents"] += [
        {k: v for k, v in good_incident.items() if k != "id"} | {"title": "Bad: no id"},
        good_incident | {"id": "PAY-BAD-2", "title": 42},
        "not an object",
        good_incident
        | {"id": "PAY-BAD-4", "title": "Bad: negative metric", "metrics": {"time_to_detect": -5}},
    ]
    data["action_items"] += [
        {"id": "PAY-BAD-A1", "title": "Bad: unknown status", "status": "bogus", "url": url},
    ]
    data["lessons"] += [
        {"title": "Bad: unknown kind", "kind": "meh", "url": url},
        {"title": "Bad: no url", "kind": "lucky"},
    ]
    agg.write(data)
    app = agg.build()
    warnings = typed_warnings(app, "import")
    skipped = [w for w in warnings if "'payments'" in w and "skipped" in w]
    assert len(skipped) == 7, warnings
    assert sum("incidents" in w for w in skipped) == 4
    assert sum("action_items" in w for w in skipped) == 1
    assert sum("lessons" in w for w in skipped) == 2
    assert {i["id"] for i in imported(app, "incidents")} == PAYMENT_INCIDENTS
    assert {a["id"] for a in imported(app, "action_items")} == PAYMENT_ACTIONS
    assert {le["title"] for le in imported(app, "lessons")} == PAYMENT_LESSONS
    html = main_content(agg.page(app, "all"))
    assert "PAY-2024-003" in html and "Nobody owned the certificate" in html
    assert "Bad:" not in html and "PAY-BAD" not in html


# -- hostile content -------------------------------------------------------------------


SCRIPT = '<script>alert("pm-xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg onload=alert(3)>"
MARKUP = "*not emphasis* and `a link <https://evil.example/>`_"


def _hostile(payments_export: str) -> dict[str, Any]:
    data = json.loads(payments_export)
    for incident in data["incidents"]:
        if incident["id"] == "PAY-2024-003":
            incident["title"] = SCRIPT
            incident["services"] = ["<marquee>svc</marquee>"]
    for action in data["action_items"]:
        if action["id"] == "PAY-2024-003-A1":
            action["title"] = SVG
            action["owner"] = "<u>owner</u>"
    for lesson in data["lessons"]:
        if lesson["title"] == "Nobody owned the certificate":
            lesson["title"] = IMG
            lesson["body"] = (
                '<iframe src="https://evil.example/"></iframe>\n\n.. raw:: html\n\n   <b>raw</b>'
            )
        elif lesson["title"] == "The manual replacement was quick":
            lesson["title"] = MARKUP
    return data


def test_hostile_strings_are_escaped(agg, payments_export):
    agg.write(_hostile(payments_export))
    app = agg.build()
    assert typed_warnings(app, "import") == []
    for page in ("all", "other-only", "by-project", "xref"):
        html = agg.page(app, page)
        for raw in (
            "<script>alert",
            "<img src=x",
            "<svg",
            "<iframe",
            "<marquee>",
            "<u>owner",
            "<b>raw</b>",
            "<em>not emphasis",
            'href="https://evil.example/"',
        ):
            assert raw not in html, (page, raw)
    html = agg.page(app, "all")
    assert "&lt;script&gt;alert(" in html
    texts = {text for _href, text in links(html)}
    assert SCRIPT in texts  # shown literally, as the link text of the imported incident
    assert IMG in texts
    assert MARKUP in texts  # reST markup in imported text is not parsed
    assert "&lt;svg onload=alert(3)&gt;" in html
    assert "&lt;iframe" in html and ".. raw:: html" in html
    xref_texts = {text for _href, text in links(agg.page(app, "xref"))}
    assert SCRIPT in xref_texts


UNSAFE = {
    "javascript:alert(1)": "incidents",
    "  JavaScript:alert(2)": "lessons",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==": "action_items",
    "vbscript:msgbox(1)": "lessons",
    "java\nscript:alert(3)": "incidents",
}


def test_unsafe_urls_refused(agg, payments_export):
    data = json.loads(payments_export)
    template = {
        "incidents": copy.deepcopy(data["incidents"][0]),
        "action_items": copy.deepcopy(data["action_items"][0]),
        "lessons": copy.deepcopy(data["lessons"][0]),
    }
    for number, (url, section) in enumerate(UNSAFE.items()):
        entry = copy.deepcopy(template[section])
        entry["url"] = url
        entry["title"] = f"Unsafe entry {number}"
        if "id" in entry:
            entry["id"] = f"PAY-UNSAFE-{number}"
        data[section].append(entry)
    # a tracker link is not a link to the item, but must not be followed either
    for action in data["action_items"]:
        if action["id"] == "PAY-2024-003-A1":
            action["tracker_url"] = "javascript:alert(4)"
    agg.write(data)
    app = agg.build()
    refused = [w for w in typed_warnings(app, "import") if "'payments'" in w]
    assert len(refused) == len(UNSAFE), typed_warnings(app, "import")
    for scheme in ("javascript", "JavaScript", "data:", "vbscript"):
        assert any(scheme in w for w in refused), scheme
    assert {i["id"] for i in imported(app, "incidents")} == PAYMENT_INCIDENTS
    assert {a["id"] for a in imported(app, "action_items")} == PAYMENT_ACTIONS
    assert {le["title"] for le in imported(app, "lessons")} == PAYMENT_LESSONS
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Unsafe entry" not in html, page
        for href in re.findall(r'href\s*=\s*"([^"]*)"', html, flags=re.I):
            scheme = href.strip().lower()
            assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (page, href)
    assert "PAY-2024-003-A1" in main_content(agg.page(app, "all"))


# -- postmortem_projects shapes --------------------------------------------------------


def test_bad_mapping_entries_warned_good_ones_kept(agg, payments_export):
    agg.write(payments_export)
    good = (BASE, "imported/payments.json")
    app = agg.build(
        postmortem_projects={
            "payments": good,
            "just-a-url": "https://docs.example.com/x/",
            "one-element": ("https://docs.example.com/x/",),
            "three-elements": ("https://docs.example.com/x/", None, 1),
            "bad-location": ("https://docs.example.com/x/", 42),
            "has:colon": good,
            "local": good,
            "": good,
            "evil": ("javascript:alert(1)//", "imported/payments.json"),
        }
    )
    warnings = typed_warnings(app, "import")
    for name in (
        "just-a-url",
        "one-element",
        "three-elements",
        "bad-location",
        "has:colon",
        "local",
        "",
        "evil",
    ):
        named = [w for w in warnings if f"[{name!r}]" in w or f"name {name!r}" in w]
        assert len(named) == 1, (name, warnings)
    assert len(warnings) == 8, warnings
    assert set(domain_of(app).data["imports"]) == {"payments"}
    assert imported_ids(app) == {"payments": PAYMENT_INCIDENTS}
    for page in Path(app.outdir).rglob("*.html"):
        assert "javascript:alert(1)" not in page.read_text(encoding="utf-8")


def test_mapping_not_a_dict_warned(agg, payments_export):
    agg.write(payments_export)
    app = agg.build(postmortem_projects=[("payments", (BASE, "imported/payments.json"))])
    warnings = typed_warnings(app, "import")
    assert len(warnings) == 1, warnings
    assert "postmortem_projects" in warnings[0] and "dict" in warnings[0]
    assert domain_of(app).data["imports"] == {}
    assert (Path(app.outdir) / "all.html").is_file()


# -- validation bounds -----------------------------------------------------------------


def _figure(**changes: Any) -> dict[str, Any]:
    """An impact figure as an export holds it, with ``changes``."""
    figure = {"metric": "customers", "label": "Customers affected", "unit": "customers",
              "kind": "count", "value": 6214, "text": "6,214"}
    return figure | changes


def _step(share: Any) -> dict[str, Any]:
    """A ``[mitigate]`` milestone removing ``share`` percent of the impact."""
    return {"milestone": "mitigate", "time": "2024-03-05T14:02:00+00:00", "share": share}


#: Stands for a value nested 970 arrays deep (json.dumps cannot write one).
DEEP = "@deeply-nested@"


def _with_deep_values(data: Any) -> bytes:
    deep = "[" * 970 + '"2024-03-05T14:02:00+00:00"' + "]" * 970
    return json.dumps(data).replace(json.dumps(DEEP), deep).encode()


#: id -> (what is wrong with the entry, the field the warning must name)
OUT_OF_BOUNDS = {
    "PAY-HUGE-METRIC": ({"metrics": {"impact_duration": 10**400}}, "metrics.impact_duration"),
    "PAY-FLOAT-METRIC": ({"metrics": {"time_to_detect": 1.5}}, "metrics.time_to_detect"),
    "PAY-DEEP-TIME": ({"milestones": [{"milestone": "start", "time": DEEP}]}, "milestones[0].time"),
    "PAY-BAD-MILESTONE": (
        {
            "milestones": [
                {"milestone": "start", "time": "2024-03-05T14:02:00+00:00"},
                {"milestone": ["start"], "time": "2024-03-05T14:03:00+00:00"},
            ]
        },
        "milestones[1].milestone",
    ),
    "PAY-OLD-DATE": ({"date": "1900-01-01"}, "date"),
    "PAY-FAR-DATE": ({"date": "9999-12-31"}, "date"),
    "PAY-LONG-TITLE": ({"title": "x" * (fields.LINE_MAX + 1)}, "title"),
    "PAY-LONG-SUMMARY": ({"summary": "y" * (fields.BODY_MAX + 1)}, "summary"),
    "PAY-MANY-LESSONS": ({"lessons": 10**12}, "lessons"),
    "PAY-TAGS": ({"tags": ["ok", {"nested": True}]}, "tags"),
    "PAY-FIGURE-KIND": ({"impact": [_figure(kind="people")]}, "impact[0].kind"),
    "PAY-FIGURE-AS-TEXT": ({"impact": [_figure(value="6214")]}, "impact[0].value"),
    "PAY-FIGURE-INFINITE": ({"impact": [_figure(value=float("inf"))]}, "impact[0].value"),
    "PAY-FIGURE-NEGATIVE": ({"impact": [_figure(value=-1)]}, "impact[0].value"),
    "PAY-FIGURE-HUGE": ({"impact": [_figure(value=fields.FIGURE_MAX * 10)]}, "impact[0].value"),
    "PAY-FIGURES": ({"impact": [_figure()] * (fields.FIGURES_MAX + 1)}, "impact"),
    "PAY-SHARE-ABOVE-ALL": ({"milestones": [_step(140)]}, "milestones[0].share"),
    "PAY-SHARE-ZERO": ({"milestones": [_step(0)]}, "milestones[0].share"),
    "PAY-SHARE-TRUE": ({"milestones": [_step(True)]}, "milestones[0].share"),
    "PAY-ROLE-NOT-A-LIST": ({"roles": {"commander": "Dana Kim"}}, "roles.commander"),
    "PAY-ROLES": ({"roles": ["commander"]}, "roles"),
    "PAY-REVIEWED": ({"reviewed": "last week"}, "reviewed"),
}

#: title -> (what is wrong with a factor, the field the warning must name)
FACTORS_OUT_OF_BOUNDS = {
    "Unknown kind": ({"kind": "cause"}, "kind"),
    "Categories not a list": ({"categories": "capacity"}, "categories"),
}


@pytest.fixture(scope="module")
def out_of_bounds_build(payments_export, tmp_path_factory):
    """One build importing a file whose crafted entries break every kind of bound."""
    apps: list[SphinxTestApp] = []

    def make_app(*args: Any, **kwargs: Any) -> SphinxTestApp:
        apps.append(SphinxTestApp(*args, **kwargs))
        return apps[-1]

    agg = Aggregator(make_app, tmp_path_factory.mktemp("bounds"))
    data = json.loads(payments_export)
    template = next(i for i in data["incidents"] if i["id"] == "PAY-2024-003")
    for incident_id, (changes, _field) in OUT_OF_BOUNDS.items():
        data["incidents"].append(copy.deepcopy(template) | {"id": incident_id} | changes)
    data["lessons"].append({"title": "Deep body", "kind": "lucky", "url": "x.html", "body": DEEP})
    factor = data["factors"][0]
    for title, (changes, _field) in FACTORS_OUT_OF_BOUNDS.items():
        data["factors"].append(copy.deepcopy(factor) | {"title": title} | changes)
    agg.write(_with_deep_values(data))
    (agg.srcdir / "trends.rst").write_text(
        ":orphan:\n\nTrends\n======\n\n.. postmortem-stats::\n   :period: year\n", encoding="utf-8"
    )
    yield agg, agg.build()
    for app in apps:
        app.cleanup()


def test_out_of_bounds_entries_are_skipped_with_one_warning_each(out_of_bounds_build):
    _agg, app = out_of_bounds_build
    warnings = typed_warnings(app, "import")
    assert len(warnings) == len(OUT_OF_BOUNDS) + len(FACTORS_OUT_OF_BOUNDS) + 1, warnings
    for incident_id, (_changes, field) in OUT_OF_BOUNDS.items():
        warning = one_warning(app, f"skipped (id {incident_id!r}): field {field!r} must ")
        assert "project 'payments': incidents entry" in warning, warning
    for title, (_changes, field) in FACTORS_OUT_OF_BOUNDS.items():
        warning = one_warning(app, f"skipped (title {title!r}): field {field!r} must ")
        assert "project 'payments': factors entry" in warning, warning
    lesson = one_warning(app, "skipped (title 'Deep body'): field 'body' must be a string")
    assert "lessons entry" in lesson


def test_out_of_bounds_entries_never_reach_the_pages(out_of_bounds_build):
    agg, app = out_of_bounds_build
    assert {i["id"] for i in imported(app, "incidents")} == PAYMENT_INCIDENTS
    assert "Deep body" not in {le["title"] for le in imported(app, "lessons")}
    assert not set(FACTORS_OUT_OF_BOUNDS) & {f["title"] for f in imported(app, "factors")}
    assert len(imported(app, "factors")) == 4  # the exported ones
    assert not [w for w in warning_lines(app.warning) if "Traceback" in w or "Error" in w]
    trends = main_content(agg.page(app, "trends"))
    assert "<svg" in trends or "<table" in trends
    assert "PAY-HUGE-METRIC" not in main_content(agg.page(app, "all"))


def test_bounds_accept_every_value_an_export_can_hold(agg, payments_export):
    """Limits are inclusive: the longest title and the longest duration are imported."""
    data = json.loads(payments_export)
    template = next(i for i in data["incidents"] if i["id"] == "PAY-2024-003")
    data["incidents"].append(
        copy.deepcopy(template)
        | {
            "id": "PAY-EDGE",
            "title": "t" * fields.LINE_MAX,
            "date": "2100-12-31",
            "summary": "s" * fields.BODY_MAX,
            "lessons": fields.COUNT_MAX,
            "metrics": {"impact_duration": fields.SECONDS_MAX, "time_to_detect": 0},
            "impact": [_figure(value=fields.FIGURE_MAX)] * fields.FIGURES_MAX,
            "milestones": [_step(100), _step(0.01)],
            "roles": {f"role-{n}": ["Someone"] for n in range(fields.ROLES_MAX)},
        }
    )
    agg.write(data)
    app = agg.build()
    assert typed_warnings(app, "import") == []
    edge = next(i for i in imported(app, "incidents") if i["id"] == "PAY-EDGE")
    assert edge["metrics"] == {"impact_duration": fields.SECONDS_MAX, "time_to_detect": 0}
    assert edge["date"] == "2100-12-31" and edge["lesson_count"] == fields.COUNT_MAX
    assert len(edge["impact"]) == fields.FIGURES_MAX
    assert edge["impact"][0]["value"] == fields.FIGURE_MAX
    assert [m["share"] for m in edge["milestones"]] == [100, 0.01]
    assert len(edge["roles"]) == fields.ROLES_MAX


def test_json_errors_say_where_the_file_is_broken(agg, payments_export):
    agg.write(b'{"schema_version": 1,\n "project": "Payments",\n "incidents": [,]}')
    app = agg.build()
    warning = one_warning(app, "'payments'")
    assert "invalid JSON at line 3 column 16: Expecting value; project skipped" in warning


# -- the cache: what shapes the data is part of its key --------------------------------


def test_changed_base_url_relinks_without_the_file_changing(agg, payments_export):
    agg.write(payments_export)
    first = agg.build()
    old = BASE + "incidents/checkout.html#incident-PAY-2024-003"
    assert (old, "PAY-2024-003") in links(agg.page(first, "all"))
    moved = "https://handbook.example.org/pay/"
    second = agg.build(postmortem_projects={"payments": (moved, "imported/payments.json")})
    assert typed_warnings(second, "import") == []
    hrefs = [h for h, t in links(agg.page(second, "all")) if t == "PAY-2024-003"]
    assert hrefs and set(hrefs) == {moved + "incidents/checkout.html#incident-PAY-2024-003"}
    assert {r["url"][: len(moved)] for r in imported(second, "lessons")} == {moved}


def test_changed_size_limit_revalidates_the_cached_copy(agg, payments_export):
    agg.write(payments_export)
    agg.build()
    app = agg.build(postmortem_import_max_bytes=200)
    assert "larger than 200 bytes" in one_warning(app, "'payments'")
    assert "payments" not in domain_of(app).data["imports"]


def test_local_change_with_the_same_mtime_is_picked_up(agg, payments_export):
    target = agg.write(payments_export)
    first = agg.build()
    assert "Nobody owned the certificate" in main_content(agg.page(first, "all"))
    stat = target.stat()
    data = json.loads(payments_export)
    for lesson in data["lessons"]:
        if lesson["title"] == "Nobody owned the certificate":
            lesson["title"] = "Certificates need a named owner"
    agg.write(data)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a copy keeping times does
    assert target.stat().st_mtime_ns == stat.st_mtime_ns
    second = agg.build()
    assert typed_warnings(second, "import") == []
    html = main_content(agg.page(second, "all"))
    assert "Certificates need a named owner" in html
    assert "Nobody owned the certificate" not in html


# -- postmortem_projects entries that cannot be read -----------------------------------


def test_file_url_location_gets_a_clear_warning(agg, payments_export):
    target = agg.write(payments_export)
    app = agg.build(postmortem_projects={"payments": (BASE, target.as_uri())})
    warning = one_warning(app, "postmortem_projects['payments']")
    assert f"location {target.as_uri()!r} must be an http(s) URL or a local path" in warning
    assert f"give its path, such as {str(target)!r}" in warning
    assert "cannot read" not in warning
    assert "payments" not in domain_of(app).data["imports"]


def test_empty_base_url_does_not_read_from_the_filesystem_root(agg):
    app = agg.build(postmortem_projects={"payments": ("", None)})
    warning = one_warning(app, "postmortem_projects['payments']")
    assert "the base URL is empty" in warning
    assert "/postmortems.json" not in warning
    assert domain_of(app).data["imports"] == {}


def test_base_url_without_scheme_hints_at_https(agg, payments_export):
    agg.write(payments_export)
    app = agg.build(
        postmortem_projects={
            "payments": ("docs.example.com/payments", "imported/payments.json"),
            "folder": ("./docs.example.com/payments", "imported/payments.json"),
        }
    )
    warning = one_warning(app, "postmortem_projects['payments']")
    assert "'https://' may be missing" in warning
    assert typed_warnings(app, "import") == [warning]  # './' marks a real folder of this site
    assert set(domain_of(app).data["imports"]) == {"folder"}


def test_shipped_schema_states_the_bounds_the_import_applies():
    schema = json.loads(
        (Path(fields.__file__).parent.parent / "schema" / "postmortems.schema.json").read_text(
            encoding="utf-8"
        )
    )
    defs = schema["$defs"]
    assert defs["line"]["maxLength"] == fields.LINE_MAX
    assert defs["text"]["maxLength"] == fields.BODY_MAX
    assert defs["names"]["maxItems"] == fields.NAMES_MAX
    assert defs["seconds"]["maximum"] == fields.SECONDS_MAX
    assert defs["count"]["maximum"] == fields.COUNT_MAX
    assert defs["incident"]["properties"]["milestones"]["maxItems"] == fields.MILESTONES_MAX
    assert defs["incident"]["properties"]["impact"]["maxItems"] == fields.FIGURES_MAX
    assert defs["incident"]["properties"]["roles"]["maxProperties"] == fields.ROLES_MAX
    assert defs["figure"]["properties"]["value"]["maximum"] == fields.FIGURE_MAX
    assert defs["figure"]["properties"]["kind"]["enum"] == list(IMPACT_KINDS)
    assert defs["factor"]["properties"]["kind"]["enum"] == list(FACTOR_KINDS)
    assert (defs["share"]["exclusiveMinimum"], defs["share"]["maximum"]) == (0, 100)
    first, last = DATE_YEARS
    for year, valid in ((first - 1, False), (first, True), (last, True), (last + 1, False)):
        assert bool(re.match(defs["date"]["pattern"], f"{year}-01-01")) is valid, year
        assert bool(re.match(defs["timestamp"]["pattern"], f"{year}-01-01T00:00:00Z")) is valid


def test_milestones_of_kinds_a_newer_exporter_adds_are_left_out_not_the_incident():
    incident = {
        "id": "PAY-NEW",
        "title": "Exported by a newer version",
        "date": "2024-01-01",
        "severity": "SEV2",
        "status": "published",
        "type": "incident",
        "url": "incidents/new.html#pay-new",
        "milestones": [
            {"milestone": "start", "time": "2024-01-01T10:00:00+00:00"},
            {"milestone": "escalate", "time": "2024-01-01T10:05:00+00:00"},
        ],
    }
    raw = json.dumps(_payload(incidents=[incident])).encode()
    data, problems = validate_payload(raw, "payments", BASE)
    assert problems == []
    [kept] = data["incidents"]
    assert kept["id"] == "PAY-NEW"
    assert [m["milestone"] for m in kept["milestones"]] == ["start"]


def test_a_milestone_that_is_not_a_name_still_skips_its_incident():
    incident = {
        "id": "PAY-BAD",
        "title": "Milestone kind is a number",
        "status": "published",
        "type": "incident",
        "url": "incidents/bad.html",
        "milestones": [{"milestone": 5, "time": "2024-01-01T10:00:00+00:00"}],
    }
    raw = json.dumps(_payload(incidents=[incident])).encode()
    data, problems = validate_payload(raw, "payments", BASE)
    assert data["incidents"] == []
    assert len(problems) == 1 and "milestones[0].milestone" in problems[0]
