"""The SVG charts of ``postmortem-stats``: well-formed, accessible, escaped, exact, readable.

Charts are drawn from hand-made :class:`~sphinx_postmortem.fill.statistics.Stats`
and parsed back with :mod:`xml.etree.ElementTree`. A chart has no ``viewBox``:
horizontal positions are percentages of its width and vertical ones pixels,
so its text keeps its size on a phone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from sphinx_postmortem.fill import charts
from sphinx_postmortem.fill.charts import (
    FONT_SIZE,
    LEFT,
    MIN_WIDTH,
    PLOT_BOTTOM,
    PLOT_HEIGHT,
    RIGHT,
    TOP,
    Scale,
    amount_scale,
    incidents_chart,
    linear_ticks,
    palette_series,
    severity_series,
    stacked_chart,
    time_ticks,
    times_chart,
)
from sphinx_postmortem.fill.statistics import Stats

SVG = "{http://www.w3.org/2000/svg}"
NAMES = {
    "time_to_detect": "Time to detect",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
}
HOSTILE = ['<script>alert("x")</script>', "A&B 'q' ]]> --", "</svg><svg onload=alert(1)>"]
#: Page backgrounds of the supported themes: light (all five), and the dark modes of
#: furo, pydata-sphinx-theme and sphinx-book-theme.
LIGHT_BACKGROUNDS = ("#ffffff",)
DARK_BACKGROUNDS = ("#131416", "#14181e", "#121212")


def make_stats(
    counts: dict[str, dict[str, int]],
    medians: dict[str, dict[str, float | None]] | None = None,
    severities: list[str] | None = None,
) -> Stats:
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


def texts_of(root: ET.Element, css_class: str) -> list[str]:
    return [t.text or "" for t in children(root, "text") if css_class in t.get("class", "")]


def axis_numbers(root: ET.Element) -> list[str]:
    """The labels of the vertical axis, bottom to top."""
    return [t.text or "" for t in children(root, "text") if t.get("text-anchor") == "end"]


def percent(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def height_above_axis(element: ET.Element) -> float:
    return PLOT_BOTTOM - float(element.get("cy"))


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


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# -- well-formed and accessible ------------------------------------------------------------


@pytest.mark.parametrize(
    "stats",
    [
        SAMPLE,
        make_stats({"2024-01": {"SEV1": 1}}, {"2024-01": {"time_to_detect": 60}}),  # one period
        make_stats({"2024": {"SEV1": 0}}),  # one empty period, no metrics
        Stats(),  # nothing at all
    ],
    ids=["sample", "one-period", "empty-period", "no-periods"],
)
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


# -- readable at any width ---------------------------------------------------------------------


def every_chart() -> list[str]:
    names = {f"category-{i}": f"category-{i}" for i in range(7)}
    values = {"2024-Q1": dict.fromkeys(names, 1)}
    return [
        incidents_chart(SAMPLE, "a", "A"),
        times_chart(SAMPLE, "b", "B", NAMES),
        stacked_chart("c", "C", ["2024-Q1"], palette_series(names, "category"), values),
    ]


@pytest.mark.parametrize("svg", every_chart(), ids=["incidents", "times", "stacked"])
def test_text_is_sized_in_pixels_so_it_does_not_shrink_on_a_phone(svg):
    root = parse(svg)
    # no viewBox: the drawing is not scaled down with the column
    assert root.get("viewBox") is None
    assert root.get("width") == "100%"
    height = int(root.get("height"))
    assert root.get("style") == f"height: {height}px"
    texts = children(root, "text")
    assert texts and all(float(t.get("font-size")) >= 11 for t in texts)
    assert FONT_SIZE >= 11
    # horizontal positions are shares of the width, vertical ones inside the chart
    check_coordinates(root)


def test_period_labels_are_short_with_the_year_under_the_first_of_each_year():
    periods = ["2023-11", "2023-12", "2024-01", "2024-02"]
    root = parse(incidents_chart(make_stats({p: {"SEV1": 1} for p in periods}), "c", "t"))
    assert texts_of(root, "pm-chart-period") == ["11", "12", "01", "02"]
    assert texts_of(root, "pm-chart-year") == ["2023", "2024"]
    root = parse(incidents_chart(make_stats({"2023": {"SEV1": 1}, "2024": {"SEV1": 1}}), "c", "t"))
    assert texts_of(root, "pm-chart-period") == ["2023", "2024"]
    assert texts_of(root, "pm-chart-year") == []


def label_positions(root: ET.Element, css_class: str) -> list[float]:
    """Where the labels of ``css_class`` stand on a chart of the narrowest width, in pixels."""
    return [
        percent(t.get("x")) / 100 * MIN_WIDTH
        for t in children(root, "text")
        if css_class in t.get("class", "")
    ]


@pytest.mark.parametrize("count", [4, 12, 40, 120])
def test_many_periods_get_thinned_labels_that_do_not_collide_on_a_phone(count):
    periods = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(count)]
    root = parse(incidents_chart(make_stats({p: {"SEV1": 1} for p in periods}), "c", "t"))
    shown = label_positions(root, "pm-chart-period")
    assert shown and len(shown) <= count
    assert all(
        b - a >= 2 * 7 + 4 for a, b in zip(shown, shown[1:], strict=False)
    )  # "01" is two characters
    years = label_positions(root, "pm-chart-year")
    assert years and all(b - a >= 4 * 7 + 4 for a, b in zip(years, years[1:], strict=False))
    if count <= 12:
        assert len(shown) == count


def test_legend_columns_fit_the_narrowest_chart_and_a_long_legend_adds_rows():
    names = {f"category-number-{i}": f"category-number-{i}" for i in range(10)}
    values = {"2024": dict.fromkeys(names, 1)}
    root = parse(stacked_chart("c", "t", ["2024"], palette_series(names, "category"), values))
    short = parse(stacked_chart("c", "t", ["2024"], severity_series(["SEV1"]), {"2024": {}}))
    assert int(root.get("height")) > int(short.get("height"))
    swatches = [r for r in children(root, "rect") if "pm-bar" not in r.get("class", "")]
    columns = sorted({percent(r.get("x")) for r in swatches})
    assert len(swatches) == 10 and columns[0] == 0
    # a column holds its swatch and the longest name at the narrowest width
    column_px = (columns[1] if len(columns) > 1 else 100) / 100 * MIN_WIDTH
    assert column_px >= 16 + 7 * len("category-number-0")
    assert max(float(r.get("y")) + 12 for r in swatches) <= int(root.get("height"))


# -- count axes ------------------------------------------------------------------------------


@pytest.mark.parametrize("largest", [0, 1, 2, 3, 6, 7, 13, 99, 1234, 10**30])
def test_count_axes_tick_at_whole_numbers_only(largest):
    ticks = linear_ticks(largest, whole=True)
    assert ticks[0] == 0 and ticks[-1] >= min(largest, charts.AXIS_LIMIT)
    assert all(float(t).is_integer() for t in ticks)
    assert 2 <= len(ticks) <= 6
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1  # evenly spaced


@pytest.mark.parametrize("largest", [1, 2, 3, 5])
def test_incident_charts_have_no_half_incidents_on_the_axis(largest):
    stats = make_stats({"2024-Q1": {"SEV1": largest}, "2024-Q2": {"SEV1": 1}})
    root = parse(incidents_chart(stats, "c", "t"))
    labels = axis_numbers(root)
    assert labels == [str(n) for n in range(0, largest + 1)]
    assert texts_of(root, "pm-chart-unit") == ["incidents"]
    counts = {"2024-Q1": {"alert": largest}}
    series = palette_series({"alert": "alert"}, "detect")
    root = parse(stacked_chart("d", "t", ["2024-Q1"], series, counts, str, Scale(1, "x", True)))
    assert all("." not in label for label in axis_numbers(root))


def test_other_axes_may_have_fractional_steps():
    assert linear_ticks(2) == [0, 0.5, 1, 1.5, 2]
    assert linear_ticks(2, whole=True) == [0, 1, 2]


# -- unit words ------------------------------------------------------------------------------


def test_axes_name_their_unit_in_words():
    assert texts_of(parse(incidents_chart(SAMPLE, "c", "t")), "pm-chart-unit") == ["incidents"]
    reviews = make_stats({"2024-Q1": {"SEV1": 1}})
    reviews.reviews = {"2024-Q1": 1}
    assert texts_of(parse(incidents_chart(reviews, "c", "t")), "pm-chart-unit") == [
        "incidents and project reviews"
    ]
    assert texts_of(parse(times_chart(SAMPLE, "c", "t", NAMES)), "pm-chart-unit") == [
        "duration (log scale)"
    ]
    assert [
        amount_scale(kind, "USD", largest).unit
        for kind, largest in (
            ("duration", 7200),
            ("bytes", 2e9),
            ("bytes", 3e6),
            ("bytes", 999),
            ("percent", 38),
            ("money", 1e6),
            ("count", 1),
        )
    ] == ["hours", "gigabytes", "megabytes", "bytes", "percent", "USD", "USD"]
    assert amount_scale("count", "customers", 5).whole
    assert not amount_scale("money", "USD", 5).whole


def test_an_axis_without_a_unit_has_no_caption():
    root = parse(
        stacked_chart("c", "t", ["2024"], severity_series(["SEV1"]), {"2024": {"SEV1": 2}})
    )
    assert texts_of(root, "pm-chart-unit") == []


# -- the time axis -----------------------------------------------------------------------------


def test_time_ticks_are_round_durations_around_the_values():
    assert time_ticks([432, 1728, 4068, 26040, 138600]) == [
        300,
        900,
        3600,
        4 * 3600,
        86400,
        3 * 86400,
    ]
    assert time_ticks([3600]) == [900, 3600]  # a time is never on the bottom line
    assert time_ticks([]) == [60, 300, 900, 3600]
    ticks = time_ticks([30, 10**9])  # a long axis: every third round duration
    assert len(ticks) <= charts.MAX_TIME_TICKS and ticks[0] <= 30 and ticks[-1] >= 10**9


OUTLIER = make_stats(
    {p: {"SEV1": 1} for p in ("2024-01", "2024-02", "2024-03", "2024-04")},
    {
        "2024-01": {"time_to_detect": 26040, "time_to_resolve": 138600},  # 7h14m, 38h30m
        "2024-02": {"time_to_detect": 432, "time_to_resolve": 4068},  # 7m12s, 1h07m48s
        "2024-03": {"time_to_detect": 1152, "time_to_resolve": 4572},
        "2024-04": {"time_to_detect": 900, "time_to_resolve": 3600},
    },
)


def test_one_huge_time_does_not_flatten_the_others():
    root = parse(times_chart(OUTLIER, "c", "t", NAMES))
    points = {c.find(f"{SVG}title").text: height_above_axis(c) for c in children(root, "circle")}
    # on a linear axis up to 40 hours, 7m12s and 15m would be under 1 px apart
    assert points["2024-04, Time to detect: 15m"] - points["2024-02, Time to detect: 7m12s"] >= 12
    assert points["2024-02, Time to detect: 7m12s"] > 0
    assert points["2024-01, Time to resolve: 1d14h30m"] <= PLOT_HEIGHT + 0.1
    # a logarithmic axis: the same ratio is the same distance
    stats = make_stats(
        {"2024-01": {"SEV1": 1}},
        {"2024-01": {"time_to_detect": 900, "time_to_mitigate": 3600, "time_to_resolve": 14400}},
    )
    circles = children(parse(times_chart(stats, "c", "t", NAMES)), "circle")
    quarter, hour, four = (height_above_axis(c) for c in circles)
    assert hour - quarter == pytest.approx(four - hour, abs=0.2)
    assert axis_numbers(root) == ["5m", "15m", "1h", "4h", "1d", "3d"]


def test_times_read_like_the_tables():
    root = parse(times_chart(OUTLIER, "c", "t", NAMES))
    description = root.find(f"{SVG}desc").text
    assert description.startswith(
        "2024-01: Time to detect 7h14m, Time to mitigate none, Time to resolve 1d14h30m; "
    )
    assert " h" not in description and "." not in description
    assert all(" h" not in c.find(f"{SVG}title").text for c in children(root, "circle"))


def test_a_zero_time_stands_on_the_axis():
    stats = make_stats(
        {"2024-01": {"SEV1": 1}}, {"2024-01": {"time_to_detect": 0, "time_to_resolve": 3600}}
    )
    root = parse(times_chart(stats, "c", "t", NAMES))
    circles = {c.find(f"{SVG}title").text: c for c in children(root, "circle")}
    assert height_above_axis(circles["2024-01, Time to detect: 0s"]) == pytest.approx(0)
    assert height_above_axis(circles["2024-01, Time to resolve: 1h00m"]) > 0


# -- colours ---------------------------------------------------------------------------------


def fallback_colours() -> dict[str, str]:
    """Every fallback colour a chart can draw with, named by where it comes from."""
    found = {f"severity {i}": c for i, c in enumerate(charts.SEVERITY_COLOURS)}
    found |= {f"series {i}": c for i, c in enumerate(charts.SERIES_COLOURS)}
    found |= {f"metric {m}": c for m, c in charts.METRIC_COLOURS.items()}
    found["review"] = charts.REVIEW_COLOUR
    return found


@pytest.mark.parametrize("background", LIGHT_BACKGROUNDS + DARK_BACKGROUNDS)
def test_fallback_colours_stand_out_from_light_and_dark_pages(background):
    weak = {
        name: round(contrast(colour, background), 2)
        for name, colour in fallback_colours().items()
        if contrast(colour, background) < 3
    }
    assert weak == {}


def test_charts_draw_only_the_fallback_palette():
    names = {f"source-{i}": f"source-{i}" for i in range(12)}
    svg = "".join(
        [
            *every_chart(),
            stacked_chart(
                "d",
                "t",
                ["2024"],
                palette_series(names, "detect"),
                {"2024": dict.fromkeys(names, 1)},
            ),
            incidents_chart(make_stats({"2024": {f"SEV{i}": 1 for i in range(8)}}), "e", "t"),
        ]
    )
    drawn = set(re.findall(r"var\(--[\w-]+, (#[0-9a-f]{6})\)", svg))
    assert drawn and drawn <= set(fallback_colours().values())


# -- incidents chart ------------------------------------------------------------------------------


def test_one_bar_per_non_zero_count_with_its_number():
    root = parse(incidents_chart(SAMPLE, "c", "t"))
    titles = sorted(b.find(f"{SVG}title").text for b in bars(root))
    assert titles == sorted(
        [
            "2024-Q1, SEV1: 1",
            "2024-Q1, SEV2: 2",
            "2024-Q3, SEV1: 2",
            "2024-Q3, SEV2: 1",
            "2024-Q3, unrated: 3",
        ]
    )


def test_bars_are_stacked_and_proportional():
    root = parse(incidents_chart(SAMPLE, "c", "t"))
    stacks: dict[str, list[ET.Element]] = {}
    for bar in bars(root):
        period = bar.find(f"{SVG}title").text.split(",")[0]
        stacks.setdefault(period, []).append(bar)
    assert set(stacks) == {"2024-Q1", "2024-Q3"}  # the empty quarter has no bar
    unit = None
    for stack in stacks.values():
        stack.sort(key=lambda b: -float(b.get("y")))
        assert len({b.get("x") for b in stack}) == 1  # one column per period
        edge = PLOT_BOTTOM
        for bar in stack:
            count = int(bar.find(f"{SVG}title").text.rsplit(": ", 1)[1])
            height, y = float(bar.get("height")), float(bar.get("y"))
            assert y + height == pytest.approx(edge, abs=0.11)  # sits on the bar below
            edge = y
            per_incident = height / count
            unit = unit or per_incident
            assert per_incident == pytest.approx(unit, abs=0.11)
        assert edge >= TOP - 0.1  # within the plot area
    # columns side by side, left to right in period order, inside the plot
    xs = {p: percent(s[0].get("x")) for p, s in stacks.items()}
    assert LEFT <= xs["2024-Q1"] < xs["2024-Q3"] < 100 - RIGHT


def test_every_period_has_an_axis_label_and_is_described():
    root = parse(incidents_chart(SAMPLE, "c", "t"))
    assert texts_of(root, "pm-chart-period") == ["Q1", "Q2", "Q3"]
    assert texts_of(root, "pm-chart-year") == ["2024"]
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


def metric_lines(root: ET.Element) -> list[ET.Element]:
    return [
        line
        for g in children(root, "g")
        if "pm-line" in g.get("class", "").split()
        for line in g.iter(f"{SVG}line")
    ]


def test_one_point_per_median_and_lines_broken_at_gaps():
    root = parse(times_chart(SAMPLE, "c", "t", NAMES))
    points = sorted(c.find(f"{SVG}title").text for c in children(root, "circle"))
    assert points == sorted(
        [
            "2024-Q1, Time to detect: 10m",
            "2024-Q1, Time to mitigate: 1h00m",
            "2024-Q1, Time to resolve: 2h00m",
            "2024-Q3, Time to detect: 30m",
            "2024-Q3, Time to resolve: 1h30m",
        ]
    )
    # Q2 has no data: no line may be drawn across it
    assert metric_lines(root) == []
    description = root.find(f"{SVG}desc").text
    assert "2024-Q2: Time to detect none" in description
    assert "2024-Q3: Time to detect 30m, Time to mitigate none" in description


def test_points_are_placed_by_value_and_joined_in_order():
    stats = make_stats(
        {"2024-01": {"SEV1": 1}, "2024-02": {"SEV1": 1}},
        {"2024-01": {"time_to_detect": 3600}, "2024-02": {"time_to_detect": 7200}},
    )
    root = parse(times_chart(stats, "c", "t", NAMES))
    circles = children(root, "circle")
    assert len(circles) == 2
    first, second = (height_above_axis(c) for c in circles)
    assert 0 < first < second <= PLOT_HEIGHT
    assert percent(circles[0].get("cx")) < percent(circles[1].get("cx"))
    (line,) = metric_lines(root)
    assert (line.get("x1"), line.get("y1")) == (circles[0].get("cx"), circles[0].get("cy"))
    assert (line.get("x2"), line.get("y2")) == (circles[1].get("cx"), circles[1].get("cy"))


# -- escaping and determinism ------------------------------------------------------------------


def test_user_strings_are_escaped():
    stats = make_stats(
        {"2024-Q1": {HOSTILE[0]: 1, HOSTILE[1]: 2, HOSTILE[2]: 1}},
        {"2024-Q1": {"time_to_detect": 60}},
    )
    names = {key: f"{value} <i>&amp;\"'" for key, value in NAMES.items()}
    title = "<b>\"Title\" & 'more'</b>"
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
        f"2024-Q1, {s}: {n}" for s, n in zip(HOSTILE, (1, 2, 1), strict=True)
    )
    assert HOSTILE[0] in root.find(f"{SVG}desc").text
    root = parse(times_chart(stats, "d", title, names))
    assert [c.find(f"{SVG}title").text for c in children(root, "circle")] == [
        f"2024-Q1, {names['time_to_detect']}: 1m"
    ]


def test_hostile_periods_and_units_are_escaped_in_the_axis():
    for period, label, year in (
        (HOSTILE[0], HOSTILE[0], []),
        (f"2024-{HOSTILE[2]}", HOSTILE[2], ["2024"]),
    ):
        root = parse(incidents_chart(make_stats({period: {"SEV1": 1}}), "c", "t"))
        assert texts_of(root, "pm-chart-period") == [label]
        assert texts_of(root, "pm-chart-year") == year
    svg = stacked_chart(
        "c",
        "t",
        ["2024"],
        severity_series(["SEV1"]),
        {"2024": {"SEV1": 1}},
        str,
        Scale(1, HOSTILE[2]),
    )
    assert "<svg onload" not in svg
    assert texts_of(parse(svg), "pm-chart-unit") == [HOSTILE[2]]


def test_output_is_deterministic_and_ids_come_from_the_caller():
    assert incidents_chart(SAMPLE, "x-1", "T") == incidents_chart(SAMPLE, "x-1", "T")
    assert times_chart(SAMPLE, "x-2", "T", NAMES) == times_chart(SAMPLE, "x-2", "T", NAMES)
    for svg, chart_id in (
        (incidents_chart(SAMPLE, "x-1", "T"), "x-1"),
        (times_chart(SAMPLE, "x-2", "T", NAMES), "x-2"),
    ):
        ids = re.findall(r'\bid="([^"]+)"', svg)
        assert ids and all(i.startswith(f"{chart_id}-") for i in ids)
        assert len(ids) == len(set(ids))


# -- end-of-project reviews ---------------------------------------------------------------------


def with_reviews(stats: Stats, reviews: dict[str, int]) -> Stats:
    stats.reviews = {p: reviews.get(p, 0) for p in stats.periods}
    return stats


def test_project_reviews_are_drawn_beside_the_incidents_not_stacked_as_a_severity():
    stats = with_reviews(
        make_stats({"2024-Q1": {"SEV1": 2}, "2024-Q2": {"SEV1": 0}}), {"2024-Q2": 3}
    )
    root = parse(incidents_chart(stats, "c", "t"))
    assert [b.find(f"{SVG}title").text for b in bars(root)] == ["2024-Q1, SEV1: 2"]
    reviews = [
        r
        for r in children(root, "rect")  # the bars, not the legend's swatch
        if "pm-review" in r.get("class", "").split() and r.find(f"{SVG}title") is not None
    ]
    assert [r.find(f"{SVG}title").text for r in reviews] == ["2024-Q2, project reviews: 3"]
    assert reviews[0].get("style") == "fill: var(--pm-review, #0e7490)"
    # the same scale as the incident bars: three reviews are 1.5 times two incidents
    incident_height = float(bars(root)[0].get("height"))
    assert float(reviews[0].get("height")) == pytest.approx(1.5 * incident_height, abs=0.11)
    legend = next(g for g in children(root, "g") if "pm-chart-legend" in g.get("class", ""))
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["SEV1", "project reviews"]
    assert root.find(f"{SVG}desc").text == (
        "2024-Q1: incidents 2 (SEV1 2); 2024-Q2: incidents 0, project reviews 3"
    )


def test_no_review_bar_or_legend_without_reviews():
    svg = incidents_chart(SAMPLE, "c", "t")
    assert "pm-review" not in svg and "project reviews" not in svg


# -- numbers that cannot be drawn ----------------------------------------------------------------


def check_coordinates(root: ET.Element) -> None:
    """Every position is a finite share of the width or a pixel inside the chart's height."""
    height = float(root.get("height"))
    for element in list(root.iter())[1:]:  # the <svg> itself is 100% wide
        for name in ("x", "width", "cx", "x1", "x2"):
            if element.get(name) not in (None, "0"):
                value = element.get(name)
                number = percent(value) if value.endswith("%") else float(value)
                assert 0 <= number <= 100, (element.tag, name, value)
        for name in ("y", "height", "cy", "y1", "y2"):
            if element.get(name) is not None:
                assert -1 <= float(element.get(name)) <= height, (element.tag, name)


@pytest.mark.parametrize(
    "huge",
    [10**400, float("inf"), float("nan"), 1e308, -5.0],
    ids=["int-10e400", "inf", "nan", "1e308", "negative"],
)
def test_times_chart_never_draws_overflowing_or_non_finite_numbers(huge):
    stats = make_stats(
        {"2024-Q1": {"SEV1": 1}, "2024-Q2": {"SEV1": 1}},
        {
            "2024-Q1": {"time_to_detect": huge, "time_to_mitigate": 600},
            "2024-Q2": {"time_to_detect": 1200},
        },
    )
    svg = times_chart(stats, "c", "t", NAMES)
    root = parse(svg)
    assert not re.search(r"\b(?:inf|nan)\b", svg, re.I), svg
    check_coordinates(root)
    # the readable medians are still drawn
    points = [c.find(f"{SVG}title").text for c in children(root, "circle")]
    assert "2024-Q1, Time to mitigate: 10m" in points
    assert "2024-Q2, Time to detect: 20m" in points


def test_incidents_chart_with_a_huge_count_stays_finite():
    stats = make_stats({"2024-Q1": {"SEV1": 10**30}, "2024-Q2": {"SEV1": 1}})
    svg = incidents_chart(stats, "c", "t")
    check_coordinates(parse(svg))
    assert not re.search(r"\b(?:inf|nan)\b", svg, re.I)


# -- control characters ------------------------------------------------------------------------


CONTROL = "\x1b[31mred\x1b[0m\x07\x00"


def test_control_characters_never_reach_the_svg():
    severity = f"SEV{CONTROL}1"
    stats = make_stats(
        {f"2024-Q1{CONTROL}": {severity: 1}}, {f"2024-Q1{CONTROL}": {"time_to_detect": 60}}
    )
    names = {key: f"{value}{CONTROL}" for key, value in NAMES.items()}
    for svg in (
        incidents_chart(stats, "c", f"Title{CONTROL}"),
        times_chart(stats, "d", f"Title{CONTROL}", names),
    ):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", svg), svg
        root = parse(svg)  # well-formed XML
        assert root.find(f"{SVG}title").text == "Titlered"
    root = parse(incidents_chart(stats, "c", "t"))
    assert [b.find(f"{SVG}title").text for b in bars(root)] == ["2024-Q1red, SEVred1: 1"]
