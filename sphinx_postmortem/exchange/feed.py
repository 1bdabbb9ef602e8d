"""The Atom feed of published post-mortems (``postmortems.atom``).

Written for HTML builds when ``postmortem_feed`` says so (by default: when
``html_baseurl`` is set and the export is on), so that other teams can
subscribe; otherwise a feed left by an earlier build is removed. Entries
are the incidents whose status is ``published`` (or in
``postmortem_feed_statuses``), newest first; each entry's summary ends with
the incident's impact figures and its trigger, as plain text. The output is
deterministic: ``updated`` dates come from the incidents, not from the clock.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any, cast

from sphinx.application import Sphinx
from sphinx.locale import get_translation

from .. import urls
from ..config import conf_location
from ..domain import PostmortemDomain
from ..errors import warn
from ..incremental.files import atomic_write
from ..model import ImpactFigure, IncidentRecord, newest_first
from ..quantities import format_figure
from ..settings import Settings, settings
from ..xmltext import xml_safe
from .export import remove_stale

_ = get_translation("sphinx_postmortem")

FEED_FILENAME = "postmortems.atom"
ATOM = "http://www.w3.org/2005/Atom"

#: What an entry's summary adds after the incident's own: lines such as "Impact: ...".
Facts = Callable[[IncidentRecord], list[str]]


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


def build_feed(
    incidents: list[IncidentRecord],
    base_url: str,
    title: str,
    url_of: Any,
    facts_of: Facts | None = None,
) -> bytes:
    """The Atom document for ``incidents`` (already filtered), newest first.

    ``facts_of(incident)`` gives the lines that end an entry's summary.
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ordered = newest_first(incidents)
    _sub(feed, "id", _join(base_url, FEED_FILENAME))
    _sub(feed, "title", title)
    _sub(feed, "updated", _timestamp(ordered[0]["date"] if ordered else None))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=_join(base_url, FEED_FILENAME))
    _sub(feed, "link", rel="alternate", type="text/html", href=base_url)
    author = _sub(feed, "author")
    _sub(author, "name", title)
    _sub(feed, "generator", "sphinx-postmortem")
    for incident in ordered:
        url = url_of(incident)
        entry = _sub(feed, "entry")
        _sub(entry, "id", url)
        _sub(entry, "title", f"{incident['id']}: {incident['title']}")
        _sub(entry, "updated", _timestamp(incident["date"]))
        if incident["date"]:
            _sub(entry, "published", _timestamp(incident["date"]))
        for name in incident["authors"]:
            _sub(_sub(entry, "author"), "name", name)
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        details = ", ".join(
            filter(None, [incident["severity"], incident["type"], ", ".join(incident["services"])])
        )
        summary = incident["summary"] or incident["title"]
        facts = facts_of(incident) if facts_of else []
        lines = [f"{summary} ({details})" if details else summary, *facts]
        _sub(entry, "summary", "\n\n".join(lines))
        for tag in [*incident["services"], *incident["tags"]]:
            _sub(entry, "category", term=tag)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _figure_line(figure: ImpactFigure) -> str:
    """``Customers affected: 6,214 customers``."""
    return f"{figure['label'] or figure['metric']}: {format_figure(figure)}"


def incident_facts(domain: PostmortemDomain) -> Facts:
    """The impact figures and the trigger of a local incident, one line each (if given)."""

    def facts_of(incident: IncidentRecord) -> list[str]:
        docname = incident["docname"]
        impact = domain.impact(docname)
        figures = [_figure_line(f) for f in impact["figures"]] if impact else []
        triggers = [f["title"] for f in domain.factors(docname) if f["kind"] == "trigger"]
        lines = []
        if figures:
            lines.append(f"{_('Impact')}: {'; '.join(figures)}")
        if triggers:
            lines.append(f"{_('Trigger')}: {'; '.join(triggers)}")
        return lines

    return facts_of


def _join(base_url: str, path: str) -> str:
    return urls.join(base_url, path) or base_url + path


def _base_url(app: Sphinx) -> str:
    return str(app.config.html_baseurl).rstrip("/") + "/"


def _enabled(app: Sphinx) -> bool:
    """A feed needs an absolute ``html_baseurl`` (feed readers need absolute links)."""
    configured = settings(app)
    return (
        configured.feed_enabled
        and app.builder.name in configured.export_builders
        and urls.is_absolute_http(_base_url(app))
    )


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


def write_feed(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: write ``postmortems.atom`` next to the HTML, or remove a stale one."""
    if exception is not None:
        return
    outdir = app.builder.outdir
    configured = settings(app)
    if not configured.feed_enabled:
        remove_stale(outdir, FEED_FILENAME, "no feed is published")
        return
    if not _enabled(app):
        if app.builder.name in configured.export_builders:
            _why_no_feed(app)
            remove_stale(outdir, FEED_FILENAME, "no feed is published")
        return
    domain = cast(PostmortemDomain, app.env.get_domain("postmortem"))
    base_url = _base_url(app)
    statuses = feed_statuses(configured)
    incidents = [i for i in domain.all_incidents() if i["status"] in statuses]

    def url_of(incident: IncidentRecord) -> str:
        page = app.builder.get_target_uri(incident["docname"])
        return _join(base_url, f"{page}#{incident['anchor']}")

    title = f"{configured.project_title} post-mortems"
    data = build_feed(incidents, base_url, title, url_of, incident_facts(domain))
    target = Path(outdir) / FEED_FILENAME
    if not target.exists() or target.read_bytes() != data:
        atomic_write(target, data)


def add_feed_link(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """``html-page-context``: advertise the feed on every page."""
    if not _enabled(app):
        return
    href = _join(_base_url(app), FEED_FILENAME)
    title = f"{settings(app).project_title} post-mortems"
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" type="application/atom+xml" title="{escape(title)}" '
        f'href="{escape(href)}" />'
    )
