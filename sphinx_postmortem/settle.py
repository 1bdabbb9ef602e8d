"""What happens once a page is read: its records are settled, checked and summed up.

One ``doctree-read`` handler runs every step, in the order written here,
because each step reads what the ones before it settled:

1. an incident without a title takes its section's title;
2. action items written before the page's incident get their default ids
   (their headings, built when the page is written, show them);
3. lesson bodies are stored, and their digests set on the lesson records;
4. each roll-up's options become its typed spec (warning at its line);
5. the checks read the settled records and the page (structure, blameless
   language, control characters, scaffold text left in);
6. the page's digest (what roll-ups can show of it) and the projects its
   filters name are noted last, from the records as they will stay.

Every change to a stored record goes through a domain method, which drops
what was derived from the records before.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from .checks.blameless import check_blame
from .checks.completeness import check_page
from .checks.control_characters import check_control_characters
from .checks.placeholders import check_placeholders
from .directives.action_item import settle_default_ids
from .directives.incident import settle_title
from .incremental.freshness import note_page_digest, note_project_filters
from .incremental.lesson_bodies import save_lesson_bodies
from .selection.specs import parse_rollups

#: The steps of :func:`settle_page`, in order.
STEPS = (
    settle_title,
    settle_default_ids,
    save_lesson_bodies,
    parse_rollups,
    check_page,
    check_blame,
    check_control_characters,
    check_placeholders,
    note_page_digest,
    note_project_filters,
)


def settle_page(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: settle, check and sum up the records of the page just read."""
    for step in STEPS:
        step(app, doctree)
