"""Compare two Sphinx output folders file by file: which files differ, and how.

Used to check that a change to the extension leaves its output byte for
byte the same: build a project (HTML, text, LaTeX...) with the old code
into one folder and with the new code into another, then

    python benchmarks/compare_builds.py BEFORE AFTER [--ignore '_static/*'] [--show 3]

It lists the files only in one folder and the files whose bytes differ
(with a short unified diff of the first ``--show`` of them), and exits
with 1 when anything differs, 0 when the folders are the same. Nothing is
ignored unless asked: ``--ignore`` takes a glob matched against each
file's path relative to its folder (``'*/searchindex.js'``, ``'_static/*'``).
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import sys
from collections.abc import Sequence
from pathlib import Path


def output_files(root: Path, ignore: Sequence[str]) -> set[str]:
    """Paths (relative, with ``/``) of the files under ``root``, less the ignored ones."""
    found = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not any(fnmatch.fnmatch(relative, glob) for glob in ignore):
            found.add(relative)
    return found


def compare(
    before: Path, after: Path, ignore: Sequence[str] = ()
) -> tuple[list[str], list[str], list[str]]:
    """Files only in ``before``, only in ``after``, and in both with different bytes."""
    old, new = output_files(before, ignore), output_files(after, ignore)
    changed = sorted(
        name for name in old & new if (before / name).read_bytes() != (after / name).read_bytes()
    )
    return sorted(old - new), sorted(new - old), changed


def text_diff(before: Path, after: Path, name: str, context: int = 2, limit: int = 40) -> str:
    """A unified diff of one file in both folders, at most ``limit`` lines."""
    old = (before / name).read_text(encoding="utf-8", errors="replace").splitlines()
    new = (after / name).read_text(encoding="utf-8", errors="replace").splitlines()
    lines = list(
        difflib.unified_diff(old, new, f"before/{name}", f"after/{name}", n=context, lineterm="")
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more lines)"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="output folder of the old code")
    parser.add_argument("after", type=Path, help="output folder of the new code")
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="GLOB", help="leave out matching files"
    )
    parser.add_argument("--show", type=int, default=3, help="diffs shown for differing files")
    args = parser.parse_args(argv)
    for folder in (args.before, args.after):
        if not folder.is_dir():
            parser.error(f"{folder} is not a folder")
    only_before, only_after, changed = compare(args.before, args.after, args.ignore)
    compared = len(output_files(args.before, args.ignore))
    for name in only_before:
        print(f"only in {args.before}: {name}")
    for name in only_after:
        print(f"only in {args.after}: {name}")
    for index, name in enumerate(changed):
        print(f"differs: {name}")
        if index < args.show:
            print(text_diff(args.before, args.after, name))
    differing = len(only_before) + len(only_after) + len(changed)
    print(f"{compared} files compared, {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
