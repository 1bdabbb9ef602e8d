"""The Atom feed of published post-mortems (``postmortems.atom``).

Written for HTML builds when ``postmortem_feed`` says so (by default: when
``html_baseurl`` is set and the export is on), so that other teams can
subscribe; otherwise a feed left by an earlier build is removed. Entries
are the incidents whose status is ``published`` (or in
``postmortem_feed_statuses``), this project's and those of the imported
projects named in ``postmortem_feed_projects``, newest first; each entry's
summary ends with the incident's impact figures and its trigger, as plain
text.

An entry is ``updated`` at its incident's date until what it shows changes;
then at the build date. What each entry showed is remembered between builds
(:mod:`~sphinx_postmortem.incremental.feed_memory` states the contract), so
the output stays deterministic: times are dates (or ``SOURCE_DATE_EPOCH``),
never the time of day a build ran.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin

from sphinx.application import Sphinx
from sphinx.locale import get_translation

from .. import urls
from ..config import conf_location, source_date_epoch
from ..domain import PostmortemDomain
from ..errors import warn
from ..files import atomic_write, value_digest
from ..incremental.feed_memory import (
    TIME_FORMAT,
    Seen,
    load_memory,
    memory_path,
    save_memory,
    updated_times,
)
from ..model import ImpactFigure, IncidentRecord, newest_first
from ..quantities import format_figure
from ..settings import FEED_FILENAME, Settings, feed_published, settings
from ..xmltext import xml_safe
from .export import remove_stale

_ = get_translation("sphinx_postmortem")

ATOM = "http://www.w3.org/2005/Atom"

#: What an entry's summary adds after the incident's own: lines such as "Impact: ...".
Facts = Callable[[IncidentRecord], list[str]]


@dataclass(frozen=True)
class Entry:
    """Everything one entry of the feed shows, but its ``updated`` time."""

    url: str
    title: str
    date: str | None
    authors: tuple[str, ...]
    summary: str
    categories: tuple[str, ...]

    @property
    def published(self) -> str:
        return _timestamp(self.date)

    @property
    def digest(self) -> str:
        return value_digest(self)


def feed_statuses(configured: Settings) -> set[str]:
    """The statuses the feed lists: ``published`` and ``postmortem_feed_statuses``."""
    return {"published", *configured.feed_statuses}


def _timestamp(date: str | None) -> str:
    return f"{date or '1970-01-01'}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    safe = {name: xml_safe(value) for name, value in attributes.items()}
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", safe)
    if text is not None:
        element.text = xml_safe(text)
    return element


def entry_of(incident: IncidentRecord, url: str, facts: list[str]) -> Entry:
    """The entry of ``incident``, linking to ``url``; ``facts`` end its summary."""
    details = ", ".join(
        filter(None, [incident["severity"], incident["type"], ", ".join(incident["services"])])
    )
    summary = incident["summary"] or incident["title"]
    lines = [f"{summary} ({details})" if details else summary, *facts]
    title = f"{incident['id']}: {incident['title']}"
    project = incident.get("project")
    return Entry(
        url=url,
        title=f"{project} \N{MIDDLE DOT} {title}" if project else title,
        date=incident["date"],
        authors=tuple(incident["authors"]),
        summary="\n\n".join(lines),
        categories=tuple([*incident["services"], *incident["tags"]]),
    )


def build_feed(
    entries: list[Entry], base_url: str, title: str, updated: Mapping[str, str] | None = None
) -> bytes:
    """The Atom document listing ``entries`` in their order.

    ``updated`` maps an entry's URL to its ``updated`` time; an entry it
    does not name is updated at its own date.
    """
    times = {e.url: (updated or {}).get(e.url, e.published) for e in entries}
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", _join(base_url, FEED_FILENAME))
    _sub(feed, "title", title)
    _sub(feed, "updated", max(times.values(), default=_timestamp(None)))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=_join(base_url, FEED_FILENAME))
    _sub(feed, "link", rel="alternate", type="text/html", href=base_url)
    author = _sub(feed, "author")
    _sub(author, "name", title)
    _sub(feed, "generator", "sphinx-postmortem")
    for entry in entries:
        element = _sub(feed, "entry")
        _sub(element, "id", entry.url)
        _sub(element, "title", entry.title)
        _sub(element, "updated", times[entry.url])
        if entry.date:
            _sub(element, "published", entry.published)
        for name in entry.authors:
            _sub(_sub(element, "author"), "name", name)
        _sub(element, "link", rel="alternate", type="text/html", href=entry.url)
        _sub(element, "summary", entry.summary)
        for tag in entry.categories:
            _sub(element, "category", term=tag)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _figure_line(figure: ImpactFigure) -> str:
    """``Customers affected: 6,214 customers``."""
    return f"{figure['label'] or figure['metric']}: {format_figure(figure)}"


def _fact_lines(figures: Iterable[ImpactFigure], triggers: list[str]) -> list[str]:
    lines = []
    shown = [_figure_line(f) for f in figures]
    if shown:
        lines.append(f"{_('Impact')}: {'; '.join(shown)}")
    if triggers:
        lines.append(f"{_('Trigger')}: {'; '.join(triggers)}")
    return lines


def incident_facts(domain: PostmortemDomain) -> Facts:
    """The impact figures and the trigger of an incident, local or imported, one line each."""

    def imported_triggers() -> dict[tuple[str, str], list[str]]:
        triggers: dict[tuple[str, str], list[str]] = {}
        for factor in domain.imported("factors"):
            if factor["kind"] == "trigger":
                key = (factor["project"], factor.get("incident") or "")
                triggers.setdefault(key, []).append(factor["title"])
        return triggers

    def facts_of(incident: IncidentRecord) -> list[str]:
        project = incident.get("project")
        if project:
            by_incident = domain.derived("feed_imported_triggers", imported_triggers)
            figures = cast(list[ImpactFigure], incident.get("impact") or [])
            return _fact_lines(figures, by_incident.get((project, incident["id"]), []))
        docname = incident["docname"]
        impact = domain.impact(docname)
        triggers = [f["title"] for f in domain.factors(docname) if f["kind"] == "trigger"]
        return _fact_lines(impact["figures"] if impact else [], triggers)

    return facts_of


def _join(base_url: str, path: str) -> str:
    return urls.join(base_url, path) or base_url + path


def _absolute(base_url: str, url: str) -> str:
    """``url`` (absolute, or relative to this site, as imports allow) made absolute."""
    try:
        return urljoin(base_url, url)
    except ValueError:  # malformed: imports refuse such links, so this is only a safeguard
        return base_url


def _base_url(app: Sphinx) -> str:
    return str(app.config.html_baseurl).rstrip("/") + "/"


def _why_no_feed(app: Sphinx) -> None:
    """Warn that a wanted feed cannot be written for lack of a usable ``html_baseurl``."""
    if app.config.html_baseurl:
        message = (
            f"html_baseurl {app.config.html_baseurl!r} is not an absolute http(s) URL; "
            "no Atom feed written"
        )
        warn(message, "config", conf_location(app.confdir, "html_baseurl"))
    else:
        message = "postmortem_feed is True but html_baseurl is not set; no Atom feed written"
        warn(message, "config", conf_location(app.confdir, "postmortem_feed"))


def feed_entries(app: Sphinx, base_url: str) -> list[Entry]:
    """The entries of this build's feed, newest first: local and imported incidents."""
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    configured = settings(app)
    statuses = feed_statuses(configured)
    local = [i for i in domain.all_incidents() if i["status"] in statuses]
    imported = [
        i for i in domain.imported("incidents", configured.feed_projects) if i["status"] in statuses
    ]
    facts_of = incident_facts(domain)

    def url_of(incident: IncidentRecord) -> str:
        if incident.get("project"):  # http(s) or relative to this site (checked when imported)
            return _absolute(base_url, incident.get("url") or "")
        page = app.builder.get_target_uri(incident["docname"])
        return _join(base_url, f"{page}#{incident['anchor']}")

    entries: dict[str, Entry] = {}  # by URL: two projects imported from one site list it once
    for incident in newest_first([*local, *imported]):
        url = url_of(incident)
        entries.setdefault(url, entry_of(incident, url, facts_of(incident)))
    return list(entries.values())


def build_moment(configured: Settings) -> str:
    """When this build happens, as a feed time (never the time of day it runs).

    The exact ``SOURCE_DATE_EPOCH`` when it gives the build date, else the
    build date at midnight UTC.
    """
    epoch = source_date_epoch()
    if epoch is not None and epoch.date().isoformat() == configured.build_date:
        return epoch.strftime(TIME_FORMAT)
    return _timestamp(configured.build_date)


def write_feed(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: write ``postmortems.atom`` next to the HTML, or remove a stale one.

    Then remember what each entry showed, for the next build's ``updated`` times.
    """
    if exception is not None:
        return
    outdir = app.builder.outdir
    configured = settings(app)
    if not configured.feed_enabled:
        remove_stale(outdir, FEED_FILENAME, "no feed is published")
        return
    if not feed_published(app.builder):
        if app.builder.name in configured.export_builders:
            _why_no_feed(app)
            remove_stale(outdir, FEED_FILENAME, "no feed is published")
        return
    base_url = _base_url(app)
    entries = feed_entries(app, base_url)
    path = memory_path(app.doctreedir, app.builder.name)
    remembered = load_memory(path)
    current = {entry.url: Seen(entry.digest, entry.published) for entry in entries}
    memory = updated_times(current, remembered, build_moment(configured))
    updated = {url: seen.updated for url, seen in memory.items()}
    title = f"{configured.project_title} post-mortems"
    data = build_feed(entries, base_url, title, updated)
    target = Path(outdir) / FEED_FILENAME
    if not target.exists() or target.read_bytes() != data:
        atomic_write(target, data)
    save_memory(path, memory, remembered)


def add_feed_link(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """``html-page-context``: advertise the feed on every page."""
    if not feed_published(app.builder):
        return
    href = _join(_base_url(app), FEED_FILENAME)
    title = f"{settings(app).project_title} post-mortems"
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" type="application/atom+xml" title="{escape(title)}" '
        f'href="{escape(href)}" />'
    )
