"""Importing other projects' ``postmortems.json`` (``postmortem_projects``).

Modelled on intersphinx: ``name: (base_url, location_or_None)``; files are
read at ``builder-inited``, several at once, with a timeout and a size cap;
remote files are cached in the environment for ``postmortem_cache_limit``
days, local files are re-read when their mtime changes. A failed fetch falls
back to the cached copy. Every problem is a ``postmortem.import`` warning and
the build goes on. Imported text stays plain text; links must be http(s) or
relative.

Validation is pure Python; when there is much of it, it runs in forked
worker processes. The environment keeps each project's validated sections
as compact JSON text, decoded by the domain when a build first needs them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sphinx.application import Sphinx
from sphinx.util.parallel import parallel_available

from . import urls
from .config import conf_location
from .domain import PostmortemDomain
from .errors import PostmortemError, warn
from .export import EXPORT_FILENAME, SCHEMA_VERSION
from .model import ACTION_STATUSES, LESSON_KINDS, LOCAL_PROJECT, MILESTONES, is_project_name

_METRICS = (
    "impact_duration",
    "time_to_detect",
    "time_to_acknowledge",
    "time_to_mitigate",
    "time_to_resolve",
)


@dataclass(frozen=True)
class Source:
    """One entry of ``postmortem_projects``, resolved."""

    name: str
    base_url: str
    location: str  # URL or absolute path
    is_remote: bool


def _is_remote(location: str) -> bool:
    return urls.scheme(location) in ("http", "https")


def parse_mapping(mapping: Any, confdir: str) -> tuple[list[Source], list[str]]:
    """Validate ``postmortem_projects``; return the usable sources and problems."""
    if not isinstance(mapping, Mapping):
        return [], ["postmortem_projects must be a dict of name: (base_url, location or None)"]
    sources, problems = [], []
    for name in sorted(mapping, key=str):
        value = mapping[name]
        if not is_project_name(name):
            problems.append(
                f"postmortem_projects: invalid project name {name!r} "
                f"(non-empty, no ':', not {LOCAL_PROJECT!r})"
            )
            continue
        if (
            not isinstance(value, (tuple, list))
            or len(value) != 2
            or not isinstance(value[0], str)
            or not isinstance(value[1], (str, type(None)))
        ):
            problems.append(f"postmortem_projects[{name!r}] must be (base_url, location or None)")
            continue
        base_url, location = value
        if urls.scheme(base_url) not in urls.LINKABLE_SCHEMES:
            problems.append(
                f"postmortem_projects[{name!r}]: base URL {base_url!r} must be http(s) or relative"
            )
            continue
        if not base_url.endswith("/"):
            base_url += "/"
        if location is None:
            location = urls.join(base_url, EXPORT_FILENAME) or EXPORT_FILENAME
            if not _is_remote(location):
                location = str(Path(confdir, location))
        elif not _is_remote(location):
            location = str(Path(confdir, location))
        sources.append(Source(name, base_url, location, _is_remote(location)))
    return sources, problems


# -- validation ---------------------------------------------------------------------


def _text(entry: Mapping[str, Any], key: str, required: bool = True) -> str | None:
    """A string field, whitespace-collapsed (bodies and summaries keep their lines)."""
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise PostmortemError(f"{key!r} must be a non-empty string")
    return value if key in ("body", "summary") else " ".join(value.split())


def _names(entry: Mapping[str, Any], key: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PostmortemError(f"{key!r} must be a list of strings")
    return [" ".join(v.split()) for v in value if v.strip()]


def _date(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise PostmortemError(f"{key!r} must be an ISO date or null") from None


def _choice(entry: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = entry.get(key)
    if value not in allowed:
        raise PostmortemError(f"{key!r} must be one of {', '.join(allowed)}")
    return cast(str, value)


#: ``page.html#anchor`` or ``dir/page/#anchor``: no scheme, no query, no dot segments.
_PLAIN_PATH = re.compile(r"[\w~%-][\w.~%/-]*(?:#[\w.~%:/-]*)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_link(base_url: str, url: Any) -> str:
    """``url`` joined to ``base_url``; only http(s) or relative links are allowed."""
    if not isinstance(url, str) or not url.strip() or _CONTROL.search(url):
        raise PostmortemError("'url' must be a non-empty string")
    url = url.strip()
    if base_url.endswith("/") and _PLAIN_PATH.fullmatch(url) and "/." not in url:
        return base_url + url  # the common case, without parsing (exports hold thousands)
    joined = urls.join(base_url, url)
    if joined is None or urls.scheme(joined) not in urls.LINKABLE_SCHEMES:
        raise PostmortemError(f"link {url.strip()[:80]!r} is not http(s) or relative; refused")
    return joined


def _incident(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    metrics_in = entry.get("metrics") or {}
    if not isinstance(metrics_in, Mapping):
        raise PostmortemError("'metrics' must be an object")
    metrics = {}
    for key in _METRICS:
        value = metrics_in.get(key)
        if value is not None:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise PostmortemError(f"metric {key!r} must be a whole number of seconds")
            metrics[key] = value
    counts = entry.get("action_items") or {}
    lessons = entry.get("lessons", 0)
    if (
        not isinstance(counts, Mapping)
        or not isinstance(lessons, int)
        or not all(isinstance(counts.get(k, 0), int) for k in ("open", "total"))
    ):
        raise PostmortemError("'action_items' and 'lessons' must hold whole numbers")
    return {
        "id": _text(entry, "id"),
        "title": _text(entry, "title"),
        "date": _date(entry, "date"),
        "severity": _text(entry, "severity", required=False),
        "status": _text(entry, "status"),
        "type": _text(entry, "type"),
        "authors": _names(entry, "authors"),
        "services": _names(entry, "services"),
        "tags": _names(entry, "tags"),
        "summary": _text(entry, "summary", required=False) or "",
        "metrics": metrics,
        "milestones": _milestones(entry.get("milestones")),
        "open_actions": counts.get("open", 0),
        "total_actions": counts.get("total", 0),
        "lesson_count": lessons,
        "project": name,
        "url": safe_link(base_url, entry.get("url")),
        "docname": "",
        "anchor": "",
        "lineno": 0,
    }


def _milestones(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PostmortemError("'milestones' must be a list")
    return [
        {"milestone": m["milestone"], "time": m.get("time"), "offset": m.get("offset")}
        for m in value
        if isinstance(m, Mapping) and m.get("milestone") in MILESTONES
    ]


def _action(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    tracker_url = entry.get("tracker_url")
    if not (isinstance(tracker_url, str) and urls.is_absolute_http(tracker_url)):
        tracker_url = None  # only absolute http(s) tracker links are kept
    return {
        "id": _text(entry, "id"),
        "title": _text(entry, "title"),
        "owner": _text(entry, "owner", required=False),
        "type": _text(entry, "type", required=False),
        "priority": _text(entry, "priority", required=False),
        "due": _date(entry, "due"),
        "status": _choice(entry, "status", ACTION_STATUSES),
        "tracker": _text(entry, "tracker", required=False),
        "tracker_url": tracker_url,
        **_origin(entry, name, base_url),
    }


def _origin(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    """The fields an imported action item or lesson shares: body, incident, project, link."""
    return {
        "body": _text(entry, "body", required=False) or "",
        "incident": _text(entry, "incident", required=False),
        "project": name,
        "url": safe_link(base_url, entry.get("url")),
        "docname": "",
        "anchor": "",
        "lineno": 0,
    }


def _lesson(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    return {
        "title": _text(entry, "title"),
        "kind": _choice(entry, "kind", LESSON_KINDS),
        "tags": _names(entry, "tags"),
        **_origin(entry, name, base_url),
    }


_SECTIONS = {"incidents": _incident, "action_items": _action, "lessons": _lesson}


def validate_payload(raw: bytes, name: str, base_url: str) -> tuple[dict[str, Any], list[str]]:
    """Parse and validate one export file.

    Raises :class:`PostmortemError` when the whole file is unusable; returns
    the cleaned data and one problem per skipped entry otherwise.
    """
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PostmortemError(f"not a JSON file ({exc})") from None
    except RecursionError:
        raise PostmortemError("not a usable JSON file (nested too deeply)") from None
    if not isinstance(data, dict):
        raise PostmortemError("not a post-mortem export (the top level is not an object)")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise PostmortemError(
            f"unknown schema_version {version!r} (this version reads {SCHEMA_VERSION})"
        )
    if not isinstance(data.get("project"), str) or not data["project"].strip():
        raise PostmortemError("does not match the schema: 'project' must be a non-empty string")
    for section in _SECTIONS:
        if not isinstance(data.get(section), list):
            raise PostmortemError(f"does not match the schema: {section!r} must be a list")
    cleaned: dict[str, Any] = {"project": data["project"]}
    problems = []
    for section, clean in _SECTIONS.items():
        kept = []
        for number, entry in enumerate(data[section], 1):
            try:
                if not isinstance(entry, dict):
                    raise PostmortemError("not an object")
                kept.append(clean(entry, name, base_url))
            except PostmortemError as exc:
                problems.append(f"{section} entry {number} skipped: {exc}")
        cleaned[section] = kept
    return cleaned, problems


# -- fetching ------------------------------------------------------------------------


@dataclass
class Outcome:
    """What loading one project gave: its entry for the environment, and what to report."""

    source: Source
    entry: dict[str, Any] | None
    problems: list[str]


@dataclass
class Fetched:
    """A project file just read, still to be validated."""

    source: Source
    raw: bytes
    mtime: float | None


def _reason(exc: Exception) -> str:
    """A one-line reason for a failed request."""
    text = " ".join(str(exc).split())
    return f"{exc.__class__.__name__}: {text[:160]}" if text else exc.__class__.__name__


def _read_remote(url: str, config: Any) -> bytes:
    limit = int(config.postmortem_import_max_bytes)
    timeout = float(config.postmortem_timeout)
    deadline = time.monotonic() + timeout
    from sphinx.util import requests  # imported when needed: it takes longer than the rest

    try:
        response = requests.get(
            url,
            timeout=timeout,
            stream=True,
            _user_agent=config.user_agent,
            _tls_info=(config.tls_verify, config.tls_cacerts),
        )
    except Exception as exc:  # requests raises many kinds; all mean "unreachable"
        raise PostmortemError(f"cannot fetch {url}: {_reason(exc)}") from None
    with response:
        if response.status_code != 200:
            raise PostmortemError(f"cannot fetch {url}: HTTP {response.status_code}")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PostmortemError(f"{url} is larger than {limit} bytes")
        chunks, size = [], 0
        # read1 (urllib3 2) returns what has arrived, so the deadline is checked while a
        # slow body trickles in; urllib3 1.26 only has read, in small pieces.
        read = getattr(response.raw, "read1", None) or response.raw.read
        try:
            while chunk := read(8192, decode_content=True):
                size += len(chunk)
                if size > limit:
                    raise PostmortemError(f"{url} is larger than {limit} bytes")
                if time.monotonic() > deadline:
                    raise PostmortemError(f"cannot fetch {url}: timed out after {timeout:g} s")
                chunks.append(chunk)
        except PostmortemError:
            raise
        except Exception as exc:
            raise PostmortemError(f"cannot fetch {url}: {_reason(exc)}") from None
    return b"".join(chunks)


def _read_local(path: str, config: Any) -> tuple[bytes, float]:
    limit = int(config.postmortem_import_max_bytes)
    try:
        stat = Path(path).stat()
        if stat.st_size > limit:
            raise PostmortemError(f"{path} is larger than {limit} bytes")
        return Path(path).read_bytes(), stat.st_mtime
    except OSError as exc:
        raise PostmortemError(f"cannot read {path}: {exc.strerror or exc}") from None


def _cached_copy(source: Source, cache: dict[str, Any]) -> dict[str, Any] | None:
    """The copy the environment holds of ``source``, if it was read from the same place."""
    cached = cache.get(source.name)
    return cached if cached is not None and cached["location"] == source.location else None


def _fetch(
    source: Source, cached: dict[str, Any] | None, config: Any, now: float
) -> Fetched | Outcome:
    """Read one project's file, or settle for ``cached`` when it is fresh or reading fails."""
    try:
        if source.is_remote:
            limit_days = float(config.postmortem_cache_limit)
            if cached is not None and (
                limit_days < 0 or now - cached["fetched"] < limit_days * 86400
            ):
                return Outcome(source, cached, [])
            return Fetched(source, _read_remote(source.location, config), None)
        mtime = Path(source.location).stat().st_mtime if Path(source.location).exists() else None
        if cached is not None and mtime is not None and cached["mtime"] == mtime:
            return Outcome(source, cached, [])
        raw, mtime = _read_local(source.location, config)
        return Fetched(source, raw, mtime)
    except PostmortemError as exc:
        return _failed(source, cached, exc)


def _failed(source: Source, cached: dict[str, Any] | None, exc: PostmortemError) -> Outcome:
    if cached is None:
        return Outcome(source, None, [f"{exc}; project skipped"])
    day = time.strftime("%Y-%m-%d", time.gmtime(cached["fetched"]))
    return Outcome(source, cached, [f"{exc}; using the copy cached on {day}"])


def encode_payload(
    raw: bytes, name: str, base_url: str
) -> tuple[dict[str, Any], list[str]] | PostmortemError:
    """Validate one export file; its sections as compact JSON, as the environment keeps them.

    Kept as JSON text rather than as records, the environment pickles and
    unpickles in a moment, and each build decodes only the sections it shows.
    Returns the error instead of raising it (this runs in worker processes).
    """
    try:
        data, problems = validate_payload(raw, name, base_url)
    except PostmortemError as exc:
        return exc
    sections = {
        section: json.dumps(data[section], ensure_ascii=False, separators=(",", ":")).encode()
        for section in _SECTIONS
    }
    return {"project": data["project"], "sections": sections}, problems


#: Below this much JSON, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


def _usable_cpus() -> int:
    """CPUs this process may run on (fewer than the machine's under taskset or in containers)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _encode_all(fetched: list[Fetched]) -> list[tuple[dict[str, Any], list[str]] | PostmortemError]:
    """:func:`encode_payload` for each file, in worker processes when there is much to do.

    Validating is pure Python, so threads would take turns; processes are
    forked the way Sphinx forks its parallel readers, where that is available.
    """
    jobs = [(f.raw, f.source.name, f.source.base_url) for f in fetched]
    workers = min(len(jobs), _usable_cpus())
    size = sum(len(f.raw) for f in fetched)
    if workers < 2 or size < PARALLEL_MIN_BYTES or not parallel_available:
        return [encode_payload(*job) for job in jobs]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(encode_payload, *zip(*jobs, strict=True)))
    except (BrokenProcessPool, OSError):  # no process could start, or one died
        return [encode_payload(*job) for job in jobs]


def _load_all(
    sources: list[Source], cache: dict[str, Any], config: Any, now: float
) -> list[Outcome]:
    """Fetch every project (several at once), then validate what was read."""
    cached = {source.name: _cached_copy(source, cache) for source in sources}
    with ThreadPoolExecutor(max_workers=min(8, len(sources))) as pool:
        results = list(pool.map(lambda s: _fetch(s, cached[s.name], config, now), sources))
    fetched = [result for result in results if isinstance(result, Fetched)]
    validated = iter(_encode_all(fetched))
    outcomes = []
    for result in results:
        if isinstance(result, Outcome):
            outcomes.append(result)
            continue
        source, encoded = result.source, next(validated)
        if isinstance(encoded, PostmortemError):
            outcomes.append(_failed(source, cached[source.name], encoded))
            continue
        data, problems = encoded
        entry = {
            "location": source.location,
            "base_url": source.base_url,
            "fetched": now,
            "mtime": result.mtime,
            "sha256": hashlib.sha256(result.raw).hexdigest(),
            **data,
        }
        outcomes.append(Outcome(source, entry, problems))
    return outcomes


def load_projects(app: Sphinx) -> None:
    """``builder-inited``: load every project of ``postmortem_projects`` into the domain."""
    config = app.config
    confdir = str(app.confdir)
    sources, problems = parse_mapping(config.postmortem_projects, confdir)
    for problem in problems:
        warn(problem, "import", conf_location(confdir, "postmortem_projects"))
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    cache: dict[str, Any] = domain.data["imports"]
    now = time.time()
    outcomes = _load_all(sources, cache, config, now) if sources else []
    kept = {}
    for outcome in outcomes:
        for problem in outcome.problems:
            warn(
                f"project {outcome.source.name!r}: {problem}",
                "import",
                conf_location(
                    confdir,
                    f'"{outcome.source.name}"',
                    f"'{outcome.source.name}'",
                    "postmortem_projects",
                ),
            )
        if outcome.entry is not None:
            kept[outcome.source.name] = outcome.entry
    domain.set_imports(kept)
