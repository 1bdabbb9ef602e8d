"""The roll-up directives: ``incident-list``, ``lesson-list``, ``action-item-list``.

They only parse and check their options while the page is read, and leave a
placeholder that is filled once every document has been read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from docutils import nodes
from docutils.parsers.rst import directives

from ..errors import PostmortemError
from ..nodes import rollup
from ..selection.specs import parse_spec
from .base import PostmortemDirective
from .options import positive_int

_INCIDENT_FILTERS = (
    "severity",
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
    """Base class: options -> spec (problems are ``postmortem.filter`` warnings)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        spec, problems = parse_spec(self.name, self.options, self.settings)
        for problem in problems:
            self.warn(problem, "filter")
        self.domain.note_rollup(self.env.docname, self.name)
        return [rollup(kind=self.name, spec=spec, docname=self.env.docname)]


class IncidentListDirective(RollupDirective):
    """A table of incidents."""

    option_spec = _options(*_INCIDENT_FILTERS, "sort", "columns")


class LessonListDirective(RollupDirective):
    """Lessons learned, grouped under headings."""

    option_spec = _options(*_INCIDENT_FILTERS, "kind", "group-by", "summary-only")


class ActionItemListDirective(RollupDirective):
    """A table of action items, open ones by default."""

    option_spec = _options(
        "status", "owner", "type", "priority", "overdue", "sort", "tags", "limit", "projects"
    )


class StatsDirective(RollupDirective):
    """Trend charts and tables: incidents per period, median times, top services and tags."""

    option_spec = _options(*_INCIDENT_FILTERS, "period", "years")

    def run(self) -> list[nodes.Node]:
        result = super().run()
        placeholder = cast(rollup, result[0])
        if self.options.get("years"):
            try:
                years = positive_int(self.options["years"] or "", ":years:")
            except PostmortemError as exc:
                self.warn(f"{exc}; using postmortem_stats_years", "filter")
            else:
                placeholder["spec"]["years"] = years
        return result
