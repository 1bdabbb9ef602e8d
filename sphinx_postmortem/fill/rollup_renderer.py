"""Filling roll-ups: each one's selection becomes tables, lists and rubrics of entries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.locale import get_translation
from sphinx.util import docname_join
from sphinx.util.osutil import relative_uri

from ..elements import column_classes, fitted_widths, table
from ..incremental.entry_cache import RollupMemo, memo_block, memo_row
from ..incremental.lesson_bodies import load_lesson_bodies
from ..links import link
from ..model import FactorRecord, LessonRecord, is_overdue
from ..names import factor_kind_names, lesson_kind_names, role_name
from ..nodes import rollup
from ..selection.specs import (
    DEFAULT_INCIDENT_COLUMNS,
    IMPACT_COLUMN,
    ROLE_COLUMN,
    ActionItemListSpec,
    FactorListSpec,
    IncidentListSpec,
    LessonListSpec,
    group_factors,
    group_lessons,
)
from ..selection.views import actions_for, factors_for, incident_views, lessons_for
from ..settings import FEED_FILENAME, Settings, feed_published, settings

if TYPE_CHECKING:
    from ..domain import PostmortemDomain

from .early_html import EarlyHTML
from .entries import (
    ACTION_COLUMNS,
    WRAPPING_COLUMNS,
    ActionRow,
    FactorEntry,
    IncidentRow,
    LessonEntry,
    Page,
    action_column_has_value,
    action_row,
    factor_entry,
    incident_column_has_value,
    incident_row,
    lesson_entry,
)
from .facets import FILTER_CLASS, lesson_facets, runs_scripts
from .lesson_groups import group_section
from .stats_tables import StatsTables

_ = get_translation("sphinx_postmortem")


def column_names(configured: Settings) -> dict[str, str]:
    """The header of every ``incident-list`` column (impact metrics by their label)."""
    return {
        "project": _("Project"),
        "incident": _("Incident"),
        "id": _("ID"),
        "date": _("Date"),
        "title": _("Title"),
        "severity": _("Severity"),
        "status": _("Status"),
        "type": _("Type"),
        "types": _("Types"),
        "authors": _("Authors"),
        "services": _("Services"),
        "tags": _("Tags"),
        "detected-by": _("Detected by"),
        "commander": role_name("commander"),
        "duration": _("Duration"),
        "ttd": _("Time to detect"),
        "tta": _("Time to acknowledge"),
        "ttn": _("Time to notify"),
        "ttm": _("Time to mitigate"),
        "ttr": _("Time to resolve"),
        "actions": _("Actions"),
        "lessons": _("Lessons"),
        **{ROLE_COLUMN + role: role_name(role) for role in configured.roles},
        **{
            IMPACT_COLUMN + metric: label
            for metric, (label, _unit, _kind) in configured.impact_metrics.items()
        },
    }


class RollupRenderer:
    """Renders the roll-ups of one output document."""

    def __init__(
        self,
        domain: PostmortemDomain,
        builder: Builder,
        fromdocname: str,
        today: str,
        early: EarlyHTML | None = None,
    ) -> None:
        self.domain = domain
        self.builder = builder
        self.fromdocname = fromdocname
        self.today = today
        self.settings = settings(domain.env)
        self._lesson_bodies: dict[str, dict[str, nodes.Element]] = {}
        self.local_name = self.settings.project_title
        self.stats = StatsTables(builder, fromdocname, self.settings, today)
        self.memo: RollupMemo | None = None
        self.page = Page(builder, fromdocname)
        self.early = early  # writes the entries missing from the HTML store at once
        self._offers_feed = feed_published(builder)  # once per page, see _subscribe

    def render(self, node: rollup, index: int) -> list[nodes.Node]:
        """The content of ``node``, roll-up number ``index`` on its page."""
        spec = node["spec"]
        env = self.domain.env
        write_now = self.early.entry_html if self.early else None
        self.memo = RollupMemo.for_rollup(
            env, self.builder, self.fromdocname, index, spec, write_now
        )
        if node["kind"] == "incident-list":
            result = self.incident_list(spec)
        elif node["kind"] == "lesson-list":
            result = self.lesson_list(spec)
        elif node["kind"] == "factor-list":
            result = self.factor_list(spec)
        elif node["kind"] == "postmortem-stats":
            result = self.stats.render(spec, incident_views(self.domain, spec.projects))
        else:
            result = self.action_item_list(spec)
        # Each entry is indexed for search on its own page; a list of thousands would
        # only crowd the results (Sphinx 8.2+ honours the class).
        classes = ["pm-rollup", f"pm-{node['kind']}", "no-search"]
        if getattr(spec, "filter", False) and runs_scripts(self.builder):
            classes.append(FILTER_CLASS)  # the page's script adds a filter bar
        container = self.memo.output(classes) if self.memo else nodes.container(classes=classes)
        container.extend(self._subscribe(node["kind"]))
        container.extend(result)
        self.memo = None
        return [container]

    # -- helpers ----------------------------------------------------------------

    def _subscribe(self, kind: str) -> list[nodes.Node]:
        """A "Subscribe" link to the Atom feed, atop the page's first incident or lesson list.

        Only where this build writes the feed (HTML builders); the link is relative to the page.
        """
        if kind not in ("incident-list", "lesson-list") or not self._offers_feed:
            return []
        self._offers_feed = False
        href = relative_uri(self.builder.get_target_uri(self.fromdocname), FEED_FILENAME)
        text = _("Subscribe to new post-mortems (Atom feed)")
        title = _("The published post-mortems of this site, in a feed reader")
        link = nodes.reference(text, text, refuri=href, reftitle=title)
        return [nodes.paragraph("", "", link, classes=["pm-subscribe"])]

    def _project(self, record: Any) -> str:
        return record.get("project") or self.local_name

    @property
    def has_imports(self) -> bool:
        return bool(self.domain.data["imports"])

    def _entry(
        self, node_class: type[nodes.Element], view: Any, build: Callable[[], nodes.Element]
    ) -> nodes.Element:
        """An entry built by ``build`` from ``view``, or taken from the roll-up's HTML store.

        ``view`` holds everything the entry shows (see ``entries.py``).
        """
        if self.memo is None:
            return build()
        return self.memo.entry(node_class, view, build)

    @staticmethod
    def _empty(text: str) -> list[nodes.Node]:
        return [nodes.paragraph(text, text, classes=["pm-empty"])]

    # -- incident-list ------------------------------------------------------------

    def incident_list(self, spec: IncidentListSpec) -> list[nodes.Node]:
        views = spec.select(incident_views(self.domain, spec.projects), self.settings)
        if not views:
            return self._empty(_("No incidents match."))
        columns = spec.columns or tuple(
            column
            for column in DEFAULT_INCIDENT_COLUMNS
            if any(incident_column_has_value(view, column) for view in views)
        )
        names = column_names(self.settings)
        classes = column_classes(columns)
        rows = []
        for view in views:
            project = self._project(view.record)
            row = IncidentRow(view, tuple(columns), project, self.has_imports)
            rows.append(self._entry(memo_row, row, partial(incident_row, row, self.page, classes)))
        return self._table([names[c] for c in columns], rows, "pm-incident-table", columns)

    def _table(
        self, headers: list[str], rows: list[nodes.Element], kind: str, columns: Sequence[str]
    ) -> list[nodes.Node]:
        """A roll-up table, its titles the columns that wrap (see :func:`fitted_widths`).

        In HTML a hint that the table scrolls sideways comes first; the
        stylesheet shows it only where the table is wider than the screen.
        """
        wrapping = [index for index, column in enumerate(columns) if column in WRAPPING_COLUMNS]
        widths = fitted_widths(headers, rows, wrapping)
        result: list[nodes.Node] = []
        if self.builder.format == "html":
            hint = _("Scroll sideways for more columns \N{RIGHTWARDS ARROW}")
            result.append(nodes.paragraph(hint, hint, classes=["pm-scroll-hint"]))
        result.append(table(headers, rows, [kind], widths, columns))
        return result

    # -- lesson-list ---------------------------------------------------------------

    def lesson_list(self, spec: LessonListSpec) -> list[nodes.Node]:
        incident_of = self.domain.incident_of
        lessons = spec.select(lessons_for(self.domain, spec.projects), incident_of)
        if not lessons:
            return self._empty(_("No lessons match."))
        kind_names = lesson_kind_names()
        groups = group_lessons(lessons, incident_of, spec.group_by, kind_names, self.local_name)
        return _grouped(
            "lessons",
            [
                (heading, [self._lesson_entry(les, spec, kind_names) for les in group])
                for heading, group in groups
            ],
            spec.group_by != "none",
        )

    def _lesson_entry(
        self, lesson: LessonRecord, spec: LessonListSpec, kind_names: dict[str, str]
    ) -> nodes.Element:
        summary_only = spec.summary_only
        facets = None
        if spec.filter and runs_scripts(self.builder):
            shown_project = self._project(lesson) if self.has_imports else None
            facets = lesson_facets(lesson, self.domain.incident_of(lesson), shown_project)
        entry = LessonEntry(
            lesson, kind_names[lesson["kind"]], self._source(lesson), summary_only, facets
        )

        def build() -> nodes.Element:
            return lesson_entry(entry, self.page, [] if summary_only else self._lesson_body(lesson))

        if not (summary_only or lesson.get("project") or lesson.get("body_cacheable")):
            return build()
        return self._entry(memo_block, entry, build)

    def _source(self, record: LessonRecord | FactorRecord) -> str:
        """Where a lesson or factor comes from: "INC-2024-017: Title", else its page's title.

        With the project first when there are imports.
        """
        incident = self.domain.incident_of(record)
        docname = record.get("docname") or ""
        if incident:
            source = f"{incident['id']}: {incident['title']}"
        elif docname in self.domain.env.titles:
            source = self.domain.env.titles[docname].astext()
        else:
            source = docname or record.get("incident") or ""
        if self.has_imports:
            project = self._project(record)
            source = f"{project} \N{MIDDLE DOT} {source}" if source else project
        return source

    # -- factor-list ---------------------------------------------------------------

    def factor_list(self, spec: FactorListSpec) -> list[nodes.Node]:
        incident_of = self.domain.incident_of
        factors = spec.select(factors_for(self.domain, spec.projects), incident_of)
        if not factors:
            return self._empty(_("No contributing factors match."))
        kind_names = factor_kind_names()
        groups = group_factors(
            factors, incident_of, spec.group_by, kind_names, self.settings, self.local_name
        )
        return _grouped(
            "factors",
            [
                (heading, [self._factor_entry(f, kind_names) for f in group])
                for heading, group in groups
            ],
            spec.group_by != "none",
        )

    def _factor_entry(self, factor: FactorRecord, kind_names: dict[str, str]) -> nodes.Node:
        entry = FactorEntry(
            factor,
            self.domain.incident_of(factor),
            kind_names.get(factor["kind"], factor["kind"]),
            self._source(factor),
        )
        return self._entry(memo_block, entry, partial(factor_entry, entry, self.page))

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

    def action_item_list(self, spec: ActionItemListSpec) -> list[nodes.Node]:
        actions = spec.select(
            actions_for(self.domain, spec.projects),
            self.domain.incident_of,
            self.today,
            self.settings,
        )
        if not actions:
            return self._empty(_("No action items match."))
        incident_of = self.domain.incident_of
        columns = tuple(
            column
            for column in ACTION_COLUMNS
            if any(action_column_has_value(a, incident_of(a), column) for a in actions)
        )
        names = action_column_names()
        classes = column_classes(columns)
        rows = []
        for action in actions:
            row = ActionRow(
                action,
                incident_of(action),
                is_overdue(action, self.today),
                self._project(action) if self.has_imports else None,
                columns,
            )
            rows.append(self._entry(memo_row, row, partial(action_row, row, self.page, classes)))
        return self._table([names[c] for c in columns], rows, "pm-action-table", columns)


def _grouped(
    prefix: str, groups: list[tuple[str | None, list[nodes.Node]]], as_sections: bool
) -> list[nodes.Node]:
    """Entries in group sections titled "name (count)" (ids ``prefix-name``), or all in a row."""
    if not as_sections:
        return [entry for _heading, entries in groups for entry in entries]
    result: list[nodes.Node] = []
    for heading, entries in groups:
        section = group_section(prefix, heading or _("Other"), len(entries))
        section.extend(entries)
        result.append(section)
    return result


def action_column_names() -> dict[str, str]:
    """The header of every ``action-item-list`` column (see :data:`.entries.ACTION_COLUMNS`)."""
    return {
        "id": _("ID"),
        "title": _("Action"),
        "owner": _("Owner"),
        "priority": _("Priority"),
        "due": _("Due"),
        "status": _("Status"),
    }
