"""A timeline as written: an ordered list in HTML, a table for other builders.

In HTML each time is a ``<time datetime="...">`` element; in every output a
gap of more than a day between two entries is a break line between them.
"""

from __future__ import annotations

import datetime as dt
import html as html_text
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any, cast

from docutils import nodes
from sphinx.locale import get_translation

from ..domain import PostmortemDomain
from ..elements import label, table, table_row
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
    measure,
    step_offset,
)
from .latex_tables import column_spec, spec_node

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


def build_timeline(
    domain: PostmortemDomain, node: timeline_block, html: bool
) -> nodes.Node | list[nodes.Node]:
    """The timeline of ``node`` as written: an ordered list in HTML, a table elsewhere
    (with its LaTeX column spec before it, so that no offset or time runs over).

    Offsets from impact start, and the breaks between entries far apart, are
    computed here, from the page's metrics, for every entry of the one
    timeline in a single pass.
    """
    start = domain.metrics(node["docname"]).start
    events = [child for child in node.children if isinstance(child, nodes.paragraph)]
    offsets = [format_offset(_entry_of(event), start) for event in events]
    breaks = breaks_after([_entry_of(event) for event in events])
    if html:
        return _timeline_list(domain, node["docname"], events, offsets, breaks)
    table = _timeline_table(events, offsets, breaks)
    return [spec_node(column_spec(table, flexible=3, wrap_at=TIMELINE_WRAP_AT)), table]


#: LaTeX: the Time and Milestone columns wrap at spaces past this many characters.
TIMELINE_WRAP_AT = {0: 11, 2: 10}


#: Two consecutive entries further apart than this (in seconds) have a break between them.
BREAK_AFTER = 86400


def breaks_after(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """The break line after each entry: ``… 13d later …``, or ``""``.

    An entry has one when the next entry comes more than a day after it; the
    time between them is written like the offsets (``13d``, ``1d02h30m``,
    ``≈1d02h00m``), so that both read alike. The last entry never has one.
    """
    lines = [_break_line(earlier, later) for earlier, later in pairwise(entries)]
    return [*lines, ""] if entries else []


def _break_line(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> str:
    span = measure(later, earlier)
    if span.seconds <= BREAK_AFTER:
        return ""
    duration = format_span(span.seconds, span.precision, span.approximate)
    return _("… {duration} later …").format(duration=duration)


def _break_text(text: str) -> nodes.inline:
    return nodes.inline(text, text, classes=["pm-gap", "pm-break"])


def machine_time(entry: Mapping[str, Any]) -> str:
    """The moment of an entry as HTML's ``datetime`` attribute takes it.

    ``2024-03-05T14:02+00:00``; seconds, and milliseconds, only where the
    entry has them; a date-only entry is its date: ``2021-05-12``.
    """
    moment = dt.datetime.fromisoformat(entry["when"])
    precision = entry_precision(entry)
    if precision == "day":
        return moment.date().isoformat()
    if moment.microsecond:
        return moment.isoformat(timespec="milliseconds")
    if moment.second or precision == "second":
        return moment.isoformat(timespec="seconds")
    return moment.isoformat(timespec="minutes")


def _entry_of(event: nodes.paragraph) -> dict[str, Any]:
    """The moment of an entry's paragraph as the timeline functions take it."""
    return {
        "when": event["pm_when"],
        "precision": event["pm_precision"],
        "approximate": event["pm_approximate"],
    }


def _time_node(event: nodes.paragraph) -> nodes.inline:
    """The time of an entry as written (builders other than HTML)."""
    time_text = event["pm_time"]
    return nodes.inline(time_text, time_text, classes=_time_classes(_entry_of(event)))


def _html_time(event: nodes.paragraph) -> str:
    """The time of an entry in a ``<time datetime="...">`` element, every part escaped."""
    entry = _entry_of(event)
    return '<time class="{}" datetime="{}">{}</time>'.format(
        html_text.escape(" ".join(_time_classes(entry))),
        html_text.escape(machine_time(entry)),
        html_text.escape(event["pm_time"]),
    )


def _html_span(node: nodes.inline) -> str:
    """An inline as the HTML writer would write it: ``<span class="...">text</span>``."""
    classes = html_text.escape(" ".join(node["classes"]))
    return f'<span class="{classes}">{html_text.escape(node.astext())}</span>'


def _html_head(
    event: nodes.paragraph, offset: str, badge: nodes.inline | None, gap: str
) -> nodes.raw:
    """The head of an entry (time, offset, milestone badge, gap) as one piece of raw HTML.

    Docutils has no node for ``<time>``; writing the whole head as the HTML
    writer would (each part escaped) keeps it to one node instead of a dozen,
    which every transform and writer walks. The timeline list is HTML only.
    """
    parts = [_html_time(event), " ", _html_span(_offset_node(offset)), " "]
    if badge is not None:
        parts += [_html_span(badge), " "]
    if gap:
        parts.append(_html_span(nodes.inline(gap, gap, classes=["pm-gap"])))
    return nodes.raw("", "".join(parts), format="html")


def _offset_node(offset: str) -> nodes.inline:
    return nodes.inline(offset, offset, classes=["pm-offset"])


def _timeline_table(
    events: list[nodes.paragraph], offsets: list[str], breaks: list[str]
) -> nodes.table:
    """The timeline as a table: Time, Offset, Milestone, Event (builders other than HTML).

    A break between two entries far apart is a row of its own, its text in the
    Event column (``pm-timeline-break``; not a spanning cell, which the man
    writer warns about).
    """
    names = milestone_names()
    rows: list[nodes.Element] = []
    for event, offset, after in zip(events, offsets, breaks, strict=True):
        milestone = event["pm_milestone"]
        milestone_cell = _milestone_label(event, names) if milestone else ""
        row = table_row([_time_node(event), _offset_node(offset), milestone_cell, event.children])
        cell = cast(nodes.Element, row.children[-1]).children[0]  # the Event paragraph
        cell.source, cell.line = event.source, event.line  # where its references point
        rows.append(row)
        if after:
            rows.append(table_row(["", "", "", _break_text(after)]))
            rows[-1]["classes"].append("pm-timeline-break")
    return table(
        [_("Time"), _("Offset"), _("Milestone"), _("Event")],
        rows,
        classes=["pm-timeline"],
        widths=[18, 8, 12, 62],
    )


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


def _phase_at(changes: list[tuple[dt.datetime, str]], when: str) -> str:
    """The phase of the incident at ``when`` (an ISO timestamp): ``before`` its start."""
    moment = dt.datetime.fromisoformat(when)
    phase = "before"
    for changed_at, name in changes:
        if changed_at <= moment:
            phase = name
    return phase


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
    domain: PostmortemDomain,
    docname: str,
    events: list[nodes.paragraph],
    offsets: list[str],
    breaks: list[str],
) -> nodes.enumerated_list:
    """The HTML form of a timeline: an ordered list, each entry marked with its phase.

    The phase classes (``pm-phase-undetected``, ``-responding``, ``-mitigated``,
    ``-resolved``) let the stylesheet draw the time to detect, mitigate and
    resolve as coloured stretches of the vertical line; milestone entries say
    how long after the previous stage they came. Each entry is a head
    (time, offset, milestone, gap) and the entry's own paragraph, reused,
    then the break line when the next entry is more than a day later
    (``p.pm-entry-break``: inside the entry, so the list still counts entries).
    """
    metrics = domain.metrics(docname)
    changes = _phase_changes(domain.timeline(docname))
    names = milestone_names()
    result = nodes.enumerated_list(enumtype="arabic", classes=["pm-timeline-list"])
    for event, offset, after in zip(events, offsets, breaks, strict=True):
        milestone = event["pm_milestone"]
        classes = ["pm-entry", f"pm-phase-{_phase_at(changes, event['pm_when'])}"]
        badge = _milestone_label(event, names) if milestone else None
        if milestone:
            classes += ["pm-entry-milestone", f"pm-entry-{milestone}"]
        gap = _gap(metrics, event) if milestone else ""
        head = nodes.paragraph(classes=["pm-entry-head"])
        head += _html_head(event, offset, badge, gap)
        for name in _ENTRY_ATTRIBUTES:
            if name in event:
                del event[name]
        event["classes"] = ["pm-entry-text"]
        item = nodes.list_item("", head, event, classes=classes)
        if after:
            item += nodes.paragraph("", "", _break_text(after), classes=["pm-entry-break"])
        result += item
    return result
