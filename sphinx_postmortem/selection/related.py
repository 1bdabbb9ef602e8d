"""Related post-mortems: other incidents (local or imported) sharing services, tags or causes.

Ranked by how many services, tags and contributing-factor categories they
share, then newest first, then by id, so a reader finds that another team
hit the same weakness.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

#: An incident's identity -> the categories of its contributing factors.
Categories = Mapping[tuple[str, str, str], Sequence[str]]


def _keys(incident: Mapping[str, Any], categories: Categories) -> set[tuple[str, str]]:
    return (
        {("service", s.casefold()) for s in incident["services"]}
        | {("tag", t.casefold()) for t in incident["tags"]}
        | {("category", c.casefold()) for c in categories.get(identity(incident), ())}
    )


def identity(incident: Mapping[str, Any]) -> tuple[str, str, str]:
    return incident.get("project") or "", incident["id"], incident.get("docname") or ""


def rank_related_positions(
    targets: Sequence[Mapping[str, Any]],
    pool: Sequence[Mapping[str, Any]],
    limit: int,
    categories: Categories | None = None,
) -> list[list[int]]:
    """For each incident of ``targets``, the positions in ``pool`` of its related incidents.

    ``categories`` gives the factor categories of incidents, by :func:`identity`.
    Uses an inverted index of services, tags and categories, so the cost grows
    with the number of shared keys, not with every pair of incidents.
    """
    if limit <= 0:
        return [[] for _ in targets]
    categories = categories or {}
    index: dict[tuple[str, str], list[int]] = {}
    for position, incident in enumerate(pool):
        for key in _keys(incident, categories):
            index.setdefault(key, []).append(position)
    results = []
    for target in targets:
        own = identity(target)
        shared: Counter[int] = Counter()
        for key in _keys(target, categories):
            for position in index.get(key, ()):
                shared[position] += 1
        candidates = [p for p in shared if identity(pool[p]) != own]
        candidates.sort(key=lambda p: (pool[p]["id"], identity(pool[p])))
        candidates.sort(key=lambda p: pool[p]["date"] or "", reverse=True)
        candidates.sort(key=lambda p: shared[p], reverse=True)
        results.append(candidates[:limit])
    return results
