"""The groups of lesson and factor roll-ups as section headings, listed in the page's contents.

A grouped ``lesson-list`` or ``factor-list`` writes each group as a section
titled with its name and count ("deploy (7)"), its id made from the name
("lessons-deploy"). Roll-ups are filled after the page's table of contents
was collected, so :func:`settle_group_sections` (called right after the
roll-ups are filled) makes each id unique on the page, turns a group that cannot
be a section (inside a list, an admonition or a table) back into a rubric,
and adds the sections to the page's entry in ``env.tocs``, so the theme's
"on this page" lists them. ``env.tocs`` was saved before writing, so the
addition lasts for this write only and is made again the next time the page
is written.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.environment import BuildEnvironment

#: The class of a group's section, and of the rubric it falls back to.
GROUP_CLASS = "pm-group"
#: The class of the count after a group's name.
COUNT_CLASS = "pm-group-count"

#: Elements a section may sit in, between it and the section or document above.
_SECTION_HOLDERS = (nodes.section, nodes.document, nodes.container, addnodes.start_of_file)


def group_section(prefix: str, name: str, count: int) -> nodes.section:
    """An empty section for a group: titled "name (count)", its id ``prefix-name``."""
    section = nodes.section(classes=[GROUP_CLASS], pm_group_id=group_id(prefix, name))
    title = nodes.title()
    title += nodes.Text(name)
    title += nodes.Text(" ")
    title += nodes.inline("", f"({count})", classes=[COUNT_CLASS])
    section += title
    return section


def group_id(prefix: str, name: str) -> str:
    """The id of a group: stable across builds, made from its name (``lessons-deploy``)."""
    return nodes.make_id(f"{prefix}-{name}") or prefix


def settle_group_sections(document: nodes.document, env: BuildEnvironment) -> None:
    """Give the page's group sections unique ids and list them in its contents, or make
    rubrics of those that cannot be sections.

    Called once the page's roll-ups are filled (pages without roll-ups have no groups).
    """
    groups = [section for section in document.findall(nodes.section) if "pm_group_id" in section]
    for section in groups:
        if not _may_be_section(section):
            section.replace_self(_as_rubric(section))
            continue
        section["ids"] = [_unique(document, section.attributes.pop("pm_group_id"))]
        document.ids[section["ids"][0]] = section
    listed = [section for section in groups if section.parent is not None and section["ids"]]
    if not listed:
        return
    order = section_order(document)
    for section in listed:
        add_to_contents(env.tocs, _docname_of(section, env.docname), section, order)


def section_order(document: nodes.document) -> dict[str, int]:
    """Each section's place on the page, by its first id (one walk of the page)."""
    return {
        node["ids"][0]: index
        for index, node in enumerate(document.findall(nodes.section))
        if node["ids"]
    }


def _unique(document: nodes.document, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... if the page already has that id."""
    candidate, number = base, 1
    while candidate in document.ids:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _may_be_section(section: nodes.section) -> bool:
    """Whether only sections and plain containers hold ``section`` (else it must be a rubric)."""
    parent = section.parent
    while parent is not None and not isinstance(parent, (nodes.section, nodes.document)):
        if not isinstance(parent, _SECTION_HOLDERS):
            return False
        parent = parent.parent
    return parent is not None


def _as_rubric(section: nodes.section) -> list[nodes.Node]:
    """The section as a rubric (its title) followed by its content."""
    title = section[0]
    rubric = nodes.rubric("", "", *title.children, classes=[GROUP_CLASS])
    return [rubric, *section.children[1:]]


def _docname_of(section: nodes.section, default: str) -> str:
    """The document ``section`` comes from.

    Single-document builders join many; their sections carry their document's name.
    """
    above = _section_above(section)
    return str(above.get("docname") or default) if above is not None else default


def add_to_contents(
    tocs: dict[str, nodes.bullet_list],
    docname: str,
    section: nodes.section,
    order: dict[str, int],
) -> None:
    """List ``section`` in ``docname``'s contents, under its section, after its earlier siblings.

    ``order`` is :func:`section_order` of the page.
    """
    toc = tocs.get(docname)
    if toc is None:
        return
    above = _section_above(section)
    holder = _entry_of(toc, _anchor(above)) if above is not None else None
    # Under its section's entry; at the top level when no section above it is listed.
    items = _sub_list(holder) if holder is not None else toc
    title = section[0].astext()
    reference = nodes.reference(
        "", title, internal=True, refuri=docname, anchorname="#" + section["ids"][0]
    )
    entry = nodes.list_item("", addnodes.compact_paragraph("", "", reference))
    items.insert(_position(items, section, order), entry)


def _section_above(section: nodes.section) -> nodes.section | None:
    parent = section.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    return parent


def _anchor(section: nodes.section) -> str:
    """The anchor of a section in ``env.tocs``: empty for a page's first, ``#id`` otherwise."""
    is_first = isinstance(section.parent, (nodes.document, addnodes.start_of_file)) and (
        section is next(iter(section.parent.findall(nodes.section, include_self=False)), None)
    )
    return "" if is_first else "#" + section["ids"][0] if section["ids"] else ""


def _entry_of(toc: nodes.Element, anchor: str) -> nodes.list_item | None:
    """The contents' entry of the section with ``anchor``."""
    for reference in toc.findall(nodes.reference):
        if reference.get("anchorname") == anchor:
            item = reference.parent.parent
            return item if isinstance(item, nodes.list_item) else None
    return None


def _sub_list(item: nodes.list_item) -> nodes.bullet_list:
    for child in item.children:
        if isinstance(child, nodes.bullet_list):
            return child
    sub = nodes.bullet_list()
    item += sub
    return sub


def _position(items: nodes.Element, section: nodes.section, order: dict[str, int]) -> int:
    """Where ``section`` goes among ``items``: before the first listed section that follows it."""
    mine = order.get(section["ids"][0], len(order))
    for index, item in enumerate(items.children):
        anchor = next(iter(item.findall(nodes.reference)), None)
        name = anchor.get("anchorname", "")[1:] if anchor is not None else ""
        if order.get(name, -1) > mine:
            return index
    return len(items)
