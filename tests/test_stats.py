"""``postmortem-stats``: the numbers and the rendered page.

The first half tests :func:`sphinx_postmortem.stats.compute_stats` and its
period helpers on hand-made incident views. The second half builds
``tests/roots/test-stats`` (six incidents, several stats directives) with the
HTML, text and LaTeX builders and reads the tables and charts back.

The incidents of ``test-stats`` (severities configured as high, medium, low):

====  ==========  ========  =========  ===============  ====  ====  ====
id    date        severity  services   tags             ttd   ttm   ttr
====  ==========  ========  =========  ===============  ====  ====  ====
A-1   2024-01-10  low       api, db    tls, dns         10m   40m   1h
B-1   2024-01-25  high      api        tls              20m   1h    2h
C-1   2024-01-28  medium    Web        dns              30m   -     -
D-1   2024-04-02  high      db         capacity         -     -     -
E-1   2024-05-15  (project) -          migration        -     -     -
F-1   2023-11-03  medium    cache      network          15m   30m   45m
====  ==========  ========  =========  ===============  ====  ====  ====
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

import pytest
from support.builds import build
from support.fixtures import root_build_fixture
from support.html import El
from support.projects import copy_root
from support.rollups import rollups_in, section

from sphinx_postmortem.fill.statistics import compute_stats, period_of, period_range
from sphinx_postmortem.selection.views import IncidentView

SVG = "{http://www.w3.org/2000/svg}"
EM_DASH = "\N{EM DASH}"
SEVERITIES = ["high", "medium", "low"]
METRIC_HEADERS = ["Time to detect", "Time to mitigate", "Time to resolve"]


# -- unit tests: periods ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "month", "quarter", "year"),
    [
        ("2024-01-01", "2024-01", "2024-Q1", "2024"),
        ("2024-03-31", "2024-03", "2024-Q1", "2024"),
        ("2024-04-01", "2024-04", "2024-Q2", "2024"),
        ("2024-09-30", "2024-09", "2024-Q3", "2024"),
        ("2024-10-01", "2024-10", "2024-Q4", "2024"),
        ("2023-12-31", "2023-12", "2023-Q4", "2023"),
    ],
)
def test_period_of(date, month, quarter, year):
    day = dt.date.fromisoformat(date)
    assert period_of(day, "month") == month
    assert period_of(day, "quarter") == quarter
    assert period_of(day, "year") == year


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_period_range_months_cross_the_year_end():
    assert period_range(D("2023-11-15"), D("2024-02-01"), "month") == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]
    # stepping by calendar month, not by 30 days: the 31st of January must not skip February
    assert period_range(D("2024-01-31"), D("2024-03-01"), "month") == [
        "2024-01",
        "2024-02",
        "2024-03",
    ]


def test_period_range_quarters_and_years():
    assert period_range(D("2023-11-20"), D("2024-05-02"), "quarter") == [
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
    ]
    assert period_range(D("2024-03-31"), D("2024-04-01"), "quarter") == ["2024-Q1", "2024-Q2"]
    assert period_range(D("2023-12-31"), D("2025-01-01"), "quarter") == [
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
    ]
    assert period_range(D("2022-06-30"), D("2024-01-01"), "year") == ["2022", "2023", "2024"]


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_period_range_single_period(period):
    assert period_range(D("2024-02-10"), D("2024-02-10"), period) == [
        period_of(D("2024-02-10"), period)
    ]
    assert period_range(D("2024-02-01"), D("2024-02-29"), period) == [
        period_of(D("2024-02-01"), period)
    ]


# -- unit tests: compute_stats -----------------------------------------------------------


def view(
    date: str | None, severity: str | None = "high", services=(), tags=(), **metrics: int
) -> IncidentView:
    record: dict[str, Any] = {
        "id": f"X-{date}-{severity}",
        "title": "t",
        "date": date,
        "severity": severity,
        "status": "published",
        "type": "incident",
        "authors": [],
        "services": list(services),
        "tags": list(tags),
        "summary": "",
        "docname": f"d-{date}-{severity}",
        "anchor": "a",
        "lineno": 1,
    }
    return IncidentView(record=record, metrics=dict(metrics))  # type: ignore[arg-type]


def test_no_incidents():
    stats = compute_stats([], "quarter", SEVERITIES)
    assert stats.periods == []
    assert stats.counts == {}
    assert stats.medians == {}
    assert stats.services == []
    assert stats.tags == []


def test_one_period():
    stats = compute_stats(
        [view("2024-02-01", "high"), view("2024-03-31", "low")], "quarter", SEVERITIES
    )
    assert stats.periods == ["2024-Q1"]
    assert stats.counts["2024-Q1"]["high"] == 1
    assert stats.counts["2024-Q1"]["low"] == 1
    assert stats.total("2024-Q1") == 2


def test_empty_periods_are_zero_not_missing():
    stats = compute_stats(
        [view("2024-01-15", "high", time_to_detect=60), view("2024-04-02", "low")],
        "month",
        SEVERITIES,
    )
    assert stats.periods == ["2024-01", "2024-02", "2024-03", "2024-04"]
    for empty in ("2024-02", "2024-03"):
        assert set(stats.counts[empty]) == set(stats.severities)
        assert all(n == 0 for n in stats.counts[empty].values())
        assert stats.total(empty) == 0
        assert stats.medians[empty] == {
            "time_to_detect": None,
            "time_to_mitigate": None,
            "time_to_resolve": None,
        }
    assert stats.total("2024-01") == 1 and stats.total("2024-04") == 1


def test_since_and_until_bound_the_periods():
    views = [view("2024-02-10", "high")]
    stats = compute_stats(views, "month", SEVERITIES, since="2023-12-01", until="2024-04-30")
    assert stats.periods == ["2023-12", "2024-01", "2024-02", "2024-03", "2024-04"]
    assert [stats.total(p) for p in stats.periods] == [0, 0, 1, 0, 0]
    # only one bound: the other end comes from the incidents
    stats = compute_stats(
        views + [view("2024-05-01", "low")], "quarter", SEVERITIES, since="2023-07-01"
    )
    assert stats.periods == ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]
    stats = compute_stats(views, "quarter", SEVERITIES, until="2024-12-31")
    assert stats.periods == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


def test_incidents_outside_the_bounds_are_not_counted():
    views = [view("2023-06-01", "high"), view("2024-02-10", "low"), view("2025-01-01", "high")]
    stats = compute_stats(views, "year", SEVERITIES, since="2024-01-01", until="2024-12-31")
    assert stats.periods == ["2024"]
    assert stats.counts["2024"]["low"] == 1
    assert stats.total("2024") == 1


def test_median_of_odd_and_even_counts():
    views = [
        view("2024-01-01", time_to_detect=600, time_to_mitigate=100),
        view("2024-01-02", time_to_detect=60, time_to_mitigate=300),
        view("2024-01-03", time_to_detect=6000, time_to_mitigate=200),
        view("2024-01-04", time_to_mitigate=1000),
    ]
    stats = compute_stats(views, "month", SEVERITIES)
    medians = stats.medians["2024-01"]
    assert medians["time_to_detect"] == 600  # odd: 60, 600, 6000 -> the middle one
    assert medians["time_to_mitigate"] == 250  # even: 100, 200, 300, 1000 -> mean of 200, 300


def test_missing_metrics_are_left_out_of_the_median():
    views = [
        view("2024-01-01", time_to_detect=60),
        view("2024-01-02", time_to_detect=120, time_to_resolve=3600),
        view("2024-01-03"),  # no timeline at all
        view("2024-04-01"),  # a period whose incidents have no metrics
    ]
    stats = compute_stats(views, "quarter", SEVERITIES)
    assert stats.medians["2024-Q1"] == {
        "time_to_detect": 90,
        "time_to_mitigate": None,
        "time_to_resolve": 3600,
    }
    assert stats.medians["2024-Q2"] == {
        "time_to_detect": None,
        "time_to_mitigate": None,
        "time_to_resolve": None,
    }


def test_severities_in_configured_order_unrated_last():
    views = [
        view("2024-01-01", None),
        view("2024-01-02", "low"),
        view("2024-01-03", "high"),
        view("2024-01-04", "low"),
    ]
    stats = compute_stats(views, "quarter", SEVERITIES)
    assert [s for s in stats.severities if s != "medium"] == ["high", "low", "unrated"]
    assert stats.severities[-1] == "unrated"
    assert stats.counts["2024-Q1"]["unrated"] == 1
    assert stats.counts["2024-Q1"]["low"] == 2
    assert stats.counts["2024-Q1"].get("medium", 0) == 0


def test_unconfigured_severities_come_after_configured_ones_before_unrated():
    # imported incidents may use another project's severities
    views = [
        view("2024-01-01", None),
        view("2024-01-02", "P2"),
        view("2024-01-03", "low"),
        view("2024-01-04", "high"),
    ]
    stats = compute_stats(views, "quarter", SEVERITIES)
    order = [s for s in stats.severities if s in ("high", "low", "P2", "unrated")]
    assert order == ["high", "low", "P2", "unrated"]
    assert stats.counts["2024-Q1"]["P2"] == 1


def test_undated_incidents_count_for_services_and_tags_only():
    views = [view("2024-01-01", services=["api"]), view(None, services=["api"], tags=["dns"])]
    stats = compute_stats(views, "quarter", SEVERITIES)
    assert stats.periods == ["2024-Q1"]
    assert stats.total("2024-Q1") == 1
    assert stats.services == [("api", 2, 0)]
    assert stats.tags == [("dns", 1, 0)]


def test_top_services_and_tags_most_frequent_first_ties_by_name():
    views = [
        view("2024-01-01", services=["db", "Web"], tags=["tls"]),
        view("2024-01-02", services=["api", "db"], tags=["tls", "dns"]),
        view("2024-01-03", services=["cache", "api"], tags=["dns", "Capacity"]),
        view("2024-01-04", services=["zeta"], tags=["backup"]),
    ]
    stats = compute_stats(views, "quarter", SEVERITIES)
    assert stats.services == [
        ("api", 2, 0),
        ("db", 2, 0),
        ("cache", 1, 0),
        ("Web", 1, 0),
        ("zeta", 1, 0),
    ]
    assert stats.tags == [("dns", 2, 0), ("tls", 2, 0), ("backup", 1, 0), ("Capacity", 1, 0)]
    limited = compute_stats(views, "quarter", SEVERITIES, top=3)
    assert limited.services == [("api", 2, 0), ("db", 2, 0), ("cache", 1, 0)]


# -- reading the built pages -------------------------------------------------------------------


def table_data(table: El) -> tuple[list[str], list[list[str]]]:
    """Header texts (from ``<th>``) and body rows (texts of ``<td>``) of a table."""
    head = table.find("thead")
    body = table.find("tbody")
    assert head is not None, "table has no header row"
    assert body is not None
    header = [th.text() for th in head.find_all("th")]
    rows = [[td.text() for td in tr.find_all("td")] for tr in body.find_all("tr")]
    return header, rows


def block_tables(block: El) -> list[tuple[list[str], list[list[str]]]]:
    return [table_data(t) for t in block.find_all("table")]


def svg_sources(page: str) -> dict[str, str]:
    """``aria-labelledby`` value -> the raw ``<svg>`` markup, for every chart of a page."""
    found = {}
    for source in re.findall(r"<svg\b.*?</svg>", page, re.S):
        match = re.search(r'aria-labelledby="([^"]*)"', source)
        assert match, source[:200]
        found[match[1]] = source
    return found


def block_charts(block: El, page: str) -> list[ET.Element]:
    """The charts of a stats block, parsed as XML, in page order."""
    sources = svg_sources(page)
    charts = []
    for svg in block.find_all("svg"):
        charts.append(ET.fromstring(sources[svg.attrs["aria-labelledby"]]))
    return charts


def tooltip_numbers(marks: Iterable[ET.Element], pattern: str) -> dict[tuple[str, str], str]:
    """``(period, name) -> number`` from the ``<title>`` tooltips of chart marks.

    ``pattern`` matches a whole tooltip; its three groups are the period, the
    name and the number.
    """
    numbers = {}
    for mark in marks:
        title = mark.find(f"{SVG}title")
        assert title is not None
        match = re.fullmatch(pattern, title.text or "")
        assert match, title.text
        numbers[(match[1], match[2])] = match[3]
    return numbers


def bar_numbers(chart: ET.Element) -> dict[tuple[str, str], int]:
    """``(period, severity) -> count`` from the bars' tooltips."""
    bars = [r for r in chart.iter(f"{SVG}rect") if "pm-bar" in r.get("class", "").split()]
    return {key: int(n) for key, n in tooltip_numbers(bars, r"(\S+), (.*): (\d+)").items()}


def point_durations(chart: ET.Element) -> dict[tuple[str, str], str]:
    """``(period, metric name) -> duration`` (``1h30m``) from the line chart's points."""
    points = chart.iter(f"{SVG}circle")
    return tooltip_numbers(points, r"(\S+), (.*): (\w+)")


def axis_labels(chart: ET.Element) -> list[str]:
    """The periods under the chart: each label (``01``) with the year written under it or
    under an earlier one (``2024``), as ``2024-01``."""
    axes = next(g for g in chart.iter(f"{SVG}g") if "pm-chart-axes" in g.get("class", ""))
    labels: list[list[str]] = []  # [year, label]
    for text in axes.iter(f"{SVG}text"):
        kind = text.get("class", "")
        if "pm-chart-period" in kind:
            labels.append([labels[-1][0] if labels else "", text.text or ""])
        elif "pm-chart-year" in kind:
            labels[-1][0] = text.text or ""
    return [f"{year}-{label}" if year else label for year, label in labels]


def stats_blocks(dom: El, section_id: str | None = None) -> list[El]:
    where = section(dom, section_id) if section_id else dom
    return [b for b in rollups_in(where) if "pm-postmortem-stats" in b.classes]


def one_block(dom: El, section_id: str | None = None) -> El:
    blocks = stats_blocks(dom, section_id)
    assert len(blocks) == 1, f"expected one stats block, found {len(blocks)}"
    return blocks[0]


html = root_build_fixture("stats", "html", folder="stats")
#: The same sources built at another path (chart ids must not depend on it).
html_again = root_build_fixture("stats", "html", folder="stats-again", src="other-src")
text = root_build_fixture("stats", "text", folder="stats-text")
latex = root_build_fixture("stats", "latex", folder="stats-latex")


#: E-1 is an end-of-project review: counted in its own column, not as a severity.
QUARTER_COUNTS = (
    ["Period", "high", "medium", "low", "Incidents", "Project reviews"],
    [
        ["2023-Q4", "0", "1", "0", "1", "0"],
        ["2024-Q1", "1", "1", "1", "3", "0"],
        ["2024-Q2", "1", "0", "0", "1", "1"],
    ],
)
QUARTER_MEDIANS = (
    ["Period", *METRIC_HEADERS],
    [
        ["2023-Q4", "15m", "30m", "45m"],
        ["2024-Q1", "20m", "50m", "1h30m"],  # odd count of ttd, even counts of ttm and ttr
        ["2024-Q2", EM_DASH, EM_DASH, EM_DASH],  # D-1 and E-1 have no timeline
    ],
)
SERVICES = (["Service", "Incidents"], [["api", "2"], ["db", "2"], ["cache", "1"], ["Web", "1"]])
TAGS = (
    ["Tag", "Incidents", "Project reviews"],
    [
        ["dns", "2", "0"],
        ["tls", "2", "0"],
        ["capacity", "1", "0"],
        ["network", "1", "0"],
        ["migration", "0", "1"],
    ],
)


def test_build_is_clean_apart_from_the_bad_period(html):
    assert [w for w in html.warnings if "stats/bad.rst" not in w] == []


def test_quarter_page_numbers(html):
    block = one_block(html.dom("stats/quarter.html"))
    assert block_tables(block) == [QUARTER_COUNTS, QUARTER_MEDIANS, SERVICES, TAGS]
    rubrics = [p.text() for p in block.find_all("p", cls="rubric")]
    assert rubrics == [
        "Incidents per quarter, by severity",
        "Median times per quarter",
        "Most affected services",
        "Most frequent tags",
    ]


def test_month_page_shows_empty_months_as_zero(html):
    block = one_block(html.dom("stats/month.html"))
    counts, medians = block_tables(block)[:2]
    assert counts[0] == QUARTER_COUNTS[0]
    assert counts[1] == [
        ["2023-11", "0", "1", "0", "1", "0"],
        ["2023-12", "0", "0", "0", "0", "0"],
        ["2024-01", "1", "1", "1", "3", "0"],
        ["2024-02", "0", "0", "0", "0", "0"],
        ["2024-03", "0", "0", "0", "0", "0"],
        ["2024-04", "1", "0", "0", "1", "0"],
        ["2024-05", "0", "0", "0", "0", "1"],
    ]
    assert [row[0] for row in medians[1]] == [row[0] for row in counts[1]]
    assert medians[1][1] == ["2023-12", EM_DASH, EM_DASH, EM_DASH]
    # the chart has a slot (axis label) for every month, empty ones included
    incidents_chart, times_chart = block_charts(block, html.html("stats/month.html"))
    assert axis_labels(incidents_chart) == [row[0] for row in counts[1]]
    assert axis_labels(times_chart) == [row[0] for row in counts[1]]


def test_year_page_numbers(html):
    block = one_block(html.dom("stats/year.html"))
    counts, medians = block_tables(block)[:2]
    assert counts[1] == [["2023", "0", "1", "0", "1", "0"], ["2024", "2", "1", "1", "4", "1"]]
    # 2024: ttd 10m, 20m, 30m -> 20m; ttm 40m, 1h -> 50m; ttr 1h, 2h -> 1h30m
    assert medians[1] == [["2023", "15m", "30m", "45m"], ["2024", "20m", "50m", "1h30m"]]


def test_filters_severity_and_date_bounds(html):
    block = one_block(html.dom("stats/filtered.html"), "severity-and-date-bounds")
    counts, medians, services, tags = block_tables(block)
    # B-1, C-1 (2024-Q1) and D-1 (2024-Q2); A-1 is low, F-1 before :since:, E-1 a project review
    assert counts == (
        ["Period", "high", "medium", "Incidents"],
        [["2024-Q1", "1", "1", "2"], ["2024-Q2", "1", "0", "1"]],
    )
    assert medians[1] == [
        ["2024-Q1", "25m", "1h00m", "2h00m"],
        ["2024-Q2", EM_DASH, EM_DASH, EM_DASH],
    ]
    assert services[1] == [["api", "1"], ["db", "1"], ["Web", "1"]]
    assert tags[1] == [["capacity", "1"], ["dns", "1"], ["tls", "1"]]


def test_since_and_until_extend_the_periods_with_zeros(html):
    block = one_block(html.dom("stats/filtered.html"), "wide-bounds")
    counts = block_tables(block)[0]
    assert counts[1] == [
        ["2023-Q3", "0", "0", "0", "0", "0"],
        ["2023-Q4", "0", "1", "0", "1", "0"],
        ["2024-Q1", "1", "1", "1", "3", "0"],
        ["2024-Q2", "1", "0", "0", "1", "1"],
        ["2024-Q3", "0", "0", "0", "0", "0"],
        ["2024-Q4", "0", "0", "0", "0", "0"],
    ]


def test_one_period_page(html):
    page = html.html("stats/filtered.html")
    block = one_block(html.dom("stats/filtered.html"), "one-period")
    counts, medians = block_tables(block)[:2]
    assert counts == (
        ["Period", "high", "medium", "low", "Incidents"],
        [["2024-01", "1", "1", "1", "3"]],
    )
    assert medians[1] == [["2024-01", "20m", "50m", "1h30m"]]
    incidents_chart, times_chart = block_charts(block, page)
    assert bar_numbers(incidents_chart) == {
        ("2024-01", "high"): 1,
        ("2024-01", "medium"): 1,
        ("2024-01", "low"): 1,
    }
    assert axis_labels(incidents_chart) == ["2024-01"]
    assert len(list(times_chart.iter(f"{SVG}circle"))) == 3


def test_services_and_tags_filters_are_case_insensitive(html):
    dom = html.dom("stats/filtered.html")
    services = block_tables(one_block(dom, "services"))
    assert services[0] == (
        ["Period", "high", "low", "Incidents"],
        [["2024", "1", "1", "2"]],
    )  # A-1 and B-1 (api)
    assert services[2][1] == [["api", "2"], ["db", "1"]]
    tags = block_tables(one_block(dom, "tags"))
    assert tags[0] == (["Period", "medium", "low", "Incidents"], [["2024", "1", "1", "2"]])


def test_type_filter_project_reviews_only_and_missing_metrics(html):
    block = one_block(html.dom("stats/filtered.html"), "type")
    tables = block_tables(block)
    counts, medians = tables[:2]
    # a review is not an "unrated" incident: no severity column, zero incidents
    assert counts == (["Period", "Incidents", "Project reviews"], [["2024-Q2", "0", "1"]])
    assert medians == (["Period", *METRIC_HEADERS], [["2024-Q2", EM_DASH, EM_DASH, EM_DASH]])
    # E-1 has no services: no services table, but its tag is counted as a review's
    assert tables[2:] == [(["Tag", "Incidents", "Project reviews"], [["migration", "0", "1"]])]
    incidents_chart = block_charts(block, html.html("stats/filtered.html"))[0]
    assert bar_numbers(incidents_chart) == {}
    assert incidents_chart.find(f"{SVG}desc").text == "2024-Q2: incidents 0, project reviews 1"
    times_chart = block_charts(block, html.html("stats/filtered.html"))[1]
    assert list(times_chart.iter(f"{SVG}circle")) == []
    assert list(times_chart.iter(f"{SVG}polyline")) == []


def test_status_filter(html):
    block = one_block(html.dom("stats/filtered.html"), "status")
    assert block_tables(block)[0] == (["Period", "medium", "Incidents"], [["2023", "1", "1"]])


def test_no_incidents_match(html):
    block = one_block(html.dom("stats/filtered.html"), "no-match")
    assert block.text() == "No incidents match."
    assert block.find_all("svg") == [] and block.find_all("table") == []


def test_bad_period_warns_and_falls_back(html):
    hits = [w for w in html.warnings if "stats/bad.rst:4" in w]
    assert len(hits) == 1, html.warnings
    assert "fortnight" in hits[0] and hits[0].endswith("[postmortem.filter]")
    block = one_block(html.dom("stats/bad.html"))
    assert block_tables(block)[0] == QUARTER_COUNTS  # still rendered, with the default period


def all_blocks(build_result) -> list[tuple[str, El]]:
    found = []
    for page in (
        "stats/quarter.html",
        "stats/month.html",
        "stats/year.html",
        "stats/filtered.html",
        "stats/bad.html",
    ):
        for block in stats_blocks(build_result.dom(page)):
            found.append((page, block))
    return found


def test_charts_show_the_same_numbers_as_the_tables(html):
    checked = 0
    for page, block in all_blocks(html):
        if not block.find_all("table"):
            continue
        (count_header, count_rows), (_, median_rows) = block_tables(block)[:2]
        incidents_chart, times_chart = block_charts(block, html.html(page))
        total = count_header.index("Incidents")
        severities = count_header[1:total]
        expected_bars = {
            (row[0], severity): int(value)
            for row in count_rows
            for severity, value in zip(severities, row[1:total], strict=True)
            if value != "0"
        }
        assert bar_numbers(incidents_chart) == expected_bars, page
        description = incidents_chart.find(f"{SVG}desc").text or ""
        for row in count_rows:
            assert f"{row[0]}: incidents {row[total]}" in description, (page, description)
            reviews = row[total + 1] if len(row) > total + 1 else "0"
            assert (
                f"project reviews {reviews}" in description.split(f"{row[0]}: ")[1].split(";")[0]
            ) == (reviews != "0"), (page, description)
        expected_points = {
            (row[0], name): value
            for row in median_rows
            for name, value in zip(METRIC_HEADERS, row[1:], strict=True)
            if value != EM_DASH
        }
        # the points' tooltips and the description write times as the table does
        assert point_durations(times_chart) == expected_points, page
        times_description = times_chart.find(f"{SVG}desc").text or ""
        for (period, name), value in expected_points.items():
            assert f"{name} {value}" in times_description.split(f"{period}: ")[1].split(";")[0]
        legend = [
            t.text
            for g in incidents_chart.iter(f"{SVG}g")
            if "pm-chart-legend" in g.get("class", "")
            for t in g.iter(f"{SVG}text")
        ]
        assert legend == severities + (["project reviews"] if len(count_header) > total + 1 else [])
        checked += 1
    assert checked >= 10


def test_tables_have_header_cells(html):
    for page, block in all_blocks(html):
        for table in block.find_all("table"):
            head = table.find("thead")
            assert head is not None, page
            header_cells = head.find_all("th")
            assert header_cells and all(th.text() for th in header_cells)
            for tr in table.find("tbody").find_all("tr"):
                assert len(tr.find_all("td")) == len(header_cells)


def test_svg_is_well_formed_and_accessible(html):
    for page in ("stats/quarter.html", "stats/filtered.html"):
        source = html.html(page)
        charts = svg_sources(source)
        assert charts
        for labelled_by, svg in charts.items():
            root = ET.fromstring(svg)
            assert root.tag == f"{SVG}svg"
            assert root.get("role") == "img"
            # drawn at its pixel height, as wide as the column, text never scaled down
            assert root.get("viewBox") is None and root.get("width") == "100%"
            assert root.get("style") == f"height: {int(root.get('height'))}px"
            title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
            assert title is not None and (title.text or "").strip()
            assert desc is not None and (desc.text or "").strip()
            assert labelled_by.split() == [title.get("id"), desc.get("id")]
            assert "<script" not in svg and "href" not in svg  # no JavaScript, no links out


def test_chart_ids_unique_on_a_page_and_deterministic(html, html_again):
    for page in ("stats/quarter.html", "stats/filtered.html", "stats/month.html"):
        source = html.html(page)
        ids = re.findall(r'\bid="([^"]+)"', source)
        chart_ids = [i for i in ids if "chart" in i]
        assert chart_ids and len(ids) == len(set(ids)), page
        assert svg_sources(source) == svg_sources(html_again.html(page)), page


def test_svg_only_in_html(html, text, latex):
    assert len(svg_sources(html.html("stats/quarter.html"))) == 2
    for name in ("quarter", "month", "year", "filtered", "bad"):
        output = (text.outdir / "stats" / f"{name}.txt").read_text(encoding="utf-8")
        assert "<svg" not in output and "pm-chart" not in output
    tex = next(latex.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "<svg" not in tex and "<title" not in tex


def test_no_chart_in_the_doctree_of_non_html_builders(tmp_path):
    # the pseudo-XML builder writes the resolved doctree, raw nodes included
    srcdir = copy_root("stats", tmp_path / "src")
    result = build(srcdir, "pseudoxml")
    output = (result.outdir / "stats" / "quarter.pseudoxml").read_text(encoding="utf-8")
    assert "pm-stats-table" in output and "2024-Q1" in output
    assert "svg" not in output and "pm-chart" not in output


def text_tables(output: str) -> list[list[list[str]]]:
    """Grid tables of the text builder: rows of cell texts (header row first)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in output.splitlines():
        if line.startswith(("+", "|")):
            if current is None:
                current = []
                tables.append(current)
            if line.startswith("|") and not re.fullmatch(r"[|=]+", line.strip()):
                current.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        else:
            current = None
    return tables


def test_text_builder_shows_the_tables(text):
    output = (text.outdir / "stats" / "quarter.txt").read_text(encoding="utf-8")
    tables = text_tables(output)
    as_tuples = [(t[0], t[1:]) for t in tables]
    assert as_tuples == [QUARTER_COUNTS, QUARTER_MEDIANS, SERVICES, TAGS]
    assert "Incidents per quarter, by severity" in output
    output = (text.outdir / "stats" / "filtered.txt").read_text(encoding="utf-8")
    assert "No incidents match." in output


def test_latex_builder_shows_the_tables(latex):
    tex = next(latex.outdir.glob("*.tex")).read_text(encoding="utf-8")
    tex = tex.replace(r"\sphinxhyphen{}", "-")
    start = tex.index("By quarter")
    chunk = tex[start : tex.index("By year")]  # the quarter page (documents are in toctree order)
    cells = re.findall(r"\\sphinxAtStartPar\n(.*?)\n", chunk)
    flat = [
        cell
        for header, rows in (QUARTER_COUNTS, QUARTER_MEDIANS)
        for cell in [*header, *[c for row in rows for c in row]]
    ]
    position = 0
    for cell in cells:
        if position < len(flat) and cell.strip() == flat[position]:
            position += 1
    assert position == len(flat), f"LaTeX tables differ from the HTML ones at {flat[position:]}"


# -- :projects: ---------------------------------------------------------------------------


PROJECTS_PAGE = """\
Projects
========

Local
-----

.. postmortem-stats::
   :projects: local

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
    """A copy of test-stats importing test-stats' own export as project ``other``."""
    export = json.loads((html.outdir / "postmortems.json").read_text(encoding="utf-8"))
    assert len(export["incidents"]) == 6
    srcdir = copy_root("stats", tmp_path_factory.mktemp("stats-import") / "src")
    (srcdir / "imported").mkdir()
    (srcdir / "imported" / "other.json").write_text(json.dumps(export), encoding="utf-8")
    (srcdir / "stats" / "projects.rst").write_text(PROJECTS_PAGE, encoding="utf-8")
    projects = {"other": ("https://example.org/other/", "imported/other.json")}
    return build(srcdir, "html", confoverrides={"postmortem_projects": projects})


def test_projects_option(with_import):
    assert [w for w in with_import.warnings if "stats/bad.rst" not in w] == []
    dom = with_import.dom("stats/projects.html")
    local = block_tables(one_block(dom, "local"))
    other = block_tables(one_block(dom, "other"))
    both = block_tables(one_block(dom, "both"))
    assert local == [QUARTER_COUNTS, QUARTER_MEDIANS, SERVICES, TAGS]
    # the imported copy carries the same dates, severities and metrics
    assert other == [QUARTER_COUNTS, QUARTER_MEDIANS, SERVICES, TAGS]
    assert both[0] == (
        QUARTER_COUNTS[0],
        [
            ["2023-Q4", "0", "2", "0", "2", "0"],
            ["2024-Q1", "2", "2", "2", "6", "0"],
            ["2024-Q2", "2", "0", "0", "2", "2"],
        ],
    )
    assert both[1] == QUARTER_MEDIANS
    assert both[2][1] == [["api", "4"], ["db", "4"], ["cache", "2"], ["Web", "2"]]


# -- hostile names -----------------------------------------------------------------------


HOSTILE_SEVERITIES = ['<script>alert("sev")</script>', "A&B 'x' ]]> --"]
HOSTILE_SERVICE = "<img src=x onerror=alert(1)>"
HOSTILE_TAG = '"quoted" & <b>bold</b>'


hostile = root_build_fixture("stats-hostile", "html", folder="stats-hostile")


def test_hostile_names_are_escaped(hostile):
    assert hostile.warnings == []
    page = hostile.html("stats.html")
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>bold" not in page
    charts = svg_sources(page)
    assert len(charts) == 2
    for svg in charts.values():
        root = ET.fromstring(svg)  # well-formed despite the names
        for element in root.iter():
            assert re.fullmatch(r"[\w -]*", element.get("class", "")), element.get("class")
            assert element.tag.startswith(SVG) and "script" not in element.tag
    incidents_chart = ET.fromstring(next(iter(charts.values())))
    assert bar_numbers(incidents_chart) == {
        ("2024-Q1", HOSTILE_SEVERITIES[0]): 1,
        ("2024-Q2", HOSTILE_SEVERITIES[1]): 1,
    }
    legend = [
        t.text
        for g in incidents_chart.iter(f"{SVG}g")
        if "pm-chart-legend" in g.get("class", "")
        for t in g.iter(f"{SVG}text")
    ]
    assert legend == HOSTILE_SEVERITIES
    assert HOSTILE_SEVERITIES[0] in incidents_chart.find(f"{SVG}desc").text
    block = one_block(hostile.dom("stats.html"))
    tables = block_tables(block)
    assert tables[0][0] == ["Period", *HOSTILE_SEVERITIES, "Incidents"]
    assert tables[2] == (["Service", "Incidents"], [[HOSTILE_SERVICE, "2"], ["api", "1"]])
    assert tables[3] == (["Tag", "Incidents"], [[HOSTILE_TAG, "2"]])


def test_chart_ids_unique_in_singlehtml(tmp_path):
    srcdir = copy_root("stats", tmp_path / "src")
    result = build(srcdir, "singlehtml")
    page = result.html("index.html")
    charts = svg_sources(page)
    assert len(charts) >= 20  # every stats directive of every page, on one page
    ids = re.findall(r'\bid="([^"]+)"', page)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []
    for svg in charts.values():
        ET.fromstring(svg)
