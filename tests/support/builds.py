"""Building a project with a fresh :class:`SphinxTestApp` and reading the result."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

from support.html import El, parse_html
from support.projects import copy_root
from support.warnings import ANSI, warning_lines


@dataclass
class Build:
    """The result of one build of a project."""

    app: Any
    srcdir: Path
    outdir: Path
    status: str
    warnings: list[str]
    _pages: dict[str, El] = field(default_factory=dict)

    def html(self, page: str) -> str:
        return (self.outdir / page).read_text(encoding="utf-8")

    def dom(self, page: str) -> El:
        if page not in self._pages:
            self._pages[page] = parse_html(self.html(page))
        return self._pages[page]

    @property
    def domain(self) -> Any:
        return domain_of(self.app)


def build(
    srcdir: Path,
    buildername: str = "html",
    *,
    freshenv: bool = True,
    parallel: int = 0,
    before_build: Callable[[Any], object] | None = None,
    confoverrides: dict[str, Any] | None = None,
    **conf: Any,
) -> Build:
    """Build ``srcdir`` with a fresh app, cleaned up right after; ``conf`` overrides conf.py.

    ``before_build(app)`` may connect event handlers first. The docutils/Sphinx
    global state is cleaned up after the build, so apps built later do not see
    this one's registrations; the environment and the output stay usable.
    """
    status, warning = StringIO(), StringIO()
    app = SphinxTestApp(
        buildername,
        srcdir=srcdir,
        status=status,
        warning=warning,
        freshenv=freshenv,
        parallel=parallel,
        confoverrides={**(confoverrides or {}), **conf},
    )
    try:
        if before_build is not None:
            before_build(app)
        app.build()
    finally:
        app.cleanup()
    return Build(
        app, srcdir, Path(app.outdir), ANSI.sub("", status.getvalue()), warning_lines(warning)
    )


def build_root(tmp_path_factory: Any, root: str, buildername: str = "html", **kwargs: Any) -> Any:
    """The app of a build of a private copy of ``tests/roots/test-<root>`` (module fixtures)."""
    srcdir = copy_root(root, tmp_path_factory.mktemp(root.replace("-", "_")) / root)
    return build(srcdir, buildername, **kwargs).app


def domain_of(app: Any) -> Any:
    """The ``postmortem`` domain of a built app."""
    return app.env.get_domain("postmortem")


def read(app: Any, name: str) -> str:
    """The text of output file ``name`` of a built app."""
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def export_of(directory: Path, buildername: str = "html") -> str:
    """The ``postmortems.json`` of a build of ``tests/roots/test-export`` in ``directory``."""
    result = build(copy_root("export", directory / "src"), buildername, freshenv=False)
    return (result.outdir / "postmortems.json").read_text(encoding="utf-8")


#: Whether the LaTeX tests can build a PDF here.
HAS_LATEXMK = shutil.which("latexmk") is not None


def build_pdf(outdir: Path, tex_name: str) -> subprocess.CompletedProcess:
    """Run pdflatex (through latexmk) on ``tex_name`` in ``outdir``; asserts that it succeeds."""
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex_name],
        cwd=outdir,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    return run


def latex_table_specs(text: str) -> list[str]:
    """The column specs of the tables in LaTeX ``text``.

    Sphinx 7 writes a table with a column spec as ``tabulary``, Sphinx 8 as ``tabular``.
    """
    return re.findall(r"\\begin\{(?:tabular|tabulary\}\{\\linewidth)\}\[t\]\{(.*)\}\n", text)
