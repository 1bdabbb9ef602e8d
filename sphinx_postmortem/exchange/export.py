"""Writing ``postmortems.json``: this project's post-mortems for other projects to import.

The format, schema version 2, is described by ``schema/postmortems.schema.json``
(shipped in the package) and in ``docs/export-format.rst``. Output is deterministic:
records are sorted, keys are sorted, and no build time is written unless
``SOURCE_DATE_EPOCH`` is set (and usable). Text is passed through
:func:`~.xmltext.xml_safe`, so a control character pasted from a terminal
never reaches another project. With ``postmortem_export = False`` nothing is
written and a file left by an earlier build is removed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from sphinx.application import Sphinx
from sphinx.builders import Builder

from ..config import source_date_epoch
from ..domain import PostmortemDomain
from ..errors import logger
from ..files import atomic_write, value_digest, write_or_forget
from ..model import LOCAL_PROJECT, MILESTONES, ActionRecord, FactorRecord, LessonRecord
from ..selection.views import IncidentView, incident_views
from ..settings import settings
from ..version import __version__
from ..xmltext import xml_safe

SCHEMA_VERSION = 2
EXPORT_FILENAME = "postmortems.json"
SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "postmortems.schema.json"


#: The fields of each kind of record that the export carries as they are.
INCIDENT_KEYS = (
    "id",
    "title",
    "date",
    "severity",
    "status",
    "type",
    "types",
    "authors",
    "services",
    "tags",
    "summary",
    "detected_by",
    "roles",
    "responders",
    "reviewed",
    "reviewers",
)
FIGURE_KEYS = ("metric", "label", "unit", "kind", "value", "text")
ACTION_KEYS = (
    "id",
    "title",
    "owner",
    "type",
    "priority",
    "due",
    "status",
    "tracker",
    "tracker_url",
    "tags",
    "services",
    "body",
)
LESSON_KEYS = ("title", "kind", "tags", "services", "body")
FACTOR_KEYS = ("title", "kind", "categories", "body")


def _picked(record: Mapping[str, object], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: record[key] for key in keys}


def _url(builder: Builder, docname: str, anchor: str) -> str:
    return f"{builder.get_target_uri(docname)}#{anchor}"


def _with_origin(
    domain: PostmortemDomain,
    builder: Builder,
    record: ActionRecord | LessonRecord | FactorRecord,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """``fields`` plus the id of the record's incident and the record's URL."""
    incident = domain.incident_of(record)
    fields["incident"] = incident["id"] if incident else None
    fields["url"] = _url(builder, record["docname"], record["anchor"])
    return fields


def _milestones(domain: PostmortemDomain, docname: str, start: str | None) -> list[dict[str, Any]]:
    """The page's milestones in the order of ``MILESTONES``; repeated ones as written."""
    milestones = []
    for entry in domain.timeline(docname):
        if entry["milestone"]:
            offset = None
            if start is not None:
                delta = dt.datetime.fromisoformat(entry["when"]) - dt.datetime.fromisoformat(start)
                offset = int(delta.total_seconds())
            milestones.append(
                {
                    "milestone": entry["milestone"],
                    "time": entry["when"],
                    "offset": offset,
                    "share": entry["share"],
                }
            )
    milestones.sort(key=lambda m: MILESTONES.index(m["milestone"]))
    return milestones


def _incident(domain: PostmortemDomain, builder: Builder, view: IncidentView) -> dict[str, Any]:
    """One incident of the export: its header, impact, metrics and milestones."""
    record = view.record
    docname = record["docname"]
    start = domain.metrics(docname).impact_start
    return {
        **_picked(record, INCIDENT_KEYS),
        "impact": [_picked(figure, FIGURE_KEYS) for figure in view.impact],
        "impact_start": start,
        "metrics": dict(sorted(view.metrics.items())),
        "milestones": _milestones(domain, docname, start),
        "action_items": {"open": view.open_actions, "total": view.total_actions},
        "lessons": view.lessons,
        "url": _url(builder, docname, record["anchor"]),
    }


def _records(
    domain: PostmortemDomain,
    builder: Builder,
    records: list[Any],
    keys: tuple[str, ...],
) -> list[dict[str, Any]]:
    """``keys`` of each record, with its incident's id and its URL."""
    return [_with_origin(domain, builder, record, _picked(record, keys)) for record in records]


def build_payload(domain: PostmortemDomain, builder: Builder) -> dict[str, Any]:
    """The export document for the records in ``domain``, with URLs for ``builder``,
    its text as written (:func:`export_text` drops what XML cannot carry)."""
    incidents = [
        _incident(domain, builder, view) for view in incident_views(domain, [LOCAL_PROJECT])
    ]
    actions = _records(domain, builder, domain.all_actions(), ACTION_KEYS)
    lessons = _records(domain, builder, domain.all_lessons(), LESSON_KEYS)
    factors = _records(domain, builder, domain.all_factors(), FACTOR_KEYS)
    payload: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": "sphinx-postmortem",
        "project": settings(builder).project_title,
        "base_url": builder.config.html_baseurl or None,
        "incidents": sorted(incidents, key=lambda i: (i["id"], i["url"])),
        "action_items": sorted(actions, key=lambda a: (a["id"], a["url"])),
        "lessons": sorted(lessons, key=lambda le: (le["url"], le["title"])),
        "factors": sorted(factors, key=lambda f: (f["url"], f["title"])),
    }
    moment = source_date_epoch()
    if moment is not None:
        payload["generated"] = moment.isoformat().replace("+00:00", "Z")
    return payload


#: A control character as the JSON encoder writes it: ``\u001b``, ``\b``, ``\f``
#: (also found after a backslash of the text itself, which only costs a second look).
_ESCAPED_CONTROL = re.compile(r"\\(?:u00[01][0-9a-fA-F]|[bf])")


def export_text(payload: dict[str, Any]) -> str:
    """The export as text, with :func:`~.xmltext.xml_safe` applied to every string.

    The records are walked string by string only when the text shows a character
    that may have to go: nearly always, the text as first written is the export.
    """
    text = dumps(payload)
    if _ESCAPED_CONTROL.search(text) or xml_safe(text) is not text:
        text = dumps(cast(dict[str, Any], xml_safe_data(payload)))
    return text


def xml_safe_data(value: Any) -> Any:
    """``value`` (JSON-like data) with :func:`~.xmltext.xml_safe` applied to every string."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {xml_safe_data(key): xml_safe_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [xml_safe_data(item) for item in value]
    return value


def remove_stale(outdir: str | Path, filename: str, reason: str) -> None:
    """Delete ``filename`` left in ``outdir`` by an earlier build; ``reason`` says why."""
    stale = Path(outdir) / filename
    if stale.is_file():
        stale.unlink()
        logger.info("removed %s from an earlier build: %s", stale, reason)


def dumps(payload: dict[str, Any]) -> str:
    """The export as text: keys sorted, one record per line.

    Small diffs between builds, and the standard library's fast encoder
    (which indented output would not use) for the thousands of records.
    """

    def compact(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    fields = []
    for key in sorted(payload):
        value = payload[key]
        if isinstance(value, list) and value:
            records = ",\n".join(f"  {compact(record)}" for record in value)
            fields.append(f" {compact(key)}: [\n{records}\n ]")
        else:
            fields.append(f" {compact(key)}: {compact(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def _inputs_digest(domain: PostmortemDomain, builder: Builder) -> str | None:
    """A digest of everything the export shows (see the module's docstring), or None
    for a builder without a configuration hash."""
    config_hash = getattr(getattr(builder, "build_info", None), "config_hash", "")
    if not config_hash:
        return None
    moment = source_date_epoch()
    return value_digest(
        (
            SCHEMA_VERSION,
            __version__,
            builder.name,
            config_hash,
            settings(builder).project_title,
            builder.config.html_baseurl,
            moment.isoformat() if moment is not None else None,
            domain.page_digests(),
        )
    )


def _key_path(builder: Builder) -> Path:
    return Path(builder.env.doctreedir) / f"postmortem-export-{builder.name}.key"


def _unchanged(key: Path, inputs: str | None, target: Path) -> bool:
    """Whether ``target`` is the export of ``inputs``, as remembered in ``key``."""
    try:
        return inputs is not None and target.is_file() and key.read_text() == inputs
    except (OSError, ValueError):  # missing or damaged: build the export
        return False


def write_export(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: write ``postmortems.json`` next to the HTML, unless the one
    there was made from the same records and settings."""
    if exception is not None:
        return
    builder = app.builder
    configured = settings(app)
    if not configured.export:
        remove_stale(builder.outdir, EXPORT_FILENAME, "postmortem_export is False")
        return
    if builder.name not in configured.export_builders:
        return
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    target = Path(builder.outdir) / EXPORT_FILENAME
    key, inputs = _key_path(builder), _inputs_digest(domain, builder)
    if _unchanged(key, inputs, target):
        return
    text = export_text(build_payload(domain, builder))
    if not (target.exists() and target.read_text(encoding="utf-8") == text):
        atomic_write(target, text.encode("utf-8"))
        logger.info("post-mortem export written to %s", target)
    if inputs is not None:
        write_or_forget(key, inputs.encode("utf-8"))  # or the next build makes it again
