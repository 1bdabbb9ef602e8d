"""Time and peak memory of one very large post-mortem page against a plain page.

Builds four one-page projects, each clean and in a fresh child process:

- ``timeline``: an incident with a timeline of N entries, against ``plain``
  (the same entries as a bullet list, with offsets and milestones);
- ``actions``: an incident with N action items, against ``plain`` (the same
  text as labelled bullets with field lists).

The pages are written with the corpus generator (generate.py), so they hold
what ``bench_rollups.py`` measures, at the scale of one very large page
(thousands of entries or items: 1,000 and 5,000 by default); the target is
to stay within 2x of the plain page in time and in peak memory.

    python benchmarks/bench_big_pages.py --entries 1000,5000 [--repeat 1]
    python benchmarks/bench_big_pages.py --entries 5000 --profile timeline
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import dataclasses
import datetime as dt
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate

TARGET = 2.0
PAGES = ("timeline", "actions")
MILESTONES = ("start", "detect", "ack", "mitigate", "resolve")


@dataclasses.dataclass
class Measure:
    """One build: wall and CPU seconds, peak resident memory of the build process."""

    seconds: float
    cpu: float
    peak_mb: float


# -- the pages ------------------------------------------------------------------------


def big_incident(n_entries: int, n_actions: int) -> generate.Incident:
    """An incident with ``n_entries`` timeline entries (a minute apart) and ``n_actions`` items."""
    start = dt.datetime(2024, 3, 5, 14, 0)
    spread = (0, n_entries // 10, n_entries // 8, n_entries // 2, n_entries - 1)
    marks = {
        min(max(i, at), n_entries - 5 + i): name
        for i, (at, name) in enumerate(zip(spread, MILESTONES, strict=True))
    }
    timeline = tuple(
        generate.Entry(
            start + dt.timedelta(minutes=k),
            marks.get(k),
            (f"Step {k}: on-call checked the checkout-api dashboards.",),
        )
        for k in range(n_entries)
    )
    actions = tuple(
        generate.ActionItem(
            id=f"BIG-1-A{k}",
            title=f"Follow-up {k}: add a canary stage to deploy {k}",
            owner=f"team-{k % 7}",
            type="prevent",
            priority=f"P{k % 3 + 1}",
            due=dt.date(2024, 4, 15),
            status=("open", "in-progress", "done")[k % 3],
            tracker=f"OPS-{k}",
            body=f"Deploy {k} skipped the canary stage; add one.",
        )
        for k in range(n_actions)
    )
    return generate.Incident(
        id="BIG-1",
        title="Checkout API outage",
        date=start.date(),
        severity="SEV2",
        status="published",
        type="incident",
        authors=("A. Author",),
        services=("checkout-api",),
        tags=("deploy",),
        summary="A configuration change rolled out without a canary stage.",
        impact="",
        root_cause=(),
        timeline=timeline,
        actions=actions,
        lessons=(),
        related=(),
    )


def page_source(page: str, kind: str, n: int) -> str:
    """The reST of one page: ``page`` in ``timeline``/``actions``, ``kind`` ext or plain."""
    if page == "timeline":
        incident = big_incident(max(n, len(MILESTONES)), 0)
    else:
        incident = big_incident(len(MILESTONES), n)
    lines = generate.heading(incident.title, "=")
    if kind == "ext":
        lines += generate.ext_incident(incident) + generate.ext_timeline(incident)
        for item in incident.actions:
            lines += generate.ext_action(item)
    else:
        lines += generate.plain_incident(incident) + generate.plain_timeline(incident)
        for item in incident.actions:
            lines += generate.plain_action(item)
    return "\n".join(lines) + "\n"


def write_project(root: Path, page: str, kind: str, n: int) -> Path:
    """A one-page project (``index.rst``) in ``root/page-kind``."""
    source = root / f"{page}-{kind}"
    source.mkdir(parents=True, exist_ok=True)
    conf = generate.conf_py(kind)
    if kind == "ext":  # one page has none of the sections the completeness check asks for
        conf += "\npostmortem_completeness_check = False\n"
    (source / "conf.py").write_text(conf, encoding="utf-8")
    (source / "index.rst").write_text(page_source(page, kind, n), encoding="utf-8")
    return source


# -- measuring -----------------------------------------------------------------------


def sphinx_command(source: Path) -> list[str]:
    out = source / "_build"
    return [
        sys.executable,
        "-m",
        "sphinx",
        "-q",
        "-E",
        "-b",
        "html",
        "-d",
        str(out / "doctrees"),
        str(source),
        str(out / "html"),
    ]


def child_measure(source: Path) -> None:
    """In a fresh child: run one build as our only child, print its measures as JSON."""
    started = time.perf_counter()
    result = subprocess.run(sphinx_command(source), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-2000:])
        sys.exit(1)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
                "warnings": result.stderr,
            }
        )
    )


def measure(source: Path, repeat: int) -> Measure:
    """Best of ``repeat`` clean builds, each measured by a fresh child process."""
    best: Measure | None = None
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(source)], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"build of {source} failed:\n{done.stderr}")
        data = json.loads(done.stdout)
        if data.pop("warnings").strip():
            print(f"warnings in {source.name}", file=sys.stderr)
        run = Measure(**data)
        if best is None or run.seconds < best.seconds:
            best = Measure(run.seconds, run.cpu, min(run.peak_mb, best.peak_mb if best else 1e9))
    assert best is not None
    return best


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


# -- profiling -----------------------------------------------------------------------


def node_counts(source: Path) -> tuple[collections.Counter, collections.Counter]:
    """Nodes of the page by type, as read (doctree pickled) and as written (resolved)."""
    from docutils import nodes
    from sphinx.application import Sphinx

    read: collections.Counter = collections.Counter()
    written: collections.Counter = collections.Counter()

    def count(counter: collections.Counter, doctree: nodes.Node) -> None:
        counter.update(type(node).__name__ for node in doctree.findall())

    out = source / "_build" / "counts"
    app = Sphinx(
        str(source),
        str(source),
        str(out / "html"),
        str(out / "doctrees"),
        "html",
        status=None,
        warning=io.StringIO(),
        freshenv=True,
    )
    app.connect("doctree-read", lambda _app, tree: count(read, tree), priority=999)
    app.connect("doctree-resolved", lambda _app, tree, _doc: count(written, tree))
    app.build()
    return read, written


def profile(source: Path, n: int, top: int) -> None:
    """cProfile one build of ``source``; print own time of the extension, phases, node counts."""
    from sphinx.cmd.build import build_main

    profiler = cProfile.Profile()
    profiler.enable()
    build_main(["-q", "-E", "-b", "html", str(source), str(source / "_build" / "profile")])
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\nprofile of {source.name}, N={n}: {total:.1f} s under cProfile")
    rows = stats.stats  # type: ignore[attr-defined]
    own = sorted(
        (
            (tt, ct, f"{Path(f).name}:{line}({name})")
            for (f, line, name), (_cc, _nc, tt, ct, _callers) in rows.items()
            if "sphinx_postmortem" in f
        ),
        reverse=True,
    )
    print(f"top {top} functions of the extension by own time (s own, s cumulative):")
    for tt, ct, where in own[:top]:
        print(f"  {tt:7.2f} {ct:7.2f}  {where}")
    phases = {
        "read (parse + transforms)": ("sphinx/builders/__init__.py", "read_doc"),
        "rST parse": ("sphinx/parsers.py", "parse"),
        "read transforms": ("docutils/transforms/__init__.py", "apply_transforms"),
        "doctree-read handlers": ("sphinx/events.py", "emit"),
        "pickle doctree": ("sphinx/builders/__init__.py", "write_doctree"),
        "write (resolve + translate)": ("sphinx/builders/__init__.py", "_write_serial"),
        "post-transforms": ("sphinx/environment/__init__.py", "apply_post_transforms"),
        "html translate": ("sphinx/builders/html/__init__.py", "write_doc"),
        "search index": ("sphinx/builders/html/__init__.py", "index_page"),
    }
    print("phases (cumulative s):")
    for label, (suffix, name) in phases.items():
        seconds = max(
            (
                ct
                for (f, _line, fn), (_cc, _nc, _tt, ct, _callers) in rows.items()
                if f.endswith(suffix) and fn == name
            ),
            default=0.0,
        )
        print(f"  {seconds:7.2f}  {label}")
    read, written = node_counts(source)
    print(
        f"nodes per entry (N={n}): read {sum(read.values()) / n:.1f}, "
        f"written {sum(written.values()) / n:.1f}"
    )
    for label, counter in (("read", read), ("written", written)):
        common = ", ".join(f"{name} {count / n:.2f}" for name, count in counter.most_common(12))
        print(f"  {label}: {common}")


# -- main ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--entries",
        default="1000,5000",
        help="N, the timeline entries or action items of the page (comma list)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="keep the best of R builds")
    parser.add_argument(
        "--profile",
        choices=PAGES,
        help="profile the extension's page of this kind instead of timing",
    )
    parser.add_argument("--top", type=int, default=15, help="functions listed by --profile")
    parser.add_argument("--workdir", type=Path, help="keep the projects here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_measure(args.child)
        return 0
    sizes = [int(n) for n in args.entries.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = args.workdir or Path(tmp)
        if args.profile:
            for n in sizes:
                profile(write_project(root / f"n{n}", args.profile, "ext", n), n, args.top)
            return 0
        print(f"Python {platform_line()}; load average at start: {load_average()}")
        header = (
            f"{'N':>5}  {'page':8}  {'plain s':>7}  {'plain MB':>8}  {'ext s':>6}  "
            f"{'ext MB':>6}  {'time':>6}  {'cpu':>6}  {'memory':>6}  target {TARGET}x"
        )
        print(header)
        print("-" * len(header))
        for n in sizes:
            for page in PAGES:
                plain = measure(write_project(root / f"n{n}", page, "plain", n), args.repeat)
                ext = measure(write_project(root / f"n{n}", page, "ext", n), args.repeat)
                ratios = (
                    ext.seconds / plain.seconds,
                    ext.cpu / plain.cpu,
                    ext.peak_mb / plain.peak_mb,
                )
                verdict = "ok" if max(ratios[0], ratios[2]) <= TARGET else "MISS"
                print(
                    f"{n:>5}  {page:8}  {plain.seconds:7.1f}  {plain.peak_mb:8.0f}  "
                    f"{ext.seconds:6.1f}  {ext.peak_mb:6.0f}  {ratios[0]:5.2f}x  "
                    f"{ratios[1]:5.2f}x  {ratios[2]:5.2f}x  {verdict}",
                    flush=True,
                )
        print(f"load average at end: {load_average()}")
    return 0


def platform_line() -> str:
    import docutils
    import sphinx

    return f"{sys.version.split()[0]}, Sphinx {sphinx.__version__}, docutils {docutils.__version__}"


if __name__ == "__main__":
    sys.exit(main())
