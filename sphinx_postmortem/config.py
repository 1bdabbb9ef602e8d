"""The ``postmortem_*`` settings of ``conf.py`` and values derived from them."""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .errors import WarningSubtype, warn
from .model import IMPACT_KINDS, is_project_name
from .times import resolve_zone

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
    # every page links to the feed when it is written: a change rewrites them
    "postmortem_export": (True, "html", (bool,)),
    "postmortem_feed": (None, "html", (bool, type(None))),
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
    "postmortem_id_format": ("INC-{date:%Y}-{seq:03d}", "", (str, dict)),
    "postmortem_related_limit": (5, "html", (int,)),
    "postmortem_stats_years": (10, "html", (int,)),
    "postmortem_feed_statuses": ([], "", (list, tuple)),
    "postmortem_feed_projects": ([], "", (list, tuple)),
    "postmortem_detection_sources": (
        ["alert", "customer", "employee", "external", "test", "unknown"],
        "env",
        (list, tuple),
    ),
    "postmortem_impact_metrics": (
        {
            "customers": ("Customers affected", "customers", "count"),
            "requests": ("Failed requests", "requests", "count"),
            "revenue": ("Revenue lost", "USD", "money"),
            "error-budget": ("Error budget burned", "%", "percent"),
            "data-loss": ("Data lost", "", "bytes"),
        },
        "env",
        (dict,),
    ),
    "postmortem_factor_categories": (
        [
            "change-management",
            "configuration",
            "capacity",
            "dependency",
            "latent-bug",
            "monitoring-gap",
            "process",
            "tooling",
            "communication",
            "environment",
        ],
        "env",
        (list, tuple),
    ),
    "postmortem_roles": (["commander", "communications", "scribe"], "env", (list, tuple)),
    "postmortem_required_fields": ([], "env", (list, tuple)),
    # applied when pages are written: a change rewrites them, nothing is read again
    "postmortem_action_items_compact": (False, "html", (bool,)),
}

#: Options of the ``incident`` directive besides the roles; a role may not take their names.
INCIDENT_OPTIONS = (
    "id",
    "date",
    "severity",
    "status",
    "type",
    "authors",
    "services",
    "tags",
    "detected-by",
    "responders",
    "reviewed",
    "reviewers",
)

#: What ``postmortem_required_fields`` may name besides the roles: directives a
#: checked report must hold, and incident options it must fill in.
REQUIRABLE_FIELDS = ("impact", "factor", "detected-by", "responders", "reviewed", "reviewers")

#: A name usable as an option (impact metric, role): lower case, digits, inner dashes.
_OPTION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def register(app: Sphinx) -> None:
    """Declare every ``postmortem_*`` setting."""
    for name, (default, rebuild, types) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild, types)


def _parse_today(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        return None


def parse_source_date_epoch(value: str | None) -> dt.datetime | None:
    """The UTC moment of a ``SOURCE_DATE_EPOCH`` value, or ``None`` when it is unusable.

    Usable means what reproducible builds specify: a whole number of seconds
    since 1970 (ASCII digits), in the years up to 9999. A value in
    milliseconds lands in the far future and is unusable.
    """
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return dt.datetime.fromtimestamp(int(text), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def source_date_epoch() -> dt.datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names, ``None`` when it is unset or unusable.

    The one reading of the variable: an unusable value, reported by
    :func:`check_config`, is ignored everywhere.
    """
    return parse_source_date_epoch(os.environ.get("SOURCE_DATE_EPOCH"))


def build_date(config: Config | Any) -> str:
    """The ISO date against which due dates are compared.

    ``postmortem_today`` when set, else ``SOURCE_DATE_EPOCH`` (reproducible
    builds), else today's date. Invalid values were reported by
    :func:`check_config` and are ignored here.
    """
    setting = getattr(config, "postmortem_today", None)
    if setting:
        today = _parse_today(setting)
        if today:
            return today
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch.date().isoformat()
    return dt.date.today().isoformat()


def conf_location(confdir: str | Path, *needles: str) -> str:
    """``path/conf.py:line`` of the first line holding one of ``needles`` (in order).

    A line assigning the needle (``name = ...``) wins over one that merely
    mentions it, so ``postmortem_feed`` is not found in ``postmortem_feed_statuses = ...``.
    """
    conf_py = Path(confdir, "conf.py")
    try:
        lines = conf_py.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return f"{conf_py}:1"
    for needle in needles:
        assignment = re.compile(rf"(?<![\w.]){re.escape(needle)}\s*=(?!=)")
        for matches in (assignment.search, lambda line, needle=needle: needle in line):
            for number, line in enumerate(lines, 1):
                if matches(line):
                    return f"{conf_py}:{number}"
    return f"{conf_py}:1"


def id_format_problems(value: Any, types: Sequence[str]) -> list[str]:
    """Why a ``postmortem_id_format`` value cannot be used; empty when it can.

    The value is a pattern, or a mapping from incident type to pattern whose
    ``"*"`` entry serves every type it does not name.
    """
    if isinstance(value, str):
        return _id_pattern_problems("postmortem_id_format", value)
    if not isinstance(value, dict):
        return [
            "postmortem_id_format must be a pattern such as 'INC-{date:%Y}-{seq:03d}' or a "
            f"mapping from incident type to pattern, not a {type(value).__name__}"
        ]
    problems = []
    for kind, pattern in value.items():
        setting = f"postmortem_id_format[{kind!r}]"
        if kind != "*" and kind not in types:
            problems.append(f"{setting}: {kind!r} is not one of postmortem_types")
        problems += _id_pattern_problems(setting, pattern)
    missing = [kind for kind in types if kind not in value]
    if "*" not in value and missing:
        problems.append(
            f"postmortem_id_format has no pattern for {', '.join(map(repr, missing))}; "
            "add them, or a '*' entry for every other type"
        )
    return problems


def _id_pattern_problems(setting: str, pattern: Any) -> list[str]:
    if not isinstance(pattern, str):
        return [f"{setting} must be a pattern string, not a {type(pattern).__name__}"]
    try:
        example = pattern.format(date=dt.date(2024, 3, 5), seq=1)
    except KeyError as exc:
        return [f"{setting} {pattern!r} has an unknown field {exc}; use {{date}} and {{seq}}"]
    except (IndexError, ValueError, TypeError, AttributeError) as exc:
        return [f"{setting} {pattern!r} is not a usable pattern: {exc}"]
    if not example.strip() or example != "".join(example.split()):
        return [f"{setting} {pattern!r} gives ids that are empty or contain spaces"]
    return []


def _config_warning(
    app: Sphinx, setting: str, message: str, *args: Any, subtype: WarningSubtype = "config"
) -> None:
    """Warn about ``setting`` at the line of conf.py that assigns it."""
    text = message % args if args else message
    warn(text, subtype, conf_location(app.confdir, setting))


#: List settings whose items are not plain names; their shape is checked where they are used.
STRUCTURED_LISTS = frozenset({"postmortem_blameless_rules"})

_TYPE_NAMES = {
    bool: "True or False",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    tuple: "a tuple",
    dict: "a dict",
    dt.date: "a datetime.date",
    type(None): "None",
}

#: Numeric settings -> (test of a usable value, what a usable value is).
_NUMBER_RANGES: dict[str, tuple[Any, str]] = {
    "postmortem_timeout": (lambda v: v > 0 and math.isfinite(v), "a positive number of seconds"),
    "postmortem_cache_limit": (math.isfinite, "a finite number of days"),
    "postmortem_import_max_bytes": (lambda v: v > 0, "a positive number of bytes"),
    "postmortem_related_limit": (lambda v: v >= 0, "0 or a positive integer"),
    "postmortem_stats_years": (lambda v: v >= 1, "a positive whole number of years"),
}


def expected_type(name: str) -> str:
    """What the setting ``name`` accepts, in words: ``"a list or a tuple of strings"``."""
    types = CONFIG_VALUES[name][2]
    if float in types:  # "a number" covers the integers
        types = tuple(t for t in types if t is not int)
    words = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
    if list in types and name not in STRUCTURED_LISTS:
        words += " of strings"
    return words


def has_expected_type(name: str, value: Any) -> bool:
    """Whether ``value`` has a type the setting ``name`` accepts (``True`` is no number)."""
    types = CONFIG_VALUES[name][2]
    if isinstance(value, bool) and bool not in types:
        return False
    if not isinstance(value, types):
        return False
    if isinstance(value, (list, tuple)) and name not in STRUCTURED_LISTS:
        return all(isinstance(item, str) for item in value)
    return True


#: Settings whose problems have their own warning subtype (see docs/warnings.rst).
_SUBTYPES: dict[str, WarningSubtype] = {"postmortem_projects": "import"}


def _use_default(app: Sphinx, config: Config, name: str, problem: str) -> None:
    default = CONFIG_VALUES[name][0]
    subtype = _SUBTYPES.get(name, "config")
    _config_warning(
        app, name, "%s %s; using the default %r", name, problem, default, subtype=subtype
    )
    setattr(config, name, copy.deepcopy(default))


def check_types(app: Sphinx, config: Config) -> None:
    """Replace every ``postmortem_*`` value of a wrong type or range by the default, with a warning.

    Runs before Sphinx's own type check (priority 800), which then finds
    nothing to report: a ``-W`` build fails with one located message.
    """
    for name in CONFIG_VALUES:
        value = getattr(config, name)
        if not has_expected_type(name, value):
            _use_default(app, config, name, f"must be {expected_type(name)}, not {value!r:.80}")
        elif name in _NUMBER_RANGES and not _NUMBER_RANGES[name][0](value):
            _use_default(app, config, name, f"must be {_NUMBER_RANGES[name][1]}, not {value!r}")


def check_config(app: Sphinx, config: Config) -> None:
    """Report unusable settings once, at start-up (``config-inited``), and use defaults instead.

    Once it has run, every ``postmortem_*`` value in ``config`` has a usable
    type; :mod:`.settings` turns them into the object the rest of the
    extension reads.
    """
    check_types(app, config)
    for name in (
        "postmortem_severities",
        "postmortem_statuses",
        "postmortem_types",
        "postmortem_action_types",
        "postmortem_priorities",
        "postmortem_detection_sources",
        "postmortem_factor_categories",
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
    if epoch and source_date_epoch() is None:
        warn(
            f"SOURCE_DATE_EPOCH {epoch!r} is not a whole number of seconds since 1970 "
            "(up to the year 9999); ignored",
            "config",
            None,
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
    for problem in id_format_problems(config.postmortem_id_format, config.postmortem_types):
        _config_warning(
            app, "postmortem_id_format", "%s; sphinx-postmortem new cannot use it", problem
        )
    _check_impact_metrics(app, config)
    _check_roles(app, config)
    _check_required_fields(app, config)
    _check_feed_projects(app, config)


def impact_metric_problem(name: Any, value: Any) -> str | None:
    """Why ``name: value`` cannot be an entry of ``postmortem_impact_metrics``; None if it can."""
    if not isinstance(name, str) or not _OPTION_NAME.fullmatch(name):
        return f"{name!r} is not a usable option name (lower case letters, digits and dashes)"
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 3
        or not all(isinstance(part, str) for part in value)
    ):
        return f"{name!r} must map to (label, unit, kind), three strings, not {value!r:.80}"
    if value[2] not in IMPACT_KINDS:
        return f"{name!r} has kind {value[2]!r}; use one of {', '.join(IMPACT_KINDS)}"
    if not value[0].strip():
        return f"{name!r} has an empty label"
    return None


def _check_impact_metrics(app: Sphinx, config: Config) -> None:
    """Drop unusable entries of ``postmortem_impact_metrics``, one warning each."""
    kept = {}
    for name, value in config.postmortem_impact_metrics.items():
        problem = impact_metric_problem(name, value)
        if problem:
            _config_warning(
                app, "postmortem_impact_metrics", "postmortem_impact_metrics: %s; left out", problem
            )
        else:
            kept[name] = (value[0].strip(), value[1].strip(), value[2])
    config.postmortem_impact_metrics = kept


def _check_roles(app: Sphinx, config: Config) -> None:
    """Drop roles that are not option names or clash with the incident's other options."""
    kept: list[str] = []
    for role in config.postmortem_roles:
        if not _OPTION_NAME.fullmatch(role):
            problem = "is not a usable option name (lower case letters, digits and dashes)"
        elif role in INCIDENT_OPTIONS:
            problem = "is already an option of the incident directive"
        elif role in kept:
            continue
        else:
            kept.append(role)
            continue
        _config_warning(app, "postmortem_roles", "postmortem_roles: %r %s; left out", role, problem)
    config.postmortem_roles = kept


def _check_required_fields(app: Sphinx, config: Config) -> None:
    """Drop names in ``postmortem_required_fields`` that name nothing that can be required."""
    allowed = (*REQUIRABLE_FIELDS, *config.postmortem_roles)
    kept = []
    for name in config.postmortem_required_fields:
        if name in allowed:
            kept.append(name)
        else:
            _config_warning(
                app,
                "postmortem_required_fields",
                "postmortem_required_fields: unknown field %r; allowed: %s",
                name,
                ", ".join(allowed),
            )
    config.postmortem_required_fields = kept


def _check_feed_projects(app: Sphinx, config: Config) -> None:
    """Drop names in ``postmortem_feed_projects`` that ``postmortem_projects`` does not import."""
    configured = [name for name in config.postmortem_projects if is_project_name(name)]
    kept: list[str] = []
    for name in config.postmortem_feed_projects:
        if name in configured:
            if name not in kept:
                kept.append(name)
            continue
        _config_warning(
            app,
            "postmortem_feed_projects",
            "postmortem_feed_projects: %r is not a project of postmortem_projects (%s); left out",
            name,
            ", ".join(map(repr, configured)) or "none configured",
        )
    config.postmortem_feed_projects = kept
