"""The ``factor`` directive: a trigger, root cause, contributing factor or mitigator."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import get_translation

from ..elements import label
from ..model import DEFAULT_FACTOR_KIND, FACTOR_KINDS, FactorRecord
from ..names import factor_kind_names
from .base import PostmortemDirective

_ = get_translation("sphinx_postmortem")


class FactorDirective(PostmortemDirective):
    """``.. factor:: Title`` with ``:kind:`` (default contributing) and ``:category:``.

    ``:category:`` takes one or more of ``postmortem_factor_categories``,
    comma-separated; unknown ones are warned about and dropped.
    """

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {name: directives.unchanged for name in ("kind", "category")}

    def run(self) -> list[nodes.Node]:
        title = " ".join(self.arguments[0].split())
        kind = self.choice_option("kind", FACTOR_KINDS, DEFAULT_FACTOR_KIND) or DEFAULT_FACTOR_KIND
        categories = self.choice_list_option("category", self.settings.factor_categories)
        target = self.anchor("factor", title)
        body = self.parse_body()
        record = FactorRecord(
            title=title,
            kind=kind,
            categories=categories,
            body="\n\n".join(n.astext() for n in body),
            docname=self.env.docname,
            anchor=target["ids"][0],
            lineno=self.lineno,
        )
        self.domain.note_factor(record)
        admonition = render_factor(record, body)
        self.set_source_info(admonition)  # where checks of its title and body point
        return [target, admonition]


def render_factor(record: FactorRecord, body: list[nodes.Node]) -> nodes.admonition:
    """An admonition titled "<kind>: <title>", its categories as labels, then its body."""
    heading = f"{factor_kind_names()[record['kind']]}: {record['title']}"
    admonition = nodes.admonition(classes=["pm-factor", f"pm-factor-{record['kind']}"])
    admonition += nodes.title(heading, heading)
    # a container, so that the text builder puts its paragraphs on lines of their own
    content = nodes.container(classes=["pm-factor-body"])
    if record["categories"]:
        line = nodes.paragraph(classes=["pm-factor-categories"])
        line += nodes.Text(_("Categories:") + " ")
        for number, category in enumerate(record["categories"]):
            if number:  # read by text builders and screen readers, hidden between pills
                line += nodes.inline(", ", ", ", classes=["pm-sep"])
            line += label(category, "factor-category")
        content += line
    content.extend(body)
    if content.children:
        admonition += content
    return admonition
