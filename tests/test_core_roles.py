"""Roles ``:incident:`` and ``:action-item:`` (and their ``postmortem:`` forms),
unknown ids, objects.inv and intersphinx.

Test roots: tests/roots/test-core-roles/, tests/roots/test-core-intersphinx/.
"""

from __future__ import annotations

import re

from support.builds import build, domain_of, read
from support.contains import assert_contains
from support.fixtures import built_root, root_app_fixture
from support.projects import load_inventory
from support.warnings import assert_warned, pm_warnings

built = root_app_fixture("core-roles")
#: Where the other builds of these tests find this project's pages.
ROLES_URL = "https://roles.example.com/"


def paragraph(page: str, lead: str) -> str:
    match = re.search(r"<p>" + re.escape(lead) + r"(.*?)</p>", page, re.S)
    assert match, lead
    return match[1]


def assert_role_link(page: str, lead: str, href: str, text: str) -> str:
    """The paragraph starting with ``lead`` links to ``href`` and reads ``text``; its HTML."""
    html = paragraph(page, lead)
    assert f'href="{href}"' in html
    assert re.sub(r"<[^>]+>", "", html) == text
    return html


def test_incident_role_links_with_the_incident_title(built):
    html = paragraph(read(built, "refs.html"), "Plain: ")
    assert re.fullmatch(
        r'<a class="reference internal" href="inc1.html#incident-INC-1"[^>]*>'
        r'<span class="xref postmortem postmortem-incident">Checkout API returned 503s</span></a>.',
        html,
    ), html


def test_incident_role_with_explicit_title(built):
    page = read(built, "refs.html")
    html = assert_role_link(page, "Explicit: ", "inc1.html#incident-INC-1", "the checkout outage.")
    assert "Checkout API" not in html


def test_action_item_role(built):
    page = read(built, "refs.html")
    assert_role_link(page, "Action: ", "inc1.html#action-INC-1-A1", "Add canary analysis.")
    assert_role_link(page, "Custom action: ", "inc1.html#action-ACT-CUSTOM", "my action.")


def test_domain_prefixed_roles(built):
    page = read(built, "refs.html")
    assert_role_link(page, "Prefixed: ", "inc2.html#incident-INC-2", "Search was slow.")
    assert_role_link(page, "Prefixed action: ", "inc1.html#action-INC-1-A1", "Add canary analysis.")


def test_any_role_finds_incidents(built):
    html = paragraph(read(built, "refs.html"), "Any: ")
    assert 'href="inc2.html#incident-INC-2"' in html


def test_role_inside_a_post_mortem_page(built):
    html = paragraph(read(built, "inc2.html"), "Back to ")
    assert 'href="inc1.html#incident-INC-1"' in html


def test_unknown_ids_warn_like_other_roles(built):
    assert_warned(built, "refs.rst", 16, "unknown incident id 'INC-404'", "postmortem.ref")
    assert_warned(built, "refs.rst", 18, "unknown action item id 'INC-1-A99'", "postmortem.ref")
    assert [(w.file, w.line, w.type) for w in pm_warnings(built)] == [
        ("refs.rst", 16, "postmortem.ref"),
        ("refs.rst", 18, "postmortem.ref"),
        ("refs.rst", 24, "postmortem.ref"),
        ("refs.rst", 25, "postmortem.ref"),
        ("refs.rst", 26, "postmortem.ref"),
        ("refs.rst", 28, "postmortem.ref"),
    ]
    page = read(built, "refs.html")
    # rendered as unlinked text
    assert "INC-404" in paragraph(page, "Unknown incident: ")
    assert "href" not in paragraph(page, "Unknown incident: ")
    assert "href" not in paragraph(page, "Unknown action: ")


def test_role_warnings_name_the_line_of_the_role_not_of_its_paragraph(built):
    # the paragraph starts on line 22; the roles are on lines 24, 25 and 26
    assert_warned(built, "refs.rst", 24, "unknown incident id 'INC-405'", "postmortem.ref")
    assert_warned(built, "refs.rst", 25, "unknown action item id 'INC-1-A98'", "postmortem.ref")
    assert_warned(built, "refs.rst", 26, "unknown incident id 'INC-405'", "postmortem.ref")
    assert not [w for w in pm_warnings(built) if w.line == 22]


def test_unknown_project_is_named_with_the_configured_ones(built):
    warning = assert_warned(
        built, "refs.rst", 28, "unknown project 'nosuchproject'", "postmortem.ref"
    )
    assert warning.message == (
        "unknown project 'nosuchproject' in incident reference 'nosuchproject:INC-1'; "
        "configured projects: local"
    )
    assert "href" not in paragraph(read(built, "refs.html"), "Unknown project: ")


def test_unknown_project_lists_the_imported_projects_too(built, tmp_path_factory):
    projects = {"roles": (ROLES_URL, str(built.outdir / "postmortems.json"))}
    overrides = {"postmortem_projects": projects}
    with built_root(tmp_path_factory, "core-roles", confoverrides=overrides) as app:
        assert_warned(
            app,
            "refs.rst",
            28,
            "unknown project 'nosuchproject' in incident "
            "reference 'nosuchproject:INC-1'; configured projects: local, roles",
            "postmortem.ref",
        )


def test_local_prefix_names_this_project(built):
    page = read(built, "refs.html")
    assert_role_link(page, "Local project: ", "inc2.html#incident-INC-2", "Search was slow.")


LINES_PAGE = """\
Lines
=====

* item one
  item :incident:`INC-501`

.. note::

   Para in a note
   with :incident:`INC-502`.

=====  =====
a      b
=====  =====
x      :incident:`INC-503`
=====  =====

A :postmortem:incident:`INC-504` then
:incident:`INC-504` on the next line.
"""


def test_role_lines_in_lists_notes_and_tables(tmp_path):
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_postmortem"]\n', encoding="utf-8")
    (tmp_path / "index.rst").write_text(LINES_PAGE, encoding="utf-8")
    result = build(tmp_path, "html")
    found = [
        (int(m[1]), m[2])
        for w in result.warnings
        if (m := re.search(r"index\.rst:(\d+): WARNING: unknown incident id '([^']+)'", w))
    ]
    assert sorted(found) == [
        (5, "INC-501"),
        (10, "INC-502"),
        (15, "INC-503"),
        (18, "INC-504"),
        (19, "INC-504"),
    ]


def test_get_objects(built):
    objects = sorted(domain_of(built).get_objects())
    assert objects == [
        ("ACT-CUSTOM", "Custom action", "action-item", "inc1", "action-ACT-CUSTOM", 1),
        ("INC-1", "Checkout API returned 503s", "incident", "inc1", "incident-INC-1", 1),
        ("INC-1-A1", "Add canary analysis", "action-item", "inc1", "action-INC-1-A1", 1),
        ("INC-2", "Search was slow", "incident", "inc2", "incident-INC-2", 1),
    ]


def test_objects_inv(built):
    inventory = load_inventory(built.outdir / "objects.inv")
    assert inventory["postmortem:incident"] == {
        "INC-1": ("inc1.html#incident-INC-1", "Checkout API returned 503s"),
        "INC-2": ("inc2.html#incident-INC-2", "Search was slow"),
    }
    assert inventory["postmortem:action-item"] == {
        "INC-1-A1": ("inc1.html#action-INC-1-A1", "Add canary analysis"),
        "ACT-CUSTOM": ("inc1.html#action-ACT-CUSTOM", "Custom action"),
    }


def test_intersphinx_links_to_another_project(built, tmp_path_factory):
    overrides = {"intersphinx_mapping": {"roles": (ROLES_URL, str(built.outdir / "objects.inv"))}}
    with built_root(tmp_path_factory, "core-intersphinx", confoverrides=overrides) as app:
        assert_contains(
            read(app, "index.html"),
            f'href="{ROLES_URL}inc1.html#incident-INC-1"',
            f'href="{ROLES_URL}inc1.html#action-INC-1-A1"',
            f'href="{ROLES_URL}inc2.html#incident-INC-2"',
        )
        assert pm_warnings(app) == []
