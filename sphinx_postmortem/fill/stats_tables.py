"""The ``postmortem-stats`` roll-up: charts (HTML only) and the tables that say the same."""

from __future__ import annotations

from docutils import nodes
from sphinx.builders import Builder
from sphinx.locale import get_translation

from ..elements import css_token, table
from ..names import metric_names
from ..selection.specs import StatsSpec
from ..selection.views import IncidentView
from ..settings import Settings
from ..times import format_duration
from .charts import incidents_chart, times_chart
from .statistics import TIME_METRICS, Stats, compute_stats

_ = get_translation("sphinx_postmortem")


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
        )
        period_name = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}
        names = metric_names()
        result: list[nodes.Node] = []
        title = _("Incidents per %s, by severity") % period_name[spec.period]
        result.append(nodes.rubric(title, title, classes=["pm-stats-heading"]))
        result += self._chart(incidents_chart(numbers, self._chart_id(), title))
        result.append(self._counts_table(numbers))
        title = _("Median times per %s") % period_name[spec.period]
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
                            else "\N{EM DASH}"
                            for m in TIME_METRICS
                        ),
                    ]
                    for p in numbers.periods
                ],
                ["pm-stats-table"],
            )
        )
        result += self._top_tables(numbers)
        result += self._left_out_note(numbers, years)
        return result

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
