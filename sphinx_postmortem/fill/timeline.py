"""A timeline as written: an ordered list in HTML, a table for other builders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from docutils import nodes
from sphinx.locale import get_translation

from ..domain import PostmortemDomain
from ..elements import label, table
from ..model import TimelineEntry
from ..names import milestone_names
from ..nodes import timeline_block
from ..times import (
    Metrics,
    RecoveryStep,
    entry_precision,
    format_metric,
    format_offset,
    format_span,
    is_partial_recovery,
    step_offset,
)

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
_ENTRY_ATTRIBUTES = (
    "pm_time",
    "pm_when",
    "pm_precision",
    "pm_approximate",
    "pm_milestone",
    "pm_share",
)


def share_text(share: float) -> str:
    """A share of the impact as readers see it: ``95 %``, ``99.5 %`` (a no-break space)."""
    return f"{share:g}\N{NO-BREAK SPACE}%"


def _milestone_label(event: nodes.paragraph, names: Mapping[str, str]) -> nodes.inline:
    """The badge of an entry's milestone: ``Mitigated``, ``Mitigated 95 %``."""
    milestone = event["pm_milestone"]
    share = event.get("pm_share")
    text = f"{names[milestone]} {share_text(share)}" if share is not None else names[milestone]
    return label(text, "milestone", milestone)


def recovery_text(metrics: Metrics) -> str:
    """The recovery steps in one line: ``95 % at T+49m, fully at T+2h57m``.

    Empty when there is nothing to add to the time to mitigate and resolve
    (no share given and neither milestone repeated).
    """
    steps = metrics.recovery
    if not is_partial_recovery(steps):
        return ""
    full = [step for step in steps if _is_full(step)]
    return ", ".join(_step_words(step, len(full) == 1) for step in steps)


def _is_full(step: RecoveryStep) -> bool:
    return step.share is None or step.share >= 100


def _step_words(step: RecoveryStep, only_full_step: bool) -> str:
    """``95 % at T+49m``; a full step ``fully at ...``, or names itself when there are several."""
    offset = step_offset(step)
    if not _is_full(step):
        return _("{share} at {offset}").format(share=share_text(step.share or 0), offset=offset)
    if only_full_step:
        return _("fully at {offset}").format(offset=offset)
    if step.milestone == "mitigate":
        return _("mitigated at {offset}").format(offset=offset)
    return _("resolved at {offset}").format(offset=offset)


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
        milestone_cell = _milestone_label(event, names) if milestone else ""
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


#: Phase of the incident an entry falls in, by the last milestone reached;
#: a ``[resolve]`` before the last one (a share restored) leaves it mitigated.
PHASES = {
    "start": "undetected",
    "detect": "responding",
    "ack": "responding",
    "mitigate": "mitigated",
    "resolve": "resolved",
}
#: What the gap of each milestone that happens once is measured from, and the
#: metric holding it; recovery steps are measured from impact start.
GAPS = {
    "detect": ("time_to_detect", "after impact start"),
    "ack": ("time_to_acknowledge", "after detection"),
    "notify": ("time_to_notify", "after impact start"),
}


def _phase_changes(entries: Sequence[TimelineEntry]) -> list[tuple[dt.datetime, str]]:
    """When each phase begins, in time order."""
    resolves = [index for index, entry in enumerate(entries) if entry["milestone"] == "resolve"]
    changes = []
    for index, entry in enumerate(entries):
        milestone = entry["milestone"]
        if milestone not in PHASES or milestone is None:
            continue
        phase = PHASES[milestone]
        if milestone == "resolve" and index != resolves[-1]:
            phase = PHASES["mitigate"]
        changes.append((dt.datetime.fromisoformat(entry["when"]), phase))
    return sorted(changes, key=lambda change: change[0])


def _gap(metrics: Metrics, event: nodes.paragraph) -> str:
    """How long after impact start (or detection) an entry's milestone came, or ``""``."""
    milestone = event["pm_milestone"]
    gap_words = {
        "after impact start": _("after impact start"),
        "after detection": _("after detection"),
    }
    if milestone in GAPS and GAPS[milestone][0] in metrics.durations:
        metric, words = GAPS[milestone]
        return f"{format_metric(metrics, metric)} {gap_words[words]}"
    for step in metrics.recovery:
        if (step.when, step.lineno, step.milestone) == (event["pm_when"], event.line, milestone):
            span = format_span(step.seconds, step.precision, step.approximate)
            return f"{span} {gap_words['after impact start']}"
    return ""


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
    changes = _phase_changes(domain.timeline(docname))
    names = milestone_names()
    result = nodes.enumerated_list(enumtype="arabic", classes=["pm-timeline-list"])
    for event, offset in zip(events, offsets, strict=True):
        milestone = event["pm_milestone"]
        moment = dt.datetime.fromisoformat(event["pm_when"])
        phase = "before"
        for changed_at, name in changes:
            if changed_at <= moment:
                phase = name
        classes = ["pm-entry", f"pm-phase-{phase}"]
        time_node, offset_node = _time_and_offset(event, offset)
        head = nodes.paragraph(classes=["pm-entry-head"])
        head += [time_node, nodes.Text(" "), offset_node, nodes.Text(" ")]
        if milestone:
            classes += ["pm-entry-milestone", f"pm-entry-{milestone}"]
            head += _milestone_label(event, names)
            head += nodes.Text(" ")
        gap = _gap(metrics, event) if milestone else ""
        if gap:
            head += nodes.inline(gap, gap, classes=["pm-gap"])
        for name in _ENTRY_ATTRIBUTES:
            if name in event:
                del event[name]
        event["classes"] = ["pm-entry-text"]
        result += nodes.list_item("", head, event, classes=classes)
    return result
