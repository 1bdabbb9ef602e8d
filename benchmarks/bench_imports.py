"""How much importing other projects' post-mortems adds to a build.

Writes 20 synthetic ``postmortems.json`` files of 500 incidents each (with
their action items, lessons and, in schema version 2, impact figures and
contributing factors), then builds the same small project with and without
them in ``postmortem_projects``, in the same run, and prints the difference.
Target (issue 4): under 1 second added. ``--schema 1`` writes the files an
older version exported, without the fields of version 2.

    python benchmarks/bench_imports.py [--projects 20] [--incidents 500] [--repeat 3]
                                       [--schema 2]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVICES = ["checkout-api", "payments-gateway", "search-api", "auth", "catalog", "billing"]
TAGS = ["deploy", "config-change", "capacity", "dependency", "monitoring", "database"]
KINDS = ["went-well", "went-wrong", "lucky"]
CATEGORIES = ["change-management", "configuration", "capacity", "dependency", "latent-bug"]
FACTOR_KINDS = ["trigger", "root-cause", "contributing"]


def impact(rng: random.Random) -> list[dict]:
    """One impact directive's figures, as an export of schema version 2 holds them."""
    customers = rng.randint(10, 50_000)
    return [
        {"metric": "customers", "label": "Customers affected", "unit": "customers",
         "kind": "count", "value": customers, "text": f"{customers:,}"},
        {"metric": "requests", "label": "Failed requests", "unit": "requests",
         "kind": "count", "value": 1_200_000, "text": "1.2M"},
        {"metric": "revenue", "label": "Revenue lost", "unit": "USD",
         "kind": "money", "value": 12_500, "text": "12,500"},
        {"metric": "error-budget", "label": "Error budget burned", "unit": "%",
         "kind": "percent", "value": rng.randint(1, 100), "text": "38%"},
    ]


def add_version_2(data: dict, rng: random.Random) -> None:
    """The fields of schema version 2: three factors and the new fields of every record."""
    data["schema_version"] = 2
    data["factors"] = []
    for incident in data["incidents"]:
        page = incident["url"].split("#")[0]
        incident.update({
            "types": [incident["type"]], "detected_by": rng.choice(["alert", "customer"]),
            "roles": {"commander": ["A. Commander"]}, "responders": ["B. Responder"],
            "reviewed": None, "reviewers": [], "impact": impact(rng),
        })
        for number, kind in enumerate(FACTOR_KINDS, 1):
            data["factors"].append({
                "title": f"Factor {number} of {incident['id']}", "kind": kind,
                "categories": rng.sample(CATEGORIES, 1), "body": "Why it mattered.",
                "incident": incident["id"], "url": f"{page}#factor-{number}",
            })
    for record in data["action_items"]:
        record.update({"tags": [], "services": []})
    for record in data["lessons"]:
        record["services"] = []


def export(project: str, incidents: int, rng: random.Random) -> dict:
    """A valid export of ``incidents`` incidents, 5 action items and 4 lessons each."""
    data: dict = {"schema_version": 1, "project": project, "base_url": None,
                  "incidents": [], "action_items": [], "lessons": []}
    for number in range(1, incidents + 1):
        incident_id = f"{project.upper()}-{number:04d}"
        page = f"postmortems/{number:04d}.html"
        data["incidents"].append({
            "id": incident_id, "title": f"Incident {number} of {project}",
            "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "severity": rng.choice(["SEV1", "SEV2", "SEV3", "SEV4"]), "status": "published",
            "type": "incident", "authors": ["A. Author"],
            "services": rng.sample(SERVICES, 2), "tags": rng.sample(TAGS, 2),
            "summary": "A summary.", "impact_start": None,
            "metrics": {"time_to_detect": rng.randint(60, 3600),
                        "time_to_resolve": rng.randint(3600, 7200)},
            "milestones": [], "action_items": {"open": 2, "total": 5}, "lessons": 4,
            "url": f"{page}#incident-{incident_id}",
        })
        for item in range(1, 6):
            data["action_items"].append({
                "id": f"{incident_id}-A{item}", "title": f"Follow-up {item}",
                "owner": "team", "type": "prevent", "priority": "P2", "due": "2024-12-01",
                "status": rng.choice(["open", "done"]), "tracker": None, "tracker_url": None,
                "body": "", "incident": incident_id, "url": f"{page}#action-{item}",
            })
        for lesson in range(1, 5):
            data["lessons"].append({
                "title": f"Lesson {lesson} of {incident_id}", "kind": rng.choice(KINDS),
                "tags": rng.sample(TAGS, 1), "body": "What we learned.",
                "incident": incident_id, "url": f"{page}#lesson-{lesson}",
            })
    return data


def write_project(root: Path, projects: dict[str, str]) -> Path:
    """A one-page project; ``projects`` maps names to export files."""
    source = root / "src"
    source.mkdir(parents=True, exist_ok=True)
    mapping = {name: (f"https://docs.example.com/{name}/", path) for name, path in projects.items()}
    (source / "conf.py").write_text(
        'extensions = ["sphinx_postmortem"]\nproject = "Aggregate"\n'
        f"postmortem_projects = {mapping!r}\n", encoding="utf-8")
    (source / "index.rst").write_text("Aggregate\n=========\n\nNo roll-ups here.\n",
                                      encoding="utf-8")
    return source


def build_seconds(source: Path, repeat: int) -> float:
    """Best of ``repeat`` clean builds (each in a new interpreter)."""
    best = float("inf")
    for run in range(repeat):
        out = source.parent / f"out{run}"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html",
                        str(source), str(out)], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--schema", type=int, choices=(1, 2), default=2)
    args = parser.parse_args()
    rng = random.Random(20241127)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = {}
        for index in range(args.projects):
            name = f"team{index:02d}"
            path = work / "exports" / f"{name}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            data = export(name, args.incidents, rng)
            if args.schema == 2:
                add_version_2(data, rng)
            path.write_text(json.dumps(data), encoding="utf-8")
            files[name] = str(path)
        size = sum(Path(p).stat().st_size for p in files.values()) / 1e6
        without = build_seconds(write_project(work / "without", {}), args.repeat)
        with_imports = build_seconds(write_project(work / "with", files), args.repeat)
    added = with_imports - without
    print(f"imports: {args.projects} projects x {args.incidents} incidents, schema version "
          f"{args.schema} ({size:.1f} MB of JSON)")
    print(f"build without imports  {without:6.2f} s (best of {args.repeat})")
    print(f"build with imports     {with_imports:6.2f} s (best of {args.repeat})")
    print(f"added by the imports   {added:6.2f} s   target < 1 s: {'ok' if added < 1 else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
