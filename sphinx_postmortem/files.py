"""The one way this package writes its state files, and the one way it takes digests.

Every file kept between builds (the freshness state, the roll-up entry
stores, lesson bodies, the import cache) is written whole or not at all: to
a temporary file beside it, then renamed over it, so a build that is
interrupted, or that runs beside another process, never leaves half a file.

Digests are SHA-256, of bytes or of the ``repr`` of plain data (strings,
numbers, lists, dicts and tuples of them, frozen dataclasses of them), whose
text is the same in every run; memos kept for every text of every page use
:func:`short_digest`, 12 bytes, so that a large project's stay small.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path


def atomic_write(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` at once; raises :class:`OSError` when it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(content)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def write_or_forget(path: Path, content: bytes) -> None:
    """:func:`atomic_write`, or, when it cannot, remove the old ``path`` so that the
    next build makes it again (nothing stale is kept)."""
    try:
        atomic_write(path, content)
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def digest(content: bytes | str) -> str:
    """The SHA-256 of ``content`` (text is taken as UTF-8), in hexadecimal."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def value_digest(value: object) -> str:
    """The SHA-256 of plain data, through its ``repr``."""
    return digest(repr(value))


def short_digest(*parts: str) -> bytes:
    """12 bytes of BLAKE2b of ``parts``, each ended (so ``("ab", "c")`` is not ``("a", "bc")``)."""
    hashed = hashlib.blake2b(digest_size=12)
    for part in parts:
        hashed.update(part.encode("utf-8", "surrogatepass"))
        hashed.update(b"\0")
    return hashed.digest()
