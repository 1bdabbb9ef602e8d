"""The roll-up directives: incident, lesson, action item and factor lists, and stats.

They only leave a placeholder holding their options while the page is read;
once it is read, the options become the roll-up's typed spec
(``selection/specs.py``), and the placeholder is filled once every document
has been read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives

from ..nodes import rollup
from .base import PostmortemDirective

_INCIDENT_FILTERS = (
    "severity",
    "detected-by",
    "status",
    "type",
    "services",
    "tags",
    "since",
    "until",
    "limit",
    "projects",
)


def _options(*names: str) -> dict[str, Callable[[str], Any]]:
    return {name: directives.unchanged for name in names}


class RollupDirective(PostmortemDirective):
    """Base class: a placeholder with the options, parsed once the page is read."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.domain.note_rollup(self.env.docname, self.name)
        placeholder = rollup(kind=self.name, options=dict(self.options), docname=self.env.docname)
        self.set_source_info(placeholder)
        return [placeholder]


class IncidentListDirective(RollupDirective):
    """A table of incidents."""

    option_spec = _options(*_INCIDENT_FILTERS, "sort", "columns", "filter")


class LessonListDirective(RollupDirective):
    """Lessons learned, grouped under headings."""

    option_spec = _options(*_INCIDENT_FILTERS, "kind", "group-by", "summary-only", "filter")


class ActionItemListDirective(RollupDirective):
    """A table of action items, open ones by default."""

    option_spec = _options(
        "status",
        "owner",
        "type",
        "priority",
        "overdue",
        "sort",
        "services",
        "tags",
        "limit",
        "projects",
        "filter",
    )


class FactorListDirective(RollupDirective):
    """Contributing factors of incidents, grouped under headings (by category by default)."""

    option_spec = _options(*_INCIDENT_FILTERS, "kind", "category", "group-by")


class StatsDirective(RollupDirective):
    """Trend charts and tables: incidents per period, median times, causes, detection, impact."""

    option_spec = _options(*_INCIDENT_FILTERS, "period", "years", "impact")
