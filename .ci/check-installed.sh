#!/usr/bin/env bash
# Checks an installed sphinx-postmortem (from the wheel): its data files are in the
# package and a sample project builds with it. Usage: check-installed.sh BIN_DIR WORK_DIR
set -euo pipefail
bin="$1"
work="$2"
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work"
cd "$work"   # away from the source tree, so the installed package is the one imported

package="$("$bin/python" -c 'import pathlib, sphinx_postmortem as p; print(pathlib.Path(p.__file__).parent)')"
echo "installed package: $package"
case "$package" in
    "$repo"*) echo "the source tree was imported, not the installed wheel" >&2; exit 1 ;;
esac
for file in static/css/base.css static/sphinx_postmortem.js schema/postmortems.schema.json \
            templates/incident.rst.jinja templates/incident.md.jinja \
            templates/project.rst.jinja templates/project.md.jinja; do
    test -f "$package/$file" || { echo "missing from the wheel: $file" >&2; exit 1; }
done

# A sample project (the docs' example project) builds cleanly and exports its data.
cp -r "$repo/docs/_example_projects/payments" "$work/payments"
rm -rf "$work/payments/_build"
"$bin/python" -m sphinx -q -W -b html "$work/payments" "$work/payments/_build/html"
test -f "$work/payments/_build/html/_static/sphinx_postmortem.css"
"$bin/python" - "$work/payments/_build/html/postmortems.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
assert data["schema_version"] == 2 and data["incidents"], "empty export"
assert data["factors"] and all(i["impact"] for i in data["incidents"]), "no factors or impact"
print(f"export: {len(data['incidents'])} incidents, {len(data['lessons'])} lessons, "
      f"{len(data['factors'])} factors")
PY

# The scaffolding command works from the installed templates, and its page builds.
mkdir -p "$work/new/postmortems"
printf 'extensions = ["sphinx_postmortem"]\nproject = "Sample"\nexclude_patterns = ["_build"]\n' \
    > "$work/new/conf.py"
printf 'Sample\n======\n\n.. toctree::\n   :glob:\n\n   postmortems/*\n' > "$work/new/index.rst"
(cd "$work/new" && "$bin/sphinx-postmortem" new "Sample outage" --severity SEV3 \
    --date 2024-01-02 --dir postmortems)
"$bin/python" -m sphinx -q -W -b html "$work/new" "$work/new/_build/html"
echo "installed wheel: OK"
