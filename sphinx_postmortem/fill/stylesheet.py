"""The package's static files: the stylesheet and script of HTML builds, the LaTeX package.

The stylesheet is linked on pages that show post-mortems; the script
(``sphinx_postmortem.js``, the filter bar and table sorting of ``:filter:``
roll-ups) only on pages with such a roll-up, in builds whose pages run
scripts (not e-books); the LaTeX package
(``sphinxpostmortem.sty``, loaded through ``app.add_latex_package``)
declares the non-ASCII characters the extension writes, so Sphinx's default
``pdflatex`` engine can typeset them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.locale import get_translation

from ..domain import PER_DOC_KEYS, PostmortemDomain
from ..settings import settings
from .facets import FILTER_CLASS, facet_labels, runs_scripts

_ = get_translation("sphinx_postmortem")

STATIC_DIR = Path(__file__).parent.parent / "static"
STYLESHEET = "sphinx_postmortem.css"
#: The stylesheet's parts in ``static/css/``, in cascade order: later parts
#: may override earlier ones. They are joined into one file per build.
STYLESHEET_PARTS = (
    "base",  # design tokens, light and dark
    "labels",  # severity, status, kind pills
    "panel",  # the incident header, impact figures, field grids
    "timeline",
    "actions",
    "lessons",  # lessons and contributing factors
    "tables",  # roll-up tables
    "filter",  # the filter bar and sortable headers of :filter: roll-ups
    "charts",
    "print",
)
#: The script of ``:filter:`` roll-ups.
SCRIPT = "sphinx_postmortem.js"
#: The LaTeX package, without ``.sty``, as ``\usepackage`` names it.
LATEX_PACKAGE = "sphinxpostmortem"


def _domain(env: BuildEnvironment) -> PostmortemDomain:
    return cast(PostmortemDomain, env.get_domain("postmortem"))


def copy_stylesheet(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: write the stylesheet (HTML) or the LaTeX package (LaTeX) into the output.

    The LaTeX package goes next to the ``.tex`` files, where LaTeX looks for it.

    Copied before pages are written, so every page links it with the same
    checksum (``?v=...``), in clean and incremental builds alike; copied
    rather than added to ``html_static_path``, so the user's configuration
    is left as it is.
    """
    if app.builder.format == "html":
        target = Path(app.builder.outdir) / "_static" / STYLESHEET
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stylesheet_text(), encoding="utf-8")
        if runs_scripts(app.builder):
            shutil.copyfile(STATIC_DIR / SCRIPT, target.parent / SCRIPT)
    elif app.builder.format == "latex":
        Path(app.builder.outdir).mkdir(parents=True, exist_ok=True)
        sty = f"{LATEX_PACKAGE}.sty"
        shutil.copyfile(STATIC_DIR / sty, Path(app.builder.outdir) / sty)


def stylesheet_text() -> str:
    """The stylesheet: its parts joined in cascade order."""
    parts = (STATIC_DIR / "css" / f"{part}.css" for part in STYLESHEET_PARTS)
    return "\n".join(path.read_text(encoding="utf-8") for path in parts)


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


def add_filter_script(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.Node | None
) -> None:
    """``html-page-context``: link the script on pages with a ``:filter:`` roll-up.

    Deferred, so it runs once the page is parsed. Its words (translated) and
    the configured orders of severities and priorities are attributes of its
    tag, which Sphinx escapes.
    """
    if doctree is None or not runs_scripts(app.builder) or not _has_filter(doctree):
        return
    configured = settings(app.env)
    words = {
        "labels": facet_labels(),
        "filter": _("Filter"),
        "all": _("All"),
        "clear": _("Clear"),
        "shown": _("{shown} of {total} shown"),
        "severities": list(configured.severities),
        "priorities": list(configured.priorities),
    }
    attributes: dict[str, Any] = {"data-words": json.dumps(words)}
    app.add_js_file(SCRIPT, loading_method="defer", **attributes)


def _has_filter(doctree: nodes.Node) -> bool:
    return any(
        FILTER_CLASS in container["classes"] for container in doctree.findall(nodes.container)
    )
