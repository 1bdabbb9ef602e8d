"""sphinx-postmortem: write blameless post-mortems as Sphinx documentation.

Enable with ``extensions = ["sphinx_postmortem"]`` in ``conf.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from . import (
    checks,
    config,
    export,
    feed,
    freshness,
    html_memo,
    imports,
    lesson_store,
    nodes,
    placeholders,
    settings,
    stylesheet,
    text_checks,
)
from .directives.action_item import ActionItemDirective, settle_default_ids
from .directives.incident import IncidentDirective, settle_title
from .directives.lesson import LessonDirective
from .directives.rollups import (
    ActionItemListDirective,
    IncidentListDirective,
    LessonListDirective,
    StatsDirective,
)
from .directives.timeline import TimelineDirective
from .domain import PostmortemDomain, PostmortemXRefRole, warn_missing_reference
from .transforms import FillPlaceholders

__version__ = "0.1.0"

#: Bumped whenever the stored records change shape, so old environments are re-read.
ENV_VERSION = 3

DIRECTIVES = {
    "incident": IncidentDirective,
    "timeline": TimelineDirective,
    "action-item": ActionItemDirective,
    "lesson": LessonDirective,
    "incident-list": IncidentListDirective,
    "lesson-list": LessonListDirective,
    "action-item-list": ActionItemListDirective,
    "postmortem-stats": StatsDirective,
}


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the domain, directives, roles, settings and event handlers."""
    config.register(app)
    nodes.register(app)
    html_memo.register(app)
    app.add_domain(PostmortemDomain)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    for reftype in ("incident", "action-item"):
        app.add_role(reftype, PostmortemXRefRole(reftype))
    app.add_post_transform(FillPlaceholders)
    app.add_latex_package(stylesheet.LATEX_PACKAGE)  # characters pdflatex lacks
    app.add_message_catalog("sphinx_postmortem", str(Path(__file__).parent / "locale"))
    app.connect("config-inited", config.check_config)
    app.connect("config-inited", settings.store_settings, priority=900)  # once cleaned
    app.connect("builder-inited", imports.load_projects)
    app.connect("builder-inited", checks.check_blameless_rules)
    app.connect("doctree-read", settle_title, priority=400)
    app.connect("doctree-read", settle_default_ids, priority=400)
    app.connect("doctree-read", checks.check_page)
    app.connect("doctree-read", text_checks.check_control_characters)
    app.connect("doctree-read", placeholders.check_placeholders)
    app.connect("doctree-read", lesson_store.save_lesson_bodies)
    app.connect("doctree-read", freshness.note_page_digest, priority=900)
    app.connect("doctree-read", freshness.note_project_filters)
    app.connect("env-purge-doc", lesson_store.forget_lesson_bodies)
    app.connect("env-purge-doc", html_memo.forget_page)
    app.connect("env-get-outdated", freshness.pages_to_reread)
    app.connect("env-get-updated", freshness.outdated_pages)
    app.connect("env-updated", stylesheet.copy_stylesheet)
    app.connect("warn-missing-reference", warn_missing_reference)
    app.connect("html-page-context", stylesheet.add_stylesheet)
    app.connect("html-page-context", feed.add_feed_link)
    app.connect("build-finished", freshness.save_state)
    app.connect("build-finished", export.write_export)
    app.connect("build-finished", feed.write_feed)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
