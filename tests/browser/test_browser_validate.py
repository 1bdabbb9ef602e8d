"""The extension's pages add no HTML errors to what the theme and Sphinx already have.

The Nu Html Checker (vnu.jar, from the npm package ``vnu-jar``; run with
Java) checks the demo site built with one theme, every page with the
extension's markup and the plain pages of the same build, in one run. An
error on an extension page whose message no plain page has is the
extension's. The markup is the same in every theme, so one theme is enough.

vnu.jar is found through $PM_VNU_JAR, else where .ci/browser-tests.sh
installs it (under ~/.cache/sphinx-postmortem/vnu). Without it or Java the
test is skipped, unless PM_REQUIRE_BROWSER=1, when it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pm_browser_site as site
import pytest

VNU_JAR = Path.home() / ".cache/sphinx-postmortem/vnu/node_modules/vnu-jar/build/dist/vnu.jar"


def require(reason: str) -> None:
    """Skip, or fail when PM_REQUIRE_BROWSER=1 (as in CI)."""
    if os.environ.get("PM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PM_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def vnu_jar() -> Path:
    """The checker's jar, or skip (fail with PM_REQUIRE_BROWSER=1) without it or Java."""
    jar = Path(os.environ.get("PM_VNU_JAR") or VNU_JAR)
    if not jar.is_file():
        require(f"the Nu Html Checker is not at {jar} (set PM_VNU_JAR; see .ci/browser-tests.sh)")
    if not shutil.which("java"):
        require("java is not installed (the Nu Html Checker needs it)")
    return jar


@pytest.fixture(scope="session")
def vnu() -> Path:
    """The checker, looked for before any site is built."""
    return vnu_jar()


def vnu_errors(jar: Path, files: list[Path]) -> dict[Path, list[dict]]:
    """Errors the checker finds, per file (one run over all of them)."""
    command = ["java", "-jar", str(jar), "--format", "json", "--errors-only", "--stdout"]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=600
    )
    # Exit status 1 means "errors found"; anything else is the checker failing.
    assert result.returncode in (0, 1), result.stderr
    errors: dict[Path, list[dict]] = {path: [] for path in files}
    by_path = {path.resolve(): path for path in files}
    for message in json.loads(result.stdout)["messages"]:
        assert message["type"] == "error", message  # --errors-only
        local = Path("/" + unquote(message["url"].removeprefix("file:")).lstrip("/"))
        errors[by_path[local.resolve()]].append(message)
    return errors


def _where(path: str, message: dict) -> str:
    extract = " ".join(message.get("extract", "").split())
    return f"{path}:{message.get('lastLine', '?')}: {message['message']} [{extract}]"


@pytest.mark.parametrize("theme", ["alabaster"])
def test_extension_pages_add_no_html_errors(vnu, sites, screenshot_dir, theme):
    html = sites / theme / "html"
    # The pages the browser tests check are every page with the extension's
    # markup, and the plain pages have none.
    with_markup = {
        path.relative_to(html).as_posix()
        for path in html.rglob("*.html")
        if 'class="pm-' in path.read_text(encoding="utf-8")
    }
    assert with_markup == set(site.EXTENSION_PAGES)
    assert not with_markup & set(site.PLAIN_PAGES)
    pages = [*site.EXTENSION_PAGES, *site.PLAIN_PAGES]
    errors = vnu_errors(vnu, [html / page for page in pages])
    baseline = {m["message"] for page in site.PLAIN_PAGES for m in errors[html / page]}
    new = [
        _where(page, message)
        for page in site.EXTENSION_PAGES
        for message in errors[html / page]
        if message["message"] not in baseline
    ]
    report = {page: [_where(page, m) for m in errors[html / page]] for page in pages}
    (screenshot_dir / "vnu.json").write_text(json.dumps(report, indent=1, sort_keys=True))
    assert new == [], "\n".join(new)
