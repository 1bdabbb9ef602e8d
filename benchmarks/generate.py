"""Generate a synthetic Sphinx project of N post-mortems.

``--kind ext`` writes the pages with the sphinx-postmortem directives and
roll-ups; ``--kind plain`` writes the same content in plain reStructuredText
(field lists, bullet lists, hand-written roll-ups) as a baseline.
``--kind todo`` and ``--kind needs`` write it for two peers: ``sphinx.ext.todo``
(action items and lessons as ``todo`` blocks, roll-ups with ``todolist``) and
sphinx-needs (incidents, action items and lessons as need objects, roll-ups
with ``needtable``).

    python benchmarks/generate.py --n 1000 --kind ext OUTDIR
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

TODAY = dt.date(2024, 6, 1)
FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2024, 5, 31)
TRACKER_URL = "https://tracker.example.com/browse/{key}"
ROLLUP_DOCS = ("incidents", "lessons", "actions")
KINDS = ("ext", "plain", "todo", "needs")
NEED_TYPES = ("incident", "action", "lesson")
TIMELINE_LEN = 15
ACTIONS_PER_PAGE = 5
LESSONS_PER_PAGE = 4
FACTORS_PER_PAGE = 3

SEVERITIES = {"SEV1": 1, "SEV2": 3, "SEV3": 4, "SEV4": 2}
STATUSES = {"draft": 1, "in-review": 1, "published": 6}
TYPES = {"incident": 5, "outage": 3, "security": 1, "data-loss": 1}
ACTION_STATUSES = {"open": 3, "in-progress": 2, "done": 4, "wont-do": 1}
ACTION_TYPES = ("mitigate", "prevent", "detect", "process")
PRIORITIES = ("P0", "P1", "P2", "P3")
DETECTION_SOURCES = {"alert": 6, "customer": 2, "employee": 1, "external": 1, "test": 1}
FACTOR_KINDS = ("trigger", "root-cause", "contributing")
FACTOR_CATEGORIES = (
    "change-management",
    "configuration",
    "capacity",
    "dependency",
    "latent-bug",
    "monitoring-gap",
    "process",
    "tooling",
    "communication",
    "environment",
)
#: Impact metric (the default ``postmortem_impact_metrics``) -> its label.
IMPACT_LABELS = {
    "customers": "Customers affected",
    "requests": "Failed requests",
    "revenue": "Revenue lost (USD)",
    "error-budget": "Error budget burned",
    "data-loss": "Data lost",
}
#: Share of the impact the first ``[mitigate]`` removes (the recovery step).
MITIGATE_SHARES = (50, 75, 90, 95)
LESSON_KINDS = {"went-well": 3, "went-wrong": 4, "lucky": 2}
KIND_LABELS = {
    "went-well": "What went well",
    "went-wrong": "What went wrong",
    "lucky": "Where we got lucky",
}
SERVICES = (
    "checkout-api",
    "payments-gateway",
    "search",
    "auth-service",
    "inventory",
    "notifications",
    "cdn-edge",
    "user-profile",
    "order-pipeline",
    "reporting",
)
TAGS = (
    "deploy",
    "config-change",
    "capacity",
    "database",
    "network",
    "dns",
    "certificate",
    "dependency",
    "monitoring",
    "manual-step",
    "third-party",
    "rollback",
)
AUTHORS = (
    "Dana Kim",
    "Luis Ortega",
    "Priya Nair",
    "Tom Becker",
    "Aiko Sato",
    "Omar Haddad",
    "Sara Lindqvist",
    "Jonas Weber",
    "Mei Chen",
    "Carlos Ruiz",
    "Fatima Zahra",
    "Ben Okafor",
)
OWNERS = (
    "team-deploy",
    "team-payments",
    "team-search",
    "team-sre",
    "team-data",
    "team-platform",
    "team-security",
    "team-frontend",
)
TRACKER_PROJECTS = ("OPS", "DEPLOY", "PAY", "SRE", "DATA")
SEGMENTS = ("EU", "US", "APAC", "mobile", "enterprise")
REGIONS = ("Frankfurt", "Dublin", "Virginia", "Oregon", "Singapore")
CAUSES = (
    "a configuration change",
    "a failed deploy",
    "certificate expiry",
    "a database failover",
    "a DNS misconfiguration",
    "a dependency upgrade",
    "disk exhaustion",
    "a traffic spike",
)
TITLES = (
    "{service} returned 503s for {segment} customers",
    "Elevated latency on {service} after {cause}",
    "{service} unavailable during {cause}",
    "Partial outage of {service} caused by {cause}",
    "Stale data served by {service} following {cause}",
)
EVENTS = (
    "Alert ``{service}-error-rate`` fires in the {region} region.",
    "*{owner}* joins the incident channel and starts investigating.",
    "Dashboards show saturation on the {service} connection pool.",
    "Traffic for {segment} shifted to the {region} region.",
    "Status page updated: **investigating** degraded {service}.",
    "Suspected cause narrowed down to {cause}.",
    "Rollback of deploy {number} of {service} started.",
    "Customer support reports a rise in tickets from {segment} users.",
    "Feature flag ``{service}-fallback`` enabled for all tenants.",
    "Capacity added to {service}: {number} extra replicas requested.",
)
CONTINUATIONS = (
    "Errors continue because the change is global.",
    "The graph recovers partially, then flattens again.",
    "See the `runbook <https://runbooks.example.com/{service}>`__ for details.",
)
MILESTONE_EVENTS = {
    "start": "Deploy {number} of {service} begins rolling out.",
    "detect": "Error-rate alert pages the on-call engineer.",
    "ack": "On-call acknowledges and opens the incident channel.",
    "notify": "Status page updated: customers told about degraded {service}.",
    "mitigate": "Mitigation applied; the error rate starts to fall.",
    "resolve": "Metrics back at baseline; incident closed.",
}
FACTOR_TITLES = {
    "trigger": (
        "Deploy {number} of {service} changed a shared default",
        "A traffic spike from {segment} customers reached {service}",
        "A configuration change reached every {service} region at once",
    ),
    "root-cause": (
        "{service} held no limit on its connection pool",
        "The failover path of {service} had never been exercised",
        "{service} retried without backoff",
    ),
    "contributing": (
        "Alerts for {service} watched latency but not error codes",
        "The runbook for {service} described the old topology",
        "The rollback of {service} needed a manual approval",
        "The dependency between {service} and the gateway was undocumented",
    ),
}
ACTION_TITLES = (
    "Add automated canary analysis to the {service} deploy",
    "Alert on connection-pool saturation for {service}",
    "Document the failover runbook for {service}",
    "Automate certificate rotation for {service}",
    "Load-test {service} before the next peak season",
    "Review the on-call escalation policy for {service}",
    "Add a config schema check to the {service} pipeline",
)
LESSON_TITLES = {
    "went-well": (
        "The on-call rotation for {service} responded within minutes",
        "Rollback tooling for {service} worked as designed",
        "The incident channel kept stakeholders informed",
    ),
    "went-wrong": (
        "Config changes to {service} skipped the canary stage",
        "Alerts for {service} fired late and without context",
        "The runbook for {service} was out of date",
    ),
    "lucky": (
        "The {service} outage started outside peak hours",
        "A spare replica of {service} happened to be warm",
        "An engineer familiar with {service} was already online",
    ),
}
SENTENCES = (
    "The change to {service} had passed review and all automated checks.",
    "Customers in the {segment} segment saw errors for most requests.",
    "The root cause was {cause}, which affected every replica at once.",
    "Monitoring for {service} covered latency but not error codes.",
    "Retries from clients amplified the load on {service}.",
    "The dependency between {service} and the gateway was undocumented.",
    "Recovery took longer because the rollback needed a manual approval.",
    "No data was lost, but {number} requests had to be replayed.",
)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One timeline entry."""

    when: dt.datetime
    milestone: str | None
    lines: tuple[str, ...]
    share: int | None = None  # percent of impact removed, on a recovery milestone

    @property
    def marker(self) -> str:
        """The milestone as written in brackets: ``mitigate 90%``."""
        share = f" {self.share}%" if self.share is not None else ""
        return f"{self.milestone}{share}"


@dataclasses.dataclass(frozen=True)
class ActionItem:
    """One follow-up action item."""

    id: str
    title: str
    owner: str
    type: str
    priority: str
    due: dt.date
    status: str
    tracker: str
    body: str

    @property
    def overdue(self) -> bool:
        """True when not closed and due before the build date."""
        return self.status not in ("done", "wont-do") and self.due < TODAY


@dataclasses.dataclass(frozen=True)
class Lesson:
    """One lesson learned."""

    label: str
    title: str
    kind: str
    tags: tuple[str, ...]
    body: str


@dataclasses.dataclass(frozen=True)
class Factor:
    """One contributing factor: a trigger, root cause or contributing factor."""

    title: str
    kind: str
    categories: tuple[str, ...]
    body: str


@dataclasses.dataclass(frozen=True)
class Incident:
    """One post-mortem page."""

    id: str
    title: str
    date: dt.date
    severity: str
    status: str
    type: str
    authors: tuple[str, ...]
    services: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str
    impact: str
    root_cause: tuple[str, ...]
    timeline: tuple[Entry, ...]
    actions: tuple[ActionItem, ...]
    lessons: tuple[Lesson, ...]
    related: tuple[str, ...]
    detected_by: str = ""
    commander: str = ""
    responders: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    reviewers: tuple[str, ...] = ()
    #: metric -> the figure as written (``12,500``, ``1.2M``, ``38%``)
    figures: tuple[tuple[str, str], ...] = ()
    factors: tuple[Factor, ...] = ()

    @property
    def docname(self) -> str:
        """Document name of the page, e.g. ``postmortems/inc-2024-017``."""
        return f"postmortems/{self.id.lower()}"

    @property
    def label(self) -> str:
        """Label of the page in the plain corpus."""
        return self.id.lower()

    def milestone(self, name: str) -> dt.datetime:
        """Time of a milestone (every generated timeline has all six)."""
        return next(e.when for e in self.timeline if e.milestone == name)

    @property
    def duration(self) -> dt.timedelta:
        """Impact duration (resolve - start)."""
        return self.milestone("resolve") - self.milestone("start")

    @property
    def open_actions(self) -> int:
        """Number of action items still open or in progress."""
        return sum(a.status in ("open", "in-progress") for a in self.actions)


class Draw:
    """Deterministic draws from the vocabularies."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def weighted(self, weights: dict[str, int]) -> str:
        """One key, drawn by weight."""
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def some(self, pool: tuple[str, ...], low: int, high: int) -> tuple[str, ...]:
        """Between low and high distinct items, in vocabulary order."""
        picked = set(self.rng.sample(pool, self.rng.randint(low, high)))
        return tuple(item for item in pool if item in picked)

    def text(self, template: str, service: str) -> str:
        """Fill a template with random words."""
        return template.format(
            service=service,
            segment=self.rng.choice(SEGMENTS),
            region=self.rng.choice(REGIONS),
            cause=self.rng.choice(CAUSES),
            owner=self.rng.choice(OWNERS),
            number=self.rng.randint(1000, 9999),
        )

    def paragraph(self, service: str, sentences: int) -> str:
        """A paragraph of a few sentences."""
        picked = self.rng.sample(SENTENCES, sentences)
        return " ".join(self.text(s, service) for s in picked)


def milestone_positions(rng: random.Random) -> dict[int, str]:
    """Positions of the six milestones among the timeline entries."""
    detect = rng.randint(1, 3)
    ack = detect + rng.randint(1, 2)
    mitigate = rng.randint(ack + 2, TIMELINE_LEN - 3)
    return {
        0: "start",
        detect: "detect",
        ack: "ack",
        ack + 1: "notify",
        mitigate: "mitigate",
        TIMELINE_LEN - 1: "resolve",
    }


def make_timeline(draw: Draw, day: dt.date, service: str) -> tuple[Entry, ...]:
    """A timeline of TIMELINE_LEN entries with all six milestones, mitigation partial."""
    rng = draw.rng
    when = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
    positions = milestone_positions(rng)
    entries = []
    for pos in range(TIMELINE_LEN):
        milestone = positions.get(pos)
        template = MILESTONE_EVENTS[milestone] if milestone else rng.choice(EVENTS)
        lines = [draw.text(template, service)]
        if milestone is None and rng.random() < 0.3:
            lines.append(draw.text(rng.choice(CONTINUATIONS), service))
        share = rng.choice(MITIGATE_SHARES) if milestone == "mitigate" else None
        entries.append(Entry(when, milestone, tuple(lines), share))
        when += dt.timedelta(minutes=rng.randint(1, 25))
    return tuple(entries)


def make_actions(
    draw: Draw, inc_id: str, day: dt.date, services: tuple[str, ...]
) -> tuple[ActionItem, ...]:
    """The action items of one incident."""
    rng = draw.rng
    items = []
    for n in range(1, ACTIONS_PER_PAGE + 1):
        service = rng.choice(services)
        items.append(
            ActionItem(
                id=f"{inc_id}-A{n}",
                title=draw.text(rng.choice(ACTION_TITLES), service),
                owner=rng.choice(OWNERS),
                type=rng.choice(ACTION_TYPES),
                priority=rng.choice(PRIORITIES),
                due=day + dt.timedelta(days=rng.randint(7, 120)),
                status=draw.weighted(ACTION_STATUSES),
                tracker=f"{rng.choice(TRACKER_PROJECTS)}-{rng.randint(100, 9999)}",
                body=draw.paragraph(service, 1) if rng.random() < 0.5 else "",
            )
        )
    return tuple(items)


def make_lessons(draw: Draw, inc_id: str, services: tuple[str, ...]) -> tuple[Lesson, ...]:
    """The lessons of one incident."""
    rng = draw.rng
    lessons = []
    for n in range(1, LESSONS_PER_PAGE + 1):
        kind = draw.weighted(LESSON_KINDS)
        service = rng.choice(services)
        lessons.append(
            Lesson(
                label=f"{inc_id.lower()}-l{n}",
                title=draw.text(rng.choice(LESSON_TITLES[kind]), service),
                kind=kind,
                tags=draw.some(TAGS, 1, 2),
                body=draw.paragraph(service, 2),
            )
        )
    return tuple(lessons)


def make_factors(draw: Draw, services: tuple[str, ...]) -> tuple[Factor, ...]:
    """The trigger, a root cause and a contributing factor of one incident."""
    rng = draw.rng
    factors = []
    for kind in FACTOR_KINDS[:FACTORS_PER_PAGE]:
        service = rng.choice(services)
        factors.append(
            Factor(
                title=draw.text(rng.choice(FACTOR_TITLES[kind]), service),
                kind=kind,
                categories=draw.some(FACTOR_CATEGORIES, 1, 2),
                body=draw.paragraph(service, 1),
            )
        )
    return tuple(factors)


def make_figures(rng: random.Random) -> tuple[tuple[str, str], ...]:
    """The impact figures of one incident, written the ways authors write them."""
    customers = rng.randint(10, 99999)
    return (
        ("customers", f"{customers:,}"),
        ("requests", f"{rng.randint(11, 99) / 10}M"),
        ("revenue", f"{rng.randint(1, 500) * 100:,}"),
        ("error-budget", f"{rng.randint(1, 100)}%"),
        ("data-loss", "none" if rng.random() < 0.9 else f"{rng.randint(1, 900)}MB"),
    )


def make_incident(draw: Draw, inc_id: str, day: dt.date, earlier: list[str]) -> Incident:
    """One incident with all its parts."""
    rng = draw.rng
    services = draw.some(SERVICES, 1, 3)
    main = services[0]
    people = draw.some(AUTHORS, 3, 5)
    return Incident(
        id=inc_id,
        title=draw.text(rng.choice(TITLES), main),
        date=day,
        severity=draw.weighted(SEVERITIES),
        status=draw.weighted(STATUSES),
        type=draw.weighted(TYPES),
        authors=draw.some(AUTHORS, 1, 3),
        services=services,
        tags=draw.some(TAGS, 1, 3),
        summary=draw.paragraph(main, 2),
        impact=draw.paragraph(main, 2),
        root_cause=(draw.paragraph(main, 3), draw.paragraph(main, 2)),
        timeline=make_timeline(draw, day, main),
        actions=make_actions(draw, inc_id, day, services),
        lessons=make_lessons(draw, inc_id, services),
        related=tuple(rng.sample(earlier[-50:], min(len(earlier), rng.randint(0, 2)))),
        detected_by=draw.weighted(DETECTION_SOURCES),
        commander=people[0],
        responders=people[1:],
        reviewed=day + dt.timedelta(days=rng.randint(3, 14)),
        reviewers=draw.some(OWNERS, 1, 2),
        figures=make_figures(rng),
        factors=make_factors(draw, services),
    )


def incident_ids(days: list[dt.date]) -> list[str]:
    """IDs INC-<year>-<seq> for sorted dates, numbered per year."""
    ids: list[str] = []
    counters: dict[int, int] = {}
    for day in days:
        counters[day.year] = counters.get(day.year, 0) + 1
        ids.append(f"INC-{day.year}-{counters[day.year]:03d}")
    return ids


def build_corpus(n: int, seed: int = 42) -> list[Incident]:
    """N incidents, identical for a given n and seed, oldest first."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    days = sorted(FIRST_DAY + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))
    draw = Draw(rng)
    incidents: list[Incident] = []
    for inc_id, day in zip(incident_ids(days), days, strict=True):
        incidents.append(make_incident(draw, inc_id, day, [i.id for i in incidents]))
    return incidents


def edit_incident(incident: Incident, revision: int) -> Incident:
    """The incident with a new title and a changed first lesson body."""
    first, *rest = incident.lessons
    lesson = dataclasses.replace(
        first, body=f"{first.body} Revision {revision} adds this sentence."
    )
    base = incident.title.split(" (revision")[0]
    return dataclasses.replace(
        incident, title=f"{base} (revision {revision})", lessons=(lesson, *rest)
    )


def fmt_duration(delta: dt.timedelta) -> str:
    """``7m``, ``1h08m`` or ``2d03h15m``."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d{hours:02d}h{minutes:02d}m"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m"


def heading(text: str, char: str) -> list[str]:
    """A section title underlined with char."""
    return [text, char * len(text), ""]


def indent(lines: Iterable[str], prefix: str = "   ") -> list[str]:
    """Indent every non-empty line."""
    return [prefix + line if line else "" for line in lines]


def field_list(fields: dict[str, str]) -> list[str]:
    """A reST field list, skipping empty values."""
    return [f":{name}: {value}" for name, value in fields.items() if value]


def tracker_link(key: str) -> str:
    """A reST hyperlink to a tracker key."""
    return f"`{key} <{TRACKER_URL.format(key=key)}>`__"


def timestamps(entries: tuple[Entry, ...]) -> Iterator[tuple[Entry, str]]:
    """Entries with their timestamp text; the date only when it changes."""
    previous: dt.date | None = None
    for entry in entries:
        day = entry.when.date()
        fmt = "%H:%M" if day == previous else "%Y-%m-%d %H:%M"
        previous = day
        yield entry, entry.when.strftime(fmt)


def ext_incident(inc: Incident) -> list[str]:
    """The ``incident`` directive."""
    options = field_list(
        {
            "id": inc.id,
            "date": inc.date.isoformat(),
            "severity": inc.severity,
            "status": inc.status,
            "type": inc.type,
            "authors": ", ".join(inc.authors),
            "services": ", ".join(inc.services),
            "tags": ", ".join(inc.tags),
            **response_fields(inc),
        }
    )
    return [f".. incident:: {inc.title}", *indent(options), "", *indent([inc.summary]), ""]


def response_fields(inc: Incident) -> dict[str, str]:
    """Detection, responders and review, as ``incident`` options (empty values left out)."""
    return {
        "detected-by": inc.detected_by,
        "commander": inc.commander,
        "responders": ", ".join(inc.responders),
        "reviewed": inc.reviewed.isoformat() if inc.reviewed else "",
        "reviewers": ", ".join(inc.reviewers),
    }


def ext_impact(inc: Incident) -> list[str]:
    """The ``impact`` directive: one option per figure, then the prose."""
    return [".. impact::", *indent(field_list(dict(inc.figures))), "", *indent([inc.impact]), ""]


def ext_factor(factor: Factor) -> list[str]:
    """One ``factor`` directive."""
    options = field_list({"kind": factor.kind, "category": ", ".join(factor.categories)})
    return [f".. factor:: {factor.title}", *indent(options), "", *indent([factor.body]), ""]


def ext_timeline(inc: Incident) -> list[str]:
    """The ``timeline`` directive."""
    lines = [".. timeline::", "   :timezone: UTC", ""]
    for entry, stamp in timestamps(inc.timeline):
        head = f"{stamp} [{entry.marker}]" if entry.milestone else stamp
        lines.append(f"   {head} {entry.lines[0]}")
        pad = " " * (len(stamp) + 1)
        lines.extend(f"   {pad}{more}" for more in entry.lines[1:])
    return [*lines, ""]


def ext_action(item: ActionItem) -> list[str]:
    """One ``action-item`` directive."""
    options = field_list(
        {
            "id": item.id,
            "owner": item.owner,
            "type": item.type,
            "priority": item.priority,
            "due": item.due.isoformat(),
            "status": item.status,
            "tracker": item.tracker,
        }
    )
    body = ["", *indent([item.body])] if item.body else []
    return [f".. action-item:: {item.title}", *indent(options), *body, ""]


def ext_lesson(lesson: Lesson) -> list[str]:
    """One ``lesson`` directive."""
    options = field_list({"kind": lesson.kind, "tags": ", ".join(lesson.tags)})
    return [f".. lesson:: {lesson.title}", *indent(options), "", *indent([lesson.body]), ""]


def plain_metrics(inc: Incident) -> dict[str, str]:
    """The timeline metrics as field values."""
    start = inc.milestone("start")
    detect, ack = inc.milestone("detect"), inc.milestone("ack")
    return {
        "Impact start": start.strftime("%Y-%m-%d %H:%M UTC"),
        "Impact duration": fmt_duration(inc.duration),
        "Time to detect": fmt_duration(detect - start),
        "Time to acknowledge": fmt_duration(ack - detect),
        "Time to notify": fmt_duration(inc.milestone("notify") - start),
        "Time to mitigate": fmt_duration(inc.milestone("mitigate") - start),
        "Time to resolve": fmt_duration(inc.duration),
    }


def plain_incident(inc: Incident) -> list[str]:
    """The incident metadata as a field list, then the summary."""
    fields = {
        "ID": inc.id,
        "Date": inc.date.isoformat(),
        "Severity": inc.severity,
        "Status": inc.status,
        "Type": inc.type,
        "Authors": ", ".join(inc.authors),
        "Services": ", ".join(inc.services),
        "Tags": ", ".join(inc.tags),
        **plain_response(inc),
        **plain_metrics(inc),
        "Action items": f"{inc.open_actions} open / {len(inc.actions)}",
        "Lessons": str(len(inc.lessons)),
    }
    return [*field_list(fields), "", inc.summary, ""]


def plain_response(inc: Incident) -> dict[str, str]:
    """Detection, responders and review as field names and values: ``Detected by``."""
    fields = response_fields(inc)
    return {name.replace("-", " ").capitalize(): value for name, value in fields.items()}


def plain_impact(inc: Incident) -> list[str]:
    """The impact figures as a field list of labels, then the prose."""
    figures = {IMPACT_LABELS[metric]: value for metric, value in inc.figures}
    return [*field_list(figures), "", inc.impact, ""]


def plain_factor(factor: Factor) -> list[str]:
    """A factor written out by hand: bold kind and title, its categories, the body."""
    title = f"**{factor.kind.replace('-', ' ').capitalize()}: {factor.title}**"
    categories = field_list({"Categories": ", ".join(factor.categories)})
    return [title, "", *categories, "", factor.body, ""]


def plain_timeline(inc: Incident) -> list[str]:
    """The timeline as a bullet list with offsets and milestones."""
    start = inc.milestone("start")
    lines = []
    for entry, stamp in timestamps(inc.timeline):
        badge = f" **[{entry.marker}]**" if entry.milestone else ""
        offset = fmt_duration(entry.when - start)
        lines.append(f"- **{stamp} UTC** (T+{offset}){badge} {entry.lines[0]}")
        lines.extend(f"  {more}" for more in entry.lines[1:])
    return [*lines, ""]


def action_text(item: ActionItem) -> list[str]:
    """An action item written out by hand: bold id and title, a field list, the body."""
    due = item.due.isoformat() + (" **overdue**" if item.overdue else "")
    fields = field_list(
        {
            "Owner": item.owner,
            "Type": item.type,
            "Priority": item.priority,
            "Due": due,
            "Status": item.status,
            "Tracker": tracker_link(item.tracker),
        }
    )
    body = ["", item.body] if item.body else []
    return [f"**{item.id}**: {item.title}", "", *fields, *body]


def lesson_text(lesson: Lesson) -> list[str]:
    """A lesson written out by hand: bold kind and title, a field list, the body."""
    fields = field_list({"Kind": lesson.kind, "Tags": ", ".join(lesson.tags)})
    title = f"**{KIND_LABELS[lesson.kind]}: {lesson.title}**"
    return [title, "", *fields, "", lesson.body]


def plain_action(item: ActionItem) -> list[str]:
    """One action item as a labelled bullet with a field list."""
    return [f"- .. _{item.id.lower()}:", "", *indent(action_text(item), "  "), ""]


def plain_lesson(lesson: Lesson) -> list[str]:
    """One lesson as a labelled bullet with a field list."""
    return [f"- .. _{lesson.label}:", "", *indent(lesson_text(lesson), "  "), ""]


def todo_action(item: ActionItem) -> list[str]:
    """One action item as a ``todo`` block, its fields as text."""
    return [".. todo::", "", *indent(action_text(item)), ""]


def todo_lesson(lesson: Lesson) -> list[str]:
    """One lesson as a ``todo`` block, its fields as text."""
    return [".. todo::", "", *indent(lesson_text(lesson)), ""]


def need_id(text: str) -> str:
    """A need id: upper case, ``-`` becomes ``_``."""
    return text.upper().replace("-", "_")


def need_options(options: dict[str, str]) -> list[str]:
    """Need options as directive options, skipping empty values."""
    return indent(field_list(options))


def needs_incident(inc: Incident) -> list[str]:
    """The incident as an ``incident`` need; metrics as a field list."""
    options = need_options(
        {
            "id": need_id(inc.id),
            "date": inc.date.isoformat(),
            "severity": inc.severity,
            "status": inc.status,
            "incident_type": inc.type,
            "authors": ", ".join(inc.authors),
            "services": ", ".join(inc.services),
            "tags": ", ".join(inc.tags),
        }
    )
    extra = field_list(
        {
            **plain_response(inc),
            **plain_metrics(inc),
            "Action items": f"{inc.open_actions} open / {len(inc.actions)}",
            "Lessons": str(len(inc.lessons)),
        }
    )
    return [f".. incident:: {inc.title}", *options, "", *indent([inc.summary, "", *extra]), ""]


def needs_action(item: ActionItem, inc: Incident) -> list[str]:
    """One action item as an ``action`` need linked to its incident."""
    options = need_options(
        {
            "id": need_id(item.id),
            "owner": item.owner,
            "action_type": item.type,
            "priority": item.priority,
            "due": item.due.isoformat(),
            "status": item.status,
            "tracker": item.tracker,
            "links": need_id(inc.id),
        }
    )
    body = ["", *indent([item.body])] if item.body else []
    return [f".. action:: {item.title}", *options, *body, ""]


def needs_lesson(lesson: Lesson, inc: Incident) -> list[str]:
    """One lesson as a ``lesson`` need linked to its incident."""
    options = need_options(
        {
            "id": need_id(lesson.label),
            "kind": lesson.kind,
            "tags": ", ".join(lesson.tags),
            "links": need_id(inc.id),
        }
    )
    return [f".. lesson:: {lesson.title}", *options, "", *indent([lesson.body]), ""]


def related(inc: Incident, kind: str) -> list[str]:
    """The "Related incidents" section body."""
    if not inc.related:
        return ["None.", ""]
    if kind == "ext":
        refs = [f":incident:`{key}`" for key in inc.related]
    elif kind == "needs":
        refs = [f":need:`{need_id(key)}`" for key in inc.related]
    else:
        refs = [f":ref:`{key.lower()}`" for key in inc.related]
    return [f"- {ref}" for ref in refs] + [""]


#: How each corpus but ``needs`` (whose writers also take the incident) writes an item.
ACTION_WRITERS = {"ext": ext_action, "plain": plain_action, "todo": todo_action}
LESSON_WRITERS = {"ext": ext_lesson, "plain": plain_lesson, "todo": todo_lesson}


def render_page(inc: Incident, kind: str) -> str:
    """The reST source of one post-mortem page."""
    lines = [f".. _{inc.label}:", ""] if kind in ("plain", "todo") else []
    lines += heading(inc.title, "=") + heading("Summary", "-")
    lines += {"ext": ext_incident, "needs": needs_incident}.get(kind, plain_incident)(inc)
    lines += heading("Impact", "-")
    lines += ext_impact(inc) if kind == "ext" else plain_impact(inc)
    lines += heading("Timeline", "-")
    lines += ext_timeline(inc) if kind == "ext" else plain_timeline(inc)
    lines += heading("Root cause", "-")
    lines += [line for para in inc.root_cause for line in (para, "")]
    for factor in inc.factors:
        lines += ext_factor(factor) if kind == "ext" else plain_factor(factor)
    lines += heading("Action items", "-")
    for item in inc.actions:
        lines += needs_action(item, inc) if kind == "needs" else ACTION_WRITERS[kind](item)
    lines += heading("Lessons learned", "-")
    for lesson in inc.lessons:
        lines += needs_lesson(lesson, inc) if kind == "needs" else LESSON_WRITERS[kind](lesson)
    lines += heading("Related incidents", "-") + related(inc, kind)
    return "\n".join(lines).rstrip() + "\n"


def plain_incident_list(incidents: list[Incident]) -> list[str]:
    """Hand-written equivalent of ``incident-list``: newest first."""
    lines = []
    for inc in sorted(incidents, key=lambda i: (i.date, i.id), reverse=True):
        cells = (
            inc.date.isoformat(),
            inc.title,
            inc.severity,
            inc.status,
            ", ".join(inc.services),
            fmt_duration(inc.duration),
            f"{inc.open_actions}/{len(inc.actions)}",
        )
        lines.append(f"- :ref:`{inc.id} <{inc.label}>` | " + " | ".join(cells))
    return [*lines, ""]


def plain_lesson_list(incidents: list[Incident]) -> list[str]:
    """Hand-written equivalent of ``lesson-list`` grouped by tag."""
    lines = []
    for tag in sorted(TAGS):
        pairs = [(i, les) for i in incidents for les in i.lessons if tag in les.tags]
        if not pairs:
            continue
        lines += heading(tag, "-")
        for inc, lesson in pairs:
            lines += [
                f"- **{KIND_LABELS[lesson.kind]}: {lesson.title}**",
                "",
                f"  {lesson.body}",
                "",
                f"  From :ref:`{inc.id} <{lesson.label}>`: {inc.title}",
                "",
            ]
    return lines


def plain_action_list(incidents: list[Incident]) -> list[str]:
    """Hand-written equivalent of ``action-item-list``: open items by due date."""
    pairs = [(a, i) for i in incidents for a in i.actions if a.status in ("open", "in-progress")]
    lines = []
    for item, inc in sorted(pairs, key=lambda p: (p[0].due, p[0].id)):
        due = item.due.isoformat() + (" **overdue**" if item.overdue else "")
        cells = (
            item.title,
            item.owner,
            item.type,
            item.priority,
            due,
            item.status,
            tracker_link(item.tracker),
            f":ref:`{inc.id} <{inc.label}>`",
        )
        lines.append(f"- :ref:`{item.id} <{item.id.lower()}>` | " + " | ".join(cells))
    return [*lines, ""]


NEEDTABLES = {
    "incidents": ("incident", "", "id;title;date;severity;status;services;tags", "-date"),
    "lessons": ("lesson", "", "id;title;kind;tags;links", "id"),
    "actions": (
        "action",
        ' and status in ["open", "in-progress"]',
        "id;title;owner;action_type;priority;due;status;tracker;links",
        "due",
    ),
}


def needtable(name: str) -> list[str]:
    """A ``needtable`` of one need type, as a static table."""
    need_type, extra_filter, columns, sort = NEEDTABLES[name]
    return [
        ".. needtable::",
        f'   :filter: type == "{need_type}"{extra_filter}',
        f"   :columns: {columns}",
        "   :style: table",
        f"   :sort: {sort.lstrip('-')}",
        "",
    ]


def rollup_pages(incidents: list[Incident], kind: str) -> dict[str, str]:
    """Sources of the three roll-up pages.

    ``todo`` has no equivalent of an incident list, so its incident roll-up
    is the hand-written plain one; its lesson and action roll-ups are each a
    ``todolist`` (which lists every todo of the project: it cannot filter).
    """
    if kind == "ext":
        bodies = {
            "incidents": [".. incident-list::", ""],
            "lessons": [".. lesson-list::", "   :group-by: tag", ""],
            "actions": [".. action-item-list::", ""],
        }
    elif kind == "needs":
        bodies = {name: needtable(name) for name in ROLLUP_DOCS}
    elif kind == "todo":
        bodies = {
            "incidents": plain_incident_list(incidents),
            "lessons": [".. todolist::", ""],
            "actions": [".. todolist::", ""],
        }
    else:
        bodies = {
            "incidents": plain_incident_list(incidents),
            "lessons": plain_lesson_list(incidents),
            "actions": plain_action_list(incidents),
        }
    titles = {
        "incidents": "All incidents",
        "lessons": "Lessons learned",
        "actions": "Open action items",
    }
    return {
        name: "\n".join(heading(titles[name], "=") + body).rstrip() + "\n"
        for name, body in bodies.items()
    }


def conf_py(kind: str) -> str:
    """The project's conf.py."""
    lines = [
        f'project = "Post-mortem benchmark ({kind})"',
        'exclude_patterns = ["_build"]',
        'html_theme = "alabaster"',
        "# The global navigation sidebar renders all N pages on every page.",
        'html_sidebars = {"**": ["about.html", "relations.html", "searchbox.html"]}',
    ]
    if kind == "ext":
        lines += [
            'extensions = ["sphinx_postmortem"]',
            'postmortem_today = "2024-06-01"',
            f'postmortem_tracker_url = "{TRACKER_URL}"',
        ]
    elif kind == "todo":
        lines += ['extensions = ["sphinx.ext.todo"]', "todo_include_todos = True"]
    elif kind == "needs":
        lines += [
            'extensions = ["sphinx_needs"]',
            "needs_types = [",
            *(
                f'    {{"directive": "{t}", "title": "{t.title()}", '
                f'"prefix": "{t[:3].upper()}_", "color": "#BFD8D2", "style": "node"}},'
                for t in NEED_TYPES
            ),
            "]",
            "needs_extra_options = [",
            '    "date", "severity", "incident_type", "authors", "services",',
            '    "owner", "action_type", "priority", "due", "tracker", "kind",',
            "]",
            'needs_id_regex = r"^[A-Z0-9_]{3,}"',
            "needs_id_required = True",
            "# needs_fields replaces it in sphinx-needs 9; kept for older releases.",
            'suppress_warnings = ["needs.deprecated"]',
        ]
    else:
        lines.append("extensions = []")
    return "\n".join(lines) + "\n"


def index_rst() -> str:
    """The root document with a glob toctree."""
    lines = heading("Post-mortems", "=") + [
        ".. toctree::",
        "   :maxdepth: 1",
        "   :glob:",
        "",
        *indent(ROLLUP_DOCS),
        "   postmortems/*",
    ]
    return "\n".join(lines) + "\n"


def write_file(path: Path, text: str) -> None:
    """Write text, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_page(outdir: Path, incident: Incident, kind: str) -> Path:
    """Write one post-mortem page; return its path."""
    path = outdir / f"{incident.docname}.rst"
    write_file(path, render_page(incident, kind))
    return path


def write_rollups(outdir: Path, incidents: list[Incident], kind: str) -> None:
    """Write the three roll-up pages."""
    for name, text in rollup_pages(incidents, kind).items():
        write_file(outdir / f"{name}.rst", text)


def write_project(outdir: Path, incidents: list[Incident], kind: str) -> None:
    """Write a complete Sphinx project for the incidents."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    write_file(outdir / "conf.py", conf_py(kind))
    write_file(outdir / "index.rst", index_rst())
    write_rollups(outdir, incidents, kind)
    for incident in incidents:
        write_page(outdir, incident, kind)


# -- what the benchmarks that build these corpora share ------------------------------


def python_output(code: str) -> str:
    """Output of a snippet run by the interpreter that runs sphinx ("" if it fails)."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def machine_summary() -> str:
    """The machine a benchmark runs on: architecture, system and the usable CPUs."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"Machine {platform.machine()} {platform.system()} {platform.release()}, nproc {cpus}"


def sphinx_html_command(src: Path, out: Path, jobs: int) -> list[str]:
    """The quiet ``sphinx-build -b html -j jobs`` command line for a project."""
    return [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", str(jobs), str(src), str(out)]


def parse_sizes(text: str) -> list[int]:
    """Comma-separated positive integers."""
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def benchmark_parser(description: str) -> argparse.ArgumentParser:
    """Options of every benchmark: corpus sizes, ``--quick``, seed and work folder."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[200, 1000],
        help="comma-separated corpus sizes (default 200,1000)",
    )
    parser.add_argument("--quick", action="store_true", help="N=50 only (smoke test)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workdir", type=Path, help="keep generated projects here (default: temp dir)"
    )
    return parser


def parse_benchmark_args(
    parser: argparse.ArgumentParser, argv: list[str] | None
) -> argparse.Namespace:
    """The options of a :func:`benchmark_parser`; ``--quick`` sets the sizes to 50."""
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [50]
    return args


def compile_extension() -> str:
    """Write the byte-code of the installed extension, as installing a wheel does.

    An editable install run with ``PYTHONDONTWRITEBYTECODE=1`` (as on CI machines)
    would otherwise compile every module of the extension from source in every
    timed build (about 0.15 s a build), which no installed copy pays, while Sphinx
    and the peers are read from their byte-code. Returns what was done, to print.
    """
    code = (
        "import compileall, pathlib, sphinx_postmortem as p; "
        "folder = pathlib.Path(p.__file__).parent; "
        "print(folder if compileall.compile_dir(folder, quiet=1) else '')"
    )
    folder = python_output(code)
    return f"Byte-code written for {folder}" if folder else "Byte-code: could not be written"


def run_in_workdir(workdir: Path | None, prefix: str, run: Callable[[Path], int]) -> int:
    """``run(folder)`` in ``workdir``, or in a temporary folder removed afterwards.

    The extension's byte-code is written first (see :func:`compile_extension`).
    """
    print(compile_extension(), flush=True)
    if workdir:
        return run(workdir.resolve())
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        return run(Path(tmp))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of post-mortems")
    parser.add_argument("--kind", choices=KINDS, default="ext")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("outdir", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    if args.n < 1:
        print("--n must be at least 1", file=sys.stderr)
        return 2
    write_project(args.outdir, build_corpus(args.n, args.seed), args.kind)
    print(f"wrote {args.n} post-mortems ({args.kind}) to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
