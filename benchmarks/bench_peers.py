"""Benchmark sphinx-postmortem against its peers on the same corpus.

Builds the plain, todo (sphinx.ext.todo), needs (sphinx-needs) and ext
(sphinx-postmortem) versions of the synthetic corpus in the same run and
prints wall time, ratio to plain and peak memory for three scenarios:
clean build (-j 1), incremental rebuild after editing one post-mortem, and
clean build with -j 2.

    python benchmarks/bench_peers.py --quick
    python benchmarks/bench_peers.py --sizes 200,1000

Run it with an interpreter that has Sphinx, sphinx-needs and
sphinx_postmortem installed (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

KINDS = ("plain", "todo", "needs", "ext")
SCENARIOS = ("clean -j1", "incremental", "clean -j2")
CLEAN_TARGET = 1.25
TARGET_SIZE = 1000


class BuildFailed(RuntimeError):
    """A sphinx-build run exited with an error."""


@dataclasses.dataclass
class Measure:
    """One build: wall seconds, CPU seconds and peak RSS in MiB."""

    seconds: float
    cpu: float
    peak_mb: float
    warnings: int


def loadavg() -> str:
    """The 1/5/15-minute load averages as text."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_build(src: Path, jobs: int) -> Measure:
    """Run sphinx-build in a fresh subprocess; measure it with wait4.

    ``os.wait4`` returns the rusage of that one child (including any worker
    processes it forked and reaped, as with ``-j 2``), so ``ru_maxrss`` is the
    peak resident set of the build, not of earlier builds.
    """
    log = src / "_build" / "log.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = generate.sphinx_html_command(src, src / "_build" / "html", jobs)
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    if proc.returncode != 0:
        tail = "\n".join(text.splitlines()[-15:])
        raise BuildFailed(f"{' '.join(cmd)} exited {proc.returncode}:\n{tail}")
    warnings = sum("WARNING" in line for line in text.splitlines())
    return Measure(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, warnings)


def bench_kind(n: int, kind: str, incidents: list, workdir: Path) -> dict[str, Measure]:
    """The three scenarios for one corpus kind."""
    src = workdir / str(n) / kind
    shutil.rmtree(src, ignore_errors=True)
    generate.write_project(src, incidents, kind)
    results: dict[str, Measure] = {}
    for scenario in SCENARIOS:
        if scenario == "incremental":
            middle = incidents[len(incidents) // 2]
            generate.write_page(src, generate.edit_incident(middle, 1), kind)
        else:
            shutil.rmtree(src / "_build", ignore_errors=True)
        jobs = 2 if scenario == "clean -j2" else 1
        results[scenario] = measure = run_build(src, jobs)
        print(
            f"  N={n} {kind:5} {scenario:11} {measure.seconds:7.2f}s "
            f"cpu {measure.cpu:7.2f}s peak {measure.peak_mb:6.0f} MB "
            f"warnings {measure.warnings} (load {loadavg()})",
            file=sys.stderr,
            flush=True,
        )
    return results


Results = dict[int, dict[str, dict[str, Measure]]]


def format_table(results: Results) -> str:
    """One row per N and scenario; per kind: seconds, ratio to plain, MB."""
    header = ["N", "scenario"]
    for kind in KINDS:
        header += [f"{kind} s", f"{kind}/plain" if kind != "plain" else "", f"{kind} MB"]
    keep = [i for i, h in enumerate(header) if h]
    rows = [[header[i] for i in keep]]
    for n, by_kind in results.items():
        for scenario in SCENARIOS:
            base = by_kind["plain"][scenario].seconds
            cells = [str(n), scenario]
            for kind in KINDS:
                m = by_kind[kind][scenario]
                cells += [
                    f"{m.seconds:.1f}",
                    f"{m.seconds / base:.2f}x" if kind != "plain" else "",
                    f"{m.peak_mb:.0f}",
                ]
            rows.append([cells[i] for i in keep])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.rjust(w) if j > 1 else c.ljust(w)
            for j, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdicts(results: Results) -> list[str]:
    """Pass/miss lines for the issue's three targets."""
    lines = []
    for n, by_kind in results.items():
        ext, plain, needs = by_kind["ext"], by_kind["plain"], by_kind["needs"]
        ratio = ext["clean -j1"].seconds / plain["clean -j1"].seconds
        cpu_ratio = ext["clean -j1"].cpu / plain["clean -j1"].cpu
        note = "" if n == TARGET_SIZE else f" (target is set at N={TARGET_SIZE})"
        lines.append(
            f"N={n}: ext clean within {CLEAN_TARGET}x of plain: "
            f"{'pass' if ratio <= CLEAN_TARGET else 'MISS'} "
            f"({ratio:.2f}x wall, {cpu_ratio:.2f}x cpu){note}"
        )
        for scenario in SCENARIOS:
            e, q = ext[scenario].seconds, needs[scenario].seconds
            lines.append(
                f"N={n}: ext faster than needs, {scenario}: "
                f"{'pass' if e < q else 'MISS'} ({e:.1f}s vs {q:.1f}s)"
            )
        j1, j2 = ext["clean -j1"].seconds, ext["clean -j2"].seconds
        lines.append(
            f"N={n}: ext -j 2 faster than -j 1: "
            f"{'pass' if j2 < j1 else 'MISS'} ({j2:.1f}s vs {j1:.1f}s)"
        )
    return lines


def environment_summary() -> tuple[str, bool]:
    """Versions and machine description; whether everything imports."""
    code = (
        "from importlib.metadata import version as v; "
        "print(v('sphinx'), v('sphinx-needs'), v('sphinx-postmortem'), "
        "v('docutils'))"
    )
    found = generate.python_output(code).split()
    names = ("Sphinx", "sphinx-needs", "sphinx-postmortem", "docutils")
    versions = dict(zip(names, found, strict=True)) if len(found) == 4 else {}
    mem_kb = 0
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    text = "\n".join(
        [
            f"Python {platform.python_version()} ({sys.executable})",
            ", ".join(f"{k} {versions.get(k, 'NOT INSTALLED')}" for k in names),
            f"{generate.machine_summary()}, memory {mem_kb / 1024 / 1024:.1f} GiB",
        ]
    )
    return text, bool(versions)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = generate.benchmark_parser(__doc__.splitlines()[0])
    return generate.parse_benchmark_args(parser, argv)


def run_all(args: argparse.Namespace, workdir: Path) -> int:
    """Run every size and kind, print the table; return the exit code."""
    results: Results = {}
    try:
        for n in args.sizes:
            incidents = generate.build_corpus(n, args.seed)
            results[n] = {kind: bench_kind(n, kind, incidents, workdir) for kind in KINDS}
    except BuildFailed as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        return 1
    print()
    print(format_table(results))
    print()
    print("\n".join(verdicts(results)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    summary, ready = environment_summary()
    print(summary)
    print(f"Load average at start: {loadavg()}", flush=True)
    if not ready:
        print(
            "sphinx, sphinx-needs and sphinx_postmortem must all be installed "
            f"for {sys.executable}",
            file=sys.stderr,
        )
        return 2
    code = generate.run_in_workdir(args.workdir, "pm-peers-", lambda path: run_all(args, path))
    print(f"Load average at end: {loadavg()}")
    return code


if __name__ == "__main__":
    sys.exit(main())
