"""The package's style files: the stylesheet of HTML builds, the LaTeX package of LaTeX builds.

The stylesheet is linked on pages that show post-mortems; the LaTeX package
(``sphinxpostmortem.sty``, loaded through ``app.add_latex_package``)
declares the non-ASCII characters the extension writes, so Sphinx's default
``pdflatex`` engine can typeset them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import PER_DOC_KEYS, PostmortemDomain

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
    "charts",
    "print",
)
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
