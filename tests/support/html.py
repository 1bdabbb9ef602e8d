"""HTML output read back: a small element tree, the links of a page, metadata panels.

Pages are parsed with the standard library's :mod:`html.parser` into a tiny
element tree, so assertions can look at rows, cells, links and headings instead
of searching the whole page with regular expressions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass
class El:
    """One element: tag, attributes, children (elements and text) and parent."""

    tag: str
    attrs: dict[str, str]
    children: list[Any] = field(default_factory=list)
    parent: El | None = None

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self) -> Iterator[El]:
        yield self
        for child in self.children:
            if isinstance(child, El):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[El]:
        """The descendants with ``tag``, class ``cls`` and the given attribute values."""
        return [
            el
            for el in self.iter()
            if el is not self
            and (tag is None or el.tag == tag)
            and (cls is None or cls in el.classes)
            and all(el.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> El | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """Text content with whitespace collapsed (headerlink pilcrows removed)."""
        return " ".join(self.raw_text().replace("\N{PILCROW SIGN}", "").split())

    def links(self) -> list[El]:
        return self.find_all("a")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#root", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = El(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(el)
        if tag not in _VOID:
            self.current = el

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(El(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: El | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(text: str) -> El:
    """The element tree of an HTML page or fragment (under a ``#root`` element)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def body_html(text: str) -> str:
    """The ``<div class="body">`` element of a page (what the document itself renders)."""
    start = text.index('<div class="body"')
    depth = 0
    for match in re.finditer(r"<div\b|</div>", text[start:]):
        depth += 1 if match.group() == "<div" else -1
        if depth == 0:
            return text[start : start + match.end()]
    raise AssertionError("unbalanced <div> in page")


def main_content(page: str) -> str:
    """The main content of a page (no sidebar, no navigation); rough, by markers."""
    start = page.find('role="main"')
    end = page.find('class="sphinxsidebar"', start)
    return page[start : end if end != -1 else None]


def links(page: str) -> list[tuple[str | None, str]]:
    """``(href, text)`` of every link in the main content of a page, in order."""
    content = parse_html(main_content(page))
    return [(a.attrs.get("href"), " ".join(a.raw_text().split())) for a in content.links()]


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def element_by_id(page: str, element_id: str) -> str:
    """The HTML of the element with ``id`` up to the end of its enclosing block (rough)."""
    start = page.index(f'id="{element_id}"')
    return page[page.rindex("<", 0, start) :]


def panel_html(page: str, incident_id: str) -> str:
    """The ``<dl>`` of the metadata panel of the incident with ``incident_id``."""
    block = element_by_id(page, f"incident-{incident_id}")
    start = block.index('<dl class="pm-panel-fields')
    return block[start : block.index("</dl>", start)]


def panel_fields(page: str, incident_id: str) -> dict[str, str]:
    """Name -> text of the metadata panel of the incident with ``incident_id``."""
    block = panel_html(page, incident_id)
    names = [
        strip_tags(n) for n in re.findall(r"<dt[^>]*>(.*?)<span class=\"colon\">", block, re.S)
    ]
    values = [strip_tags(v) for v in re.findall(r"<dd[^>]*>(.*?)</dd>", block, re.S)]
    assert len(names) == len(values), block
    return dict(zip(names, values, strict=True))


def field_html(page: str, incident_id: str, name: str) -> str:
    """The raw HTML of one panel field value."""
    block = panel_html(page, incident_id)
    match = re.search(
        r"<dt[^>]*>"
        + re.escape(name)
        + r"<span class=\"colon\">:</span></dt>\s*<dd[^>]*>(.*?)</dd>",
        block,
        re.S,
    )
    assert match, f"no field {name!r} in {block}"
    return match[1]
