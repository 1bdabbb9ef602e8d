"""The ``incident`` directive (a post-mortem's header) and its metadata panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation

from ..config import INCIDENT_OPTIONS
from ..errors import warn
from ..model import DATE_YEARS, PROJECT_TYPE, IncidentRecord
from ..nodes import incident_panel
from ..settings import Settings
from .base import PostmortemDirective
from .options import OpenOptionSpec

if TYPE_CHECKING:
    from ..domain import PostmortemDomain

_ = get_translation("sphinx_postmortem")


#: ``env.temp_data`` key set while a page is read when its incident's :date: is
#: unusable (invalid or implausible), so time-only timeline entries that needed
#: it do not warn a second time for the same mistake.
UNUSABLE_DATE_KEY = "postmortem_unusable_date"


def default_incident_id(docname: str) -> str:
    """The id of an incident that names none: its document name."""
    return docname.replace("/", "-")


class IncidentDirective(PostmortemDirective):
    """``.. incident:: Title`` with the post-mortem's metadata as options.

    Besides its fixed options (``INCIDENT_OPTIONS``) it takes one per role of
    ``postmortem_roles``; as those differ between projects, any option name is
    read and the unknown ones are warned about (a role no longer configured
    too), so the incident is never lost to a docutils error.
    """

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = OpenOptionSpec.of(INCIDENT_OPTIONS)

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        title = " ".join(self.arguments[0].split()) if self.arguments else ""
        existing = self.domain.incident(docname)
        if existing is not None:
            self.warn(
                f"a page has one incident; {existing['id']!r} is already declared on line "
                f"{existing['lineno']}, so this one is ignored",
                "duplicate_id",
            )
            return [self._container(title, self.parse_body(), docname=None)]

        settings = self.settings
        self.warn_unknown_options((*INCIDENT_OPTIONS, *settings.roles))
        incident_id = self.text_option("id") or default_incident_id(docname)
        types = self._types(settings)
        kind = types[0]
        severity = self.choice_option("severity", settings.severities)
        if severity is None and kind != PROJECT_TYPE and not self.text_option("severity"):
            self.warn(
                "missing :severity: (required unless :type: is project); allowed values: "
                + ", ".join(settings.severities)
            )
        date = self._incident_date()
        target = self.anchor("incident", incident_id)
        body = self.parse_body()
        record = IncidentRecord(
            id=incident_id,
            title=title,
            date=date,
            severity=severity,
            status=self.choice_option("status", settings.statuses, settings.default_status)
            or settings.default_status,
            type=kind,
            types=types,
            authors=self.list_option("authors"),
            services=self.list_option("services"),
            tags=self.list_option("tags"),
            summary="\n\n".join(n.astext() for n in body),
            detected_by=self.choice_option("detected-by", settings.detection_sources),
            roles=self._roles(settings),
            responders=self.list_option("responders"),
            reviewed=self._review_date(date),
            reviewers=self.list_option("reviewers"),
            docname=docname,
            anchor=target["ids"][0],
            lineno=self.lineno,
        )
        self.domain.note_incident(record)
        return [target, self._container(title, body, docname)]

    def _types(self, settings: Settings) -> list[str]:
        """The configured types named by :type: (several allowed), never none.

        Without a usable one, ``incident`` if configured, else the first configured type.
        """
        types = self.choice_list_option("type", settings.types)
        if types:
            return types
        return ["incident" if "incident" in settings.types else settings.types[0]]

    def _roles(self, settings: Settings) -> dict[str, list[str]]:
        """Role -> names, for the configured roles given, in configured order."""
        given = {role: self.list_option(role) for role in settings.roles}
        return {role: names for role, names in given.items() if names}

    def _incident_date(self) -> str | None:
        """The :date: option, or None (with a warning) when missing, invalid or implausible."""
        if not self.text_option("date"):
            self.warn("missing :date: (the ISO date of the incident, e.g. 2024-03-05)")
            return None
        date = self._plausible_date("date")
        if date is None:
            self.env.temp_data[UNUSABLE_DATE_KEY] = True
        return date

    def _review_date(self, incident_date: str | None) -> str | None:
        """The :reviewed: option; a review before the incident is warned about and kept."""
        reviewed = self._plausible_date("reviewed")
        if reviewed and incident_date and reviewed < incident_date:
            warn(
                f"{self.name}: :reviewed: {reviewed!r} is before the incident's "
                f":date: {incident_date!r}",
                "option",
                (self.env.docname, self._option_line("reviewed")),
            )
        return reviewed

    def _plausible_date(self, name: str) -> str | None:
        """Date option ``name``, or None (with a warning) when invalid or implausible."""
        date = self.date_option(name)
        if date is not None and not DATE_YEARS[0] <= int(date[:4]) <= DATE_YEARS[1]:
            warn(
                f"{self.name}: implausible :{name}: {date!r} (expected a year from "
                f"{DATE_YEARS[0]} to {DATE_YEARS[1]}); date ignored",
                "option",
                (self.env.docname, self._option_line(name)),
            )
            date = None
        return date

    def _option_line(self, name: str) -> int:
        """The source line of option ``:name:``, or the directive's line if it cannot be told."""
        for index, line in enumerate(self.block_text.splitlines()):
            if line.strip().startswith(f":{name}:"):
                return self.lineno + index
        return self.lineno

    def _container(
        self, title: str, body: list[nodes.Node], docname: str | None
    ) -> nodes.container:
        """The incident block, in reading order: title, key facts, summary, then the panel.

        Without ``docname`` (a second incident on a page) there are no facts and no panel.
        """
        container = nodes.container(classes=["pm-incident"], incident_lineno=self.lineno)
        heading = nodes.paragraph(classes=["pm-incident-title"])
        heading += nodes.strong(title, title)
        container += heading
        if docname is not None:
            container += incident_panel(docname=docname, part="facts")
        if body:  # no empty block for builders that would print it (text, LaTeX)
            container += nodes.container("", *body, classes=["pm-summary"])
        if docname is not None:
            container += incident_panel(docname=docname, part="details")
        return container


def settle_title(app: Sphinx, doctree: nodes.document) -> None:
    """Settle the incident's title once its page is read, for reStructuredText and MyST alike.

    An incident without a title takes its section's title (or its id, with a
    warning). A title that is its section's title (whitespace and case aside)
    is not written a second time: the incident's title paragraph is removed.
    """
    domain = cast("PostmortemDomain", app.env.get_domain("postmortem"))
    incident = domain.incident(app.env.docname)
    if incident is None:
        return
    container = cast(
        "nodes.container | None",
        next(
            doctree.findall(
                lambda n: (
                    isinstance(n, nodes.container)
                    and n.get("incident_lineno") == incident["lineno"]
                )
            ),
            None,
        ),
    )
    section_title = _section_title(container)
    title = incident["title"]
    if not title:
        if section_title is None:
            warn(
                "incident: no title: give one as the directive argument or put the incident "
                "inside a titled section",
                "option",
                (incident["docname"], incident["lineno"]),
            )
        title = section_title or incident["id"]
        domain.set_incident_title(incident["docname"], title)
    if container is None:
        return
    heading = cast(nodes.Element, container.children[0])
    if section_title is not None and same_title(title, section_title):
        container.remove(heading)
    else:
        heading.children = []
        heading += nodes.strong(title, title)


def same_title(first: str, second: str) -> bool:
    """Whether two titles read the same, whitespace and case aside."""
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _section_title(container: nodes.Element | None) -> str | None:
    """The whitespace-normalised title of the section around ``container``, if any."""
    section = container.parent if container is not None else None
    while section is not None and not isinstance(section, nodes.section):
        section = section.parent
    if section is not None and section.children and isinstance(section[0], nodes.title):
        return " ".join(section[0].astext().split())
    return None
