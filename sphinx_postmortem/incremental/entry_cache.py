"""Reusing the HTML of roll-up entries that did not change (html and dirhtml builders).

A roll-up of a large project holds thousands of entries, and editing one
post-mortem changes a handful of them. When a roll-up is written, the HTML
of each entry is stored beside the doctrees, under a digest of everything
the entry shows; the next time its page is written, an entry with the same
digest is emitted from the store instead of being built, resolved and
translated again. An entry whose HTML depends on more than its digest can
tell (a lesson body with cross-references, images or another extension's
nodes) is always rendered afresh.

Each roll-up's store is stamped with what its whole page depends on: the
page's last reading, the builder, its translator and configuration hash,
and the versions of this extension, Sphinx and docutils. Any difference
discards the store. Roll-ups carry the ``no-search`` class, so the search
index (which a stored entry has no text for) is the same either way; the
store is used only with Sphinx 8.2 or later, which honours that class.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docutils
import sphinx
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.writers.html5 import HTML5Translator

from ..files import digest, value_digest, write_or_forget
from ..settings import settings
from ..version import __version__

MEMO_VERSION = 1
FOLDER = "postmortem-html"

#: Core nodes whose HTML depends on more than the node: other documents
#: (cross-references), files the builder copies (images, downloads) or the
#: numbering of the page they land on (footnotes, citations, equations).
_CONTEXT_DEPENDENT = (
    addnodes.pending_xref,
    addnodes.download_reference,
    addnodes.toctree,
    nodes.image,
    nodes.footnote,
    nodes.footnote_reference,
    nodes.citation,
    nodes.citation_reference,
    nodes.math,
    nodes.math_block,
    nodes.pending,
)
_CORE_MODULES = frozenset({"docutils.nodes", "sphinx.addnodes"})


def self_contained(body: nodes.Element) -> bool:
    """Whether the HTML of ``body`` depends on nothing but ``body`` itself.

    Only docutils' and Sphinx's own nodes qualify (another extension's node
    may render anything), minus those listed in ``_CONTEXT_DEPENDENT``.
    """
    return not any(
        type(node).__module__ not in _CORE_MODULES or isinstance(node, _CONTEXT_DEPENDENT)
        for node in body.findall(nodes.Element)
    )


def body_digest(body: nodes.Element) -> str:
    """A short hash of a body's markup (text, attributes and structure)."""
    return digest(body.pformat())[:16]


class memo_rollup(nodes.container):
    """A roll-up's output; its HTML departure stores its entries' HTML."""


class memo_row(nodes.row):
    """A table row whose cells' HTML is stored, or comes from the store (``memo_html``)."""


class memo_block(nodes.container):
    """A block whose HTML is stored, or comes from the store (``memo_html``)."""


MEMO_ENTRIES = (memo_row, memo_block)

#: Writes an entry (``memo_row``, ``memo_block``) to HTML and returns the HTML it stores.
EntryWriter = Callable[[nodes.Element], str]


def enabled(builder: Builder) -> bool:
    """Whether roll-ups written by ``builder`` use the store."""
    return (
        sphinx.version_info[:2] >= (8, 2)
        and builder.name in settings(builder).export_builders
        and issubclass(builder.get_translator_class(), HTML5Translator)
    )


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class RollupMemo:
    """The stored entries of one roll-up, and what it shows now."""

    def __init__(self, path: Path, stamp: str, write_now: EntryWriter | None = None) -> None:
        self.path = path
        self.stamp = stamp
        self.stored = _load(path, stamp)
        self.used: set[str] = set()
        self.missed = 0
        self.write_now = write_now

    @classmethod
    def for_rollup(
        cls,
        env: BuildEnvironment,
        builder: Builder,
        docname: str,
        index: int,
        spec: Any,
        write_now: EntryWriter | None = None,
    ) -> RollupMemo | None:
        """The store of roll-up number ``index`` on ``docname``, or None where unused.

        With ``write_now``, an entry missing from the store is written to HTML
        as soon as it is built, and the page holds its HTML only.
        """
        if not enabled(builder):
            return None
        build_info = getattr(builder, "build_info", None)
        stamp = repr(
            (
                MEMO_VERSION,
                __version__,
                sphinx.__version__,
                docutils.__version__,
                builder.name,
                _qualified_name(builder.get_translator_class()),
                getattr(build_info, "config_hash", ""),
                getattr(build_info, "tags_hash", ""),
                env.all_docs.get(docname),
                index,
                spec,
            )
        )
        path = Path(env.doctreedir) / FOLDER / builder.name / f"{docname}.{index}.pickle"
        return cls(path, digest(stamp), write_now)

    def entry(
        self, node_class: type[nodes.Element], view: Any, build: Callable[[], nodes.Element]
    ) -> nodes.Element:
        """The entry shown for ``view``: from the store, or built and marked to be stored.

        ``view`` is the frozen view the entry is rendered from, and nothing
        else but the page (see ``fill/entries.py``); the entry is stored under
        the digest of its ``repr``.
        """
        key = value_digest(view)
        self.used.add(key)
        html = self.stored.get(key)
        if html is not None:
            return node_class(memo_key=key, memo_html=html)
        self.missed += 1
        built = build()
        entry = node_class(memo_key=key, classes=built["classes"])
        entry.extend(built.children)
        if self.write_now is None:
            return entry
        return node_class(memo_key=key, memo_html=self.write_now(entry), classes=built["classes"])

    def output(self, classes: list[str]) -> memo_rollup:
        """The container of the roll-up, which stores the entries when it is written."""
        dirty = bool(self.missed) or self.used != set(self.stored)
        return memo_rollup(
            classes=classes, memo_path=str(self.path), memo_stamp=self.stamp, memo_dirty=dirty
        )


def _load(path: Path, stamp: str) -> dict[str, str]:
    try:
        with open(path, "rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # missing, unreadable or damaged: render every entry again
        return {}
    if not isinstance(stored, dict) or stored.get("stamp") != stamp:
        return {}
    fragments = stored.get("fragments")
    return fragments if isinstance(fragments, dict) else {}


def _save(path: Path, stamp: str, fragments: dict[str, str]) -> None:
    content = pickle.dumps({"stamp": stamp, "fragments": fragments}, pickle.HIGHEST_PROTOCOL)
    write_or_forget(path, content)  # when it cannot: the next build renders every entry


def forget_page(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: drop the stores of a page read again or removed.

    A page read again has a new stamp, so its old stores could not be used.
    """
    folder = Path(env.doctreedir) / FOLDER
    if not folder.is_dir():
        return
    directory, _, name = docname.rpartition("/")
    pattern = re.compile(re.escape(name) + r"\.\d+\.pickle")
    for builder_folder in folder.iterdir():
        pages = builder_folder / directory
        if pages.is_dir():
            for path in pages.iterdir():
                if pattern.fullmatch(path.name):
                    path.unlink(missing_ok=True)


# -- HTML visitors ----------------------------------------------------------------


def visit_memo_rollup(translator: HTML5Translator, node: memo_rollup) -> None:
    translator.visit_container(node)


def depart_memo_rollup(translator: HTML5Translator, node: memo_rollup) -> None:
    translator.depart_container(node)
    if node.get("memo_dirty"):
        fragments = {
            entry["memo_key"]: entry["memo_html"]
            for entry in node.findall(nodes.Element)
            if isinstance(entry, MEMO_ENTRIES) and "memo_html" in entry
        }
        _save(Path(node["memo_path"]), node["memo_stamp"], fragments)


def visit_memo_row(translator: HTML5Translator, node: memo_row) -> None:
    translator.visit_row(node)  # the row's odd/even class depends on its position
    if "memo_html" in node:
        translator.body.append(node["memo_html"])
        translator.depart_row(node)
        raise nodes.SkipNode
    node["memo_start"] = len(translator.body)


def depart_memo_row(translator: HTML5Translator, node: memo_row) -> None:
    node["memo_html"] = "".join(translator.body[node["memo_start"] :])
    translator.depart_row(node)


def visit_memo_block(translator: HTML5Translator, node: memo_block) -> None:
    if "memo_html" in node:
        translator.body.append(node["memo_html"])
        raise nodes.SkipNode
    node["memo_start"] = len(translator.body)
    translator.visit_container(node)


def depart_memo_block(translator: HTML5Translator, node: memo_block) -> None:
    translator.depart_container(node)
    node["memo_html"] = "".join(translator.body[node["memo_start"] :])


def register(app: Sphinx) -> None:
    """Register the nodes; other formats render them as the row or container they are."""
    app.add_node(memo_rollup, html=(visit_memo_rollup, depart_memo_rollup))
    app.add_node(memo_row, html=(visit_memo_row, depart_memo_row))
    app.add_node(memo_block, html=(visit_memo_block, depart_memo_block))
