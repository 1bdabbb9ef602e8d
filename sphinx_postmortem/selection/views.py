"""What roll-ups select from: local and imported records of the projects a roll-up names.

An incident is seen through an :class:`IncidentView`: its record with the
metrics and counts that roll-ups show next to it. Views of local incidents
are derived once per change of the records (kept by the domain).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..domain import PostmortemDomain
from ..model import LOCAL_PROJECT, ImpactFigure, IncidentRecord, is_open


@dataclass
class IncidentView:
    """An incident with what roll-ups show next to it."""

    record: IncidentRecord
    metrics: dict[str, int] = field(default_factory=dict)
    open_actions: int = 0
    total_actions: int = 0
    lessons: int = 0
    #: The figures of its impact, in the order written.
    impact: list[ImpactFigure] = field(default_factory=list)
    #: The categories of its contributing factors, each once, in the order first given.
    factor_categories: list[str] = field(default_factory=list)

    def figure(self, metric: str) -> ImpactFigure | None:
        """The impact figure of ``metric`` (``customers``...), if the incident gives one."""
        return next((f for f in self.impact if f["metric"] == metric), None)


def _wanted(projects: Iterable[str] | None) -> set[str] | None:
    return None if projects is None else set(projects)


def _includes_local(wanted: set[str] | None) -> bool:
    return wanted is None or LOCAL_PROJECT in wanted


def incident_views(
    domain: PostmortemDomain, projects: Iterable[str] | None = None
) -> list[IncidentView]:
    """Incidents with metrics and counts, as roll-ups show them.

    ``projects`` names the projects to include (``local`` is this one);
    None means all.
    """
    wanted = _wanted(projects)
    local = domain.derived("views", lambda: _local_views(domain)) if _includes_local(wanted) else []
    categories = domain.derived("imported_categories", lambda: _imported_categories(domain))
    imported = [
        IncidentView(
            record=i,
            metrics=i["metrics"],
            open_actions=i["open_actions"],
            total_actions=i["total_actions"],
            lessons=i["lesson_count"],
            impact=i.get("impact", []),
            factor_categories=categories.get((i["project"], i["id"]), []),
        )
        for i in domain.imported("incidents", wanted)
    ]
    return local + imported


def _categories(factors: Iterable[Any]) -> list[str]:
    """The categories of ``factors``, each once, in the order first given."""
    return list(dict.fromkeys(c for factor in factors for c in factor["categories"]))


def _imported_categories(domain: PostmortemDomain) -> dict[tuple[str, str], list[str]]:
    """(project, incident id) -> the categories of its imported factors."""
    by_incident: dict[tuple[str, str], list[Any]] = {}
    for factor in domain.imported("factors"):
        by_incident.setdefault((factor["project"], factor.get("incident") or ""), []).append(factor)
    return {key: _categories(factors) for key, factors in by_incident.items()}


def _local_views(domain: PostmortemDomain) -> list[IncidentView]:
    views = []
    for incident in domain.all_incidents():
        docname = incident["docname"]
        metrics = domain.metrics(docname)
        durations = dict(metrics.durations)
        if metrics.impact_duration is not None:
            durations["impact_duration"] = metrics.impact_duration
        actions = domain.actions(docname)
        impact = domain.impact(docname)
        views.append(
            IncidentView(
                record=incident,
                metrics=durations,
                open_actions=sum(1 for a in actions if is_open(a)),
                total_actions=len(actions),
                lessons=len(domain.lessons(docname)),
                impact=impact["figures"] if impact else [],
                factor_categories=_categories(domain.factors(docname)),
            )
        )
    return views


def lessons_for(domain: PostmortemDomain, projects: Iterable[str] | None = None) -> list[Any]:
    """Local and imported lessons of the named projects (None: all)."""
    wanted = _wanted(projects)
    local = domain.all_lessons() if _includes_local(wanted) else []
    return local + domain.imported("lessons", wanted)


def factors_for(domain: PostmortemDomain, projects: Iterable[str] | None = None) -> list[Any]:
    """Local and imported contributing factors of the named projects (None: all)."""
    wanted = _wanted(projects)
    local = domain.all_factors() if _includes_local(wanted) else []
    return local + domain.imported("factors", wanted)


def actions_for(domain: PostmortemDomain, projects: Iterable[str] | None = None) -> list[Any]:
    """Local and imported action items of the named projects (None: all)."""
    wanted = _wanted(projects)
    local = domain.all_actions() if _includes_local(wanted) else []
    return local + domain.imported("action_items", wanted)
