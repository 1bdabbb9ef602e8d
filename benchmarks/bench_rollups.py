"""Benchmark sphinx-postmortem roll-ups against a plain reST baseline.

For each size N, generate both corpora, time a clean html build of each and
an incremental rebuild after editing one post-mortem, and print a table.

    python benchmarks/bench_rollups.py              # N=200 and N=1000
    python benchmarks/bench_rollups.py --quick      # N=50, smoke test
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import generate

CLEAN_TARGET = 1.25
INCREMENTAL_TARGET = 1.5
TARGET_SIZE = 1000
HAND_EDITED = "incr+rollups"


class BuildFailed(RuntimeError):
    """A sphinx-build subprocess exited non-zero."""


@dataclasses.dataclass
class Project:
    """One generated Sphinx project and its output folder."""

    kind: str
    src: Path

    @property
    def out(self) -> Path:
        """The html output folder."""
        return self.src / "_build" / "html"

    def docnames(self) -> set[str]:
        """Document names of the project's sources."""
        return {
            p.relative_to(self.src).with_suffix("").as_posix()
            for p in self.src.rglob("*.rst")
            if "_build" not in p.parts
        }


@dataclasses.dataclass
class Measure:
    """Best time of a scenario for one project, with what the build did."""

    seconds: float = float("inf")
    cpu: float = float("inf")
    warnings: list[str] = dataclasses.field(default_factory=list)
    rewritten: list[str] = dataclasses.field(default_factory=list)
    fresh: bool | None = None
    showing_edit: list[str] = dataclasses.field(default_factory=list)

    def add(self, seconds: float, cpu: float, warnings: list[str], rewritten: list[str]) -> None:
        """Record one run, keeping the best times and the latest details."""
        self.seconds = min(self.seconds, seconds)
        self.cpu = min(self.cpu, cpu)
        self.warnings = sorted(set(self.warnings) | set(warnings))
        self.rewritten = rewritten


@dataclasses.dataclass
class Row:
    """One line of the result table."""

    n: int
    scenario: str
    plain: Measure
    ext: Measure
    edited: str = ""

    @property
    def ratio(self) -> float:
        """ext seconds / plain seconds."""
        return self.ext.seconds / self.plain.seconds

    @property
    def cpu_ratio(self) -> float:
        """ext CPU seconds / plain CPU seconds."""
        return self.ext.cpu / self.plain.cpu


def children_cpu() -> float:
    """User + system CPU seconds of the finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(project: Project, jobs: int) -> tuple[float, float, list[str]]:
    """Run one html build; return its wall time, CPU time and warning lines."""
    cpu_before = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(
        generate.sphinx_html_command(project.src, project.out, jobs),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    cpu = children_cpu() - cpu_before
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise BuildFailed(
            f"{project.kind} build of {project.src} exited {proc.returncode}:\n{tail}"
        )
    warnings = [line for line in proc.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    return seconds, cpu, warnings


def html_mtimes(out: Path) -> dict[str, int]:
    """Modification times of the html files under out."""
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.html")}


def changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Files written or rewritten between two snapshots."""
    return sorted(name for name, mtime in after.items() if before.get(name) != mtime)


def log(message: str) -> None:
    """Progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def timed_build(
    project: Project, jobs: int, label: str
) -> tuple[float, float, list[str], list[str]]:
    """Build; return wall and CPU seconds, warnings and the html files written."""
    before = html_mtimes(project.out) if project.out.exists() else {}
    seconds, cpu, warnings = run_build(project, jobs)
    written = changed(before, html_mtimes(project.out))
    log(
        f"  {label} {project.kind:5}: {seconds:7.2f} s (cpu {cpu:7.2f} s), "
        f"{len(written)} html files, {len(warnings)} warnings, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    return seconds, cpu, warnings, written


def clean_builds(projects: list[Project], repeat: int, jobs: int) -> dict[str, Measure]:
    """Best of `repeat` clean builds of each project."""
    measures = {p.kind: Measure() for p in projects}
    for run in range(1, repeat + 1):
        for project in projects:
            shutil.rmtree(project.src / "_build", ignore_errors=True)
            measures[project.kind].add(*timed_build(project, jobs, f"clean {run}"))
    return measures


def files_showing_edit(project: Project, files: list[str], run: int) -> list[str]:
    """The html files among `files` that show the title of edit `run`."""
    marker = f"(revision {run})"
    return [name for name in files if marker in (project.out / name).read_text(encoding="utf-8")]


def rollups_show_edit(project: Project, run: int) -> bool:
    """Whether the incident and lesson roll-ups show edit number `run`."""
    incidents = (project.out / "incidents.html").read_text(encoding="utf-8")
    lessons = (project.out / "lessons.html").read_text(encoding="utf-8")
    return f"(revision {run})" in incidents and f"Revision {run} adds this sentence." in lessons


def timed_edit_build(project: Project, jobs: int, measure: Measure, run: int, label: str) -> None:
    """Rebuild after edit `run` and record what the build shows of it."""
    measure.add(*timed_build(project, jobs, f"{label} {run}"))
    measure.fresh = rollups_show_edit(project, run) and measure.fresh is not False
    measure.showing_edit = files_showing_edit(project, measure.rewritten, run)


def incremental_builds(
    projects: list[Project], incident: generate.Incident, repeat: int, jobs: int
) -> dict[str, Measure]:
    """Best of `repeat` rebuilds, each after a new edit of one post-mortem."""
    measures = {p.kind: Measure() for p in projects}
    for run in range(1, repeat + 1):
        edited = generate.edit_incident(incident, run)
        for project in projects:
            generate.write_page(project.src, edited, project.kind)
            timed_edit_build(project, jobs, measures[project.kind], run, "edit")
    return measures


def hand_edited_builds(
    project: Project, incidents: list[generate.Incident], index: int, repeat: int, jobs: int
) -> Measure:
    """Plain rebuilds after editing one page and its roll-ups by hand."""
    measure = Measure()
    for run in range(repeat + 1, 2 * repeat + 1):
        edited = list(incidents)
        edited[index] = generate.edit_incident(incidents[index], run)
        generate.write_page(project.src, edited[index], project.kind)
        generate.write_rollups(project.src, edited, project.kind)
        timed_edit_build(project, jobs, measure, run, "edit+roll-ups")
    return measure


def bench_size(n: int, args: argparse.Namespace, workdir: Path) -> list[Row]:
    """Generate both corpora of size n and run every scenario."""
    log(f"N={n}: generating corpora in {workdir / str(n)}")
    incidents = generate.build_corpus(n, args.seed)
    projects = [Project(kind, workdir / str(n) / kind) for kind in ("plain", "ext")]
    for project in projects:
        generate.write_project(project.src, incidents, project.kind)
    clean = clean_builds(projects, args.repeat, args.jobs)
    target = incidents[n // 2]
    incremental = incremental_builds(projects, target, args.repeat, args.jobs)
    by_hand = hand_edited_builds(projects[0], incidents, n // 2, args.repeat, args.jobs)
    return [
        Row(n, "clean", clean["plain"], clean["ext"]),
        Row(n, "incremental", incremental["plain"], incremental["ext"], edited=target.docname),
        Row(n, HAND_EDITED, by_hand, incremental["ext"], edited=target.docname),
    ]


def allowed_pages(row: Row) -> set[str]:
    """Document pages an incremental build may rewrite: edit, roll-ups, parent toctree."""
    docs = {row.edited, "index", *generate.ROLLUP_DOCS}
    return {f"{doc}.html" for doc in docs}


def extra_pages(row: Row, measure: Measure, docnames: set[str]) -> tuple[list[str], list[str]]:
    """Other rewritten pages: those that show the edit, and unrelated ones."""
    pages, _ = split_rewritten(measure.rewritten, docnames)
    extra = [page for page in pages if page not in allowed_pages(row)]
    dependent = [page for page in extra if page in measure.showing_edit]
    return dependent, [page for page in extra if page not in dependent]


def split_rewritten(files: list[str], docnames: set[str]) -> tuple[list[str], list[str]]:
    """Split written html files into source pages and generated pages."""
    pages = [f for f in files if f.removesuffix(".html") in docnames]
    return pages, [f for f in files if f not in pages]


def target_note(row: Row, docnames: set[str]) -> str:
    """Whether the row meets the issue's target."""
    if row.scenario == HAND_EDITED:
        return "(reference: plain roll-ups edited too)"
    if row.scenario == "clean":
        if row.n != TARGET_SIZE:
            return f"(<={CLEAN_TARGET}x at N={TARGET_SIZE})"
        return f"<={CLEAN_TARGET}x {'ok' if row.ratio <= CLEAN_TARGET else 'MISS'}"
    dependent, unrelated = extra_pages(row, row.ext, docnames)
    problems = [
        *(["slow"] if row.ratio > INCREMENTAL_TARGET else []),
        *([f"{len(unrelated)} unrelated pages"] if unrelated else []),
        *(["stale roll-ups"] if not row.ext.fresh else []),
    ]
    verdict = "ok" if not problems else "MISS: " + ", ".join(problems)
    also = f" (+{len(dependent)} pages showing the edit)" if dependent else ""
    return f"<={INCREMENTAL_TARGET}x, no unrelated pages, fresh: {verdict}{also}"


def format_table(rows: list[Row], docnames: dict[int, set[str]]) -> str:
    """The result table as aligned text."""
    header = (
        "N",
        "scenario",
        "plain s",
        "ext s",
        "ext/plain",
        "cpu ratio",
        "files plain",
        "files ext",
        "target",
    )
    lines = [header] + [
        (
            str(r.n),
            r.scenario,
            f"{r.plain.seconds:.2f}",
            f"{r.ext.seconds:.2f}",
            f"{r.ratio:.2f}x",
            f"{r.cpu_ratio:.2f}x",
            str(len(r.plain.rewritten)),
            str(len(r.ext.rewritten)),
            target_note(r, docnames[r.n]),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def format_details(rows: list[Row], docnames: dict[int, set[str]]) -> str:
    """Rewritten files of incremental builds and warnings of every build."""
    lines = []
    seen: set[int] = set()
    for row in rows:
        for kind, measure in (("plain", row.plain), ("ext", row.ext)):
            if id(measure) in seen:
                continue
            seen.add(id(measure))
            if row.scenario != "clean":
                pages, generated = split_rewritten(measure.rewritten, docnames[row.n])
                dependent, unrelated = extra_pages(row, measure, docnames[row.n])
                lines += [
                    f"N={row.n} {row.scenario} {kind}: roll-ups show the edit: "
                    f"{'yes' if measure.fresh else 'no'}",
                    f"    {len(pages)} pages: {pages}",
                    f"    of which {len(dependent)} other pages showing the edited "
                    f"title, {len(unrelated)} unrelated: {unrelated}",
                    f"    {len(generated)} generated: {generated}",
                ]
            if measure.warnings:
                lines.append(
                    f"N={row.n} {row.scenario} {kind}: "
                    f"{len(measure.warnings)} distinct warnings, e.g.:"
                )
                lines += [f"    {w}" for w in measure.warnings[:5]]
    return "\n".join(lines)


def environment_summary() -> tuple[str, bool]:
    """Versions and machine description; whether the extension imports."""
    sphinx_version = generate.python_output("import sphinx; print(sphinx.__version__)")
    ext_version = generate.python_output(
        "import sphinx_postmortem as m; print(getattr(m, '__version__', '?'))"
    )
    text = "\n".join(
        [
            f"Python {platform.python_version()} ({sys.executable})",
            f"Sphinx {sphinx_version or 'NOT INSTALLED'}",
            f"sphinx_postmortem {ext_version or 'NOT IMPORTABLE'}",
            generate.machine_summary(),
        ]
    )
    return text, bool(sphinx_version and ext_version)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = generate.benchmark_parser(__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="best of R runs")
    parser.add_argument("--jobs", type=int, default=1, help="sphinx-build -j")
    args = generate.parse_benchmark_args(parser, argv)
    if args.repeat < 1 or args.jobs < 1:
        parser.error("--repeat and --jobs must be at least 1")
    return args


def run_all(args: argparse.Namespace, workdir: Path) -> int:
    """Run every size, print the table; return the exit code."""
    rows: list[Row] = []
    docnames: dict[int, set[str]] = {}
    try:
        for n in args.sizes:
            rows += bench_size(n, args, workdir)
            docnames[n] = Project("ext", workdir / str(n) / "ext").docnames()
    except BuildFailed as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        return 1
    print()
    print(format_table(rows, docnames))
    details = format_details(rows, docnames)
    if details:
        print()
        print(details)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    summary, ready = environment_summary()
    print(summary, flush=True)
    if not ready:
        print(
            f"sphinx and sphinx_postmortem must both import with {sys.executable}", file=sys.stderr
        )
        return 2
    return generate.run_in_workdir(args.workdir, "pm-bench-", lambda path: run_all(args, path))


if __name__ == "__main__":
    sys.exit(main())
