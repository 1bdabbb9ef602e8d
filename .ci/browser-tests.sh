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
# The HTML validation test needs the Nu Html Checker: the npm package
# vnu-jar, installed under ~/.cache (never in the repository) and run with
# Java (Debian's headless JRE when java is missing); $PM_VNU_JAR points to it.
# The tests run in two pytest-xdist workers (-n 2).
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

if ! command -v java >/dev/null || ! command -v npm >/dev/null; then
    echo "== installing Java and npm for the Nu Html Checker"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq default-jre-headless npm >/dev/null
fi
vnu_dir="${XDG_CACHE_HOME:-$HOME/.cache}/sphinx-postmortem/vnu"
export PM_VNU_JAR="$vnu_dir/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$PM_VNU_JAR" ]; then
    echo "== installing the Nu Html Checker (npm package vnu-jar) into $vnu_dir"
    mkdir -p "$vnu_dir"
    # --ignore-scripts: its install script would fetch a Java of its own.
    npm install --prefix "$vnu_dir" --no-audit --no-fund --ignore-scripts --silent vnu-jar
fi
java -version 2>&1 | head -n 1

echo "== installing the package with the test and browser extras"
python -m pip install --quiet -e ".[test,browser]"

echo "== browser tests"
export PM_REQUIRE_BROWSER=1
# Two pytest-xdist workers, each with its own Chromium: the tests mostly wait on the
# browser, so two keep both cores busy. The workers share one build of the sites
# (tests/browser/conftest.py, the first to need them builds them).
python -m pytest -n 2 -q -p no:cacheprovider -m browser tests/browser
