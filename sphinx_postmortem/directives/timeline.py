"""The ``timeline`` directive: timestamped events (an ordered list in HTML, a table elsewhere)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import get_translation

from ..errors import warn
from ..model import IncidentRecord, TimelineEntry
from ..nodes import timeline_block
from ..render import label, milestone_names, table
from ..timeline_parser import (
    APPROXIMATE_SIGN,
    entry_precision,
    format_clock,
    format_metric,
    format_offset,
    parse_lines,
    resolve_zone,
)
from .base import PostmortemDirective
from .incident import UNUSABLE_DATE_KEY

if TYPE_CHECKING:
    from ..domain import PostmortemDomain

_ = get_translation("sphinx_postmortem")


class TimelineDirective(PostmortemDirective):
    """``.. timeline::`` whose content lines are ``HH:MM [milestone] what happened``."""

    has_content = True
    option_spec = {"timezone": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        default_zone = self.settings.timezone
        zone = self.text_option("timezone") or default_zone
        previous = self.domain.timeline(docname)
        incident = self.domain.incident(docname)
        try:
            resolve_zone(zone)
        except ValueError as exc:
            self.warn(f":timezone: {exc}; using {default_zone}", "timeline")
            zone = default_zone
        result = parse_lines(
            enumerate(self.content.data),
            zone,
            previous=previous[-1] if previous else None,
            fallback_date=self._incident_date(incident),
            seen_milestones=[e["milestone"] for e in previous if e["milestone"]],
        )
        for problem in result.problems:
            warn(f"timeline: {problem.message}", "timeline", self._location(problem.lineno))
        if not self.content:
            self.warn("no entries", "timeline")
        for entry in result.entries:
            entry["lineno"] = self._source_line(entry["lineno"])
        self.domain.note_timeline(docname, result.entries)
        return [self._block(docname, result.entries)]

    def _incident_date(self, incident: IncidentRecord | None) -> str | None:
        """The incident's date for time-only entries; ``""`` when its :date: is unusable.

        An unusable :date: has its own warning (see ``IncidentDirective``), so
        the entries that would need it are skipped without another one.
        """
        if incident is None:
            return None
        if incident["date"] is None and self.env.temp_data.get(UNUSABLE_DATE_KEY):
            return ""
        return incident["date"]

    def _source_line(self, index: int) -> int:
        """The line number in the source file of content line ``index``.

        Docutils gives content offsets in the file; MyST gives them from the
        start of the directive's body (and says where the body starts).
        """
        offset = self.content.offset(index)
        if self.content.offset(0) < self.lineno:  # a MyST body: offsets from its start
            return self.lineno + self.content_offset + offset + 1
        return offset + 1

    def _location(self, index: int) -> str:
        return f"{self.content.source(index)}:{self._source_line(index)}"

    def _block(self, docname: str, entries: list[TimelineEntry]) -> timeline_block:
        """The timeline as read: one paragraph per entry, holding its event text.

        Each paragraph carries what its entry shows besides the text (the time
        as written, the moment, precision and milestone); the list (HTML) or
        table (other builders) is built from them once, when the page is
        written (:func:`build_timeline`).
        """
        block = timeline_block(docname=docname)
        source = self.get_source_info()[0]
        shown_date = shown_zone = None
        for entry in entries:
            time_text, shown_date, shown_zone = _time_text(entry, shown_date, shown_zone)
            description, _messages = self.state.inline_text(entry["text"], entry["lineno"])
            entry["text"] = "".join(node.astext() for node in description)
            event = nodes.paragraph(
                "",
                "",
                *description,
                pm_time=time_text,
                pm_when=entry["when"],
                pm_precision=entry_precision(entry),
                pm_approximate=bool(entry.get("approximate")),
                pm_milestone=entry["milestone"] or "",
            )
            event.source, event.line = source, entry["lineno"]
            block += event
        return block


def _time_text(
    entry: TimelineEntry, shown_date: str | None, shown_zone: str | None
) -> tuple[str, str, str | None]:
    """The Time cell of an entry, and the date and zone a reader now has in mind.

    The date is written when it changes, the zone when the date or zone
    changes; a date-only entry is its date, an approximate one starts with ``≈``.
    """
    moment = dt.datetime.fromisoformat(entry["when"])
    date = moment.date().isoformat()
    zone: str | None = entry["zone"]
    precision = entry_precision(entry)
    if precision == "day":  # no zone shown: the next timed entry names it
        text, zone = date, shown_zone if date == shown_date else None
    else:
        text = format_clock(moment, precision)
        if date != shown_date:
            text = f"{date} {text}"
        if zone != shown_zone or date != shown_date:
            text = f"{text} {zone}"
    if entry.get("approximate"):
        text = APPROXIMATE_SIGN + text
    return text, date, zone


def _time_classes(entry: Mapping[str, Any]) -> list[str]:
    """``pm-time``, plus ``pm-approximate`` and ``pm-date-only`` where they apply."""
    classes = ["pm-time"]
    if entry.get("approximate"):
        classes.append("pm-approximate")
    if entry_precision(entry) == "day":
        classes.append("pm-date-only")
    return classes


#: Attributes of an entry's paragraph as read, dropped when it is written.
_ENTRY_ATTRIBUTES = ("pm_time", "pm_when", "pm_precision", "pm_approximate", "pm_milestone")


def build_timeline(domain: PostmortemDomain, node: timeline_block, html: bool) -> nodes.Node:
    """The timeline of ``node`` as written: an ordered list in HTML, a table elsewhere.

    Offsets from impact start are computed here, from the page's metrics,
    for every entry of the one timeline in a single pass.
    """
    start = domain.metrics(node["docname"]).start
    events = [child for child in node.children if isinstance(child, nodes.paragraph)]
    offsets = [format_offset(_entry_of(event), start) for event in events]
    if html:
        return _timeline_list(domain, node["docname"], events, offsets)
    return _timeline_table(events, offsets)


def _entry_of(event: nodes.paragraph) -> dict[str, Any]:
    """The moment of an entry's paragraph as the timeline functions take it."""
    return {
        "when": event["pm_when"],
        "precision": event["pm_precision"],
        "approximate": event["pm_approximate"],
    }


def _time_and_offset(event: nodes.paragraph, offset: str) -> tuple[nodes.inline, nodes.inline]:
    """The time of an entry as written, and its offset from impact start."""
    time_text = event["pm_time"]
    return (
        nodes.inline(time_text, time_text, classes=_time_classes(_entry_of(event))),
        nodes.inline(offset, offset, classes=["pm-offset"]),
    )


def _timeline_table(events: list[nodes.paragraph], offsets: list[str]) -> nodes.table:
    """The timeline as a table: Time, Offset, Milestone, Event (builders other than HTML)."""
    names = milestone_names()
    rows = []
    for event, offset in zip(events, offsets, strict=True):
        milestone = event["pm_milestone"]
        time_cell, offset_cell = _time_and_offset(event, offset)
        milestone_cell = label(names[milestone], "milestone", milestone) if milestone else ""
        rows.append([time_cell, offset_cell, milestone_cell, event.children])
    result = table(
        [_("Time"), _("Offset"), _("Milestone"), _("Event")],
        rows,
        classes=["pm-timeline"],
        widths=[18, 8, 12, 62],
    )
    body = cast(nodes.tbody, next(result.findall(nodes.tbody)))
    for row, event in zip(body.children, events, strict=True):
        cell = cast(nodes.Element, row.children[-1]).children[0]  # the Event paragraph
        cell.source, cell.line = event.source, event.line  # where its references point
    return result


#: Phase of the incident an entry falls in, by the last milestone reached.
PHASES = {
    "start": "undetected",
    "detect": "responding",
    "ack": "responding",
    "mitigate": "mitigated",
    "resolve": "resolved",
}
#: What each milestone's gap is measured from, and the metric holding it.
GAPS = {
    "detect": ("time_to_detect", "after impact start"),
    "ack": ("time_to_acknowledge", "after detection"),
    "mitigate": ("time_to_mitigate", "after impact start"),
    "resolve": ("time_to_resolve", "after impact start"),
}


def _timeline_list(
    domain: PostmortemDomain, docname: str, events: list[nodes.paragraph], offsets: list[str]
) -> nodes.enumerated_list:
    """The HTML form of a timeline: an ordered list, each entry marked with its phase.

    The phase classes (``pm-phase-undetected``, ``-responding``, ``-mitigated``,
    ``-resolved``) let the stylesheet draw the time to detect, mitigate and
    resolve as coloured stretches of the vertical line; milestone entries say
    how long after the previous stage they came. Each entry is a head
    (time, offset, milestone, gap) and the entry's own paragraph, reused.
    """
    metrics = domain.metrics(docname)
    reached = sorted(
        (dt.datetime.fromisoformat(e["when"]), e["milestone"])
        for e in domain.timeline(docname)
        if e["milestone"]
    )
    names = milestone_names()
    gap_words = {
        "after impact start": _("after impact start"),
        "after detection": _("after detection"),
    }
    result = nodes.enumerated_list(enumtype="arabic", classes=["pm-timeline-list"])
    for event, offset in zip(events, offsets, strict=True):
        milestone = event["pm_milestone"]
        moment = dt.datetime.fromisoformat(event["pm_when"])
        phase = "before"
        for reached_at, name in reached:
            if reached_at <= moment:
                phase = PHASES[name]
        classes = ["pm-entry", f"pm-phase-{phase}"]
        time_node, offset_node = _time_and_offset(event, offset)
        head = nodes.paragraph(classes=["pm-entry-head"])
        head += [time_node, nodes.Text(" "), offset_node, nodes.Text(" ")]
        if milestone:
            classes += ["pm-entry-milestone", f"pm-entry-{milestone}"]
            head += label(names[milestone], "milestone", milestone)
            head += nodes.Text(" ")
        if milestone in GAPS and GAPS[milestone][0] in metrics.durations:
            metric, words = GAPS[milestone]
            gap = f"{format_metric(metrics, metric)} {gap_words[words]}"
            head += nodes.inline(gap, gap, classes=["pm-gap"])
        for name in _ENTRY_ATTRIBUTES:
            del event[name]
        event["classes"] = ["pm-entry-text"]
        result += nodes.list_item("", head, event, classes=classes)
    return result
