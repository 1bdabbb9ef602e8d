"""The ``postmortem`` domain: the one store of every post-mortem record.

Records are kept per document (``docname -> records``), so clearing a
document and merging what parallel readers collected are dictionary
operations. Anything derived from all documents (which record wins a
duplicate id, metrics, the views roll-ups select from) is computed on
demand and kept by :meth:`PostmortemDomain.derived` until a record changes.
Two derived values are kept in the environment: per page, a hash of what
roll-ups can show of it (``incremental/freshness.py``), and the ranking of
related incidents (``incremental/related_cache.py``). The store renders
nothing and imports nothing from the later stages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.locale import get_translation
from sphinx.roles import XRefRole

from .errors import warn
from .links import link, page_relative_url
from .model import (
    LOCAL_PROJECT,
    ActionRecord,
    FactorRecord,
    ImpactRecord,
    IncidentRecord,
    LessonRecord,
    TimelineEntry,
    newest_first,
)
from .settings import settings
from .times import Metrics, compute_metrics

_ = get_translation("sphinx_postmortem")

T = TypeVar("T")

#: Keys of ``domain.data`` that hold ``docname -> records``.
PER_DOC_KEYS = (
    "incidents",
    "timeline",
    "actions",
    "lessons",
    "impacts",
    "factors",
    "rollups",
    "digests",
    "project_filters",
)


class PostmortemXRefRole(XRefRole):
    """``:incident:`ID``` and ``:action-item:`ID```, with or without the domain prefix."""

    def __init__(self, reftype: str) -> None:
        super().__init__(warn_dangling=True, innernodeclass=nodes.inline)
        self.target_type = reftype

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.refdomain, self.reftype = "postmortem", self.target_type
        self.classes = ["xref", "postmortem", f"postmortem-{self.target_type}"]
        result = self.create_xref_node()
        if ":" in self.target:
            # may point into an imported project: rewrite this page when imports change
            domain = cast(PostmortemDomain, self.env.get_domain("postmortem"))
            domain.note_rollup(self.env.docname, "cross-project-ref")
        return result


class IncidentIndex(Index):
    """All incidents of the project, grouped by year, newest first."""

    name = "incidents"
    #: Set by :func:`translate_index_names`: builders read them from the class, and the
    #: json and pickle builders serialise them, so they must be plain (translated) text.
    localname = "Incident index"
    shortname = "incidents"

    def generate(
        self, docnames: Iterable[str] | None = None
    ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain: PostmortemDomain = self.domain  # type: ignore[assignment]
        wanted = set(docnames) if docnames is not None else None
        groups: dict[str, list[IndexEntry]] = {}
        for incident in newest_first(domain.winning_incidents().values()):
            if wanted is not None and incident["docname"] not in wanted:
                continue
            year = (incident["date"] or "")[:4] or _("Undated")
            groups.setdefault(year, []).append(
                IndexEntry(
                    name=f"{incident['id']}: {incident['title']}",
                    subtype=0,
                    docname=incident["docname"],
                    anchor=incident["anchor"],
                    extra=incident["severity"] or incident["type"],
                    qualifier=incident["date"] or "",
                    descr=incident["status"],
                )
            )
        return list(groups.items()), False


def translate_index_names() -> None:
    """Put the incident index's names, translated to the project's language, on its class."""
    IncidentIndex.localname = str(_("Incident index"))
    IncidentIndex.shortname = str(_("incidents"))


class PostmortemDomain(Domain):
    """Stores incidents, timelines, action items, lessons and roll-up locations."""

    name = "postmortem"
    label = "Post-mortem"
    object_types = {
        "incident": ObjType(_("incident"), "incident"),
        "action-item": ObjType(_("action item"), "action-item"),
    }
    roles = {
        "incident": PostmortemXRefRole("incident"),
        "action-item": PostmortemXRefRole("action-item"),
    }
    indices = [IncidentIndex]
    initial_data = {
        "incidents": {},  # docname -> IncidentRecord
        "timeline": {},  # docname -> [TimelineEntry]
        "actions": {},  # docname -> [ActionRecord]
        "lessons": {},  # docname -> [LessonRecord]
        "impacts": {},  # docname -> ImpactRecord
        "factors": {},  # docname -> [FactorRecord]
        "rollups": {},  # docname -> [roll-up directive names]
        "digests": {},  # docname -> hash of what roll-ups show of it (freshness.py)
        "project_filters": {},  # docname -> projects its filters name, as read (freshness.py)
        "imports": {},  # project name -> imported export (see exchange/imports.py)
        "related": {},  # digest of the ranking's inputs, and the ranking (related_cache.py)
    }
    data_version = 11

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        translate_index_names()
        self._cache: dict[str, Any] = {}
        #: Imported sections decoded so far: (project, section) -> records.
        self._decoded: dict[tuple[str, str], list[Any]] = {}
        #: Set at env-get-updated, saved at build-finished (see incremental/freshness.py).
        self.pending_state: dict[str, Any] | None = None

    # -- storing ------------------------------------------------------------

    def note_changed(self) -> None:
        """Forget derived data after records were edited in place."""
        self._cache.clear()

    def note_incident(self, record: IncidentRecord) -> None:
        self.data["incidents"][record["docname"]] = record
        self.note_changed()

    def note_timeline(self, docname: str, entries: list[TimelineEntry]) -> None:
        self.data["timeline"].setdefault(docname, []).extend(entries)
        self.note_changed()

    def note_action(self, record: ActionRecord) -> None:
        self.data["actions"].setdefault(record["docname"], []).append(record)
        self.note_changed()

    def note_lesson(self, record: LessonRecord) -> None:
        self.data["lessons"].setdefault(record["docname"], []).append(record)
        self.note_changed()

    def note_impact(self, record: ImpactRecord) -> None:
        self.data["impacts"][record["docname"]] = record
        self.note_changed()

    def note_factor(self, record: FactorRecord) -> None:
        self.data["factors"].setdefault(record["docname"], []).append(record)
        self.note_changed()

    def set_incident_title(self, docname: str, title: str) -> None:
        """Give the incident of ``docname`` its title (one taken from its section)."""
        self.data["incidents"][docname]["title"] = title
        self.note_changed()

    def set_action_ids(self, docname: str, ids: Mapping[str, str]) -> None:
        """Give action items of ``docname`` new ids, by anchor (defaults settled late)."""
        for action in self.actions(docname):
            if action["anchor"] in ids:
                action["id"] = ids[action["anchor"]]
        self.note_changed()

    def set_lesson_bodies(self, docname: str, bodies: Mapping[str, tuple[str, bool]]) -> None:
        """Record, by anchor, each lesson body's digest and whether its HTML can be reused."""
        for lesson in self.lessons(docname):
            if lesson["anchor"] in bodies:
                lesson["body_digest"], lesson["body_cacheable"] = bodies[lesson["anchor"]]
        self.note_changed()

    def note_page_digest(self, docname: str, digest: str) -> None:
        self.data["digests"][docname] = digest

    def page_digests(self) -> list[tuple[str, str]]:
        """Each page's hash of what roll-ups and the export show of it, by page name."""
        return sorted(self.data["digests"].items())

    def note_project_filters(self, docname: str, named: list[str], configured: list[str]) -> None:
        """The projects the ``:projects:`` filters of a page name, and those configured then."""
        self.data["project_filters"][docname] = {"named": named, "configured": configured}

    def note_rollup(self, docname: str, kind: str) -> None:
        self.data["rollups"].setdefault(docname, []).append(kind)

    def clear_doc(self, docname: str) -> None:
        for key in PER_DOC_KEYS:
            self.data[key].pop(docname, None)
        self.note_changed()

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for key in PER_DOC_KEYS:
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]
        self.note_changed()

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        """Give each ``:incident:`` / ``:action-item:`` reference the line of the role itself."""
        set_role_lines(document)

    # -- reading ------------------------------------------------------------

    def incident(self, docname: str) -> IncidentRecord | None:
        """The incident of a page, if it has one."""
        return self.data["incidents"].get(docname)

    def timeline(self, docname: str) -> list[TimelineEntry]:
        return self.data["timeline"].get(docname, [])

    def actions(self, docname: str) -> list[ActionRecord]:
        return self.data["actions"].get(docname, [])

    def lessons(self, docname: str) -> list[LessonRecord]:
        return self.data["lessons"].get(docname, [])

    def impact(self, docname: str) -> ImpactRecord | None:
        """The impact of a page's incident, if the page gives one."""
        return self.data["impacts"].get(docname)

    def factors(self, docname: str) -> list[FactorRecord]:
        return self.data["factors"].get(docname, [])

    def metrics(self, docname: str) -> Metrics:
        """Impact start and durations of a page, from all its timelines."""
        cache: dict[str, Metrics] = self.derived("metrics", dict)
        if docname not in cache:
            cache[docname] = compute_metrics(self.timeline(docname))
        return cache[docname]

    def set_imports(self, projects: dict[str, Any]) -> None:
        """Replace the imported projects (done once per build, before reading)."""
        self.data["imports"] = projects
        self._decoded.clear()
        self.note_changed()

    def imported(self, section: str, projects: Iterable[str] | None = None) -> list[Any]:
        """Imported records of a section: ``incidents``, ``action_items``, ``lessons``, ``factors``.

        The environment keeps each project's sections as JSON text (see
        exchange/imports.py); a section is decoded the first time a build needs it.
        """
        imports = self.data["imports"]
        names = (
            sorted(imports) if projects is None else [p for p in sorted(imports) if p in projects]
        )
        records = []
        for name in names:
            if (name, section) not in self._decoded:
                text = imports[name]["sections"].get(section, "[]")
                self._decoded[name, section] = json.loads(text)
            records.extend(self._decoded[name, section])
        return records

    def incident_of(
        self, record: ActionRecord | LessonRecord | FactorRecord
    ) -> IncidentRecord | None:
        """The incident an action item, lesson or factor belongs to (its page's, or imported id)."""
        project = record.get("project")
        if not project:
            return self.incident(record["docname"])
        by_id = self.derived(
            "imported_by_id",
            lambda: {(i["project"], i["id"]): i for i in self.imported("incidents")},
        )
        return by_id.get((project, record.get("incident")))

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """A value derived from the records, computed once until they change.

        Later stages (selection, incremental state) keep what they derive from
        every record here, so that it is forgotten whenever a record changes.
        """
        if key not in self._cache:
            self._cache[key] = compute()
        return cast(T, self._cache[key])

    def all_incidents(self) -> list[IncidentRecord]:
        """Every incident, in document order."""
        return [self.data["incidents"][d] for d in sorted(self.data["incidents"])]

    def all_actions(self) -> list[ActionRecord]:
        return [a for d in sorted(self.data["actions"]) for a in self.data["actions"][d]]

    def all_lessons(self) -> list[LessonRecord]:
        return [le for d in sorted(self.data["lessons"]) for le in self.data["lessons"][d]]

    def all_factors(self) -> list[FactorRecord]:
        return [f for d in sorted(self.data["factors"]) for f in self.data["factors"][d]]

    def _winners(self, key: str, records: Iterable[Any]) -> dict[str, Any]:
        """Id -> record, cached; for a duplicated id the first document (by name) wins."""

        def first_of_each_id() -> dict[str, Any]:
            winners: dict[str, Any] = {}
            for record in records:
                winners.setdefault(record["id"], record)
            return winners

        return self.derived(key, first_of_each_id)

    def winning_incidents(self) -> dict[str, IncidentRecord]:
        """Incident id -> record; for a duplicated id the first document (by name) wins."""
        return self._winners("incidents", self.all_incidents())

    def winning_actions(self) -> dict[str, ActionRecord]:
        """Action item id -> record; for a duplicated id the first document (by name) wins."""
        return self._winners("actions", self.all_actions())

    # -- consistency ----------------------------------------------------------

    def check_consistency(self) -> None:
        """Warn about ids used more than once, over the merged data of all readers."""
        self._report_duplicates("incident", self.all_incidents(), self.winning_incidents())
        self._report_duplicates("action item", self.all_actions(), self.winning_actions())

    @staticmethod
    def _report_duplicates(
        what: str, records: Iterable[Mapping[str, Any]], winners: Mapping[str, Any]
    ) -> None:
        for record in records:
            first = winners[record["id"]]
            if first is not record:
                warn(
                    f"duplicate {what} id {record['id']!r}, already used in "
                    f"{first['docname']} (line {first['lineno']}); this one is ignored "
                    "for links",
                    "duplicate_id",
                    (record["docname"], record["lineno"]),
                )

    # -- cross-references -----------------------------------------------------

    def _target(self, typ: str, target: str) -> IncidentRecord | ActionRecord | None:
        """The local record ``target`` names (``ID`` or ``local:ID``)."""
        target = target.strip()
        project, sep, object_id = target.partition(":")
        if sep and project.strip() == LOCAL_PROJECT:
            target = object_id.strip()
        if typ == "incident":
            return self.winning_incidents().get(target)
        if typ == "action-item":
            return self.winning_actions().get(target)
        return None

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        record = self._target(typ, target)
        if record is None:
            return self._resolve_imported(builder, fromdocname, typ, target, node, contnode)
        if not node.get("refexplicit"):
            contnode = nodes.inline(record["title"], record["title"], classes=contnode["classes"])
        return link(
            builder, fromdocname, record["docname"], record["anchor"], contnode, record["id"]
        )

    def _resolve_imported(
        self,
        builder: Builder,
        fromdocname: str,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        """``project:ID`` -> a link into another project's published site."""
        project, sep, object_id = target.strip().partition(":")
        section = {"incident": "incidents", "action-item": "action_items"}.get(typ)
        if not sep or section is None or project not in self.data["imports"]:
            return None
        for record in self.imported(section, [project]):
            if record["id"] == object_id.strip() and record["url"]:
                url = page_relative_url(builder, fromdocname, record["url"])
                if not node.get("refexplicit"):
                    contnode = nodes.inline(
                        record["title"], record["title"], classes=contnode["classes"]
                    )
                reference = nodes.reference(
                    "", "", internal=False, refuri=url, reftitle=f"{project}: {record['id']}"
                )
                reference += contnode
                return reference
        return None

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        results = []
        for typ in ("incident", "action-item"):
            resolved = self.resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
            if resolved is not None:
                results.append((f"postmortem:{typ}", resolved))
        return results

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        kinds = (("incident", self.winning_incidents()), ("action-item", self.winning_actions()))
        for kind, records in kinds:
            for record in records.values():
                yield record["id"], record["title"], kind, record["docname"], record["anchor"], 1


def set_role_lines(document: nodes.document) -> None:
    """Set the line of every post-mortem reference to the line its role is written on.

    docutils gives an inline role the first line of its paragraph; the role's
    own line is that plus the line breaks before it in the paragraph's source.
    Every reference of a paragraph is looked up in order, so a role written
    twice gets the line of each occurrence.
    """
    paragraphs = {
        id(xref.parent): xref.parent
        for xref in document.findall(pending_xref)
        if xref.get("refdomain") == "postmortem" and isinstance(xref.parent, nodes.paragraph)
    }
    for paragraph in paragraphs.values():
        source, first_line = paragraph.rawsource, paragraph.line
        if not source or first_line is None:
            continue  # e.g. MyST paragraphs, whose roles already carry their own line
        position = 0
        for xref in paragraph.findall(pending_xref):
            found = source.find(xref.rawsource, position) if xref.rawsource else -1
            if found < 0:
                continue
            position = found + len(xref.rawsource)
            if xref.get("refdomain") == "postmortem":
                xref.line = first_line + source.count("\n", 0, found)


def warn_missing_reference(app: Any, domain: Domain, node: pending_xref) -> bool | None:
    """Report an unknown incident or action item id (or project) as ``postmortem.ref``."""
    if node.get("refdomain") != "postmortem":
        return None
    what = "incident" if node["reftype"] == "incident" else "action item"
    target = node["reftarget"]
    project, sep, object_id = target.strip().partition(":")
    projects = [LOCAL_PROJECT, *sorted(settings(app).imported_projects)]
    if sep and project.strip() not in projects:
        warn(
            f"unknown project {project.strip()!r} in {what} reference {target!r}; "
            f"configured projects: {', '.join(projects)}",
            "ref",
            node,
        )
    elif sep and project.strip() != LOCAL_PROJECT and project.strip() not in domain.data["imports"]:
        warn(
            f"cannot resolve {what} reference {target!r}: project {project.strip()!r} "
            "was not imported",
            "ref",
            node,
        )
    elif sep:
        warn(f"unknown {what} id {object_id.strip()!r} in project {project.strip()!r}", "ref", node)
    else:
        warn(f"unknown {what} id {target!r}", "ref", node)
    return True
