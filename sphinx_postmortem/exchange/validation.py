"""Validating one imported export file, and the form its sections are kept in.

:func:`validate_payload` parses the JSON and checks every record against the
tables of :mod:`.fields`; a record that does not match is skipped with one
problem reported, a file that is not an export at all is refused. Schema
versions 1 and 2 are read: a version-1 file has no ``factors`` section and
its records lack the fields version 2 added (empty lists and nulls instead).
Links are joined to the project's base URL and must be http(s) or relative
(:func:`safe_link`). :func:`encode_payload` keeps each validated section as
compact JSON text, which the domain decodes when a build first needs it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from typing import Any

from .. import urls
from ..errors import PostmortemError
from ..xmltext import xml_safe
from .export import SCHEMA_VERSION
from .fields import (
    ACTION_FIELDS,
    FACTOR_FIELDS,
    INCIDENT_FIELDS,
    LESSON_FIELDS,
    LINE_MAX,
    clean,
    line,
)

#: Bumped whenever validation changes what is kept, so that cached copies are re-validated.
VALIDATION_VERSION = 3

#: The schema versions this version reads (it writes :data:`~.export.SCHEMA_VERSION`).
READABLE_VERSIONS = (1, SCHEMA_VERSION)

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
    first = fields["type"]
    fields["types"] = [first, *(kind for kind in fields["types"] if kind != first)]
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


def _factor(entry: Mapping[str, Any], name: str, base_url: str) -> dict[str, Any]:
    return {**clean(entry, FACTOR_FIELDS), **_imported(name, base_url, entry)}


_SECTIONS = {
    "incidents": _incident,
    "action_items": _action,
    "lessons": _lesson,
    "factors": _factor,
}

#: The sections a file of each schema version must have (version 1 has no factors).
_REQUIRED_SECTIONS = {
    1: ("incidents", "action_items", "lessons"),
    SCHEMA_VERSION: tuple(_SECTIONS),
}


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


def _version(version: Any) -> int:
    """The file's ``schema_version``, if this version reads it."""
    if not isinstance(version, bool) and version in READABLE_VERSIONS:
        return int(version)
    shown = version if isinstance(version, (int, str, type(None))) else type(version).__name__
    readable = " and ".join(map(str, READABLE_VERSIONS))
    raise PostmortemError(
        f"unknown schema_version {str(shown)[:40]!r} (this version reads {readable})"
    )


def validate_payload(raw: bytes, name: str, base_url: str) -> tuple[dict[str, Any], list[str]]:
    """Parse and validate one export file.

    Raises :class:`PostmortemError` when the whole file is unusable; returns
    the cleaned data and one problem per skipped entry otherwise.
    """
    data = _parse_json(raw)
    if not isinstance(data, dict):
        raise PostmortemError("not a post-mortem export (the top level is not an object)")
    version = _version(data.get("schema_version"))
    try:
        project = line(required=True)(data.get("project"))
    except ValueError as exc:
        raise PostmortemError(f"does not match the schema: 'project' {exc}") from None
    for section in _REQUIRED_SECTIONS[version]:
        if not isinstance(data.get(section), list):
            raise PostmortemError(f"does not match the schema: {section!r} must be a list")
    cleaned: dict[str, Any] = {"project": project}
    problems = []
    for section, check in _SECTIONS.items():
        kept = []
        entries = data[section] if section in _REQUIRED_SECTIONS[version] else []
        for number, entry in enumerate(entries, 1):
            try:
                if not isinstance(entry, dict):
                    raise PostmortemError("not an object")
                kept.append(check(entry, name, base_url))
            except PostmortemError as exc:
                problems.append(f"{section} entry {number} skipped{_label(entry)}: {exc}")
        cleaned[section] = kept
    return cleaned, problems


def encode_payload(raw: bytes, name: str, base_url: str) -> tuple[dict[str, Any], list[str]]:
    """Validate one export file; its sections as compact JSON, as the cache keeps them.

    Kept as JSON text rather than as records, the cache and the environment
    pickle and unpickle in a moment, and each build decodes only the
    sections it shows. Raises :class:`PostmortemError` as
    :func:`validate_payload` does.
    """
    data, problems = validate_payload(raw, name, base_url)
    sections = {
        section: json.dumps(data[section], ensure_ascii=False, separators=(",", ":"))
        for section in _SECTIONS
    }
    return {"project": data["project"], "sections": sections}, problems
