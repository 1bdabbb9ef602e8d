"""The ``lesson`` directive: a lesson learned, labelled with its kind."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import get_translation

from ..model import LESSON_KINDS, LessonRecord
from ..names import lesson_kind_names
from .base import PostmortemDirective, value_line

_ = get_translation("sphinx_postmortem")

#: Shown for a lesson whose kind is missing or unknown.
FALLBACK_KIND = "went-wrong"


class LessonDirective(PostmortemDirective):
    """``.. lesson:: Title`` with ``:kind:``, ``:tags:`` and ``:services:``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {name: directives.unchanged for name in ("kind", "tags", "services")}

    def run(self) -> list[nodes.Node]:
        title = " ".join(self.arguments[0].split())
        kind = self.choice_option("kind", LESSON_KINDS)
        if kind is None:
            if not self.text_option("kind"):
                self.warn(f"missing :kind:; one of {', '.join(LESSON_KINDS)}")
            kind = FALLBACK_KIND
        target = self.anchor("lesson", title)
        body = self.parse_body()
        record = LessonRecord(
            title=title,
            kind=kind,
            tags=self.list_option("tags"),
            services=self.list_option("services"),
            body="\n\n".join(n.astext() for n in body),
            body_digest="",  # set from the body as read (see incremental/lesson_bodies.py)
            body_cacheable=False,
            docname=self.env.docname,
            anchor=target["ids"][0],
            lineno=self.lineno,
        )
        self.domain.note_lesson(record)
        admonition = render_lesson(record, body)
        self.set_source_info(admonition)  # where checks of its title and tags point
        return [target, admonition]


def render_lesson(record: LessonRecord, body: list[nodes.Node]) -> nodes.admonition:
    """An admonition titled "<kind>: <title>", its body, then its tags and services."""
    kind_name = lesson_kind_names()[record["kind"]]
    heading = f"{kind_name}: {record['title']}"
    admonition = nodes.admonition(classes=["pm-lesson", f"pm-lesson-{record['kind']}"])
    admonition += nodes.title(heading, heading)
    content = nodes.container(classes=["pm-lesson-body"], lesson_anchor=record["anchor"])
    content.extend(body)
    admonition += content
    labels = nodes.container(classes=["pm-lesson-labels"])  # own lines in the text builder
    if record["tags"]:
        labels += value_line(_("Tags:"), record["tags"], "tag")
    if record.get("services"):
        labels += value_line(_("Services:"), record["services"], "service")
    if labels.children:
        admonition += labels
    return admonition
