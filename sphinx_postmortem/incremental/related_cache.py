"""The ranking of related post-mortems, kept in the environment between builds.

Ranking every incident against every other grows with the square of their
number, so the ranking is kept in ``domain.data["related"]`` as positions
among all incidents (local first, then imported), with a digest of what it
depends on: ids, origins, dates, services, tags and factor categories of
every incident, and ``postmortem_related_limit``. While the digest is the same, the ranking is
reused; titles and severities are read afresh from the records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..domain import PostmortemDomain
from ..files import value_digest
from ..selection.related import Categories, identity, rank_related_positions
from ..settings import settings


def related_incidents(domain: PostmortemDomain, docname: str) -> list[dict[str, Any]]:
    """Incidents related to the one on ``docname`` (``postmortem_related_limit`` at most)."""
    return domain.derived("related", lambda: _related_by_page(domain)).get(docname, [])


def _related_by_page(domain: PostmortemDomain) -> dict[str, list[dict[str, Any]]]:
    local = domain.all_incidents()
    pool = [*local, *domain.imported("incidents")]
    limit = int(settings(domain.env).related_limit)
    categories = factor_categories(domain)
    digest = ranking_digest(local, pool, limit, categories)
    saved = domain.data["related"]
    if saved.get("digest") != digest or len(saved.get("ranking", ())) != len(local):
        ranking = rank_related_positions(local, pool, limit, categories)
        saved = {"digest": digest, "ranking": ranking}
        domain.data["related"] = saved
    return {
        incident["docname"]: [pool[p] for p in positions]
        for incident, positions in zip(local, saved["ranking"], strict=True)
    }


def factor_categories(domain: PostmortemDomain) -> dict[tuple[str, str, str], list[str]]:
    """The categories of each incident's factors, local and imported, by incident identity."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for incident in domain.all_incidents():
        factors = domain.factors(incident["docname"])
        found[identity(incident)] = [c for factor in factors for c in factor["categories"]]
    for factor in domain.imported("factors"):
        key = (factor["project"], factor.get("incident") or "", "")
        found.setdefault(key, []).extend(factor["categories"])
    return {key: sorted(set(values)) for key, values in found.items() if values}


def ranking_digest(
    targets: Sequence[Mapping[str, Any]],
    pool: Sequence[Mapping[str, Any]],
    limit: int,
    categories: Categories | None = None,
) -> str:
    """A hash of everything :func:`rank_related_positions` looks at (not titles or severities).

    Equal digests mean equal rankings, as positions in ``pool``.
    """
    categories = categories or {}
    inputs = [
        limit,
        [identity(t) for t in targets],
        [
            (identity(i), i["date"], i["services"], i["tags"], categories.get(identity(i), []))
            for i in pool
        ],
    ]
    return value_digest(inputs)
