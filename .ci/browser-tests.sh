#!/usr/bin/env bash
# Browser tests (tests/browser): the demo documentation built with five themes
# and checked in headless Chromium through Playwright for Python.
#
# Run from the repository root inside an activated virtual environment (as
# .ci/run does). Installs what the tests need: Debian's chromium package when
# /usr/bin/chromium is missing (Playwright's own browser downloads are never
# used), and the package with its 'test' and 'browser' extras. With
# PM_REQUIRE_BROWSER=1 a missing browser fails the tests instead of skipping
# them. Screenshots go to $PM_SCREENSHOT_DIR (default build/screenshots).
# Exits non-zero on any failure.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    echo "== installing Debian's chromium"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null || true

echo "== installing the package with the test and browser extras"
python -m pip install --quiet -e ".[test,browser]"

echo "== browser tests"
export PM_REQUIRE_BROWSER=1
python -m pytest -q -p no:cacheprovider -m browser tests/browser
