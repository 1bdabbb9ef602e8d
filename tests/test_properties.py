"""Property-based tests (Hypothesis) of the parsers that read what authors write.

For arbitrary input -- any Unicode text, arbitrary bytes, arbitrary JSON-like
structures, and strategies that produce *nearly* valid input -- each parser
either returns data or raises our own :class:`PostmortemError` (which callers
turn into a ``postmortem.*`` warning); ``resolve_zone`` raises ``ValueError``
as documented. Any other exception is a bug: in a build it is a traceback.

Where a parser returns data, the data keeps its promises: timeline entries
come in non-decreasing time order, every line is either an entry or a
problem, filters only hold allowed values, imported links are http(s) or
relative.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from sphinx_postmortem.checks.blame_language import Rule, compile_rules, find_blame
from sphinx_postmortem.checks.blame_vocabulary import DEFAULT_ALLOW, DEFAULT_RULES
from sphinx_postmortem.directives.options import choice, choices, comma_list, iso_date, positive_int
from sphinx_postmortem.directives.timeline_parser import parse_lines
from sphinx_postmortem.errors import PostmortemError
from sphinx_postmortem.exchange.sources import parse_mapping
from sphinx_postmortem.exchange.validation import safe_link, validate_payload
from sphinx_postmortem.model import (
    ACTION_STATUSES,
    FACTOR_KINDS,
    LESSON_KINDS,
    MILESTONES,
    RECOVERY_MILESTONES,
)
from sphinx_postmortem.selection.specs import (
    ACTION_SORT_KEYS,
    FACTOR_GROUPS,
    LESSON_GROUPS,
    PERIODS,
    SPECS,
    incident_columns,
    incident_sort_keys,
    parse_spec,
)
from sphinx_postmortem.settings import settings as settings_of
from sphinx_postmortem.times import compute_metrics, resolve_zone

# No example database: runs are reproducible from the seed and leave nothing behind.
PROPERTY = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- strategies ----------------------------------------------------------------------------

#: Zones as authors write them, valid or not.
ZONE_WORDS = ("UTC", "utc", "Z", "GMT", "+02:00", "-05:30", "+0530", "+23:59", "-23:59", "+24:00",
              "+25:00", "-99:99", "Europe/Berlin", "America/Argentina/Buenos_Aires",
              "Asia/Kolkata", "Europe/Nowhere", "Mars/Olympus", "Etc/GMT+12", "EU/US", "../etc",
              "/etc/passwd", "Europe/../../etc/passwd", "", " ", "localtime", "Factory")
zone_text = st.one_of(st.sampled_from(ZONE_WORDS), st.text(max_size=25))


def _iso(date: dt.date) -> str:
    return date.isoformat()


#: Dates a timeline can hold without going near the ends of the calendar.
ordinary_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
#: Dates at the very ends of what ``datetime`` can represent.
edge_dates = st.sampled_from([dt.date(1, 1, 1), dt.date(1, 1, 2), dt.date(9999, 12, 30),
                              dt.date(9999, 12, 31)])
BAD_DATES = ("2024-02-30", "2024-13-01", "0000-01-01", "2024-1-5", "2024-00-10", "2023-02-29")


def timeline_line(dates: st.SearchStrategy[dt.date]) -> st.SearchStrategy[str]:
    """A line that is, or nearly is, a timeline entry."""
    date = st.one_of(st.none(), dates.map(_iso), st.sampled_from(BAD_DATES))
    time = st.one_of(
        st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 99), st.integers(0, 99)),
        st.builds(lambda h, m, s: f"{h}:{m}:{s}", st.integers(0, 99), st.integers(0, 99),
                  st.integers(0, 99)),
        st.sampled_from(["24:00", "24:30", "25:61", "23:59:59", "00:00", "9:5", "12:60"]),
    )
    separator = st.sampled_from([" ", "T", "  ", "\t"])
    zone = st.one_of(st.just(""), st.sampled_from(ZONE_WORDS).map(lambda z: " " + z),
                     st.sampled_from(["Z", "+01:00", "-0800", "+25:00"]))
    milestone = st.sampled_from(["", " [start]", " [detect]", " [ack]", " [mitigate]",
                                 " [resolve]", " [START]", " [boom]", " []", " [start",
                                 " [<script>]", " [notify]", " [mitigate 95%]", " [resolve 50 %]",
                                 " [mitigate 99.5%]", " [mitigate 140%]", " [mitigate 0%]",
                                 " [resolve x%]", " [start 50%]", " [resolve 100%]",
                                 " [see below]", " [mitigate 1e2%]"])
    text = st.one_of(st.just(""), st.text(max_size=30).map(lambda t: " " + t))

    def build(d, sep, t, z, m, txt):
        return (f"{d}{sep}" if d else "") + t + z + m + txt

    return st.builds(build, date, separator, time, zone, milestone, text)


def timeline_lines(dates: st.SearchStrategy[dt.date]) -> st.SearchStrategy[list[tuple[int, str]]]:
    one = st.one_of(
        timeline_line(dates),
        timeline_line(dates).map(lambda line: "   " + line),  # a continuation
        st.text(max_size=40),
        st.just(""),
    )
    return st.lists(one, max_size=25).map(lambda texts: list(enumerate(texts, 1)))


def previous_entry(dates: st.SearchStrategy[dt.date]) -> st.SearchStrategy[dict | None]:
    offsets = st.sampled_from([0, 330, -23 * 60 - 59, 23 * 60 + 59, -480])
    moment = st.builds(
        lambda d, h, m, off: dt.datetime(d.year, d.month, d.day, h, m, tzinfo=dt.timezone(
            dt.timedelta(minutes=off))),
        dates, st.integers(0, 23), st.integers(0, 59), offsets)
    entry = moment.map(lambda when: {"when": when.isoformat(), "zone": "UTC",
                                     "milestone": None, "text": "", "lineno": 0})
    return st.one_of(st.none(), entry)


def check_timeline_result(lines, default_zone, previous, fallback_date, seen) -> None:
    """Run the parser and check what it promises; fail on any exception but ours."""
    try:
        zone_ok = resolve_zone(default_zone) is not None
    except ValueError:
        zone_ok = False
    try:
        result = parse_lines(lines, default_zone, previous=previous,
                             fallback_date=fallback_date, seen_milestones=seen)
    except PostmortemError:
        assert not zone_ok, "PostmortemError although the default zone is usable"
        return
    assert zone_ok, "an unusable default zone must raise PostmortemError"
    linenos = {n for n, _text in lines}
    last = dt.datetime.fromisoformat(previous["when"]) if previous else None
    used: set[str] = set(seen)
    fully_resolved = False
    for entry in result.entries:
        moment = dt.datetime.fromisoformat(entry["when"])
        assert moment.tzinfo is not None
        if last is not None and entry["precision"] == "day":
            # a date alone is not before the entry before it if it is not before its day
            assert moment.date() >= last.astimezone(moment.tzinfo).date(), "days out of order"
        elif last is not None:
            assert moment >= last, "entries must be in non-decreasing time order"
        last = moment
        assert entry["lineno"] in linenos
        assert entry["zone"]
        if entry["milestone"] in RECOVERY_MILESTONES:
            assert not fully_resolved, "nothing comes after the full [resolve]"
            share = entry["share"]
            assert share is None or 0 < share <= 100
            # a [resolve] whose share was dropped (a problem on its line) is not taken as full
            fully_resolved = (entry["milestone"] == "resolve" and share in (None, 100)
                              and entry["lineno"] not in {p.lineno for p in result.problems})
        elif entry["milestone"] is not None:
            assert entry["milestone"] in MILESTONES and entry["milestone"] not in used
            assert entry["share"] is None
            used.add(entry["milestone"])
        else:
            assert entry["share"] is None
    for problem in result.problems:
        assert problem.lineno in linenos and isinstance(problem.message, str) and problem.message
    # nothing is lost silently: every line that starts an entry is an entry or a problem
    reported = {e["lineno"] for e in result.entries} | {p.lineno for p in result.problems}
    for lineno, text in lines:
        if text.strip() and not text[0].isspace():
            assert lineno in reported, f"line {lineno} {text!r} vanished"
    metrics = compute_metrics(result.entries)
    assert all(isinstance(v, int) and v >= 0 for v in metrics.durations.values())
    assert metrics.impact_duration is None or metrics.impact_duration >= 0


# -- the timeline parser -----------------------------------------------------------------


@PROPERTY
@given(lines=st.lists(st.text(), max_size=20).map(lambda t: list(enumerate(t, 1))),
       default_zone=zone_text)
def test_timeline_any_text(lines, default_zone):
    check_timeline_result(lines, default_zone, None, None, [])


@PROPERTY
@given(lines=timeline_lines(ordinary_dates), default_zone=zone_text,
       previous=previous_entry(ordinary_dates),
       fallback_date=st.one_of(st.none(), ordinary_dates.map(_iso)),
       seen=st.lists(st.sampled_from(MILESTONES), max_size=3))
def test_timeline_near_valid_lines(lines, default_zone, previous, fallback_date, seen):
    check_timeline_result(lines, default_zone, previous, fallback_date, seen)


@PROPERTY
@given(lines=timeline_lines(edge_dates), default_zone=zone_text,
       previous=previous_entry(edge_dates),
       fallback_date=st.one_of(st.none(), edge_dates.map(_iso)),
       seen=st.lists(st.sampled_from(MILESTONES), max_size=3))
@example(lines=[(1, "9999-12-31 23:59 -23:59 [start] far west"), (2, "23:59 +23:59 east")],
         default_zone="UTC", previous=None, fallback_date=None, seen=[])
def test_timeline_near_valid_lines_at_the_ends_of_the_calendar(lines, default_zone, previous,
                                                                fallback_date, seen):
    check_timeline_result(lines, default_zone, previous, fallback_date, seen)


@PROPERTY
@given(entries=st.lists(st.fixed_dictionaries({
    "when": st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
                         timezones=st.sampled_from([dt.timezone.utc,
                                                    dt.timezone(dt.timedelta(hours=-23)),
                                                    dt.timezone(dt.timedelta(hours=23))]))
    .map(lambda d: d.isoformat()),
    "zone": st.just("UTC"),
    "milestone": st.one_of(st.none(), st.sampled_from(MILESTONES)),
    "share": st.one_of(st.none(), st.floats(0.5, 100)),
    "text": st.text(max_size=5),
    "lineno": st.integers(1, 100),
}), max_size=12))
def test_compute_metrics_any_order(entries):
    metrics = compute_metrics(entries)
    assert all(isinstance(v, int) and v >= 0 for v in metrics.durations.values())
    for problem in metrics.problems:
        assert problem.lineno in {e["lineno"] for e in entries}
    starts = [e for e in entries if e["milestone"] == "start"]
    if starts:
        assert dt.datetime.fromisoformat(metrics.impact_start) == dt.datetime.fromisoformat(
            starts[0]["when"])
    else:
        assert metrics.impact_start is None
        assert metrics.recovery == []
    for step in metrics.recovery:
        assert step.milestone in RECOVERY_MILESTONES and step.seconds >= 0


@PROPERTY
@given(name=zone_text)
@example(name="x" * 5000)
@example(name="Europe/" + "a" * 300)
@example(name="\x00")
@example(name="\ud800")
@example(name="Europe")
def test_resolve_zone_returns_a_zone_or_raises_value_error(name):
    try:
        zone = resolve_zone(name)
    except ValueError:
        return
    offset = dt.datetime(2024, 3, 5, 12, tzinfo=zone).utcoffset()
    assert offset is not None and abs(offset) < dt.timedelta(hours=24)


# -- option parsers --------------------------------------------------------------------------


@PROPERTY
@given(value=st.one_of(st.none(), st.text(), st.lists(st.text(), max_size=6).map(",".join)))
def test_comma_list(value):
    items = comma_list(value)
    assert len(items) == len(set(items))
    for item in items:
        assert item and item == item.strip() and "," not in item and "  " not in item


allowed_lists = st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=6)


@PROPERTY
@given(value=st.text(), allowed=allowed_lists, what=st.text(max_size=10))
def test_choice(value, allowed, what):
    try:
        result = choice(value, allowed, what)
    except PostmortemError as exc:
        assert str(exc)
        return
    assert result in allowed


@PROPERTY
@given(allowed=allowed_lists, data=st.data())
def test_choice_round_trip(allowed, data):
    wanted = data.draw(st.sampled_from(allowed))
    assume(wanted == wanted.strip() and wanted)
    spelled = data.draw(st.sampled_from([wanted, wanted.upper(), wanted.lower(),
                                         f"  {wanted}\t"]))
    assume(spelled.strip().casefold() == wanted.casefold())
    assert choice(spelled, allowed, "x").casefold() == wanted.casefold()


@PROPERTY
@given(value=st.one_of(st.none(), st.text(), st.lists(st.text(max_size=8), max_size=6)
                       .map(", ".join)),
       allowed=allowed_lists, what=st.text(max_size=10))
def test_choices(value, allowed, what):
    known, problems = choices(value, allowed, what)
    assert all(k in allowed for k in known)
    assert all(isinstance(p, str) and p for p in problems)
    # each item is known or a problem; the same choice written twice ("Outage, outage") once
    assert len(set(known)) == len(known)
    items = comma_list(value)
    assert len(problems) == sum(1 for i in items if i.strip().casefold() not in
                                {a.casefold() for a in allowed})
    assert len(known) + len(problems) <= len(items)


def parsed_or_none(parse: Any, value: str) -> Any:
    """What ``parse(value, "x")`` makes of ``value``; None where it refuses it.

    Refusing is raising :class:`PostmortemError`; the parsers never return None.
    """
    try:
        return parse(value, "x")
    except PostmortemError:
        return None


@PROPERTY
@given(value=st.one_of(st.text(), ordinary_dates.map(_iso), st.sampled_from(BAD_DATES),
                       st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True)))
@example(value="٢٠٢٤-٠٣-٠٥")
@example(value=" 2024-03-05 ")
def test_iso_date(value):
    result = parsed_or_none(iso_date, value)
    assert result is None or dt.date.fromisoformat(result).isoformat() == result


@PROPERTY
@given(date=st.dates())
def test_iso_date_round_trip(date):
    assert iso_date(f" {date.isoformat()} ") == date.isoformat()


@PROPERTY
@given(value=st.one_of(st.text(), st.integers().map(str), st.from_regex(r"\s*[+-]?\d+\s*")))
@example(value="9" * 5000)
@example(value="١٢")
@example(value="1_000")
def test_positive_int(value):
    result = parsed_or_none(positive_int, value)
    assert result is None or (isinstance(result, int) and result >= 1)


@PROPERTY
@given(number=st.integers(min_value=1, max_value=10**12))
def test_positive_int_round_trip(number):
    assert positive_int(f" {number} ", "x") == number


# -- roll-up filters ---------------------------------------------------------------------------

ROLLUP_OPTIONS = ("severity", "status", "type", "services", "tags", "since", "until", "limit",
                  "projects", "sort", "columns", "kind", "group-by", "summary-only", "owner",
                  "priority", "overdue", "period", "category", "detected-by", "impact")
option_value = st.one_of(
    st.none(), st.text(max_size=30),
    st.sampled_from(["all", "ALL", " all ", "-date", "+severity", "-", "date", "SEV1, sev2",
                     "2024-02-30", "2024-03-05", "0", "-1", "3", "local", "evil", "kind, tag",
                     "trigger, cause", "capacity", "alert", "impact:customers", "customers"]),
)


def rollup_config(projects: Any) -> SimpleNamespace:
    return SimpleNamespace(
        postmortem_severities=["SEV1", "SEV2", "SEV3", "SEV4"],
        postmortem_statuses=["draft", "in-review", "published"],
        postmortem_types=["incident", "outage", "security", "data-loss", "project"],
        postmortem_action_types=["mitigate", "prevent", "detect", "process"],
        postmortem_priorities=["P0", "P1", "P2", "P3"],
        postmortem_projects=projects,
    )


projects_setting = st.one_of(
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.none()),
                    st.just(("https://x.example.com/", None)), max_size=4),
    st.none(), st.text(max_size=5), st.lists(st.text(max_size=5), max_size=3),
)


@PROPERTY
@given(kind=st.sampled_from(["incident-list", "lesson-list", "action-item-list",
                             "postmortem-stats", "factor-list"]),
       options=st.dictionaries(st.one_of(st.sampled_from(ROLLUP_OPTIONS), st.text(max_size=8)),
                               option_value, max_size=10),
       projects=projects_setting)
def test_parse_spec(kind, options, projects):
    config = rollup_config(projects)
    spec, problems = parse_spec(kind, options, config)
    assert type(spec) is SPECS[kind]
    assert all(isinstance(p, str) and p for p in problems)
    hash(spec)  # frozen and hashable: it travels on the placeholder in pickled doctrees
    filters = spec.incidents
    chosen = [
        (filters.severity, config.postmortem_severities),
        (filters.status, config.postmortem_statuses),
        (filters.type, config.postmortem_types),
    ]
    if kind == "action-item-list":
        # :status: and :type: are the item's own; of the incident filters only services, tags.
        assert (filters.severity, filters.status, filters.type) == (None, None, None)
        assert (filters.since, filters.until) == (None, None)
        chosen += [
            (spec.status, ACTION_STATUSES),
            (spec.types, config.postmortem_action_types),
            (spec.priorities, config.postmortem_priorities),
        ]
    elif kind == "lesson-list":
        chosen.append((spec.lesson_kinds, LESSON_KINDS))
    elif kind == "factor-list":
        configured = settings_of(config)
        chosen += [
            (spec.factor_kinds, FACTOR_KINDS),
            (spec.categories, configured.factor_categories),
        ]
    if kind != "action-item-list":
        chosen.append((filters.detected_by, settings_of(config).detection_sources))
    for values, allowed in chosen:
        assert values is None or all(v in allowed for v in values), (values, allowed)
    for words in (filters.services, filters.tags):
        assert words is None or all(w == w.casefold() for w in words), words
    assert spec.limit is None or (isinstance(spec.limit, int) and spec.limit >= 1)
    for date in (filters.since, filters.until):
        assert date is None or dt.date.fromisoformat(date).isoformat() == date
    if spec.projects is not None:
        assert all(p == "local" or (isinstance(p, str) and ":" not in p) for p in spec.projects)
    if kind == "incident-list":
        configured = settings_of(config)
        assert spec.sort in incident_sort_keys(configured) and isinstance(spec.descending, bool)
        assert spec.columns is None or all(c in incident_columns(configured) for c in spec.columns)
    elif kind == "lesson-list":
        assert spec.group_by in LESSON_GROUPS
    elif kind == "factor-list":
        assert spec.group_by in FACTOR_GROUPS
    elif kind == "action-item-list":
        assert spec.sort in ACTION_SORT_KEYS and set(spec.status) <= set(ACTION_STATUSES)
    else:
        assert spec.period in PERIODS
        assert spec.years is None or (isinstance(spec.years, int) and spec.years >= 1)


# -- imports ------------------------------------------------------------------------------------

#: Links an imported file may hold, safe or not.
LINKS = ("incidents/a.html#x", "../other/a.html", "/abs/a.html", "//evil.example.com/x",
         "https://ok.example.com/a", "http://ok.example.com/a", "javascript:alert(1)",
         "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
         "\x00javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
         "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://x/y", "mailto:a@b", "",
         "http://[::1", "http://[::1]/x", "https://[evil]/x", "https://x]/y", "#frag", "?q=1",
         "javascript&colon;alert(1)", "\u200bjavascript:alert(1)")
BASES = ("https://other.example.com/docs/", "http://other.example.com", "../other/",
         "other/", "", "/root/")

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=15),
                         st.sampled_from(LINKS))
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=20,
)

INCIDENT_KEYS = ("id", "title", "date", "severity", "status", "type", "authors", "services",
                 "tags", "summary", "metrics", "milestones", "action_items", "lessons", "url")
ACTION_KEYS = ("id", "title", "owner", "type", "priority", "due", "status", "tracker",
               "tracker_url", "body", "incident", "url")
LESSON_KEYS = ("title", "kind", "tags", "body", "incident", "url")


def near_valid_entry(keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    good = {"id": st.text(min_size=1, max_size=8), "title": st.text(min_size=1, max_size=8),
            "date": st.one_of(st.none(), ordinary_dates.map(_iso), st.sampled_from(BAD_DATES)),
            "due": st.one_of(st.none(), ordinary_dates.map(_iso)),
            "status": st.sampled_from(["draft", "published", "open", "done", "bogus"]),
            "kind": st.sampled_from([*LESSON_KINDS, "bogus"]),
            "url": st.sampled_from(LINKS), "tracker_url": st.sampled_from(LINKS),
            "authors": st.lists(st.text(max_size=5), max_size=3),
            "tags": st.lists(st.text(max_size=5), max_size=3),
            "metrics": st.dictionaries(st.sampled_from(["impact_duration", "time_to_detect"]),
                                       st.one_of(st.integers(-5, 10**6), json_scalars)),
            "milestones": st.one_of(st.lists(st.fixed_dictionaries(
                {"milestone": st.sampled_from(MILESTONES)}), max_size=2), json_values),
            "action_items": st.one_of(st.fixed_dictionaries(
                {"open": st.integers(0, 3), "total": st.integers(0, 3)}), json_values),
            "lessons": st.one_of(st.integers(0, 3), json_values)}
    values = {k: st.one_of(good.get(k, st.text(max_size=8)), json_values) for k in keys}
    return st.one_of(
        st.fixed_dictionaries({}, optional=values),
        st.fixed_dictionaries({k: good.get(k, st.text(min_size=1, max_size=8)) for k in keys}),
        json_values,
    )


#: Exports whose top level is right, so that the entries themselves are exercised
#: (an arbitrary top level is what test_validate_payload_arbitrary_json sends).
payloads = st.fixed_dictionaries({
    "schema_version": st.just(1),
    "project": st.text(min_size=1, max_size=8).filter(str.strip),
    "incidents": st.lists(near_valid_entry(INCIDENT_KEYS), max_size=4),
    "action_items": st.lists(near_valid_entry(ACTION_KEYS), max_size=4),
    "lessons": st.lists(near_valid_entry(LESSON_KEYS), max_size=4),
})


def check_payload(raw: bytes, base_url: str) -> None:
    try:
        data, problems = validate_payload(raw, "other", base_url)
    except PostmortemError:
        return
    assert all(isinstance(p, str) and p for p in problems)
    source = json.loads(raw.decode("utf-8"))
    for section in ("incidents", "action_items", "lessons"):
        kept = data[section]
        skipped = [p for p in problems if p.startswith(f"{section} entry ")]
        assert len(kept) + len(skipped) == len(source[section]), "an entry vanished"
        for record in kept:
            scheme = urlsplit(record["url"]).scheme.lower()
            assert scheme in ("", "http", "https"), record["url"]
            assert not re.sub(r"[\x00-\x20]", "", record["url"]).lower().startswith(
                ("javascript:", "data:", "vbscript:"))
            assert record["project"] == "other"
            if section == "action_items" and record["tracker_url"] is not None:
                assert urlsplit(record["tracker_url"]).scheme.lower() in ("http", "https")
                assert urlsplit(record["tracker_url"]).netloc
            if section == "lessons":
                assert record["kind"] in LESSON_KINDS
            if section == "action_items":
                assert record["status"] in ACTION_STATUSES


@PROPERTY
@given(raw=st.binary(max_size=300), base_url=st.sampled_from(BASES))
@example(raw=b"\xff\xfe", base_url="")
@example(raw=b"1" * 5000, base_url="")
@example(raw=b'{"schema_version": 1e999}', base_url="")
def test_validate_payload_arbitrary_bytes(raw, base_url):
    check_payload(raw, base_url)


@PROPERTY
@given(value=json_values, base_url=st.sampled_from(BASES))
def test_validate_payload_arbitrary_json(value, base_url):
    check_payload(json.dumps(value).encode(), base_url)


@PROPERTY
@given(payload=payloads, base_url=st.sampled_from(BASES))
@example(payload={"schema_version": 1, "project": "p", "incidents": [], "lessons": [],
                  "action_items": [{"id": "A-1", "title": "t", "status": "open",
                                    "url": "a.html", "tracker_url": "https://[::1/browse/A-1"}]},
         base_url="https://other.example.com/docs/")
def test_validate_payload_near_valid_exports(payload, base_url):
    check_payload(json.dumps(payload).encode(), base_url)


def test_validate_payload_milestones_not_a_list():
    incident = {"id": "X-1", "title": "t", "status": "published", "type": "outage",
                "url": "x.html#x", "milestones": 5}
    raw = json.dumps({"schema_version": 1, "project": "p", "incidents": [incident],
                      "action_items": [], "lessons": []}).encode()
    try:
        data, problems = validate_payload(raw, "other", "https://x.example.com/")
    except PostmortemError:
        return
    assert len(data["incidents"]) + len(problems) == 1


def test_validate_payload_deeply_nested_json():
    nested = "[" * 100_000 + "]" * 100_000
    raw = ('{"schema_version": 1, "project": "p", "incidents": [' + nested
           + '], "action_items": [], "lessons": []}').encode()
    with pytest.raises(PostmortemError):
        validate_payload(raw, "other", "https://x.example.com/")


@PROPERTY
@given(base_url=st.one_of(st.sampled_from(BASES), st.text(max_size=20)),
       url=st.one_of(st.sampled_from(LINKS), st.text(max_size=30), json_scalars))
@example(base_url="https://other.example.com/docs/", url="http://[::1/incidents/a.html")
def test_safe_link(base_url, url):
    assume(urlsplit_or_none(base_url) in ("", "http", "https"))
    try:
        link = safe_link(base_url, url)
    except PostmortemError:
        return
    assert isinstance(link, str)
    assert urlsplit(link).scheme.lower() in ("", "http", "https")
    # what a browser sees: leading C0 controls and spaces stripped, tabs and newlines removed
    seen = re.sub(r"[\t\n\r]", "", link.lstrip("".join(map(chr, range(33))))).lower()
    assert not seen.startswith(("javascript:", "data:", "vbscript:", "file:"))


def urlsplit_or_none(url: str) -> str | None:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return None


mapping_values = st.one_of(
    st.tuples(st.one_of(st.sampled_from(BASES + LINKS), st.text(max_size=10), json_scalars),
              st.one_of(st.none(), st.sampled_from(LINKS), st.text(max_size=10), json_scalars)),
    st.lists(st.sampled_from(BASES), max_size=3),
    json_values,
)


@PROPERTY
@given(mapping=st.one_of(
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.none(),
                              st.sampled_from(["local", "a:b", " ", "ok"])),
                    mapping_values, max_size=5),
    json_values),
    confdir=st.sampled_from(["/tmp/conf", ".", "", "/tmp/ünï cödé"]))
@example(mapping={"broken": ("http://[::1/docs/", None)}, confdir="/tmp/conf")
def test_parse_mapping(mapping, confdir):
    sources, problems = parse_mapping(mapping, confdir)
    assert all(isinstance(p, str) and p for p in problems)
    for source in sources:
        assert isinstance(source.name, str) and source.name.strip()
        assert ":" not in source.name and source.name != "local"
        assert source.base_url.endswith("/")
        assert urlsplit(source.base_url).scheme.lower() in ("", "http", "https")
        assert source.is_remote == (urlsplit(source.location).scheme.lower() in ("http",
                                                                                  "https"))
    if isinstance(mapping, dict):
        assert len(sources) + len(problems) == len(mapping)


# -- blameless-language rules ---------------------------------------------------------------------

# No quantifiers that could nest (``(\w+)*``): catastrophic backtracking would only make
# the test slow, it says nothing about crashing.
REGEX_BITS = ("\\b", "\\w+", "(", ")", "[", "]", "|", "?", "{person}", ".", "(?:", "(?P<x>",
              "\\", "^", "$", "blame", "forgot", "{", "}", "(?i)", "\\1")
patterns = st.one_of(
    st.text(max_size=20),
    st.lists(st.sampled_from(REGEX_BITS), max_size=8).map("".join),
    st.sampled_from([p for _n, p, _s in DEFAULT_RULES]),
)
string_rules = st.one_of(
    st.tuples(st.text(max_size=10), patterns, st.text(max_size=10)),
    st.fixed_dictionaries({}, optional={"name": st.text(max_size=10), "pattern": patterns,
                                        "suggestion": st.text(max_size=10)}),
    st.lists(patterns, max_size=5),
)
people = st.lists(st.one_of(st.text(max_size=10), st.sampled_from(["Eve", "Zoë", "a.b", "(x"])),
                  max_size=4)
prose = st.one_of(st.text(max_size=80), st.sampled_from([
    "The engineer forgot to run the migration.", "It was human error.", "Eve failed to check.",
    "A blameless review; lazy loading was off.", "we should have caught it"]))


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
@PROPERTY
@given(rules=st.lists(string_rules, max_size=4), people=people, text=prose,
       allow=st.lists(st.text(max_size=10), max_size=3))
def test_compile_rules_and_find_blame(rules, people, text, allow):
    try:
        compiled = compile_rules(rules, people)
    except PostmortemError as exc:
        assert str(exc)
        return
    assert all(isinstance(rule, Rule) for rule in compiled)
    check_findings(text, compiled, allow)


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
@PROPERTY
@given(rules=st.lists(st.one_of(string_rules, json_values,
                                st.tuples(json_scalars, json_scalars, json_scalars)), max_size=4),
       people=people)
@example(rules=[None], people=[])
@example(rules=[("name", 5, "suggestion")], people=[])
def test_compile_rules_of_any_shape(rules, people):
    try:
        compile_rules(rules, people)
    except PostmortemError as exc:
        assert str(exc)


def check_findings(text: str, rules: list[Rule], allow: list[str]) -> None:
    findings = find_blame(text, rules, allow)
    offsets = [f.offset for f in findings]
    assert offsets == sorted(offsets)
    end = -1
    for finding in findings:
        assert text[finding.offset:finding.offset + len(finding.phrase)] == finding.phrase
        assert finding.offset >= end or not finding.phrase, "findings overlap"
        end = finding.offset + len(finding.phrase)


@PROPERTY
@given(text=prose, people=people, allow=st.lists(st.one_of(st.text(max_size=10),
                                                           st.sampled_from(DEFAULT_ALLOW)),
                                                 max_size=3))
def test_default_rules_on_any_text(text, people, allow):
    check_findings(text, compile_rules(DEFAULT_RULES, people), [*DEFAULT_ALLOW, *allow])
