"""``postmortem-stats`` stays bounded and honest about what it leaves out.

Unit tests of :func:`sphinx_postmortem.stats.compute_stats` on stray dates and
unusable durations, then one build of ``tests/roots/test-stats-window``
(``postmortem_today`` 2024-06-01):

==========  ==========  ========  ==========================
id          date        severity  note
==========  ==========  ========  ==========================
OLD-0       1975-01-01  high      older than the 10-year window
OLD-1       2019-02-10  low
PRJ-1       2023-08-20  (project) an end-of-project review
NEW-1       2024-03-05  high      the newest before the build date
FUT-1       2099-12-31  low       after the build date
==========  ==========  ========  ==========================
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from support import ROOTS
from support.builds import build
from support.rollups import section
from test_stats import block_charts, block_tables, one_block, svg_sources

from sphinx_postmortem.fill.statistics import compute_stats, window_start
from sphinx_postmortem.selection.views import IncidentView

SEVERITIES = ["high", "low"]


def view(date: str | None, severity: str | None = "high", kind: str = "incident",
         tags: tuple[str, ...] = (), **metrics: Any) -> IncidentView:
    record: dict[str, Any] = {
        "id": f"X-{date}", "title": "t", "date": date, "severity": severity,
        "status": "published", "type": kind, "authors": [], "services": [], "tags": list(tags),
        "summary": "", "docname": f"d-{date}", "anchor": "a", "lineno": 1,
    }
    return IncidentView(record=record, metrics=dict(metrics))  # type: ignore[arg-type]


# -- the window ------------------------------------------------------------------------------


@pytest.mark.parametrize(("period", "count", "first", "last"), [
    ("year", 10, "9990", "9999"),
    ("quarter", 40, "9990-Q1", "9999-Q4"),
    ("month", 120, "9990-01", "9999-12"),
])
def test_extreme_dates_draw_at_most_ten_years_of_periods(period, count, first, last):
    stats = compute_stats([view("0001-01-01"), view("9999-12-31")], period, SEVERITIES)
    assert len(stats.periods) == count
    assert (stats.periods[0], stats.periods[-1]) == (first, last)
    assert stats.left_out_before == 1
    assert sum(stats.total(p) for p in stats.periods) == 1


def test_window_ends_with_the_newest_incident_no_later_than_the_build_date():
    views = [view("0001-01-01"), view("2019-02-10"), view("2024-03-05"), view("9999-12-31")]
    stats = compute_stats(views, "quarter", SEVERITIES, today="2024-06-01")
    assert stats.periods[0] == "2014-Q2" and stats.periods[-1] == "2024-Q1"
    assert len(stats.periods) == 40
    assert (stats.left_out_before, stats.left_out_after) == (1, 1)
    assert str(stats.window_start) == "2014-04-01" and str(stats.build_date) == "2024-06-01"
    assert sum(stats.total(p) for p in stats.periods) == 2


def test_years_sets_the_window_length():
    views = [view("2015-05-01"), view("2024-03-05")]
    stats = compute_stats(views, "year", SEVERITIES, years=3, today="2024-06-01")
    assert stats.periods == ["2022", "2023", "2024"]
    assert stats.left_out_before == 1
    wide = compute_stats(views, "year", SEVERITIES, years=50, today="2024-06-01")
    assert wide.periods[0] == "2015" and wide.left_out_before == 0


def test_explicit_until_is_honoured_and_since_is_clipped_to_the_window():
    views = [view("2019-02-10"), view("2024-03-05")]
    stats = compute_stats(views, "year", SEVERITIES, since="0001-01-01", until="2024-12-31",
                          years=10, today="2024-06-01")
    assert stats.periods == [str(y) for y in range(2015, 2025)]
    # incidents that the :since: / :until: filters drop are not "left out" by the window
    assert (stats.left_out_before, stats.left_out_after) == (0, 0)


def test_window_start_near_year_one():
    import datetime as dt

    assert window_start(dt.date(5, 6, 1), "year", 10) == dt.date.min
    assert window_start(dt.date(2024, 3, 5), "month", 1) == dt.date(2023, 4, 1)


def test_nothing_before_the_build_date_draws_nothing():
    stats = compute_stats([view("2099-12-31")], "quarter", SEVERITIES, today="2024-06-01")
    assert stats.periods == [] and stats.left_out_after == 1


def test_unreadable_imported_dates_are_undated():
    stats = compute_stats([view("not a date"), view("2024-13-45"), view("2024-02-01")],
                          "quarter", SEVERITIES)
    assert stats.periods == ["2024-Q1"] and stats.total("2024-Q1") == 1


# -- unusable durations ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [10**400, float("inf"), float("nan"), -60, "600", True],
                         ids=["10e400", "inf", "nan", "negative", "text", "bool"])
def test_unusable_durations_are_left_out_of_the_medians(bad):
    views = [view("2024-01-01", time_to_detect=bad), view("2024-01-02", time_to_detect=600),
             view("2024-01-03", time_to_detect=bad), view("2024-01-04", time_to_detect=1200)]
    stats = compute_stats(views, "quarter", SEVERITIES)
    assert stats.medians["2024-Q1"]["time_to_detect"] == 900


# -- end-of-project reviews ---------------------------------------------------------------------


def test_project_reviews_are_counted_apart_from_incidents():
    views = [view("2024-01-10", "high", tags=("dns",)),
             view("2024-02-01", None, "project", tags=("dns", "migration"), time_to_detect=60),
             view("2024-04-01", None, "incident")]  # an imported incident without severity
    stats = compute_stats(views, "quarter", SEVERITIES)
    assert stats.severities == ["high", "unrated"]
    assert stats.counts == {"2024-Q1": {"high": 1, "unrated": 0},
                            "2024-Q2": {"high": 0, "unrated": 1}}
    assert stats.reviews == {"2024-Q1": 1, "2024-Q2": 0}
    assert stats.total("2024-Q1") == 1 and stats.has_reviews
    # a review's timeline is not incident response
    assert stats.medians["2024-Q1"]["time_to_detect"] is None
    assert stats.tags == [("dns", 1, 1), ("migration", 0, 1)]


# -- the built pages -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    srcdir = tmp_path_factory.mktemp("stats-window") / "src"
    shutil.copytree(ROOTS / "test-stats-window", srcdir)
    return build(srcdir, "html")


def note(block) -> str:
    notes = [p.text() for p in block.find_all("p") if "pm-stats-note" in p.classes]
    assert len(notes) == 1, notes
    return notes[0]


def test_default_window_is_ten_years_with_a_note(html):
    block = one_block(html.dom("index.html"), "default-window")
    counts = block_tables(block)[0]
    assert counts[0] == ["Period", "high", "low", "Incidents", "Project reviews"]
    assert len(counts[1]) == 40
    assert counts[1][0][0] == "2014-Q2" and counts[1][-1] == ["2024-Q1", "1", "0", "1", "0"]
    assert ["2023-Q3", "0", "0", "0", "1"] in counts[1]
    assert note(block) == (
        "1 post-mortem dated before 2014-04-01 is not shown: the statistics cover 10 years "
        "at most. 1 post-mortem dated after the build date (2024-06-01) is not shown.")
    incidents_chart = block_charts(block, html.html("index.html"))[0]
    assert len([t for t in incidents_chart.iter() if t.get("text-anchor") == "middle"]) <= 40


def test_month_window_is_120_months(html):
    block = one_block(html.dom("index.html"), "months")
    rows = block_tables(block)[0][1]
    assert len(rows) == 120 and rows[0][0] == "2014-04" and rows[-1][0] == "2024-03"


def test_years_option(html):
    block = one_block(html.dom("index.html"), "two-years")
    assert [row[0] for row in block_tables(block)[0][1]] == ["2023", "2024"]
    assert note(block).startswith("2 post-mortems dated before 2023-01-01 are not shown: "
                                  "the statistics cover 2 years at most.")


def test_explicit_since_is_clipped_to_the_window(html):
    block = one_block(html.dom("stats.html"), "since-the-beginning-of-time")
    rows = block_tables(block)[0][1]
    assert [row[0] for row in rows] == [str(y) for y in range(2015, 2025)]
    assert note(block).startswith("1 post-mortem dated before 2015-01-01 is not shown")


def test_explicit_far_until_is_honoured_within_the_window(html):
    block = one_block(html.dom("stats.html"), "until-the-end-of-time")
    header, rows = block_tables(block)[0]
    assert header == ["Period", "Incidents"]
    assert rows == [[str(y), "0"] for y in range(9990, 10000)]
    # what was asked for is drawn, and the note says where everything went
    assert note(block) == ("5 post-mortems dated before 9990-01-01 are not shown: "
                           "the statistics cover 10 years at most.")


def test_bad_years_option_warns_and_uses_the_setting(html):
    hits = [w for w in html.warnings if "stats.rst:22" in w]
    assert len(hits) == 1 and "invalid :years: 'zero'" in hits[0], html.warnings
    assert hits[0].endswith("[postmortem.filter]")
    assert [w for w in html.warnings if "stats.rst:22" not in w] == []
    block = one_block(html.dom("stats.html"), "bad-years")
    rows = block_tables(block)[0][1]
    assert [row[0] for row in rows] == [str(y) for y in range(2015, 2025)]  # the default 10


def test_pages_stay_small(html):
    for page in ("index.html", "stats.html"):
        assert len(html.html(page)) < 400_000
        assert len(svg_sources(html.html(page))) >= 4


def test_stats_years_setting(tmp_path):
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-stats-window", srcdir)
    result = build(srcdir, "html", confoverrides={"postmortem_stats_years": 3})
    rows = block_tables(one_block(result.dom("index.html"), "default-window"))[0][1]
    assert rows[0][0] == "2021-Q2" and len(rows) == 12
    assert section(result.dom("index.html"), "default-window") is not None


@pytest.mark.parametrize("value", ['"ten"', "0"])
def test_unusable_stats_years_setting_warns_and_uses_ten(tmp_path, value):
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-stats-window", srcdir)
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\npostmortem_stats_years = {value}\n")
    result = build(srcdir, "html")
    hits = [w for w in result.warnings if "conf.py" in w]
    assert len(hits) == 1 and hits[0].endswith("[postmortem.config]"), result.warnings
    assert value.replace('"', "'") in hits[0]
    rows = block_tables(one_block(result.dom("index.html"), "default-window"))[0][1]
    assert len(rows) == 40
