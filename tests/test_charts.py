"""The SVG charts of ``postmortem-stats``: well-formed, accessible, escaped, exact.

Charts are drawn from hand-made :class:`~sphinx_postmortem.stats.Stats` and
parsed back with :mod:`xml.etree.ElementTree`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from sphinx_postmortem.fill.charts import BOTTOM, HEIGHT, TOP, incidents_chart, times_chart
from sphinx_postmortem.fill.statistics import Stats

SVG = "{http://www.w3.org/2000/svg}"
NAMES = {"time_to_detect": "Time to detect", "time_to_mitigate": "Time to mitigate",
         "time_to_resolve": "Time to resolve"}
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
HOSTILE = ['<script>alert("x")</script>', "A&B 'q' ]]> --", "</svg><svg onload=alert(1)>"]


def make_stats(counts: dict[str, dict[str, int]], medians: dict[str, dict[str, float | None]]
               | None = None, severities: list[str] | None = None) -> Stats:
    periods = list(counts)
    severities = severities or (list(next(iter(counts.values()))) if counts else [])
    empty = {m: None for m in NAMES}
    return Stats(
        periods=periods,
        severities=severities,
        counts=counts,
        medians={p: {**empty, **((medians or {}).get(p, {}))} for p in periods},
    )


SAMPLE = make_stats(
    {
        "2024-Q1": {"SEV1": 1, "SEV2": 2, "unrated": 0},
        "2024-Q2": {"SEV1": 0, "SEV2": 0, "unrated": 0},
        "2024-Q3": {"SEV1": 2, "SEV2": 1, "unrated": 3},
    },
    {
        "2024-Q1": {"time_to_detect": 600, "time_to_mitigate": 3600, "time_to_resolve": 7200},
        "2024-Q3": {"time_to_detect": 1800, "time_to_resolve": 5400},
    },
)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def children(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(f"{SVG}{tag}"))


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in children(root, "rect") if "pm-bar" in r.get("class", "").split()]


def check_accessible(svg: str, chart_id: str, title: str) -> ET.Element:
    root = parse(svg)
    assert root.get("role") == "img"
    first, second = list(root)[:2]
    assert first.tag == f"{SVG}title" and first.text == title
    assert second.tag == f"{SVG}desc" and (second.text or "").strip()
    assert first.get("id") == f"{chart_id}-title"
    assert second.get("id") == f"{chart_id}-desc"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    return root


# -- well-formed and accessible ------------------------------------------------------------


@pytest.mark.parametrize("stats", [
    SAMPLE,
    make_stats({"2024-01": {"SEV1": 1}}, {"2024-01": {"time_to_detect": 60}}),  # one period
    make_stats({"2024": {"SEV1": 0}}),  # one empty period, no metrics
    Stats(),  # nothing at all
], ids=["sample", "one-period", "empty-period", "no-periods"])
def test_charts_are_well_formed_with_title_and_description(stats):
    check_accessible(incidents_chart(stats, "c-1", "Incidents"), "c-1", "Incidents")
    check_accessible(times_chart(stats, "c-2", "Times", NAMES), "c-2", "Times")


def test_no_script_no_network_theme_colours():
    for svg in (incidents_chart(SAMPLE, "a", "A"), times_chart(SAMPLE, "b", "B", NAMES)):
        assert "<script" not in svg and "href" not in svg and "url(" not in svg
        assert not re.search(r"\bon\w+=", svg)
        root = parse(svg)
        # every drawn colour is a CSS custom property (the theme's) with a fallback
        for element in root.iter():
            style = element.get("style", "")
            for colour in re.findall(r"(?:fill|stroke):\s*([^;]+)", style):
                assert colour.startswith(("var(--", "currentColor", "none")), style


# -- incidents chart ------------------------------------------------------------------------------


def test_one_bar_per_non_zero_count_with_its_number():
    root = parse(incidents_chart(SAMPLE, "c", "t"))
    titles = sorted(b.find(f"{SVG}title").text for b in bars(root))
    assert titles == sorted([
        "2024-Q1, SEV1: 1", "2024-Q1, SEV2: 2",
        "2024-Q3, SEV1: 2", "2024-Q3, SEV2: 1", "2024-Q3, unrated: 3",
    ])


def test_bars_are_stacked_and_proportional():
    root = parse(incidents_chart(SAMPLE, "c", "t"))
    stacks: dict[str, list[ET.Element]] = {}
    for bar in bars(root):
        period = bar.find(f"{SVG}title").text.split(",")[0]
        stacks.setdefault(period, []).append(bar)
    assert set(stacks) == {"2024-Q1", "2024-Q3"}  # the empty quarter has no bar
    unit = None
    bottom = TOP + PLOT_HEIGHT
    for stack in stacks.values():
        stack.sort(key=lambda b: -float(b.get("y")))
        assert len({b.get("x") for b in stack}) == 1  # one column per period
        edge = bottom
        for bar in stack:
            count = int(bar.find(f"{SVG}title").text.rsplit(": ", 1)[1])
            height, y = float(bar.get("height")), float(bar.get("y"))
            assert y + height == pytest.approx(edge, abs=0.11)  # sits on the bar below
            edge = y
            per_incident = height / count
            unit = unit or per_incident
            assert per_incident == pytest.approx(unit, abs=0.11)
        assert edge >= TOP - 0.1  # within the plot area
    # three columns side by side, left to right in period order
    xs = {p: float(s[0].get("x")) for p, s in stacks.items()}
    assert xs["2024-Q1"] < xs["2024-Q3"]


def test_every_period_has_an_axis_label_and_is_described():
    root = parse(incidents_chart(SAMPLE, "c", "t"))
    labels = [t.text for t in children(root, "text") if t.get("text-anchor") == "middle"]
    assert labels == ["2024-Q1", "2024-Q2", "2024-Q3"]
    description = root.find(f"{SVG}desc").text
    assert description == (
        "2024-Q1: incidents 3 (SEV1 1, SEV2 2); "
        "2024-Q2: incidents 0; "  # an empty period is zero, not missing, and has no "()"
        "2024-Q3: incidents 6 (SEV1 2, SEV2 1, unrated 3)"
    )
    assert "()" not in description


def test_legend_lists_severities_in_order():
    root = parse(incidents_chart(SAMPLE, "c", "t"))
    legend = next(g for g in children(root, "g") if "pm-chart-legend" in g.get("class", ""))
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["SEV1", "SEV2", "unrated"]


# -- times chart ----------------------------------------------------------------------------


def test_one_point_per_median_and_lines_broken_at_gaps():
    root = parse(times_chart(SAMPLE, "c", "t", NAMES))
    points = sorted(c.find(f"{SVG}title").text for c in children(root, "circle"))
    assert points == sorted([
        "2024-Q1, Time to detect: 0.17 h", "2024-Q1, Time to mitigate: 1.00 h",
        "2024-Q1, Time to resolve: 2.00 h",
        "2024-Q3, Time to detect: 0.50 h", "2024-Q3, Time to resolve: 1.50 h",
    ])
    # Q2 has no data: no line may be drawn across it
    assert children(root, "polyline") == []
    description = root.find(f"{SVG}desc").text
    assert "2024-Q2: Time to detect none" in description
    assert "2024-Q3: Time to detect 0.50 h, Time to mitigate none" in description


def test_points_are_placed_by_value():
    stats = make_stats(
        {"2024-01": {"SEV1": 1}, "2024-02": {"SEV1": 1}},
        {"2024-01": {"time_to_detect": 3600}, "2024-02": {"time_to_detect": 7200}},
    )
    root = parse(times_chart(stats, "c", "t", NAMES))
    circles = children(root, "circle")
    assert len(circles) == 2
    bottom = TOP + PLOT_HEIGHT
    first, second = (bottom - float(c.get("cy")) for c in circles)
    assert second == pytest.approx(2 * first, abs=0.2)
    assert float(circles[0].get("cx")) < float(circles[1].get("cx"))
    lines = children(root, "polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2


# -- escaping and determinism ------------------------------------------------------------------


def test_user_strings_are_escaped():
    stats = make_stats({"2024-Q1": {HOSTILE[0]: 1, HOSTILE[1]: 2, HOSTILE[2]: 1}},
                       {"2024-Q1": {"time_to_detect": 60}})
    names = {key: f"{value} <i>&amp;\"'" for key, value in NAMES.items()}
    title = '<b>"Title" & \'more\'</b>'
    for svg in (incidents_chart(stats, "c", title), times_chart(stats, "d", title, names)):
        assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
        assert "<svg onload" not in svg and "</svg><" not in svg
        root = parse(svg)
        assert root.find(f"{SVG}title").text == title
        assert len(children(root, "svg")) == 1  # nothing broke out of the document
        for element in root.iter():
            assert re.fullmatch(r"[\w -]*", element.get("class", "")), element.get("class")
    root = parse(incidents_chart(stats, "c", title))
    texts = [t.text for t in children(root, "text")]
    for severity in HOSTILE:
        assert severity in texts  # the legend shows the names as written
    assert sorted(b.find(f"{SVG}title").text for b in bars(root)) == sorted(
        f"2024-Q1, {s}: {n}" for s, n in zip(HOSTILE, (1, 2, 1), strict=True))
    assert HOSTILE[0] in root.find(f"{SVG}desc").text
    root = parse(times_chart(stats, "d", title, names))
    assert [c.find(f"{SVG}title").text for c in children(root, "circle")] == [
        f"2024-Q1, {names['time_to_detect']}: 0.02 h"]


def test_output_is_deterministic_and_ids_come_from_the_caller():
    assert incidents_chart(SAMPLE, "x-1", "T") == incidents_chart(SAMPLE, "x-1", "T")
    assert times_chart(SAMPLE, "x-2", "T", NAMES) == times_chart(SAMPLE, "x-2", "T", NAMES)
    for svg, chart_id in ((incidents_chart(SAMPLE, "x-1", "T"), "x-1"),
                          (times_chart(SAMPLE, "x-2", "T", NAMES), "x-2")):
        ids = re.findall(r'\bid="([^"]+)"', svg)
        assert ids and all(i.startswith(f"{chart_id}-") for i in ids)
        assert len(ids) == len(set(ids))


# -- end-of-project reviews ---------------------------------------------------------------------


def with_reviews(stats: Stats, reviews: dict[str, int]) -> Stats:
    stats.reviews = {p: reviews.get(p, 0) for p in stats.periods}
    return stats


def test_project_reviews_are_drawn_beside_the_incidents_not_stacked_as_a_severity():
    stats = with_reviews(make_stats({"2024-Q1": {"SEV1": 2}, "2024-Q2": {"SEV1": 0}}),
                         {"2024-Q2": 3})
    root = parse(incidents_chart(stats, "c", "t"))
    assert [b.find(f"{SVG}title").text for b in bars(root)] == ["2024-Q1, SEV1: 2"]
    reviews = [r for r in children(root, "rect")  # the bars, not the legend's swatch
               if "pm-review" in r.get("class", "").split() and r.find(f"{SVG}title") is not None]
    assert [r.find(f"{SVG}title").text for r in reviews] == ["2024-Q2, project reviews: 3"]
    assert reviews[0].get("style") == "fill: var(--pm-review, #0e7490)"
    # the same scale as the incident bars: three reviews are 1.5 times two incidents
    incident_height = float(bars(root)[0].get("height"))
    assert float(reviews[0].get("height")) == pytest.approx(1.5 * incident_height, abs=0.11)
    legend = next(g for g in children(root, "g") if "pm-chart-legend" in g.get("class", ""))
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["SEV1", "project reviews"]
    assert root.find(f"{SVG}desc").text == (
        "2024-Q1: incidents 2 (SEV1 2); 2024-Q2: incidents 0, project reviews 3")


def test_no_review_bar_or_legend_without_reviews():
    svg = incidents_chart(SAMPLE, "c", "t")
    assert "pm-review" not in svg and "project reviews" not in svg


# -- numbers that cannot be drawn ----------------------------------------------------------------


def coordinates(root: ET.Element) -> list[float]:
    """Every numeric attribute of every element, as floats (raises if one is not a number)."""
    values = []
    for element in list(root.iter())[1:]:  # the <svg> itself is 100% wide
        for name in ("x", "y", "width", "height", "cx", "cy", "x1", "x2", "y1", "y2"):
            if element.get(name) is not None:
                values.append(float(element.get(name)))
        for pair in (element.get("points") or "").split():
            values.extend(float(v) for v in pair.split(","))
    return values


@pytest.mark.parametrize("huge", [10**400, float("inf"), float("nan"), 1e308, -5.0],
                         ids=["int-10e400", "inf", "nan", "1e308", "negative"])
def test_times_chart_never_draws_overflowing_or_non_finite_numbers(huge):
    stats = make_stats(
        {"2024-Q1": {"SEV1": 1}, "2024-Q2": {"SEV1": 1}},
        {"2024-Q1": {"time_to_detect": huge, "time_to_mitigate": 600},
         "2024-Q2": {"time_to_detect": 1200}},
    )
    svg = times_chart(stats, "c", "t", NAMES)
    root = parse(svg)
    assert not re.search(r"\b(?:inf|nan)\b", svg, re.I), svg
    values = coordinates(root)
    assert values and all(-1 <= v <= 640 for v in values)
    # the readable medians are still drawn
    points = [c.find(f"{SVG}title").text for c in children(root, "circle")]
    assert "2024-Q1, Time to mitigate: 0.17 h" in points
    assert "2024-Q2, Time to detect: 0.33 h" in points


def test_incidents_chart_with_a_huge_count_stays_finite():
    stats = make_stats({"2024-Q1": {"SEV1": 10**30}, "2024-Q2": {"SEV1": 1}})
    svg = incidents_chart(stats, "c", "t")
    values = coordinates(parse(svg))
    assert all(-1 <= v <= 640 for v in values)
    assert not re.search(r"\b(?:inf|nan)\b", svg, re.I)


# -- control characters ------------------------------------------------------------------------


CONTROL = "\x1b[31mred\x1b[0m\x07\x00"


def test_control_characters_never_reach_the_svg():
    severity = f"SEV{CONTROL}1"
    stats = make_stats({f"2024-Q1{CONTROL}": {severity: 1}},
                       {f"2024-Q1{CONTROL}": {"time_to_detect": 60}})
    names = {key: f"{value}{CONTROL}" for key, value in NAMES.items()}
    for svg in (incidents_chart(stats, "c", f"Title{CONTROL}"),
                times_chart(stats, "d", f"Title{CONTROL}", names)):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", svg), svg
        root = parse(svg)  # well-formed XML
        assert root.find(f"{SVG}title").text == "Titlered"
    root = parse(incidents_chart(stats, "c", "t"))
    assert [b.find(f"{SVG}title").text for b in bars(root)] == ["2024-Q1red, SEVred1: 1"]
