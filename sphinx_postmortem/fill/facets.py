"""What the filter bar of a ``:filter:`` roll-up narrows by, written into the entries.

A ``lesson-list`` with ``:filter:`` marks each entry with one class per value
it can be filtered by (``pm-f-tag-deploy``, ``pm-f-kind-went-wrong``) and shows
those values under the entry (severity, services, tags, project), each in an
element with the same class, so the page's script (``sphinx_postmortem.js``)
reads both the value and its text from the page. Tables need nothing extra:
the script reads their cells by column (``pm-col-status``).

Only builders that run scripts get facets (see :func:`runs_scripts`); the
entry's view holds them, so the HTML entry store keys on them too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.locale import get_translation

from ..selection.filters import services_of, tags_of

_ = get_translation("sphinx_postmortem")

#: ``((facet, (value, ...)), ...)``: the values an entry can be filtered by.
Facets = tuple[tuple[str, tuple[str, ...]], ...]

#: The class of the line of facet values under a lesson, and of each value in it.
FACETS_CLASS = "pm-facets"
VALUE_CLASS = "pm-facet"
#: The class of a roll-up the page's script narrows (and sorts, for tables).
FILTER_CLASS = "pm-filter"


def runs_scripts(builder: Builder) -> bool:
    """Whether ``builder`` writes pages that run the filter script (HTML, not e-books)."""
    return builder.format == "html" and not getattr(builder, "embedded", False)


def facet_labels() -> dict[str, str]:
    """The name of each lesson facet, as the bar and the entries show it."""
    return {
        "kind": _("Kind"),
        "severity": _("Severity"),
        "service": _("Services"),
        "tag": _("Tags"),
        "project": _("Project"),
    }


def facet_class(facet: str, value: str) -> str:
    """The class of ``value`` of ``facet``: ``pm-f-tag-deploy``.

    A value that is not a plain token but for its case (``Ops & co``, ``déploy``,
    ``デプロイ``) gets a short digest after its token, so two values share a
    class only when they differ in case alone (``SEV2``, ``sev2``).
    """
    token = nodes.make_id(value)
    if token != value.lower():
        suffix = hashlib.sha1(value.encode("utf-8")).hexdigest()[:6]
        token = f"{token}-{suffix}" if token else suffix
    return f"pm-f-{facet}-{token}"


def lesson_facets(
    lesson: Mapping[str, Any], incident: Mapping[str, Any] | None, project: str | None
) -> Facets:
    """A lesson's facets: its kind, its incident's severity, its services and tags, project.

    ``project`` is given only when the page shows projects (there are imports).
    """
    severity = (incident or {}).get("severity") or ""
    facets: list[tuple[str, tuple[str, ...]]] = [
        ("kind", (lesson["kind"],)),
        ("severity", (severity,) if severity else ()),
        ("service", tuple(services_of(lesson, incident))),
        ("tag", tuple(tags_of(lesson, incident))),
    ]
    if project is not None:
        facets.append(("project", (project,)))
    return tuple(facets)


def facet_classes(facets: Facets) -> list[str]:
    """The classes of an entry with ``facets``: one per value."""
    return [facet_class(facet, value) for facet, values in facets for value in values]


def facet_line(facets: Facets, shown_elsewhere: Sequence[str] = ("kind",)) -> nodes.paragraph:
    """The line under an entry: "Severity: SEV2 · Services: api · Tags: deploy, config".

    Facets in ``shown_elsewhere`` (the kind, a label in the heading) are left out.
    """
    line = nodes.paragraph(classes=[FACETS_CLASS])
    names = facet_labels()
    for facet, values in facets:
        if facet in shown_elsewhere or not values:
            continue
        if len(line):
            line += nodes.Text(" \N{MIDDLE DOT} ")
        line += nodes.inline("", names[facet] + ": ", classes=["pm-facet-name"])
        for number, value in enumerate(values):
            if number:
                line += nodes.Text(", ")
            line += nodes.inline(value, value, classes=[VALUE_CLASS, facet_class(facet, value)])
    return line
