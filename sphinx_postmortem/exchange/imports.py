"""Importing other projects' ``postmortems.json`` (``postmortem_projects``).

Modelled on intersphinx: ``name: (base_url, location_or_None)``; files are
read at ``builder-inited``, several at once, each within a wall-clock
deadline and a size cap. What was read is validated field by field against
the bounds of :data:`INCIDENT_FIELDS`, :data:`ACTION_FIELDS` and
:data:`LESSON_FIELDS` (the shipped JSON Schema says the same) and kept in a
cache file beside the environment, saved as soon as something was fetched.
A remote copy is reused for ``postmortem_cache_limit`` days; a local file is
re-validated when its content digest changes. A cached copy only serves the
same base URL, location and validation rules it was made with. A failed
fetch falls back to the cached copy. Every problem is a ``postmortem.import``
warning and the build goes on. Imported text stays plain text; links must be
http(s) or relative.

Validation is pure Python; when there is much of it, it runs in forked
worker processes. Each project's validated sections are kept as compact
JSON text, decoded by the domain when a build first needs them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sphinx.application import Sphinx
from sphinx.util.parallel import parallel_available

from .. import urls
from ..config import conf_location
from ..domain import PostmortemDomain
from ..errors import PostmortemError, warn
from ..model import (
    ACTION_STATUSES,
    DATE_YEARS,
    LESSON_KINDS,
    LOCAL_PROJECT,
    MILESTONES,
    is_project_name,
)
from ..settings import settings
from ..xmltext import xml_safe
from .export import EXPORT_FILENAME, SCHEMA_VERSION

#: Bumped whenever validation changes what is kept, so that cached copies are re-validated.
VALIDATION_VERSION = 2

# -- the mapping ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One entry of ``postmortem_projects``, resolved."""

    name: str
    base_url: str
    location: str  # URL or absolute path
    is_remote: bool


def _is_remote(location: str) -> bool:
    return urls.scheme(location) in ("http", "https")


#: ``docs.example.com/x`` or ``localhost:8000/x``: a host name where a relative path was meant?
_HOST_LIKE = re.compile(r"(?:localhost|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})(?::\d+)?(?:/|$)", re.I)


def _base_url_problem(base_url: str) -> str | None:
    """Why ``base_url`` cannot be used, or None."""
    if not base_url.strip():
        return "the base URL is empty; give the address where the project's HTML is published"
    if urls.scheme(base_url) not in urls.LINKABLE_SCHEMES:
        return f"base URL {base_url!r} must be http(s) or relative"
    if urls.is_relative(base_url) and _HOST_LIKE.match(base_url):
        return (
            f"base URL {base_url!r} has no scheme, so it would be a folder of this site; "
            f"'https://' may be missing (write './{base_url}' if it is a folder)"
        )
    return None


def _location_problem(location: str) -> str | None:
    """Why ``location`` cannot be read, or None (a one-letter scheme is a Windows drive)."""
    if not location.strip():
        return "the location is empty; give None, an http(s) URL or a path"
    scheme = urls.scheme(location)
    if scheme is None or len(scheme) > 1 and scheme not in ("http", "https"):
        hint = ""
        if scheme == "file":
            parts = urls.split(location)
            hint = f"; for a local file give its path, such as {parts.path!r}" if parts else ""
        return f"location {location!r} must be an http(s) URL or a local path{hint}"
    return None


def _resolve(name: str, value: Any, confdir: str) -> Source | str:
    """One entry of ``postmortem_projects`` as a :class:`Source`, or what is wrong with it."""
    if not is_project_name(name):
        return (
            f"postmortem_projects: invalid project name {name!r} "
            f"(non-empty, no ':', not {LOCAL_PROJECT!r})"
        )
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2
        or not isinstance(value[0], str)
        or not isinstance(value[1], (str, type(None)))
    ):
        return f"postmortem_projects[{name!r}] must be (base_url, location or None)"
    base_url, location = value
    problem = _base_url_problem(base_url)
    if problem is None and location is not None:
        problem = _location_problem(location)
    if problem:
        return f"postmortem_projects[{name!r}]: {problem}"
    if not base_url.endswith("/"):
        base_url += "/"
    if location is None:
        location = urls.join(base_url, EXPORT_FILENAME) or EXPORT_FILENAME
    if not _is_remote(location):
        location = str(Path(confdir, location))
    return Source(name, base_url, location, _is_remote(location))


def parse_mapping(mapping: Any, confdir: str) -> tuple[list[Source], list[str]]:
    """Validate ``postmortem_projects``; return the usable sources and problems."""
    if not isinstance(mapping, Mapping):
        return [], ["postmortem_projects must be a dict of name: (base_url, location or None)"]
    sources, problems = [], []
    for name in sorted(mapping, key=str):
        resolved = _resolve(name, mapping[name], confdir)
        if isinstance(resolved, Source):
            sources.append(resolved)
        else:
            problems.append(resolved)
    return sources, problems


# -- validation: one table of fields and their bounds ---------------------------------

#: Bounds every imported value is checked against (docs/export-format.rst lists them).
LINE_MAX = 20_000  # characters of an id, title, name or other one-line field
BODY_MAX = 100_000  # characters of a summary or body
NAMES_MAX = 1_000  # items of a list of names (authors, services, tags)
MILESTONES_MAX = 100  # milestones of one incident
SECONDS_MAX = 10 * 366 * 86_400  # ten years, the longest duration or offset
COUNT_MAX = 1_000_000  # action items or lessons of one incident

#: A check takes a field's value and returns what to store, or raises :class:`FieldError`.
Check = Callable[[Any], Any]


class FieldError(PostmortemError):
    """A field that does not match its rule; ``field`` is its path (``metrics.time_to_detect``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field {field!r} {problem}")
        self.field, self.problem = field, problem


def _string(value: Any, limit: int, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be {what}")
    if len(value) > limit:
        raise ValueError(f"must be {what} of at most {limit} characters (has {len(value)})")
    return xml_safe(value)


def line(required: bool = False) -> Check:
    """A one-line string, whitespace collapsed; non-empty when ``required``, else may be null."""

    def check(value: Any) -> str | None:
        if value is None and not required:
            return None
        text = " ".join(_string(value, LINE_MAX, "a string").split())
        if required and not text:
            raise ValueError("must be a non-empty string")
        return text

    return check


def body(value: Any) -> str:
    """A multi-line string (summary, body); missing or null is empty."""
    return "" if value is None else _string(value, BODY_MAX, "a string")


def names(value: Any) -> list[str]:
    """A list of one-line strings; empty ones are dropped."""
    value = [] if value is None else value
    if (
        not isinstance(value, list)
        or len(value) > NAMES_MAX
        or not all(isinstance(name, str) for name in value)
    ):
        raise ValueError(f"must be a list of at most {NAMES_MAX} strings")
    return [name for name in map(line(), value) if name]


def _in_years(day: dt.date) -> None:
    if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:
        raise ValueError(f"must lie in the years {DATE_YEARS[0]} to {DATE_YEARS[1]}")


def date(value: Any) -> str | None:
    """An ISO date (``YYYY-MM-DD``) within :data:`DATE_YEARS`, or null."""
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO date (YYYY-MM-DD) or null") from None
    _in_years(day)
    return day.isoformat()


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)")


def timestamp(value: Any) -> str:
    """An ISO timestamp with seconds and UTC offset, within :data:`DATE_YEARS`."""
    try:
        if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
            raise ValueError
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO timestamp such as 2024-05-14T08:12:00+00:00") from None
    _in_years(moment.date())
    return value


def whole(low: int, high: int, unit: str = "a whole number") -> Check:
    """An integer (not a boolean, not a float) from ``low`` to ``high``."""

    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"must be {unit} from {low} to {high}")
        return value

    return check


def one_of(allowed: tuple[str, ...]) -> Check:
    """One of fixed names."""

    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return cast(str, value)

    return check


def optional(check: Check) -> Check:
    """``check``, or null."""
    return lambda value: None if value is None else check(value)


seconds = whole(0, SECONDS_MAX, "a whole number of seconds")
count = whole(0, COUNT_MAX)
_OFFSET = optional(whole(-SECONDS_MAX, SECONDS_MAX, "a whole number of seconds"))


def obj(fields: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    """An object whose listed keys are checked (others are ignored); missing or null is {}."""

    def check(value: Any) -> dict[str, Any]:
        value = {} if value is None else value
        if not isinstance(value, dict):
            raise ValueError("must be an object")
        return clean(value, fields, required)

    return check


def array(item: Check, limit: int) -> Check:
    """A list of at most ``limit`` items, each checked; missing or null is []."""

    def check(value: Any) -> list[Any]:
        value = [] if value is None else value
        if not isinstance(value, list) or len(value) > limit:
            raise ValueError(f"must be a list of at most {limit} items")
        kept = []
        for number, element in enumerate(value):
            try:
                kept.append(item(element))
            except FieldError as exc:
                raise FieldError(f"[{number}].{exc.field}", exc.problem) from None
            except ValueError as exc:
                raise FieldError(f"[{number}]", str(exc)) from None
        return kept

    return check


def clean(
    entry: Mapping[str, Any], fields: Mapping[str, Check], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Every field of ``fields`` checked; raises :class:`FieldError` naming the first bad one."""
    kept = {}
    for key, check in fields.items():
        if key in required and key not in entry:
            raise FieldError(key, "is missing")
        try:
            kept[key] = check(entry.get(key))
        except FieldError as exc:
            joiner = "" if exc.field.startswith("[") else "."
            raise FieldError(f"{key}{joiner}{exc.field}", exc.problem) from None
        except ValueError as exc:
            raise FieldError(key, str(exc)) from None
    return kept


_METRICS = (
    "impact_duration",
    "time_to_detect",
    "time_to_acknowledge",
    "time_to_mitigate",
    "time_to_resolve",
)

_MILESTONE = obj(
    {"milestone": one_of(MILESTONES), "time": timestamp, "offset": _OFFSET},
    required=("milestone", "time"),
)

_MILESTONES = array(_MILESTONE, MILESTONES_MAX)


def known_milestones(value: Any) -> list[Any]:
    """The milestones of kinds this version knows, checked; others are left out.

    A newer exporter may add milestone kinds: its incidents still import, with
    the milestones an older reader can show.
    """
    if isinstance(value, list):
        value = [
            item
            for item in value
            if not (isinstance(item, dict) and isinstance(item.get("milestone"), str))
            or item["milestone"] in MILESTONES
        ]
    return cast(list[Any], _MILESTONES(value))


#: What an imported incident may hold (``url`` is checked against the base URL).
INCIDENT_FIELDS: dict[str, Check] = {
    "id": line(required=True),
    "title": line(required=True),
    "date": date,
    "severity": line(),
    "status": line(required=True),
    "type": line(required=True),
    "authors": names,
    "services": names,
    "tags": names,
    "summary": body,
    "metrics": obj({metric: optional(seconds) for metric in _METRICS}),
    "milestones": known_milestones,
    "action_items": obj({"open": optional(count), "total": optional(count)}),
    "lessons": optional(count),
}

#: What an action item and a lesson share.
_ORIGIN_FIELDS: dict[str, Check] = {"body": body, "incident": line()}

ACTION_FIELDS: dict[str, Check] = {
    "id": line(required=True),
    "title": line(required=True),
    "owner": line(),
    "type": line(),
    "priority": line(),
    "due": date,
    "status": one_of(ACTION_STATUSES),
    "tracker": line(),
    "tracker_url": line(),
    **_ORIGIN_FIELDS,
}

LESSON_FIELDS: dict[str, Check] = {
    "title": line(required=True),
    "kind": one_of(LESSON_KINDS),
    "tags": names,
    **_ORIGIN_FIELDS,
}


#: ``page.html#anchor`` or ``dir/page/#anchor``: no scheme, no query, no dot segments.
_PLAIN_PATH = re.compile(r"[\w~%-][\w.~%/-]*(?:#[\w.~%:/-]*)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_link(base_url: str, url: Any) -> str:
    """``url`` joined to ``base_url``; only http(s) or relative links are allowed."""
    if not isinstance(url, str) or not url.strip() or _CONTROL.search(url):
        raise PostmortemError("field 'url' must be a non-empty string")
    if len(url) > LINE_MAX:
        raise PostmortemError(f"field 'url' must be a string of at most {LINE_MAX} characters")
    url = url.strip()
    if base_url.endswith("/") and _PLAIN_PATH.fullmatch(url) and "/." not in url:
        return base_url + url  # the common case, without parsing (exports hold thousands)
    joined = urls.join(base_url, url)
    if joined is None or urls.scheme(joined) not in urls.LINKABLE_SCHEMES:
        raise PostmortemError(f"link {url[:80]!r} is not http(s) or relative; refused")
    return joined


def _imported(name: str, base_url: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """What every imported record carries besides its own fields."""
    return {
        "project": name,
        "url": safe_link(base_url, entry.get("url")),
        "docname": "",
        "anchor": "",
        "lineno": 0,
    }


def _incident(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    fields = clean(entry, INCIDENT_FIELDS)
    counts, metrics, lessons = (fields.pop(key) for key in ("action_items", "metrics", "lessons"))
    return {
        **fields,
        "metrics": {key: value for key, value in metrics.items() if value is not None},
        "open_actions": counts["open"] or 0,
        "total_actions": counts["total"] or 0,
        "lesson_count": lessons or 0,
        **_imported(name, base_url, entry),
    }


def _action(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    fields = clean(entry, ACTION_FIELDS)
    if not (fields["tracker_url"] and urls.is_absolute_http(fields["tracker_url"])):
        fields["tracker_url"] = None  # only absolute http(s) tracker links are kept
    return {**fields, **_imported(name, base_url, entry)}


def _lesson(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    return {**clean(entry, LESSON_FIELDS), **_imported(name, base_url, entry)}


_SECTIONS = {"incidents": _incident, "action_items": _action, "lessons": _lesson}


def _label(entry: Any) -> str:
    """`` (id 'X')`` or `` (title 'X')`` for a warning, shortened; empty without either."""
    for key in ("id", "title"):
        value = entry.get(key) if isinstance(entry, dict) else None
        if isinstance(value, str) and value.strip():
            text = " ".join(xml_safe(value).split())
            return f" ({key} {text if len(text) <= 60 else text[:59] + '…'!r})"
    return ""


def _loads(text: str) -> Any:
    """``json.loads`` in a thread of its own.

    The parser recurses once per nesting level, within Python's recursion
    limit; in a new thread the nesting it accepts (about 990 levels) does not
    depend on how deep in Sphinx's call stack the import runs. A deeper file
    raises RecursionError.
    """
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, json.loads(text)))
        except BaseException as exc:  # re-raised in the calling thread
            outcome.append((False, exc))

    reader = threading.Thread(target=run, name="postmortem-json")
    reader.start()
    reader.join()
    parsed, value = outcome[0]
    if not parsed:
        raise value
    return value


def _parse_json(raw: bytes) -> Any:
    """The JSON document in ``raw``; a :class:`PostmortemError` saying where it is broken."""
    try:
        return _loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start : exc.start + 1].hex()
        raise PostmortemError(f"not UTF-8 JSON: byte 0x{byte} at position {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise PostmortemError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # an integer of more than 4300 digits
        raise PostmortemError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise PostmortemError("invalid JSON: values nested too deeply to read") from None


def validate_payload(raw: bytes, name: str, base_url: str) -> tuple[dict[str, Any], list[str]]:
    """Parse and validate one export file.

    Raises :class:`PostmortemError` when the whole file is unusable; returns
    the cleaned data and one problem per skipped entry otherwise.
    """
    data = _parse_json(raw)
    if not isinstance(data, dict):
        raise PostmortemError("not a post-mortem export (the top level is not an object)")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        shown = version if isinstance(version, (int, str, type(None))) else type(version).__name__
        raise PostmortemError(
            f"unknown schema_version {str(shown)[:40]!r} (this version reads {SCHEMA_VERSION})"
        )
    try:
        project = line(required=True)(data.get("project"))
    except ValueError as exc:
        raise PostmortemError(f"does not match the schema: 'project' {exc}") from None
    for section in _SECTIONS:
        if not isinstance(data.get(section), list):
            raise PostmortemError(f"does not match the schema: {section!r} must be a list")
    cleaned: dict[str, Any] = {"project": project}
    problems = []
    for section, check in _SECTIONS.items():
        kept = []
        for number, entry in enumerate(data[section], 1):
            try:
                if not isinstance(entry, dict):
                    raise PostmortemError("not an object")
                kept.append(check(entry, name, base_url))
            except PostmortemError as exc:
                problems.append(f"{section} entry {number} skipped{_label(entry)}: {exc}")
        cleaned[section] = kept
    return cleaned, problems


# -- fetching ------------------------------------------------------------------------


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


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (``reason``, first argument, cause, context), outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        reason = getattr(current, "reason", None)
        first = current.args[0] if current.args else None
        current = next(
            (
                c
                for c in (reason, first, current.__cause__, current.__context__)
                if isinstance(c, BaseException)
            ),
            None,
        )
    return chain


def failure_reason(exc: BaseException, timeout: float) -> str:
    """Why a request failed, in words: ``connection refused``, ``timed out after 2 s``."""
    import requests  # loaded by sphinx.util.requests already
    import urllib3

    timeouts = (TimeoutError, requests.Timeout, urllib3.exceptions.ReadTimeoutError)
    chain = _causes(exc)
    for cause in reversed(chain):  # the innermost reason is the most precise
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve the host name ({cause.strerror})"
        if isinstance(cause, timeouts):
            return f"timed out after {timeout:g} s"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror[:1].lower() + cause.strerror[1:]
    text = " ".join(str(exc).split())
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _download(url: str, config: Any, stop: threading.Event) -> bytes:
    """The body at ``url``, read until ``stop`` is set; raises what went wrong."""
    from sphinx.util import requests  # imported when needed: it takes longer than the rest

    configured = settings(config)
    limit = int(configured.import_max_bytes)
    response = requests.get(
        url,
        timeout=float(configured.timeout),
        stream=True,
        _user_agent=config.user_agent,
        _tls_info=(config.tls_verify, config.tls_cacerts),
    )
    with response:
        if response.status_code != 200:
            raise PostmortemError(f"HTTP {response.status_code} {response.reason or ''}".strip())
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PostmortemError(f"larger than {limit} bytes")
        chunks, size = [], 0
        # read1 (urllib3 2) returns what has arrived, so ``stop`` is seen while a slow
        # body trickles in; urllib3 1.26 only has read, in small pieces.
        read = getattr(response.raw, "read1", None) or response.raw.read
        while not stop.is_set() and (chunk := read(8192, decode_content=True)):
            size += len(chunk)
            if size > limit:
                raise PostmortemError(f"larger than {limit} bytes")
            chunks.append(chunk)
    return b"".join(chunks)


def _read_remote(url: str, config: Any) -> bytes:
    """The file at ``url``, within ``postmortem_timeout`` seconds of wall-clock time.

    The timeout covers everything: connecting, the response headers and the
    body. The download runs in a daemon thread that this one stops waiting
    for at the deadline, however slowly the server sends: a server that
    trickles its headers a byte at a time defeats the per-read socket
    timeout, never this deadline. A download still in its body stops at the
    next piece; one still blocked reading trickled headers is left to end on
    its own (when the server stalls or closes), which, being a daemon
    thread, never delays the build or the exit of the process.
    """
    timeout = float(settings(config).timeout)
    result: list[bytes | BaseException] = []
    stop = threading.Event()

    def run() -> None:
        try:
            result.append(_download(url, config, stop))
        except BaseException as exc:  # reported by the waiting thread
            result.append(exc)

    worker = threading.Thread(target=run, name=f"postmortem-fetch {url}", daemon=True)
    worker.start()
    worker.join(timeout)
    stop.set()  # a worker still reading the body stops at its next piece
    if not result:
        raise PostmortemError(f"cannot fetch {url}: timed out after {timeout:g} s")
    outcome = result[0]
    if isinstance(outcome, PostmortemError):
        raise PostmortemError(f"cannot fetch {url}: {outcome}")
    if isinstance(outcome, BaseException):
        raise PostmortemError(f"cannot fetch {url}: {failure_reason(outcome, timeout)}")
    return outcome


def _read_local(path: str, config: Any) -> bytes:
    limit = int(settings(config).import_max_bytes)
    try:
        if Path(path).stat().st_size > limit:
            raise PostmortemError(f"{path} is larger than {limit} bytes")
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PostmortemError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:  # grew since the stat
        raise PostmortemError(f"{path} is larger than {limit} bytes")
    return raw


def cache_key(source: Source, config: Any) -> str:
    """Everything that shapes a project's imported data: a cached copy serves only this key."""
    shape = [
        VALIDATION_VERSION,
        source.base_url,
        source.location,
        int(settings(config).import_max_bytes),
        DATE_YEARS,
    ]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def _digest(raw: bytes) -> str:
    """A file's identity: its size and SHA-256."""
    return f"{len(raw)}:{hashlib.sha256(raw).hexdigest()}"


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
            raw = _read_remote(source.location, config)
            return Fetched(source, raw, _digest(raw))
        raw = _read_local(source.location, config)
        digest = _digest(raw)
        if cached is not None and cached["digest"] == digest:
            return Outcome(source, cached, [])
        return Fetched(source, raw, digest)
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
    """Validate one export file; its sections as compact JSON, as the cache keeps them.

    Kept as JSON text rather than as records, the cache and the environment
    pickle and unpickle in a moment, and each build decodes only the
    sections it shows. Returns the error instead of raising it (this runs in
    worker processes).
    """
    try:
        data, problems = validate_payload(raw, name, base_url)
    except PostmortemError as exc:
        return exc
    sections = {
        section: json.dumps(data[section], ensure_ascii=False, separators=(",", ":"))
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
    keys = {source.name: cache_key(source, config) for source in sources}
    cached = {
        name: entry if entry is not None and entry.get("key") == keys[name] else None
        for name, entry in ((s.name, cache.get(s.name)) for s in sources)
    }
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
            "key": keys[source.name],
            "location": source.location,
            "base_url": source.base_url,
            "fetched": now,
            "digest": result.digest,
            **data,
        }
        outcomes.append(Outcome(source, entry, problems, fresh=True))
    return outcomes


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
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as handle:
            pickle.dump(content, handle, pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError:  # a read-only doctree folder: the next build fetches again
        partial.unlink(missing_ok=True)


def load_projects(app: Sphinx) -> None:
    """``builder-inited``: load every project of ``postmortem_projects`` into the domain."""
    config = app.config
    confdir = str(app.confdir)
    sources, problems = parse_mapping(settings(app).projects, confdir)
    for problem in problems:
        warn(problem, "import", conf_location(confdir, "postmortem_projects"))
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    environment = _environment_id(domain)
    cache = _load_cache(_cache_path(app), environment)
    outcomes = _load_all(sources, cache, config, time.time()) if sources else []
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
    if any(outcome.fresh for outcome in outcomes) or kept.keys() != cache.keys():
        _save_cache(_cache_path(app), environment, kept)
    domain.set_imports(kept)
