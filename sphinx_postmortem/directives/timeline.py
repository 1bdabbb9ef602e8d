"""The ``timeline`` directive: timestamped events (an ordered list in HTML, a table elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import get_translation

from ..errors import warn
from ..model import TimelineEntry
from ..nodes import timeline_block, timeline_offset
from ..render import label, milestone_names, table
from ..timeline_parser import (
    format_clock,
    format_duration,
    format_offset,
    parse_lines,
    resolve_zone,
)
from .base import PostmortemDirective

if TYPE_CHECKING:
    from ..domain import PostmortemDomain

_ = get_translation("sphinx_postmortem")


class TimelineDirective(PostmortemDirective):
    """``.. timeline::`` whose content lines are ``HH:MM [milestone] what happened``."""

    has_content = True
    option_spec = {"timezone": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        zone = self.text_option("timezone") or self.config.postmortem_timezone
        previous = self.domain.timeline(docname)
        incident = self.domain.incident(docname)
        try:
            resolve_zone(zone)
        except ValueError as exc:
            self.warn(f":timezone: {exc}; using {self.config.postmortem_timezone}", "timeline")
            zone = self.config.postmortem_timezone
        result = parse_lines(
            enumerate(self.content.data),
            zone,
            previous=previous[-1] if previous else None,
            fallback_date=incident["date"] if incident else None,
            seen_milestones=[e["milestone"] for e in previous if e["milestone"]],
        )
        for problem in result.problems:
            warn(f"timeline: {problem.message}", "timeline", self._location(problem.lineno))
        if not self.content:
            self.warn("no entries", "timeline")
        for entry in result.entries:
            entry["lineno"] = self._source_line(entry["lineno"])
        self.domain.note_timeline(docname, result.entries)
        return [self._table(docname, result.entries)]

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

    def _table(self, docname: str, entries: list[TimelineEntry]) -> nodes.Node:
        names = milestone_names()
        rows = []
        shown_date = shown_zone = None
        for entry in entries:
            moment = dt.datetime.fromisoformat(entry["when"])
            date, zone = moment.date().isoformat(), entry["zone"]
            when = format_clock(moment)
            if date != shown_date:
                when = f"{date} {when}"
            if zone != shown_zone or date != shown_date:
                when = f"{when} {zone}"
            shown_date, shown_zone = date, zone
            milestone = entry["milestone"]
            description, _messages = self.state.inline_text(entry["text"], entry["lineno"])
            entry["text"] = "".join(node.astext() for node in description)
            rows.append(
                [
                    nodes.inline(when, when, classes=["pm-time"]),
                    timeline_offset(docname=docname, when=entry["when"]),
                    label(names[milestone], "milestone", milestone) if milestone else "",
                    description,
                ]
            )
        result = table(
            [_("Time"), _("Offset"), _("Milestone"), _("Event")],
            rows,
            classes=["pm-timeline"],
            widths=[18, 8, 12, 62],
        )
        source = self.get_source_info()[0]
        body_rows = list(result.findall(nodes.row))[1:]  # after the header row
        for row, entry in zip(body_rows, entries, strict=True):
            row["pm_when"], row["pm_milestone"] = entry["when"], entry["milestone"] or ""
            event = cast(nodes.Element, row.children[-1]).children[0]  # Event cell paragraph
            event.source, event.line = source, entry["lineno"]
        return timeline_block("", result, docname=docname)


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


def build_timeline_list(domain: PostmortemDomain, node: timeline_block) -> nodes.Node:
    """The HTML form of a timeline: an ordered list, each entry marked with its phase.

    The phase classes (``pm-phase-undetected``, ``-responding``, ``-mitigated``,
    ``-resolved``) let the stylesheet draw the time to detect, mitigate and
    resolve as coloured stretches of the vertical line; milestone entries say
    how long after the previous stage they came.
    """
    metrics = domain.metrics(node["docname"])
    reached = sorted(
        (dt.datetime.fromisoformat(e["when"]), e["milestone"])
        for e in domain.timeline(node["docname"])
        if e["milestone"]
    )
    gap_words = {
        "after impact start": _("after impact start"),
        "after detection": _("after detection"),
    }
    result = nodes.enumerated_list(enumtype="arabic", classes=["pm-timeline-list"])
    for row in node.findall(nodes.row):
        if "pm_when" not in row:
            continue
        when, milestone = row["pm_when"], row["pm_milestone"]
        moment = dt.datetime.fromisoformat(when)
        phase = "before"
        for reached_at, name in reached:
            if reached_at <= moment:
                phase = PHASES[name]
        cells = [entry.children[0] for entry in row.children]
        classes = ["pm-entry", f"pm-phase-{phase}"]
        if milestone:
            classes += ["pm-entry-milestone", f"pm-entry-{milestone}"]
        head = nodes.paragraph(classes=["pm-entry-head"])
        for cell in cells[:3]:
            if any(not isinstance(c, nodes.Text) or c.strip() for c in cell.children):
                head.extend(cell.children)
                head += nodes.Text(" ")
        if milestone in GAPS and GAPS[milestone][0] in metrics.durations:
            metric, words = GAPS[milestone]
            gap = f"{format_duration(metrics.durations[metric])} {gap_words[words]}"
            head += nodes.inline(gap, gap, classes=["pm-gap"])
        text = nodes.paragraph(classes=["pm-entry-text"])
        text.extend(cells[3].children)
        result += nodes.list_item("", head, text, classes=classes)
    return result


def build_offset(domain: PostmortemDomain, node: timeline_offset) -> nodes.Node:
    """The ``T+7m`` text of one timeline entry, relative to its page's impact start."""
    start = domain.metrics(node["docname"]).impact_start
    text = format_offset(node["when"], start)
    return nodes.inline(text, text, classes=["pm-offset"])
