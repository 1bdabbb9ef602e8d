"""Structure checks of a page once it is read: orphans, metric order, completeness.

- orphans: timeline, action items, lessons, impact or factors on a page without an incident;
- metric order: milestones that would make a metric negative;
- completeness: reports in review or published lack a required section,
  a timeline with ``[start]`` and ``[resolve]``, an action item or a lesson;
  incidents (not project reviews) lack a field of ``postmortem_required_fields``.
"""

from __future__ import annotations

from typing import cast

from docutils import nodes
from sphinx.application import Sphinx

from ..domain import PostmortemDomain
from ..errors import warn
from ..model import PROJECT_TYPE, IncidentRecord
from ..settings import settings


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Warn about orphaned directives, milestones out of order and missing sections."""
    docname = app.env.docname
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    incident = domain.incident(docname)
    if incident is None:
        _check_orphans(domain, docname)
    if domain.timeline(docname):
        for problem in domain.metrics(docname).problems:
            warn(f"timeline: {problem.message}", "timeline", (docname, problem.lineno))
    if incident is None:
        return
    configured = settings(app)
    if configured.completeness_check and incident["status"] in configured.checked_statuses:
        _check_completeness(app, domain, incident, doctree)


def _check_orphans(domain: PostmortemDomain, docname: str) -> None:
    orphans = [("action-item", a["title"], a["lineno"]) for a in domain.actions(docname)]
    orphans += [("lesson", le["title"], le["lineno"]) for le in domain.lessons(docname)]
    orphans += [("factor", f["title"], f["lineno"]) for f in domain.factors(docname)]
    impact = domain.impact(docname)
    if impact is not None:
        orphans.append(("impact", "", impact["lineno"]))
    timeline = domain.timeline(docname)
    if timeline:
        orphans.append(("timeline", "", timeline[0]["lineno"]))
    for directive, title, lineno in orphans:
        what = f"{directive} {title!r}" if title else directive
        warn(
            f"{what} is on a page without an incident directive; it is rendered but "
            "belongs to no post-mortem",
            "orphan",
            (docname, lineno),
        )


def _section_titles(doctree: nodes.document) -> list[str]:
    return [
        " ".join(section[0].astext().split()).casefold()
        for section in doctree.findall(nodes.section)
        if section.children and isinstance(section[0], nodes.title)
    ]


def _check_completeness(
    app: Sphinx, domain: PostmortemDomain, incident: IncidentRecord, doctree: nodes.document
) -> None:
    docname, location = incident["docname"], (incident["docname"], incident["lineno"])
    status = incident["status"]
    titles = _section_titles(doctree)
    configured = settings(app)
    is_project = incident["type"] == PROJECT_TYPE
    required_sections = (
        configured.project_required_sections if is_project else configured.required_sections
    )
    for required in required_sections:
        wanted = " ".join(str(required).split()).casefold()
        if not any(title == wanted or title.startswith(wanted + " ") for title in titles):
            warn(
                f"{incident['id']} is {status} but has no {required!r} section",
                "missing_section",
                location,
            )
    if not is_project:
        milestones = {e["milestone"] for e in domain.timeline(docname)}
        missing = [m for m in ("start", "resolve") if m not in milestones]
        if missing:
            warn(
                f"{incident['id']} is {status} but its timeline has no "
                + " or ".join(f"[{m}]" for m in missing)
                + " entry",
                "missing_section",
                location,
            )
    if not domain.actions(docname):
        warn(f"{incident['id']} is {status} but has no action-item", "missing_section", location)
    if not domain.lessons(docname):
        warn(f"{incident['id']} is {status} but has no lesson", "missing_section", location)
    if not is_project:
        for field in configured.required_fields:
            if not _has_field(domain, incident, field):
                warn(
                    f"{incident['id']} is {status} but has no {_field_name(field)}",
                    "missing_section",
                    location,
                )


def _has_field(domain: PostmortemDomain, incident: IncidentRecord, field: str) -> bool:
    """Whether ``incident`` gives ``field`` of ``postmortem_required_fields``."""
    docname = incident["docname"]
    given: dict[str, object] = {
        "impact": domain.impact(docname),
        "factor": domain.factors(docname),
        "detected-by": incident["detected_by"],
        "responders": incident["responders"],
        "reviewed": incident["reviewed"],
        "reviewers": incident["reviewers"],
    }
    value = given[field] if field in given else incident["roles"].get(field)
    return bool(value)


def _field_name(field: str) -> str:
    """How a missing required field is named: a directive, or an option of the incident."""
    return field if field in ("impact", "factor") else f":{field}:"
