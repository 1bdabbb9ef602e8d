"""Unit tests of ``sphinx_postmortem.rollups``: filter parsing, selection, sorting, grouping.

Pure functions over plain records, no Sphinx build. The contract
of the roll-ups: within one option the values are alternatives, options combine,
``-`` sorts descending, missing values sort last, ties are broken stably.
"""

from __future__ import annotations

import itertools
import random
from types import SimpleNamespace

import pytest

from sphinx_postmortem.selection.specs import (
    group_lessons,
    parse_spec,
    select_actions,
    select_incidents,
    select_lessons,
)
from sphinx_postmortem.selection.views import IncidentView

CONFIG = SimpleNamespace(
    postmortem_severities=["SEV1", "SEV2", "SEV3", "SEV4"],
    postmortem_statuses=["draft", "in-review", "published"],
    postmortem_types=["incident", "outage", "security", "data-loss", "project"],
    postmortem_action_types=["mitigate", "prevent", "detect", "process"],
    postmortem_priorities=["P0", "P1", "P2", "P3"],
    postmortem_timezone="UTC",
    postmortem_tracker_url=None,
    postmortem_today=None,
    project="unit",
)
TODAY = "2024-06-01"
KIND_NAMES = {"went-well": "What went well", "went-wrong": "What went wrong",
              "lucky": "Where we got lucky"}


def spec_of(directive: str, /, **options: str | None) -> dict:
    """parse_spec with ``group_by`` style keyword names turned into option names."""
    spec, problems = parse_spec(directive, {k.replace("_", "-"): v for k, v in options.items()},
                                CONFIG)
    assert problems == [], problems
    return spec


def problems_of(directive: str, /, **options: str | None) -> tuple[dict, list[str]]:
    return parse_spec(directive, {k.replace("_", "-"): v for k, v in options.items()}, CONFIG)


# -- records ---------------------------------------------------------------------------


def incident(id, title, date, severity, status, type, services=(), tags=(), docname=None):
    return {
        "id": id, "title": title, "date": date, "severity": severity, "status": status,
        "type": type, "authors": [], "services": list(services), "tags": list(tags),
        "summary": "", "docname": docname or id.lower(), "anchor": f"incident-{id}",
        "lineno": 3,
    }


I1 = incident("INC-1", "beta outage", "2024-03-01", "SEV2", "published", "outage",
              ["checkout-api"], ["deploy"], docname="d1")
I2 = incident("INC-2", "Alpha", "2024-05-01", "SEV1", "draft", "incident",
              ["auth"], ["Security"], docname="d2")
I3 = incident("INC-3", "gamma", "2024-05-01", "SEV3", "in-review", "security",
              ["auth", "checkout-api"], ["deploy", "security"], docname="d3")
I4 = incident("PRJ-1", "Delta review", "2024-01-10", None, "published", "project",
              docname="d4")
I5 = incident("INC-0", "epsilon", None, "SEV1", "published", "outage", ["dns"], ["dns"],
              docname="d5")

METRICS = {
    "INC-1": {"impact_duration": 600, "time_to_detect": 60},
    "INC-2": {"impact_duration": 3600, "time_to_detect": 300, "time_to_acknowledge": 60,
              "time_to_mitigate": 1200, "time_to_resolve": 3600},
    "INC-3": {"impact_duration": 60},
}


def views() -> list[IncidentView]:
    """The five incidents, in a deliberately unsorted order."""
    return [IncidentView(record=dict(i), metrics=dict(METRICS.get(i["id"], {})),
                         open_actions=1, total_actions=2, lessons=1)
            for i in (I3, I5, I1, I4, I2)]


def ids(selected) -> list[str]:
    return [v.record["id"] if isinstance(v, IncidentView) else v["id"] for v in selected]


BY_DOC = {i["docname"]: i for i in (I1, I2, I3, I4, I5)}


def incident_of(record):
    return BY_DOC.get(record["docname"])


def lesson(title, docname, kind, tags=(), lineno=10):
    return {"title": title, "kind": kind, "tags": list(tags), "body": f"{title} body",
            "docname": docname, "anchor": f"lesson-{title.replace(' ', '-')}", "lineno": lineno}


L1 = lesson("Canary skipped", "d1", "went-wrong", ["deploy", "config"], 10)
L2 = lesson("Rollback fast", "d1", "went-well", ["deploy"], 20)
L3 = lesson("Alert was late", "d2", "went-wrong", ["monitoring"], 5)
L4 = lesson("Lucky timing", "d3", "lucky", [], 7)
L5 = lesson("Plan ahead", "d4", "went-well", ["Planning", "deploy"], 3)
L6 = lesson("Orphan lesson", "notes", "went-well", ["misc"], 1)
LESSONS = [L6, L5, L4, L2, L3, L1]  # not in any meaningful order


def titles(lessons) -> list[str]:
    return [le["title"] for le in lessons]


def action(id, docname, owner, type, priority, due, status):
    return {"id": id, "title": f"do {id}", "owner": owner, "type": type, "priority": priority,
            "due": due, "status": status, "tracker": None, "tracker_url": None, "body": "",
            "docname": docname, "anchor": f"action-{id}", "lineno": 1}


A = action("INC-1-A1", "d1", "team-deploy", "prevent", "P1", "2024-04-15", "open")
B = action("INC-1-A2", "d1", "team-checkout", "mitigate", "P0", "2024-03-02", "done")
C = action("INC-2-A1", "d2", "Team-Auth", "detect", "P2", "2024-07-01", "in-progress")
D = action("INC-2-A2", "d2", "team-auth", "process", "P3", "2024-05-01", "wont-do")
E = action("INC-3-A1", "d3", "team-payments", "prevent", "P0", "2024-05-25", "open")
F = action("INC-3-A2", "d3", None, "detect", "P1", None, "open")
G = action("INC-3-A3", "d3", "team-deploy", "process", "P2", None, "in-progress")
H = action("PRJ-1-A1", "d4", "team-platform", "process", "P2", "2024-07-01", "open")
I = action("INC-2-A3", "d2", "team-auth", "process", None, None, "open")
J = action("INC-1-A3", "d1", "team-deploy", "mitigate", "P1", TODAY, "open")  # due today
ACTIONS = [H, I, G, F, E, D, C, B, A, J]


def action_ids(spec, actions=ACTIONS) -> list[str]:
    return ids(select_actions(actions, incident_of, spec, TODAY, CONFIG))


# -- parse_spec: good values -----------------------------------------------------------------


def test_incident_list_defaults_sort_newest_first_without_filters():
    spec = spec_of("incident-list")
    assert spec["sort"] == "date" and spec["descending"] is True
    for name in ("severity", "status", "type", "services", "tags", "since", "until", "limit"):
        assert name not in spec


def test_incident_list_parses_every_filter():
    spec = spec_of("incident-list", severity="sev1, SEV2", status="Published",
                   type="outage, INCIDENT", services="Checkout-API, dns", tags="Deploy",
                   since="2024-01-01", until="2024-12-31", sort="-date", limit="20",
                   columns="id, date, title, severity, status, services, duration, actions")
    assert spec["severity"] == ["SEV1", "SEV2"]  # configured spelling
    assert spec["status"] == ["published"]
    assert spec["type"] == ["outage", "incident"]
    assert spec["services"] == ["checkout-api", "dns"]
    assert spec["tags"] == ["deploy"]
    assert (spec["since"], spec["until"]) == ("2024-01-01", "2024-12-31")
    assert (spec["sort"], spec["descending"]) == ("date", True)
    assert spec["limit"] == 20
    assert spec["columns"] == ["id", "date", "title", "severity", "status", "services",
                               "duration", "actions"]


@pytest.mark.parametrize(
    ("option", "key", "descending"),
    [("date", "date", False), ("-date", "date", True), ("severity", "severity", False),
     ("-Severity", "severity", True), ("title", "title", False), ("-id", "id", True),
     ("status", "status", False), ("type", "type", False), ("duration", "duration", False),
     ("-ttd", "ttd", True), ("tta", "tta", False), ("ttm", "ttm", False),
     ("-ttr", "ttr", True)],
)
def test_incident_list_sort_option(option, key, descending):
    spec = spec_of("incident-list", sort=option)
    assert (spec["sort"], spec["descending"]) == (key, descending)


def test_incident_list_columns_keep_given_order():
    spec = spec_of("incident-list", columns="title, ID, tags, ttd, tta, ttm, ttr, lessons, "
                                           "type, authors")
    assert spec["columns"] == ["title", "id", "tags", "ttd", "tta", "ttm", "ttr", "lessons",
                               "type", "authors"]


def test_lesson_list_options():
    spec = spec_of("lesson-list", kind="Went-Wrong, lucky", tags="deploy", services="api",
                   severity="SEV1", since="2024-01-01", group_by="Tag", summary_only="",
                   limit="3")
    assert spec["kind"] == ["went-wrong", "lucky"]
    assert spec["tags"] == ["deploy"] and spec["services"] == ["api"]
    assert spec["severity"] == ["SEV1"] and spec["since"] == "2024-01-01"
    assert spec["group_by"] == "tag"
    assert spec["summary_only"] is True
    assert spec["limit"] == 3


def test_lesson_list_defaults_group_by_kind_with_bodies():
    spec = spec_of("lesson-list")
    assert spec["group_by"] == "kind"
    assert spec["summary_only"] is False
    assert "kind" not in spec and "limit" not in spec


@pytest.mark.parametrize("group", ["kind", "tag", "service", "incident", "none"])
def test_lesson_list_every_group_by(group):
    assert spec_of("lesson-list", group_by=group)["group_by"] == group


def test_action_item_list_defaults_to_open_and_in_progress_sorted_by_due():
    spec = spec_of("action-item-list")
    assert sorted(spec["status"]) == ["in-progress", "open"]
    assert spec["sort"] == "due"
    assert spec["overdue"] is False


@pytest.mark.parametrize("value", ["all", "ALL", " All "])
def test_action_item_list_status_all(value):
    spec = spec_of("action-item-list", status=value)
    assert sorted(spec["status"]) == ["done", "in-progress", "open", "wont-do"]


def test_action_item_list_options():
    spec = spec_of("action-item-list", status="Done, wont-do", owner="Team-Deploy, x",
                   type="prevent, Detect", priority="p0, P1", overdue="", sort="Priority",
                   limit="2")
    assert spec["status"] == ["done", "wont-do"]
    assert spec["owner"] == ["team-deploy", "x"]
    assert spec["type"] == ["prevent", "detect"]
    assert spec["priority"] == ["P0", "P1"]
    assert spec["overdue"] is True
    assert spec["sort"] == "priority"
    assert spec["limit"] == 2


@pytest.mark.parametrize("key", ["due", "priority", "owner", "incident"])
def test_action_item_list_every_sort(key):
    assert spec_of("action-item-list", sort=key)["sort"] == key


# -- parse_spec: bad values give problems, the rest still works ----------------------------


BAD_VALUES = [
    ("incident-list", {"severity": "SEV9"}, ["SEV9", "SEV1, SEV2, SEV3, SEV4"]),
    ("incident-list", {"status": "final"}, ["final", "draft, in-review, published"]),
    ("incident-list", {"type": "meltdown"}, ["meltdown", "incident, outage"]),
    ("incident-list", {"since": "2024-13-01"}, [":since:", "2024-13-01"]),
    ("incident-list", {"until": "yesterday"}, [":until:", "yesterday"]),
    ("incident-list", {"since": "2024-3-5"}, [":since:", "2024-3-5"]),
    ("incident-list", {"sort": "colour"}, ["colour"]),
    ("incident-list", {"sort": "-colour"}, ["colour"]),
    ("incident-list", {"columns": "id, colour"}, ["colour"]),
    ("incident-list", {"limit": "0"}, [":limit:", "0"]),
    ("incident-list", {"limit": "-3"}, [":limit:", "-3"]),
    ("incident-list", {"limit": "many"}, [":limit:", "many"]),
    ("incident-list", {"since": "2024-06-01", "until": "2024-01-01"},
     ["2024-06-01", "2024-01-01"]),
    ("lesson-list", {"kind": "meh"}, ["meh", "went-well, went-wrong, lucky"]),
    ("lesson-list", {"group-by": "planet"}, ["planet", "kind"]),
    ("lesson-list", {"severity": "SEV0"}, ["SEV0"]),
    ("lesson-list", {"since": "2024/01/01"}, [":since:", "2024/01/01"]),
    ("lesson-list", {"limit": "x"}, [":limit:"]),
    ("action-item-list", {"status": "closed"}, ["closed", "open, in-progress, done, wont-do"]),
    ("action-item-list", {"type": "fix"}, ["fix", "mitigate, prevent, detect, process"]),
    ("action-item-list", {"priority": "P9"}, ["P9", "P0, P1, P2, P3"]),
    ("action-item-list", {"sort": "cost"}, ["cost", "due"]),
    ("action-item-list", {"limit": "0"}, [":limit:"]),
]


@pytest.mark.parametrize(("kind", "options", "fragments"), BAD_VALUES,
                         ids=[f"{k}-{'-'.join(o)}" for k, o, _f in BAD_VALUES])
def test_bad_value_is_a_problem_naming_it(kind, options, fragments):
    spec, problems = parse_spec(kind, options, CONFIG)
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0]
    assert isinstance(spec, dict)


def test_bad_values_fall_back_to_something_usable():
    spec, problems = problems_of("incident-list", severity="SEV9, sev1", since="2024-13-01",
                                 sort="colour", columns="id, colour, title", limit="zero")
    assert len(problems) == 5
    assert spec["severity"] == ["SEV1"]  # the known value is kept
    assert "since" not in spec  # malformed date: filter ignored
    assert (spec["sort"], spec["descending"]) == ("date", True)  # default sort
    assert spec["columns"] == ["id", "title"]
    assert "limit" not in spec

    spec, problems = problems_of("lesson-list", group_by="planet", kind="meh, lucky")
    assert len(problems) == 2
    assert spec["group_by"] == "kind" and spec["kind"] == ["lucky"]

    spec, problems = problems_of("action-item-list", status="closed, done", sort="cost",
                                 priority="P9")
    assert len(problems) == 3
    assert spec["status"] == ["done"] and spec["sort"] == "due"


def test_every_problem_of_one_directive_is_reported():
    _spec, problems = problems_of("action-item-list", status="closed", type="fix",
                                  priority="P9", sort="cost", limit="0")
    assert len(problems) == 5


# -- select_incidents: filters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ["INC-2", "INC-3", "INC-1", "PRJ-1", "INC-0"]),
        ({"severity": "SEV1"}, ["INC-2", "INC-0"]),
        ({"severity": "sev1, SEV3"}, ["INC-2", "INC-3", "INC-0"]),
        ({"status": "published"}, ["INC-1", "PRJ-1", "INC-0"]),
        ({"status": "draft, in-review"}, ["INC-2", "INC-3"]),
        ({"type": "outage, incident"}, ["INC-2", "INC-1", "INC-0"]),
        ({"type": "project"}, ["PRJ-1"]),
        ({"services": "checkout-api"}, ["INC-3", "INC-1"]),
        ({"services": "DNS, auth"}, ["INC-2", "INC-3", "INC-0"]),
        ({"tags": "security"}, ["INC-2", "INC-3"]),  # INC-2 is tagged "Security"
        ({"tags": "deploy, dns"}, ["INC-3", "INC-1", "INC-0"]),
        ({"since": "2024-03-01"}, ["INC-2", "INC-3", "INC-1"]),  # inclusive, undated out
        ({"until": "2024-03-01"}, ["INC-1", "PRJ-1"]),
        ({"since": "2024-03-01", "until": "2024-04-30"}, ["INC-1"]),
        ({"severity": "SEV1, SEV2", "services": "checkout-api"}, ["INC-1"]),
        ({"severity": "SEV1", "status": "published"}, ["INC-0"]),
        ({"severity": "SEV4"}, []),
        ({"limit": "2"}, ["INC-2", "INC-3"]),
        ({"limit": "99"}, ["INC-2", "INC-3", "INC-1", "PRJ-1", "INC-0"]),
    ],
)
def test_select_incidents_filters(options, expected):
    spec = spec_of("incident-list", **options)
    assert ids(select_incidents(views(), spec, CONFIG)) == expected


def test_select_incidents_limit_applies_after_sorting():
    spec = spec_of("incident-list", sort="title", limit="2")
    assert ids(select_incidents(views(), spec, CONFIG)) == ["INC-2", "INC-1"]


# -- select_incidents: sorting ---------------------------------------------------------------

#: sort key -> (ascending order, descending order); missing values last, ties by id.
SORTS = {
    "date": (["PRJ-1", "INC-1", "INC-2", "INC-3", "INC-0"],
             ["INC-2", "INC-3", "INC-1", "PRJ-1", "INC-0"]),
    "id": (["INC-0", "INC-1", "INC-2", "INC-3", "PRJ-1"],
           ["PRJ-1", "INC-3", "INC-2", "INC-1", "INC-0"]),
    "title": (["INC-2", "INC-1", "PRJ-1", "INC-0", "INC-3"],
              ["INC-3", "INC-0", "PRJ-1", "INC-1", "INC-2"]),
    "severity": (["INC-0", "INC-2", "INC-1", "INC-3", "PRJ-1"],
                 ["INC-3", "INC-1", "INC-0", "INC-2", "PRJ-1"]),
    "status": (["INC-2", "INC-3", "INC-0", "INC-1", "PRJ-1"],
               ["INC-0", "INC-1", "PRJ-1", "INC-3", "INC-2"]),
    "type": (["INC-2", "INC-0", "INC-1", "PRJ-1", "INC-3"],
             ["INC-3", "PRJ-1", "INC-0", "INC-1", "INC-2"]),
    "duration": (["INC-3", "INC-1", "INC-2", "INC-0", "PRJ-1"],
                 ["INC-2", "INC-1", "INC-3", "INC-0", "PRJ-1"]),
    "ttd": (["INC-1", "INC-2", "INC-0", "INC-3", "PRJ-1"],
            ["INC-2", "INC-1", "INC-0", "INC-3", "PRJ-1"]),
    "tta": (["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
            ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"]),
    "ttm": (["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
            ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"]),
    "ttr": (["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
            ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"]),
}


@pytest.mark.parametrize("key", sorted(SORTS))
def test_select_incidents_sort_ascending(key):
    spec = spec_of("incident-list", sort=key)
    assert ids(select_incidents(views(), spec, CONFIG)) == SORTS[key][0]


@pytest.mark.parametrize("key", sorted(SORTS))
def test_select_incidents_sort_descending_keeps_missing_values_last(key):
    spec = spec_of("incident-list", sort=f"-{key}")
    assert ids(select_incidents(views(), spec, CONFIG)) == SORTS[key][1]


@pytest.mark.parametrize("key", sorted(SORTS))
def test_select_incidents_order_does_not_depend_on_input_order(key):
    for descending in ("", "-"):
        spec = spec_of("incident-list", sort=f"{descending}{key}")
        expected = ids(select_incidents(views(), spec, CONFIG))
        for permutation in itertools.permutations(views()):
            assert ids(select_incidents(list(permutation), spec, CONFIG)) == expected


def test_select_incidents_same_date_tie_broken_by_id_not_document():
    # Same date, ids ordered opposite to their document names.
    a = incident("INC-9", "a", "2024-02-02", "SEV1", "draft", "outage", docname="aaa")
    b = incident("INC-5", "b", "2024-02-02", "SEV1", "draft", "outage", docname="zzz")
    for order in ([a, b], [b, a]):
        chosen = select_incidents([IncidentView(record=r) for r in order],
                                  spec_of("incident-list"), CONFIG)
        assert ids(chosen) == ["INC-5", "INC-9"]


def test_select_incidents_does_not_modify_its_input():
    given = views()
    before = [v.record["id"] for v in given]
    select_incidents(given, spec_of("incident-list", sort="title", limit="1"), CONFIG)
    assert [v.record["id"] for v in given] == before


# -- select_lessons ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ["Alert was late", "Lucky timing", "Canary skipped", "Rollback fast", "Plan ahead",
              "Orphan lesson"]),
        ({"kind": "went-wrong, lucky"}, ["Alert was late", "Lucky timing", "Canary skipped"]),
        ({"kind": "went-well"}, ["Rollback fast", "Plan ahead", "Orphan lesson"]),
        ({"tags": "deploy"}, ["Canary skipped", "Rollback fast", "Plan ahead"]),
        ({"tags": "planning"}, ["Plan ahead"]),  # tagged "Planning"
        ({"kind": "went-wrong", "tags": "deploy"}, ["Canary skipped"]),
        ({"services": "checkout-api"}, ["Lucky timing", "Canary skipped", "Rollback fast"]),
        ({"severity": "SEV1"}, ["Alert was late"]),
        ({"severity": "SEV2, SEV3"}, ["Lucky timing", "Canary skipped", "Rollback fast"]),
        ({"type": "project"}, ["Plan ahead"]),
        ({"since": "2024-03-01"}, ["Alert was late", "Lucky timing", "Canary skipped",
                                   "Rollback fast"]),
        ({"until": "2024-03-01"}, ["Canary skipped", "Rollback fast", "Plan ahead"]),
        ({"since": "2024-03-02", "until": "2024-12-31", "kind": "lucky"}, ["Lucky timing"]),
        ({"kind": "lucky", "tags": "dns"}, []),
        ({"limit": "2"}, ["Alert was late", "Lucky timing"]),
    ],
)
def test_select_lessons_filters_and_order(options, expected):
    spec = spec_of("lesson-list", **options)
    assert titles(select_lessons(LESSONS, incident_of, spec)) == expected


def test_select_lessons_status_filter_applies_through_the_incident():
    # lesson-list accepts :status: (an incident filter); only INC-2 is a draft.
    spec = spec_of("lesson-list", status="draft")
    assert titles(select_lessons(LESSONS, incident_of, spec)) == ["Alert was late"]


def test_select_lessons_order_does_not_depend_on_input_order():
    spec = spec_of("lesson-list")
    expected = titles(select_lessons(LESSONS, incident_of, spec))
    rng = random.Random(3)
    for _ in range(50):
        shuffled = LESSONS[:]
        rng.shuffle(shuffled)
        assert titles(select_lessons(shuffled, incident_of, spec)) == expected


# -- group_lessons ---------------------------------------------------------------------------


def grouped(group_by: str) -> list[tuple[str, list[str]]]:
    chosen = select_lessons(LESSONS, incident_of, spec_of("lesson-list"))
    return [(heading, titles(group))
            for heading, group in group_lessons(chosen, incident_of, group_by, KIND_NAMES)]


def test_group_by_kind_uses_kind_names_in_kind_order():
    assert grouped("kind") == [
        ("What went well", ["Rollback fast", "Plan ahead", "Orphan lesson"]),
        ("What went wrong", ["Alert was late", "Canary skipped"]),
        ("Where we got lucky", ["Lucky timing"]),
    ]


def test_group_by_tag_lists_a_lesson_under_each_tag_groups_sorted():
    assert grouped("tag") == [
        ("config", ["Canary skipped"]),
        ("deploy", ["Canary skipped", "Rollback fast", "Plan ahead"]),
        ("misc", ["Orphan lesson"]),
        ("monitoring", ["Alert was late"]),
        ("Planning", ["Plan ahead"]),
        ("", ["Lucky timing"]),  # untagged lessons come last
    ]


def test_group_by_service_goes_through_the_incident():
    assert grouped("service") == [
        ("auth", ["Alert was late", "Lucky timing"]),
        ("checkout-api", ["Lucky timing", "Canary skipped", "Rollback fast"]),
        ("", ["Plan ahead", "Orphan lesson"]),
    ]


def test_group_by_incident_sorted_by_incident():
    assert grouped("incident") == [
        ("INC-1: beta outage", ["Canary skipped", "Rollback fast"]),
        ("INC-2: Alpha", ["Alert was late"]),
        ("INC-3: gamma", ["Lucky timing"]),
        ("PRJ-1: Delta review", ["Plan ahead"]),
        ("", ["Orphan lesson"]),
    ]


def test_group_by_none_is_one_group_in_selection_order():
    assert grouped("none") == [("", ["Alert was late", "Lucky timing", "Canary skipped",
                                     "Rollback fast", "Plan ahead", "Orphan lesson"])]


def test_group_of_a_single_kind_only_shows_that_kind():
    chosen = select_lessons(LESSONS, incident_of, spec_of("lesson-list", kind="lucky"))
    groups = group_lessons(chosen, incident_of, "kind", KIND_NAMES)
    assert [(h, titles(g)) for h, g in groups] == [("Where we got lucky", ["Lucky timing"])]


# -- select_actions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # default: open + in-progress, by due date, undated last (then by priority)
        ({}, ["INC-1-A1", "INC-3-A1", "INC-1-A3", "INC-2-A1", "PRJ-1-A1", "INC-3-A2",
              "INC-3-A3", "INC-2-A3"]),
        ({"status": "all"}, ["INC-1-A2", "INC-1-A1", "INC-2-A2", "INC-3-A1", "INC-1-A3",
                             "INC-2-A1", "PRJ-1-A1", "INC-3-A2", "INC-3-A3", "INC-2-A3"]),
        ({"status": "done, wont-do"}, ["INC-1-A2", "INC-2-A2"]),
        ({"status": "in-progress"}, ["INC-2-A1", "INC-3-A3"]),
        ({"owner": "team-deploy"}, ["INC-1-A1", "INC-1-A3", "INC-3-A3"]),
        ({"owner": "TEAM-AUTH"}, ["INC-2-A1", "INC-2-A3"]),  # case-insensitive
        ({"owner": "team-auth", "status": "all"}, ["INC-2-A2", "INC-2-A1", "INC-2-A3"]),
        ({"type": "prevent"}, ["INC-1-A1", "INC-3-A1"]),
        ({"type": "detect, process"}, ["INC-2-A1", "PRJ-1-A1", "INC-3-A2", "INC-3-A3",
                                       "INC-2-A3"]),
        ({"priority": "P0, P1"}, ["INC-1-A1", "INC-3-A1", "INC-1-A3", "INC-3-A2"]),
        # overdue: open, due strictly before today (due today is not overdue; wont-do never)
        ({"overdue": ""}, ["INC-1-A1", "INC-3-A1"]),
        ({"overdue": "", "status": "all"}, ["INC-1-A1", "INC-3-A1"]),
        ({"owner": "team-deploy", "type": "prevent", "priority": "P0, P1", "overdue": ""},
         ["INC-1-A1"]),
        ({"owner": "nobody"}, []),
        ({"limit": "3"}, ["INC-1-A1", "INC-3-A1", "INC-1-A3"]),
        ({"tags": "security"}, ["INC-3-A1", "INC-2-A1", "INC-3-A2", "INC-3-A3", "INC-2-A3"]),
    ],
)
def test_select_actions_filters(options, expected):
    assert action_ids(spec_of("action-item-list", **options)) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("due", ["INC-1-A1", "INC-3-A1", "INC-1-A3", "INC-2-A1", "PRJ-1-A1", "INC-3-A2",
                 "INC-3-A3", "INC-2-A3"]),
        ("priority", ["INC-3-A1", "INC-1-A1", "INC-1-A3", "INC-3-A2", "INC-2-A1", "PRJ-1-A1",
                      "INC-3-A3", "INC-2-A3"]),
        ("owner", ["INC-2-A1", "INC-2-A3", "INC-1-A1", "INC-1-A3", "INC-3-A3", "INC-3-A1",
                   "PRJ-1-A1", "INC-3-A2"]),
        ("incident", ["INC-1-A1", "INC-1-A3", "INC-2-A1", "INC-2-A3", "INC-3-A1", "INC-3-A2",
                      "INC-3-A3", "PRJ-1-A1"]),
    ],
)
def test_select_actions_sort(key, expected):
    assert action_ids(spec_of("action-item-list", sort=key)) == expected


@pytest.mark.parametrize("key", ["due", "priority", "owner", "incident"])
def test_select_actions_order_does_not_depend_on_input_order(key):
    spec = spec_of("action-item-list", sort=key, status="all")
    expected = action_ids(spec)
    rng = random.Random(key)
    for _ in range(50):
        shuffled = ACTIONS[:]
        rng.shuffle(shuffled)
        assert action_ids(spec, shuffled) == expected


def test_select_actions_undated_items_sort_after_dated_ones():
    spec = spec_of("action-item-list", status="all", sort="due")
    chosen = select_actions(ACTIONS, incident_of, spec, TODAY, CONFIG)
    dues = [a["due"] for a in chosen]
    first_undated = dues.index(None)
    assert all(d is None for d in dues[first_undated:])
    assert dues[:first_undated] == sorted(dues[:first_undated])


def test_select_actions_overdue_uses_the_given_build_date():
    spec = spec_of("action-item-list", overdue="")
    assert ids(select_actions(ACTIONS, incident_of, spec, "2024-01-01", CONFIG)) == []
    assert ids(select_actions(ACTIONS, incident_of, spec, "2024-07-02", CONFIG)) == [
        "INC-1-A1", "INC-3-A1", "INC-1-A3", "INC-2-A1", "PRJ-1-A1"]
