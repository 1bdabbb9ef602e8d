"""Numbers behind ``postmortem-stats``: incidents per period, median times, how incidents
were detected, contributing-factor categories, impact sums, top services/tags.

Pure functions over incident views (local and imported alike); ``charts.py``
draws them and ``stats_tables.py`` puts charts and tables on the page.

End-of-project reviews (``:type: project``) are counted apart from
incidents: they have no severity and their timelines are not incident
response, so they are neither a severity column nor part of the medians,
the detection counts, the factor categories or the impact sums.

Impact figures are summed per metric, *unit and kind*: a figure imported
from a project whose ``postmortem_impact_metrics`` gives the same metric
another unit or kind (revenue in EUR beside revenue in USD) gets a sum of its
own, shown apart and named by its unit (and kind, if the unit is the same),
never added to the others. The configured unit and kind come first.

The periods drawn are bounded: at most ``years`` years, ending with the
newest post-mortem dated no later than the build date (or ``until``), so a
stray date such as ``0001-01-01`` cannot make a page of 40,000 quarters.
What falls outside is counted, for a note under the charts.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import PROJECT_TYPE, ImpactFigure
from ..quantities import VALUE_MAX
from ..selection.specs import PERIODS
from ..selection.views import IncidentView

__all__ = [
    "MONITORING_SOURCES",
    "NOT_GIVEN",
    "PERIODS",
    "ImpactSums",
    "Stats",
    "compute_stats",
    "period_of",
    "period_range",
    "period_start",
    "window_start",
]
#: Metrics drawn in the median-times chart.
TIME_METRICS = ("time_to_detect", "time_to_mitigate", "time_to_resolve")
#: Severity column for incidents that have none (imported from projects that do not rate them).
UNRATED = "unrated"
#: Default of ``postmortem_stats_years``: how many years of periods a chart draws at most.
DEFAULT_YEARS = 10
#: The longest duration a timeline can hold (from year 1 to year 9999), in seconds;
#: anything longer (or negative, or not a finite number) is left out of the medians.
MAX_DURATION_SECONDS = (dt.datetime.max - dt.datetime.min).total_seconds()
#: Detection sources (``:detected-by:``) that mean "our monitoring caught it": the
#: share of incidents detected by one of them is the share caught by monitoring.
MONITORING_SOURCES = ("alert",)
#: Detection column of incidents that do not say how they were detected (no
#: configured source can be empty, so it cannot clash with one).
NOT_GIVEN = ""


@dataclass
class ImpactSums:
    """The sums of one impact metric in one unit, per period and severity."""

    metric: str  # the option name: "revenue"
    label: str  # "Revenue lost"
    unit: str  # "USD"; may be empty
    kind: str  # of IMPACT_KINDS, never "text"
    #: Severities with at least one figure, in the order of :attr:`Stats.severities`.
    severities: list[str] = field(default_factory=list)
    #: period -> severity -> sum; a severity without figures in a period is absent.
    sums: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Whether the metric is also summed in another unit or kind.
    split: bool = False
    #: What tells this sum from the metric's others: its unit, and its kind if need be.
    qualifier: str = ""

    @property
    def name(self) -> str:
        """``Revenue lost (USD)``, ``Data lost``, ``Revenue lost (USD, count)``."""
        return f"{self.label} ({self.qualifier})" if self.qualifier else self.label

    def total(self, period: str) -> float | None:
        """The sum over every severity in ``period``; None when no incident gives a figure."""
        values = self.sums.get(period, {})
        return sum(values.values()) if values else None


@dataclass
class Stats:
    """Everything one ``postmortem-stats`` shows."""

    periods: list[str] = field(default_factory=list)
    severities: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # period -> severity -> n
    reviews: dict[str, int] = field(default_factory=dict)  # period -> end-of-project reviews
    medians: dict[str, dict[str, float | None]] = field(default_factory=dict)  # period -> metric
    #: Detection sources used (configured order, others by name, NOT_GIVEN last).
    detection_sources: list[str] = field(default_factory=list)
    detection: dict[str, dict[str, int]] = field(default_factory=dict)  # period -> source -> n
    #: Whether the share caught by monitoring means anything (a monitoring source exists).
    monitored: bool = False
    #: ``(category, incidents)`` of the factor categories counted, recurring ones first.
    categories: list[tuple[str, int]] = field(default_factory=list)
    category_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # period -> cat -> n
    impact: list[ImpactSums] = field(default_factory=list)
    #: ``(name, incidents, reviews)``, most incidents first.
    services: list[tuple[str, int, int]] = field(default_factory=list)
    tags: list[tuple[str, int, int]] = field(default_factory=list)
    #: Dated post-mortems before the first period drawn, and the first period's start.
    left_out_before: int = 0
    window_start: dt.date | None = None
    #: Dated post-mortems after the build date (only counted when no ``until`` is given).
    left_out_after: int = 0
    build_date: dt.date | None = None

    def total(self, period: str) -> int:
        """Incidents in ``period`` (end-of-project reviews not included)."""
        return sum(self.counts[period].values())

    @property
    def has_reviews(self) -> bool:
        """Whether any end-of-project review is counted in the periods."""
        return any(self.reviews.values())

    def monitoring_share(self, period: str | None = None) -> float | None:
        """The share (0..1) of incidents caught by monitoring, in ``period`` or overall.

        Out of the incidents that give a detection source (``unknown`` included:
        nobody saw an alert); None when none does.
        """
        counts: Counter[str] = Counter()
        for label in [period] if period else self.periods:
            counts.update(self.detection.get(label, {}))
        known = sum(n for source, n in counts.items() if source != NOT_GIVEN)
        caught = sum(counts[source] for source in MONITORING_SOURCES)
        return caught / known if known else None


def is_review(view: IncidentView) -> bool:
    """Whether ``view`` is an end-of-project review rather than an incident."""
    return view.record.get("type") == PROJECT_TYPE


def period_of(date: dt.date, period: str) -> str:
    """``2024-03-05`` -> ``2024-03`` (month), ``2024-Q1`` (quarter), ``2024`` (year)."""
    if period == "month":
        return f"{date.year}-{date.month:02d}"
    if period == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    return str(date.year)


def period_start(date: dt.date, period: str) -> dt.date:
    """The first day of the period holding ``date``."""
    if period == "month":
        return date.replace(day=1)
    if period == "quarter":
        return dt.date(date.year, (date.month - 1) // 3 * 3 + 1, 1)
    return dt.date(date.year, 1, 1)


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


def window_start(last: dt.date, period: str, years: int) -> dt.date:
    """The first day of the earliest period drawn when the last one holds ``last``.

    ``years`` years of periods: 10 years, 40 quarters or 120 months.
    """
    start = period_start(last, period)
    if start.year - years < 1:
        return dt.date.min
    return _next_start(start.replace(year=start.year - years), period)


def _date(text: object) -> dt.date | None:
    """An ISO date, or None for a missing or unreadable one."""
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def duration_seconds(value: object) -> float | None:
    """A duration usable in a median: a finite number of seconds in the range a timeline holds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_DURATION_SECONDS:
        return None
    return seconds


def compute_stats(
    views: Sequence[IncidentView],
    period: str,
    severities: Sequence[str],
    since: str | None = None,
    until: str | None = None,
    top: int = 10,
    years: int = DEFAULT_YEARS,
    today: str | None = None,
    detection_sources: Sequence[str] = (),
    impact_metrics: Mapping[str, tuple[str, str, str]] | None = None,
    impact: Sequence[str] | None = None,
) -> Stats:
    """Count incidents per period and severity (empty periods are zero), median times, top keys.

    The periods run from ``since`` (else the oldest date) to ``until`` (else
    the newest date no later than ``today``), at most ``years`` years of them;
    what lies outside is counted in ``left_out_before`` / ``left_out_after``.
    Undated incidents are left out of the periods but count for services and tags.
    ``detection_sources`` and ``impact_metrics`` are the configured ones (their
    order is the columns'); ``impact`` names the metrics summed (None: every
    numeric metric an incident gives).
    """
    stats = Stats(build_date=_date(today) if until is None else None)
    dated = [(view, day) for view in views if (day := _date(view.record["date"])) is not None]
    undated = [view for view in views if _date(view.record["date"]) is None]
    first, last = _bounds([day for _, day in dated], period, since, until, years, stats)
    if first is not None and last is not None:
        stats.periods = period_range(first, last, period)
    shown = [(view, day) for view, day in dated if _in_window(day, first, last, stats)]
    incidents = [(view, day) for view, day in shown if not is_review(view)]
    stats.severities = _severity_order(
        [v.record["severity"] or UNRATED for v, _ in incidents], severities
    )
    stats.counts = {p: {s: 0 for s in stats.severities} for p in stats.periods}
    stats.reviews = {p: 0 for p in stats.periods}
    samples: dict[str, dict[str, list[float]]] = {
        p: {m: [] for m in TIME_METRICS} for p in stats.periods
    }
    counted_incidents: list[tuple[str, IncidentView]] = []
    for view, day in shown:
        label = period_of(day, period)
        if label not in stats.counts:
            continue
        if is_review(view):
            stats.reviews[label] += 1
            continue
        counted_incidents.append((label, view))
        stats.counts[label][view.record["severity"] or UNRATED] += 1
        for metric in TIME_METRICS:
            seconds = duration_seconds(view.metrics.get(metric))
            if seconds is not None:
                samples[label][metric].append(seconds)
    stats.medians = {
        p: {m: statistics.median(values) if values else None for m, values in metrics.items()}
        for p, metrics in samples.items()
    }
    _count_detection(stats, counted_incidents, detection_sources)
    _count_categories(stats, counted_incidents, top)
    stats.impact = _sum_impact(stats, counted_incidents, impact_metrics or {}, impact)
    counted = [view for view, _ in shown] + undated
    stats.services = _top(counted, "services", top)
    stats.tags = _top(counted, "tags", top)
    return stats


def detection_source(view: IncidentView) -> str:
    """How the incident was detected; :data:`NOT_GIVEN` when it does not say."""
    source = view.record.get("detected_by")
    return source if isinstance(source, str) and source.strip() else NOT_GIVEN


def _count_detection(
    stats: Stats, incidents: list[tuple[str, IncidentView]], configured: Sequence[str]
) -> None:
    """Incidents per period and detection source; nothing when no incident gives a source."""
    sources = [detection_source(view) for _, view in incidents]
    if all(source == NOT_GIVEN for source in sources):
        return
    used = set(sources)
    order = [s for s in configured if s in used]
    order += sorted((s for s in used if s not in order and s != NOT_GIVEN), key=_name_key)
    stats.detection_sources = order + ([NOT_GIVEN] if NOT_GIVEN in used else [])
    stats.detection = {p: {s: 0 for s in stats.detection_sources} for p in stats.periods}
    for (label, _), source in zip(incidents, sources, strict=True):
        stats.detection[label][source] += 1
    stats.monitored = any(s in MONITORING_SOURCES for s in (*configured, *used))


def _count_categories(stats: Stats, incidents: list[tuple[str, IncidentView]], top: int) -> None:
    """Incidents per period and factor category (each incident once per category)."""
    totals: Counter[str] = Counter()
    per_period: dict[str, Counter[str]] = {p: Counter() for p in stats.periods}
    for label, view in incidents:
        categories = {c for c in view.factor_categories if isinstance(c, str) and c}
        per_period[label].update(categories)
        totals.update(categories)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], *_name_key(item[0])))
    stats.categories = ranked[:top]
    stats.category_counts = {
        p: {c: per_period[p][c] for c, _ in stats.categories} for p in stats.periods
    }


def _name_key(name: str) -> tuple[str, str]:
    return name.casefold(), name


def impact_amount(figure: ImpactFigure) -> float | None:
    """The number of a figure that can be summed, or None (text, missing, absurd).

    Absurd numbers (negative, non-finite, above ``quantities.VALUE_MAX``) can
    only come from imported data; they are left out of the sums.
    """
    value = figure.get("value")
    if figure.get("kind") == "text" or isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and 0 <= number <= VALUE_MAX else None


def _sum_impact(
    stats: Stats,
    incidents: list[tuple[str, IncidentView]],
    configured: Mapping[str, tuple[str, str, str]],
    wanted: Sequence[str] | None,
) -> list[ImpactSums]:
    """Per (metric, unit, kind): the sums per period and severity, in configured metric order."""
    groups: dict[tuple[str, str, str], ImpactSums] = {}
    for label, view in incidents:
        severity = view.record["severity"] or UNRATED
        for figure in view.impact:
            amount = impact_amount(figure)
            metric = figure.get("metric")
            if amount is None or not isinstance(metric, str) or wanted and metric not in wanted:
                continue
            key = (metric, str(figure.get("unit") or ""), str(figure.get("kind")))
            if key not in groups:
                label_text, unit, kind = configured.get(metric, (figure.get("label"), "", ""))
                same = (unit, kind) == key[1:]
                name = label_text if same else figure.get("label") or metric
                groups[key] = ImpactSums(metric, str(name), key[1], key[2])
            sums = groups[key].sums.setdefault(label, {})
            sums[severity] = sums.get(severity, 0) + amount
    order = list(configured)
    result = sorted(
        groups.values(),
        key=lambda g: (
            order.index(g.metric) if g.metric in order else len(order),
            g.metric,
            configured.get(g.metric, ("", "", ""))[1:] != (g.unit, g.kind),
            g.unit,
            g.kind,
        ),
    )
    for group in result:
        same_metric = [other for other in result if other.metric == group.metric]
        group.split = len(same_metric) > 1
        same_unit = sum(1 for other in same_metric if other.unit == group.unit) > 1
        group.qualifier = ", ".join(filter(None, [group.unit, group.kind if same_unit else ""]))
        used = {s for sums in group.sums.values() for s in sums}
        group.severities = [s for s in stats.severities if s in used]
    return result


def _bounds(
    dates: list[dt.date],
    period: str,
    since: str | None,
    until: str | None,
    years: int,
    stats: Stats,
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of the periods drawn (None, None: nothing to draw)."""
    if until:
        last = dt.date.fromisoformat(until)
    else:
        candidates = [d for d in dates if stats.build_date is None or d <= stats.build_date]
        if not candidates:
            return None, None
        last = max(candidates)
    if since:
        first = dt.date.fromisoformat(since)
    elif dates:
        first = min(dates)
    else:
        return None, None
    earliest = window_start(last, period, max(1, years))
    if first < earliest:
        first = stats.window_start = earliest
    return first, last


def _in_window(day: dt.date, first: dt.date | None, last: dt.date | None, stats: Stats) -> bool:
    """Whether ``day`` is drawn; counts it as left out when the window (not a filter) drops it."""
    if stats.build_date is not None and day > stats.build_date:
        stats.left_out_after += 1
        return False
    if stats.window_start is not None and day < stats.window_start:
        stats.left_out_before += 1
        return False
    return first is not None and last is not None


def _severity_order(used_values: Iterable[str], configured: Sequence[str]) -> list[str]:
    """Configured severities first (in their order), then others by name, ``unrated`` last."""
    used = set(used_values)
    order = [s for s in configured if s in used]
    order += sorted(s for s in used if s not in order and s != UNRATED)
    if UNRATED in used:
        order.append(UNRATED)
    return order


def _top(views: Iterable[IncidentView], key: str, limit: int) -> list[tuple[str, int, int]]:
    """``(value, incidents, reviews)`` of a list field, most incidents first, ties by name."""
    incidents: Counter[str] = Counter()
    reviews: Counter[str] = Counter()
    for view in views:
        (reviews if is_review(view) else incidents).update(view.record[key])  # type: ignore[literal-required]
    names = set(incidents) | set(reviews)
    rows = [(name, incidents[name], reviews[name]) for name in names]
    rows.sort(key=lambda row: (-row[1], -row[2], row[0].casefold(), row[0]))
    return rows[:limit]
