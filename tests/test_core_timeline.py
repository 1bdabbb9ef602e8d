"""The ``timeline`` directive inside Sphinx: dates, zones, milestones over several
timelines, inline markup, offsets, metrics in the panel, and warnings with locations.

Test root: tests/roots/test-core-timeline/.
"""

from __future__ import annotations

import re

import pytest
from helpers import domain_of
from test_core_support import (
    assert_warned,
    build_app,
    panel_fields,
    pm_warnings,
    read,
    strip_tags,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = build_app(tmp_path_factory, "core-timeline")
    yield app
    app.cleanup()


def _span(item: str, css_class: str) -> str:
    match = re.search(r'<span class="[^"]*\b' + css_class + r'\b[^"]*">(.*?)</span>', item, re.S)
    return strip_tags(match[1]) if match else ""


def rows(page: str) -> list[list[str]]:
    """[time, offset, milestone, event] of every timeline entry on the page, in order.

    In HTML a timeline is an ordered list (one ``li.pm-entry`` per entry).
    """
    result = []
    for listing in re.findall(r'<ol class="[^"]*pm-timeline-list.*?</ol>', page, re.S):
        for item in re.findall(r'<li class="pm-entry[^"]*">(.*?)</li>', listing, re.S):
            text = re.search(r'<p class="pm-entry-text">(.*?)</p>', item, re.S)
            result.append([_span(item, "pm-time"), _span(item, "pm-offset"),
                           _span(item, "pm-milestone"), strip_tags(text[1]) if text else ""])
    return result


def test_milestones_spread_over_two_timelines(built):
    entries = domain_of(built).timeline("spread")
    assert [(e["when"], e["milestone"], e["lineno"]) for e in entries] == [
        ("2024-03-05T14:02:00+00:00", "start", 14),  # time only: the incident's date
        ("2024-03-05T14:09:00+00:00", "detect", 15),
        ("2024-03-05T14:12:00+00:00", "ack", 23),  # date of the previous timeline's entry
        ("2024-03-05T15:10:00+00:00", "mitigate", 24),
        ("2024-03-06T09:00:00+00:00", "resolve", 25),
    ]
    metrics = domain_of(built).metrics("spread")
    assert metrics.durations == {
        "time_to_detect": 7 * 60,
        "time_to_acknowledge": 3 * 60,
        "time_to_mitigate": 68 * 60,
        "time_to_resolve": 18 * 3600 + 58 * 60,
    }
    assert metrics.impact_duration == 18 * 3600 + 58 * 60
    assert [w for w in pm_warnings(built) if w.file == "spread.rst"] == []


def test_panel_shows_metrics_from_all_timelines(built):
    fields = panel_fields(read(built, "spread.html"), "INC-SPREAD")
    assert {k: v for k, v in fields.items() if k.startswith(("Impact", "Time to"))} == {
        "Impact start": "2024-03-05 14:02 UTC",
        "Impact duration": "18h58m",
        "Time to detect": "7m",
        "Time to acknowledge": "3m",
        "Time to mitigate": "1h08m",
        "Time to resolve": "18h58m",
    }


def test_table_rows_with_local_time_offset_and_milestone_badge(built):
    assert rows(read(built, "spread.html")) == [
        ["2024-03-05 14:02 UTC", "T0", "Impact start",
         "Deploy begins (time only: takes the incident date)."],
        ["14:09", "T+7m", "Detected", "Alert fires, see the dashboard\nand Milestones over two timelines."],
        ["2024-03-05 14:12 UTC", "T+10m", "Acknowledged", "On-call acknowledges."],
        ["15:10", "T+1h08m", "Mitigated", "Rolled back."],
        ["2024-03-06 09:00 UTC", "T+18h58m", "Resolved", "Closed next morning."],
    ]


def test_milestone_badges_have_classes(built):
    page = read(built, "spread.html")
    for name, text in [("start", "Impact start"), ("detect", "Detected"), ("ack", "Acknowledged"),
                       ("mitigate", "Mitigated"), ("resolve", "Resolved")]:
        assert f'<span class="pm-label pm-milestone pm-milestone-{name}">{text}</span>' in page


def test_descriptions_are_inline_markup(built):
    page = read(built, "spread.html")
    assert '<a class="reference external" href="https://dash.example.com/x">the dashboard</a>' in page
    assert re.search(r'<a class="reference internal" href="#incident-INC-SPREAD"[^>]*>'
                     r'<span class="xref postmortem postmortem-incident">'
                     r"Milestones over two timelines</span></a>", page)
    assert "On-call <em>acknowledges</em>." in page


def test_iana_zone_with_daylight_saving_and_overrides(built):
    entries = domain_of(built).timeline("zones")
    assert [(e["when"], e["zone"]) for e in entries] == [
        ("2024-03-31T01:30:00+01:00", "CET"),
        ("2024-03-31T03:30:00+02:00", "CEST"),
        ("2024-03-31T02:00:00+00:00", "UTC"),
        ("2024-03-31T09:00:00+05:30", "+05:30"),
        ("2024-03-31T06:10:00+02:00", "CEST"),
    ]
    assert [r[:2] for r in rows(read(built, "zones.html"))] == [
        ["2024-03-31 01:30 CET", "T0"],
        ["03:30 CEST", "T+1h00m"],
        ["02:00 UTC", "T+1h30m"],
        ["09:00 +05:30", "T+3h00m"],
        ["06:10 CEST", "T+3h40m"],
    ]
    fields = panel_fields(read(built, "zones.html"), "INC-ZONE")
    # the instant of [start], shown in its own zone (label or offset)
    assert fields["Impact start"] in ("2024-03-31 01:30 CET", "2024-03-31 01:30 +01:00")
    assert fields["Time to detect"] == "1h00m"
    assert fields["Impact duration"] == "3h40m"


def test_problems_warn_with_their_line(built):
    expected = [
        (12, "not a timeline entry: 'this line is not an entry'"),
        (13, "invalid time '24:00'; entry skipped"),
        (15, "invalid date '2024-02-30'; entry skipped"),
        (16, "unknown time zone 'Europe/Nowhere'; entry skipped"),
        (17, "is earlier than the entry before it"),
        (18, "milestone [start] appears more than once on this page"),
        (19, "unknown milestone [begin]"),
        (22, ":timezone: unknown time zone 'Moon/Base'; using UTC"),
        (26, "milestone [resolve] appears more than once on this page"),
    ]
    for line, text in expected:
        assert_warned(built, "problems.rst", line, text, "postmortem.timeline")
    assert [(w.line, w.type) for w in pm_warnings(built) if w.file == "problems.rst"] == [
        (line, "postmortem.timeline") for line, _text in expected
    ]


def test_problem_entries_are_skipped_and_the_build_goes_on(built):
    entries = domain_of(built).timeline("problems")
    assert [(e["lineno"], e["milestone"], e["text"]) for e in entries] == [
        (11, "start", "Fine."),
        (14, None, "Mars/Phobos text that is not a zone."),
        (18, None, "Repeated milestone."),
        (19, None, "Unknown milestone."),
        (20, "resolve", "Fine again."),
        (25, "detect", "Repeated across timelines? No, detect is new here."),
        (26, None, "Repeated across timelines."),
    ]
    assert len(rows(read(built, "problems.html"))) == 7


def test_negative_metric_is_left_out_with_a_warning(built):
    assert_warned(built, "negative.rst", 11, "[detect] comes before [start]; time to detect left out",
                  "postmortem.timeline")
    assert [w for w in pm_warnings(built) if w.file == "negative.rst"] == [
        w for w in pm_warnings(built) if w.file == "negative.rst" and w.line == 11
    ]
    fields = panel_fields(read(built, "negative.html"), "INC-NEG")
    assert "Time to detect" not in fields
    assert fields["Impact duration"] == "25m"
    assert fields["Time to resolve"] == "25m"
    # offsets before impact start are negative
    assert rows(read(built, "negative.html"))[0][1] == "T\N{MINUS SIGN}5m"


def test_continuation_line_without_an_entry(built):
    assert_warned(built, "dangling.rst", 11, "continuation line with no timeline entry before it",
                  "postmortem.timeline")
    entries = domain_of(built).timeline("dangling")
    assert [(e["lineno"], e["text"]) for e in entries] == [
        (12, "First real entry.\nits continuation."),
        (14, "Done."),
    ]
    assert "this indented line continues nothing" not in read(built, "dangling.html")


def test_every_warning_of_the_root(built):
    assert {w.file for w in pm_warnings(built)} == {"problems.rst", "negative.rst", "dangling.rst"}
    assert len(pm_warnings(built)) == 11


def test_postmortem_timezone_is_the_default_zone(tmp_path_factory):
    app = build_app(tmp_path_factory, "core-timeline",
                    confoverrides={"postmortem_timezone": "Asia/Kolkata"})
    try:
        entries = domain_of(app).timeline("spread")
        assert entries[0]["when"] == "2024-03-05T14:02:00+05:30"
        assert entries[0]["zone"] == "IST"
        # an explicit :timezone: still wins
        assert domain_of(app).timeline("zones")[0]["when"] == "2024-03-31T01:30:00+01:00"
        assert rows(read(app, "spread.html"))[0][0] == "2024-03-05 14:02 IST"
    finally:
        app.cleanup()
