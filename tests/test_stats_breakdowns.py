"""``postmortem-stats`` breakdowns: detection sources, factor categories, impact sums.

The first half tests :func:`sphinx_postmortem.fill.statistics.compute_stats`
and the stacked charts on hand-made incident views. The second half builds
``tests/roots/test-stats-breakdowns`` (quarters, severities SEV1 and SEV2):

====  ==========  ========  ===========  ==========================  ==========================
id    date        severity  detected by  impact                      factor categories
====  ==========  ========  ===========  ==========================  ==========================
A-1   2024-01-10  SEV1      alert        6214 customers, 12,500 USD  change-management,
                                         3 of a hostile metric       capacity, monitoring-gap
B-1   2024-02-20  SEV2      customer     1.2k customers, 20GB        capacity (twice), hostile
C-1   2024-04-05  SEV1      -            500 USD                     capacity, process
D-1   2024-05-01  (project) -            -                           process
E-1   2024-05-10  SEV2      alert        -                           -
====  ==========  ========  ===========  ==========================  ==========================
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from support.builds import build
from support.fixtures import root_build_fixture
from support.projects import copy_root
from test_stats import block_charts, block_tables, one_block, svg_sources, text_tables

from sphinx_postmortem.fill.charts import (
    HEIGHT,
    LEGEND_ROW,
    Scale,
    amount_scale,
    palette_series,
    severity_series,
    stacked_chart,
)
from sphinx_postmortem.fill.statistics import NOT_GIVEN, compute_stats
from sphinx_postmortem.model import ImpactFigure
from sphinx_postmortem.selection.views import IncidentView

SVG = "{http://www.w3.org/2000/svg}"
SEVERITIES = ["SEV1", "SEV2"]
SOURCES = ["alert", "customer", "employee", "external", "test", "unknown"]
METRICS = {
    "customers": ("Customers affected", "customers", "count"),
    "revenue": ("Revenue lost", "USD", "money"),
    "error-budget": ("Error budget burned", "%", "percent"),
    "summary": ("In words", "", "text"),
}


def figure(
    metric: str,
    value: Any,
    unit: str | None = None,
    kind: str | None = None,
    label: str | None = None,
) -> ImpactFigure:
    configured = METRICS.get(metric, (metric, "", "count"))
    return {
        "metric": metric,
        "label": label or configured[0],
        "unit": configured[1] if unit is None else unit,
        "kind": kind or configured[2],
        "value": value,
        "text": str(value),
    }


def view(
    date: str,
    severity: str | None = "SEV1",
    detected_by: str | None = None,
    categories: tuple[str, ...] = (),
    impact: tuple[ImpactFigure, ...] = (),
    kind: str = "incident",
) -> IncidentView:
    record: dict[str, Any] = {
        "id": f"X-{date}",
        "title": "t",
        "date": date,
        "severity": severity,
        "status": "published",
        "type": kind,
        "types": [kind],
        "authors": [],
        "services": [],
        "tags": [],
        "summary": "",
        "detected_by": detected_by,
        "docname": f"d-{date}",
        "anchor": "a",
        "lineno": 1,
    }
    return IncidentView(
        record=record,
        metrics={},  # type: ignore[arg-type]
        impact=list(impact),
        factor_categories=list(categories),
    )


def stats_of(views: list[IncidentView], **options: Any) -> Any:
    options.setdefault("detection_sources", SOURCES)
    options.setdefault("impact_metrics", METRICS)
    return compute_stats(views, "quarter", SEVERITIES, **options)


# -- detection ---------------------------------------------------------------------------------


def test_incidents_counted_per_period_and_detection_source():
    stats = stats_of(
        [
            view("2024-01-05", detected_by="customer"),
            view("2024-01-06", detected_by="alert"),
            view("2024-02-01", detected_by="alert"),
            view("2024-02-02"),  # does not say
            view("2024-04-01", detected_by="unknown"),
        ]
    )
    # configured order, "not given" last; unused sources are no column
    assert stats.detection_sources == ["alert", "customer", "unknown", NOT_GIVEN]
    assert stats.detection == {
        "2024-Q1": {"alert": 2, "customer": 1, "unknown": 0, NOT_GIVEN: 1},
        "2024-Q2": {"alert": 0, "customer": 0, "unknown": 1, NOT_GIVEN: 0},
    }


def test_share_caught_by_monitoring_out_of_incidents_that_say_how():
    stats = stats_of(
        [
            view("2024-01-05", detected_by="customer"),
            view("2024-01-06", detected_by="alert"),
            view("2024-02-01", detected_by="alert"),
            view("2024-02-02"),  # not counted either way
            view("2024-04-01", detected_by="unknown"),  # said: nobody saw an alert
            view("2024-07-01"),
        ]
    )
    assert stats.monitored
    assert stats.monitoring_share("2024-Q1") == pytest.approx(2 / 3)
    assert stats.monitoring_share("2024-Q2") == 0
    assert stats.monitoring_share("2024-Q3") is None  # nobody said
    assert stats.monitoring_share() == pytest.approx(2 / 4)


def test_no_detection_breakdown_when_no_incident_says_how_it_was_detected():
    stats = stats_of([view("2024-01-05"), view("2024-04-01")])
    assert stats.detection_sources == [] and stats.detection == {}
    assert stats.monitoring_share() is None


def test_sources_of_other_projects_follow_the_configured_ones_by_name():
    stats = stats_of(
        [
            view("2024-01-05", detected_by="pager"),
            view("2024-01-06", detected_by="Audit"),
            view("2024-01-07", detected_by="alert"),
            view("2024-01-08", detected_by=""),  # empty: not given
        ]
    )
    assert stats.detection_sources == ["alert", "Audit", "pager", NOT_GIVEN]


def test_no_share_without_a_monitoring_source():
    stats = stats_of([view("2024-01-05", detected_by="pager")], detection_sources=["pager", "call"])
    assert not stats.monitored
    assert stats.monitoring_share() == 0  # computed, but the page does not show it


# -- factor categories -------------------------------------------------------------------------


def test_categories_count_incidents_once_recurring_first():
    stats = stats_of(
        [
            view("2024-01-05", categories=("process", "capacity", "capacity")),
            view("2024-01-06", categories=("capacity",)),
            view("2024-04-01", categories=("tooling", "process")),
            view("2024-07-01", categories=("capacity", "Dependency")),
            view("2024-10-01"),
        ]
    )
    assert stats.categories == [
        ("capacity", 3),
        ("process", 2),
        ("Dependency", 1),
        ("tooling", 1),
    ]
    assert stats.category_counts == {
        "2024-Q1": {"capacity": 2, "process": 1, "Dependency": 0, "tooling": 0},
        "2024-Q2": {"capacity": 0, "process": 1, "Dependency": 0, "tooling": 1},
        "2024-Q3": {"capacity": 1, "process": 0, "Dependency": 1, "tooling": 0},
        "2024-Q4": {"capacity": 0, "process": 0, "Dependency": 0, "tooling": 0},
    }


def test_categories_limited_to_the_most_recurring():
    views = [view(f"2024-01-{day:02d}", categories=(f"c{day:02d}",) * 1) for day in range(1, 13)]
    views.append(view("2024-02-01", categories=("c12",)))
    stats = stats_of(views, top=3)
    assert stats.categories == [("c12", 2), ("c01", 1), ("c02", 1)]
    assert list(stats.category_counts["2024-Q1"]) == ["c12", "c01", "c02"]


def test_project_reviews_are_left_out_of_the_breakdowns():
    review = view("2024-01-05", None, "alert", ("process",), (figure("customers", 10),), "project")
    stats = stats_of([review, view("2024-01-06")])
    assert stats.reviews["2024-Q1"] == 1
    assert stats.detection_sources == []
    assert stats.categories == []
    assert stats.impact == []


# -- impact sums -------------------------------------------------------------------------------


def test_impact_summed_per_period_and_severity():
    stats = stats_of(
        [
            view(
                "2024-01-05", "SEV1", impact=(figure("customers", 6214), figure("revenue", 12500))
            ),
            view("2024-01-06", "SEV1", impact=(figure("customers", 100),)),
            view("2024-02-01", "SEV2", impact=(figure("customers", 1.5),)),
            view("2024-04-01", None, impact=(figure("customers", 0),)),  # "none" counts as zero
            view("2024-07-01", "SEV2"),
        ]
    )
    customers, revenue = stats.impact
    assert (customers.metric, customers.name, customers.kind) == (
        "customers",
        "Customers affected (customers)",
        "count",
    )
    assert customers.severities == ["SEV1", "SEV2", "unrated"]
    assert customers.sums == {
        "2024-Q1": {"SEV1": 6314, "SEV2": 1.5},
        "2024-Q2": {"unrated": 0},
    }
    assert customers.total("2024-Q1") == 6315.5
    assert customers.total("2024-Q2") == 0
    assert customers.total("2024-Q3") is None  # no figure, not zero
    assert revenue.name == "Revenue lost (USD)" and revenue.severities == ["SEV1"]
    assert revenue.sums == {"2024-Q1": {"SEV1": 12500}}


def test_impact_metrics_in_configured_order_text_never_summed():
    stats = stats_of(
        [
            view(
                "2024-01-05",
                impact=(
                    figure("error-budget", 38),
                    figure("summary", None),
                    figure("zz-imported", 3),
                    figure("customers", 5),
                ),
            ),
        ]
    )
    assert [s.metric for s in stats.impact] == ["customers", "error-budget", "zz-imported"]


def test_impact_option_names_the_metrics_summed():
    views = [view("2024-01-05", impact=(figure("customers", 5), figure("revenue", 7)))]
    assert [s.metric for s in stats_of(views, impact=("revenue",)).impact] == ["revenue"]
    assert stats_of(views, impact=("error-budget",)).impact == []


def test_same_metric_in_another_unit_is_summed_apart_never_together():
    stats = stats_of(
        [
            view("2024-01-05", impact=(figure("revenue", 100),)),
            view("2024-01-06", impact=(figure("revenue", 40, unit="EUR", label="Lost revenue"),)),
            view("2024-01-07", impact=(figure("revenue", 60, unit="EUR", label="Other label"),)),
            view("2024-01-08", impact=(figure("revenue", 5, kind="count"),)),  # other kind
            view("2024-01-09", impact=(figure("revenue", 1),)),
        ]
    )
    sums = [(s.name, s.unit, s.kind, s.sums["2024-Q1"]["SEV1"]) for s in stats.impact]
    assert sums == [
        ("Revenue lost (USD, money)", "USD", "money", 101),  # the configured unit and kind first
        ("Lost revenue (EUR)", "EUR", "money", 100),  # named as its first figure names it
        ("Revenue lost (USD, count)", "USD", "count", 5),  # then by unit and kind
    ]
    assert all(s.split for s in stats.impact)


def test_unit_less_metrics_split_by_kind_are_named_by_kind():
    metrics = {"data-loss": ("Data lost", "", "bytes")}
    stats = stats_of(
        [
            view("2024-01-05", impact=(figure("data-loss", 2e9, "", "bytes", "Data lost"),)),
            view("2024-01-06", impact=(figure("data-loss", 3, "", "count", "Data lost"),)),
        ],
        impact_metrics=metrics,
    )
    assert [s.name for s in stats.impact] == ["Data lost (bytes)", "Data lost (count)"]
    alone = stats_of(
        [view("2024-01-05", impact=(figure("data-loss", 1, "", "bytes"),))], impact_metrics=metrics
    )
    assert [s.name for s in alone.impact] == ["Data lost"]
    assert not alone.impact[0].split


@pytest.mark.parametrize(
    "bad",
    [float("nan"), float("inf"), -5, 10**400, 1e19, True, "12", None],
    ids=["nan", "inf", "negative", "int-10e400", "too-large", "bool", "str", "none"],
)
def test_impact_values_that_cannot_be_summed_are_left_out(bad):
    stats = stats_of(
        [
            view("2024-01-05", impact=(figure("customers", bad),)),
            view("2024-01-06", impact=(figure("customers", 7),)),
        ]
    )
    (customers,) = stats.impact
    assert customers.sums == {"2024-Q1": {"SEV1": 7}}


# -- stacked charts --------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def bar_titles(root: ET.Element) -> list[str]:
    return [
        r.find(f"{SVG}title").text or ""
        for r in root.iter(f"{SVG}rect")
        if "pm-bar" in r.get("class", "").split()
    ]


def legend_texts(root: ET.Element) -> list[str]:
    legend = next(g for g in root.iter(f"{SVG}g") if "pm-chart-legend" in g.get("class", ""))
    return [t.text or "" for t in legend.iter(f"{SVG}text")]


def test_stacked_chart_draws_one_bar_per_value_first_series_at_the_bottom():
    series = palette_series({"alert": "alert", NOT_GIVEN: "not given"}, "detect")
    values = {"2024-Q1": {"alert": 2, NOT_GIVEN: 1}, "2024-Q2": {"alert": 0, NOT_GIVEN: 0}}
    root = parse(stacked_chart("c", "Detection", ["2024-Q1", "2024-Q2"], series, values, str))
    assert bar_titles(root) == ["2024-Q1, alert: 2", "2024-Q1, not given: 1"]
    first, second = (r for r in root.iter(f"{SVG}rect") if "pm-bar" in r.get("class", ""))
    assert float(first.get("y")) > float(second.get("y"))  # stacked upwards
    assert float(first.get("height")) == pytest.approx(2 * float(second.get("height")), abs=0.11)
    assert root.find(f"{SVG}desc").text == "2024-Q1: alert 2, not given 1; 2024-Q2: none"
    assert legend_texts(root) == ["alert", "not given"]
    for rect in root.iter(f"{SVG}rect"):
        assert rect.get("style", "").startswith("fill: var(--pm-detect-")


def test_stacked_chart_writes_values_with_the_given_writer_and_scale():
    series = severity_series(["SEV1", "SEV2"])
    values = {"2024-Q1": {"SEV1": 5400, "SEV2": 1800}}
    root = parse(
        stacked_chart(
            "c",
            "t",
            ["2024-Q1"],
            series,
            values,
            lambda v: f"{v / 3600:g} hours",
            Scale(3600, "hours"),
        )
    )
    assert bar_titles(root) == ["2024-Q1, SEV1: 1.5 hours", "2024-Q1, SEV2: 0.5 hours"]
    axis_texts = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert axis_texts == ["0", "0.5", "1", "1.5", "2"]
    units = [t.text for t in root.iter(f"{SVG}text") if "pm-chart-unit" in t.get("class", "")]
    assert units == ["hours"]


@pytest.mark.parametrize(
    ("kind", "largest", "expected"),
    [
        ("duration", 7200, Scale(3600, "hours")),
        ("bytes", 2e9, Scale(1e9, "gigabytes")),
        ("bytes", 999, Scale(1, "bytes")),
        ("percent", 38, Scale(1, "percent")),
        ("money", 1e6, Scale(1, "USD")),
        ("count", 1, Scale(1, "USD", whole=True)),
    ],
)
def test_axis_of_impact_sums(kind, largest, expected):
    assert amount_scale(kind, "USD", largest) == expected


def test_large_axis_numbers_are_short():
    values = {"2024": {"SEV1": 1_200_000}}
    root = parse(stacked_chart("c", "t", ["2024"], severity_series(["SEV1"]), values))
    axis_texts = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert axis_texts == ["0", "500k", "1M", "1.5M"]


HOSTILE = ['<script>alert("x")</script>', "A&B 'q' ]]> --", "</svg><svg onload=alert(1)>"]


def test_stacked_chart_escapes_names_and_title():
    series = palette_series({name: name for name in HOSTILE}, "category")
    values = {"2024-Q1": dict.fromkeys(HOSTILE, 1)}
    svg = stacked_chart(
        "c", f"<b>{HOSTILE[0]}</b>", ["2024-Q1"], series, values, str, Scale(1, HOSTILE[1])
    )
    assert "<script" not in svg and "<svg onload" not in svg and "<b>" not in svg
    root = parse(svg)
    assert len(list(root.iter(f"{SVG}svg"))) == 1
    assert root.find(f"{SVG}title").text == f"<b>{HOSTILE[0]}</b>"
    assert bar_titles(root) == [f"2024-Q1, {name}: 1" for name in HOSTILE]
    assert legend_texts(root) == HOSTILE
    for element in root.iter():
        assert re.fullmatch(r"[\w -]*", element.get("class", "")), element.get("class")


def test_a_long_legend_wraps_and_makes_the_chart_taller():
    names = {f"category-number-{i}": f"category-number-{i}" for i in range(10)}
    values = {"2024": dict.fromkeys(names, 1)}
    root = parse(stacked_chart("c", "t", ["2024"], palette_series(names, "category"), values))
    height = int(root.get("height"))
    assert height > HEIGHT + LEGEND_ROW
    swatches = [r for r in root.iter(f"{SVG}rect") if "pm-bar" not in r.get("class", "")]
    assert len(swatches) == 10
    assert all(float(r.get("x").rstrip("%")) < 100 for r in swatches)
    assert max(float(r.get("y")) + 12 for r in swatches) <= height


def test_a_long_legend_name_is_shortened_in_the_legend_only():
    name = "x" * 300
    root = parse(
        stacked_chart(
            "c", "t", ["2024"], palette_series({name: name}, "category"), {"2024": {name: 1}}
        )
    )
    (text,) = legend_texts(root)
    assert len(text) == 40 and text.endswith("\N{HORIZONTAL ELLIPSIS}")
    assert bar_titles(root) == [f"2024, {name}: 1"]


@pytest.mark.parametrize(
    "huge",
    [10**400, float("inf"), float("nan"), 1e308, -5.0],
    ids=["int-10e400", "inf", "nan", "1e308", "negative"],
)
def test_stacked_chart_never_draws_overflowing_or_non_finite_numbers(huge):
    values = {"2024-Q1": {"SEV1": huge, "SEV2": 3}, "2024-Q2": {"SEV1": 2}}
    svg = stacked_chart("c", "t", ["2024-Q1", "2024-Q2"], severity_series(SEVERITIES), values)
    assert not re.search(r"\b(?:inf|nan)\b", svg, re.I), svg
    root = parse(svg)
    for element in list(root.iter())[1:]:
        for name in ("x", "y", "width", "height"):
            if element.get(name) is not None:
                value = float(element.get(name).rstrip("%"))
                limit = int(root.get("height"))
                assert math.isfinite(value) and -1 <= value <= limit, (element.tag, name, value)
    assert "2024-Q2, SEV1: 2" in bar_titles(root)


def test_stacked_chart_without_periods_is_still_a_described_chart():
    root = parse(stacked_chart("c", "t", [], severity_series(SEVERITIES), {}))
    assert root.find(f"{SVG}desc").text == "no data"
    assert bar_titles(root) == []


# -- the built pages ---------------------------------------------------------------------------


html = root_build_fixture("stats-breakdowns", "html", folder="breakdowns")
text = root_build_fixture("stats-breakdowns", "text", folder="breakdowns-text")

EM_DASH = "\N{EM DASH}"
HOSTILE_CATEGORY = "<img src=x onerror=alert(1)>"
HOSTILE_METRIC = '<script>alert("m")</script> & "x" (<b>u</b>)'
PER = "per quarter, by severity"

DETECTION = (
    ["Period", "alert", "customer", "not given", "Caught by monitoring"],
    [
        ["2024-Q1", "1", "1", "0", "50%"],
        ["2024-Q2", "1", "0", "1", "100%"],  # C-1 does not say: not in the share
        ["All periods", "2", "1", "1", "67%"],
    ],
)
# B-1 names capacity twice: one incident; D-1 is a project review: not counted
CATEGORIES = (
    ["Period", "capacity", HOSTILE_CATEGORY, "change-management", "monitoring-gap", "process"],
    [
        ["2024-Q1", "2", "1", "1", "1", "0"],
        ["2024-Q2", "1", "0", "0", "0", "1"],
        ["All periods", "3", "1", "1", "1", "1"],
    ],
)
CUSTOMERS = (
    ["Period", "SEV1", "SEV2", "Total"],
    [
        ["2024-Q1", "6,214 customers", "1,200 customers", "7,414 customers"],
        ["2024-Q2", EM_DASH, EM_DASH, EM_DASH],  # no figure is not zero
        ["All periods", "6,214 customers", "1,200 customers", "7,414 customers"],
    ],
)
REVENUE = (
    ["Period", "SEV1", "Total"],
    [
        ["2024-Q1", "12,500 USD", "12,500 USD"],
        ["2024-Q2", "500 USD", "500 USD"],
        ["All periods", "13,000 USD", "13,000 USD"],
    ],
)
DATA_LOSS = (
    ["Period", "SEV2", "Total"],
    [
        ["2024-Q1", "20 GB", "20 GB"],
        ["2024-Q2", EM_DASH, EM_DASH],
        ["All periods", "20 GB", "20 GB"],
    ],
)
HOSTILE_SUMS = (
    ["Period", "SEV1", "Total"],
    [
        ["2024-Q1", "3 <b>u</b>", "3 <b>u</b>"],
        ["2024-Q2", EM_DASH, EM_DASH],
        ["All periods", "3 <b>u</b>", "3 <b>u</b>"],
    ],
)
RUBRICS = [
    "Incidents per quarter, by severity",
    "Median times per quarter",
    "Incidents per quarter, by detection source",
    "Contributing-factor categories per quarter",
    f"Customers affected (customers) {PER}",
    f"Revenue lost (USD) {PER}",
    f"Data lost {PER}",
    f"{HOSTILE_METRIC} {PER}",
]


def rubrics(block: Any) -> list[str]:
    return [p.text() for p in block.find_all("p", cls="rubric")]


def test_build_is_clean(html):
    assert html.warnings == []


def test_breakdown_tables(html):
    block = one_block(html.dom("stats.html"), "all")
    assert rubrics(block) == RUBRICS
    tables = block_tables(block)
    assert tables[2:] == [DETECTION, CATEGORIES, CUSTOMERS, REVENUE, DATA_LOSS, HOSTILE_SUMS]


def test_impact_option_limits_the_sums_on_the_page(html):
    block = one_block(html.dom("stats.html"), "revenue-only")
    assert rubrics(block)[4:] == [f"Revenue lost (USD) {PER}"]
    assert block_tables(block)[4:] == [REVENUE]


def test_breakdowns_appear_only_with_data(html):
    dom = html.dom("stats.html")
    page = html.html("stats.html")
    silent = one_block(dom, "nobody-said-how")  # C-1: no detection source
    assert rubrics(silent)[2:] == [
        "Contributing-factor categories per quarter",
        f"Revenue lost (USD) {PER}",
    ]
    assert len(block_charts(silent, page)) == 4
    only_e = one_block(dom, "no-factors-or-impact")  # E-1: detected by an alert, nothing else
    assert rubrics(only_e)[2:] == ["Incidents per quarter, by detection source"]
    assert block_tables(only_e)[2] == (
        ["Period", "alert", "Caught by monitoring"],
        [["2024-Q2", "1", "100%"], ["All periods", "1", "100%"]],
    )
    assert len(block_charts(only_e, page)) == 3


def bar_tooltips(chart: ET.Element) -> dict[tuple[str, str], str]:
    """``(period, series) -> value as written`` from the bars' tooltips."""
    found = {}
    for rect in chart.iter(f"{SVG}rect"):
        if "pm-bar" in rect.get("class", "").split():
            match = re.fullmatch(r"(\S+), (.*): (.+)", rect.find(f"{SVG}title").text or "")
            assert match, rect.find(f"{SVG}title").text
            found[(match[1], match[2])] = match[3]
    return found


def table_cells(table: tuple[list[str], list[list[str]]], columns: int) -> dict:
    """``(period, column) -> cell`` of the first ``columns`` value columns, periods only."""
    header, rows = table
    return {
        (row[0], name): cell
        for row in rows
        if row[0] != "All periods"
        for name, cell in zip(header[1 : columns + 1], row[1 : columns + 1], strict=True)
        if cell not in ("0", EM_DASH)
    }


def test_charts_show_the_same_numbers_as_the_tables(html):
    page = html.html("stats.html")
    block = one_block(html.dom("stats.html"), "all")
    charts = block_charts(block, page)[2:]
    tables = block_tables(block)[2:]
    assert len(charts) == len(tables) == 6
    detection, categories, *impact = zip(charts, tables, strict=True)
    assert bar_tooltips(detection[0]) == table_cells(detection[1], 3)
    assert bar_tooltips(categories[0]) == table_cells(categories[1], 5)
    for chart, table in impact:
        assert bar_tooltips(chart) == table_cells(table, len(table[0]) - 2)
    for chart, title in zip(charts, RUBRICS[2:], strict=True):
        assert chart.find(f"{SVG}title").text == title


def test_hostile_category_and_metric_are_escaped(html):
    page = html.html("stats.html")
    assert "<img src=x" not in page and "<script>alert" not in page and "<b>u" not in page
    block = one_block(html.dom("stats.html"), "all")
    charts = block_charts(block, page)
    categories, hostile = charts[3], charts[7]
    legend = [
        t.text
        for g in categories.iter(f"{SVG}g")
        if "pm-chart-legend" in g.get("class", "")
        for t in g.iter(f"{SVG}text")
    ]
    assert HOSTILE_CATEGORY in legend
    assert hostile.find(f"{SVG}title").text == f"{HOSTILE_METRIC} {PER}"
    assert bar_tooltips(hostile) == {("2024-Q1", "SEV1"): "3 <b>u</b>"}
    for svg in svg_sources(page).values():
        for element in ET.fromstring(svg).iter():
            assert re.fullmatch(r"[\w -]*", element.get("class", "")), element.get("class")


def test_text_builder_shows_the_breakdown_tables(text):
    output = (text.outdir / "stats.txt").read_text(encoding="utf-8")
    assert "<svg" not in output and "pm-chart" not in output
    tables = [(t[0], t[1:]) for t in text_tables(output)]
    assert tables[2] == DETECTION
    assert tables[3][1][-3:] == CATEGORIES[1]  # the long names wrap onto a second header line
    assert tables[4:8] == [CUSTOMERS, REVENUE, DATA_LOSS, HOSTILE_SUMS]
    for rubric in RUBRICS[2:]:
        assert " ".join(rubric.split()) in " ".join(output.split())


# -- across projects ---------------------------------------------------------------------------


PROJECTS_PAGE = """\
:orphan:

Projects
========

Other
-----

.. postmortem-stats::
   :projects: other

Both
----

.. postmortem-stats::
"""


@pytest.fixture(scope="module")
def with_import(tmp_path_factory, html):
    """A copy of the root importing its own export as project ``other``."""
    export = json.loads((html.outdir / "postmortems.json").read_text(encoding="utf-8"))
    srcdir = copy_root("stats-breakdowns", tmp_path_factory.mktemp("breakdowns-import") / "src")
    (srcdir / "other.json").write_text(json.dumps(export), encoding="utf-8")
    (srcdir / "projects.rst").write_text(PROJECTS_PAGE, encoding="utf-8")
    projects = {"other": ("https://example.org/other/", "other.json")}
    return build(srcdir, "html", confoverrides={"postmortem_projects": projects})


def test_imported_incidents_give_the_same_breakdowns(with_import):
    assert [w for w in with_import.warnings if "projects.rst" in w] == []
    dom = with_import.dom("projects.html")
    other = block_tables(one_block(dom, "other"))
    assert other[2:] == [DETECTION, CATEGORIES, CUSTOMERS, REVENUE, DATA_LOSS, HOSTILE_SUMS]
    both = block_tables(one_block(dom, "both"))
    assert both[2][1][-1] == ["All periods", "4", "2", "2", "67%"]
    assert both[3][1][-1] == ["All periods", "6", "2", "2", "2", "2"]
    assert both[4][1][-1] == [
        "All periods",
        "12,428 customers",
        "2,400 customers",
        "14,828 customers",
    ]


def test_imported_figures_in_another_unit_are_summed_apart(tmp_path, html):
    export = json.loads((html.outdir / "postmortems.json").read_text(encoding="utf-8"))
    for incident in export["incidents"]:
        for figure in incident.get("impact", []):
            if figure["metric"] == "revenue":
                figure["unit"] = "EUR"
                figure["label"] = "Lost revenue"
    srcdir = copy_root("stats-breakdowns", tmp_path / "src")
    (srcdir / "other.json").write_text(json.dumps(export), encoding="utf-8")
    (srcdir / "projects.rst").write_text(PROJECTS_PAGE, encoding="utf-8")
    projects = {"other": ("https://example.org/other/", "other.json")}
    result = build(srcdir, "html", confoverrides={"postmortem_projects": projects})
    block = one_block(result.dom("projects.html"), "both")
    names = rubrics(block)
    assert f"Revenue lost (USD) {PER}" in names and f"Lost revenue (EUR) {PER}" in names
    tables = block_tables(block)
    usd = tables[names.index(f"Revenue lost (USD) {PER}")]
    eur = tables[names.index(f"Lost revenue (EUR) {PER}")]
    assert usd == REVENUE
    assert eur == (REVENUE[0], [[cell.replace("USD", "EUR") for cell in r] for r in REVENUE[1]])
    notes = [p.text() for p in block.find_all("p", cls="pm-stats-note")]
    assert len(notes) == 2


# -- incremental builds ------------------------------------------------------------------------


def test_editing_one_factor_updates_the_statistics(tmp_path):
    srcdir = copy_root("stats-breakdowns", tmp_path / "src")
    build(srcdir, "html")
    page = srcdir / "incidents" / "c.rst"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            ":category: capacity, process", ":category: process"
        ),
        encoding="utf-8",
    )
    result = build(srcdir, "html", freshenv=False)
    assert "stats" in result.status  # the statistics page is written again
    block = one_block(result.dom("stats.html"), "all")
    categories = block_tables(block)[3]
    assert categories == (
        CATEGORIES[0],
        [
            ["2024-Q1", "2", "1", "1", "1", "0"],
            ["2024-Q2", "0", "0", "0", "0", "1"],  # C-1 no longer counts for capacity
            ["All periods", "2", "1", "1", "1", "1"],
        ],
    )
