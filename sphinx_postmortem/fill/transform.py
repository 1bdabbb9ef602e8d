"""Filling placeholders once every document has been read.

Runs as a post-transform, before Sphinx resolves references, so links and
copied lesson bodies are resolved like the rest of the page, for every
builder (including the single-document ones, where a doctree holds many
source documents: each placeholder names the document it came from).
"""

from __future__ import annotations

from typing import Any, cast

from docutils import nodes
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..directives.action_item import render_action_head, tabulate_action_items
from ..domain import PostmortemDomain
from ..incremental.entry_cache import self_contained
from ..nodes import (
    PostmortemPlaceholder,
    action_head,
    incident_panel,
    overdue_marker,
    rollup,
    timeline_block,
)
from ..settings import settings
from .early_html import EarlyHTML
from .lesson_groups import settle_group_sections
from .overdue import build_overdue
from .panel import build_panel
from .rollup_renderer import RollupRenderer
from .timeline import build_timeline


def current_builder(env: BuildEnvironment) -> Builder:
    """The running builder (``env._app`` on Sphinx 8+, ``env.app`` before)."""
    app: Any = getattr(env, "_app", None) or env.app
    return app.builder


class FillPlaceholders(SphinxPostTransform):
    """Replace panels, timelines, action item headings, overdue markers and roll-ups with
    real content; then, with ``postmortem_action_items_compact``, make each run of adjacent
    action items one table, and settle the roll-ups' group sections (ids, contents).

    HTML builders get the parts made from records alone as HTML at once (see
    ``early_html.py``)."""

    default_priority = 5  # before ReferencesResolver (10)

    def run(self, **kwargs: Any) -> None:
        found: dict[type, list[Any]] = {}
        for node in self.document.findall(PostmortemPlaceholder):
            found.setdefault(type(node), []).append(node)
        if not found:
            return
        domain = cast(PostmortemDomain, self.env.get_domain("postmortem"))
        builder = current_builder(self.env)
        fromdocname = self.env.docname
        today = settings(self.env).build_date
        early = EarlyHTML.for_builder(builder, self.document["source"])
        renderer = RollupRenderer(domain, builder, fromdocname, today, early)
        # Roll-ups first: the lesson bodies they copy may hold other placeholders.
        for index, node in enumerate(found.get(rollup, [])):
            replacement = renderer.render(node, index)
            node.replace_self(replacement)
            for new in replacement:
                for copied in new.findall(PostmortemPlaceholder):
                    found.setdefault(type(copied), []).append(copied)
        own: list[nodes.Element] = []  # made from records alone: written early in HTML
        for node in found.get(action_head, []):
            head = _action_head(domain, node)
            if not head:
                node.parent.remove(node)
            else:
                node.replace_self(head)
            for part in head:
                found.setdefault(overdue_marker, []).extend(part.findall(overdue_marker))
            own.extend(cast(list[nodes.Element], head))
        for node in found.get(timeline_block, []):
            timeline = build_timeline(domain, node, html=builder.format == "html")
            node.replace_self(timeline)
            # its entries' text is the author's: early only without references, images, ...
            if early and isinstance(timeline, nodes.Element) and self_contained(timeline):
                own.append(timeline)
        for node in found.get(incident_panel, []):
            part = node.get("part", "all")
            panel = build_panel(domain, builder, fromdocname, node["docname"], part)
            node.replace_self(panel)
            own.extend(cast(list[nodes.Element], panel))
        for node in found.get(overdue_marker, []):
            replacement = build_overdue(node, today)
            if replacement:
                node.replace_self(replacement)
            else:
                node.parent.remove(node)
        if action_head in found and settings(self.env).action_items_compact:
            tabulate_action_items(self.document)
        if rollup in found:  # their group sections, now that the page is filled
            settle_group_sections(self.document, self.env)
        if early is not None:
            early.replace(own, self.document)


def _action_head(domain: PostmortemDomain, node: action_head) -> list[nodes.Node]:
    """The heading and fields of the action item ``node`` stands for (nothing if it is gone)."""
    for record in domain.actions(node["docname"]):
        if record["anchor"] == node["anchor"]:
            return render_action_head(record)
    return []
