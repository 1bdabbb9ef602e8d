"""Event handlers: page-level checks, roll-up freshness, the stylesheet."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .config import build_date
from .domain import PER_DOC_KEYS, PostmortemDomain
from .model import is_overdue

STATIC_DIR = Path(__file__).parent / "static"
STYLESHEET = "sphinx_postmortem.css"


def _domain(env: BuildEnvironment) -> PostmortemDomain:
    return cast(PostmortemDomain, env.get_domain("postmortem"))


def _digest(domain: PostmortemDomain, overdue: list[tuple[str, str]]) -> str:
    """A hash of everything a roll-up can show (line numbers excluded)."""

    def strip(record: Any) -> dict[str, Any]:
        return {k: v for k, v in record.items() if k != "lineno"}

    payload = {
        "incidents": [strip(r) for r in domain.all_incidents()],
        "actions": [strip(r) for r in domain.all_actions()],
        "lessons": [strip(r) for r in domain.all_lessons()],
        "milestones": {
            docname: [(e["when"], e["milestone"]) for e in entries if e["milestone"]]
            for docname, entries in sorted(domain.data["timeline"].items())
        },
        "overdue": overdue,
        "imports": {
            name: {k: v for k, v in project.items() if k not in ("fetched", "mtime")}
            for name, project in sorted(domain.data["imports"].items())
        },
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def outdated_rollups(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: pages to rewrite (not re-read) because data they show changed.

    Roll-up pages are rewritten when any record changed; an incident's page
    when its related post-mortems changed; an action item's page when its
    overdue flag flipped since the last build.
    """
    domain = _domain(env)
    state = domain.data["rollup_state"]
    today = build_date(env.config)
    overdue = sorted((a["docname"], a["id"]) for a in domain.all_actions() if is_overdue(a, today))
    digest = _digest(domain, overdue)
    changed: set[str] = set()
    if digest != state["digest"]:
        changed.update(domain.data["rollups"])
    related = {
        docname: [
            [r.get("project") or "", r["id"], r["title"], r["date"] or "", r["severity"] or ""]
            for r in domain.related(docname)
        ]
        for docname in sorted(domain.data["incidents"])
    }
    previous = state.get("related", {})
    changed.update(d for d in related if related[d] != previous.get(d))
    flipped = set(overdue).symmetric_difference(tuple(pair) for pair in state["overdue"])
    changed.update(docname for docname, _action_id in flipped)
    state["digest"], state["overdue"], state["related"] = digest, overdue, related
    return sorted(changed & env.found_docs)


def copy_stylesheet(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: put the stylesheet into ``_static`` of HTML builds.

    Copied rather than added to ``html_static_path``, so the user's
    configuration is left as it is (and incremental builds do not see a
    changed setting).
    """
    if exception is None and app.builder.format == "html":
        target = Path(app.builder.outdir) / "_static" / STYLESHEET
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC_DIR / STYLESHEET, target)


def add_stylesheet(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.Node | None
) -> None:
    """``html-page-context``: link the stylesheet on pages that show post-mortem content."""
    domain = _domain(app.env)
    if app.builder.name == "singlehtml":
        needed = any(domain.data[key] for key in PER_DOC_KEYS)
    else:
        needed = pagename == "postmortem-incidents" or any(
            pagename in domain.data[key] for key in PER_DOC_KEYS
        )
    if needed:
        app.add_css_file(STYLESHEET)
