"""Numbers behind ``postmortem-stats``: incidents per period, median times, top services/tags.

Pure functions over incident views; ``charts.py`` draws them and
``rollup_render.py`` puts charts and tables on the page.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .rollups import PERIODS, IncidentView

__all__ = ["PERIODS", "Stats", "compute_stats", "period_of", "period_range"]
#: Metrics drawn in the median-times chart.
TIME_METRICS = ("time_to_detect", "time_to_mitigate", "time_to_resolve")
#: Severity column for incidents that have none (end-of-project reviews).
UNRATED = "unrated"


@dataclass
class Stats:
    """Everything one ``postmortem-stats`` shows."""

    periods: list[str] = field(default_factory=list)
    severities: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # period -> severity -> n
    medians: dict[str, dict[str, float | None]] = field(default_factory=dict)  # period -> metric
    services: list[tuple[str, int]] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)

    def total(self, period: str) -> int:
        return sum(self.counts[period].values())


def period_of(date: dt.date, period: str) -> str:
    """``2024-03-05`` -> ``2024-03`` (month), ``2024-Q1`` (quarter), ``2024`` (year)."""
    if period == "month":
        return f"{date.year}-{date.month:02d}"
    if period == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    return str(date.year)


def _next_start(date: dt.date, period: str) -> dt.date:
    if period == "month":
        return dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
    if period == "quarter":
        first_month = (date.month - 1) // 3 * 3 + 1
        month = first_month + 3
        return dt.date(date.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return dt.date(date.year + 1, 1, 1)


def period_range(first: dt.date, last: dt.date, period: str) -> list[str]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    if first > last:
        return []
    labels = [period_of(first, period)]
    final = period_of(last, period)
    current = first
    while labels[-1] != final:
        current = _next_start(current, period)
        labels.append(period_of(current, period))
    return labels


def compute_stats(
    views: Sequence[IncidentView],
    period: str,
    severities: Sequence[str],
    since: str | None = None,
    until: str | None = None,
    top: int = 10,
) -> Stats:
    """Count incidents per period and severity (empty periods are zero), median times, top keys.

    Undated incidents are left out of the periods but count for services and tags.
    """
    dated = [v for v in views if v.record["date"]]
    dates = [dt.date.fromisoformat(v.record["date"]) for v in dated]  # type: ignore[arg-type]
    stats = Stats()
    if dates or (since and until):
        first = dt.date.fromisoformat(since) if since else min(dates)
        last = dt.date.fromisoformat(until) if until else max(dates)
        stats.periods = period_range(first, last, period) if first <= last else []
    used = {v.record["severity"] or UNRATED for v in dated}
    stats.severities = [s for s in severities if s in used]
    stats.severities += sorted(s for s in used if s not in stats.severities and s != UNRATED)
    if UNRATED in used:
        stats.severities.append(UNRATED)
    stats.counts = {p: {s: 0 for s in stats.severities} for p in stats.periods}
    samples: dict[str, dict[str, list[int]]] = {
        p: {m: [] for m in TIME_METRICS} for p in stats.periods
    }
    for view, date in zip(dated, dates, strict=True):
        label = period_of(date, period)
        if label not in stats.counts:
            continue
        stats.counts[label][view.record["severity"] or UNRATED] += 1
        for metric in TIME_METRICS:
            if metric in view.metrics:
                samples[label][metric].append(view.metrics[metric])
    stats.medians = {
        p: {m: statistics.median(values) if values else None for m, values in metrics.items()}
        for p, metrics in samples.items()
    }
    stats.services = _top(Counter(s for v in views for s in v.record["services"]), top)
    stats.tags = _top(Counter(t for v in views for t in v.record["tags"]), top)
    return stats


def _top(counter: Counter[str], limit: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))[:limit]
