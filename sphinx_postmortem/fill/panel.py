"""The metadata panel of an incident, filled from the store when its page is written."""

from __future__ import annotations

import datetime as dt

from docutils import nodes
from sphinx.builders import Builder
from sphinx.locale import get_translation

from ..domain import PostmortemDomain
from ..elements import field_list, label
from ..incremental.related_cache import related_incidents
from ..links import external_link, link, page_relative_url
from ..model import TimelineEntry, is_open
from ..names import metric_names
from ..times import APPROXIMATE_SIGN, entry_precision, format_clock, format_metric

_ = get_translation("sphinx_postmortem")


def build_panel(
    domain: PostmortemDomain, builder: Builder, fromdocname: str, docname: str
) -> nodes.Node:
    """The metadata panel of the incident on ``docname``, from the domain's records."""
    incident = domain.incident(docname)
    if incident is None:
        return nodes.container()
    fields: list[tuple[str, object]] = [
        (_("ID"), nodes.literal(incident["id"], incident["id"])),
        (_("Date"), incident["date"] or ""),
        (_("Severity"), label(incident["severity"], "sev") if incident["severity"] else ""),
        (_("Status"), label(incident["status"], "status")),
        (_("Type"), incident["type"]),
        (_("Authors"), ", ".join(incident["authors"])),
        (_("Services"), ", ".join(incident["services"])),
        (_("Tags"), ", ".join(incident["tags"])),
    ]
    if domain.timeline(docname):
        metrics = domain.metrics(docname)
        names = metric_names()
        if metrics.start is not None:
            fields.append((_("Impact start"), format_entry_time(metrics.start)))
        if metrics.impact_duration is not None:
            fields.append((names["impact_duration"], format_metric(metrics, "impact_duration")))
        for key in metrics.durations:
            fields.append((names[key], format_metric(metrics, key)))
    actions = domain.actions(docname)
    if actions:
        open_count = sum(1 for a in actions if is_open(a))
        text = _("%(open)d open / %(total)d total") % {"open": open_count, "total": len(actions)}
        fields.append(
            (_("Action items"), link(builder, fromdocname, docname, actions[0]["anchor"], text))
        )
    lessons = domain.lessons(docname)
    if lessons:
        fields.append(
            (
                _("Lessons"),
                link(builder, fromdocname, docname, lessons[0]["anchor"], str(len(lessons))),
            )
        )
    related = related_incidents(domain, docname)
    if related:
        fields.append((_("Related post-mortems"), _related_list(builder, fromdocname, related)))
    panel = nodes.container(classes=["pm-panel"])
    panel += field_list(fields, classes=["pm-panel-fields"])  # type: ignore[arg-type]
    return panel


def _related_list(builder: Builder, fromdocname: str, related: list[dict]) -> nodes.Node:
    """A bullet list of related incidents, linked to their pages."""
    items = nodes.bullet_list(classes=["pm-related"])
    for incident in related:
        text = f"{incident['id']}: {incident['title']}"
        if incident.get("project"):
            text = f"{incident['project']} \N{MIDDLE DOT} {text}"
            target: nodes.Node = (
                external_link(page_relative_url(builder, fromdocname, incident["url"]), text)
                if incident.get("url")
                else nodes.Text(text)
            )
        else:
            target = link(builder, fromdocname, incident["docname"], incident["anchor"], text)
        details = ", ".join(filter(None, [incident["date"], incident["severity"]]))
        paragraph = nodes.paragraph()
        paragraph += target
        if details:
            paragraph += nodes.Text(f" ({details})")
        items += nodes.list_item("", paragraph)
    return items


def format_entry_time(entry: TimelineEntry) -> str:
    """When a timeline entry happened: ``2024-03-05 14:02 CET``, ``2021-05-12``.

    An approximate entry starts with ``≈``: ``≈2024-03-05 16:00 UTC``.
    """
    moment = dt.datetime.fromisoformat(entry["when"])
    precision = entry_precision(entry)
    text = moment.date().isoformat()
    if precision != "day":
        text = f"{text} {format_clock(moment, precision)} {entry['zone']}"
    return (APPROXIMATE_SIGN if entry.get("approximate") else "") + text
