"""Check that two versions of sphinx_postmortem write the same bytes for docs/ and every test root.

    python benchmarks/compare_output.py --before OLD --after NEW --workdir DIR \\
        [--builders html,text,latex] [--projects docs,test-smoke,...] [--jobs 2]
        [--ignore GLOB] [--show 3] [--timeout 900]

OLD and NEW are folders that each hold a ``sphinx_postmortem/`` package (say, a
clone of an older commit and the work tree). Each project (``docs`` and every
``tests/roots/test-*`` of NEW, or the ``--projects`` named) is built with each
builder twice, as ``python -m sphinx -q -b BUILDER SRC OUT -d DOCTREES -E``
with ``PYTHONPATH`` set to OLD and then to NEW, ``SOURCE_DATE_EPOCH`` fixed,
``PYTHONHASHSEED=0``, the rest of the environment as given, and the workdir
as the working directory (from the repository, its own package would shadow
``PYTHONPATH``). Before the first build, each side checks that
``import sphinx_postmortem`` really loads the package from its folder.

The sources come from NEW, copied once into ``DIR/src/<project>``. Each build
gets a fresh copy of that in ``DIR/build/<project>/<builder>/src`` (roots may
write files into their source), writes to ``out`` and ``.doctrees`` beside it,
and is then moved to ``DIR/<side>/<project>/<builder>`` (doctrees to
``DIR/<side>/<project>/.doctrees/<builder>``, stderr and exit code to
``DIR/<side>/<project>/.logs/<builder>.txt``). Both sides of a project and
builder run one after the other at the same paths, so any path that ends up
in the output or the warnings is the same for both. Beside each copy,
``sphinx_postmortem`` links to the side's package, as in the repository
(docs/export-format.rst includes ``../sphinx_postmortem/schema/...``). For ``docs``, the example
project ``_example_projects/payments`` is first built (html, same package) into
``_example_projects/payments/_build/html`` of the copy, where docs/conf.py
reads its ``postmortems.json`` and copies the site from.

Compared, for each project and builder: the output files, with
``compare_builds.compare``; the exit code; the stderr (warnings), with the
workdir, the two package folders and the name of Sphinx's crash log replaced
by placeholders. Some roots are meant to warn or fail: that is fine as long
as both sides do it the same way.

Ignored: nothing, unless asked with ``--ignore GLOB`` (matched against paths
inside each output folder). Nothing in the output changes from run to run
here: dates come from ``SOURCE_DATE_EPOCH``, set and dict order from
``PYTHONHASHSEED=0``, paths are the same on both sides (see above), and
``.buildinfo`` and ``searchindex.js`` come out the same. Checked by comparing
the same package with itself over all 123 builds (docs and 40 roots, three
builders): no file, exit code or warning differed. The doctrees are not
compared: they are pickles, and they hold the extension's ``postmortem-*``
caches, whose form may change with the code.

Prints one line per project and builder, then the details of each difference;
exits with 1 if anything differs, 2 if a package cannot be imported from its
folder. Standard library only.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import compare_builds

SIDES = ("before", "after")
BUILDERS = ("html", "text", "latex")
SOURCE_DATE_EPOCH = "1717200000"  # 2024-06-01 00:00 UTC, the date the docs pin
EXAMPLE_PROJECT = Path("_example_projects/payments")
EXAMPLE_OUTPUT = EXAMPLE_PROJECT / "_build/html"
CRASH_LOG = re.compile(r"\S*sphinx-err-\w+\.log")


@dataclass(frozen=True)
class Build:
    """How one build of one project with one builder and one package ended."""

    exit_code: int
    warnings: str
    seconds: float


@dataclass(frozen=True)
class Outcome:
    """The comparison of the two builds of one project with one builder."""

    name: str
    before: Path
    after: Path
    builds: dict[str, Build]
    only_before: list[str]
    only_after: list[str]
    changed: list[str]
    compared: int

    @property
    def same(self) -> bool:
        """True when output, exit code and warnings all match."""
        old, new = self.builds["before"], self.builds["after"]
        files_differ = self.only_before or self.only_after or self.changed
        return not files_differ and old.exit_code == new.exit_code and old.warnings == new.warnings

    def line(self) -> str:
        """One line: same, or what differs."""
        old, new = self.builds["before"], self.builds["after"]
        parts = []
        if self.changed:
            parts.append(f"{len(self.changed)} files differ")
        if self.only_before:
            parts.append(f"{len(self.only_before)} only in before")
        if self.only_after:
            parts.append(f"{len(self.only_after)} only in after")
        if old.exit_code != new.exit_code:
            parts.append(f"exit code {old.exit_code} before, {new.exit_code} after")
        if old.warnings != new.warnings:
            parts.append("warnings differ")
        if not parts:
            parts.append(f"same ({self.compared} files)")
            if old.exit_code:
                parts.append(f"exit code {old.exit_code} on both sides")
        return f"{self.name}: {', '.join(parts)}"


def find_projects(tree: Path) -> dict[str, Path]:
    """``docs`` and the test roots of ``tree``, by name."""
    projects = {"docs": tree / "docs"}
    for root in sorted((tree / "tests" / "roots").glob("test-*")):
        if (root / "conf.py").is_file():
            projects[root.name] = root
    return projects


def pick(available: dict[str, Path], wanted: str | None) -> dict[str, Path]:
    """The projects named in ``wanted`` (comma-separated; ``smoke`` means ``test-smoke``)."""
    if not wanted:
        return available
    picked = {}
    for name in filter(None, (part.strip() for part in wanted.split(","))):
        key = name if name in available else f"test-{name}"
        if key not in available:
            raise SystemExit(f"unknown project {name!r}; known: {', '.join(available)}")
        picked[key] = available[key]
    return picked


def copy_source(source: Path, dest: Path) -> None:
    """Copy a project folder, leaving out earlier build output and bytecode."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("_build", "__pycache__"))


def environment(package_dir: Path) -> dict[str, str]:
    """The caller's environment with the package folder as the only ``PYTHONPATH``."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(package_dir),
        SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
        PYTHONHASHSEED="0",
    )
    return env


def check_package(package_dir: Path, cwd: Path) -> str | None:
    """None if ``sphinx_postmortem`` imports from ``package_dir``; else what it found."""
    probe = "import sphinx_postmortem as p; print(p.__file__)"
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=cwd,
        env=environment(package_dir),
        capture_output=True,
        text=True,
    )
    found = run.stdout.strip()
    if run.returncode == 0 and Path(found).resolve().is_relative_to(package_dir):
        return None
    return found or (run.stderr.strip().splitlines() or ["no output"])[-1]


@dataclass(frozen=True)
class Invocation:
    """Where and how a side's Sphinx runs: working directory, environment, time limit."""

    cwd: Path
    env: dict[str, str]
    timeout: float

    def sphinx(self, builder: str, src: Path, out: Path, doctrees: Path) -> tuple[int, str]:
        """Run one quiet, fresh Sphinx build; its exit code and stderr."""
        command = [sys.executable, "-m", "sphinx", "-q", "-b", builder, str(src), str(out)]
        command += ["-d", str(doctrees), "-E"]
        try:
            run = subprocess.run(
                command,
                cwd=self.cwd,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=self.timeout,
            )
        except subprocess.TimeoutExpired:
            return -1, f"timed out after {self.timeout:.0f} s\n"
        return run.returncode, run.stderr


class Runner:
    """Builds projects on both sides into one workdir."""

    def __init__(
        self, workdir: Path, packages: dict[str, Path], timeout: float, ignore: Sequence[str]
    ) -> None:
        self.workdir = workdir
        self.packages = packages
        self.ignore = ignore
        self.invocations = {
            side: Invocation(workdir, environment(package), timeout)
            for side, package in packages.items()
        }

    def normalise(self, text: str) -> str:
        """Warnings with the paths that legitimately differ replaced by placeholders."""
        names = {str(package): "<package>" for package in self.packages.values()}
        names[str(self.workdir)] = "<workdir>"
        for path in sorted(names, key=len, reverse=True):  # /a/b/work before /a/b
            text = text.replace(path, names[path])
        return CRASH_LOG.sub("<sphinx-err.log>", text)

    def build(self, side: str, project: str, builder: str) -> Build:
        """Build one project with one builder and one side's package; keep the result."""
        started = time.perf_counter()
        invocation = self.invocations[side]
        base = self.workdir / "build" / project / builder
        src, out, doctrees = base / "src", base / "out", base / ".doctrees"
        for folder in (out, doctrees):
            if folder.exists():
                shutil.rmtree(folder)
        copy_source(self.workdir / "src" / project, src)
        beside = base / "sphinx_postmortem"  # as in the repository: ../sphinx_postmortem/...
        beside.unlink(missing_ok=True)
        beside.symlink_to(self.packages[side] / "sphinx_postmortem", target_is_directory=True)
        log = ""
        if project == "docs":
            example = src / EXAMPLE_PROJECT
            code, stderr = invocation.sphinx(
                "html", example, src / EXAMPLE_OUTPUT, example / "_build/doctrees"
            )
            log += f"[payments example: exit code {code}]\n{stderr}"
        code, stderr = invocation.sphinx(builder, src, out, doctrees)
        log += stderr
        self.keep(side, project, builder, out, doctrees, f"exit code {code}\n{log}")
        return Build(code, self.normalise(log), time.perf_counter() - started)

    def keep(
        self, side: str, project: str, builder: str, out: Path, doctrees: Path, log: str
    ) -> None:
        """Move a build's output, doctrees and log to their place under the side's folder."""
        home = self.workdir / side / project
        places = {out: home / builder, doctrees: home / ".doctrees" / builder}
        for source, dest in places.items():
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.exists():
                source.rename(dest)
            else:
                dest.mkdir()
        (home / ".logs").mkdir(exist_ok=True)
        (home / ".logs" / f"{builder}.txt").write_text(log, encoding="utf-8")

    def pair(self, project: str, builder: str) -> Outcome:
        """Build one project with one builder on both sides and compare."""
        builds = {side: self.build(side, project, builder) for side in SIDES}
        before = self.workdir / "before" / project / builder
        after = self.workdir / "after" / project / builder
        only_before, only_after, changed = compare_builds.compare(before, after, self.ignore)
        compared = len(compare_builds.output_files(before, self.ignore))
        name = f"{project}/{builder}"
        return Outcome(name, before, after, builds, only_before, only_after, changed, compared)


def details(outcome: Outcome, show: int) -> str:
    """What differs in one project and builder: file names, diffs, warnings."""
    lines = [f"== {outcome.name}"]
    lines += [f"only in before: {name}" for name in outcome.only_before]
    lines += [f"only in after: {name}" for name in outcome.only_after]
    for index, name in enumerate(outcome.changed):
        lines.append(f"differs: {name}")
        if index < show:
            lines.append(compare_builds.text_diff(outcome.before, outcome.after, name))
    old, new = outcome.builds["before"].warnings, outcome.builds["after"].warnings
    if old != new:
        diff = difflib.unified_diff(
            old.splitlines(), new.splitlines(), "before/stderr", "after/stderr", lineterm=""
        )
        lines.extend(diff)
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="folder with the old package")
    parser.add_argument("--after", type=Path, required=True, help="folder with the new package")
    parser.add_argument("--workdir", type=Path, required=True, help="sources, output and logs")
    parser.add_argument("--builders", default=",".join(BUILDERS), help="comma-separated")
    parser.add_argument("--projects", help="comma-separated: docs, test-smoke (or smoke), ...")
    parser.add_argument("--jobs", type=int, default=2, help="builds at once")
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="GLOB", help="leave out matching files"
    )
    parser.add_argument("--show", type=int, default=3, help="file diffs shown per build")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per build")
    args = parser.parse_args(argv)
    for folder in (args.before, args.after):
        if not (folder / "sphinx_postmortem").is_dir():
            parser.error(f"{folder} holds no sphinx_postmortem/ package")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    packages = {"before": args.before.resolve(), "after": args.after.resolve()}
    for side, package in packages.items():
        problem = check_package(package, workdir)
        if problem is not None:
            print(f"{side}: sphinx_postmortem does not import from {package}: {problem}")
            return 2
    projects = pick(find_projects(packages["after"]), args.projects)
    for project, source in projects.items():
        copy_source(source, workdir / "src" / project)
    builders = [name.strip() for name in args.builders.split(",") if name.strip()]
    pairs = [(project, builder) for project in projects for builder in builders]
    runner = Runner(workdir, packages, args.timeout, args.ignore)
    started = time.perf_counter()

    def run(pair: tuple[str, str]) -> Outcome:
        outcome = runner.pair(*pair)
        seconds = sum(build.seconds for build in outcome.builds.values())
        print(f"  built {outcome.name} twice in {seconds:.1f} s", file=sys.stderr, flush=True)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(run, pairs))
    for outcome in outcomes:
        print(outcome.line())
    differing = [outcome for outcome in outcomes if not outcome.same]
    for outcome in differing:
        print(details(outcome, args.show))
    elapsed = time.perf_counter() - started
    print(f"{len(outcomes)} builds compared, {len(differing)} differ, {elapsed:.0f} s")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
