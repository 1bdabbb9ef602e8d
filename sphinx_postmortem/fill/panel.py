"""The key facts and the metadata panel of an incident, filled from the store when written.

First comes one line of key facts (severity, status, impact duration, the
first impact figure, detection, open action items), as labelled text. The
panel lists what readers look for first, in this order: what happened
(id, date, severity, status, type), how it was detected and who responded,
the impact figures, the times (impact start, TTD/TTA/TTN/TTM/TTR, each saying
what it is measured from) and the recovery steps, the report itself (authors,
review), then links down to the action items, lessons and related
post-mortems. Empty fields are left out.
A "Contributing factors" block follows the fields: the page's factors grouped
by kind, trigger first.

The impact duration is the time to resolve (or, without a resolution, to
mitigate): it is shown once, in the key facts, and the panel keeps the
time-to row it equals. In LaTeX the fields are a two-column table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from docutils import nodes
from sphinx.builders import Builder
from sphinx.locale import get_translation

from ..domain import PostmortemDomain
from ..elements import Cell, css_token, field_list, label
from ..incremental.related_cache import related_incidents
from ..links import external_link, link, page_relative_url
from ..model import FACTOR_KINDS, FactorRecord, ImpactRecord, IncidentRecord, TimelineEntry, is_open
from ..names import factor_kind_names, measured_from_phrases, metric_names, role_name
from ..quantities import format_figure
from ..times import APPROXIMATE_SIGN, METRICS, entry_precision, format_clock, format_metric
from .latex_tables import column_spec, in_small_type
from .timeline import recovery_text

_ = get_translation("sphinx_postmortem")

#: A panel field: its name and its value (left out when empty).
Field = tuple[str, Cell]

#: Factor kinds whose titles stand out (in bold) in the factors summary.
PROMINENT_KINDS = ("trigger", "root-cause")


def build_panel(
    domain: PostmortemDomain, builder: Builder, fromdocname: str, docname: str, part: str = "all"
) -> list[nodes.Node]:
    """The key facts and the metadata panel of the incident on ``docname``, from the store.

    ``part`` is ``facts`` (the key facts only), ``details`` (the panel only) or
    ``all`` (both, facts first).
    """
    incident = domain.incident(docname)
    if incident is None:
        return [nodes.container()]
    if part == "facts":
        return [key_facts(domain, builder, fromdocname, incident)]
    groups = [
        _fields(_header_fields(incident)),
        _fields(_response_fields(incident)),
        _impact_fields(domain.impact(docname)),
        _time_fields(domain, docname),
        _fields(_report_fields(incident)),
        _fields(_record_fields(domain, builder, fromdocname, docname)),
    ]
    fields = nodes.field_list(classes=["pm-panel-fields"])
    for group in groups:
        if group:
            # a wide panel starts each group on a row of its own
            cast(nodes.field, group[0])["classes"].append("pm-panel-group")
            fields.extend(group)
    panel = nodes.container(classes=["pm-panel"])
    if builder.format == "latex":
        panel.extend(fields_table(fields))
    else:
        panel += fields
    factors = domain.factors(docname)
    if factors:
        panel += factors_summary(builder, fromdocname, factors)
    if part == "details":
        return [panel]
    return [key_facts(domain, builder, fromdocname, incident), panel]


def key_facts(
    domain: PostmortemDomain, builder: Builder, fromdocname: str, incident: IncidentRecord
) -> nodes.paragraph:
    """One line of labelled facts: "Severity SEV2 · Status published · Impact 1h08m · ...".

    Unknown facts are left out; each is its name then its value, so it reads
    without colour, in every builder.
    """
    line = nodes.paragraph(classes=["pm-key-facts"])
    for number, (key, name, value) in enumerate(_facts(domain, builder, fromdocname, incident)):
        if number:
            line += nodes.Text(" \N{MIDDLE DOT} ")
        fact = nodes.inline(classes=["pm-fact", f"pm-fact-{key}"])
        fact += nodes.inline(name, name, classes=["pm-fact-name"])
        fact += nodes.Text(" ")
        fact += value
        line += fact
    return line


def _facts(
    domain: PostmortemDomain, builder: Builder, fromdocname: str, incident: IncidentRecord
) -> list[tuple[str, str, nodes.Node]]:
    """The known key facts of ``incident``: (key, name, value node)."""
    docname = incident["docname"]
    facts: list[tuple[str, str, nodes.Node]] = []
    if incident["severity"]:
        facts.append(("severity", _("Severity"), label(incident["severity"], "sev")))
    facts.append(("status", _("Status"), label(incident["status"], "status")))
    metrics = domain.metrics(docname) if domain.timeline(docname) else None
    if metrics is not None and metrics.impact_duration is not None:
        duration = format_metric(metrics, "impact_duration")
        facts.append(("impact", _("Impact"), nodes.Text(duration)))
    impact = domain.impact(docname)
    if impact is not None and impact["figures"]:
        figure = impact["figures"][0]
        facts.append(("figure", figure["label"], nodes.Text(format_figure(figure))))
    if incident["detected_by"]:
        detected = label(incident["detected_by"], "detection")
        facts.append(("detection", _("Detected by"), detected))
    actions = domain.actions(docname)
    if actions:
        counts = {"open": sum(1 for a in actions if is_open(a)), "total": len(actions)}
        text = _("%(open)d of %(total)d open") % counts
        target = link(builder, fromdocname, docname, actions[0]["anchor"], text)
        facts.append(("actions", _("Actions"), target))
    return facts


def fields_table(fields: nodes.field_list) -> list[nodes.Node]:
    """The panel's fields as a two-column LaTeX table (name | value), in small type."""
    group = nodes.tgroup(cols=2)
    group += nodes.colspec(colwidth=30)
    group += nodes.colspec(colwidth=70)
    body = nodes.tbody()
    for field in fields.children:
        name, value = cast(nodes.field, field).children
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph("", "", *cast(nodes.Element, name).children))
        row += nodes.entry("", *cast(nodes.Element, value).children)
        body += row
    group += body
    table = nodes.table(classes=["pm-panel-table"])
    table += group
    return in_small_type(table, column_spec(table, 1, character_em=0.55))


def _fields(fields: Sequence[Field], classes: Sequence[str] = ()) -> list[nodes.Node]:
    """The field nodes of the non-empty ``fields``, each with ``classes``."""
    result = field_list(fields).children
    for field in result:
        cast(nodes.field, field)["classes"].extend(classes)
    return result


def _header_fields(incident: IncidentRecord) -> list[Field]:
    """What happened: id, date, severity, status, types."""
    return [
        (_("ID"), nodes.literal(incident["id"], incident["id"])),
        (_("Date"), incident["date"] or ""),
        (_("Severity"), label(incident["severity"], "sev") if incident["severity"] else ""),
        (_("Status"), label(incident["status"], "status")),
        (_("Type"), ", ".join(incident["types"])),
    ]


def _response_fields(incident: IncidentRecord) -> list[Field]:
    """How it was detected, who responded (each role, then the responders), where."""
    detected_by = incident["detected_by"]
    fields: list[Field] = [
        (_("Detected by"), label(detected_by, "detection") if detected_by else ""),
    ]
    fields += [(role_name(role), ", ".join(names)) for role, names in incident["roles"].items()]
    fields += [
        (role_name("responders"), ", ".join(incident["responders"])),
        (_("Services"), ", ".join(incident["services"])),
        (_("Tags"), ", ".join(incident["tags"])),
    ]
    return fields


def _impact_fields(impact: ImpactRecord | None) -> list[nodes.Node]:
    """One field per impact figure, its metric's label and the figure with its unit."""
    if impact is None:
        return []
    result = []
    for figure in impact["figures"]:
        classes = ["pm-panel-impact", f"pm-impact-{css_token(figure['metric'])}"]
        result += _fields([(figure["label"], format_figure(figure))], classes)
    return result


def _time_fields(domain: PostmortemDomain, docname: str) -> list[nodes.Node]:
    """Impact start, every measured time to detect ... resolve (saying from what), recovery.

    The impact duration is not a row: it equals the time to resolve (or to
    mitigate) and is in the key facts.
    """
    if not domain.timeline(docname):
        return []
    metrics = domain.metrics(docname)
    names = metric_names()
    phrases = measured_from_phrases()
    fields: list[Field] = []
    if metrics.start is not None:
        fields.append((_("Impact start"), format_entry_time(metrics.start)))
    for key, (_later, earlier) in METRICS.items():
        if key in metrics.durations:
            span = format_metric(metrics, key)
            fields.append((names[key], phrases[earlier] % {"span": span}))
    recovery = [(_("Recovery"), recovery_text(metrics))]
    return _fields(fields) + _fields(recovery, ["pm-panel-recovery"])


def _report_fields(incident: IncidentRecord) -> list[Field]:
    """The report itself: who wrote it, when and by whom it was reviewed."""
    return [
        (_("Authors"), ", ".join(incident["authors"])),
        (_("Reviewed"), incident["reviewed"] or ""),
        (_("Reviewers"), ", ".join(incident["reviewers"])),
    ]


def _record_fields(
    domain: PostmortemDomain, builder: Builder, fromdocname: str, docname: str
) -> list[Field]:
    """Links down to the page's action items and lessons, and to related post-mortems."""
    fields: list[Field] = []
    actions = domain.actions(docname)
    if actions:
        open_count = sum(1 for a in actions if is_open(a))
        text = _("%(open)d open / %(total)d total") % {"open": open_count, "total": len(actions)}
        fields.append(
            (_("Action items"), link(builder, fromdocname, docname, actions[0]["anchor"], text))
        )
    lessons = domain.lessons(docname)
    if lessons:
        count = str(len(lessons))
        fields.append(
            (_("Lessons"), link(builder, fromdocname, docname, lessons[0]["anchor"], count))
        )
    related = related_incidents(domain, docname)
    if related:
        fields.append((_("Related post-mortems"), _related_list(builder, fromdocname, related)))
    return fields


def factors_summary(
    builder: Builder, fromdocname: str, factors: Sequence[FactorRecord]
) -> nodes.container:
    """The "Contributing factors" block: factors grouped by kind (trigger first), linked.

    Each group is a field named after its kind, holding a list of its
    factors in the order written; each factor links to its place on the page
    and shows its categories as labels. Triggers and root causes are in bold.
    """
    heading = _("Contributing factors")
    block = nodes.container(classes=["pm-factors"])
    block += nodes.rubric(heading, heading, classes=["pm-factors-heading"])
    groups = nodes.field_list(classes=["pm-factor-groups"])
    for kind in FACTOR_KINDS:
        of_kind = [factor for factor in factors if factor["kind"] == kind]
        if not of_kind:
            continue
        items = nodes.bullet_list(classes=["pm-factor-items"])
        for factor in of_kind:
            items += _factor_item(builder, fromdocname, factor)
        name = _kind_heading(kind, len(of_kind))
        groups += nodes.field(
            "",
            nodes.field_name(name, name),
            nodes.field_body("", items),
            classes=["pm-factor-group", f"pm-factor-group-{kind}"],
        )
    block += groups
    return block


def _kind_heading(kind: str, count: int) -> str:
    """The name of a group of factors of ``kind``: "Trigger", "Contributing factors"."""
    if count == 1:
        return factor_kind_names()[kind]
    plurals = {
        "trigger": _("Triggers"),
        "root-cause": _("Root causes"),
        "contributing": _("Contributing factors"),
        "mitigator": _("Mitigating factors"),
    }
    return plurals[kind]


def _factor_item(builder: Builder, fromdocname: str, factor: FactorRecord) -> nodes.list_item:
    """One factor: its title linked to its anchor, then its categories as labels."""
    kind = factor["kind"]
    title = factor["title"]
    content: nodes.Node = (
        nodes.strong(title, title) if kind in PROMINENT_KINDS else nodes.Text(title)
    )
    paragraph = nodes.paragraph()
    paragraph += link(builder, fromdocname, factor["docname"], factor["anchor"], content)
    if factor["categories"]:
        categories = nodes.inline(classes=["pm-factor-categories"])
        categories += nodes.Text(" \N{MIDDLE DOT} ")
        for number, category in enumerate(factor["categories"]):
            if number:
                categories += nodes.Text(", ")
            categories += label(category, "factor-category")
        paragraph += categories
    return nodes.list_item("", paragraph, classes=["pm-factor-item", f"pm-factor-{kind}"])


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
