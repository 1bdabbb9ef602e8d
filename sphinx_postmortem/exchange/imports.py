"""Importing other projects' ``postmortems.json`` (``postmortem_projects``).

At ``builder-inited``, every project of the setting (:mod:`.sources`) is
read, several at once, each within a wall-clock deadline and a size cap
(:mod:`.fetch`), then validated field by field (:mod:`.validation`) and kept
in a cache file beside the environment, saved as soon as something was
fetched. A remote copy is reused for ``postmortem_cache_limit`` days; a
local file is re-validated when its content digest changes. A cached copy
only serves the same base URL, location and validation rules it was made
with. A failed fetch falls back to the cached copy. Every problem is a
``postmortem.import`` warning and the build goes on. The domain receives
each project's validated sections as compact JSON text, decoded when a
build first needs them.
"""

from __future__ import annotations

import json
import pickle
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sphinx.application import Sphinx

from ..config import conf_location
from ..domain import PostmortemDomain
from ..errors import PostmortemError, warn
from ..files import atomic_write, digest
from ..model import DATE_YEARS
from ..settings import settings
from . import fetch
from .sources import Source, parse_mapping
from .validation import VALIDATION_VERSION, encode_payload


@dataclass
class Outcome:
    """What loading one project gave: its entry for the cache, what to report, whether new."""

    source: Source
    entry: dict[str, Any] | None
    problems: list[str]
    fresh: bool = False


@dataclass
class Fetched:
    """A project file just read, still to be validated."""

    source: Source
    raw: bytes
    digest: str  # its identity, see _digest


def cache_key(source: Source, config: Any) -> str:
    """Everything that shapes a project's imported data: a cached copy serves only this key."""
    shape = [
        VALIDATION_VERSION,
        source.base_url,
        source.location,
        int(settings(config).import_max_bytes),
        DATE_YEARS,
    ]
    return digest(json.dumps(shape))


def _digest(raw: bytes) -> str:
    """A file's identity: its size and SHA-256."""
    return f"{len(raw)}:{digest(raw)}"


def _fetch(
    source: Source, cached: dict[str, Any] | None, config: Any, now: float
) -> Fetched | Outcome:
    """Read one project's file, or settle for ``cached`` when it is current or reading fails."""
    try:
        if source.is_remote:
            limit_days = float(settings(config).cache_limit)
            if cached is not None and (
                limit_days < 0 or now - cached["fetched"] < limit_days * 86400
            ):
                return Outcome(source, cached, [])
            raw = fetch.read_remote(source.location, config)
            return Fetched(source, raw, _digest(raw))
        raw = fetch.read_local(source.location, config)
        identity = _digest(raw)
        if cached is not None and cached["digest"] == identity:
            return Outcome(source, cached, [])
        return Fetched(source, raw, identity)
    except PostmortemError as exc:
        return _failed(source, cached, exc)


def _failed(source: Source, cached: dict[str, Any] | None, exc: PostmortemError) -> Outcome:
    if cached is None:
        return Outcome(source, None, [f"{exc}; project skipped"])
    day = time.strftime("%Y-%m-%d", time.gmtime(cached["fetched"]))
    return Outcome(source, cached, [f"{exc}; using the copy cached on {day}"])


def _validated(fetched: Fetched, cached: dict[str, Any] | None, key: str, now: float) -> Outcome:
    """A file just read, validated into a new cache entry (or the fallback when it is unusable)."""
    source = fetched.source
    try:
        data, problems = encode_payload(fetched.raw, source.name, source.base_url)
    except PostmortemError as exc:
        return _failed(source, cached, exc)
    entry = {
        "key": key,
        "location": source.location,
        "base_url": source.base_url,
        "fetched": now,
        "digest": fetched.digest,
        **data,
    }
    return Outcome(source, entry, problems, fresh=True)


def _load_all(
    sources: list[Source], cache: dict[str, Any], config: Any, now: float
) -> list[Outcome]:
    """Fetch every project (several at once), then validate what was read, in order."""
    keys = {source.name: cache_key(source, config) for source in sources}
    cached = {
        name: entry if entry is not None and entry.get("key") == keys[name] else None
        for name, entry in ((s.name, cache.get(s.name)) for s in sources)
    }
    with ThreadPoolExecutor(max_workers=min(8, len(sources))) as pool:
        results = list(pool.map(lambda s: _fetch(s, cached[s.name], config, now), sources))
    return [
        result
        if isinstance(result, Outcome)
        else _validated(result, cached[result.source.name], keys[result.source.name], now)
        for result in results
    ]


# -- the cache file ------------------------------------------------------------------

#: Bumped whenever the cache file changes shape.
CACHE_VERSION = 1


def _cache_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "postmortem-imports.pickle"


def _environment_id(domain: PostmortemDomain) -> str:
    """An id of this environment: a fresh one (``-E``) does not use an older cache file."""
    return cast(str, domain.data.setdefault("imports_cache_id", secrets.token_hex(8)))


def _load_cache(path: Path, environment: str) -> dict[str, Any]:
    """The projects cached by earlier builds of this environment."""
    try:
        with path.open("rb") as handle:
            cache = pickle.load(handle)  # written by us, beside Sphinx's own environment pickle
    except Exception:  # missing, truncated or from another version: fetch again
        return {}
    if not (
        isinstance(cache, dict)
        and cache.get("version") == CACHE_VERSION
        and cache.get("environment") == environment
    ):
        return {}
    return cast(dict[str, Any], cache["projects"])


def _save_cache(path: Path, environment: str, projects: dict[str, Any]) -> None:
    """Write the cache at once, so a copy just fetched is reused even if no page is written."""
    content = {"version": CACHE_VERSION, "environment": environment, "projects": projects}
    try:
        atomic_write(path, pickle.dumps(content, pickle.HIGHEST_PROTOCOL))
    except OSError:  # a read-only doctree folder: the next build fetches again
        pass


def _warn_problems(outcome: Outcome, confdir: str) -> None:
    """Each problem of one project, as a warning pointing at its entry in conf.py."""
    if not outcome.problems:
        return  # finding the line reads conf.py
    name = outcome.source.name
    location = conf_location(confdir, f'"{name}"', f"'{name}'", "postmortem_projects")
    for problem in outcome.problems:
        warn(f"project {name!r}: {problem}", "import", location)


def load_projects(app: Sphinx) -> None:
    """``builder-inited``: load every project of ``postmortem_projects`` into the domain."""
    confdir = str(app.confdir)
    sources, problems = parse_mapping(settings(app).projects, confdir)
    for problem in problems:
        warn(problem, "import", conf_location(confdir, "postmortem_projects"))
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    environment = _environment_id(domain)
    cache = _load_cache(_cache_path(app), environment)
    outcomes = _load_all(sources, cache, app.config, time.time()) if sources else []
    kept = {}
    for outcome in outcomes:
        _warn_problems(outcome, confdir)
        if outcome.entry is not None:
            kept[outcome.source.name] = outcome.entry
    if any(outcome.fresh for outcome in outcomes) or kept.keys() != cache.keys():
        _save_cache(_cache_path(app), environment, kept)
    domain.set_imports(kept)
