"""Fixtures of the browser tests: the demo site per theme, a local server, Chromium.

The browser tests need Playwright for Python and Debian's Chromium at
/usr/bin/chromium (Playwright's own browser downloads are never used). When
either is missing they are skipped, unless PM_REQUIRE_BROWSER=1, as in CI
(.ci/browser-tests.sh), where they fail instead.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pm_browser_site as site
import pytest

REQUIRE_BROWSER = os.environ.get("PM_REQUIRE_BROWSER") == "1"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

missing_browser = site.missing_browser


def require(reason: str | None) -> None:
    """Skip, or fail when PM_REQUIRE_BROWSER=1, if ``reason`` is set."""
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"PM_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)


def _themes_needed(session: pytest.Session) -> list[str]:
    themes = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "theme" in callspec.params:
            themes.add(callspec.params["theme"])
    return [t for t in site.THEMES if t in themes] or list(site.THEMES)


@pytest.fixture(scope="session")
def sites(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo documentation built once per theme the selected tests use.

    Two builds run at a time (each is a separate ``python -m sphinx``). Under
    pytest-xdist (``-n 2``) the workers share one set of sites: the first worker to
    need a theme builds it, holding a lock the others wait on (see ``site.shared``).
    Returns the root holding ``<theme>/html``.
    """
    require(missing_browser())
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # The temporary folder of the whole run: every worker's is below it.
        root = tmp_path_factory.getbasetemp().parent / "pm-sites"
    else:
        root = tmp_path_factory.mktemp("pm-sites")
    themes = _themes_needed(request.session)
    with site.shared(root) as missing:
        todo = missing(themes)
        with ThreadPoolExecutor(max_workers=2) as pool:
            for theme, future in [(t, pool.submit(site.build_site, t, root / t)) for t in todo]:
                future.result()
                site.mark_built(root, theme)
    return root


@pytest.fixture(scope="session")
def server(sites: Path):
    srv = site.Server(sites)
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def browser():
    require(missing_browser())
    playwright = sync_playwright().start()
    try:
        chromium = site.launch_chromium(playwright)
    except Exception as error:  # e.g. a Chromium that does not start
        playwright.stop()
        require(f"Chromium did not start: {error}")
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where screenshots for people to look at go (not committed)."""
    path = Path(os.environ.get("PM_SCREENSHOT_DIR", site.REPO / "build" / "screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test here needs the browser; the marker lets "-m browser" and
    # "-m 'not browser'" select them wherever they are collected from.
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)
