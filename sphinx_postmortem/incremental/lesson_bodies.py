"""Lesson bodies kept beside the doctrees, for ``lesson-list`` to copy.

A roll-up of lessons shows each lesson's body with its markup. Taking it from
each page's pickled doctree means unpickling every post-mortem page whenever
the lessons page is written; keeping the nodes in the environment would make
the environment (loaded by every build) grow with every lesson. Instead, when
a page is read, its lesson bodies are pickled to one small file of their own
under the doctree folder, and the roll-up reads only those files.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import PostmortemDomain
from ..files import atomic_write
from .entry_cache import body_digest, self_contained

FOLDER = "postmortem-lessons"


def _path(env: BuildEnvironment, docname: str) -> Path:
    return Path(env.doctreedir) / FOLDER / f"{docname}.pickle"


def _detached(body: nodes.Element) -> nodes.Element:
    """A copy of ``body`` that refers to no document (and so pickles on its own)."""
    copied = body.deepcopy()
    for node in copied.findall():
        node.document = None  # type: ignore[assignment]  # docutils allows None
    return copied


def _lesson_bodies(doctree: nodes.Node) -> dict[str, nodes.Element]:
    return {
        node["lesson_anchor"]: _detached(node)
        for node in doctree.findall(nodes.container)
        if node.get("lesson_anchor")
    }


def save_lesson_bodies(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: store the lesson bodies of the page just read.

    Each lesson's record gets the digest of its body as read (substitutions
    and other read-time transforms applied) and whether that body's HTML can
    be reused by roll-ups (see entry_cache.py).
    """
    path = _path(app.env, app.env.docname)
    bodies = _lesson_bodies(doctree)
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    domain.set_lesson_bodies(
        app.env.docname,
        {anchor: (body_digest(body), self_contained(body)) for anchor, body in bodies.items()},
    )
    if not bodies:
        path.unlink(missing_ok=True)
        return
    atomic_write(path, pickle.dumps(bodies, pickle.HIGHEST_PROTOCOL))


def forget_lesson_bodies(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: drop the stored bodies of a removed or re-read page."""
    _path(env, docname).unlink(missing_ok=True)


def load_lesson_bodies(env: BuildEnvironment, docname: str) -> dict[str, nodes.Element]:
    """The stored lesson bodies of a page (from its doctree if none were stored)."""
    try:
        with open(_path(env, docname), "rb") as handle:
            bodies: dict[str, nodes.Element] = pickle.load(handle)
        return bodies
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return _lesson_bodies(env.get_doctree(docname))
