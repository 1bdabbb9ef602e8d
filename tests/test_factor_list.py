"""The ``factor-list`` roll-up: which contributing factors it keeps, how it groups them, its page.

Unit tests select and group hand-built records (no Sphinx build). The root
``tests/roots/test-factor-list`` holds three incidents with factors and one
factor on a page without an incident:

============= ============ ===== =========== =========== ===================================
document      id           sev   detected by services    factors (kind: categories)
============= ============ ===== =========== =========== ===================================
inc-cdn       INC-2021-014 SEV1  alert       cdn         trigger: change-management,
                                                         configuration; contributing:
                                                         process; mitigator: none
inc-gateway   INC-2020-003 SEV2  employee    api-gateway trigger: capacity; contributing:
                                                         configuration, process
inc-db        INC-2018-021 SEV2  customer    db          root-cause: latent-bug,
                                                         configuration; contributing:
                                                         monitoring-gap
notes         (none)                                     contributing: process
============= ============ ===== =========== =========== ===================================

``factors.rst`` holds one ``factor-list`` per section, ``incidents.rst`` the
incident lists with the columns and filter that came with factors and impact.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from support.builds import build
from support.projects import copy_root
from support.rollups import (
    assert_link_target_exists,
    column,
    group_blocks,
    headers,
    rollup_in,
    section,
)
from support.warnings import assert_warned, parse_warnings

from sphinx_postmortem.incremental.related_cache import related_incidents
from sphinx_postmortem.selection.specs import FactorListSpec, group_factors, parse_spec
from sphinx_postmortem.settings import settings

CONFIG = SimpleNamespace(project="unit", postmortem_today="2024-06-01")
SETTINGS = settings(CONFIG)
KIND_NAMES = {
    "trigger": "Trigger",
    "root-cause": "Root cause",
    "contributing": "Contributing factor",
    "mitigator": "Mitigating factor",
}


def spec_of(**options: str) -> FactorListSpec:
    spec, problems = parse_spec("factor-list", options, CONFIG)
    assert problems == [], problems
    assert isinstance(spec, FactorListSpec)
    return spec


# -- records ------------------------------------------------------------------------------


def incident(
    id: str, date: str, severity: str, detected_by: str | None, services: Sequence[str], **extra
) -> dict[str, Any]:
    return {
        "id": id,
        "title": f"{id} title",
        "date": date,
        "severity": severity,
        "status": "published",
        "type": "outage",
        "types": ["outage"],
        "services": list(services),
        "tags": [],
        "detected_by": detected_by,
        "docname": id.lower(),
        "anchor": f"incident-{id}",
        **extra,
    }


CDN = incident("CDN", "2021-06-08", "SEV1", "alert", ["cdn"])
GATEWAY = incident("GW", "2020-03-01", "SEV2", "employee", ["api-gateway"])
DB = incident("DB", "2018-10-21", "SEV2", "customer", ["db"])
#: An imported incident of the "payments" project, newer than every local one.
PAYMENTS = incident("PAY-1", "2022-01-01", "SEV1", None, ["ledger"], project="payments")
INCIDENTS = {(i.get("project", ""), i["id"]): i for i in (CDN, GATEWAY, DB, PAYMENTS)}


def factor(
    title: str, incident_id: str | None, kind: str, categories: Sequence[str], lineno: int = 1
) -> dict[str, Any]:
    return {
        "title": title,
        "kind": kind,
        "categories": list(categories),
        "body": "",
        "docname": incident_id.lower() if incident_id else "notes",
        "anchor": f"factor-{lineno}",
        "lineno": lineno,
    }


def imported(title: str, kind: str, categories: Sequence[str]) -> dict[str, Any]:
    return {
        "project": "payments",
        "url": "https://docs.example.com/payments/pay-1.html#f",
        "incident": "PAY-1",
        "title": title,
        "kind": kind,
        "categories": list(categories),
        "body": "",
    }


FACTORS = [  # not in any meaningful order
    factor("Runbook unowned", None, "contributing", ["process"], 5),
    factor("Lag not alerted", "DB", "contributing", ["monitoring-gap"], 20),
    factor("Kill switch", "CDN", "mitigator", [], 30),
    imported("Ledger lock held", "root-cause", ["latent-bug", "Vendor-Quirk"]),
    factor("Limits undocumented", "GW", "contributing", ["configuration", "process"], 12),
    factor("Canary skipped", "CDN", "trigger", ["change-management", "configuration"], 10),
    factor("Stale replica", "DB", "root-cause", ["latent-bug", "configuration"], 10),
    factor("Canary in one region", "CDN", "contributing", ["process"], 20),
    factor("Traffic doubled", "GW", "trigger", ["capacity"], 10),
]


def incident_of(record: dict[str, Any]) -> dict[str, Any] | None:
    if record.get("project"):
        return INCIDENTS.get((record["project"], record["incident"]))
    return INCIDENTS.get(("", record["docname"].upper()))


def titles(records: Sequence[dict[str, Any]]) -> list[str]:
    return [r["title"] for r in records]


def selected(**options: str) -> list[str]:
    return titles(spec_of(**options).select(FACTORS, incident_of))


#: Every factor in the default order: newest incident first, then in page order;
#: the factor of a page without an incident last.
ORDER = [
    "Ledger lock held",  # 2022, imported
    "Canary skipped",  # 2021, lines 10, 20, 30
    "Canary in one region",
    "Kill switch",
    "Traffic doubled",  # 2020
    "Limits undocumented",
    "Stale replica",  # 2018
    "Lag not alerted",
    "Runbook unowned",  # no incident
]


# -- parsing ----------------------------------------------------------------------------


def test_defaults_group_by_category_without_filters():
    spec = spec_of()
    assert (spec.group_by, spec.factor_kinds, spec.categories, spec.limit) == (
        "category",
        None,
        None,
        None,
    )


def test_options_are_read_in_their_configured_spelling():
    spec = spec_of(
        kind="Trigger, root-cause",
        category="Configuration, capacity",
        **{"group-by": "Kind", "detected-by": "Alert", "severity": "sev1"},
    )
    assert spec.factor_kinds == ("trigger", "root-cause")
    assert spec.categories == ("configuration", "capacity")
    assert spec.group_by == "kind"
    assert spec.incidents.detected_by == ("alert",)
    assert spec.incidents.severity == ("SEV1",)


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        ({"kind": "cause"}, ["unknown factor kind 'cause'", "trigger, root-cause"]),
        ({"category": "weather"}, ["unknown factor category 'weather'", "change-management"]),
        ({"group-by": "planet"}, ["unknown :group-by: 'planet'", "'category'"]),
        ({"detected-by": "pager"}, ["unknown detection source 'pager'", "alert, customer"]),
    ],
)
def test_bad_option_is_a_problem_naming_the_allowed_values(options, fragments):
    spec, problems = parse_spec("factor-list", options, CONFIG)
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0]
    assert isinstance(spec, FactorListSpec)


def test_categories_follow_the_configured_ones():
    config = SimpleNamespace(**vars(CONFIG), postmortem_factor_categories=["vendor", "people"])
    spec, problems = parse_spec("factor-list", {"category": "Vendor, capacity"}, config)
    assert spec.categories == ("vendor",)
    assert problems == ["unknown factor category 'capacity'; allowed values: vendor, people"]


# -- select -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ORDER),
        ({"kind": "trigger"}, ["Canary skipped", "Traffic doubled"]),
        (
            {"kind": "trigger, root-cause"},
            ["Ledger lock held", "Canary skipped", "Traffic doubled", "Stale replica"],
        ),
        # a factor is kept when one of its categories is wanted
        ({"category": "configuration"}, ["Canary skipped", "Limits undocumented", "Stale replica"]),
        (
            {"category": "process"},
            ["Canary in one region", "Limits undocumented", "Runbook unowned"],
        ),
        ({"category": "process", "kind": "trigger"}, []),
        # incident filters never keep the factor of a page without an incident
        (
            {"severity": "SEV1"},
            ["Ledger lock held", "Canary skipped", "Canary in one region", "Kill switch"],
        ),
        (
            {"detected-by": "alert, customer"},
            [
                "Canary skipped",
                "Canary in one region",
                "Kill switch",
                "Stale replica",
                "Lag not alerted",
            ],
        ),
        (
            {"since": "2020-01-01", "until": "2021-12-31", "kind": "trigger"},
            ["Canary skipped", "Traffic doubled"],
        ),
        # services: the factor's incident's (factors name none of their own)
        ({"services": "db, Ledger"}, ["Ledger lock held", "Stale replica", "Lag not alerted"]),
        ({"limit": "2"}, ORDER[:2]),
    ],
)
def test_select_filters_and_order(options, expected):
    assert selected(**options) == expected


def test_select_order_does_not_depend_on_input_order():
    spec = spec_of()
    for shift in range(len(FACTORS)):
        rotated = FACTORS[shift:] + FACTORS[:shift]
        assert titles(spec.select(list(reversed(rotated)), incident_of)) == ORDER


def test_factor_with_services_of_its_own_is_matched_on_those():
    own = {**factor("Own service", "CDN", "contributing", ["tooling"]), "services": ["deploy"]}
    assert titles(spec_of(services="deploy").select([own], incident_of)) == ["Own service"]
    assert titles(spec_of(services="cdn").select([own], incident_of)) == []


# -- group_factors ------------------------------------------------------------------------


def grouped(group_by: str, **options: str) -> list[tuple[str, list[str]]]:
    chosen = spec_of(**options).select(FACTORS, incident_of)
    groups = group_factors(chosen, incident_of, group_by, KIND_NAMES, SETTINGS, "Here")
    return [(heading, titles(group)) for heading, group in groups]


def test_group_by_category_most_factors_first_then_configured_order():
    assert grouped("category") == [
        # three factors each: configuration comes before process in the configuration
        ("configuration", ["Canary skipped", "Limits undocumented", "Stale replica"]),
        ("process", ["Canary in one region", "Limits undocumented", "Runbook unowned"]),
        ("latent-bug", ["Ledger lock held", "Stale replica"]),
        # one factor each, in configured order
        ("change-management", ["Canary skipped"]),
        ("capacity", ["Traffic doubled"]),
        ("monitoring-gap", ["Lag not alerted"]),
        # an imported category this project does not configure: after the configured ones
        ("Vendor-Quirk", ["Ledger lock held"]),
        ("", ["Kill switch"]),  # no category: last, shown as "Other"
    ]


def test_group_by_kind_in_kind_order_with_kind_names():
    assert grouped("kind") == [
        ("Trigger", ["Canary skipped", "Traffic doubled"]),
        ("Root cause", ["Ledger lock held", "Stale replica"]),
        (
            "Contributing factor",
            ["Canary in one region", "Limits undocumented", "Lag not alerted", "Runbook unowned"],
        ),
        ("Mitigating factor", ["Kill switch"]),
    ]


def test_group_by_project_names_the_local_project():
    assert grouped("project", kind="root-cause") == [
        ("Here", ["Stale replica"]),
        ("payments", ["Ledger lock held"]),
    ]


def test_group_by_incident_and_service_go_through_the_incident():
    assert grouped("incident", kind="trigger, root-cause") == [
        ("CDN: CDN title", ["Canary skipped"]),
        ("DB: DB title", ["Stale replica"]),
        ("GW: GW title", ["Traffic doubled"]),
        ("PAY-1: PAY-1 title", ["Ledger lock held"]),
    ]
    assert grouped("service", category="process") == [
        ("api-gateway", ["Limits undocumented"]),
        ("cdn", ["Canary in one region"]),
        ("", ["Runbook unowned"]),
    ]


def test_group_by_none_is_the_selection():
    assert grouped("none") == [("", ORDER)]


# -- the roll-up in a build -----------------------------------------------------------------


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    return build(copy_root("factor-list", tmp_path_factory.mktemp("factor-list") / "src"))


def rollup_of(html, section_id: str, page: str = "factors.html"):
    return rollup_in(section(html.dom(page), section_id))


def groups_of(rollup) -> list[tuple[str | None, list[str]]]:
    """``[(heading, [factor titles])]`` in document order."""
    return [
        (heading, [e.find("p", cls="pm-factor-heading").find("strong").text() for e in entries])
        for heading, entries in group_blocks(rollup, "pm-factor-entry")
    ]


def test_build_warns_only_about_the_unknown_category_and_the_orphan_factor(html):
    warned = sorted((w.file, w.line, w.type) for w in parse_warnings(html.app))
    assert warned == [
        ("factors.rst", 60, "postmortem.filter"),
        ("notes.rst", 6, "postmortem.orphan"),
    ]
    assert_warned(
        html.app,
        "factors.rst",
        60,
        "factor-list: unknown factor category 'weather'",
        "postmortem.filter",
    )


def test_default_groups_by_category_recurring_ones_first(html):
    assert groups_of(rollup_of(html, "by-category")) == [
        (
            "configuration",
            [
                "A configuration change skipped the canary stage",
                "Scaling limits were undocumented",
                "Failover promoted a replica that was behind",
            ],
        ),
        (
            "process",
            [
                "The canary covered a single region",
                "Scaling limits were undocumented",
                "Nobody owned the runbook",
            ],
        ),
        ("change-management", ["A configuration change skipped the canary stage"]),
        ("capacity", ["Traffic doubled within an hour"]),
        ("latent-bug", ["Failover promoted a replica that was behind"]),
        ("monitoring-gap", ["Replication lag was not alerted on"]),
        ("Other", ["A kill switch existed for the feature"]),
    ]


def test_group_by_kind_puts_triggers_first(html):
    headings = [heading for heading, _titles in groups_of(rollup_of(html, "by-kind"))]
    assert headings == ["Trigger", "Root cause", "Contributing factor", "Mitigating factor"]


def test_filters_in_a_build(html):
    assert groups_of(rollup_of(html, "triggers")) == [
        (
            None,
            ["A configuration change skipped the canary stage", "Traffic doubled within an hour"],
        )
    ]
    assert groups_of(rollup_of(html, "sev1-by-alert")) == [
        (
            None,
            [
                "A configuration change skipped the canary stage",
                "The canary covered a single region",
                "A kill switch existed for the feature",
            ],
        )
    ]
    assert [h for h, _t in groups_of(rollup_of(html, "configuration"))] == [
        "INC-2018-021: Failover promoted a stale replica",
        "INC-2020-003: API gateway could not scale",
        "INC-2021-014: CDN returned errors after a configuration change",
    ]
    assert [h for h, _t in groups_of(rollup_of(html, "by-service"))] == ["cdn", "db"]
    assert groups_of(rollup_of(html, "by-project")) == [
        (
            "Factors",
            [
                "A configuration change skipped the canary stage",
                "The canary covered a single region",
            ],
        )
    ]
    # the unknown category is left out; the known one still filters
    assert groups_of(rollup_of(html, "unknown-category")) == [
        (None, ["Traffic doubled within an hour"])
    ]


def test_no_match_says_so(html):
    assert rollup_of(html, "nothing").text() == "No contributing factors match."


def test_entry_shows_kind_categories_and_links_to_factor_and_incident(html):
    entry = rollup_of(html, "triggers").find("div", cls="pm-factor-entry")
    assert "pm-factor-trigger" in entry.classes
    heading = entry.find("p", cls="pm-factor-heading")
    labels = [(span.text(), span.classes) for span in heading.find_all("span", cls="pm-label")]
    assert [text for text, _classes in labels] == [
        "Trigger",
        "change-management",
        "configuration",
    ]
    assert "pm-factor-kind-trigger" in labels[0][1]
    title_href = heading.find("a").attrs["href"]
    source = entry.find("p", cls="pm-factor-source")
    assert source.text() == "from INC-2021-014: CDN returned errors after a configuration change"
    incident_href = source.find("a").attrs["href"]
    domain = html.domain
    assert title_href == f"inc-cdn.html#{domain.factors('inc-cdn')[0]['anchor']}"
    assert incident_href == f"inc-cdn.html#{domain.incident('inc-cdn')['anchor']}"
    for href in (title_href, incident_href):
        assert_link_target_exists(html.outdir, "factors.html", href)


def test_factor_without_incident_names_its_page_without_a_link(html):
    rollup = rollup_of(html, "by-category")
    entries = [
        e
        for e in rollup.find_all("div", cls="pm-factor-entry")
        if "runbook" in e.find("p", cls="pm-factor-heading").text()
    ]
    source = entries[0].find("p", cls="pm-factor-source")
    assert source.text() == "from Operations notes" and source.find("a") is None


def test_related_post_mortems_count_shared_factor_categories(html):
    # No services or tags in common: only the categories of their factors relate them.
    related = related_incidents(html.domain, "inc-cdn")
    assert [r["id"] for r in related] == ["INC-2020-003", "INC-2018-021"]  # two shared, one


# -- incident-list: detection, commander, impact and time to notify ------------------------


def test_incident_list_new_columns_sorted_by_an_impact_figure(html):
    rollup = rollup_of(html, "by-customers", "incidents.html")
    assert headers(rollup) == [
        "ID",
        "Types",
        "Detected by",
        "Incident commander",
        "Customers affected",
        "Revenue lost",
        "Time to notify",
    ]
    assert column(rollup, "ID") == ["INC-2018-021", "INC-2021-014", "INC-2020-003"]
    assert column(rollup, "Types") == ["outage", "outage, data-loss", "outage"]
    assert column(rollup, "Detected by") == ["customer", "alert", "employee"]
    assert column(rollup, "Incident commander") == ["", "Dana Kim", "Ana Ruiz"]
    assert column(rollup, "Customers affected") == [
        "48,000 customers",
        "6,214 customers",
        "900 customers",
    ]
    assert column(rollup, "Revenue lost") == ["", "12,500 USD", ""]
    assert column(rollup, "Time to notify") == ["", "11m", ""]


def test_incident_list_filters_by_detection_source(html):
    rollup = rollup_of(html, "caught-by-alert", "incidents.html")
    assert column(rollup, "ID") == ["INC-2021-014", "INC-2020-003"]


# -- every builder ----------------------------------------------------------------------------


@pytest.mark.parametrize("buildername", ["singlehtml", "dirhtml", "text", "latex", "epub", "man"])
def test_every_builder_renders_the_factor_list(tmp_path, buildername):
    result = build(copy_root("factor-list", tmp_path / "src"), buildername)
    types = sorted(w.type for w in parse_warnings(result.app))
    assert types == ["postmortem.filter", "postmortem.orphan"], result.warnings
    assert "Traceback" not in result.status
    written = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in result.outdir.rglob("*")
        if path.is_file() and path.suffix in (".html", ".xhtml", ".txt", ".tex", ".1")
    ).replace("\\-", "-")  # man pages escape dashes
    for text in (
        "Scaling limits were undocumented",
        "No contributing factors match.",
        "monitoring-gap",
        "Mitigating factor",
    ):
        assert text in written, (buildername, text)


# -- across projects -----------------------------------------------------------------------

CDN_BASE = "https://docs.example.com/cdn/"

#: The page of an aggregating project importing test-factor-list as "cdn-team".
AGGREGATE_PAGE = """Everyone's factors
==================

.. incident:: Queue backed up
   :id: LOC-1
   :date: 2022-05-01
   :severity: SEV2
   :status: published
   :detected-by: test

.. factor:: Queue limits were never tuned
   :kind: root-cause
   :category: configuration

factors
-------

.. factor-list::
   :kind: root-cause, trigger
   :group-by: project

incidents
---------

.. incident-list::
   :columns: project, id, detected-by, impact:customers
   :detected-by: alert, test
"""


@pytest.fixture(scope="module")
def aggregate(tmp_path_factory, html):
    src = tmp_path_factory.mktemp("aggregate") / "src"
    (src / "imported").mkdir(parents=True)
    export = (html.outdir / "postmortems.json").read_text(encoding="utf-8")
    (src / "imported" / "cdn.json").write_text(export, encoding="utf-8")
    projects = {"cdn-team": (CDN_BASE, "imported/cdn.json")}
    (src / "conf.py").write_text(
        'extensions = ["sphinx_postmortem"]\nproject = "Platform"\n'
        'postmortem_today = "2024-06-01"\npostmortem_completeness_check = False\n'
        f"postmortem_projects = {projects!r}\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text(AGGREGATE_PAGE, encoding="utf-8")
    return build(src)


def test_imported_factors_are_listed_under_their_project_with_links(aggregate, html):
    assert aggregate.warnings == []
    rollup = rollup_of(aggregate, "factors", "index.html")
    assert groups_of(rollup) == [
        (
            "cdn-team",
            [
                "A configuration change skipped the canary stage",
                "Traffic doubled within an hour",
                "Failover promoted a replica that was behind",
            ],
        ),
        ("Platform", ["Queue limits were never tuned"]),
    ]
    first = rollup.find("div", cls="pm-factor-entry")
    factor_anchor = html.domain.factors("inc-cdn")[0]["anchor"]
    incident_anchor = html.domain.incident("inc-cdn")["anchor"]
    assert first.find("p", cls="pm-factor-heading").find("a").attrs["href"] == (
        f"{CDN_BASE}inc-cdn.html#{factor_anchor}"
    )
    source = first.find("p", cls="pm-factor-source")
    assert source.text() == (
        "from cdn-team \N{MIDDLE DOT} INC-2021-014: "
        "CDN returned errors after a configuration change"
    )
    assert source.find("a").attrs["href"] == f"{CDN_BASE}inc-cdn.html#{incident_anchor}"


def test_imported_detection_and_impact_in_the_incident_list(aggregate):
    rollup = rollup_of(aggregate, "incidents", "index.html")
    assert column(rollup, "ID") == ["LOC-1", "INC-2021-014"]
    assert column(rollup, "Project") == ["Platform", "cdn-team"]
    assert column(rollup, "Detected by") == ["test", "alert"]
    assert column(rollup, "Customers affected") == ["", "6,214 customers"]


def test_imported_factor_categories_relate_post_mortems(aggregate):
    related = related_incidents(aggregate.domain, "index")
    assert [(r.get("project"), r["id"]) for r in related] == [
        ("cdn-team", "INC-2021-014"),
        ("cdn-team", "INC-2020-003"),
        ("cdn-team", "INC-2018-021"),
    ]


def test_factor_list_in_myst_matches_restructuredtext(tmp_path):
    pytest.importorskip("myst_parser")
    src = copy_root("factor-list", tmp_path / "src")
    conf = (src / "conf.py").read_text(encoding="utf-8")
    (src / "conf.py").write_text(
        conf + 'extensions = ["myst_parser", "sphinx_postmortem"]\n', encoding="utf-8"
    )
    (src / "factors.rst").unlink()
    (src / "factors.md").write_text(
        "# Factors\n\n## by-kind\n\n```{factor-list}\n:group-by: kind\n```\n\n"
        "## unknown-category\n\n```{factor-list}\n:category: weather, capacity\n"
        ":group-by: none\n```\n",
        encoding="utf-8",
    )
    myst = build(src)
    assert_warned(
        myst.app,
        "factors.md",
        11,  # the line of the directive
        "factor-list: unknown factor category 'weather'",
        "postmortem.filter",
    )
    rst = build(copy_root("factor-list", tmp_path / "rst"))
    for section_id in ("by-kind", "unknown-category"):
        assert groups_of(rollup_of(myst, section_id)) == groups_of(rollup_of(rst, section_id))
