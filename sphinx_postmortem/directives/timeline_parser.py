"""Parsing the lines of a ``timeline`` directive into entries.

Pure functions, no Sphinx: the ``timeline`` directive feeds them its content
lines and turns the problems they report into warnings.

An entry starts with a timestamp (``2024-03-05 14:02``, ``2024-03-05T14:02Z``,
``2024-03-05T14:02:11.123Z``, ``14:09``, ``14:09:30``, or a date alone,
``2024-03-05``), optionally marked approximate with ``~``, optionally
followed by a zone (``UTC``, ``Z``, ``+02:00``, ``Europe/Berlin``) and a
milestone in brackets (``[detect]``). Indented lines continue the entry
before them.

Each milestone marks one entry of a page, except the recovery milestones
(``mitigate``, ``resolve``): they may repeat, each optionally with the share
of the impact it removed (``[mitigate 95%]``), and the shares should grow
over time; nothing comes after the full (share-less or 100 %) ``resolve``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..errors import PostmortemError
from ..model import MILESTONES, RECOVERY_MILESTONES, TimelineEntry
from ..times import Problem, format_clock, resolve_zone, zone_label, zone_name

_IANA_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Brazil",
    "Canada",
    "Chile",
    "Etc",
    "Europe",
    "Indian",
    "Mexico",
    "Pacific",
    "US",
)

#: Zone abbreviations people write after a time, and IANA zones each could mean.
#: They are never read as zones (most are ambiguous, and none says whether
#: daylight saving time applies); an entry naming one gets a warning.
ZONE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "CET": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw"),
    "CEST": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw"),
    "WET": ("Europe/Lisbon", "Atlantic/Canary"),
    "WEST": ("Europe/Lisbon", "Atlantic/Canary"),
    "EET": ("Europe/Athens", "Europe/Helsinki", "Europe/Bucharest", "Europe/Kyiv"),
    "EEST": ("Europe/Athens", "Europe/Helsinki", "Europe/Bucharest", "Europe/Kyiv"),
    "BST": ("Europe/London", "Asia/Dhaka"),
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "MSK": ("Europe/Moscow",),
    "ET": ("America/New_York", "America/Toronto"),
    "EST": ("America/New_York", "America/Toronto", "America/Panama"),
    "EDT": ("America/New_York", "America/Toronto"),
    "CST": ("America/Chicago", "America/Mexico_City", "Asia/Shanghai", "America/Havana"),
    "CDT": ("America/Chicago", "America/Havana"),
    "MST": ("America/Denver", "America/Phoenix"),
    "MDT": ("America/Denver",),
    "PT": ("America/Los_Angeles", "America/Vancouver"),
    "PST": ("America/Los_Angeles", "America/Vancouver", "Asia/Manila"),
    "PDT": ("America/Los_Angeles", "America/Vancouver"),
    "AKST": ("America/Anchorage",),
    "AKDT": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
    "AST": ("America/Halifax", "America/Puerto_Rico", "Asia/Riyadh"),
    "ADT": ("America/Halifax",),
    "NST": ("America/St_Johns",),
    "NDT": ("America/St_Johns",),
    "JST": ("Asia/Tokyo",),
    "KST": ("Asia/Seoul",),
    "HKT": ("Asia/Hong_Kong",),
    "SGT": ("Asia/Singapore",),
    "AEST": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"),
    "AEDT": ("Australia/Sydney", "Australia/Melbourne"),
    "ACST": ("Australia/Adelaide", "Australia/Darwin"),
    "ACDT": ("Australia/Adelaide",),
    "AWST": ("Australia/Perth",),
    "NZST": ("Pacific/Auckland",),
    "NZDT": ("Pacific/Auckland",),
    "SAST": ("Africa/Johannesburg",),
}

_TIME = r"\d{1,2}:\d{1,2}(?::\d{1,2}(?:[.,]\d{1,9})?)?"
_ENTRY = re.compile(
    rf"""
    (?P<approximate>~[ ]*)?
    (?:
        (?P<date>\d{{4}}-\d{{1,2}}-\d{{1,2}})
        (?:(?:[ ]+|T)(?P<time>{_TIME})(?P<attached>Z|[+-]\d{{2}}:?\d{{2}})?(?=\s|$)
        |(?=\s+\S))  # a date alone needs a description after it
    |
        (?P<time_only>{_TIME})(?P<attached_only>Z|[+-]\d{{2}}:?\d{{2}})?(?=\s|$)
    )
    """,
    re.VERBOSE,
)
_ZONE_WORD = re.compile(
    r"\s+(?P<zone>UTC|GMT|Z|[+-]\d{2}:?\d{2}|[A-Za-z]+/[A-Za-z0-9_+/-]+)(?=\s|$)"
)
_ABBREVIATION = re.compile(r"\s+(?P<word>[A-Z]{2,4})(?=\s|$)")
_MILESTONE = re.compile(
    r"\s*\[(?P<name>[^\]\s]*)(?:\s+(?P<share>[^\]\s%]*\s*%|[^\]\s]+))?\s*\](?=\s|$)"
)
_SHARE = re.compile(r"(?P<number>\d{1,3}(?:\.\d{1,6})?)\s*%")


@dataclass
class ParseResult:
    """Entries parsed from one ``timeline`` directive, and what went wrong."""

    entries: list[TimelineEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _split_zone(rest: str) -> tuple[str | None, str]:
    """Take a zone word off the front of ``rest`` when there is one."""
    match = _ZONE_WORD.match(rest)
    if not match:
        return None, rest
    word = match["zone"]
    if "/" in word and word.split("/", 1)[0] not in _IANA_AREAS:
        return None, rest  # ordinary text such as "EU/US traffic"
    return word, rest[match.end() :]


def _time_parts(time_text: str) -> tuple[int, int, int, int, str]:
    """Hour, minute, second, microsecond and precision of ``HH:MM[:SS[.fff]]``."""
    clock, _sep, fraction = time_text.replace(",", ".").partition(".")
    parts = [int(p) for p in clock.split(":")]
    hour, minute, second = (parts + [0])[:3]
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise ValueError(f"invalid time {time_text!r}")
    microsecond = int(fraction[:6].ljust(6, "0")) if fraction else 0
    return hour, minute, second, microsecond, "second" if len(parts) == 3 else "minute"


def _day(
    date_text: str | None,
    zone: dt.tzinfo,
    previous: dt.datetime | None,
    fallback_date: str | None,
    what: str,
) -> dt.date | None:
    """The date of an entry: its own, the previous entry's, or the incident's.

    ``None`` when there is none and ``fallback_date`` is ``""`` (the
    incident's :date: was given but is unusable, and says so itself).
    """
    if date_text:
        try:
            year, month, day = (int(p) for p in date_text.split("-"))
            return dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"invalid date {date_text!r}") from None
    if previous is not None:
        return previous.astimezone(zone).date()
    if fallback_date:
        return dt.date.fromisoformat(fallback_date)
    if fallback_date == "":
        return None
    raise ValueError(
        f"time {what!r} has no date: give the first entry a full date "
        "(YYYY-MM-DD HH:MM) or the incident a :date:"
    )


def _local_time_problem(moment: dt.datetime, zone: dt.tzinfo) -> tuple[dt.datetime, str | None]:
    """Settle a wall-clock time that daylight saving time skips or repeats.

    Returns the instant used and, for such a time, a note saying which
    reading was used: a skipped time is read with the offset from before
    the change (so 02:30 becomes 03:30 summer time), a repeated one as
    ``moment`` says (its ``fold``).
    """
    other = moment.replace(fold=1 - moment.fold)
    if moment.utcoffset() == other.utcoffset():
        return moment, None
    wall = moment.strftime("%Y-%m-%d %H:%M")
    real = moment.astimezone(dt.timezone.utc).astimezone(zone)
    if real.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return real, (
            f"{wall} does not exist in {zone_name(zone)} (the clocks skip it when daylight "
            f"saving time starts); read as {_reading(real, zone)}"
        )
    which = (
        "first"
        if moment.astimezone(dt.timezone.utc) < other.astimezone(dt.timezone.utc)
        else "second"
    )
    return moment, (
        f"{wall} happens twice in {zone_name(zone)} (the clocks go back when daylight "
        f"saving time ends); read as the {which} one, {_reading(moment, zone)}; write "
        f"{moment.strftime('%H:%M')}{_offset_text(other)} for the other"
    )


def _reading(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """``03:30 CEST (01:30 UTC)``: how a problem message says which instant was used."""
    utc = moment.astimezone(dt.timezone.utc)
    return f"{format_clock(moment)} {zone_label(zone, moment)} ({format_clock(utc)} UTC)"


def _offset_text(moment: dt.datetime) -> str:
    return zone_label(dt.timezone(moment.utcoffset() or dt.timedelta()), moment)


def _settle_wall_time(
    moment: dt.datetime, zone: dt.tzinfo, previous: dt.datetime | None
) -> tuple[dt.datetime, str | None]:
    """The instant a wall-clock ``moment`` in an IANA zone means, and a note when unclear."""
    if not isinstance(zone, ZoneInfo):
        return moment, None
    later = moment.replace(fold=1)
    if (
        previous is not None
        and moment.utcoffset() != later.utcoffset()
        and moment.astimezone(dt.timezone.utc) < previous <= later.astimezone(dt.timezone.utc)
    ):
        moment = later  # the first reading would go back in time; the second does not
    return _local_time_problem(moment, zone)


def _abbreviation_problem(
    rest: str, moment: dt.datetime, zone: dt.tzinfo
) -> tuple[str | None, str]:
    """Check a zone abbreviation (``CET``, ``PST``) written after the time.

    An abbreviation that is the entry's own zone label (``CEST`` on a
    summer entry of a ``Europe/Berlin`` timeline) just confirms it and is
    taken off the description; any other gives a problem message and stays
    in the description.
    """
    match = _ABBREVIATION.match(rest)
    if not match or match["word"] not in ZONE_ABBREVIATIONS:
        return None, rest
    word = match["word"]
    if zone_label(zone, moment) == word:
        return None, rest[match.end() :]
    return (
        f"{word!r} after the time is not read as a zone (it could mean "
        f"{', '.join(ZONE_ABBREVIATIONS[word])}); the entry is read in "
        f"{zone_name(zone)}, as {format_clock(moment)} {zone_label(zone, moment)}; write an "
        "IANA zone such as "
        f"{ZONE_ABBREVIATIONS[word][0]} or an offset such as +01:00 after the time instead"
    ), rest


def parse_lines(
    lines: Iterable[tuple[int, str]],
    default_zone: str,
    previous: TimelineEntry | None = None,
    fallback_date: str | None = None,
    seen_milestones: Iterable[str] = (),
    earlier_steps: Sequence[TimelineEntry] = (),
) -> ParseResult:
    """Parse ``(lineno, text)`` pairs of one ``timeline`` directive.

    ``previous`` is the last entry of an earlier timeline on the same page
    (time-only entries take its date, and entries must not go back before
    it); ``fallback_date`` (the incident date) dates a first time-only entry,
    and ``""`` means the incident's date is unusable and already reported
    (time-only entries without a date are then skipped without a problem);
    ``seen_milestones`` are milestones used earlier on the page, and
    ``earlier_steps`` its entries so far (their recovery steps are what
    later shares are checked against).
    Raises :class:`PostmortemError` only when ``default_zone`` is unusable.
    """
    try:
        zone = resolve_zone(default_zone)
    except ValueError as exc:
        raise PostmortemError(str(exc)) from None
    parser = _Parser(zone, previous, fallback_date, set(seen_milestones))
    for step in earlier_steps:
        name = step["milestone"] or ""
        if name in RECOVERY_MILESTONES:
            parser.recovery.note(name, step.get("share"), step["when"])
    for lineno, line in lines:
        parser.feed(lineno, line)
    return parser.result


def _marker(name: str, share: float | None) -> str:
    """``[mitigate 95%]``, or ``[resolve]`` for a full step."""
    return f"[{name} {share:g}%]" if share is not None and share < 100 else f"[{name}]"


class _Recovery:
    """The recovery steps of a page so far: the largest share of each, and full resolution."""

    def __init__(self) -> None:
        self.largest: dict[str, float] = {}  # milestone -> largest share so far (full: 100)
        self.resolved_at: str | None = None  # when the full [resolve] happened

    def note(self, name: str, share: float | None, when: str) -> None:
        """Take a step in: a share of ``None`` is a full step."""
        value = 100.0 if share is None else min(share, 100.0)
        self.largest[name] = max(self.largest.get(name, 0.0), value)
        if name == "resolve" and value == 100.0 and self.resolved_at is None:
            self.resolved_at = when

    def problem(self, name: str, share: float | None) -> str | None:
        """What is wrong with a step ``[name share%]`` after the ones taken in, if anything."""
        if self.resolved_at is not None:
            return (
                f"[{name}] comes after full resolution (the [resolve] at "
                f"{self.resolved_at}); this one is ignored"
            )
        earlier = self.largest.get(name)
        if earlier is not None and share is not None and share < earlier:
            return (
                f"{_marker(name, share)} removes a smaller share of the impact than the "
                f"earlier {_marker(name, earlier)}; the shares of recovery steps should "
                "grow over time"
            )
        return None


class _Parser:
    """The state of one ``parse_lines`` call: the clock, milestones used, the entry being built."""

    def __init__(
        self,
        zone: dt.tzinfo,
        previous: TimelineEntry | None,
        fallback_date: str | None,
        used: set[str],
    ) -> None:
        self.zone = zone
        self.fallback_date = fallback_date
        self.used = used
        self.recovery = _Recovery()
        self.last = dt.datetime.fromisoformat(previous["when"]) if previous else None
        self.current: TimelineEntry | None = None
        self.skipping = False
        self.result = ParseResult()

    def problem(self, lineno: int, message: str) -> None:
        self.result.problems.append(Problem(lineno, message))

    def feed(self, lineno: int, line: str) -> None:
        if not line.strip():
            return
        if line[0].isspace():
            if self.current is not None:
                self.current["text"] += "\n" + line.strip()
            elif not self.skipping:
                self.problem(lineno, "continuation line with no timeline entry before it")
            return
        self.current, self.skipping = None, True
        match = _ENTRY.match(line)
        if not match:
            self.problem(
                lineno,
                f"not a timeline entry: {line.strip()[:60]!r}; an entry starts with "
                "a time (HH:MM), a date and time (YYYY-MM-DD HH:MM) or a date",
            )
            return
        try:
            entry = self._entry(lineno, match, line[match.end() :])
        except OverflowError:
            self.problem(lineno, "date out of range; entry skipped")
            return
        except ValueError as exc:
            self.problem(lineno, f"{exc}; entry skipped")
            return
        if entry is not None:
            self.current, self.skipping = entry, False
            self.result.entries.append(entry)

    def _entry(self, lineno: int, match: re.Match[str], rest: str) -> TimelineEntry | None:
        time_text = match["time"] or match["time_only"]
        zone_text = match["attached"] or match["attached_only"]
        if zone_text is None:
            zone_text, rest = _split_zone(rest)
        zone = resolve_zone(zone_text) if zone_text else self.zone
        day = _day(match["date"], zone, self.last, self.fallback_date, time_text or "")
        if day is None:
            return None
        hour, minute, second, micro, precision = (
            _time_parts(time_text) if time_text else (0, 0, 0, 0, "day")
        )
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, zone)
        note = None
        if time_text and zone_text is None:
            moment, note = _settle_wall_time(moment, zone, self.last)
        moment.astimezone(dt.timezone.utc)  # raises OverflowError at the ends of the calendar
        if not self._in_order(lineno, moment, precision):
            return None
        if note:
            self.problem(lineno, note)
        if time_text and zone_text is None:
            note, rest = _abbreviation_problem(rest, moment, zone)
            if note:
                self.problem(lineno, note)
        milestone, share, rest = self._milestone(lineno, rest, moment.isoformat())
        if self.last is None or moment > self.last:
            # a fixed offset: datetimes sharing a ZoneInfo compare by wall clock
            self.last = moment.astimezone(dt.timezone(moment.utcoffset() or dt.timedelta()))
        return TimelineEntry(
            when=moment.isoformat(),
            zone=zone_label(zone, moment),
            milestone=milestone,
            share=share,
            text=rest.strip(),
            lineno=lineno,
            precision=precision,
            approximate=bool(match["approximate"]),
        )

    def _in_order(self, lineno: int, moment: dt.datetime, precision: str) -> bool:
        """Whether ``moment`` is not before the entry before it (a date: not before its day)."""
        last = self.last
        if last is None:
            return True
        if precision == "day":
            earlier = moment.date() < last.astimezone(moment.tzinfo).date()
        else:
            earlier = moment < last
        if earlier:
            self.problem(
                lineno,
                f"entry at {moment.isoformat()} is earlier than the entry before it "
                f"({last.isoformat()}); entry skipped",
            )
        return not earlier

    def _milestone(self, lineno: int, rest: str, when: str) -> tuple[str | None, float | None, str]:
        """The milestone marked at the start of ``rest``, its share, and the text after it."""
        marker = _MILESTONE.match(rest)
        if not marker:
            return None, None, rest
        name, share_text = marker["name"].lower(), marker["share"]
        if share_text is not None and name not in MILESTONES and not share_text.endswith("%"):
            return None, None, rest  # words in brackets, such as "[see below]"
        rest = rest[marker.end() :]
        if name not in MILESTONES:
            self.problem(
                lineno,
                f"unknown milestone [{marker['name']}]; allowed: "
                + ", ".join(f"[{m}]" for m in MILESTONES),
            )
            return None, None, rest
        share = self._share(lineno, name, share_text)
        if name in RECOVERY_MILESTONES:
            rejected = share_text is not None and share is None
            step = self._recovery_step(lineno, name, share, when, rejected)
            return step, share if step else None, rest
        if name in self.used:
            self.problem(
                lineno,
                f"milestone [{name}] appears more than once on this page; this one is ignored",
            )
            return None, None, rest
        self.used.add(name)
        return name, None, rest

    def _share(self, lineno: int, name: str, text: str | None) -> float | None:
        """The share of impact a marker gives (``95%`` -> 95.0); problems drop it."""
        if text is None:
            return None
        if name not in RECOVERY_MILESTONES:
            self.problem(
                lineno,
                f"[{name}] takes no share (only "
                + " and ".join(f"[{m}]" for m in RECOVERY_MILESTONES)
                + f" do); {text!r} ignored",
            )
            return None
        number = _SHARE.fullmatch(text)
        share = float(number["number"]) if number else None
        if share is None or not 0 < share <= 100:
            self.problem(
                lineno,
                f"share {text!r} of [{name}] is not a percentage above 0 and at most 100 "
                f"(such as [{name} 95%]); share ignored",
            )
            return None
        return share

    def _recovery_step(
        self, lineno: int, name: str, share: float | None, when: str, rejected: bool
    ) -> str | None:
        """``name`` when the step may follow the steps before it, else ``None`` (reported).

        A step whose share was ``rejected`` (and reported) is kept, but later
        shares are not compared with it: nobody knows what it was.
        """
        if self.recovery.resolved_at is None and rejected:
            return name
        problem = self.recovery.problem(name, share)
        if problem:
            self.problem(lineno, problem)
        if self.recovery.resolved_at is not None:
            return None
        self.recovery.note(name, share, when)
        return name
