"""sphinx-postmortem: write blameless post-mortems as Sphinx documentation.

Enable with ``extensions = ["sphinx_postmortem"]`` in ``conf.py``.

The package follows the build, one folder per stage; a module imports only
from its own stage and the ones before it:

- the foundation (this folder's modules): settings, records, warnings, node
  and link building blocks, times, atomic writes and digests;
- ``directives/``: reading, the directives and their parsers;
- ``domain.py``: the store of every record;
- ``checks/``: what is checked once a page is read;
- ``selection/``: typed roll-up specs, views, related post-mortems;
- ``incremental/``: state kept between builds;
- ``fill/``: everything done when a page is written;
- ``exchange/``: the export, the feed and imports of other projects.

``settle.py`` runs the steps of a page once it is read, in order; this
module connects the events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from . import config, nodes, settings
from .checks.blameless import check_blameless_rules, forget_removed_pages, merge_blame_memo
from .directives.action_item import ActionItemDirective
from .directives.factor import FactorDirective
from .directives.impact import ImpactDirective
from .directives.incident import IncidentDirective
from .directives.lesson import LessonDirective
from .directives.rollups import (
    ActionItemListDirective,
    FactorListDirective,
    IncidentListDirective,
    LessonListDirective,
    StatsDirective,
)
from .directives.timeline import TimelineDirective
from .domain import PostmortemDomain, PostmortemXRefRole, warn_missing_reference
from .exchange import export, feed, imports
from .fill import early_html, stylesheet
from .fill.latex_tables import TablesForLatex
from .fill.transform import FillPlaceholders
from .incremental import entry_cache, freshness, lesson_bodies
from .settle import settle_page
from .version import __version__

#: Bumped whenever the stored records change shape, so old environments are re-read.
ENV_VERSION = 5

DIRECTIVES = {
    "incident": IncidentDirective,
    "timeline": TimelineDirective,
    "action-item": ActionItemDirective,
    "lesson": LessonDirective,
    "impact": ImpactDirective,
    "factor": FactorDirective,
    "incident-list": IncidentListDirective,
    "lesson-list": LessonListDirective,
    "action-item-list": ActionItemListDirective,
    "factor-list": FactorListDirective,
    "postmortem-stats": StatsDirective,
}


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the domain, directives, roles, settings and event handlers."""
    config.register(app)
    nodes.register(app)
    entry_cache.register(app)
    early_html.register(app)
    app.add_domain(PostmortemDomain)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    for reftype in ("incident", "action-item"):
        app.add_role(reftype, PostmortemXRefRole(reftype))
    app.add_post_transform(FillPlaceholders)
    app.add_post_transform(TablesForLatex)  # LaTeX: action items as tables; tables that fit
    app.add_latex_package(stylesheet.LATEX_PACKAGE)  # characters pdflatex lacks
    app.add_message_catalog("sphinx_postmortem", str(Path(__file__).parent / "locale"))
    app.connect("config-inited", config.check_config)
    app.connect("config-inited", settings.store_settings, priority=900)  # once cleaned
    app.connect("builder-inited", imports.load_projects)
    app.connect("builder-inited", check_blameless_rules)
    app.connect("doctree-read", settle_page)
    app.connect("env-purge-doc", lesson_bodies.forget_lesson_bodies)
    app.connect("env-purge-doc", entry_cache.forget_page)
    app.connect("env-get-outdated", freshness.pages_to_reread)
    app.connect("env-get-updated", freshness.outdated_pages)
    app.connect("env-merge-info", merge_blame_memo)
    app.connect("env-updated", forget_removed_pages)
    app.connect("env-updated", stylesheet.copy_stylesheet)
    app.connect("warn-missing-reference", warn_missing_reference)
    app.connect("html-page-context", stylesheet.add_stylesheet)
    app.connect("html-page-context", stylesheet.add_filter_script)
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
