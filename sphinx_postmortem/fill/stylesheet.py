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
#: The LaTeX package, without ``.sty``, as ``\usepackage`` names it.
LATEX_PACKAGE = "sphinxpostmortem"


def _domain(env: BuildEnvironment) -> PostmortemDomain:
    return cast(PostmortemDomain, env.get_domain("postmortem"))


def copy_stylesheet(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: copy the stylesheet (HTML) or the LaTeX package (LaTeX) into the output.

    The LaTeX package goes next to the ``.tex`` files, where LaTeX looks for it.

    Copied before pages are written, so every page links it with the same
    checksum (``?v=...``), in clean and incremental builds alike; copied
    rather than added to ``html_static_path``, so the user's configuration
    is left as it is.
    """
    if app.builder.format == "html":
        target = Path(app.builder.outdir) / "_static" / STYLESHEET
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC_DIR / STYLESHEET, target)
    elif app.builder.format == "latex":
        Path(app.builder.outdir).mkdir(parents=True, exist_ok=True)
        sty = f"{LATEX_PACKAGE}.sty"
        shutil.copyfile(STATIC_DIR / sty, Path(app.builder.outdir) / sty)


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
