"""The ``timeline`` directive inside Sphinx: dates, zones, milestones over several
timelines, recovery in steps, inline markup, offsets, metrics in the panel,
``<time>`` elements, breaks between entries far apart, and warnings with locations.

Test root: tests/roots/test-core-timeline/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils import nodes
from support.builds import build, domain_of, read
from support.fixtures import built_root, root_app_fixture
from support.html import panel_fields, parse_html, strip_tags
from support.warnings import assert_warned, parse_warnings, pm_warnings

from sphinx_postmortem.fill.timeline import recovery_text
from sphinx_postmortem.nodes import timeline_block
from sphinx_postmortem.times import Metrics, RecoveryStep


def key_facts(page: str) -> str:
    """The text of the key-facts line at the top of the incident on ``page``."""
    line = parse_html(page).find("p", cls="pm-key-facts")
    assert line is not None, "no key facts"
    return line.text()

built = root_app_fixture("core-timeline")


def _span(item: str, css_class: str) -> str:
    """The text of the first ``<span>`` (or ``<time>``) of class ``css_class`` in ``item``."""
    element = r'<(span|time) class="[^"]*\b' + css_class + r'\b[^"]*"[^>]*>(.*?)</\1>'
    match = re.search(element, item, re.S)
    return strip_tags(match[2]) if match else ""


def rows(page: str) -> list[list[str]]:
    """[time, offset, milestone, event] of every timeline entry on the page, in order.

    In HTML a timeline is an ordered list (one ``li.pm-entry`` per entry).
    """
    result = []
    for listing in re.findall(r'<ol class="[^"]*pm-timeline-list.*?</ol>', page, re.S):
        for item in re.findall(r'<li class="pm-entry[^"]*">(.*?)</li>', listing, re.S):
            text = re.search(r'<p class="pm-entry-text">(.*?)</p>', item, re.S)
            result.append(
                [
                    _span(item, "pm-time"),
                    _span(item, "pm-offset"),
                    _span(item, "pm-milestone"),
                    strip_tags(text[1]) if text else "",
                ]
            )
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
    page = read(built, "spread.html")
    fields = panel_fields(page, "INC-SPREAD")
    assert {k: v for k, v in fields.items() if k.startswith(("Impact", "Time to"))} == {
        "Impact start": "2024-03-05 14:02 UTC",
        "Time to detect": "7m after impact start",
        "Time to acknowledge": "3m after detection",
        "Time to mitigate": "1h08m after impact start",
        "Time to resolve": "18h58m after impact start",
    }
    assert "Impact 18h58m" in key_facts(page)


#: Time, offset and milestone of every entry of the timelines of ``spread.rst``.
SPREAD_ENTRIES = [
    ["2024-03-05 14:02 UTC", "T0", "Impact start"],
    ["14:09", "T+7m", "Detected"],
    ["2024-03-05 14:12 UTC", "T+10m", "Acknowledged"],
    ["15:10", "T+1h08m", "Mitigated"],
    ["2024-03-06 09:00 UTC", "T+18h58m", "Resolved"],
]


def spread_rows(*events: str) -> list[list[str]]:
    """The table rows of ``spread.rst``'s entries, each ending with its event as rendered."""
    return [[*cells, event] for cells, event in zip(SPREAD_ENTRIES, events, strict=True)]


def test_table_rows_with_local_time_offset_and_milestone_badge(built):
    assert rows(read(built, "spread.html")) == spread_rows(
        "Deploy begins (time only: takes the incident date).",
        "Alert fires, see the dashboard\nand Milestones over two timelines.",
        "On-call acknowledges.",
        "Rolled back.",
        "Closed next morning.",
    )


def test_milestone_badges_have_classes(built):
    page = read(built, "spread.html")
    for name, text in [
        ("start", "Impact start"),
        ("detect", "Detected"),
        ("ack", "Acknowledged"),
        ("mitigate", "Mitigated"),
        ("resolve", "Resolved"),
    ]:
        assert f'<span class="pm-label pm-milestone pm-milestone-{name}">{text}</span>' in page


def test_descriptions_are_inline_markup(built):
    page = read(built, "spread.html")
    assert (
        '<a class="reference external" href="https://dash.example.com/x">the dashboard</a>'
    ) in page
    assert re.search(
        r'<a class="reference internal" href="#incident-INC-SPREAD"[^>]*>'
        r'<span class="xref postmortem postmortem-incident">'
        r"Milestones over two timelines</span></a>",
        page,
    )
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
    page = read(built, "zones.html")
    fields = panel_fields(page, "INC-ZONE")
    # the instant of [start], shown in its own zone (label or offset)
    assert fields["Impact start"] in ("2024-03-31 01:30 CET", "2024-03-31 01:30 +01:00")
    assert fields["Time to detect"] == "1h00m after impact start"
    assert "Impact 3h40m" in key_facts(page)


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
        (26, "[resolve] comes after full resolution (the [resolve] at 2024-03-05T10:30:00"),
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
    assert_warned(
        built,
        "negative.rst",
        11,
        "[detect] comes before [start]; time to detect left out",
        "postmortem.timeline",
    )
    assert [w for w in pm_warnings(built) if w.file == "negative.rst"] == [
        w for w in pm_warnings(built) if w.file == "negative.rst" and w.line == 11
    ]
    fields = panel_fields(read(built, "negative.html"), "INC-NEG")
    assert "Time to detect" not in fields
    assert "Impact 25m" in key_facts(read(built, "negative.html"))
    assert fields["Time to resolve"] == "25m after impact start"
    # offsets before impact start are negative
    assert rows(read(built, "negative.html"))[0][1] == "T\N{MINUS SIGN}5m"


def test_continuation_line_without_an_entry(built):
    assert_warned(
        built,
        "dangling.rst",
        11,
        "continuation line with no timeline entry before it",
        "postmortem.timeline",
    )
    entries = domain_of(built).timeline("dangling")
    assert [(e["lineno"], e["text"]) for e in entries] == [
        (12, "First real entry.\nits continuation."),
        (14, "Done."),
    ]
    assert "this indented line continues nothing" not in read(built, "dangling.html")


def test_date_only_approximate_and_fractional_entries_render_at_their_precision(built):
    assert rows(read(built, "precision.html")) == [
        ["2021-05-12", "T\N{MINUS SIGN}27d", "", "The release with the bug starts rolling out."],
        ["2021-06-08 09:30 UTC", "T0", "Impact start", "First errors."],
        [
            "\N{ALMOST EQUAL TO}11:00",
            "\N{ALMOST EQUAL TO}T+1h30m",
            "Detected",
            "A customer reports it, around eleven.",
        ],
        ["11:05:30", "T+1h35m30s", "Acknowledged", "Paged, per the pager log."],
        [
            "2021-06-09 10:11 UTC",
            "T+1d00h41m",
            "Resolved",
            "Fixed, a day and 41 minutes after the start.",
        ],
    ]
    page = read(built, "precision.html")
    assert '<time class="pm-time pm-approximate" datetime="2021-06-08T11:00+00:00">' in page
    assert '<time class="pm-time pm-date-only" datetime="2021-05-12">2021-05-12</time>' in page
    entries = domain_of(built).timeline("precision")
    assert [(e["precision"], e["approximate"]) for e in entries] == [
        ("day", False),
        ("minute", False),
        ("minute", True),
        ("second", False),
        ("minute", False),
    ]
    assert entries[3]["when"] == "2021-06-08T11:05:30.250000+00:00"
    assert [w for w in pm_warnings(built) if w.file == "precision.rst"] == []


def test_metrics_from_an_approximate_milestone_are_marked(built):
    fields = panel_fields(read(built, "precision.html"), "INC-PRECISION")
    assert {k: v for k, v in fields.items() if k.startswith(("Impact", "Time to"))} == {
        "Impact start": "2021-06-08 09:30 UTC",
        "Time to detect": "\N{ALMOST EQUAL TO}1h30m after impact start",
        "Time to acknowledge": "\N{ALMOST EQUAL TO}5m30s after detection",
        # not "1d": durations never lose precision
        "Time to resolve": "1d00h41m after impact start",
    }
    assert "Impact 1d00h41m" in key_facts(read(built, "precision.html"))
    gaps = re.findall(r'<span class="pm-gap">(.*?)</span>', read(built, "precision.html"))
    assert gaps[0] == "\N{ALMOST EQUAL TO}1h30m after impact start"


def test_time_skipped_by_daylight_saving_time_warns_with_the_reading_used(built):
    assert_warned(
        built,
        "dst.rst",
        13,
        "2024-03-31 02:30 does not exist in Europe/Berlin",
        "postmortem.timeline",
    )
    warning = assert_warned(
        built, "dst.rst", 13, "read as 03:30 CEST (01:30 UTC)", "postmortem.timeline"
    )
    assert warning.message.startswith("timeline: ")
    # offsets no longer run backwards: T0, T+40m, T+50m
    assert [r[:2] for r in rows(read(built, "dst.html"))] == [
        ["2024-03-31 01:50 CET", "T0"],
        ["03:30 CEST", "T+40m"],
        ["03:40", "T+50m"],
    ]


def test_zone_abbreviation_after_the_time_warns_naming_iana_zones(built):
    warning = assert_warned(
        built, "abbrev.rst", 11, "'CET' after the time is not read as a zone", "postmortem.timeline"
    )
    assert "Europe/Berlin" in warning.message
    assert "the entry is read in UTC, as 14:00 UTC" in warning.message


def test_invalid_incident_date_is_one_warning_not_two(built):
    assert [(w.line, w.type) for w in pm_warnings(built) if w.file == "baddate.rst"] == [
        (4, "postmortem.option"),
    ]
    assert_warned(built, "baddate.rst", 4, "invalid :date: '2024-13-05'", "postmortem.option")
    assert domain_of(built).timeline("baddate") == []


def test_implausible_incident_date_warns_at_its_line(built):
    assert [(w.line, w.type) for w in pm_warnings(built) if w.file == "implausible.rst"] == [
        (7, "postmortem.option"),
    ]
    assert_warned(
        built,
        "implausible.rst",
        7,
        "implausible :date: '0001-03-05' (expected a year from 1970 to 2100); date ignored",
        "postmortem.option",
    )
    assert domain_of(built).incident("implausible")["date"] is None


def test_every_warning_of_the_root(built):
    assert {w.file for w in pm_warnings(built)} == {
        "problems.rst",
        "negative.rst",
        "dangling.rst",
        "dst.rst",
        "abbrev.rst",
        "baddate.rst",
        "implausible.rst",
        "recovery_problems.rst",
    }  # gaps.rst has none
    assert len(pm_warnings(built)) == 23


def test_postmortem_timezone_is_the_default_zone(tmp_path_factory):
    overrides = {"postmortem_timezone": "Asia/Kolkata"}
    with built_root(tmp_path_factory, "core-timeline", confoverrides=overrides) as app:
        entries = domain_of(app).timeline("spread")
        assert entries[0]["when"] == "2024-03-05T14:02:00+05:30"
        assert entries[0]["zone"] == "IST"
        # an explicit :timezone: still wins
        assert domain_of(app).timeline("zones")[0]["when"] == "2024-03-31T01:30:00+01:00"
        assert rows(read(app, "spread.html"))[0][0] == "2024-03-05 14:02 IST"


# -- what is read, and the table of the other builders ------------------------------


def test_each_entry_is_read_as_one_paragraph_at_its_line(built):
    """Read, a timeline keeps one paragraph per entry (its event text, markup kept);
    the list or the table is built once, when the page is written."""
    doctree = built.env.get_doctree("spread")
    blocks = list(doctree.findall(timeline_block))
    assert [len(block.children) for block in blocks] == [2, 3]
    events = [event for block in blocks for event in block.children]
    assert all(type(event) is nodes.paragraph for event in events)
    entries = domain_of(built).timeline("spread")
    assert [(e.line, e.astext()) for e in events] == [(e["lineno"], e["text"]) for e in entries]
    assert [e.astext() for e in events[2].findall(nodes.emphasis)] == ["acknowledges"]
    assert not list(doctree.findall(nodes.table))
    # an entry without markup is two nodes: the paragraph and its text
    assert [len(list(events[index].findall())) for index in (0, 3, 4)] == [2, 2, 2]


def text_table_rows(text: str) -> list[list[str]]:
    """The cells of every body row of the grid tables in a text-builder page."""
    rows: list[list[str]] = []
    current: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("|="):  # end of the header row
            current = []
        elif line.startswith("+-"):
            if current:
                cells = zip(*current, strict=True)  # the lines of a row, cell by cell
                rows.append([" ".join(" ".join(cell).split()) for cell in cells])
            current = []
        elif line.startswith("| "):
            current.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


built_text = root_app_fixture("core-timeline", buildername="text")


def test_text_builder_writes_a_table_with_offsets_across_timelines(built_text):
    assert text_table_rows(read(built_text, "spread.txt")) == spread_rows(
        "Deploy begins (time only: takes the incident date).",
        "Alert fires, see the dashboard and *Milestones over two timelines*.",
        "On-call *acknowledges*.",
        "Rolled back.",
        "Closed next morning.",
    )
    # the narrow Offset column wraps inside words
    precision = text_table_rows(read(built_text, "precision.txt"))
    offsets = ["".join(row[1].split()) for row in precision]
    assert offsets == [
        "T\N{MINUS SIGN}27d",
        "",  # the break row: 27 days until the next entry
        "T0",
        "\N{ALMOST EQUAL TO}T+1h30m",
        "T+1h35m30s",
        "T+1d00h41m",
    ]


def test_text_builder_warns_like_the_html_builder(built, built_text):
    assert sorted(pm_warnings(built_text)) == sorted(pm_warnings(built))


LINKS_PAGE = """\
Links in a timeline
===================

.. incident:: Links in entries
   :id: INC-LINKS
   :date: 2024-03-05
   :severity: SEV3

.. timeline::

   14:02 [start] Deploy begins.
   14:09 [detect] See :ref:`no-such-label` for the alert.
   14:20 [resolve] Fixed, as in :incident:`INC-NOPE`
         and :doc:`nowhere`.
"""


@pytest.mark.parametrize("buildername", ["html", "text"])
def test_broken_references_in_entries_warn_at_the_entry_line(tmp_path, buildername):
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinx_postmortem"]\npostmortem_today = "2024-06-01"\n',
        encoding="utf-8",
    )
    (tmp_path / "index.rst").write_text(LINKS_PAGE, encoding="utf-8")
    app = build(tmp_path, buildername).app
    detect = next(n for n, line in enumerate(LINKS_PAGE.splitlines(), 1) if "[detect]" in line)
    resolve = detect + 1  # its continuation line, one further, is not where it is reported
    found = sorted((w.line, w.type) for w in parse_warnings(app) if w.file == "index.rst")
    assert found == [(detect, "ref.ref"), (resolve, "postmortem.ref"), (resolve, "ref.doc")]


# -- recovery in steps: [notify], repeated [mitigate] and [resolve] with shares --------

PERCENT = "\N{NO-BREAK SPACE}%"


def test_recovery_steps_over_two_timelines_are_read_with_their_shares(built):
    entries = domain_of(built).timeline("recovery")
    assert [(e["milestone"], e["share"]) for e in entries] == [
        ("start", None),
        ("detect", None),
        ("ack", None),
        ("notify", None),
        ("mitigate", 95.0),
        ("mitigate", 99.5),
        (None, None),
        ("resolve", None),
    ]
    metrics = domain_of(built).metrics("recovery")
    assert metrics.durations == {
        "time_to_detect": 60,
        "time_to_acknowledge": 3 * 60,
        "time_to_notify": 11 * 60,
        "time_to_mitigate": 49 * 60,  # the first [mitigate]
        "time_to_resolve": 177 * 60,
    }
    assert [(s.milestone, s.share, s.seconds) for s in metrics.recovery] == [
        ("mitigate", 95.0, 49 * 60),
        ("mitigate", 99.5, 73 * 60),
        ("resolve", None, 177 * 60),
    ]
    assert [w for w in pm_warnings(built) if w.file == "recovery.rst"] == []


def test_recovery_line_names_each_step_with_its_offset(built):
    assert recovery_text(domain_of(built).metrics("recovery")) == (
        f"95{PERCENT} at T+49m, 99.5{PERCENT} at T+1h13m, fully at T+2h57m"
    )
    assert recovery_text(domain_of(built).metrics("staggered")) == (
        f"10{PERCENT} at T+3d, 50{PERCENT} at T+7d, fully at T+13d"
    )
    assert recovery_text(domain_of(built).metrics("spread")) == ""  # TTM and TTR say it all


def metrics_with_steps(*steps: tuple[str, float | None, int]) -> Metrics:
    """Metrics holding only recovery steps ``(milestone, share, minutes from start)``."""
    return Metrics(
        recovery=[
            RecoveryStep(name, share, minutes * 60, "minute", False, "", 0)
            for name, share, minutes in steps
        ]
    )


def test_recovery_line_names_full_steps_when_there_are_several():
    metrics = metrics_with_steps(
        ("mitigate", 95, 49), ("mitigate", None, 60), ("resolve", 100, 177)
    )
    assert recovery_text(metrics) == (
        f"95{PERCENT} at T+49m, mitigated at T+1h00m, resolved at T+2h57m"
    )
    assert recovery_text(metrics_with_steps(("mitigate", 50, 10), ("mitigate", 90, 20))) == (
        f"50{PERCENT} at T+10m, 90{PERCENT} at T+20m"
    )


def test_milestone_badges_show_shares_and_gaps_after_impact_start(built):
    page = read(built, "recovery.html")
    assert [row[2] for row in rows(page)] == [
        "Impact start",
        "Detected",
        "Acknowledged",
        "Customers notified",
        f"Mitigated 95{PERCENT}",
        f"Mitigated 99.5{PERCENT}",
        "",
        "Resolved",
    ]
    assert '<span class="pm-label pm-milestone pm-milestone-notify">Customers notified</span>' in (
        page
    )
    gaps = [strip_tags(gap) for gap in re.findall(r'<span class="pm-gap">(.*?)</span>', page)]
    assert gaps == [
        "1m after impact start",
        "3m after detection",
        "11m after impact start",
        "49m after impact start",
        "1h13m after impact start",
        "2h57m after impact start",
    ]


def phases(page: str) -> list[str]:
    return re.findall(r'<li class="pm-entry pm-phase-([a-z]+)', page)


def test_phases_stay_mitigated_until_the_last_resolve(built):
    assert phases(read(built, "recovery.html")) == [
        "undetected",
        "responding",
        "responding",
        "responding",  # customers notified: still responding
        "mitigated",
        "mitigated",
        "mitigated",
        "resolved",
    ]
    assert phases(read(built, "staggered.html")) == [
        "undetected",
        "responding",
        "mitigated",  # a share restored
        "mitigated",
        "resolved",
    ]


def test_panel_shows_time_to_notify_and_the_last_resolve(built):
    fields = panel_fields(read(built, "staggered.html"), "INC-STAGGERED")
    assert fields["Time to resolve"] == "13d after impact start"
    assert "Impact 13d" in key_facts(read(built, "staggered.html"))
    notify = panel_fields(read(built, "recovery.html"), "INC-RECOVERY")["Time to notify"]
    assert notify == "11m after impact start"


def test_text_builder_shows_shares_in_the_milestone_column(built_text):
    cells = [row[2] for row in text_table_rows(read(built_text, "recovery.txt"))]
    assert cells == [  # the rows helper joins wrapped lines with plain spaces
        "Impact start",
        "Detected",
        "Acknowledged",
        "Customers notified",
        "Mitigated 95 %",
        "Mitigated 99.5 %",
        "",
        "Resolved",
    ]


def test_recovery_problems_warn_at_their_line_and_keep_the_entry(built):
    expected = [
        (11, "[start] takes no share (only [mitigate] and [resolve] do); '50%' ignored"),
        (13, "milestone [notify] appears more than once on this page; this one is ignored"),
        (14, "share '140%' of [mitigate] is not a percentage above 0 and at most 100"),
        (15, "share '0%' of [mitigate] is not a percentage"),
        (16, "share 'x%' of [mitigate] is not a percentage"),
        (
            18,
            "[mitigate 60%] removes a smaller share of the impact than the earlier [mitigate 80%]",
        ),
        (20, "[mitigate] comes after full resolution (the [resolve] at 2024-03-05T10:40:00"),
        (21, "[resolve] comes after full resolution"),
    ]
    for line, text in expected:
        assert_warned(built, "recovery_problems.rst", line, text, "postmortem.timeline")
    found = [(w.line, w.type) for w in pm_warnings(built) if w.file == "recovery_problems.rst"]
    assert found == [(line, "postmortem.timeline") for line, _text in expected]
    entries = domain_of(built).timeline("recovery_problems")
    assert [(e["lineno"], e["milestone"], e["share"]) for e in entries] == [
        (11, "start", None),
        (12, "notify", None),
        (13, None, None),
        (14, "mitigate", None),
        (15, "mitigate", None),
        (16, "mitigate", None),
        (17, "mitigate", 80.0),
        (18, "mitigate", 60.0),
        (19, "resolve", None),
        (20, None, None),
        (21, None, None),
    ]
    assert domain_of(built).metrics("recovery_problems").durations["time_to_resolve"] == 40 * 60


# -- <time> elements and breaks between entries far apart ----------------------------


def times(page: str) -> list[tuple[str, str]]:
    """(datetime attribute, text) of every time of the page's timelines, in order."""
    return [
        (time.attrs["datetime"], time.text())
        for listing in parse_html(page).find_all("ol", "pm-timeline-list")
        for time in listing.find_all("time", "pm-time")
    ]


def test_times_are_time_elements_with_the_moment_of_their_entry(built):
    assert times(read(built, "precision.html")) == [
        ("2021-05-12", "2021-05-12"),  # a date-only entry: its date
        ("2021-06-08T09:30+00:00", "2021-06-08 09:30 UTC"),
        ("2021-06-08T11:00+00:00", "\N{ALMOST EQUAL TO}11:00"),  # the full moment, not as written
        ("2021-06-08T11:05:30.250+00:00", "11:05:30"),  # at most milliseconds, as HTML allows
        ("2021-06-09T10:11+00:00", "2021-06-09 10:11 UTC"),
    ]
    assert [moment for moment, _text in times(read(built, "zones.html"))] == [
        "2024-03-31T01:30+01:00",
        "2024-03-31T03:30+02:00",
        "2024-03-31T02:00+00:00",
        "2024-03-31T09:00+05:30",
        "2024-03-31T06:10+02:00",
    ]


def breaks(page: str) -> list[tuple[str, str]]:
    """(time of the entry, its break line or "") of every entry of the page's timelines."""
    return [
        (item.find("time").text(), " ".join(b.text() for b in item.find_all("p", "pm-entry-break")))
        for item in parse_html(page).find_all("li", "pm-entry")
    ]


def test_a_break_follows_an_entry_when_the_next_comes_more_than_a_day_later(built):
    assert breaks(read(built, "gaps.html")) == [
        ("2023-01-02", ""),
        ("2023-01-03", "\N{HORIZONTAL ELLIPSIS} 7d later \N{HORIZONTAL ELLIPSIS}"),
        ("2023-01-10 09:00 UTC", ""),  # exactly a day: no break
        ("2023-01-11 09:00 UTC", "\N{HORIZONTAL ELLIPSIS} 1d00h01m later \N{HORIZONTAL ELLIPSIS}"),
        (
            "2023-01-12 09:01 UTC",
            "\N{HORIZONTAL ELLIPSIS} \N{ALMOST EQUAL TO}2d02h59m later \N{HORIZONTAL ELLIPSIS}",
        ),
        ("\N{ALMOST EQUAL TO}2023-01-14 12:00 UTC", ""),
        ("12:30", ""),  # the last entry of its timeline: none, though the next one is days later
        ("2023-01-20 09:00 UTC", ""),
    ]
    assert [w for w in pm_warnings(built) if w.file == "gaps.rst"] == []


def test_breaks_say_the_gap_like_the_offsets_and_leave_the_entries_as_they_are(built):
    page = read(built, "staggered.html")
    assert [gap for _time, gap in breaks(page) if gap] == [
        "\N{HORIZONTAL ELLIPSIS} 3d later \N{HORIZONTAL ELLIPSIS}",  # 08:17 to a date: days
        "\N{HORIZONTAL ELLIPSIS} 4d later \N{HORIZONTAL ELLIPSIS}",
        "\N{HORIZONTAL ELLIPSIS} 6d later \N{HORIZONTAL ELLIPSIS}",
    ]
    assert [row[1] for row in rows(page)] == ["T0", "T+39m", "T+3d", "T+7d", "T+13d"]
    assert phases(page) == ["undetected", "responding", "mitigated", "mitigated", "resolved"]
    assert [gap for _time, gap in breaks(read(built, "spread.html")) if gap] == []  # 18h58m


def test_text_builder_shows_a_break_as_a_row_between_the_entries(built_text):
    found = [  # the narrow Offset column wraps inside words
        [time, "".join(offset.split()), milestone, event]
        for time, offset, milestone, event in text_table_rows(read(built_text, "gaps.txt"))
    ]
    assert found == [
        ["2023-01-02", "T\N{MINUS SIGN}8d", "", "The backup job is changed."],
        ["2023-01-03", "T\N{MINUS SIGN}7d", "", "The change is reviewed, a calendar day later."],
        ["", "", "", "\N{HORIZONTAL ELLIPSIS} 7d later \N{HORIZONTAL ELLIPSIS}"],
        ["2023-01-10 09:00 UTC", "T0", "Impact start", "Backups start failing silently."],
        ["2023-01-11 09:00 UTC", "T+1d00h00m", "", "Exactly a day later: no break."],
        ["", "", "", "\N{HORIZONTAL ELLIPSIS} 1d00h01m later \N{HORIZONTAL ELLIPSIS}"],
        ["2023-01-12 09:01 UTC", "T+2d00h01m", "", "A day and a minute later: a break."],
        [
            "",
            "",
            "",
            "\N{HORIZONTAL ELLIPSIS} \N{ALMOST EQUAL TO}2d02h59m later \N{HORIZONTAL ELLIPSIS}",
        ],
        [
            "\N{ALMOST EQUAL TO}2023-01-14 12:00 UTC",
            "\N{ALMOST EQUAL TO}T+4d03h00m",
            "Detected",
            "Noticed around noon, two days later.",
        ],
        ["12:30", "T+4d03h30m", "Acknowledged", "On-call acknowledges, half an hour later."],
        [
            "2023-01-20 09:00 UTC",
            "T+10d00h00m",
            "Resolved",
            "Backups run again, days after the entry above.",
        ],
    ]
    assert [w for w in pm_warnings(built_text) if w.file == "gaps.rst"] == []


@pytest.mark.parametrize("buildername", ["latex", "man", "texinfo"])
def test_breaks_build_without_warnings_in_other_builders(tmp_path, buildername):
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinx_postmortem"]\npostmortem_today = "2024-06-01"\n',
        encoding="utf-8",
    )
    gaps = Path(__file__).parent / "roots" / "test-core-timeline" / "gaps.rst"
    (tmp_path / "index.rst").write_text(gaps.read_text(encoding="utf-8"), encoding="utf-8")
    result = build(tmp_path, buildername)
    assert result.warnings == []
    output = {"latex": "*.tex", "man": "*.1", "texinfo": "*.texi"}[buildername]
    written = "".join(path.read_text(encoding="utf-8") for path in result.outdir.glob(output))
    assert "1d00h01m later" in written
