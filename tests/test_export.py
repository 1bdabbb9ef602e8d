"""Export: ``postmortems.json`` written next to the HTML.

Every test builds a copy of ``tests/roots/test-export`` (project "Payments":
an outage with a Europe/Berlin timeline under ``incidents/`` that uses every
field of schema version 2 (impact, factors, roles, detection, review,
recovery steps), an end-of-project review, and a lesson on a page without an
incident).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support import ROOTS, builds
from support.warnings import warning_lines

from sphinx_postmortem.config import build_date

EXPORT = "postmortems.json"


@pytest.fixture
def build(make_app, tmp_path, monkeypatch):
    """``build(builder, name=..., **confoverrides)`` -> a built app of a fresh copy of the root."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def run(builder: str = "html", name: str = "src", parallel: int = 0, **conf: Any):
        srcdir = tmp_path / name
        if not srcdir.exists():
            shutil.copytree(ROOTS / "test-export", srcdir)
        app = make_app(builder, srcdir=srcdir, confoverrides=conf, parallel=parallel)
        app.build()
        return app

    return run


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``built(builder)``: one shared build of the root per builder, default settings."""
    apps: dict[str, Any] = {}

    def get(builder: str) -> Any:
        if builder not in apps:
            srcdir = tmp_path_factory.mktemp(f"shared-{builder}") / "src"
            shutil.copytree(ROOTS / "test-export", srcdir)
            with pytest.MonkeyPatch.context() as patch:
                patch.delenv("SOURCE_DATE_EPOCH", raising=False)
                apps[builder] = builds.build(srcdir, builder, freshenv=False).app
        return apps[builder]

    return get


def exported(app: Any) -> dict[str, Any]:
    return json.loads((Path(app.outdir) / EXPORT).read_text(encoding="utf-8"))


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


def schema() -> dict[str, Any]:
    """The JSON Schema shipped inside the installed package."""
    text = resources.files("sphinx_postmortem").joinpath("schema/postmortems.schema.json")
    return json.loads(text.read_text(encoding="utf-8"))


def schema_errors(document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


# -- content -------------------------------------------------------------------------


def test_export_written_at_output_root_with_top_level_fields(built):
    app = built("html")
    path = Path(app.outdir) / EXPORT
    assert path.is_file()
    data = exported(app)
    assert data["schema_version"] == 2
    assert data["project"] == "Payments"  # ``project`` from conf.py
    assert data["base_url"] is None  # no html_baseurl configured
    assert "generated" not in data  # no SOURCE_DATE_EPOCH: no build time
    assert sorted(i["id"] for i in data["incidents"]) == ["PAY-2024-003", "PAY-PRJ-LEDGER"]
    assert sorted(a["id"] for a in data["action_items"]) == [
        "PAY-2024-003-A1", "PAY-2024-003-A2", "PAY-PRJ-LEDGER-A1",
    ]
    assert sorted(le["title"] for le in data["lessons"]) == [
        "Dual writes caught drift early",
        "Nobody owned the certificate",
        "Runbooks age quickly",
        "The manual replacement was quick",
    ]
    assert not [w for w in warning_lines(app.warning) if "postmortem.import" in w]


def test_export_incident_header_fields(built):
    incident = by_id(exported(built("html"))["incidents"])["PAY-2024-003"]
    assert incident["id"] == "PAY-2024-003"
    assert incident["title"] == "Card authorisations failed in Zürich — “stale” certificate"
    assert incident["date"] == "2024-03-05"
    assert incident["severity"] == "SEV1"
    assert incident["status"] == "published"
    assert incident["type"] == "outage"
    assert incident["types"] == ["outage", "security"]
    assert incident["authors"] == ["Ana Silva", "Bo Chen"]
    assert incident["services"] == ["card-auth", "payments-gateway"]
    assert incident["tags"] == ["tls", "certificates"]
    assert incident["action_items"] == {"open": 1, "total": 2}
    assert incident["lessons"] == 2
    assert incident["url"] == "incidents/checkout.html#incident-PAY-2024-003"


def test_export_summary_is_plain_text(built):
    summary = by_id(exported(built("html"))["incidents"])["PAY-2024-003"]["summary"]
    assert " ".join(summary.split()) == (
        "The gateway kept a stale certificate; see cert-rotate and the runbook."
    )
    for markup in ("*", "``", "`", "<", "_", "https://runbooks"):
        assert markup not in summary


def test_export_metrics_in_seconds(built):
    incident = by_id(exported(built("html"))["incidents"])["PAY-2024-003"]
    # start 09:00+01:00, detect 09:05, ack 09:07, notify 09:20, mitigate 09:40 (90 %) and
    # 09:45, resolve 08:50 UTC (= 09:50+01:00); time to mitigate runs to the first step
    assert incident["metrics"] == {
        "impact_duration": 50 * 60,
        "time_to_detect": 5 * 60,
        "time_to_acknowledge": 2 * 60,
        "time_to_notify": 20 * 60,
        "time_to_mitigate": 40 * 60,
        "time_to_resolve": 50 * 60,
    }
    assert all(type(v) is int for v in incident["metrics"].values())


def test_export_milestones_are_iso_timestamps_with_offsets(built):
    incident = by_id(exported(built("html"))["incidents"])["PAY-2024-003"]
    assert incident["impact_start"] == "2024-03-05T09:00:00+01:00"
    milestones = incident["milestones"]
    assert [m["milestone"] for m in milestones] == [
        "start", "detect", "ack", "notify", "mitigate", "mitigate", "resolve",
    ]
    assert [m["time"] for m in milestones] == [
        "2024-03-05T09:00:00+01:00",
        "2024-03-05T09:05:00+01:00",
        "2024-03-05T09:07:00+01:00",
        "2024-03-05T09:20:00+01:00",
        "2024-03-05T09:40:00+01:00",
        "2024-03-05T09:45:00+01:00",
        "2024-03-05T08:50:00+00:00",
    ]
    start = dt.datetime.fromisoformat(incident["impact_start"])
    for milestone in milestones:
        moment = dt.datetime.fromisoformat(milestone["time"])
        assert moment.utcoffset() is not None, milestone
        assert milestone["offset"] == int((moment - start).total_seconds())
    assert [m["offset"] for m in milestones] == [0, 300, 420, 1200, 2400, 2700, 3000]


def test_export_recovery_steps_carry_their_share(built):
    milestones = by_id(exported(built("html"))["incidents"])["PAY-2024-003"]["milestones"]
    shares = [(m["milestone"], m["share"]) for m in milestones]
    assert shares[4:] == [("mitigate", 90), ("mitigate", None), ("resolve", None)]
    assert all(share is None for _name, share in shares[:4])


def test_export_detection_roles_and_review(built):
    incident = by_id(exported(built("html"))["incidents"])["PAY-2024-003"]
    assert incident["detected_by"] == "alert"
    assert incident["roles"] == {"commander": ["Dana Kim"], "communications": ["Priya Shah"]}
    assert incident["responders"] == ["Luis Ortega", "Sam Lee"]
    assert incident["reviewed"] == "2024-03-12"
    assert incident["reviewers"] == ["Reliability review board"]


def test_export_impact_figures_are_numbers_with_explicit_units(built):
    figures = by_id(exported(built("html"))["incidents"])["PAY-2024-003"]["impact"]
    assert figures == [
        {"metric": "customers", "label": "Customers affected", "unit": "customers",
         "kind": "count", "value": 6214, "text": "6,214"},
        {"metric": "requests", "label": "Failed requests", "unit": "requests",
         "kind": "count", "value": 1_200_000, "text": "1.2M"},
        {"metric": "revenue", "label": "Revenue lost", "unit": "USD",
         "kind": "money", "value": 12500.5, "text": "12,500.50"},
        {"metric": "error-budget", "label": "Error budget burned", "unit": "%",
         "kind": "percent", "value": 38, "text": "38%"},
        {"metric": "data-loss", "label": "Data lost", "unit": "",
         "kind": "bytes", "value": 0, "text": "none"},
    ]


def test_export_new_fields_are_empty_where_a_page_gives_none(built):
    review = by_id(exported(built("html"))["incidents"])["PAY-PRJ-LEDGER"]
    assert review["types"] == ["project"]
    assert review["impact"] == []
    assert review["detected_by"] is None and review["reviewed"] is None
    assert review["roles"] == {} and review["responders"] == [] and review["reviewers"] == []
    actions = by_id(exported(built("html"))["action_items"])
    assert actions["PAY-PRJ-LEDGER-A1"]["tags"] == []
    assert actions["PAY-PRJ-LEDGER-A1"]["services"] == []


def test_export_factors(built):
    factors = {f["title"]: f for f in exported(built("html"))["factors"]}
    assert set(factors) == {
        "The certificate expired unnoticed",
        "Nobody owned the shared certificate",
        "The runbook named an old host",
        "A spare certificate was at hand",
    }
    assert factors["The certificate expired unnoticed"] == {
        "title": "The certificate expired unnoticed",
        "kind": "trigger",
        "categories": ["monitoring-gap"],
        "body": "No alert watched the expiry date.",  # plain text, markup gone
        "incident": "PAY-2024-003",
        "url": "incidents/checkout.html#factor-The-certificate-expired-unnoticed",
    }
    assert factors["Nobody owned the shared certificate"]["kind"] == "root-cause"
    assert factors["Nobody owned the shared certificate"]["categories"] == [
        "process", "communication",
    ]
    assert factors["The runbook named an old host"]["kind"] == "contributing"  # the default
    assert factors["A spare certificate was at hand"]["categories"] == []


def test_export_project_review_without_timeline(built):
    review = by_id(exported(built("html"))["incidents"])["PAY-PRJ-LEDGER"]
    assert review["type"] == "project"
    assert review["severity"] is None
    assert review["status"] == "in-review"
    assert review["authors"] == ["Kim Park"]
    assert review["services"] == [] and review["tags"] == []
    assert review["impact_start"] is None
    assert review["metrics"] == {}
    assert review["milestones"] == []
    assert review["action_items"] == {"open": 1, "total": 1}
    assert review["lessons"] == 1
    assert review["summary"] == "Six months of migration, in review."


def test_export_action_items(built):
    actions = by_id(exported(built("html"))["action_items"])
    first = actions["PAY-2024-003-A1"]
    assert first == {
        "id": "PAY-2024-003-A1",
        "title": "Automate certificate rotation",
        "owner": "team-gateway",
        "type": "prevent",
        "priority": "P0",
        "due": "2024-04-01",
        "status": "open",
        "tracker": "GW-77",
        "tracker_url": "https://jira.example.com/browse/GW-77",
        "tags": ["tls", "automation"],
        "services": ["payments-gateway"],
        "body": "Rotate with cert-manager, see rotate.sh.",  # plain text, markup gone
        "incident": "PAY-2024-003",
        "url": "incidents/checkout.html#action-PAY-2024-003-A1",
    }
    second = actions["PAY-2024-003-A2"]
    assert second["status"] == "done"
    assert second["due"] is None and second["tracker"] is None and second["tracker_url"] is None
    assert second["body"] == ""
    assert second["incident"] == "PAY-2024-003"
    ledger = actions["PAY-PRJ-LEDGER-A1"]
    assert ledger["incident"] == "PAY-PRJ-LEDGER"
    assert ledger["status"] == "in-progress"
    assert ledger["url"] == "incidents/review.html#action-PAY-PRJ-LEDGER-A1"


def test_export_lessons(built):
    lessons = {le["title"]: le for le in exported(built("html"))["lessons"]}
    owned = lessons["Nobody owned the certificate"]
    assert owned["kind"] == "went-wrong"
    assert owned["tags"] == ["ownership", "tls"]
    assert owned["services"] == ["card-auth"]
    assert owned["incident"] == "PAY-2024-003"
    assert owned["url"].startswith("incidents/checkout.html#")
    # plain text: two paragraphs, no reST markup left
    paragraphs = [p.strip() for p in owned["body"].split("\n\n")]
    assert paragraphs == ["Ownership of shared certificates was unclear.",
                          "A second paragraph with code."]
    assert "**" not in owned["body"] and "``" not in owned["body"]
    assert lessons["Dual writes caught drift early"]["incident"] == "PAY-PRJ-LEDGER"
    assert lessons["Dual writes caught drift early"]["kind"] == "lucky"
    assert lessons["The manual replacement was quick"]["body"] == ""
    # a lesson on a page without an incident belongs to none
    orphan = lessons["Runbooks age quickly"]
    assert orphan["incident"] is None
    assert orphan["url"].startswith("notes.html#")


def test_export_project_name_override_and_base_url(build):
    data = exported(build(
        "html",
        postmortem_project_name="payments-team",
        html_baseurl="https://docs.example.com/payments/",
    ))
    assert data["project"] == "payments-team"
    assert data["base_url"] == "https://docs.example.com/payments/"
    assert schema_errors(data) == []


# -- URLs: html vs dirhtml ---------------------------------------------------------------


EXPECTED_URLS = {
    "html": {
        "PAY-2024-003": "incidents/checkout.html#incident-PAY-2024-003",
        "PAY-PRJ-LEDGER": "incidents/review.html#incident-PAY-PRJ-LEDGER",
        "PAY-2024-003-A1": "incidents/checkout.html#action-PAY-2024-003-A1",
        "Runbooks age quickly": "notes.html#",
    },
    "dirhtml": {
        "PAY-2024-003": "incidents/checkout/#incident-PAY-2024-003",
        "PAY-PRJ-LEDGER": "incidents/review/#incident-PAY-PRJ-LEDGER",
        "PAY-2024-003-A1": "incidents/checkout/#action-PAY-2024-003-A1",
        "Runbooks age quickly": "notes/#",
    },
}


def _page_of(outdir: Path, url: str) -> Path:
    path = url.split("#", 1)[0]
    return outdir / (path + "index.html" if path.endswith("/") or not path else path)


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_export_urls_match_builder_and_point_at_real_anchors(built, builder):
    app = built(builder)
    data = exported(app)
    urls = {r["id"]: r["url"] for r in data["incidents"] + data["action_items"]}
    urls.update({le["title"]: le["url"] for le in data["lessons"]})
    expected = EXPECTED_URLS[builder]
    for key in ("PAY-2024-003", "PAY-PRJ-LEDGER", "PAY-2024-003-A1"):
        assert urls[key] == expected[key]
    assert urls["Runbooks age quickly"].startswith(expected["Runbooks age quickly"])
    outdir = Path(app.outdir)
    for key, url in urls.items():
        assert "#" in url, (key, url)
        assert not url.startswith(("/", "http")), (key, url)  # relative to the output root
        page, anchor = _page_of(outdir, url), url.split("#", 1)[1]
        assert anchor, (key, url)
        assert page.is_file(), (key, url, page)
        assert f'id="{anchor}"' in page.read_text(encoding="utf-8"), (key, url)


# -- schema --------------------------------------------------------------------------


def test_shipped_schema_is_valid_draft_2020_12():
    document = schema()
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_export_validates_against_schema(build, builder, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717243200")
    data = exported(build(builder, html_baseurl="https://docs.example.com/payments/"))
    assert "generated" in data and data["base_url"]
    assert schema_errors(data) == []


def test_schema_check_is_not_vacuous(built):
    """The schema really rejects broken exports (so the validation test means something)."""
    data = exported(built("html"))
    assert schema_errors(data) == []
    broken = copy.deepcopy(data)
    broken["incidents"][0]["metrics"]["time_to_detect"] = "5m"
    assert schema_errors(broken)
    broken = copy.deepcopy(data)
    broken["incidents"][0]["milestones"][0]["time"] = "2024-03-05T09:00:00"  # no offset
    assert schema_errors(broken)
    broken = copy.deepcopy(data)
    broken["schema_version"] = 1
    assert schema_errors(broken)
    broken = copy.deepcopy(data)
    del broken["action_items"][0]["url"]
    assert schema_errors(broken)
    incident = next(i for i in data["incidents"] if i["impact"])
    for path, value in (
        (("impact", 0, "value"), "6214"),
        (("impact", 0, "kind"), "people"),
        (("milestones", 4, "share"), 140),
        (("milestones", 4, "share"), 0),
        (("roles", "commander"), "Dana Kim"),
    ):
        broken = copy.deepcopy(data)
        target = next(i for i in broken["incidents"] if i["id"] == incident["id"])
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert schema_errors(broken), path
    broken = copy.deepcopy(data)
    broken["factors"][0]["kind"] = "cause"
    assert schema_errors(broken)


# -- deterministic -----------------------------------------------------------------------


def test_export_is_deterministic_and_sorted(build, built):
    first = (Path(built("html").outdir) / EXPORT).read_bytes()
    second = (Path(build("html", name="b").outdir) / EXPORT).read_bytes()
    assert first == second
    data = json.loads(first)
    assert "generated" not in data
    # keys sorted, one record per line, records sorted
    lines = first.decode().splitlines()
    assert [json.loads(line.rstrip(",")) for line in lines if line.startswith("  {")] == [
        *data["action_items"], *data["factors"], *data["incidents"], *data["lessons"]
    ]
    assert [line.split('"')[1] for line in lines if line.startswith(' "')] == sorted(data)
    assert all(list(r) == sorted(r) for r in data["incidents"])
    ids = [i["id"] for i in data["incidents"]]
    assert ids == sorted(ids)
    action_ids = [a["id"] for a in data["action_items"]]
    assert action_ids == sorted(action_ids)
    factor_urls = [f["url"] for f in data["factors"]]
    assert factor_urls == sorted(factor_urls)
    # a second, incremental build of the same project leaves the file unchanged
    again = (Path(build("html", name="b").outdir) / EXPORT).read_bytes()
    assert again == first


def test_export_parallel_build_matches_serial(build, built):
    serial = (Path(built("html").outdir) / EXPORT).read_bytes()
    parallel = (Path(build("html", name="parallel", parallel=2).outdir) / EXPORT).read_bytes()
    assert parallel == serial


def test_generated_only_with_source_date_epoch(build, built, monkeypatch):
    without = exported(built("html"))
    assert "generated" not in without
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717243200")  # 2024-06-01T12:00:00Z
    first = build("html", name="epoch-a")
    data = exported(first)
    assert data["generated"] == "2024-06-01T12:00:00Z"
    second = build("html", name="epoch-b")
    assert (Path(first.outdir) / EXPORT).read_bytes() == (Path(second.outdir) / EXPORT).read_bytes()
    # apart from "generated", the content is the same as without the variable
    del data["generated"]
    assert data == without


# -- when nothing is written -----------------------------------------------------------


def test_export_disabled(build):
    app = build("html", postmortem_export=False)
    assert (Path(app.outdir) / "index.html").is_file()
    assert not (Path(app.outdir) / EXPORT).exists()
    assert not list(Path(app.srcdir).rglob(EXPORT))


def test_text_builder_writes_no_export(build):
    app = build("text")
    assert (Path(app.outdir) / "index.txt").is_file()
    assert not list(Path(app.srcdir).rglob(EXPORT))


# -- incremental -------------------------------------------------------------------------


def test_export_follows_an_edited_page(build):
    app = build("html", name="edit")
    assert by_id(exported(app)["incidents"])["PAY-2024-003"]["severity"] == "SEV1"
    page = Path(app.srcdir) / "incidents" / "checkout.rst"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(":severity: SEV1", ":severity: SEV3")
                    .replace("Automate certificate rotation", "Rotate certificates automatically")
                    .replace(":customers: 6,214", ":customers: 7,000")
                    .replace(":kind: trigger", ":kind: contributing"),
                    encoding="utf-8")
    again = exported(build("html", name="edit"))
    assert by_id(again["incidents"])["PAY-2024-003"]["severity"] == "SEV3"
    assert by_id(again["incidents"])["PAY-2024-003"]["impact"][0]["value"] == 7000
    assert "trigger" not in {f["kind"] for f in again["factors"]}
    assert by_id(again["action_items"])["PAY-2024-003-A1"]["title"] == (
        "Rotate certificates automatically"
    )


def test_export_drops_a_removed_page(build):
    app = build("html", name="remove")
    assert "Runbooks age quickly" in {le["title"] for le in exported(app)["lessons"]}
    srcdir = Path(app.srcdir)
    (srcdir / "notes.rst").unlink()
    index = srcdir / "index.rst"
    index.write_text(index.read_text(encoding="utf-8").replace("   notes\n", ""), encoding="utf-8")
    again = exported(build("html", name="remove"))
    assert "Runbooks age quickly" not in {le["title"] for le in again["lessons"]}
    assert {i["id"] for i in again["incidents"]} == {"PAY-2024-003", "PAY-PRJ-LEDGER"}


def test_source_date_epoch_in_milliseconds_is_ignored_everywhere(build, built, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717243200000")  # milliseconds: year 56386
    app = build("html", name="epoch-ms", html_baseurl="https://docs.example.com/payments/",
                postmortem_today=None)
    warnings = [w for w in warning_lines(app.warning) if "[postmortem.config]" in w]
    assert len(warnings) == 1, warnings
    assert "SOURCE_DATE_EPOCH '1717243200000' is not a whole number of seconds" in warnings[0]
    assert "ignored" in warnings[0] and "[postmortem.config]" in warnings[0]
    data = exported(app)
    assert "generated" not in data  # ignored, not used
    assert data["incidents"] == exported(built("html"))["incidents"]
    assert (Path(app.outdir) / "postmortems.atom").is_file()
    assert build_date(app.config) == dt.date.today().isoformat()


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        "red \x1b[31malert\x1b[0m",  # an ANSI colour code: escaped by JSON as \u001b
        "bell\x07",
        "backspace\x08",  # written by JSON as \b
        "form feed\x0c",  # written by JSON as \f
        "delete\x7f",  # C1 and DEL: written as they are
        "next line\x85",
        "surrogate \ud800",
        "non-character \uffff",
        "tab\tnew line\ncarriage return\r",  # allowed in XML
        "a backslash then b: \\b and \\u001b",  # looks like an escape, is text
    ],
)
def test_export_text_drops_what_xml_cannot_carry(text):
    """The text of the export equals the records cleaned string by string, for every
    kind of character XML 1.0 forbids and for text that only looks like one."""
    from sphinx_postmortem.exchange.export import dumps, export_text, xml_safe_data

    payload = {"lessons": [{"title": text, "tags": [text]}], text: text}
    written = export_text(payload)
    assert written == dumps(xml_safe_data(payload))
    for character in "\x1b\x07\x08\x0c\x7f\x85\ud800\uffff":
        assert character not in json.loads(written)["lessons"][0]["title"]


def _count_builds(monkeypatch) -> list[int]:
    """Count the exports built (not merely written) from now on."""
    from sphinx_postmortem.exchange import export

    calls: list[int] = []
    original = export.build_payload

    def counted(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(export, "build_payload", counted)
    return calls


def test_an_export_made_from_the_same_records_and_settings_is_not_built_again(
    build, monkeypatch
):
    first = build("html", name="same")
    target = Path(first.outdir) / EXPORT
    before = target.read_bytes()
    calls = _count_builds(monkeypatch)
    page = Path(first.srcdir) / "incidents" / "checkout.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more paragraph.\n", "utf-8")
    build("html", name="same")  # the page is read again; its records are the same
    assert calls == [] and target.read_bytes() == before


def test_the_export_is_built_again_when_anything_it_shows_may_differ(build, monkeypatch):
    first = build("html", name="again")
    target = Path(first.outdir) / EXPORT
    key = Path(first.doctreedir) / "postmortem-export-html.key"
    assert key.is_file()
    calls = _count_builds(monkeypatch)
    target.unlink()  # the export is gone
    build("html", name="again")
    assert len(calls) == 1 and target.is_file()
    key.write_bytes(b"\xff damaged")  # the key cannot be read
    build("html", name="again")
    assert len(calls) == 2
    moved = build("html", name="again", html_baseurl="https://docs.example.com/moved/")
    assert len(calls) == 3
    assert exported(moved)["base_url"] == "https://docs.example.com/moved/"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717243200")
    dated = build("html", name="again", html_baseurl="https://docs.example.com/moved/")
    assert len(calls) == 4 and exported(dated)["generated"] == "2024-06-01T12:00:00Z"
