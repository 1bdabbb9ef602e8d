"""Build the demo documentation with a given theme and serve it locally.

Shared by the browser tests (test_browser.py) and the README screenshot
script (make_readme_screenshots.py). Everything is written under a
directory the caller chooses; the repository's own tree is never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
PAYMENTS = Path("_example_projects") / "payments"

THEMES = ("alabaster", "furo", "sphinx_rtd_theme", "pydata_sphinx_theme", "sphinx_book_theme")
#: Themes with a dark mode, and how a visitor's choice is stored.
PYDATA_THEMES = ("pydata_sphinx_theme", "sphinx_book_theme")
DARK_THEMES = ("furo", *PYDATA_THEMES)
#: What a visitor's explicit choice of mode looks like in each dark theme's
#: localStorage (for the README screenshots; test_browser.py has its own).
MODE_STORAGE = {
    "furo": lambda mode: {"theme": mode},
    "pydata_sphinx_theme": lambda mode: {"mode": mode, "theme": mode},
    "sphinx_book_theme": lambda mode: {"mode": mode, "theme": mode},
}

#: Pages the tests and screenshots look at, relative to the site root.
INCIDENT_PAGE = "examples/checkout-503s.html"
LESSONS_PAGE = "lessons.html"
INCIDENTS_PAGE = "incidents.html"
ACTIONS_PAGE = "actions.html"
FACTORS_PAGE = "factors.html"
STATS_PAGE = "pm-browser-stats.html"
TRENDS_PAGE = "trends.html"
#: The imported payments project's own site, copied under payments/.
PAYMENTS_INDEX_PAGE = "payments/index.html"
PAYMENTS_INCIDENT_PAGES = (
    "payments/postmortems/2024-04-09-card-authorisation-timeouts.html",
    "payments/postmortems/2024-05-14-webhook-backlog.html",
)
#: Every page of the demo site with the extension's markup.
EXTENSION_PAGES = (
    INCIDENT_PAGE,
    "examples/attachments-deleted.html",
    "examples/search-indexing-review.html",
    INCIDENTS_PAGE,
    ACTIONS_PAGE,
    LESSONS_PAGE,
    FACTORS_PAGE,
    STATS_PAGE,
    TRENDS_PAGE,
    PAYMENTS_INDEX_PAGE,
    *PAYMENTS_INCIDENT_PAGES,
)
#: The pages that show every kind of markup the stylesheet colours (the
#: panel, key facts, labels, timeline and action items; the roll-up tables
#: with their filter bar; lesson groups; charts). axe-core checks these in
#: every theme and mode; the other extension pages repeat the same markup and
#: are checked in the reference theme (``AXE_REFERENCE_THEME``), light.
COLOUR_PAGES = (INCIDENT_PAGE, INCIDENTS_PAGE, ACTIONS_PAGE, LESSONS_PAGE, STATS_PAGE)
#: The theme axe-core checks every extension page in.
AXE_REFERENCE_THEME = "alabaster"
#: Pages of the same builds without the extension's markup: what the theme
#: and Sphinx alone produce (the HTML validator's baseline).
PLAIN_PAGES = ("getting-started.html", "payments/search.html")
#: The filter bar the script adds to a roll-up written with ``:filter:``,
#: and the filtered view of the lessons page that the README shows (a page
#: without a filter bar ignores the fragment and shows the whole list).
FILTER_BAR = ".pm-filter-bar"
LESSONS_README_FRAGMENT = "#filter=kind:went-wrong"

#: A postmortem-stats page added to the copy of the docs that is built (the
#: documentation has none of its own). ``:orphan:`` keeps it out of toctrees.
STATS_SOURCE = """\
:orphan:

Post-mortem statistics
======================

.. postmortem-stats::
   :period: quarter
   :since: 2023-10-01
"""


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in {"_build", "__pycache__", ".doctrees"}}


def build_site(theme: str, workdir: Path, *, quiet: bool = True) -> Path:
    """Build the payments example, then the docs, with ``html_theme=theme``.

    Returns the HTML output directory of the docs (the payments site is
    copied into its ``payments/`` folder by docs/conf.py).
    """
    source = workdir / "src"
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(DOCS, source, ignore=_ignore)
    (source / "pm-browser-stats.rst").write_text(STATS_SOURCE, encoding="utf-8")
    out = workdir / "html"
    flags = ["-q"] if quiet else []
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    # pydata-sphinx-theme (and sphinx-book-theme, built on it) logs a console
    # error on a first visit when no default mode is configured; a site sets
    # one with html_context, as these builds do.
    theme_flags = ["-A", "default_mode=auto"] if theme in PYDATA_THEMES else []
    builds = (
        (source / PAYMENTS, source / PAYMENTS / "_build" / "html", []),
        (source, out, ["-d", str(workdir / ".doctrees")]),
    )
    for src, dest, extra in builds:
        cmd = [
            sys.executable,
            "-m",
            "sphinx",
            *flags,
            *extra,
            *theme_flags,
            "-b",
            "html",
            "-D",
            f"html_theme={theme}",
            str(src),
            str(dest),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=source)
        if result.returncode != 0:
            raise RuntimeError(
                f"sphinx build with {theme} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
    return out


@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created if missing) against other processes."""
    with open(lock_file, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def shared(root: Path) -> Iterator[Callable[[list[str]], list[str]]]:
    """Hold the lock of a folder of sites that several processes build into.

    Yields a function giving the themes, of those asked for, not yet built there
    (:func:`mark_built` records one). A process that builds in ``root`` while
    holding the lock leaves every other one waiting until the sites are ready.
    """
    root.mkdir(parents=True, exist_ok=True)
    with locked(root / ".lock"):
        yield lambda themes: [t for t in themes if not (root / f".{t}.built").exists()]


def mark_built(root: Path, theme: str) -> None:
    """Record that ``root / theme`` holds a complete build (see :func:`shared`)."""
    (root / f".{theme}.built").touch()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class Server:
    """A static file server on 127.0.0.1 (a free port) in a daemon thread."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_browser() -> str | None:
    """Why a browser cannot be driven here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[browser]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    """Debian's Chromium, never a browser Playwright downloads."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
