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
from ..model import LOCAL_PROJECT, IncidentRecord, is_open


@dataclass
class IncidentView:
    """An incident with what roll-ups show next to it."""

    record: IncidentRecord
    metrics: dict[str, int] = field(default_factory=dict)
    open_actions: int = 0
    total_actions: int = 0
    lessons: int = 0


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
    imported = [
        IncidentView(
            record=i,
            metrics=i["metrics"],
            open_actions=i["open_actions"],
            total_actions=i["total_actions"],
            lessons=i["lesson_count"],
        )
        for i in domain.imported("incidents", wanted)
    ]
    return local + imported


def _local_views(domain: PostmortemDomain) -> list[IncidentView]:
    views = []
    for incident in domain.all_incidents():
        docname = incident["docname"]
        metrics = domain.metrics(docname)
        durations = dict(metrics.durations)
        if metrics.impact_duration is not None:
            durations["impact_duration"] = metrics.impact_duration
        actions = domain.actions(docname)
        views.append(
            IncidentView(
                record=incident,
                metrics=durations,
                open_actions=sum(1 for a in actions if is_open(a)),
                total_actions=len(actions),
                lessons=len(domain.lessons(docname)),
            )
        )
    return views


def lessons_for(domain: PostmortemDomain, projects: Iterable[str] | None = None) -> list[Any]:
    """Local and imported lessons of the named projects (None: all)."""
    wanted = _wanted(projects)
    local = domain.all_lessons() if _includes_local(wanted) else []
    return local + domain.imported("lessons", wanted)


def actions_for(domain: PostmortemDomain, projects: Iterable[str] | None = None) -> list[Any]:
    """Local and imported action items of the named projects (None: all)."""
    wanted = _wanted(projects)
    local = domain.all_actions() if _includes_local(wanted) else []
    return local + domain.imported("action_items", wanted)
