"""Projects on disk: private copies of the test roots, edits Sphinx notices, inventories."""

from __future__ import annotations

import os
import posixpath
import shutil
import time
from pathlib import Path
from typing import Any

from support import ROOTS


def copy_root(name: str, dest: Path) -> Path:
    """A private, writable copy of ``tests/roots/test-<name>`` at ``dest``."""
    shutil.copytree(ROOTS / f"test-{name}", dest)
    return dest


def write_source(path: Path, text: str) -> None:
    """Write a source file and push its mtime forward so Sphinx sees the change."""
    old = path.stat().st_mtime if path.exists() else time.time()
    path.write_text(text, encoding="utf-8")
    bumped = max(old, time.time()) + 5
    os.utime(path, (bumped, bumped))


def touch(path: Path) -> None:
    """Make a file look newer than anything the last build read or wrote (not later)."""
    time.sleep(0.01)
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def edit_source(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` by ``new`` in a source file (which must hold it); touch it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    touch(path)


def load_inventory(path: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """objects.inv as ``{type: {name: (uri, display name)}}``."""
    from sphinx.util.inventory import InventoryFile

    with open(path, "rb") as stream:
        data = InventoryFile.load(stream, "", posixpath.join)

    def pair(item: Any) -> tuple[str, str]:
        if hasattr(item, "uri"):  # Sphinx >= 8.2
            return item.uri, item.display_name
        return item[2], item[3]

    return {typ: {name: pair(item) for name, item in items.items()} for typ, items in data.items()}
