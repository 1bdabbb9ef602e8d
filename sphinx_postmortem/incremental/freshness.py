"""Keeping pages that show data from other pages fresh in incremental builds.

Roll-up pages, incident panels (related post-mortems) and action items
(overdue flags) show data that changes without their own source changing.
At ``env-get-updated`` the data they show is compared with what it was when
the last build *finished*, and the pages whose view changed are returned to
be rewritten. The comparison state is written only at ``build-finished``
without an exception, beside the doctrees and per builder, so a build that
fails half-way leaves the old state behind and the next build rewrites the
pages again (no stale roll-ups after an interrupted build).

Roll-ups with a ``:projects:`` filter keep only the projects configured when
their page was read (and warn about the others). When a project they name
is configured or removed later, rewriting is not enough: at
``env-get-outdated`` those pages are read again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import PostmortemDomain
from ..files import atomic_write, digest
from ..model import is_overdue
from ..nodes import rollup
from ..settings import settings
from .related_cache import related_incidents

STATE_VERSION = 2


def _domain(env: BuildEnvironment) -> PostmortemDomain:
    return cast(PostmortemDomain, env.get_domain("postmortem"))


def _state_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"postmortem-state-{app.builder.name}.json"


def _load_state(app: Sphinx) -> dict[str, Any]:
    try:
        state = json.loads(_state_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else {}


def _hash(value: Any) -> str:
    """A digest of JSON-like data, whatever the order of its keys."""
    return digest(json.dumps(value, sort_keys=True, ensure_ascii=False))


def note_page_digest(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read`` (late): a hash of what roll-ups can show of the page just read.

    Its records (incident, impact, contributing factors, action items,
    lessons) without line numbers, its milestones, and its title when lessons
    or factors of the page are shown under it. Kept per page, so that checking
    freshness costs one hash per page rather than hashing every record.
    """
    env = app.env
    domain = _domain(env)
    docname = env.docname
    incident = domain.incident(docname)
    actions, lessons = domain.actions(docname), domain.lessons(docname)
    impact, factors = domain.impact(docname), domain.factors(docname)
    timeline = domain.timeline(docname)
    if not (incident or actions or lessons or timeline or impact or factors):
        return
    shows_title = (lessons or factors) and docname in env.titles
    payload = {
        "incident": incident and _without_lineno(incident),
        "impact": impact and _without_lineno(impact),
        "factors": [_without_lineno(r) for r in factors],
        "actions": [_without_lineno(r) for r in actions],
        "lessons": [_without_lineno(r) for r in lessons],
        "milestones": [
            (e["when"], e["milestone"], e.get("share")) for e in timeline if e["milestone"]
        ],
        "title": env.titles[docname].astext() if shows_title else None,
    }
    domain.note_page_digest(docname, _hash(payload))


def _without_lineno(record: Any) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "lineno"}


def note_project_filters(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the projects named by the page's ``:projects:`` filters.

    Kept with the projects configured at this reading, so that
    :func:`pages_to_reread` can tell when the filters would read differently.
    """
    domain = _domain(app.env)
    if app.env.docname not in domain.data["rollups"]:
        return  # no roll-up on the page: no need to walk its doctree
    filters = [
        node["spec"].projects
        for node in doctree.findall(rollup)
        if node["spec"].projects is not None
    ]
    if filters:
        domain.note_project_filters(
            app.env.docname,
            named=sorted({name for names in filters for name in names}),
            configured=sorted(settings(app).imported_projects),
        )


def pages_to_reread(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: pages whose ``:projects:`` filters name a project that came or went.

    A filter keeps only the names configured when it was read, so a removed
    project is matched against those; a filter naming a project that was not
    configured yet cannot be told apart, so every page with a ``:projects:``
    filter is read again when a project is added (reading a roll-up page is
    cheap: it holds placeholders).
    """
    configured = set(settings(env).imported_projects)
    outdated = []
    for docname, seen in _domain(env).data["project_filters"].items():
        then = set(seen["configured"])
        if configured - then or (then - configured) & set(seen["named"]):
            outdated.append(docname)
    return outdated


def _digest(domain: PostmortemDomain, overdue: list[list[str]], projects: list[str]) -> str:
    """A hash of everything a roll-up can show: every page's hash, overdue flags, imports."""
    return _hash(
        {
            "pages": domain.page_digests(),
            "overdue": overdue,
            "configured": projects,
            # what an imported file holds is summed up by its hash (taken when it was read)
            "imports": [
                [name, project.get("digest"), project["base_url"]]
                for name, project in sorted(domain.data["imports"].items())
            ],
        }
    )


def _related_panel(related: list[dict[str, Any]]) -> list[list[str]]:
    """What a "Related post-mortems" panel shows of each incident, link targets included."""
    return [
        [
            r.get("project") or "",
            r["id"],
            r["title"],
            r["date"] or "",
            r["severity"] or "",
            r.get("docname") or "",
            r.get("anchor") or "",
            r.get("url") or "",
        ]
        for r in related
    ]


def current_state(domain: PostmortemDomain, today: str, projects: list[str]) -> dict[str, Any]:
    """What the pages that depend on other pages show now (as hashes).

    ``projects`` are the configured project names (``postmortem_projects``).
    """
    overdue = sorted([a["docname"], a["id"]] for a in domain.all_actions() if is_overdue(a, today))
    related = {
        docname: _hash(_related_panel(related_incidents(domain, docname)))[:16]
        for docname in sorted(domain.data["incidents"])
    }
    return {
        "version": STATE_VERSION,
        "digest": _digest(domain, overdue, projects),
        "overdue": overdue,
        "related": related,
    }


def outdated_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: pages to rewrite (not re-read) because data they show changed.

    Roll-up pages are rewritten when any record or the configured projects
    changed; an incident's page when its related post-mortems changed (what
    they show or where they link to); an action item's page when its overdue
    flag flipped since the last finished build.
    """
    domain = _domain(env)
    previous = _load_state(app)
    configured = settings(env)
    state = current_state(domain, configured.build_date, sorted(configured.imported_projects))
    changed: set[str] = set()
    if state["digest"] != previous.get("digest"):
        changed.update(domain.data["rollups"])
    before = previous.get("related", {})
    changed.update(d for d, related in state["related"].items() if related != before.get(d))
    flipped = {tuple(p) for p in state["overdue"]} ^ {tuple(p) for p in previous.get("overdue", [])}
    changed.update(docname for docname, _action_id in flipped)
    domain.pending_state = state
    return sorted(changed & env.found_docs)


def save_state(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: remember what the written pages show, once writing succeeded."""
    domain = _domain(app.env)
    state = domain.pending_state
    if exception is not None or state is None:
        return
    atomic_write(_state_path(app), json.dumps(state, sort_keys=True).encode("utf-8"))
    domain.pending_state = None
