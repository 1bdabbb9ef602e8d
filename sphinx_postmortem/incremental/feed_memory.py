"""When each entry of the Atom feed last changed, remembered between builds.

A feed reader shows a post-mortem again when its entry's ``updated`` time
moves, so that time must change when a published post-mortem is revised,
and only then. The feed (``exchange/feed.py``) therefore remembers a digest
of what each entry shows, and the time it gave it.

The cache contract:

- The file is ``postmortem-feed-<builder>.json`` beside the doctrees:
  ``{"version": 1, "entries": {entry id: {"digest": ..., "updated": ...}}}``
  where the entry id is its URL, the digest a SHA-256 of everything the
  entry shows except its times, and ``updated`` an RFC 3339 UTC time.
- It is written whole (:func:`~.files.atomic_write`) at ``build-finished``,
  by a build that wrote the feed, and only when it changed; a build that
  failed writes nothing, so the next one compares with the last feed
  written. A missing, damaged or older file counts as empty; a file that
  cannot be written is skipped (the next build starts afresh).
- An entry not remembered (first build, new entry, lost file) is
  ``updated`` at its own time, the incident's date: a first build gives
  the same feed as a build without this file.
- An entry whose digest is unchanged keeps the time remembered.
- An entry whose digest changed is ``updated`` at the build's moment (the
  build date, or ``SOURCE_DATE_EPOCH``; never the time of day it ran), or
  one second after the time remembered when that is not earlier (two
  revisions on one build date), and never before its own date: the time
  always moves forward, and the same sources and file give the same feed.
- Entries that left the feed are forgotten.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from ..files import atomic_write

MEMORY_VERSION = 1

#: How feed times are written: RFC 3339, UTC, whole seconds.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class Seen(NamedTuple):
    """What an entry showed (its digest) and the ``updated`` time it was given."""

    digest: str
    updated: str


def memory_path(doctreedir: str | Path, builder_name: str) -> Path:
    """The file that remembers the feed of ``builder_name``."""
    return Path(doctreedir) / f"postmortem-feed-{builder_name}.json"


def _is_time(text: object) -> bool:
    if not isinstance(text, str):
        return False
    try:
        dt.datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        return False
    return True


def load_memory(path: Path) -> dict[str, Seen]:
    """Entry id -> what it showed when the feed was last written (empty when unknown)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("version") != MEMORY_VERSION:
        return {}
    entries = stored.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {
        entry_id: Seen(seen["digest"], seen["updated"])
        for entry_id, seen in entries.items()
        if isinstance(seen, dict)
        and isinstance(seen.get("digest"), str)
        and _is_time(seen.get("updated"))
    }


def _after(moment: str, earliest: str, remembered: str) -> str:
    """``moment``, moved forward to ``earliest`` and past ``remembered`` when needed."""
    chosen = max(moment, earliest)
    if chosen > remembered:
        return chosen
    later = dt.datetime.strptime(remembered, TIME_FORMAT) + dt.timedelta(seconds=1)
    return later.strftime(TIME_FORMAT)


def updated_times(
    current: Mapping[str, Seen], remembered: Mapping[str, Seen], moment: str
) -> dict[str, Seen]:
    """Each entry's digest and ``updated`` time, by the rules of the module's docstring.

    ``current`` maps each entry id to its digest and its own time (when it
    is not remembered, that is its ``updated``); ``moment`` is the build's.
    """
    result = {}
    for entry_id, (digest, own_time) in current.items():
        before = remembered.get(entry_id)
        if before is None:
            result[entry_id] = Seen(digest, own_time)
        elif before.digest == digest:
            result[entry_id] = before
        else:
            result[entry_id] = Seen(digest, _after(moment, own_time, before.updated))
    return result


def save_memory(path: Path, memory: Mapping[str, Seen], remembered: Mapping[str, Seen]) -> None:
    """Write ``memory`` to ``path`` when it differs from what was ``remembered``."""
    if dict(memory) == dict(remembered) and path.exists():
        return
    content = {
        "version": MEMORY_VERSION,
        "entries": {
            entry_id: {"digest": seen.digest, "updated": seen.updated}
            for entry_id, seen in sorted(memory.items())
        },
    }
    try:
        atomic_write(path, json.dumps(content, indent=1, sort_keys=True).encode("utf-8"))
    except OSError:  # a read-only doctree folder: entries keep their own times next build
        pass
