"""The ``postmortem_*`` settings of ``conf.py`` and values derived from them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .errors import logger
from .timeline_parser import resolve_zone

#: name -> (default, rebuild, types)
CONFIG_VALUES: dict[str, tuple[Any, Any, tuple[type, ...]]] = {
    "postmortem_severities": (["SEV1", "SEV2", "SEV3", "SEV4"], "env", (list, tuple)),
    "postmortem_statuses": (["draft", "in-review", "published"], "env", (list, tuple)),
    "postmortem_types": (
        ["incident", "outage", "security", "data-loss", "project"],
        "env",
        (list, tuple),
    ),
    "postmortem_timezone": ("UTC", "env", (str,)),
    "postmortem_action_types": (["mitigate", "prevent", "detect", "process"], "env", (list, tuple)),
    "postmortem_priorities": (["P0", "P1", "P2", "P3"], "env", (list, tuple)),
    "postmortem_tracker_url": (None, "env", (str, type(None))),
    "postmortem_today": (None, "html", (str, dt.date, type(None))),
    "postmortem_project_name": (None, "html", (str, type(None))),
    "postmortem_export": (True, "", (bool,)),
    "postmortem_projects": ({}, "html", (dict,)),
    "postmortem_timeout": (10, "", (int, float)),
    "postmortem_cache_limit": (5, "", (int, float)),
    "postmortem_import_max_bytes": (16 * 1024 * 1024, "", (int,)),
    "postmortem_required_sections": (
        ["Summary", "Impact", "Timeline", "Root cause", "Action items", "Lessons learned"],
        "env",
        (list, tuple),
    ),
    "postmortem_project_required_sections": (
        ["Summary", "Action items", "Lessons learned"],
        "env",
        (list, tuple),
    ),
    "postmortem_completeness_check": (True, "env", (bool,)),
    "postmortem_checked_statuses": (["in-review", "published"], "env", (list, tuple)),
    "postmortem_blameless_check": (True, "env", (bool,)),
    "postmortem_blameless_rules": (None, "env", (list, tuple, type(None))),
    "postmortem_blameless_allow": ([], "env", (list, tuple)),
    "postmortem_people": ([], "env", (list, tuple)),
    "postmortem_id_format": ("INC-{date:%Y}-{seq:03d}", "", (str,)),
    "postmortem_related_limit": (5, "html", (int,)),
    "postmortem_feed_statuses": ([], "", (list, tuple)),
}


def register(app: Sphinx) -> None:
    """Declare every ``postmortem_*`` setting."""
    for name, (default, rebuild, types) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild, types)


def default_status(config: Config) -> str:
    """``draft`` when configured, else the first configured status."""
    statuses = list(config.postmortem_statuses)
    return "draft" if "draft" in statuses else statuses[0]


def _parse_today(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        return None


def _parse_epoch(value: str) -> str | None:
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date().isoformat()
    except (ValueError, OverflowError, OSError):
        return None


def build_date(config: Config) -> str:
    """The ISO date against which due dates are compared.

    ``postmortem_today`` when set, else ``SOURCE_DATE_EPOCH`` (reproducible
    builds), else today's date. Invalid values were reported by
    :func:`check_config` and are ignored here.
    """
    if config.postmortem_today:
        today = _parse_today(config.postmortem_today)
        if today:
            return today
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and _parse_epoch(epoch):
        return _parse_epoch(epoch)  # type: ignore[return-value]
    return dt.date.today().isoformat()


def conf_location(confdir: str | Path, *needles: str) -> str:
    """``path/conf.py:line`` of the first line holding one of ``needles`` (in order)."""
    conf_py = Path(confdir, "conf.py")
    try:
        lines = conf_py.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return f"{conf_py}:1"
    for needle in needles:
        for number, line in enumerate(lines, 1):
            if needle in line:
                return f"{conf_py}:{number}"
    return f"{conf_py}:1"


def _config_warning(app: Sphinx, setting: str, message: str, *args: Any) -> None:
    logger.warning(
        message,
        *args,
        type="postmortem",
        subtype="config",
        location=conf_location(app.confdir, setting),
    )


def check_config(app: Sphinx, config: Config) -> None:
    """Report unusable settings once, at start-up (``config-inited``)."""
    for name in (
        "postmortem_severities",
        "postmortem_statuses",
        "postmortem_types",
        "postmortem_action_types",
        "postmortem_priorities",
    ):
        values = getattr(config, name)
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            _config_warning(
                app, name, "%s must be a non-empty list of names; using the default", name
            )
            setattr(config, name, list(CONFIG_VALUES[name][0]))
    if config.postmortem_today and not _parse_today(config.postmortem_today):
        _config_warning(
            app,
            "postmortem_today",
            "postmortem_today %r is not an ISO date; using today's date",
            config.postmortem_today,
        )
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and not _parse_epoch(epoch):
        logger.warning(
            "SOURCE_DATE_EPOCH %r is not a number of seconds; ignored",
            epoch,
            type="postmortem",
            subtype="config",
        )
    url = config.postmortem_tracker_url
    if url and ("{key}" not in url or not url.lower().startswith(("http://", "https://"))):
        _config_warning(
            app,
            "postmortem_tracker_url",
            "postmortem_tracker_url %r must be an http(s) URL containing {key}; "
            "tracker keys will not be linked",
            url,
        )
        config.postmortem_tracker_url = None
    try:
        resolve_zone(config.postmortem_timezone)
    except ValueError as exc:
        _config_warning(app, "postmortem_timezone", "postmortem_timezone: %s; using UTC", exc)
        config.postmortem_timezone = "UTC"
