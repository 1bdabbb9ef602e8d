"""A timeline as written: an ordered list in HTML, a table for other builders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from docutils import nodes
from sphinx.locale import get_translation

from ..domain import PostmortemDomain
from ..elements import label, table
from ..names import milestone_names
from ..nodes import timeline_block
from ..times import entry_precision, format_metric, format_offset

_ = get_translation("sphinx_postmortem")


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
