"""Unit tests of the pure timeline parser (no Sphinx involved).

Contract of ``timeline``: an entry starts with ``YYYY-MM-DD HH:MM[:SS]``,
``YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`` or ``HH:MM[:SS]`` alone (date of the entry
before it); an optional zone word overrides the default zone; indented lines
continue the entry; ``[milestone]`` right after the timestamp, and the
recovery milestones may repeat with a share (``[mitigate 95%]``). Problems
skip the entry (or drop a milestone or share, or leave a metric out) and are
reported, never raised.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sphinx_postmortem.directives.timeline_parser import parse_lines
from sphinx_postmortem.errors import PostmortemError
from sphinx_postmortem.times import (
    Metrics,
    RecoveryStep,
    compute_metrics,
    format_duration,
    format_metric,
    format_offset,
    is_partial_recovery,
    resolve_zone,
    step_offset,
    zone_label,
)


def lines(*texts: str) -> list[tuple[int, str]]:
    """Number lines from 1, as the directive does with its content."""
    return list(enumerate(texts, 1))


def parse(*texts: str, zone: str = "UTC", **kwargs):
    return parse_lines(lines(*texts), zone, **kwargs)


def whens(result) -> list[str]:
    return [e["when"] for e in result.entries]


def entry(
    when: str, milestone: str | None = None, lineno: int = 1, share: float | None = None
) -> dict:
    return {
        "when": when,
        "zone": "UTC",
        "milestone": milestone,
        "share": share,
        "text": "",
        "lineno": lineno,
    }


# -- timestamp forms -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("2024-03-05 14:02 x", "2024-03-05T14:02:00+00:00"),
        ("2024-03-05 14:02:07 x", "2024-03-05T14:02:07+00:00"),
        ("2024-03-05   09:05 x", "2024-03-05T09:05:00+00:00"),
        ("2024-03-05T14:02 x", "2024-03-05T14:02:00+00:00"),
        ("2024-03-05T14:02:30 x", "2024-03-05T14:02:30+00:00"),
        ("2024-03-05T14:02Z x", "2024-03-05T14:02:00+00:00"),
        ("2024-03-05T14:02:30Z x", "2024-03-05T14:02:30+00:00"),
        ("2024-03-05T14:02+02:00 x", "2024-03-05T14:02:00+02:00"),
        ("2024-03-05T14:02:30-05:30 x", "2024-03-05T14:02:30-05:30"),
        ("2024-03-05T14:02+0200 x", "2024-03-05T14:02:00+02:00"),
        ("2024-03-05 00:00 midnight", "2024-03-05T00:00:00+00:00"),
        ("2024-03-05 23:59:59 last second", "2024-03-05T23:59:59+00:00"),
    ],
)
def test_full_timestamp_forms(text, when):
    result = parse(text)
    assert result.problems == []
    assert whens(result) == [when]
    assert result.entries[0]["text"] == (
        "midnight" if "midnight" in text else "last second" if "last" in text else "x"
    )
    assert result.entries[0]["lineno"] == 1


def test_entry_fields_of_a_full_line():
    result = parse("2024-03-05 14:02 [start] Deploy 4521 of checkout-api begins.")
    assert result.problems == []
    assert result.entries == [
        {
            "when": "2024-03-05T14:02:00+00:00",
            "zone": "UTC",
            "milestone": "start",
            "share": None,
            "text": "Deploy 4521 of checkout-api begins.",
            "lineno": 1,
            "precision": "minute",
            "approximate": False,
        }
    ]


def test_time_only_takes_previous_entry_date():
    result = parse(
        "2024-03-05 23:40 late",
        "23:55 later",
        "2024-03-06 00:10 next day",
        "00:20 same next day",
        "00:20:45 with seconds",
    )
    assert result.problems == []
    assert whens(result) == [
        "2024-03-05T23:40:00+00:00",
        "2024-03-05T23:55:00+00:00",
        "2024-03-06T00:10:00+00:00",
        "2024-03-06T00:20:00+00:00",
        "2024-03-06T00:20:45+00:00",
    ]


def test_time_only_after_midnight_is_earlier_than_previous():
    """``HH:MM`` alone takes the previous date, so 00:10 after 23:50 goes back in time."""
    result = parse("2024-03-05 23:50 a", "00:10 b")
    assert whens(result) == ["2024-03-05T23:50:00+00:00"]
    assert [p.lineno for p in result.problems] == [2]
    assert "earlier than the entry before it" in result.problems[0].message


def test_first_time_only_entry_takes_incident_date():
    result = parse("14:02 [start] a", "14:09 b", fallback_date="2024-03-05")
    assert result.problems == []
    assert whens(result) == ["2024-03-05T14:02:00+00:00", "2024-03-05T14:09:00+00:00"]


def test_explicit_date_beats_incident_date():
    result = parse("2024-03-04 22:00 a", "23:00 b", fallback_date="2024-03-05")
    assert whens(result) == ["2024-03-04T22:00:00+00:00", "2024-03-04T23:00:00+00:00"]


def test_first_time_only_entry_without_any_date_is_a_problem():
    result = parse("14:02 a", "2024-03-05 14:05 b")
    assert whens(result) == ["2024-03-05T14:05:00+00:00"]
    assert [p.lineno for p in result.problems] == [1]
    assert "has no date" in result.problems[0].message


def test_previous_entry_from_an_earlier_timeline_dates_time_only_entries():
    previous = entry("2024-03-07T10:00:00+00:00", "start")
    result = parse("10:30 a", previous=previous, fallback_date="2024-03-05")
    assert result.problems == []
    assert whens(result) == ["2024-03-07T10:30:00+00:00"]


def test_previous_entry_from_an_earlier_timeline_must_not_be_gone_back_before():
    previous = entry("2024-03-07T10:00:00+00:00")
    result = parse("09:30 a", "2024-03-07 11:00 b", previous=previous)
    assert whens(result) == ["2024-03-07T11:00:00+00:00"]
    assert [p.lineno for p in result.problems] == [1]
    assert "earlier than the entry before it" in result.problems[0].message


# -- zones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "when", "zone"),
    [
        ("2024-03-05 14:02 UTC a", "2024-03-05T14:02:00+00:00", "UTC"),
        ("2024-03-05 14:02 Z a", "2024-03-05T14:02:00+00:00", "UTC"),
        ("2024-03-05 14:02 +02:00 a", "2024-03-05T14:02:00+02:00", "+02:00"),
        ("2024-03-05 14:02 -03:30 a", "2024-03-05T14:02:00-03:30", "-03:30"),
        ("2024-03-05 14:02 +05:30 a", "2024-03-05T14:02:00+05:30", "+05:30"),
        ("2024-03-05 14:02 Europe/Berlin a", "2024-03-05T14:02:00+01:00", "CET"),
        ("2024-07-05 14:02 Europe/Berlin a", "2024-07-05T14:02:00+02:00", "CEST"),
        ("2024-03-05 14:02 America/New_York a", "2024-03-05T14:02:00-05:00", "EST"),
        ("2024-03-05T14:02Z a", "2024-03-05T14:02:00+00:00", "UTC"),
        ("2024-03-05T14:02+02:00 a", "2024-03-05T14:02:00+02:00", "+02:00"),
    ],
)
def test_zone_after_the_time_overrides_default(text, when, zone):
    result = parse(text, zone="Asia/Tokyo")
    assert result.problems == []
    assert whens(result) == [when]
    assert result.entries[0]["zone"] == zone
    assert result.entries[0]["text"] == "a"


@pytest.mark.parametrize(
    ("default", "when", "zone"),
    [
        ("UTC", "2024-03-05T14:02:00+00:00", "UTC"),
        ("Z", "2024-03-05T14:02:00+00:00", "UTC"),
        ("+02:00", "2024-03-05T14:02:00+02:00", "+02:00"),
        ("-07:00", "2024-03-05T14:02:00-07:00", "-07:00"),
        ("Europe/Berlin", "2024-03-05T14:02:00+01:00", "CET"),
        ("Asia/Kolkata", "2024-03-05T14:02:00+05:30", "IST"),
    ],
)
def test_default_zone(default, when, zone):
    result = parse("2024-03-05 14:02 a", zone=default)
    assert result.problems == []
    assert whens(result) == [when]
    assert result.entries[0]["zone"] == zone


def test_iana_zone_follows_daylight_saving_time():
    # Europe/Berlin switches from CET (+01:00) to CEST (+02:00) on 2024-03-31 at 02:00.
    result = parse(
        "2024-03-31 01:30 [start] before the switch",
        "03:30 [resolve] after the switch",
        zone="Europe/Berlin",
    )
    assert result.problems == []
    assert whens(result) == ["2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00"]
    assert [e["zone"] for e in result.entries] == ["CET", "CEST"]
    # one real hour passed, not two
    assert compute_metrics(result.entries).durations["time_to_resolve"] == 3600


def test_iana_zone_autumn_switch():
    # 2024-10-27 03:00 CEST -> 02:00 CET.
    result = parse("2024-10-26 12:00 a", "2024-10-28 12:00 b", zone="Europe/Berlin")
    assert whens(result) == ["2024-10-26T12:00:00+02:00", "2024-10-28T12:00:00+01:00"]


def test_entries_in_different_zones_are_ordered_by_instant():
    # 14:30 in Berlin (13:30 UTC) is after 13:00 UTC although "14:30" > "13:00" anyway;
    # 15:00 +05:00 (10:00 UTC) is before 13:30 UTC.
    result = parse(
        "2024-03-05 13:00 UTC a",
        "2024-03-05 14:30 Europe/Berlin b",
        "2024-03-05 15:00 +05:00 c",
    )
    assert whens(result) == ["2024-03-05T13:00:00+00:00", "2024-03-05T14:30:00+01:00"]
    assert [p.lineno for p in result.problems] == [3]
    assert "earlier than the entry before it" in result.problems[0].message


def test_time_only_entry_after_zone_change_uses_date_in_its_own_zone():
    # 23:30 UTC on the 5th is already the 6th in Tokyo (+09:00).
    result = parse("2024-03-05 23:30 UTC a", "09:00 Asia/Tokyo b")
    assert result.problems == []
    assert whens(result) == ["2024-03-05T23:30:00+00:00", "2024-03-06T09:00:00+09:00"]


def test_ordinary_text_with_a_slash_is_not_a_zone():
    result = parse("2024-03-05 14:02 EU/US traffic shifted")
    assert result.problems == []
    assert result.entries[0]["text"] == "EU/US traffic shifted"
    assert result.entries[0]["zone"] == "UTC"


@pytest.mark.parametrize("zone", ["Europe/Nowhere", "+25:00", "+02:61"])
def test_unknown_zone_on_an_entry_is_a_problem(zone):
    result = parse(f"2024-03-05 14:02 {zone} a", "2024-03-05 14:05 b")
    assert whens(result) == ["2024-03-05T14:05:00+00:00"]
    assert [p.lineno for p in result.problems] == [1]
    assert "entry skipped" in result.problems[0].message
    assert zone in result.problems[0].message


def test_unusable_default_zone_raises_postmortem_error():
    with pytest.raises(PostmortemError, match="Mars/Olympus"):
        parse_lines(lines("2024-03-05 14:02 a"), "Mars/Olympus")


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("UTC", dt.timedelta(0)),
        ("utc", dt.timedelta(0)),
        ("Z", dt.timedelta(0)),
        ("+02:00", dt.timedelta(hours=2)),
        ("-0330", dt.timedelta(hours=-3, minutes=-30)),
    ],
)
def test_resolve_zone_fixed(name, offset):
    zone = resolve_zone(name)
    assert dt.datetime(2024, 1, 1, tzinfo=zone).utcoffset() == offset


def test_resolve_zone_iana():
    zone = resolve_zone("Europe/Berlin")
    assert dt.datetime(2024, 1, 1, tzinfo=zone).utcoffset() == dt.timedelta(hours=1)
    assert dt.datetime(2024, 7, 1, tzinfo=zone).utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize("name", ["", "Nowhere/City", "+24:00", "../etc/passwd", "/etc/localtime"])
def test_resolve_zone_rejects(name):
    with pytest.raises(ValueError, match="unknown time zone|invalid UTC offset"):
        resolve_zone(name)


def test_zone_label():
    berlin = resolve_zone("Europe/Berlin")
    assert zone_label(dt.timezone.utc, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)) == "UTC"
    assert zone_label(berlin, dt.datetime(2024, 1, 1, tzinfo=berlin)) == "CET"
    assert zone_label(berlin, dt.datetime(2024, 7, 1, tzinfo=berlin)) == "CEST"
    fixed = resolve_zone("-09:30")
    assert zone_label(fixed, dt.datetime(2024, 1, 1, tzinfo=fixed)) == "-09:30"


# -- continuation lines, blank lines ---------------------------------------------------


def test_continuation_lines_join_the_entry():
    result = parse(
        "2024-03-05 14:20 Traffic for EU shifted;",
        "      errors continue because",
        "\tthe bad config is global.",
        "",
        "14:31 next",
    )
    assert result.problems == []
    assert [e["text"] for e in result.entries] == [
        "Traffic for EU shifted;\nerrors continue because\nthe bad config is global.",
        "next",
    ]
    assert [e["lineno"] for e in result.entries] == [1, 5]


def test_blank_lines_are_ignored():
    result = parse("", "2024-03-05 14:02 a", "   ", "", "14:03 b")
    assert result.problems == []
    assert [e["lineno"] for e in result.entries] == [2, 5]


def test_continuation_without_an_entry_is_a_problem():
    result = parse("   dangling text", "2024-03-05 14:02 a")
    assert whens(result) == ["2024-03-05T14:02:00+00:00"]
    assert [p.lineno for p in result.problems] == [1]
    assert "continuation line" in result.problems[0].message


def test_continuation_of_a_skipped_entry_is_skipped_with_it():
    result = parse("2024-03-05 14:02 a", "25:00 bad", "    more of bad", "14:05 c")
    assert [e["text"] for e in result.entries] == ["a", "c"]
    assert [p.lineno for p in result.problems] == [2]


# -- problems ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["garbage", "At 14:02 something", "14h02 deploy", "2024-03-05", "14:02deploy", "- 14:02 x"],
)
def test_unparsable_line(text):
    result = parse(text, "2024-03-05 14:05 ok")
    assert [e["text"] for e in result.entries] == ["ok"]
    assert [p.lineno for p in result.problems] == [1]
    assert result.problems[0].message.startswith("not a timeline entry")


@pytest.mark.parametrize("time", ["24:00", "25:61", "12:60", "12:30:60", "99:99"])
def test_invalid_time(time):
    result = parse(f"2024-03-05 {time} bad", "2024-03-05 14:05 ok")
    assert [e["text"] for e in result.entries] == ["ok"]
    assert [p.lineno for p in result.problems] == [1]
    assert f"invalid time {time!r}" in result.problems[0].message
    assert "entry skipped" in result.problems[0].message


@pytest.mark.parametrize("time", ["24:00", "25:61"])
def test_invalid_time_only(time):
    result = parse("2024-03-05 14:05 ok", f"{time} bad")
    assert [e["text"] for e in result.entries] == ["ok"]
    assert [p.lineno for p in result.problems] == [2]
    assert f"invalid time {time!r}" in result.problems[0].message


@pytest.mark.parametrize("date", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10"])
def test_invalid_date(date):
    result = parse(f"{date} 10:00 bad", "2024-03-05 14:05 ok")
    assert [e["text"] for e in result.entries] == ["ok"]
    assert [p.lineno for p in result.problems] == [1]
    assert f"invalid date {date!r}" in result.problems[0].message


def test_leap_day_is_valid():
    assert whens(parse("2024-02-29 10:00 ok")) == ["2024-02-29T10:00:00+00:00"]


def test_entry_earlier_than_previous_is_skipped_and_does_not_move_the_clock():
    result = parse("2024-03-05 14:00 a", "13:59 b", "14:01 c")
    assert [e["text"] for e in result.entries] == ["a", "c"]
    assert [p.lineno for p in result.problems] == [2]
    assert "earlier than the entry before it" in result.problems[0].message
    assert "entry skipped" in result.problems[0].message


def test_equal_timestamps_are_allowed():
    result = parse("2024-03-05 14:00 a", "14:00 b")
    assert result.problems == []
    assert len(result.entries) == 2


def test_milestones():
    result = parse(
        "2024-03-05 14:02 [start] a",
        "14:09 [detect] b",
        "14:12 [ack] c",
        "14:20 no milestone",
        "14:31 [mitigate] d",
        "15:10 [resolve] e",
    )
    assert result.problems == []
    assert [e["milestone"] for e in result.entries] == [
        "start",
        "detect",
        "ack",
        None,
        "mitigate",
        "resolve",
    ]
    assert [e["text"] for e in result.entries] == ["a", "b", "c", "no milestone", "d", "e"]


def test_milestone_after_a_zone():
    result = parse("2024-03-05 14:02 +01:00 [start] a")
    assert result.entries[0]["milestone"] == "start"
    assert result.entries[0]["when"] == "2024-03-05T14:02:00+01:00"
    assert result.entries[0]["text"] == "a"


def test_milestone_is_case_insensitive():
    result = parse("2024-03-05 14:02 [Start] a", "14:03 [DETECT] b")
    assert result.problems == []
    assert [e["milestone"] for e in result.entries] == ["start", "detect"]


def test_bracket_later_in_the_text_is_not_a_milestone():
    result = parse("2024-03-05 14:02 deploy [start] again")
    assert result.problems == []
    assert result.entries[0]["milestone"] is None
    assert result.entries[0]["text"] == "deploy [start] again"


def test_repeated_milestone():
    result = parse("2024-03-05 14:02 [start] a", "14:05 [start] b")
    assert [e["milestone"] for e in result.entries] == ["start", None]
    assert [e["text"] for e in result.entries] == ["a", "b"]
    assert [p.lineno for p in result.problems] == [2]
    assert "[start] appears more than once" in result.problems[0].message


def test_milestone_already_seen_on_the_page():
    result = parse("2024-03-05 14:02 [detect] a", seen_milestones=["detect"])
    assert result.entries[0]["milestone"] is None
    assert [p.lineno for p in result.problems] == [1]
    assert "[detect] appears more than once" in result.problems[0].message


def test_unknown_milestone():
    result = parse("2024-03-05 14:02 [begin] a")
    assert result.entries[0]["milestone"] is None
    assert result.entries[0]["text"] == "a"
    assert [p.lineno for p in result.problems] == [1]
    message = result.problems[0].message
    assert "unknown milestone [begin]" in message
    for name in ("[start]", "[detect]", "[ack]", "[notify]", "[mitigate]", "[resolve]"):
        assert name in message


# -- recovery steps: [notify], repeated [mitigate] and [resolve], shares -------------


def marked(result) -> list[tuple[str | None, float | None]]:
    return [(e["milestone"], e["share"]) for e in result.entries]


def messages(result) -> list[tuple[int, str]]:
    return [(p.lineno, p.message) for p in result.problems]


def test_notify_is_a_milestone_once_per_page():
    result = parse("2024-03-05 14:02 [start] a", "14:20 [notify] b", "14:30 [notify] c")
    assert marked(result) == [("start", None), ("notify", None), (None, None)]
    assert [p.lineno for p in result.problems] == [3]
    assert "milestone [notify] appears more than once" in result.problems[0].message


@pytest.mark.parametrize(
    ("marker", "share"),
    [
        ("[mitigate 95%]", 95.0),
        ("[resolve 50 %]", 50.0),
        ("[mitigate 95.5%]", 95.5),
        ("[Mitigate 100%]", 100.0),
        ("[mitigate 0.5%]", 0.5),
        ("[resolve  80% ]", 80.0),
    ],
)
def test_recovery_milestone_with_a_share(marker, share):
    result = parse(f"2024-03-05 14:02 {marker} what happened")
    assert result.problems == []
    assert marked(result) == [(marker[1:].split()[0].lower(), share)]
    assert result.entries[0]["text"] == "what happened"


def test_recovery_milestones_may_repeat_with_growing_shares():
    result = parse(
        "2024-03-05 14:02 [start] a",
        "14:31 [mitigate 50%] b",
        "14:40 [mitigate 95%] c",
        "14:45 [mitigate] d",
        "15:00 [resolve 20%] e",
        "15:05 [resolve 20%] f",
        "15:10 [resolve] g",
    )
    assert result.problems == []
    assert marked(result) == [
        ("start", None),
        ("mitigate", 50.0),
        ("mitigate", 95.0),
        ("mitigate", None),
        ("resolve", 20.0),
        ("resolve", 20.0),
        ("resolve", None),
    ]


def test_other_milestones_take_no_share():
    result = parse("2024-03-05 14:02 [start 50%] a", "14:09 [detect 10 %] b")
    assert marked(result) == [("start", None), ("detect", None)]
    assert messages(result) == [
        (1, "[start] takes no share (only [mitigate] and [resolve] do); '50%' ignored"),
        (2, "[detect] takes no share (only [mitigate] and [resolve] do); '10 %' ignored"),
    ]


@pytest.mark.parametrize(
    "share", ["140%", "0%", "x%", "%", "100.5%", "1000%", "95", "all", "-5%", "1e2%"]
)
def test_share_that_is_not_a_percentage_is_dropped_and_the_entry_kept(share):
    result = parse(f"2024-03-05 14:02 [mitigate {share}] Rolled back.")
    assert marked(result) == [("mitigate", None)]
    assert result.entries[0]["text"] == "Rolled back."
    assert messages(result) == [
        (
            1,
            f"share {share!r} of [mitigate] is not a percentage above 0 and at most 100 "
            "(such as [mitigate 95%]); share ignored",
        )
    ]


def test_words_in_brackets_after_the_time_are_text():
    result = parse("2024-03-05 14:02 [see below] The deploy.", "14:03 [a b c] x")
    assert result.problems == []
    assert marked(result) == [(None, None), (None, None)]
    assert result.entries[0]["text"] == "[see below] The deploy."


def test_unknown_milestone_with_a_share_is_reported():
    result = parse("2024-03-05 14:02 [recover 50%] a")
    assert marked(result) == [(None, None)]
    assert "unknown milestone [recover]" in result.problems[0].message


def test_a_share_smaller_than_an_earlier_one_is_reported_and_kept():
    result = parse(
        "2024-03-05 14:02 [mitigate 95%] a",
        "14:10 [mitigate 60%] b",
        "14:20 [resolve 30%] c",  # resolve shares are compared with resolve shares
    )
    assert marked(result) == [("mitigate", 95.0), ("mitigate", 60.0), ("resolve", 30.0)]
    assert messages(result) == [
        (
            2,
            "[mitigate 60%] removes a smaller share of the impact than the earlier "
            "[mitigate 95%]; the shares of recovery steps should grow over time",
        )
    ]


def test_a_share_after_a_full_mitigation_is_reported():
    result = parse("2024-03-05 14:02 [mitigate] a", "14:10 [mitigate 50%] b")
    assert marked(result) == [("mitigate", None), ("mitigate", 50.0)]
    assert [p.lineno for p in result.problems] == [2]
    assert "than the earlier [mitigate];" in result.problems[0].message


@pytest.mark.parametrize("full", ["[resolve]", "[resolve 100%]"])
def test_nothing_comes_after_full_resolution(full):
    result = parse(
        f"2024-03-05 14:02 {full} a",
        "14:10 [mitigate 50%] b",
        "14:20 [resolve] c",
        "14:30 [detect] d",
    )
    assert [e["milestone"] for e in result.entries] == ["resolve", None, None, "detect"]
    assert [e["share"] for e in result.entries[1:]] == [None, None, None]
    after = "comes after full resolution (the [resolve] at 2024-03-05T14:02:00+00:00); "
    assert messages(result) == [
        (2, f"[mitigate] {after}this one is ignored"),
        (3, f"[resolve] {after}this one is ignored"),
    ]


def test_a_step_whose_share_is_dropped_is_not_compared_with_later_ones():
    result = parse("2024-03-05 14:02 [mitigate 140%] a", "14:10 [mitigate 50%] b")
    assert marked(result) == [("mitigate", None), ("mitigate", 50.0)]
    assert [p.lineno for p in result.problems] == [1]


def test_shares_are_checked_against_earlier_timelines_of_the_page():
    earlier = [
        entry("2024-03-05T14:02:00+00:00", "start"),
        entry("2024-03-05T14:30:00+00:00", "mitigate", share=90.0),
    ]
    result = parse(
        "14:40 [mitigate 80%] a",
        previous=earlier[-1],
        seen_milestones=["start", "mitigate"],
        earlier_steps=earlier,
    )
    assert marked(result) == [("mitigate", 80.0)]
    assert "than the earlier [mitigate 90%]" in result.problems[0].message
    resolved = [*earlier, entry("2024-03-05T14:50:00+00:00", "resolve")]
    result = parse("15:00 [resolve 50%] a", previous=resolved[-1], earlier_steps=resolved)
    assert marked(result) == [(None, None)]
    assert "comes after full resolution" in result.problems[0].message


# -- metrics -------------------------------------------------------------------------------


def timeline(**milestones: str) -> list[dict]:
    """Entries at the given UTC ``HH:MM`` on 2024-03-05, in time order."""
    items = sorted(milestones.items(), key=lambda kv: kv[1])
    return [entry(f"2024-03-05T{t}:00+00:00", name, n) for n, (name, t) in enumerate(items, 10)]


def test_metrics_formulas():
    metrics = compute_metrics(
        timeline(start="14:02", detect="14:09", ack="14:12", mitigate="14:31", resolve="15:10")
    )
    assert metrics.problems == []
    assert metrics.impact_start == "2024-03-05T14:02:00+00:00"
    assert metrics.durations == {
        "time_to_detect": 7 * 60,
        "time_to_acknowledge": 3 * 60,
        "time_to_mitigate": 29 * 60,
        "time_to_resolve": 68 * 60,
    }
    assert metrics.impact_duration == 68 * 60  # resolve - start


def test_impact_duration_falls_back_to_mitigate():
    metrics = compute_metrics(timeline(start="14:00", detect="14:10", mitigate="14:45"))
    assert metrics.impact_duration == 45 * 60
    assert "time_to_resolve" not in metrics.durations
    assert metrics.durations["time_to_mitigate"] == 45 * 60


def test_no_start_no_start_based_metrics():
    metrics = compute_metrics(timeline(detect="14:10", ack="14:15", resolve="15:00"))
    assert metrics.impact_start is None
    assert metrics.impact_duration is None
    assert metrics.durations == {"time_to_acknowledge": 5 * 60}
    assert metrics.problems == []


def test_no_milestones():
    metrics = compute_metrics([entry("2024-03-05T14:00:00+00:00")])
    assert metrics == Metrics()


def test_metrics_across_zones_and_days():
    entries = [
        entry("2024-03-05T23:50:00+00:00", "start"),
        entry("2024-03-06T01:05:00+01:00", "detect"),  # 00:05 UTC
        entry("2024-03-07T00:50:00+00:00", "resolve"),
    ]
    metrics = compute_metrics(entries)
    assert metrics.durations["time_to_detect"] == 15 * 60
    assert metrics.durations["time_to_resolve"] == 25 * 3600
    assert metrics.impact_duration == 25 * 3600


def test_negative_metric_is_left_out_and_reported():
    # [detect] before [start]: time to detect would be negative.
    entries = [
        entry("2024-03-05T14:00:00+00:00", "detect", 11),
        entry("2024-03-05T14:05:00+00:00", "start", 12),
        entry("2024-03-05T14:10:00+00:00", "ack", 13),
        entry("2024-03-05T14:30:00+00:00", "resolve", 14),
    ]
    metrics = compute_metrics(entries)
    assert "time_to_detect" not in metrics.durations
    assert metrics.durations["time_to_acknowledge"] == 10 * 60
    assert metrics.durations["time_to_resolve"] == 25 * 60
    assert metrics.impact_duration == 25 * 60
    assert [(p.lineno, p.message) for p in metrics.problems] == [
        (11, "[detect] comes before [start]; time to detect left out")
    ]


def test_negative_impact_duration_is_left_out():
    entries = [
        entry("2024-03-05T13:00:00+00:00", "mitigate", 21),
        entry("2024-03-05T14:00:00+00:00", "start", 22),
    ]
    metrics = compute_metrics(entries)
    assert metrics.durations == {}
    assert metrics.impact_duration is None
    assert [p.lineno for p in metrics.problems] == [21]
    assert "time to mitigate left out" in metrics.problems[0].message


def test_negative_resolve_falls_back_to_mitigate_for_impact():
    entries = [
        entry("2024-03-05T13:00:00+00:00", "resolve", 31),
        entry("2024-03-05T14:00:00+00:00", "start", 32),
        entry("2024-03-05T14:30:00+00:00", "mitigate", 33),
    ]
    metrics = compute_metrics(entries)
    assert "time_to_resolve" not in metrics.durations
    assert metrics.impact_duration == 30 * 60
    assert [p.lineno for p in metrics.problems] == [31]


def test_metrics_from_parsed_timeline():
    result = parse(
        "2024-03-05 14:02 [start] a",
        "14:09 [detect] b",
        "14:12 [ack] c",
        "14:31 [mitigate] d",
        "15:10 [resolve] e",
    )
    metrics = compute_metrics(result.entries)
    assert metrics.impact_duration == 68 * 60
    assert format_duration(metrics.impact_duration) == "1h08m"
    assert format_offset(result.entries[1]["when"], metrics.impact_start) == "T+7m"


# -- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (60, "1m"),
        (7 * 60, "7m"),
        (7 * 60 + 30, "7m30s"),
        (7 * 60 + 5, "7m05s"),
        (3600, "1h00m"),
        (68 * 60, "1h08m"),
        (68 * 60 + 59, "1h08m59s"),
        (10 * 3600 + 35 * 60, "10h35m"),
        (86400, "1d00h00m"),
        (86400 + 11 * 60, "1d00h11m"),
        (2 * 86400 + 3 * 3600, "2d03h00m"),
        (2 * 86400 + 3 * 3600 + 59 * 60, "2d03h59m"),
        (2 * 86400 + 5, "2d00h00m05s"),
        (-7 * 60, "7m"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        ("2024-03-05T14:02:00+00:00", "T0"),
        ("2024-03-05T14:09:00+00:00", "T+7m"),
        ("2024-03-05T15:10:00+00:00", "T+1h08m"),
        ("2024-03-05T14:02:30+00:00", "T+30s"),
        ("2024-03-05T14:00:00+00:00", "T\N{MINUS SIGN}2m"),
        ("2024-03-05T15:09:00+01:00", "T+7m"),  # same instant as 14:09 UTC
        ("2024-03-07T15:02:00+00:00", "T+2d01h00m"),
    ],
)
def test_format_offset(moment, text):
    assert format_offset(moment, "2024-03-05T14:02:00+00:00") == text


def test_format_offset_without_start_is_empty():
    assert format_offset("2024-03-05T14:02:00+00:00", None) == ""


# -- zone abbreviations ----------------------------------------------------------------


def test_zone_abbreviation_after_the_time_is_reported_with_the_zones_it_could_mean():
    result = parse("2024-03-05 14:00 CET [start] Deploy starts.")
    assert whens(result) == ["2024-03-05T14:00:00+00:00"]  # still the timeline's zone
    assert result.entries[0]["milestone"] is None  # "CET" stands where the milestone would
    assert result.entries[0]["text"] == "CET [start] Deploy starts."
    [problem] = result.problems
    assert problem.lineno == 1
    assert "'CET' after the time is not read as a zone" in problem.message
    assert "Europe/Berlin" in problem.message and "Europe/Paris" in problem.message
    assert "read in UTC, as 14:00 UTC" in problem.message


@pytest.mark.parametrize(
    ("word", "zones"),
    [
        ("PST", ["America/Los_Angeles", "Asia/Manila"]),
        ("IST", ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
        ("BST", ["Europe/London", "Asia/Dhaka"]),
        ("EDT", ["America/New_York"]),
        ("CEST", ["Europe/Berlin"]),
    ],
)
def test_common_zone_abbreviations_name_their_iana_zones(word, zones):
    [problem] = parse(f"2024-03-05 14:00 {word} x").problems
    assert all(zone in problem.message for zone in zones)


def test_abbreviation_that_is_the_entry_zone_label_confirms_it():
    result = parse("2024-03-05 14:00 CET a", "2024-07-05 14:00 CEST b", zone="Europe/Berlin")
    assert result.problems == []
    assert [e["text"] for e in result.entries] == ["a", "b"]
    # the same words in the other season contradict the zone
    result = parse("2024-07-05 14:00 CET a", zone="Europe/Berlin")
    assert "read in Europe/Berlin, as 14:00 CEST" in result.problems[0].message


def test_capitalised_words_that_are_not_zone_abbreviations_are_description():
    result = parse("2024-03-05 14:00 DNS fails.", "14:05 API errors.")
    assert result.problems == []
    assert [e["text"] for e in result.entries] == ["DNS fails.", "API errors."]


# -- an unusable incident date -----------------------------------------------------------


def test_unusable_incident_date_skips_undated_entries_without_a_problem():
    result = parse("14:02 a", "14:09 b", "2024-03-05 14:20 c", "14:30 d", fallback_date="")
    assert result.problems == []
    assert [e["text"] for e in result.entries] == ["c", "d"]


# -- approximate and date-only entries ---------------------------------------------------


def test_approximate_times():
    result = parse("~2021-10-28 13:37 [start] a", "~16:00 b", "16:05 c", "~ 16:10 d")
    assert result.problems == []
    assert whens(result) == [
        "2021-10-28T13:37:00+00:00",
        "2021-10-28T16:00:00+00:00",
        "2021-10-28T16:05:00+00:00",
        "2021-10-28T16:10:00+00:00",
    ]
    assert [e["approximate"] for e in result.entries] == [True, True, False, True]
    assert [e["milestone"] for e in result.entries] == ["start", None, None, None]


def test_date_only_entries():
    result = parse(
        "2021-05-12 The release with the bug starts rolling out.",
        "2021-06-08 09:30 [start] First errors.",
        "2021-06-08 Later that day: the rollout is paused.",
        "10:00 [detect] Alert.",
    )
    assert result.problems == []
    assert whens(result) == [
        "2021-05-12T00:00:00+00:00",
        "2021-06-08T09:30:00+00:00",
        "2021-06-08T00:00:00+00:00",  # the day; not earlier than the 09:30 entry of that day
        "2021-06-08T10:00:00+00:00",
    ]
    assert [e["precision"] for e in result.entries] == ["day", "minute", "day", "minute"]
    assert result.entries[0]["text"] == "The release with the bug starts rolling out."


def test_date_only_entry_before_the_previous_day_is_skipped():
    result = parse("2021-06-08 09:30 a", "2021-06-07 b")
    assert [p.lineno for p in result.problems] == [2]
    assert "earlier than the entry before it" in result.problems[0].message


def test_precision_follows_what_was_written():
    result = parse("2024-03-05 14:02 a", "14:02:30 b", "2024-03-06 c")
    assert [e["precision"] for e in result.entries] == ["minute", "second", "day"]


@pytest.mark.parametrize(
    ("moment", "start", "text"),
    [
        (
            {"when": "2021-05-12T00:00:00+00:00", "precision": "day"},
            {"when": "2021-06-08T09:30:00+00:00", "precision": "minute"},
            "T\N{MINUS SIGN}27d",
        ),
        (
            {"when": "2021-06-08T00:00:00+00:00", "precision": "day"},
            {"when": "2021-06-08T09:30:00+00:00"},
            "T0d",
        ),
        (
            {"when": "2021-06-10T23:30:00+00:00"},
            {"when": "2021-06-08T00:00:00+00:00", "precision": "day"},
            "T+2d",
        ),
        (
            {"when": "2021-06-08T16:00:00+00:00", "approximate": True},
            {"when": "2021-06-08T09:30:00+00:00"},
            "\N{ALMOST EQUAL TO}T+6h30m",
        ),
        (
            {"when": "2021-06-08T09:45:00+00:00"},
            {"when": "2021-06-08T09:30:00+00:00", "approximate": True},
            "\N{ALMOST EQUAL TO}T+15m",
        ),
        (
            {"when": "2021-06-08T09:30:00+00:00", "approximate": True},
            {"when": "2021-06-08T09:30:00+00:00", "approximate": True},
            "\N{ALMOST EQUAL TO}T0",
        ),
    ],
)
def test_offsets_at_the_precision_the_entries_have(moment, start, text):
    assert format_offset(moment, start) == text


def test_metrics_from_approximate_and_date_only_milestones():
    result = parse(
        "2021-05-12 [start] Rollout begins.",
        "2021-06-08 09:30 [detect] A customer reports it.",
        "~10:00 [ack] Someone picks it up.",
        "11:00 [resolve] Fixed.",
    )
    metrics = compute_metrics(result.entries)
    assert metrics.durations["time_to_detect"] == 27 * 86400
    assert metrics.precision["time_to_detect"] == "day"
    assert metrics.approximate == {"time_to_acknowledge"}
    assert format_metric(metrics, "time_to_detect") == "27d"
    assert format_metric(metrics, "time_to_acknowledge") == "\N{ALMOST EQUAL TO}30m"
    assert format_metric(metrics, "impact_duration") == "27d"
    assert metrics.start is not None and metrics.start["precision"] == "day"


def test_approximate_start_makes_its_metrics_approximate():
    result = parse(
        "2024-03-05 13:00 x", "~2024-03-05 14:00 [start] a", "14:09 [detect] b", "15:10 [resolve] c"
    )
    metrics = compute_metrics(result.entries)
    assert metrics.approximate == {"time_to_detect", "time_to_resolve", "impact_duration"}
    assert format_metric(metrics, "impact_duration") == "\N{ALMOST EQUAL TO}1h10m"


def test_format_duration_at_day_precision():
    assert format_duration(27 * 86400, "day") == "27d"
    assert format_duration(-2 * 86400, "day") == "2d"


# -- daylight saving time ------------------------------------------------------------------


def test_time_skipped_by_daylight_saving_time_is_reported_with_the_reading_used():
    result = parse("2024-03-31 01:50 [start] a", "02:30 b", "03:40 c", zone="Europe/Berlin")
    assert whens(result) == [
        "2024-03-31T01:50:00+01:00",
        "2024-03-31T03:30:00+02:00",  # 02:30 with the winter offset: 01:30 UTC
        "2024-03-31T03:40:00+02:00",
    ]
    [problem] = result.problems
    assert problem.lineno == 2
    assert "2024-03-31 02:30 does not exist in Europe/Berlin" in problem.message
    assert "read as 03:30 CEST (01:30 UTC)" in problem.message
    assert [format_offset(e["when"], result.entries[0]["when"]) for e in result.entries] == [
        "T0",
        "T+40m",
        "T+50m",
    ]


def test_ambiguous_time_in_the_autumn_overlap_is_reported_with_the_reading_used():
    result = parse("2024-10-27 02:30 a", zone="Europe/Berlin")
    assert whens(result) == ["2024-10-27T02:30:00+02:00"]
    [problem] = result.problems
    assert "2024-10-27 02:30 happens twice in Europe/Berlin" in problem.message
    assert "read as the first one, 02:30 CEST (00:30 UTC)" in problem.message
    assert "write 02:30+01:00 for the other" in problem.message


def test_ambiguous_time_after_the_first_reading_takes_the_second():
    # 02:50 CEST (00:50 UTC), then 02:10: the first 02:10 (00:10 UTC) would go back in time
    result = parse("2024-10-27 02:50 a", "02:10 b", zone="Europe/Berlin")
    assert whens(result) == ["2024-10-27T02:50:00+02:00", "2024-10-27T02:10:00+01:00"]
    assert [e["zone"] for e in result.entries] == ["CEST", "CET"]
    assert [p.lineno for p in result.problems] == [1, 2]
    assert "read as the second one, 02:10 CET (01:10 UTC)" in result.problems[1].message


def test_explicit_offset_or_fixed_zone_is_never_ambiguous():
    result = parse("2024-10-27 02:30+01:00 a", "2024-10-27 02:40 UTC b", zone="Europe/Berlin")
    assert result.problems == []


# -- fractional seconds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("2024-03-05T14:02:11.123Z x", "2024-03-05T14:02:11.123000+00:00"),
        ("2024-03-05T14:02:11,5+01:00 x", "2024-03-05T14:02:11.500000+01:00"),
        ("2024-03-05 14:02:11.123456789 x", "2024-03-05T14:02:11.123456+00:00"),
    ],
)
def test_fractional_seconds_as_copied_from_logs(text, when):
    result = parse(text)
    assert result.problems == []
    assert whens(result) == [when]
    assert result.entries[0]["precision"] == "second"


# -- metrics of recovery steps and notification -----------------------------------------


def test_time_to_notify_is_measured_from_impact_start():
    metrics = compute_metrics(timeline(start="14:02", detect="14:09", notify="14:20"))
    assert metrics.durations["time_to_notify"] == 18 * 60
    assert metrics.problems == []


def recovery_timeline(*steps: tuple[str, str, float | None]) -> list[dict]:
    """A start at 14:00 on 2024-03-05, then ``(HH:MM, milestone, share)`` steps."""
    entries = [entry("2024-03-05T14:00:00+00:00", "start", 10)]
    for lineno, (time, milestone, share) in enumerate(steps, 11):
        entries.append(entry(f"2024-03-05T{time}:00+00:00", milestone, lineno, share))
    return entries


def test_first_mitigate_and_last_resolve_are_measured():
    metrics = compute_metrics(
        recovery_timeline(
            ("14:49", "mitigate", 95.0),
            ("15:10", "mitigate", None),
            ("15:30", "resolve", 50.0),
            ("16:57", "resolve", None),
        )
    )
    assert metrics.durations == {"time_to_mitigate": 49 * 60, "time_to_resolve": 177 * 60}
    assert metrics.impact_duration == 177 * 60


def test_recovery_steps_in_order_with_their_offsets():
    metrics = compute_metrics(
        [
            *recovery_timeline(("14:49", "mitigate", 95.0), ("16:57", "resolve", None)),
            {**entry("2024-03-05T17:00:00+00:00", None, 20), "approximate": True},
        ]
    )
    assert metrics.recovery == [
        RecoveryStep("mitigate", 95.0, 49 * 60, "second", False, "2024-03-05T14:49:00+00:00", 11),
        RecoveryStep("resolve", None, 177 * 60, "second", False, "2024-03-05T16:57:00+00:00", 12),
    ]
    assert [step_offset(step) for step in metrics.recovery] == ["T+49m", "T+2h57m"]


def test_recovery_steps_keep_the_precision_of_their_entries():
    entries = [
        entry("2022-04-05T07:38:00+00:00", "start"),
        {**entry("2022-04-08T00:00:00+00:00", "resolve", 2, 10.0), "precision": "day"},
        {**entry("2022-04-18T09:00:00+00:00", "resolve", 3), "approximate": True},
    ]
    steps = compute_metrics(entries).recovery
    assert [(s.seconds, s.precision, s.approximate) for s in steps] == [
        (3 * 86400, "day", False),
        (13 * 86400 + 82 * 60, "second", True),
    ]
    assert [step_offset(step) for step in steps] == ["T+3d", "\N{ALMOST EQUAL TO}T+13d01h22m"]


def test_recovery_steps_need_an_impact_start_and_do_not_precede_it():
    assert compute_metrics(recovery_timeline()[1:]).recovery == []
    early = entry("2024-03-05T13:00:00+00:00", "mitigate", 5, 50.0)
    metrics = compute_metrics([early, *recovery_timeline(("14:30", "mitigate", 90.0))])
    assert [step.share for step in metrics.recovery] == [90.0]
    assert [p.lineno for p in metrics.problems] == [5]  # the first [mitigate] is before [start]


def test_resolve_order_problem_names_the_last_resolve():
    entries = [
        entry("2024-03-05T13:00:00+00:00", "resolve", 3, 50.0),
        entry("2024-03-05T13:30:00+00:00", "resolve", 4),
        entry("2024-03-05T14:00:00+00:00", "start", 5),
    ]
    metrics = compute_metrics(entries)
    assert [(p.lineno, p.message) for p in metrics.problems] == [
        (4, "[resolve] comes before [start]; time to resolve left out")
    ]
    assert metrics.recovery == []


@pytest.mark.parametrize(
    ("steps", "partial"),
    [
        ([], False),
        ([("14:30", "mitigate", None), ("15:00", "resolve", None)], False),
        ([("14:30", "mitigate", None), ("15:00", "resolve", 100.0)], False),
        ([("14:30", "mitigate", 95.0), ("15:00", "resolve", None)], True),
        ([("14:30", "resolve", 40.0)], True),
        ([("14:30", "mitigate", None), ("14:40", "mitigate", None)], True),
    ],
)
def test_is_partial_recovery(steps, partial):
    assert is_partial_recovery(compute_metrics(recovery_timeline(*steps)).recovery) is partial
