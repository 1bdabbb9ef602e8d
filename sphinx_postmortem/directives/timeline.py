"""The ``timeline`` directive: timestamped events (an ordered list in HTML, a table elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import get_translation

from ..errors import warn
from ..model import IncidentRecord, TimelineEntry
from ..nodes import timeline_block
from ..times import APPROXIMATE_SIGN, entry_precision, format_clock, resolve_zone
from .base import PostmortemDirective
from .incident import UNUSABLE_DATE_KEY
from .timeline_parser import parse_lines

if TYPE_CHECKING:
    pass

_ = get_translation("sphinx_postmortem")


class TimelineDirective(PostmortemDirective):
    """``.. timeline::`` whose content lines are ``HH:MM [milestone] what happened``."""

    has_content = True
    option_spec = {"timezone": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        default_zone = self.settings.timezone
        zone = self.text_option("timezone") or default_zone
        previous = self.domain.timeline(docname)
        incident = self.domain.incident(docname)
        try:
            resolve_zone(zone)
        except ValueError as exc:
            self.warn(f":timezone: {exc}; using {default_zone}", "timeline")
            zone = default_zone
        result = parse_lines(
            enumerate(self.content.data),
            zone,
            previous=previous[-1] if previous else None,
            fallback_date=self._incident_date(incident),
            seen_milestones=[e["milestone"] for e in previous if e["milestone"]],
            earlier_steps=previous,
        )
        for problem in result.problems:
            warn(f"timeline: {problem.message}", "timeline", self._location(problem.lineno))
        if not self.content:
            self.warn("no entries", "timeline")
        for entry in result.entries:
            entry["lineno"] = self._source_line(entry["lineno"])
        block = self._block(docname, result.entries)  # settles each entry's text first
        self.domain.note_timeline(docname, result.entries)
        return [block]

    def _incident_date(self, incident: IncidentRecord | None) -> str | None:
        """The incident's date for time-only entries; ``""`` when its :date: is unusable.

        An unusable :date: has its own warning (see ``IncidentDirective``), so
        the entries that would need it are skipped without another one.
        """
        if incident is None:
            return None
        if incident["date"] is None and self.env.temp_data.get(UNUSABLE_DATE_KEY):
            return ""
        return incident["date"]

    def _source_line(self, index: int) -> int:
        """The line number in the source file of content line ``index``.

        Docutils gives content offsets in the file; MyST gives them from the
        start of the directive's body (and says where the body starts).
        """
        offset = self.content.offset(index)
        if self.content.offset(0) < self.lineno:  # a MyST body: offsets from its start
            return self.lineno + self.content_offset + offset + 1
        return offset + 1

    def _location(self, index: int) -> str:
        return f"{self.content.source(index)}:{self._source_line(index)}"

    def _block(self, docname: str, entries: list[TimelineEntry]) -> timeline_block:
        """The timeline as read: one paragraph per entry, holding its event text.

        Each paragraph carries what its entry shows besides the text (the time
        as written, the moment, precision, milestone and its share); the list (HTML) or
        table (other builders) is built from them once, when the page is
        written (:func:`build_timeline`).
        """
        block = timeline_block(docname=docname)
        source = self.get_source_info()[0]
        shown_date = shown_zone = None
        for entry in entries:
            time_text, shown_date, shown_zone = _time_text(entry, shown_date, shown_zone)
            description, _messages = self.state.inline_text(entry["text"], entry["lineno"])
            entry["text"] = "".join(node.astext() for node in description)
            event = nodes.paragraph(
                "",
                "",
                *description,
                pm_time=time_text,
                pm_when=entry["when"],
                pm_precision=entry_precision(entry),
                pm_approximate=bool(entry.get("approximate")),
                pm_milestone=entry["milestone"] or "",
            )
            if entry["share"] is not None:
                event["pm_share"] = entry["share"]
            event.source, event.line = source, entry["lineno"]
            block += event
        return block


def _time_text(
    entry: TimelineEntry, shown_date: str | None, shown_zone: str | None
) -> tuple[str, str, str | None]:
    """The Time cell of an entry, and the date and zone a reader now has in mind.

    The date is written when it changes, the zone when the date or zone
    changes; a date-only entry is its date, an approximate one starts with ``≈``.
    """
    moment = dt.datetime.fromisoformat(entry["when"])
    date = moment.date().isoformat()
    zone: str | None = entry["zone"]
    precision = entry_precision(entry)
    if precision == "day":  # no zone shown: the next timed entry names it
        text, zone = date, shown_zone if date == shown_date else None
    else:
        text = format_clock(moment, precision)
        if date != shown_date:
            text = f"{date} {text}"
        if zone != shown_zone or date != shown_date:
            text = f"{text} {zone}"
    if entry.get("approximate"):
        text = APPROXIMATE_SIGN + text
    return text, date, zone
