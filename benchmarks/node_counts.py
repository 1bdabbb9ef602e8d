"""Docutils nodes per page: the same corpus in plain reStructuredText and with the extension.

Every node of a resolved doctree is walked by Sphinx's transforms and written by
each writer, so the node count of a page is a proxy for its build cost that does
not depend on how busy the machine is. This script writes both corpora of
``generate.py`` (``--kind plain`` and ``--kind ext``, same seed, same text),
builds each with the HTML builder in this process, counts the nodes of every
doctree as read (what Sphinx keeps in memory, and pickles, between reading and
writing) and as resolved (after the roll-ups are filled: what is written), and
prints, per kind of page (post-mortem, each roll-up page), the nodes per page
and the node classes that add the most to the resolved pages.

    python benchmarks/node_counts.py                  # N=10, the top 12 classes
    python benchmarks/node_counts.py --n 50 --top 20 --workdir /tmp/pm-nodes
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections import Counter
from pathlib import Path

from docutils import nodes

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

#: What a page is, from its docname (the roll-ups are generate.ROLLUP_DOCS).
PAGE_KINDS = {"incidents": "incident-list", "lessons": "lesson-list", "actions": "action-list"}


def page_kind(docname: str) -> str:
    """``post-mortem``, a roll-up's name, or ``other`` (the index)."""
    if docname.startswith("postmortems/"):
        return "post-mortem"
    return PAGE_KINDS.get(docname, "other")


def node_classes(doctree: nodes.Node) -> Counter[str]:
    """How many nodes of each class ``doctree`` holds (the document itself left out)."""
    counts: Counter[str] = Counter()
    for node in doctree.findall(include_self=False):
        counts[type(node).__name__] += 1
    return counts


Counts = dict[str, tuple[int, Counter[str]]]


def count_build(srcdir: Path, outdir: Path) -> tuple[Counts, Counts]:
    """Build ``srcdir`` (html); as read and as resolved, page kind -> (pages, node classes
    summed over them)."""
    from sphinx.application import Sphinx

    as_read: Counts = {}
    per_kind: Counts = {}

    def add(counted: Counts, docname: str, doctree: nodes.document) -> None:
        pages, counts = counted.get(page_kind(docname), (0, Counter()))
        counted[page_kind(docname)] = (pages + 1, counts + node_classes(doctree))

    def read(app: Sphinx, doctree: nodes.document) -> None:
        add(as_read, app.env.docname, doctree)

    def resolved(_app: Sphinx, doctree: nodes.document, docname: str) -> None:
        add(per_kind, docname, doctree)

    warnings = io.StringIO()
    app = Sphinx(
        str(srcdir),
        str(srcdir),
        str(outdir),
        str(outdir / ".doctrees"),
        "html",
        status=None,
        warning=warnings,
        freshenv=True,
    )
    app.connect("doctree-read", read, priority=900)  # after the extension settled the page
    app.connect("doctree-resolved", resolved, priority=900)
    app.build()
    for line in warnings.getvalue().splitlines():
        if "is already registered" not in line:  # the second app in one process
            print(line, file=sys.stderr)
    return as_read, per_kind


def print_per_page(plain: Counts, ext: Counts) -> None:
    """Nodes per page of each kind, plain and with the extension."""
    print(f"{'page':<14} {'pages':>5} {'plain/page':>10} {'ext/page':>9} {'ratio':>6}")
    for kind in sorted(ext, key=lambda k: (k == "other", k)):
        pages, counts = ext[kind]
        plain_pages, plain_counts = plain.get(kind, (pages, Counter()))
        ext_each = sum(counts.values()) / pages
        plain_each = sum(plain_counts.values()) / max(plain_pages, 1)
        ratio = f"{ext_each / plain_each:5.2f}x" if plain_each else "-"
        print(f"{kind:<14} {pages:>5} {plain_each:>10.0f} {ext_each:>9.0f} {ratio:>6}")


def print_tables(plain: Counts, ext: Counts, top: int) -> None:
    """Nodes per page, then per kind of page the classes that add the most."""
    print_per_page(plain, ext)
    for kind in sorted(ext, key=lambda k: (k == "other", k)):
        pages, counts = ext[kind]
        plain_pages, plain_counts = plain.get(kind, (pages, Counter()))
        print(f"\n{kind}: nodes per page by class (top {top} by extra nodes)")
        print(f"  {'class':<24} {'plain':>7} {'ext':>7} {'extra':>7}")
        extra = {
            name: counts[name] / pages - plain_counts[name] / max(plain_pages, 1)
            for name in set(counts) | set(plain_counts)
        }
        for name in sorted(extra, key=lambda n: -extra[n])[:top]:
            mine, theirs = counts[name] / pages, plain_counts[name] / max(plain_pages, 1)
            print(f"  {name:<24} {theirs:>7.1f} {mine:>7.1f} {extra[name]:>+7.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="post-mortems in the corpus")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--top", type=int, default=12, help="node classes listed per page kind")
    parser.add_argument("--workdir", type=Path, help="keep the projects here (else a temp dir)")
    args = parser.parse_args(argv)
    try:
        import sphinx  # noqa: F401

        import sphinx_postmortem  # noqa: F401
    except ImportError as exc:
        print(f"cannot import {exc.name}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        incidents = generate.build_corpus(args.n, args.seed)
        read, resolved = {}, {}
        for kind in ("plain", "ext"):
            generate.write_project(work / kind, incidents, kind)
            read[kind], resolved[kind] = count_build(work / kind, work / kind / "_build")
    print(f"doctrees as read, N={args.n} post-mortems (generate.py, seed {args.seed})")
    print_per_page(read["plain"], read["ext"])
    print(f"\nresolved doctrees, N={args.n} post-mortems (generate.py, seed {args.seed})")
    print_tables(resolved["plain"], resolved["ext"], args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
