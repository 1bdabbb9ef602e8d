"""What every directive of this extension shares: the domain, warnings, option parsing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

from ..errors import PostmortemError, WarningSubtype, warn
from ..settings import Settings, settings
from .options import choice, choices, comma_list, iso_date

if TYPE_CHECKING:
    from ..domain import PostmortemDomain


class PostmortemDirective(SphinxDirective):
    """Base class: options are validated here and problems become warnings."""

    @property
    def domain(self) -> PostmortemDomain:
        return cast("PostmortemDomain", self.env.get_domain("postmortem"))

    @property
    def settings(self) -> Settings:
        """The ``postmortem_*`` settings of this build."""
        return settings(self.env)

    def warn(self, message: str, subtype: WarningSubtype = "option") -> None:
        warn(f"{self.name}: {message}", subtype, self.get_location())

    def text_option(self, name: str) -> str | None:
        """A free-text option, whitespace-normalised; None when absent or empty."""
        value = " ".join(self.options.get(name, "").split())
        return value or None

    def list_option(self, name: str) -> list[str]:
        return comma_list(self.options.get(name))

    def choice_option(
        self, name: str, allowed: Sequence[str], default: str | None = None
    ) -> str | None:
        """A value from ``allowed``; warns and falls back to ``default`` otherwise."""
        value = self.text_option(name)
        if value is None:
            return default
        try:
            return choice(value, allowed, f":{name}:")
        except PostmortemError as exc:
            self.warn(str(exc))
            return default

    def choice_list_option(self, name: str, allowed: Sequence[str]) -> list[str]:
        """A comma list of values from ``allowed``; each unknown one is warned about and dropped."""
        known, problems = choices(self.options.get(name), allowed, f":{name}:")
        for problem in problems:
            self.warn(problem)
        return known

    def warn_unknown_options(self, allowed: Sequence[str], what: str = "allowed options") -> None:
        """Warn about each option not in ``allowed`` (for an ``OpenOptionSpec``)."""
        for name in self.options:
            if name not in allowed:
                listed = ", ".join(allowed) or "none"
                self.warn(f"unknown option :{name}:, ignored; {what}: {listed}")

    def date_option(self, name: str) -> str | None:
        value = self.text_option(name)
        if value is None:
            return None
        try:
            return iso_date(value, f":{name}:")
        except PostmortemError as exc:
            self.warn(str(exc))
            return None

    def parse_body(self) -> list[nodes.Node]:
        """Parse the directive content as ordinary body markup."""
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder)
        return list(holder.children)

    def anchor(self, prefix: str, name: str) -> nodes.target:
        """A target node with a document-unique id, for links to this object."""
        node_id = make_id(self.env, self.state.document, prefix, name)
        target = nodes.target("", "", ids=[node_id])
        self.state.document.note_explicit_target(target)
        return target


def value_line(caption: str, values: Sequence[str], family: str) -> nodes.paragraph:
    """A line such as "Tags: deploy, config": class ``pm-<family>s``, each value ``pm-<family>``.

    The ", " between two values is an inline of class ``pm-sep``: the text
    builder, LaTeX and screen readers read it; the stylesheet may hide it
    between pills (it does for tags).
    """
    line = nodes.paragraph(classes=[f"pm-{family}s"])
    line += nodes.Text(caption + " ")
    for number, value in enumerate(values):
        if number:
            line += nodes.inline(", ", ", ", classes=["pm-sep"])
        line += nodes.inline(value, value, classes=[f"pm-{family}"])
    return line
