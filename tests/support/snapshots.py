"""A project built once per module, put back in its built state for every test that edits it.

An incremental build only reuses a saved environment that was pickled for the same
source directory (Sphinx starts afresh when ``srcdir`` changes), so a built project
cannot be copied to each test's own ``tmp_path``. :class:`BuiltProject` keeps the
project at one path instead: it is built there once, its whole tree (sources, output,
doctrees and saved environment, with their modification times) is saved beside it,
and :meth:`BuiltProject.restore` replaces whatever a test left at that path with the
saved tree. Each test then starts from its own copy of the same first build, as if it
had copied the root and built it itself, without paying for the build; nothing a test
edits, adds, deletes or builds is seen by the next.

Tests of one module run one after another in a process (pytest-xdist gives each worker
its own module fixtures and temporary directories), so one path per module is enough.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any, Generic, TypeVar

from sphinx.testing.util import SphinxTestApp

T = TypeVar("T")


class BuiltProject(Generic[T]):
    """A project at ``workdir / name``, built once by ``make(srcdir)``; its build is :attr:`first`.

    ``copy(srcdir)`` writes the sources at ``srcdir`` (a copy of a test root). The saved
    tree is at ``workdir / (name + ".saved")``; call :meth:`restore` before each test.
    """

    def __init__(
        self,
        workdir: Path,
        copy: Callable[[Path], object],
        make: Callable[[Path], T],
        name: str = "src",
    ) -> None:
        self.srcdir = workdir / name
        self._saved = workdir / f"{name}.saved"
        copy(self.srcdir)
        self.first: T = make(self.srcdir)
        # copytree copies with copy2: file and folder times are kept (to the nanosecond),
        # so a build in the restored tree finds every page as fresh as after the first one.
        shutil.copytree(self.srcdir, self._saved, symlinks=True)

    def restore(self) -> Path:
        """Put the tree of the first build back at :attr:`srcdir` (its own copy); return it."""
        if self.srcdir.exists():
            shutil.rmtree(self.srcdir)
        shutil.copytree(self._saved, self.srcdir, symlinks=True)
        return self.srcdir


@contextmanager
def making_apps() -> Iterator[Callable[..., SphinxTestApp]]:
    """What sphinx.testing's ``make_app`` fixture gives a test, for a module fixture.

    Apps get their own status and warning streams unless given; every app made is
    cleaned up and ``sys.path`` restored at the end.
    """
    apps: list[SphinxTestApp] = []
    syspath = sys.path.copy()

    def make(*args: Any, **kwargs: Any) -> SphinxTestApp:
        kwargs.setdefault("status", StringIO())
        kwargs.setdefault("warning", StringIO())
        app = SphinxTestApp(*args, **kwargs)
        apps.append(app)
        return app

    try:
        yield make
    finally:
        sys.path[:] = syspath
        for app in reversed(apps):
            app.cleanup()


def sources_digest(srcdir: Path, ignore: tuple[str, ...] = ("_build",)) -> str:
    """A digest of every file under ``srcdir`` (names and contents).

    The top-level folders ``ignore`` (the build's output) and ``__pycache__`` are left out.

    Two trees with the same digest hold the same sources: a clean build of one is a
    clean build of the other.
    """
    digest = hashlib.sha256()
    for path in sorted(srcdir.rglob("*")):
        relative = path.relative_to(srcdir)
        if relative.parts[0] in ignore or "__pycache__" in relative.parts or not path.is_file():
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
