"""The typed roll-up specs of ``sphinx_postmortem.selection.specs``: parsing, selecting, grouping.

Most tests are pure functions over plain records, no Sphinx build: a spec is
parsed from a roll-up's options (``parse_spec``), then its ``select()`` picks
the records. The contract of the roll-ups: within one option the values are
alternatives, options combine, ``-`` sorts descending, missing values sort last,
ties are broken stably; ``:tags:`` and ``:services:`` follow the one rule of
``selection/filters.py`` in every roll-up. A spec is frozen, hashable and
picklable (it travels on the placeholder in pickled doctrees). One small build
checks that ``parse_rollups`` warns at the roll-up's own line.
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from support.builds import build
from support.warnings import assert_warned, parse_warnings

from sphinx_postmortem.nodes import rollup
from sphinx_postmortem.selection.filters import IncidentFilter
from sphinx_postmortem.selection.specs import (
    SPECS,
    ActionItemListSpec,
    FactorListSpec,
    IncidentListSpec,
    LessonListSpec,
    RollupSpec,
    StatsSpec,
    group_lessons,
    parse_spec,
    select_incidents,
)
from sphinx_postmortem.selection.views import IncidentView
from sphinx_postmortem.settings import settings

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
SETTINGS = settings(CONFIG)
TODAY = "2024-06-01"
KIND_NAMES = {
    "went-well": "What went well",
    "went-wrong": "What went wrong",
    "lucky": "Where we got lucky",
}


def option_names(options: dict[str, str | None]) -> dict[str, str | None]:
    """``group_by`` style keyword names turned into option names (``group-by``)."""
    return {name.replace("_", "-"): value for name, value in options.items()}


def spec_of(directive: str, /, **options: str | None) -> Any:
    """The spec of a roll-up with these options, which must give no problem."""
    spec, problems = parse_spec(directive, option_names(options), CONFIG)
    assert problems == [], problems
    assert isinstance(spec, SPECS[directive])
    return spec


def problems_of(directive: str, /, **options: str | None) -> tuple[Any, list[str]]:
    return parse_spec(directive, option_names(options), CONFIG)


# -- records ---------------------------------------------------------------------------


def incident(
    id: str,
    title: str,
    date: str | None,
    severity: str | None,
    status: str,
    type: str,
    services: Sequence[str] = (),
    tags: Sequence[str] = (),
    docname: str | None = None,
    *,
    types: Sequence[str] = (),
    detected_by: str | None = None,
    commander: Sequence[str] = (),
) -> dict[str, Any]:
    return {
        "id": id,
        "title": title,
        "date": date,
        "severity": severity,
        "status": status,
        "type": type,
        "types": list(types or [type]),
        "authors": [],
        "services": list(services),
        "tags": list(tags),
        "summary": "",
        "detected_by": detected_by,
        "roles": {"commander": list(commander)} if commander else {},
        "responders": [],
        "reviewed": None,
        "reviewers": [],
        "docname": docname or id.lower(),
        "anchor": f"incident-{id}",
        "lineno": 3,
    }


I1 = incident(
    "INC-1",
    "beta outage",
    "2024-03-01",
    "SEV2",
    "published",
    "outage",
    ["checkout-api"],
    ["deploy"],
    docname="d1",
    detected_by="alert",
    commander=["Dana Kim"],
)
I2 = incident(
    "INC-2",
    "Alpha",
    "2024-05-01",
    "SEV1",
    "draft",
    "incident",
    ["auth"],
    ["Security"],
    "d2",
    types=["incident", "security"],
    detected_by="customer",
)
I3 = incident(
    "INC-3",
    "gamma",
    "2024-05-01",
    "SEV3",
    "in-review",
    "security",
    ["auth", "checkout-api"],
    ["deploy", "security"],
    docname="d3",
    detected_by="alert",
)
I4 = incident("PRJ-1", "Delta review", "2024-01-10", None, "published", "project", docname="d4")
I5 = incident("INC-0", "epsilon", None, "SEV1", "published", "outage", ["dns"], ["dns"], "d5")

METRICS = {
    "INC-1": {"impact_duration": 600, "time_to_detect": 60, "time_to_notify": 900},
    "INC-2": {
        "impact_duration": 3600,
        "time_to_detect": 300,
        "time_to_acknowledge": 60,
        "time_to_notify": 120,
        "time_to_mitigate": 1200,
        "time_to_resolve": 3600,
    },
    "INC-3": {"impact_duration": 60},
}


def figure(metric: str, value: int | float | None, text: str) -> dict[str, Any]:
    """An impact figure of a default metric."""
    label, unit, kind = SETTINGS.impact_metrics[metric]
    return {
        "metric": metric,
        "label": label,
        "unit": unit,
        "kind": kind,
        "value": value,
        "text": text,
    }


#: incident id -> its impact figures.
IMPACT = {
    "INC-1": [figure("customers", 6214, "6214"), figure("revenue", 12500, "12,500")],
    "INC-2": [figure("customers", 1_200_000, "1.2M")],
    "INC-0": [figure("customers", 0, "none")],
}


def views() -> list[IncidentView]:
    """The five incidents, in a deliberately unsorted order."""
    return [
        IncidentView(
            record=dict(i),  # type: ignore[arg-type]
            metrics=dict(METRICS.get(i["id"], {})),
            open_actions=1,
            total_actions=2,
            lessons=1,
            impact=IMPACT.get(i["id"], []),  # type: ignore[arg-type]
        )
        for i in (I3, I5, I1, I4, I2)
    ]


def ids(selected: Iterable[Any]) -> list[str]:
    return [v.record["id"] if isinstance(v, IncidentView) else v["id"] for v in selected]


BY_DOC = {i["docname"]: i for i in (I1, I2, I3, I4, I5)}


def incident_of(record: Any) -> Any:
    return BY_DOC.get(record["docname"])


def lesson(
    title: str,
    docname: str,
    kind: str,
    tags: Sequence[str] = (),
    lineno: int = 10,
    services: Sequence[str] = (),
) -> dict[str, Any]:
    return {
        "title": title,
        "kind": kind,
        "tags": list(tags),
        "services": list(services),
        "body": f"{title} body",
        "docname": docname,
        "anchor": f"lesson-{title.replace(' ', '-')}",
        "lineno": lineno,
    }


L1 = lesson("Canary skipped", "d1", "went-wrong", ["deploy", "config"], 10)
L2 = lesson("Rollback fast", "d1", "went-well", ["deploy"], 20, ["deploy-tool"])  # own service
L3 = lesson("Alert was late", "d2", "went-wrong", ["monitoring"], 5)
L4 = lesson("Lucky timing", "d3", "lucky", [], 7)
L5 = lesson("Plan ahead", "d4", "went-well", ["Planning", "deploy"], 3)
L6 = lesson("Orphan lesson", "notes", "went-well", ["misc"], 1)
LESSONS = [L6, L5, L4, L2, L3, L1]  # not in any meaningful order


def titles(lessons: Iterable[Any]) -> list[str]:
    return [le["title"] for le in lessons]


def action(
    id: str,
    docname: str,
    owner: str | None,
    type: str,
    priority: str | None,
    due: str | None,
    status: str,
    tags: Sequence[str] = (),
    services: Sequence[str] = (),
) -> dict[str, Any]:
    return {
        "id": id,
        "title": f"do {id}",
        "owner": owner,
        "type": type,
        "priority": priority,
        "due": due,
        "status": status,
        "tracker": None,
        "tracker_url": None,
        "tags": list(tags),
        "services": list(services),
        "body": "",
        "docname": docname,
        "anchor": f"action-{id}",
        "lineno": 1,
    }


ACTIONS = [  # not in any meaningful order
    action("PRJ-1-A1", "d4", "team-platform", "process", "P2", "2024-07-01", "open"),
    action("INC-2-A3", "d2", "team-auth", "process", None, None, "open"),
    action(
        "INC-3-A3",
        "d3",
        "team-deploy",
        "process",
        "P2",
        None,
        "in-progress",
        services=["deploy-tool"],
    ),
    action("INC-3-A2", "d3", None, "detect", "P1", None, "open", tags=["alerting"]),
    action("INC-3-A1", "d3", "team-payments", "prevent", "P0", "2024-05-25", "open"),
    action("INC-2-A2", "d2", "team-auth", "process", "P3", "2024-05-01", "wont-do"),
    action("INC-2-A1", "d2", "Team-Auth", "detect", "P2", "2024-07-01", "in-progress"),
    action("INC-1-A2", "d1", "team-checkout", "mitigate", "P0", "2024-03-02", "done"),
    action("INC-1-A1", "d1", "team-deploy", "prevent", "P1", "2024-04-15", "open"),
    action("INC-1-A3", "d1", "team-deploy", "mitigate", "P1", TODAY, "open"),  # due today
]
#: An open, dated item on a page without an incident, with a tag of its own.
ORPHAN_ACTION = action(
    "NOTE-A1", "notes", "team-deploy", "prevent", "P1", "2024-04-01", "open", tags=["misc"]
)


def factor(
    title: str, docname: str, kind: str, categories: Sequence[str], lineno: int = 10
) -> dict[str, Any]:
    return {
        "title": title,
        "kind": kind,
        "categories": list(categories),
        "body": "",
        "docname": docname,
        "anchor": f"factor-{title.replace(' ', '-')}",
        "lineno": lineno,
    }


FACTORS = [  # not in any meaningful order
    factor("Note factor", "notes", "contributing", ["process"], 1),
    factor("Flag limited impact", "d1", "mitigator", [], 30),
    factor("Retry storm", "d3", "contributing", ["capacity", "latent-bug"], 20),
    factor("Canary skipped", "d1", "trigger", ["change-management", "process"], 10),
    factor("Alert too late", "d2", "contributing", ["monitoring-gap"], 12),
    factor("Token cache expired", "d3", "root-cause", ["latent-bug", "configuration"], 9),
]


def action_ids(spec: ActionItemListSpec, actions: Sequence[Any] = ACTIONS) -> list[str]:
    return ids(spec.select(actions, incident_of, TODAY, SETTINGS))


def incident_ids(spec: IncidentListSpec | StatsSpec, given: Iterable[IncidentView] = ()) -> list:
    return ids(spec.select(list(given) or views(), SETTINGS))


def lesson_titles(spec: LessonListSpec, lessons: Sequence[Any] = LESSONS) -> list[str]:
    return titles(spec.select(lessons, incident_of))


def selected(spec: RollupSpec) -> list[str]:
    """What a spec of any roll-up keeps of the same records: ids, or titles of lessons.

    The action items include one on a page without an incident.
    """
    if isinstance(spec, LessonListSpec):
        return lesson_titles(spec)
    if isinstance(spec, ActionItemListSpec):
        return action_ids(spec, [*ACTIONS, ORPHAN_ACTION])
    if isinstance(spec, FactorListSpec):
        return titles(spec.select(FACTORS, incident_of))
    assert isinstance(spec, (IncidentListSpec, StatsSpec))
    return incident_ids(spec)


# -- parse_spec: good values -----------------------------------------------------------------


def test_incident_list_defaults_sort_newest_first_without_filters():
    spec = spec_of("incident-list")
    assert spec.sort == "date" and spec.descending is True
    for name in ("severity", "status", "type", "services", "tags", "since", "until"):
        assert getattr(spec.incidents, name) is None, name
    assert spec.incidents == IncidentFilter()
    assert spec.limit is None and spec.projects is None and spec.columns is None


#: Columns named in a roll-up's option, already in their canonical spelling.
COLUMNS = "id, date, title, severity, status, services, duration, actions"


def test_incident_list_parses_every_filter():
    spec = spec_of(
        "incident-list",
        severity="sev1, SEV2",
        status="Published",
        type="outage, INCIDENT",
        services="Checkout-API, dns",
        tags="Deploy",
        since="2024-01-01",
        until="2024-12-31",
        sort="-date",
        limit="20",
        columns=COLUMNS,
    )
    filters = spec.incidents
    assert filters.severity == ("SEV1", "SEV2")  # configured spelling
    assert filters.status == ("published",)
    assert filters.type == ("outage", "incident")
    assert filters.services == ("checkout-api", "dns")
    assert filters.tags == ("deploy",)
    assert (filters.since, filters.until) == ("2024-01-01", "2024-12-31")
    assert (spec.sort, spec.descending) == ("date", True)
    assert spec.limit == 20
    assert spec.columns == tuple(COLUMNS.split(", "))


@pytest.mark.parametrize(
    ("option", "key", "descending"),
    [
        ("date", "date", False),
        ("-date", "date", True),
        ("severity", "severity", False),
        ("-Severity", "severity", True),
        ("title", "title", False),
        ("-id", "id", True),
        ("status", "status", False),
        ("type", "type", False),
        ("duration", "duration", False),
        ("-ttd", "ttd", True),
        ("tta", "tta", False),
        ("ttm", "ttm", False),
        ("-ttr", "ttr", True),
    ],
)
def test_incident_list_sort_option(option, key, descending):
    spec = spec_of("incident-list", sort=option)
    assert (spec.sort, spec.descending) == (key, descending)


def test_incident_list_columns_of_detection_roles_and_impact():
    spec = spec_of(
        "incident-list",
        columns="ID, Detected-By, commander, role:Scribe, Impact:Customers, ttn, types",
        sort="-impact:revenue",
    )
    assert spec.columns == (
        "id",
        "detected-by",
        "commander",
        "role:scribe",
        "impact:customers",
        "ttn",
        "types",
    )
    assert (spec.sort, spec.descending) == ("impact:revenue", True)


def test_incident_list_columns_keep_given_order():
    spec = spec_of(
        "incident-list", columns="title, ID, tags, ttd, tta, ttm, ttr, lessons, type, authors"
    )
    assert spec.columns == (
        "title",
        "id",
        "tags",
        "ttd",
        "tta",
        "ttm",
        "ttr",
        "lessons",
        "type",
        "authors",
    )


def test_lesson_list_options():
    spec = spec_of(
        "lesson-list",
        kind="Went-Wrong, lucky",
        tags="deploy",
        services="api",
        severity="SEV1",
        since="2024-01-01",
        group_by="Tag",
        summary_only="",
        limit="3",
    )
    assert spec.lesson_kinds == ("went-wrong", "lucky")
    assert spec.incidents.tags == ("deploy",) and spec.incidents.services == ("api",)
    assert spec.incidents.severity == ("SEV1",) and spec.incidents.since == "2024-01-01"
    assert spec.group_by == "tag"
    assert spec.summary_only is True
    assert spec.limit == 3


def test_lesson_list_defaults_group_by_kind_with_bodies():
    spec = spec_of("lesson-list")
    assert spec.group_by == "kind"
    assert spec.summary_only is False
    assert spec.lesson_kinds is None and spec.limit is None


@pytest.mark.parametrize("group", ["kind", "tag", "service", "incident", "none"])
def test_lesson_list_every_group_by(group):
    assert spec_of("lesson-list", group_by=group).group_by == group


def test_action_item_list_defaults_to_open_and_in_progress_sorted_by_due():
    spec = spec_of("action-item-list")
    assert sorted(spec.status) == ["in-progress", "open"]
    assert spec.sort == "due"
    assert spec.overdue is False


@pytest.mark.parametrize("value", ["all", "ALL", " All "])
def test_action_item_list_status_all(value):
    spec = spec_of("action-item-list", status=value)
    assert sorted(spec.status) == ["done", "in-progress", "open", "wont-do"]


def test_action_item_list_options():
    spec = spec_of(
        "action-item-list",
        status="Done, wont-do",
        owner="Team-Deploy, x",
        type="prevent, Detect",
        priority="p0, P1",
        overdue="",
        sort="Priority",
        limit="2",
    )
    assert spec.status == ("done", "wont-do")
    assert spec.owners == ("team-deploy", "x")
    assert spec.types == ("prevent", "detect")
    assert spec.priorities == ("P0", "P1")
    assert spec.overdue is True
    assert spec.sort == "priority"
    assert spec.limit == 2


def test_action_item_list_services_and_tags_are_read_case_folded():
    spec = spec_of("action-item-list", services="Checkout-API, dns", tags="Deploy")
    assert spec.incidents == IncidentFilter(services=("checkout-api", "dns"), tags=("deploy",))


@pytest.mark.parametrize("key", ["due", "priority", "owner", "incident"])
def test_action_item_list_every_sort(key):
    assert spec_of("action-item-list", sort=key).sort == key


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
    ("incident-list", {"detected-by": "pager"}, ["pager", "alert, customer, employee"]),
    (
        "incident-list",
        {"columns": "id, impact:happiness"},
        ["impact:happiness", "impact:customers"],
    ),
    ("incident-list", {"columns": "role:pilot"}, ["role:pilot", "role:commander"]),
    ("incident-list", {"sort": "impact:happiness"}, ["impact:happiness", "impact:revenue"]),
    ("incident-list", {"limit": "-3"}, [":limit:", "-3"]),
    ("incident-list", {"limit": "many"}, [":limit:", "many"]),
    (
        "incident-list",
        {"since": "2024-06-01", "until": "2024-01-01"},
        ["2024-06-01", "2024-01-01"],
    ),
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


@pytest.mark.parametrize(
    ("kind", "options", "fragments"),
    BAD_VALUES,
    ids=[f"{k}-{'-'.join(o)}" for k, o, _f in BAD_VALUES],
)
def test_bad_value_is_a_problem_naming_it(kind, options, fragments):
    spec, problems = parse_spec(kind, options, CONFIG)
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0]
    assert type(spec) is SPECS[kind]


def test_bad_values_fall_back_to_something_usable():
    spec, problems = problems_of(
        "incident-list",
        severity="SEV9, sev1",
        since="2024-13-01",
        sort="colour",
        columns="id, colour, title",
        limit="zero",
    )
    assert len(problems) == 5
    assert spec.incidents.severity == ("SEV1",)  # the known value is kept
    assert spec.incidents.since is None  # malformed date: filter ignored
    assert (spec.sort, spec.descending) == ("date", True)  # default sort
    assert spec.columns == ("id", "title")
    assert spec.limit is None

    spec, problems = problems_of("lesson-list", group_by="planet", kind="meh, lucky")
    assert len(problems) == 2
    assert spec.group_by == "kind" and spec.lesson_kinds == ("lucky",)

    spec, problems = problems_of(
        "action-item-list", status="closed, done", sort="cost", priority="P9"
    )
    assert len(problems) == 3
    assert spec.status == ("done",) and spec.sort == "due"


def test_every_problem_of_one_directive_is_reported():
    _spec, problems = problems_of(
        "action-item-list", status="closed", type="fix", priority="P9", sort="cost", limit="0"
    )
    assert len(problems) == 5


# -- specs are values: frozen, hashable, picklable -------------------------------------------


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_spec_is_frozen_hashable_and_survives_pickling(kind):
    spec = spec_of(kind, services="Auth", tags="deploy, dns", limit="3")
    twin = spec_of(kind, services="auth", tags="Deploy, DNS", limit="3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.limit = 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.incidents.tags = ("other",)
    assert spec == twin and hash(spec) == hash(twin) and len({spec, twin}) == 1
    assert spec != spec_of(kind, services="auth", tags="deploy", limit="3")
    copy = pickle.loads(pickle.dumps(spec))
    assert type(copy) is type(spec) and copy == spec and hash(copy) == hash(spec)
    # As it travels: on the roll-up placeholder of a pickled doctree.
    node = pickle.loads(pickle.dumps(rollup(kind=kind, spec=spec, docname="index")))
    assert node["spec"] == spec


# -- :tags: and :services: follow one rule in every roll-up ---------------------------------

#: roll-up -> what it keeps of the shared records with ``:tags: Deploy, misc``.
#: Every record by its own tags, else its incident's: "Lucky timing" (untagged,
#: on a deploy-tagged incident) is in, and so are "Orphan lesson" and NOTE-A1
#: (tagged misc, on a page without an incident); INC-3-A2 (tagged alerting, on
#: a deploy-tagged incident) is out; factors have their incident's tags.
BY_TAGS = {
    "incident-list": ["INC-3", "INC-1"],
    "postmortem-stats": ["INC-3", "INC-1"],
    "lesson-list": [
        "Lucky timing",
        "Canary skipped",
        "Rollback fast",
        "Plan ahead",
        "Orphan lesson",
    ],
    "action-item-list": ["NOTE-A1", "INC-1-A1", "INC-3-A1", "INC-1-A3", "INC-3-A3"],
    "factor-list": ["Token cache expired", "Retry storm", "Canary skipped", "Flag limited impact"],
}

#: roll-up -> what it keeps with ``:services: Checkout-API``: records whose own
#: services, else their incident's, list it ("Rollback fast" and INC-3-A3 name
#: another service of their own); never one without services and incident.
BY_SERVICES = {
    "incident-list": ["INC-3", "INC-1"],
    "postmortem-stats": ["INC-3", "INC-1"],
    "lesson-list": ["Lucky timing", "Canary skipped"],
    "action-item-list": ["INC-1-A1", "INC-3-A1", "INC-1-A3", "INC-3-A2"],
    "factor-list": ["Token cache expired", "Retry storm", "Canary skipped", "Flag limited impact"],
}


def test_every_rollup_kind_is_checked_for_the_tags_and_services_rule():
    assert set(BY_TAGS) == set(BY_SERVICES) == set(SPECS)


@pytest.mark.parametrize("kind", sorted(BY_TAGS))
def test_tags_follow_the_one_rule_in_every_rollup(kind):
    assert selected(spec_of(kind, tags="Deploy, misc")) == BY_TAGS[kind]


@pytest.mark.parametrize("kind", sorted(BY_SERVICES))
def test_services_follow_the_one_rule_in_every_rollup(kind):
    assert selected(spec_of(kind, services="Checkout-API")) == BY_SERVICES[kind]


def test_action_item_list_services_keep_items_whose_own_or_incident_services_match():
    everything = [*ACTIONS, ORPHAN_ACTION]
    assert "NOTE-A1" in action_ids(spec_of("action-item-list"), everything)  # open, dated
    # INC-3-A3 names a service of its own (deploy-tool), so its incident's do not count.
    spec = spec_of("action-item-list", services="DNS, auth")
    assert action_ids(spec, everything) == ["INC-3-A1", "INC-2-A1", "INC-3-A2", "INC-2-A3"]
    spec = spec_of("action-item-list", services="checkout-api", status="all")
    assert action_ids(spec, everything) == [
        "INC-1-A2",
        "INC-1-A1",
        "INC-3-A1",
        "INC-1-A3",
        "INC-3-A2",
    ]
    assert action_ids(spec_of("action-item-list", services="deploy-tool"), everything) == [
        "INC-3-A3"
    ]
    assert action_ids(spec_of("action-item-list", services="nowhere"), everything) == []


def test_action_item_list_services_combine_with_the_other_filters():
    spec = spec_of("action-item-list", services="auth", owner="team-auth", tags="security")
    assert action_ids(spec, [*ACTIONS, ORPHAN_ACTION]) == ["INC-2-A1", "INC-2-A3"]


# -- incident-list and stats: filters -----------------------------------------------------------


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
        ({"type": "security"}, ["INC-2", "INC-3"]),  # any of an incident's types
        ({"detected-by": "alert"}, ["INC-3", "INC-1"]),
        ({"detected-by": "Customer, test"}, ["INC-2"]),
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
@pytest.mark.parametrize("kind", ["incident-list", "postmortem-stats"])
def test_select_incidents_filters(kind, options, expected):
    # The stats select like an incident list sorted newest first.
    assert incident_ids(spec_of(kind, **options)) == expected


def test_select_incidents_limit_applies_after_sorting():
    spec = spec_of("incident-list", sort="title", limit="2")
    assert incident_ids(spec) == ["INC-2", "INC-1"]


# -- incident-list: sorting ---------------------------------------------------------------

#: sort key -> (ascending order, descending order); missing values last, ties by id.
SORTS = {
    "date": (
        ["PRJ-1", "INC-1", "INC-2", "INC-3", "INC-0"],
        ["INC-2", "INC-3", "INC-1", "PRJ-1", "INC-0"],
    ),
    "id": (
        ["INC-0", "INC-1", "INC-2", "INC-3", "PRJ-1"],
        ["PRJ-1", "INC-3", "INC-2", "INC-1", "INC-0"],
    ),
    "title": (
        ["INC-2", "INC-1", "PRJ-1", "INC-0", "INC-3"],
        ["INC-3", "INC-0", "PRJ-1", "INC-1", "INC-2"],
    ),
    "severity": (
        ["INC-0", "INC-2", "INC-1", "INC-3", "PRJ-1"],
        ["INC-3", "INC-1", "INC-0", "INC-2", "PRJ-1"],
    ),
    "status": (
        ["INC-2", "INC-3", "INC-0", "INC-1", "PRJ-1"],
        ["INC-0", "INC-1", "PRJ-1", "INC-3", "INC-2"],
    ),
    "type": (
        ["INC-2", "INC-0", "INC-1", "PRJ-1", "INC-3"],
        ["INC-3", "PRJ-1", "INC-0", "INC-1", "INC-2"],
    ),
    "duration": (
        ["INC-3", "INC-1", "INC-2", "INC-0", "PRJ-1"],
        ["INC-2", "INC-1", "INC-3", "INC-0", "PRJ-1"],
    ),
    "ttd": (
        ["INC-1", "INC-2", "INC-0", "INC-3", "PRJ-1"],
        ["INC-2", "INC-1", "INC-0", "INC-3", "PRJ-1"],
    ),
    "tta": (
        ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
        ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
    ),
    "ttm": (
        ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
        ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
    ),
    "ttr": (
        ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
        ["INC-2", "INC-0", "INC-1", "INC-3", "PRJ-1"],
    ),
    "ttn": (
        ["INC-2", "INC-1", "INC-0", "INC-3", "PRJ-1"],
        ["INC-1", "INC-2", "INC-0", "INC-3", "PRJ-1"],
    ),
    "detected-by": (  # in configured order: alert, customer...
        ["INC-1", "INC-3", "INC-2", "INC-0", "PRJ-1"],
        ["INC-2", "INC-1", "INC-3", "INC-0", "PRJ-1"],
    ),
    "impact:customers": (  # by the number; "none" is zero, not missing
        ["INC-0", "INC-1", "INC-2", "INC-3", "PRJ-1"],
        ["INC-2", "INC-1", "INC-0", "INC-3", "PRJ-1"],
    ),
}


@pytest.mark.parametrize("key", sorted(SORTS))
def test_select_incidents_sort_ascending(key):
    assert incident_ids(spec_of("incident-list", sort=key)) == SORTS[key][0]


@pytest.mark.parametrize("key", sorted(SORTS))
def test_select_incidents_sort_descending_keeps_missing_values_last(key):
    assert incident_ids(spec_of("incident-list", sort=f"-{key}")) == SORTS[key][1]


@pytest.mark.parametrize("key", sorted(SORTS))
def test_select_incidents_order_does_not_depend_on_input_order(key):
    for descending in ("", "-"):
        spec = spec_of("incident-list", sort=f"{descending}{key}")
        expected = incident_ids(spec)
        for permutation in itertools.permutations(views()):
            assert incident_ids(spec, permutation) == expected


def test_select_incidents_same_date_tie_broken_by_id_not_document():
    # Same date, ids ordered opposite to their document names.
    a = incident("INC-9", "a", "2024-02-02", "SEV1", "draft", "outage", docname="aaa")
    b = incident("INC-5", "b", "2024-02-02", "SEV1", "draft", "outage", docname="zzz")
    for order in ([a, b], [b, a]):
        given = [IncidentView(record=r) for r in order]
        assert ids(select_incidents(given, IncidentFilter(), SETTINGS)) == ["INC-5", "INC-9"]


def test_select_incidents_does_not_modify_its_input():
    given = views()
    before = [v.record["id"] for v in given]
    spec = spec_of("incident-list", sort="title", limit="1")
    select_incidents(given, spec.incidents, SETTINGS, spec.sort, spec.descending, spec.limit)
    spec.select(given, SETTINGS)
    assert [v.record["id"] for v in given] == before


# -- lesson-list: select -----------------------------------------------------------------------

#: Every lesson in the default order: newest incident first (same date: by id), then by
#: line; lessons on a page without an incident last.
LESSON_ORDER = [
    "Alert was late",
    "Lucky timing",
    "Canary skipped",
    "Rollback fast",
    "Plan ahead",
    "Orphan lesson",
]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, LESSON_ORDER),
        ({"kind": "went-wrong, lucky"}, ["Alert was late", "Lucky timing", "Canary skipped"]),
        ({"kind": "went-well"}, ["Rollback fast", "Plan ahead", "Orphan lesson"]),
        # "Lucky timing" is untagged: its incident's tags count
        ({"tags": "deploy"}, ["Lucky timing", "Canary skipped", "Rollback fast", "Plan ahead"]),
        ({"tags": "planning"}, ["Plan ahead"]),  # tagged "Planning"
        ({"kind": "went-wrong", "tags": "deploy"}, ["Canary skipped"]),
        # "Rollback fast" names a service of its own
        ({"services": "checkout-api"}, ["Lucky timing", "Canary skipped"]),
        ({"severity": "SEV1"}, ["Alert was late"]),
        ({"severity": "SEV2, SEV3"}, ["Lucky timing", "Canary skipped", "Rollback fast"]),
        ({"type": "project"}, ["Plan ahead"]),
        (
            {"since": "2024-03-01"},
            ["Alert was late", "Lucky timing", "Canary skipped", "Rollback fast"],
        ),
        ({"until": "2024-03-01"}, ["Canary skipped", "Rollback fast", "Plan ahead"]),
        ({"since": "2024-03-02", "until": "2024-12-31", "kind": "lucky"}, ["Lucky timing"]),
        ({"kind": "lucky", "tags": "dns"}, []),
        ({"limit": "2"}, ["Alert was late", "Lucky timing"]),
    ],
)
def test_select_lessons_filters_and_order(options, expected):
    assert lesson_titles(spec_of("lesson-list", **options)) == expected


def test_select_lessons_status_filter_applies_through_the_incident():
    # lesson-list accepts :status: (an incident filter); only INC-2 is a draft.
    assert lesson_titles(spec_of("lesson-list", status="draft")) == ["Alert was late"]


def test_select_lessons_order_does_not_depend_on_input_order():
    spec = spec_of("lesson-list")
    expected = lesson_titles(spec)
    rng = random.Random(3)
    for _ in range(50):
        shuffled = LESSONS[:]
        rng.shuffle(shuffled)
        assert lesson_titles(spec, shuffled) == expected


# -- group_lessons ---------------------------------------------------------------------------


def grouped(group_by: str) -> list[tuple[str, list[str]]]:
    chosen = spec_of("lesson-list").select(LESSONS, incident_of)
    return [
        (heading, titles(group))
        for heading, group in group_lessons(chosen, incident_of, group_by, KIND_NAMES)
    ]


def test_group_by_kind_uses_kind_names_in_kind_order():
    assert grouped("kind") == [
        ("What went well", ["Rollback fast", "Plan ahead", "Orphan lesson"]),
        ("What went wrong", ["Alert was late", "Canary skipped"]),
        ("Where we got lucky", ["Lucky timing"]),
    ]


def test_group_by_tag_lists_a_lesson_under_each_tag_groups_sorted():
    # Grouped by the tags the filter matches: an untagged lesson under its incident's.
    assert grouped("tag") == [
        ("config", ["Canary skipped"]),
        ("deploy", ["Lucky timing", "Canary skipped", "Rollback fast", "Plan ahead"]),
        ("misc", ["Orphan lesson"]),
        ("monitoring", ["Alert was late"]),
        ("Planning", ["Plan ahead"]),
        ("security", ["Lucky timing"]),
    ]


def test_group_by_service_uses_own_services_else_the_incidents():
    assert grouped("service") == [
        ("auth", ["Alert was late", "Lucky timing"]),
        ("checkout-api", ["Lucky timing", "Canary skipped"]),
        ("deploy-tool", ["Rollback fast"]),
        ("", ["Plan ahead", "Orphan lesson"]),  # neither services nor an incident's: last
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
    assert grouped("none") == [("", LESSON_ORDER)]


def test_group_of_a_single_kind_only_shows_that_kind():
    chosen = spec_of("lesson-list", kind="lucky").select(LESSONS, incident_of)
    groups = group_lessons(chosen, incident_of, "kind", KIND_NAMES)
    assert [(h, titles(g)) for h, g in groups] == [("Where we got lucky", ["Lucky timing"])]


# -- action-item-list: select ----------------------------------------------------------------

#: Every item by due date, undated last (then by priority).
ACTIONS_BY_DUE = [
    "INC-1-A2",  # done
    "INC-1-A1",
    "INC-2-A2",  # wont-do
    "INC-3-A1",
    "INC-1-A3",
    "INC-2-A1",
    "PRJ-1-A1",
    "INC-3-A2",
    "INC-3-A3",
    "INC-2-A3",
]
#: The open and in-progress items (the default ``:status:``), in the same order.
OPEN_ACTIONS_BY_DUE = [i for i in ACTIONS_BY_DUE if i not in ("INC-1-A2", "INC-2-A2")]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, OPEN_ACTIONS_BY_DUE),  # the default: open + in-progress, by due date
        ({"status": "all"}, ACTIONS_BY_DUE),
        ({"status": "done, wont-do"}, ["INC-1-A2", "INC-2-A2"]),
        ({"status": "in-progress"}, ["INC-2-A1", "INC-3-A3"]),
        ({"owner": "team-deploy"}, ["INC-1-A1", "INC-1-A3", "INC-3-A3"]),
        ({"owner": "TEAM-AUTH"}, ["INC-2-A1", "INC-2-A3"]),  # case-insensitive
        ({"owner": "team-auth", "status": "all"}, ["INC-2-A2", "INC-2-A1", "INC-2-A3"]),
        ({"type": "prevent"}, ["INC-1-A1", "INC-3-A1"]),
        (
            {"type": "detect, process"},
            ["INC-2-A1", "PRJ-1-A1", "INC-3-A2", "INC-3-A3", "INC-2-A3"],
        ),
        ({"priority": "P0, P1"}, ["INC-1-A1", "INC-3-A1", "INC-1-A3", "INC-3-A2"]),
        # overdue: open, due strictly before today (due today is not overdue; wont-do never)
        ({"overdue": ""}, ["INC-1-A1", "INC-3-A1"]),
        ({"overdue": "", "status": "all"}, ["INC-1-A1", "INC-3-A1"]),
        (
            {"owner": "team-deploy", "type": "prevent", "priority": "P0, P1", "overdue": ""},
            ["INC-1-A1"],
        ),
        ({"owner": "nobody"}, []),
        ({"limit": "3"}, ["INC-1-A1", "INC-3-A1", "INC-1-A3"]),
        # INC-3-A2 has a tag of its own (alerting), the others their incident's
        ({"tags": "security"}, ["INC-3-A1", "INC-2-A1", "INC-3-A3", "INC-2-A3"]),
    ],
)
def test_select_actions_filters(options, expected):
    assert action_ids(spec_of("action-item-list", **options)) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("due", OPEN_ACTIONS_BY_DUE),
        (
            "priority",
            [
                "INC-3-A1",
                "INC-1-A1",
                "INC-1-A3",
                "INC-3-A2",
                "INC-2-A1",
                "PRJ-1-A1",
                "INC-3-A3",
                "INC-2-A3",
            ],
        ),
        (
            "owner",
            [
                "INC-2-A1",
                "INC-2-A3",
                "INC-1-A1",
                "INC-1-A3",
                "INC-3-A3",
                "INC-3-A1",
                "PRJ-1-A1",
                "INC-3-A2",
            ],
        ),
        (
            "incident",
            [
                "INC-1-A1",
                "INC-1-A3",
                "INC-2-A1",
                "INC-2-A3",
                "INC-3-A1",
                "INC-3-A2",
                "INC-3-A3",
                "PRJ-1-A1",
            ],
        ),
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
    dues = [a["due"] for a in spec.select(ACTIONS, incident_of, TODAY, SETTINGS)]
    first_undated = dues.index(None)
    assert all(d is None for d in dues[first_undated:])
    assert dues[:first_undated] == sorted(dues[:first_undated])


def test_select_actions_overdue_uses_the_given_build_date():
    spec = spec_of("action-item-list", overdue="")
    assert ids(spec.select(ACTIONS, incident_of, "2024-01-01", SETTINGS)) == []
    assert ids(spec.select(ACTIONS, incident_of, "2024-07-02", SETTINGS)) == [
        "INC-1-A1",
        "INC-3-A1",
        "INC-1-A3",
        "INC-2-A1",
        "PRJ-1-A1",
    ]


# -- parse_rollups in a build: warnings at the directive's own line ---------------------------

#: A page of three roll-ups, each with one bad option, after some lines of text.
ROLLUP_PAGES = {
    "rst": """Roll-ups
========

Some text first,
over two lines.

.. incident-list::
   :severity: SEV9

.. lesson-list::
   :tags: deploy
   :group-by: planet

Between the roll-ups.

.. action-item-list::
   :services: auth
   :sort: cost
""",
    "md": """# Roll-ups

Some text first,
over two lines.

```{incident-list}
:severity: SEV9
```

```{lesson-list}
:tags: deploy
:group-by: planet
```

Between the roll-ups.

```{action-item-list}
:services: auth
:sort: cost
```
""",
}

#: directive -> the text of its warning.
ROLLUP_PROBLEMS = {
    "incident-list": "incident-list: unknown severity 'SEV9'",
    "lesson-list": "lesson-list: unknown :group-by: 'planet'",
    "action-item-list": "action-item-list: unknown :sort: 'cost'",
}


def write_rollup_project(srcdir: Path, suffix: str) -> str:
    """A one-page project (``index.<suffix>``) of :data:`ROLLUP_PAGES`; the page's text."""
    extensions = ["myst_parser", "sphinx_postmortem"] if suffix == "md" else ["sphinx_postmortem"]
    (srcdir / "conf.py").write_text(
        f'extensions = {extensions!r}\npostmortem_today = "2024-06-01"\n', encoding="utf-8"
    )
    page = ROLLUP_PAGES[suffix]
    (srcdir / f"index.{suffix}").write_text(page, encoding="utf-8")
    return page


def directive_line(page: str, directive: str) -> int:
    """The 1-based line of the one line of ``page`` that opens ``directive``."""
    found = [
        number
        for number, line in enumerate(page.splitlines(), 1)
        if line in (f".. {directive}::", f"```{{{directive}}}")
    ]
    assert len(found) == 1, (directive, found)
    return found[0]


@pytest.mark.parametrize("suffix", ["rst", "md"])
def test_parse_rollups_warns_at_the_directive_line(tmp_path, suffix):
    if suffix == "md":
        pytest.importorskip("myst_parser")
    page = write_rollup_project(tmp_path, suffix)
    app = build(tmp_path).app
    for directive, text in ROLLUP_PROBLEMS.items():
        line = directive_line(page, directive)
        assert_warned(app, f"index.{suffix}", line, text, "postmortem.filter")
    filters = [w for w in parse_warnings(app) if w.type == "postmortem.filter"]
    assert len(filters) == len(ROLLUP_PROBLEMS), filters
    # The placeholders keep the parsed spec, not the options, in the pickled doctree.
    placeholders = list(app.env.get_doctree("index").findall(rollup))
    assert [type(node["spec"]) for node in placeholders] == [
        IncidentListSpec,
        LessonListSpec,
        ActionItemListSpec,
    ]
    assert not [node for node in placeholders if "options" in node]
    actions = placeholders[2]["spec"]
    assert (actions.incidents.services, actions.sort) == (("auth",), "due")
