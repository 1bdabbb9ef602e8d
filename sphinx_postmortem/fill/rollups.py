"""Turning a roll-up's selection into docutils nodes (tables, lists, rubrics)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.locale import get_translation
from sphinx.util import docname_join

from ..elements import as_nodes, column_classes, css_token, label, table, table_row
from ..incremental.entry_cache import RollupMemo, memo_block, memo_row
from ..incremental.lesson_bodies import load_lesson_bodies
from ..links import external_link, link, page_relative_url
from ..model import ActionRecord, LessonRecord, is_overdue
from ..names import lesson_kind_names, metric_names
from ..nodes import rollup
from ..selection.specs import (
    DEFAULT_INCIDENT_COLUMNS,
    METRIC_KEYS,
    group_lessons,
    select_actions,
    select_incidents,
    select_lessons,
)
from ..selection.views import IncidentView, actions_for, incident_views, lessons_for
from ..settings import settings
from ..times import format_duration
from .charts import incidents_chart, times_chart
from .statistics import TIME_METRICS, Stats, compute_stats

if TYPE_CHECKING:
    from ..domain import PostmortemDomain

_ = get_translation("sphinx_postmortem")


def column_names() -> dict[str, str]:
    return {
        "project": _("Project"),
        "id": _("ID"),
        "date": _("Date"),
        "title": _("Title"),
        "severity": _("Severity"),
        "status": _("Status"),
        "type": _("Type"),
        "authors": _("Authors"),
        "services": _("Services"),
        "tags": _("Tags"),
        "duration": _("Duration"),
        "ttd": _("Time to detect"),
        "tta": _("Time to acknowledge"),
        "ttm": _("Time to mitigate"),
        "ttr": _("Time to resolve"),
        "actions": _("Actions"),
        "lessons": _("Lessons"),
    }


class RollupRenderer:
    """Renders the roll-ups of one output document."""

    def __init__(
        self, domain: PostmortemDomain, builder: Builder, fromdocname: str, today: str
    ) -> None:
        self.domain = domain
        self.builder = builder
        self.fromdocname = fromdocname
        self.today = today
        self.settings = settings(domain.env)
        self._lesson_bodies: dict[str, dict[str, nodes.Element]] = {}
        self.local_name = self.settings.project_title
        self._charts = 0
        self.memo: RollupMemo | None = None

    def render(self, node: rollup, index: int) -> list[nodes.Node]:
        """The content of ``node``, roll-up number ``index`` on its page."""
        spec: dict[str, Any] = node["spec"]
        env = self.domain.env
        self.memo = RollupMemo.for_rollup(env, self.builder, self.fromdocname, index, spec)
        if node["kind"] == "incident-list":
            result = self.incident_list(spec)
        elif node["kind"] == "lesson-list":
            result = self.lesson_list(spec)
        elif node["kind"] == "postmortem-stats":
            result = self.stats(spec)
        else:
            result = self.action_item_list(spec)
        # Each entry is indexed for search on its own page; a list of thousands would
        # only crowd the results (Sphinx 8.2+ honours the class).
        classes = ["pm-rollup", f"pm-{node['kind']}", "no-search"]
        container = self.memo.output(classes) if self.memo else nodes.container(classes=classes)
        container.extend(result)
        self.memo = None
        return [container]

    # -- helpers ----------------------------------------------------------------

    def _link(self, record: Any, text: Any) -> nodes.Node:
        """A link to a local record's anchor, or to an imported record's published page."""
        if not record.get("project"):
            return link(self.builder, self.fromdocname, record["docname"], record["anchor"], text)
        if not record.get("url"):
            return nodes.inline("", "", *as_nodes(text))
        url = page_relative_url(self.builder, self.fromdocname, record["url"])
        return external_link(url, text)

    def _project(self, record: Any) -> str:
        return record.get("project") or self.local_name

    @property
    def has_imports(self) -> bool:
        return bool(self.domain.data["imports"])

    def _entry(
        self, node_class: type[nodes.Element], inputs: Any, build: Callable[[], nodes.Element]
    ) -> nodes.Element:
        """An entry built by ``build``, or taken from the roll-up's HTML store.

        ``inputs`` holds everything the entry shows (see html_memo.py).
        """
        if self.memo is None:
            return build()
        return self.memo.entry(node_class, inputs, build)

    @staticmethod
    def _empty(text: str) -> list[nodes.Node]:
        return [nodes.paragraph(text, text, classes=["pm-empty"])]

    # -- incident-list ------------------------------------------------------------

    def incident_list(self, spec: dict[str, Any]) -> list[nodes.Node]:
        views = select_incidents(
            incident_views(self.domain, spec.get("projects")), spec, self.settings
        )
        if not views:
            return self._empty(_("No incidents match."))
        columns = spec["columns"] or [
            *(["project"] if self.has_imports else []),
            *DEFAULT_INCIDENT_COLUMNS,
        ]
        names = column_names()
        classes = column_classes(columns)
        link_first = not {"id", "title"} & set(columns)

        def build(view: IncidentView) -> nodes.Element:
            cells = [self._incident_cell(view, column) for column in columns]
            if link_first:
                cells[0] = self._link(view.record, cells[0] or view.record["id"])
            return table_row(cells, classes)

        rows = [
            self._entry(
                memo_row,
                ("incident", columns, self.has_imports, self.local_name, view),
                partial(build, view),
            )
            for view in views
        ]
        widths = [30 if c == "title" else 10 for c in columns]
        return [table([names[c] for c in columns], rows, ["pm-incident-table"], widths, columns)]

    def _incident_cell(self, view: IncidentView, column: str) -> Any:
        record = view.record
        if column == "project":
            return self._project(record)
        if column in ("id", "title"):
            return self._link(record, record[column])  # type: ignore[literal-required]
        if column == "severity":
            return label(record["severity"], "sev") if record["severity"] else ""
        if column == "status":
            return label(record["status"], "status")
        if column in ("authors", "services", "tags"):
            return ", ".join(record[column])  # type: ignore[literal-required]
        if column in METRIC_KEYS:
            seconds = view.metrics.get(METRIC_KEYS[column])
            return format_duration(seconds) if seconds is not None else ""
        if column == "actions":
            return f"{view.open_actions}/{view.total_actions}" if view.total_actions else ""
        if column == "lessons":
            return str(view.lessons) if view.lessons else ""
        return record[column] or ""  # type: ignore[literal-required]

    # -- lesson-list ---------------------------------------------------------------

    def lesson_list(self, spec: dict[str, Any]) -> list[nodes.Node]:
        incident_of = self.domain.incident_of
        lessons = select_lessons(lessons_for(self.domain, spec.get("projects")), incident_of, spec)
        if not lessons:
            return self._empty(_("No lessons match."))
        kind_names = lesson_kind_names()
        result: list[nodes.Node] = []
        groups = group_lessons(lessons, incident_of, spec["group_by"], kind_names, self.local_name)
        for heading, group in groups:
            if spec["group_by"] != "none":
                text = heading or _("Other")
                result.append(nodes.rubric(text, text, classes=["pm-group"]))
            for lesson in group:
                result.append(self._lesson_entry(lesson, spec["summary_only"], kind_names))
        return result

    def _lesson_entry(
        self, lesson: LessonRecord, summary_only: bool, kind_names: dict[str, str]
    ) -> nodes.Element:
        kind_name = kind_names[lesson["kind"]]
        source = self._lesson_source(lesson)

        def build() -> nodes.Element:
            entry = nodes.container(classes=["pm-lesson-entry", f"pm-lesson-{lesson['kind']}"])
            heading = nodes.paragraph(classes=["pm-lesson-heading"])
            heading += nodes.strong("", "", self._link(lesson, lesson["title"]))
            heading += nodes.Text(" ")
            heading += label(kind_name, "kind", lesson["kind"])
            entry += heading
            if not summary_only:
                entry.extend(self._lesson_body(lesson))
            origin = nodes.paragraph(classes=["pm-lesson-source"])
            origin += nodes.Text(_("from") + " ")
            origin += self._link(lesson, source)
            entry += origin
            return entry

        if not (summary_only or lesson.get("project") or lesson.get("body_cacheable")):
            return build()
        return self._entry(memo_block, ("lesson", summary_only, kind_name, source, lesson), build)

    def _lesson_source(self, lesson: LessonRecord) -> str:
        """ "INC-2024-017: Title" (with the project when there are imports)."""
        incident = self.domain.incident_of(lesson)
        if incident:
            source = f"{incident['id']}: {incident['title']}"
        elif lesson["docname"] in self.domain.env.titles:
            source = self.domain.env.titles[lesson["docname"]].astext()
        else:
            source = lesson["docname"] or lesson.get("incident") or ""
        if self.has_imports:
            project = self._project(lesson)
            source = f"{project} \N{MIDDLE DOT} {source}" if source else project
        return source

    def _lesson_body(self, lesson: LessonRecord) -> list[nodes.Node]:
        """The lesson's body: copied from its page's doctree, or imported plain text."""
        if lesson.get("project"):
            return [
                nodes.paragraph(part, part, classes=["pm-imported"])
                for part in lesson["body"].split("\n\n")
                if part.strip()
            ]
        docname = lesson["docname"]
        if docname not in self._lesson_bodies:
            self._lesson_bodies[docname] = load_lesson_bodies(self.domain.env, docname)
        body = self._lesson_bodies[docname].get(lesson["anchor"])
        if body is None:
            return []
        copied = body.deepcopy()
        del copied["lesson_anchor"]
        self._relocate(copied, docname)
        return [copied]

    def _relocate(self, copied: nodes.Element, docname: str) -> None:
        """Make content copied from ``docname`` correct on this page.

        Ids are dropped (they belong to the original page), references to
        anchors of the original page point there, and cross-references are
        resolved from this page (a relative ``:doc:`` keeps its target).
        """
        for element in list(copied.findall(nodes.Element)):
            element["ids"] = []
            if isinstance(element, rollup):
                element.parent.remove(element)
            elif isinstance(element, addnodes.pending_xref) and "refdoc" in element:
                if element.get("reftype") == "doc" and not element["reftarget"].startswith("/"):
                    target = docname_join(element["refdoc"], element["reftarget"])
                    element["reftarget"] = "/" + target
                element["refdoc"] = self.fromdocname
            elif isinstance(element, nodes.reference) and "refid" in element:
                anchor = element.attributes.pop("refid")
                if docname == self.fromdocname:
                    element["refid"] = anchor
                else:
                    element["refuri"] = link(self.builder, self.fromdocname, docname, anchor, "")[
                        "refuri"
                    ]

    # -- action-item-list -------------------------------------------------------------

    def action_item_list(self, spec: dict[str, Any]) -> list[nodes.Node]:
        actions = select_actions(
            actions_for(self.domain, spec.get("projects")),
            self.domain.incident_of,
            spec,
            self.today,
            self.settings,
        )
        if not actions:
            return self._empty(_("No action items match."))
        headers = [
            _("ID"),
            _("Title"),
            _("Owner"),
            _("Type"),
            _("Priority"),
            _("Due"),
            _("Status"),
            _("Tracker"),
            _("Incident"),
        ]
        widths = [10, 26, 10, 8, 6, 12, 8, 10, 10]
        keys = ["id", "title", "owner", "type", "priority", "due", "status", "tracker", "incident"]
        if self.has_imports:
            headers.insert(0, _("Project"))
            widths.insert(0, 8)
            keys.insert(0, "project")
        classes = column_classes(keys)
        rows = [
            self._entry(
                memo_row,
                (
                    "action",
                    self._project(action) if self.has_imports else None,
                    action,
                    is_overdue(action, self.today),
                    self.domain.incident_of(action),
                ),
                partial(self._action_row, action, classes),
            )
            for action in actions
        ]
        return [table(headers, rows, ["pm-action-table"], widths, keys)]

    def _action_row(self, action: ActionRecord, classes: list[list[str]]) -> nodes.row:
        """An action item's row (the project first when there are imports)."""
        due: list[nodes.Node] = []
        if action["due"]:
            due.append(nodes.Text(action["due"]))
            if is_overdue(action, self.today):
                due += [nodes.Text(" "), label(_("overdue"), "overdue", "overdue")]
        tracker: Any = action["tracker"] or ""
        if action["tracker"] and action["tracker_url"]:
            tracker = external_link(action["tracker_url"], action["tracker"])
        incident = self.domain.incident_of(action)
        cells = [
            *([self._project(action)] if self.has_imports else []),
            self._link(action, action["id"]),
            action["title"],
            action["owner"] or "",
            action["type"] or "",
            label(action["priority"], "priority") if action["priority"] else "",
            due,
            label(action["status"], "action-status"),
            tracker,
            self._link(incident, incident["id"]) if incident else "",
        ]
        return table_row(cells, classes)

    # -- postmortem-stats ----------------------------------------------------------------

    def stats(self, spec: dict[str, Any]) -> list[nodes.Node]:
        views = select_incidents(
            incident_views(self.domain, spec.get("projects")), spec, self.settings
        )
        if not views:
            return self._empty(_("No incidents match."))
        years = spec.get("years") or self.settings.stats_years
        numbers = compute_stats(
            views,
            spec["period"],
            self.settings.severities,
            spec.get("since"),
            spec.get("until"),
            years=years,
            today=self.today,
        )
        period_name = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}
        names = metric_names()
        result: list[nodes.Node] = []
        title = _("Incidents per %s, by severity") % period_name[spec["period"]]
        result.append(nodes.rubric(title, title, classes=["pm-stats-heading"]))
        result += self._chart(incidents_chart(numbers, self._chart_id(), title))
        result.append(self._counts_table(numbers))
        title = _("Median times per %s") % period_name[spec["period"]]
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
