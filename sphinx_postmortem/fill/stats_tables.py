"""The ``postmortem-stats`` roll-up: charts (HTML only) and the tables that say the same."""

from __future__ import annotations

from docutils import nodes
from sphinx.builders import Builder
from sphinx.locale import get_translation

from ..elements import css_token, table
from ..names import metric_names
from ..quantities import format_amount
from ..selection.specs import StatsSpec
from ..selection.views import IncidentView
from ..settings import Settings
from ..times import format_duration
from .charts import (
    Series,
    amount_scale,
    count_scale,
    incidents_chart,
    palette_series,
    severity_series,
    stacked_chart,
    times_chart,
)
from .statistics import NOT_GIVEN, TIME_METRICS, ImpactSums, Stats, compute_stats

_ = get_translation("sphinx_postmortem")

EM_DASH = "\N{EM DASH}"


class StatsTables:
    """Renders the statistics roll-ups of one page (chart ids count up along the page)."""

    def __init__(
        self, builder: Builder, fromdocname: str, configured: Settings, today: str
    ) -> None:
        self.builder = builder
        self.fromdocname = fromdocname
        self.settings = configured
        self.today = today
        self._charts = 0

    def render(self, spec: StatsSpec, views: list[IncidentView]) -> list[nodes.Node]:
        """Charts and tables of the incidents ``spec`` selects from ``views``."""
        views = spec.select(views, self.settings)
        if not views:
            text = _("No incidents match.")
            return [nodes.paragraph(text, text, classes=["pm-empty"])]
        years = spec.years or self.settings.stats_years
        numbers = compute_stats(
            views,
            spec.period,
            self.settings.severities,
            spec.incidents.since,
            spec.incidents.until,
            years=years,
            today=self.today,
            detection_sources=self.settings.detection_sources,
            impact_metrics=self.settings.impact_metrics,
            impact=spec.impact,
        )
        period_name = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}
        names = metric_names()
        result: list[nodes.Node] = []
        per = period_name[spec.period]
        title = _("Incidents per %s, by severity") % per
        result.append(nodes.rubric(title, title, classes=["pm-stats-heading"]))
        result += self._chart(incidents_chart(numbers, self._chart_id(), title))
        result.append(self._counts_table(numbers))
        title = _("Median times per %s") % per
        result.append(nodes.rubric(title, title, classes=["pm-stats-heading"]))
        result += self._chart(times_chart(numbers, self._chart_id(), title, names))
        result.append(
            table(
                [_("Period"), *(names[m] for m in TIME_METRICS)],
                [
                    [
                        p,
                        *(
                            format_duration(int(v))
                            if (v := numbers.medians[p][m]) is not None
                            else EM_DASH
                            for m in TIME_METRICS
                        ),
                    ]
                    for p in numbers.periods
                ],
                ["pm-stats-table"],
            )
        )
        result += self._detection(numbers, per)
        result += self._categories(numbers, per)
        for sums in numbers.impact:
            result += self._impact(numbers, sums, per)
        result += self._top_tables(numbers)
        result += self._left_out_note(numbers, years)
        return result

    def _detection(self, numbers: Stats, per: str) -> list[nodes.Node]:
        """Incidents per period and detection source, and the share caught by monitoring."""
        if not numbers.detection_sources:
            return []
        names = {s: s if s != NOT_GIVEN else _("not given") for s in numbers.detection_sources}
        title = _("Incidents per %s, by detection source") % per
        share = [_("Caught by monitoring")] if numbers.monitored else []
        rows = [
            [
                label,
                *(str(counts[s]) for s in numbers.detection_sources),
                *([_percent(numbers.monitoring_share(period))] if share else []),
            ]
            for label, period, counts in self._with_total(numbers, numbers.detection)
        ]
        return self._counts_section(
            title,
            numbers.periods,
            palette_series(names, "detect"),
            numbers.detection,
            table([_("Period"), *names.values(), *share], rows, ["pm-stats-table"]),
        )

    def _categories(self, numbers: Stats, per: str) -> list[nodes.Node]:
        """Incidents per period and contributing-factor category, recurring ones first."""
        if not numbers.categories:
            return []
        names = {category: category for category, _count in numbers.categories}
        title = _("Contributing-factor categories per %s") % per
        rows = [
            [label, *(str(counts[c]) for c in names)]
            for label, _period, counts in self._with_total(numbers, numbers.category_counts)
        ]
        return self._counts_section(
            title,
            numbers.periods,
            palette_series(names, "category"),
            numbers.category_counts,
            table([_("Period"), *names], rows, ["pm-stats-table"]),
        )

    def _counts_section(
        self,
        title: str,
        periods: list[str],
        series: list[Series],
        counts: dict[str, dict[str, int]],
        numbers_table: nodes.table,
    ) -> list[nodes.Node]:
        """A heading, the stacked chart of ``counts`` per period, and the table saying the same."""
        chart = stacked_chart(self._chart_id(), title, periods, series, counts, str, count_scale())
        heading = nodes.rubric(title, title, classes=["pm-stats-heading"])
        return [heading, *self._chart(chart), numbers_table]

    def _impact(self, numbers: Stats, sums: ImpactSums, per: str) -> list[nodes.Node]:
        """One impact metric summed per period and severity, with the total of each period."""
        title = _("%(metric)s per %(period)s, by severity") % {"metric": sums.name, "period": per}

        def written(value: float | None) -> str:
            return EM_DASH if value is None else format_amount(value, sums.kind, sums.unit)

        totals = [t for p in numbers.periods if (t := sums.total(p)) is not None]
        series = [s for s in severity_series(numbers.severities) if s.key in sums.severities]
        scale = amount_scale(sums.kind, sums.unit, max(totals, default=0))
        overall = {s: sum(by.get(s, 0) for by in sums.sums.values()) for s in sums.severities}
        rows = [
            [
                p,
                *(written(sums.sums.get(p, {}).get(s)) for s in sums.severities),
                written(sums.total(p)),
            ]
            for p in numbers.periods
        ]
        rows.append([_("All periods"), *map(written, overall.values()), written(sum(totals))])
        result: list[nodes.Node] = [nodes.rubric(title, title, classes=["pm-stats-heading"])]
        result += self._chart(
            stacked_chart(
                self._chart_id(), title, numbers.periods, series, sums.sums, written, scale
            )
        )
        result.append(table([_("Period"), *sums.severities, _("Total")], rows, ["pm-stats-table"]))
        if sums.split:
            note = _("Figures of this metric given in other units are summed apart.")
            result.append(nodes.paragraph(note, note, classes=["pm-stats-note"]))
        return result

    @staticmethod
    def _with_total(
        numbers: Stats, counts: dict[str, dict[str, int]]
    ) -> list[tuple[str, str | None, dict[str, int]]]:
        """``(row label, period, counts)`` of every period, then ``All periods`` (period None)."""
        rows: list[tuple[str, str | None, dict[str, int]]] = [
            (p, p, counts[p]) for p in numbers.periods
        ]
        total: dict[str, int] = {}
        for by_key in counts.values():
            for key, count in by_key.items():
                total[key] = total.get(key, 0) + count
        rows.append((_("All periods"), None, total))
        return rows

    @staticmethod
    def _counts_table(numbers: Stats) -> nodes.table:
        """Incidents per period and severity, their total, and project reviews apart."""
        reviews = [_("Project reviews")] if numbers.has_reviews else []
        return table(
            [_("Period"), *numbers.severities, _("Incidents"), *reviews],
            [
                [
                    p,
                    *(str(numbers.counts[p][s]) for s in numbers.severities),
                    str(numbers.total(p)),
                    *([str(numbers.reviews[p])] if reviews else []),
                ]
                for p in numbers.periods
            ],
            ["pm-stats-table"],
        )

    @staticmethod
    def _top_tables(numbers: Stats) -> list[nodes.Node]:
        """The most affected services and most frequent tags, with their counts."""
        result: list[nodes.Node] = []
        for heading, column, rows in (
            (_("Most affected services"), _("Service"), numbers.services),
            (_("Most frequent tags"), _("Tag"), numbers.tags),
        ):
            reviews = [_("Project reviews")] if any(row[2] for row in rows) else []
            if rows:
                result.append(nodes.rubric(heading, heading, classes=["pm-stats-heading"]))
                result.append(
                    table(
                        [column, _("Incidents"), *reviews],
                        [
                            [name, str(incidents), *([str(count)] if reviews else [])]
                            for name, incidents, count in rows
                        ],
                        ["pm-stats-table"],
                        [60, 20, 20] if reviews else [70, 30],
                    )
                )
        return result

    @staticmethod
    def _left_out_note(numbers: Stats, years: int) -> list[nodes.Node]:
        """What the statistics leave out: dates before the window, or after the build date."""
        sentences = []
        if numbers.left_out_before and numbers.window_start:
            before = (
                _("1 post-mortem dated before %(start)s is not shown")
                if numbers.left_out_before == 1
                else _("%(count)d post-mortems dated before %(start)s are not shown")
            )
            sentences.append(
                before % {"count": numbers.left_out_before, "start": numbers.window_start}
                + _(": the statistics cover %(years)d years at most.") % {"years": years}
            )
        if numbers.left_out_after and numbers.build_date:
            after = (
                _("1 post-mortem dated after the build date (%(today)s) is not shown.")
                if numbers.left_out_after == 1
                else _(
                    "%(count)d post-mortems dated after the build date (%(today)s) are not shown."
                )
            )
            sentences.append(after % {"count": numbers.left_out_after, "today": numbers.build_date})
        if not sentences:
            return []
        text = " ".join(sentences)
        return [nodes.paragraph(text, text, classes=["pm-stats-note"])]

    def _chart_id(self) -> str:
        self._charts += 1
        return f"pm-chart-{css_token(self.fromdocname)}-{self._charts}"

    def _chart(self, svg: str) -> list[nodes.Node]:
        """The SVG for HTML builders; other builders get the table that follows it."""
        if self.builder.format != "html":
            return []
        return [
            nodes.container("", nodes.raw("", svg, format="html"), classes=["pm-chart-wrapper"])
        ]


def _percent(share: float | None) -> str:
    """``0.6`` -> ``60%``; an em dash when there is no share."""
    return EM_DASH if share is None else format_amount(round(share * 100), "percent", "")
