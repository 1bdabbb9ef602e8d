"""Parsing timeline lines and computing incident metrics.

Pure functions, no Sphinx: the ``timeline`` directive feeds them its content
lines and turns the problems they report into warnings.

An entry starts with a timestamp (``2024-03-05 14:02``, ``2024-03-05T14:02Z``,
``14:09`` or ``14:09:30``), optionally followed by a zone (``UTC``, ``Z``,
``+02:00``, ``Europe/Berlin``) and a milestone in brackets (``[detect]``).
Indented lines continue the entry before them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import PostmortemError
from .model import MILESTONES, TimelineEntry

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

_ENTRY = re.compile(
    r"""
    (?:(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:[ ]+|T))?
    (?P<time>\d{1,2}:\d{1,2}(?::\d{1,2})?)
    (?P<attached>Z|[+-]\d{2}:?\d{2})?
    (?=\s|$)
    """,
    re.VERBOSE,
)
_ZONE_WORD = re.compile(
    r"\s+(?P<zone>UTC|GMT|Z|[+-]\d{2}:?\d{2}|[A-Za-z]+/[A-Za-z0-9_+/-]+)(?=\s|$)"
)
_MILESTONE = re.compile(r"\s*\[(?P<name>[^\]\s]*)\](?=\s|$)")
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})")

#: Metric name -> (later milestone, earlier milestone)
METRICS: dict[str, tuple[str, str]] = {
    "time_to_detect": ("detect", "start"),
    "time_to_acknowledge": ("ack", "detect"),
    "time_to_mitigate": ("mitigate", "start"),
    "time_to_resolve": ("resolve", "start"),
}


@dataclass
class Problem:
    """Something wrong on one line; becomes a ``postmortem.timeline`` warning."""

    lineno: int
    message: str


@dataclass
class ParseResult:
    """Entries parsed from one ``timeline`` directive, and what went wrong."""

    entries: list[TimelineEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Metrics:
    """Impact start and durations (seconds) derived from a page's milestones."""

    impact_start: str | None = None
    impact_duration: int | None = None
    durations: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def resolve_zone(name: str) -> dt.tzinfo:
    """Turn ``UTC``, ``Z``, ``+02:00`` or an IANA name into a tzinfo."""
    text = name.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return dt.timezone.utc
    offset = _OFFSET.fullmatch(text)
    if offset:
        hours, minutes = int(offset["hours"]), int(offset["minutes"])
        if hours > 23 or minutes > 59:
            raise ValueError(f"invalid UTC offset {text!r}")
        delta = dt.timedelta(hours=hours, minutes=minutes)
        return dt.timezone(-delta if offset["sign"] == "-" else delta)
    try:
        if not text or text.startswith(("/", ".")) or ".." in text:
            raise ValueError(text)
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {text!r}") from None


def zone_label(zone: dt.tzinfo, moment: dt.datetime) -> str:
    """A short label for ``zone`` at ``moment``: ``UTC``, ``CET`` or ``+05:30``."""
    if zone is dt.timezone.utc:
        return "UTC"
    if isinstance(zone, ZoneInfo):
        name = moment.tzname()
        if name and not name.startswith(("+", "-")):
            return name
    offset = moment.utcoffset() or dt.timedelta()
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def _split_zone(rest: str) -> tuple[str | None, str]:
    """Take a zone word off the front of ``rest`` when there is one."""
    match = _ZONE_WORD.match(rest)
    if not match:
        return None, rest
    word = match["zone"]
    if "/" in word and word.split("/", 1)[0] not in _IANA_AREAS:
        return None, rest  # ordinary text such as "EU/US traffic"
    return word, rest[match.end() :]


def _parse_timestamp(
    date_text: str | None,
    time_text: str,
    zone_text: str | None,
    default_zone: dt.tzinfo,
    previous: dt.datetime | None,
    fallback_date: str | None,
) -> tuple[dt.datetime, dt.tzinfo]:
    zone = resolve_zone(zone_text) if zone_text else default_zone
    parts = [int(p) for p in time_text.split(":")]
    hour, minute, second = (parts + [0])[:3]
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise ValueError(f"invalid time {time_text!r}")
    if date_text:
        try:
            year, month, day = (int(p) for p in date_text.split("-"))
            day_value = dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"invalid date {date_text!r}") from None
    elif previous is not None:
        day_value = previous.astimezone(zone).date()
    elif fallback_date:
        day_value = dt.date.fromisoformat(fallback_date)
    else:
        raise ValueError(
            f"time {time_text!r} has no date: give the first entry a full date "
            "(YYYY-MM-DD HH:MM) or the incident a :date:"
        )
    moment = dt.datetime(
        day_value.year, day_value.month, day_value.day, hour, minute, second, tzinfo=zone
    )
    return moment, zone


def parse_lines(
    lines: Iterable[tuple[int, str]],
    default_zone: str,
    previous: TimelineEntry | None = None,
    fallback_date: str | None = None,
    seen_milestones: Iterable[str] = (),
) -> ParseResult:
    """Parse ``(lineno, text)`` pairs of one ``timeline`` directive.

    ``previous`` is the last entry of an earlier timeline on the same page
    (time-only entries take its date, and entries must not go back before
    it); ``fallback_date`` (the incident date) dates a first time-only entry;
    ``seen_milestones`` are milestones used earlier on the page.
    Raises :class:`PostmortemError` only when ``default_zone`` is unusable.
    """
    try:
        zone = resolve_zone(default_zone)
    except ValueError as exc:
        raise PostmortemError(str(exc)) from None
    result = ParseResult()
    used = set(seen_milestones)
    last = dt.datetime.fromisoformat(previous["when"]) if previous else None
    current: TimelineEntry | None = None
    skipping = False
    for lineno, line in lines:
        if not line.strip():
            continue
        if line[0].isspace():
            if current is not None:
                current["text"] += "\n" + line.strip()
            elif not skipping:
                result.problems.append(
                    Problem(lineno, "continuation line with no timeline entry before it")
                )
            continue
        current, skipping = None, True
        match = _ENTRY.match(line)
        if not match:
            result.problems.append(
                Problem(
                    lineno,
                    f"not a timeline entry: {line.strip()[:60]!r}; an entry starts with "
                    "a time (HH:MM) or a date and time (YYYY-MM-DD HH:MM)",
                )
            )
            continue
        rest = line[match.end() :]
        zone_text = match["attached"]
        if zone_text is None:
            zone_text, rest = _split_zone(rest)
        try:
            moment, entry_zone = _parse_timestamp(
                match["date"], match["time"], zone_text, zone, last, fallback_date
            )
            moment.astimezone(dt.timezone.utc)  # raises for the last hours of year 9999
        except OverflowError:
            result.problems.append(Problem(lineno, "date out of range; entry skipped"))
            continue
        except ValueError as exc:
            result.problems.append(Problem(lineno, f"{exc}; entry skipped"))
            continue
        if last is not None and moment < last:
            result.problems.append(
                Problem(
                    lineno,
                    f"entry at {moment.isoformat()} is earlier than the entry before it "
                    f"({last.isoformat()}); entry skipped",
                )
            )
            continue
        milestone: str | None = None
        marker = _MILESTONE.match(rest)
        if marker:
            name = marker["name"].lower()
            rest = rest[marker.end() :]
            if name not in MILESTONES:
                result.problems.append(
                    Problem(
                        lineno,
                        f"unknown milestone [{marker['name']}]; allowed: "
                        + ", ".join(f"[{m}]" for m in MILESTONES),
                    )
                )
            elif name in used:
                result.problems.append(
                    Problem(
                        lineno,
                        f"milestone [{name}] appears more than once on this page; "
                        "this one is ignored",
                    )
                )
            else:
                milestone = name
                used.add(name)
        current = TimelineEntry(
            when=moment.isoformat(),
            zone=zone_label(entry_zone, moment),
            milestone=milestone,
            text=rest.strip(),
            lineno=lineno,
        )
        skipping = False
        last = moment
        result.entries.append(current)
    return result


def compute_metrics(entries: Sequence[TimelineEntry]) -> Metrics:
    """Derive impact start, impact duration and the time-to-X metrics.

    A metric whose milestones are out of order is left out and reported.
    """
    moments: dict[str, tuple[dt.datetime, int]] = {}
    for entry in entries:
        if entry["milestone"] and entry["milestone"] not in moments:
            moments[entry["milestone"]] = (
                dt.datetime.fromisoformat(entry["when"]),
                entry["lineno"],
            )
    metrics = Metrics()
    if "start" in moments:
        metrics.impact_start = moments["start"][0].isoformat()
    for name, (later, earlier) in METRICS.items():
        if later in moments and earlier in moments:
            seconds = int((moments[later][0] - moments[earlier][0]).total_seconds())
            if seconds < 0:
                metrics.problems.append(
                    Problem(
                        moments[later][1],
                        f"[{later}] comes before [{earlier}]; {name.replace('_', ' ')} left out",
                    )
                )
                continue
            metrics.durations[name] = seconds
    end = "time_to_resolve" if "time_to_resolve" in metrics.durations else "time_to_mitigate"
    metrics.impact_duration = metrics.durations.get(end)
    return metrics


def format_clock(moment: dt.datetime) -> str:
    """``14:02``, or ``14:02:30`` when the seconds matter."""
    return moment.strftime("%H:%M" if moment.second == 0 else "%H:%M:%S")


def format_duration(seconds: int) -> str:
    """``45s``, ``7m``, ``7m30s``, ``1h08m``, ``2d03h``."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"


def format_offset(moment: str, start: str | None) -> str:
    """The offset of ``moment`` from impact start: ``T+7m``, ``T-2m``, ``T0``."""
    if start is None:
        return ""
    delta = int(
        (dt.datetime.fromisoformat(moment) - dt.datetime.fromisoformat(start)).total_seconds()
    )
    if delta == 0:
        return "T0"
    return ("T+" if delta > 0 else "T\N{MINUS SIGN}") + format_duration(delta)
