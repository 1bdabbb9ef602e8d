"""The ranking of related post-mortems, kept in the environment between builds.

Ranking every incident against every other grows with the square of their
number, so the ranking is kept in ``domain.data["related"]`` as positions
among all incidents (local first, then imported), with a digest of what it
depends on: ids, origins, dates, services and tags of every incident, and
``postmortem_related_limit``. While the digest is the same, the ranking is
reused; titles and severities are read afresh from the records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..domain import PostmortemDomain
from ..selection.related import identity, rank_related_positions
from ..settings import settings
from .files import value_digest


def related_incidents(domain: PostmortemDomain, docname: str) -> list[dict[str, Any]]:
    """Incidents related to the one on ``docname`` (``postmortem_related_limit`` at most)."""
    return domain.derived("related", lambda: _related_by_page(domain)).get(docname, [])


def _related_by_page(domain: PostmortemDomain) -> dict[str, list[dict[str, Any]]]:
    local = domain.all_incidents()
    pool = [*local, *domain.imported("incidents")]
    limit = int(settings(domain.env).related_limit)
    digest = ranking_digest(local, pool, limit)
    saved = domain.data["related"]
    if saved.get("digest") != digest or len(saved.get("ranking", ())) != len(local):
        saved = {"digest": digest, "ranking": rank_related_positions(local, pool, limit)}
        domain.data["related"] = saved
    return {
        incident["docname"]: [pool[p] for p in positions]
        for incident, positions in zip(local, saved["ranking"], strict=True)
    }


def ranking_digest(
    targets: Sequence[Mapping[str, Any]], pool: Sequence[Mapping[str, Any]], limit: int
) -> str:
    """A hash of everything :func:`rank_related_positions` looks at (not titles or severities).

    Equal digests mean equal rankings, as positions in ``pool``.
    """
    inputs = [
        limit,
        [identity(t) for t in targets],
        [(identity(i), i["date"], i["services"], i["tags"]) for i in pool],
    ]
    return value_digest(inputs)
