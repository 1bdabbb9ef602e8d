"""The ``postmortem_*`` settings as one typed, frozen object, built once per build.

:func:`~.config.check_config` cleans the values Sphinx holds (``app.config``)
at ``config-inited``; :func:`store_settings` then turns them into a
:class:`Settings` object, with the values several modules derive from them
(the project name, the build date, the default status...). Everything else
reads :func:`settings` instead of ``app.config.postmortem_*``.

The object is kept on the :class:`~sphinx.config.Config` under a private name:
Sphinx leaves names starting with ``_`` out when it pickles the configuration
with the environment, so an incremental build never sees the object of an
earlier run (a changed ``conf.py`` gives a new one), and parallel workers,
forked from the main process, inherit the one of the current run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from . import urls
from .config import CONFIG_VALUES, build_date
from .model import LOCAL_PROJECT, is_project_name

#: The builders that write ``postmortems.json``, the feed and the HTML memo.
EXPORT_BUILDERS = ("html", "dirhtml")

#: The Atom feed, at the root of the output (see ``exchange/feed.py``).
FEED_FILENAME = "postmortems.atom"

_ATTRIBUTE = "_postmortem_settings"


@dataclass(frozen=True)
class Settings:
    """Every ``postmortem_*`` setting (without the prefix), cleaned, plus derived values."""

    severities: tuple[str, ...]
    statuses: tuple[str, ...]
    types: tuple[str, ...]
    timezone: str
    action_types: tuple[str, ...]
    priorities: tuple[str, ...]
    tracker_url: str | None
    today: str | dt.date | None
    project_name: str | None
    export: bool
    feed: bool | None
    projects: Mapping[str, Any]
    timeout: float
    cache_limit: float
    import_max_bytes: int
    required_sections: tuple[str, ...]
    project_required_sections: tuple[str, ...]
    completeness_check: bool
    checked_statuses: tuple[str, ...]
    blameless_check: bool
    #: ``None`` for the built-in rules; items are checked when the rules are compiled.
    blameless_rules: tuple[Any, ...] | None
    blameless_allow: tuple[str, ...]
    people: tuple[str, ...]
    id_format: str | Mapping[str, str]
    related_limit: int
    stats_years: int
    feed_statuses: tuple[str, ...]
    #: Imported projects whose published post-mortems the feed lists too.
    feed_projects: tuple[str, ...]
    detection_sources: tuple[str, ...]
    #: metric (option name) -> (label, unit, kind), cleaned by config.check_config.
    impact_metrics: Mapping[str, tuple[str, str, str]]
    factor_categories: tuple[str, ...]
    roles: tuple[str, ...]
    required_fields: tuple[str, ...]
    #: Each run of adjacent action items on a page shown as one table.
    action_items_compact: bool

    # -- derived values --
    #: This project's name in the export, the feed and roll-ups:
    #: ``postmortem_project_name``, else ``project``.
    project_title: str
    #: The ISO date due dates are compared with (see :func:`~.config.build_date`).
    build_date: str
    #: The status of an incident that gives none.
    default_status: str
    #: The names of the imported projects configured in ``postmortem_projects``.
    imported_projects: tuple[str, ...]
    #: Whether the Atom feed is written (``postmortem_feed``, else when there is
    #: an ``html_baseurl`` and the export is on).
    feed_enabled: bool
    export_builders: tuple[str, ...] = EXPORT_BUILDERS

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        """The settings held by ``config``; a value it lacks is the default."""
        raw = {
            name.removeprefix("postmortem_"): getattr(config, name, default)
            for name, (default, _rebuild, _types) in CONFIG_VALUES.items()
        }
        values: dict[str, Any] = {
            name: tuple(value) if isinstance(value, (list, tuple)) else value
            for name, value in raw.items()
        }
        projects = values["projects"] if isinstance(values["projects"], Mapping) else {}
        statuses = values["statuses"]
        return cls(
            **values,
            project_title=str(
                values["project_name"] or getattr(config, "project", None) or LOCAL_PROJECT
            ),
            build_date=build_date(config),
            default_status="draft" if "draft" in statuses or not statuses else statuses[0],
            imported_projects=tuple(name for name in projects if is_project_name(name)),
            feed_enabled=_feed_enabled(
                values["feed"], getattr(config, "html_baseurl", ""), values["export"]
            ),
        )


def _feed_enabled(feed: bool | None, html_baseurl: str, export: bool) -> bool:
    if feed is None:
        return bool(html_baseurl) and bool(export)
    return bool(feed)


def feed_published(builder: Any) -> bool:
    """Whether ``builder`` writes the Atom feed.

    The feed is on, the builder is one of the HTML builders that publish, and
    ``html_baseurl`` is an absolute http(s) URL (feed readers need absolute links).
    """
    configured = settings(builder)
    base_url = str(getattr(builder.config, "html_baseurl", "") or "")
    return (
        configured.feed_enabled
        and builder.name in configured.export_builders
        and urls.is_absolute_http(base_url)
    )


def store_settings(app: Sphinx, config: Config) -> None:
    """``config-inited``, after :func:`~.config.check_config`: build this run's settings."""
    setattr(config, _ATTRIBUTE, Settings.from_config(config))


def settings(source: Any) -> Settings:
    """The settings of a Sphinx application, environment, builder or configuration.

    Built by :func:`store_settings`; built here (and kept) when asked for
    earlier. A plain object with ``postmortem_*`` attributes is read afresh.
    """
    if isinstance(source, Settings):
        return source
    config = source.config if isinstance(getattr(source, "config", None), Config) else source
    stored = getattr(config, _ATTRIBUTE, None) if isinstance(config, Config) else None
    if isinstance(stored, Settings):
        return stored
    built = Settings.from_config(config)
    if isinstance(config, Config):
        setattr(config, _ATTRIBUTE, built)
    return built
