"""The ``incident`` directive: options, defaults, warnings, metadata panel, duplicates.

Test root: tests/roots/test-core-incident/.
"""

from __future__ import annotations

import pytest
from support.builds import build, domain_of, read
from support.fixtures import built_root, root_app_fixture
from support.html import field_html, panel_fields, parse_html
from support.projects import load_inventory
from support.warnings import Warn, assert_warned, pm_warnings

built = root_app_fixture("core-incident")

ROLES_WITHOUT_SCRIBE = {"postmortem_roles": ["commander"]}


# -- records -------------------------------------------------------------------------


def test_full_incident_record(built):
    incident = domain_of(built).incident("full")
    assert incident == {
        "id": "INC-2024-017",
        "title": "Checkout API returned 503s for EU customers",
        "date": "2024-03-05",
        "severity": "SEV2",
        "status": "published",
        "type": "outage",
        "types": ["outage"],
        "authors": ["Dana Kim", "Luis Ortega"],
        "services": ["checkout-api", "payments-gateway"],
        "tags": ["deploy", "config-change"],
        "summary": "One paragraph of summary.\n\nA second paragraph.",
        "detected_by": None,
        "roles": {},
        "responders": [],
        "reviewed": None,
        "reviewers": [],
        "docname": "full",
        "anchor": "incident-INC-2024-017",
        "lineno": 4,
    }


def test_id_defaults_to_the_document_name(built):
    domain = domain_of(built)
    assert domain.incident("defaults")["id"] == "defaults"
    assert domain.incident("sub/nested")["id"] == "sub-nested"
    assert domain.incident("sub/section")["id"] == "sub-section"
    # ... and the default id is a working link target
    objects = {
        (name, typ): (doc, anchor) for name, _d, typ, doc, anchor, _p in domain.get_objects()
    }
    assert objects[("sub-nested", "incident")] == ("sub/nested", "incident-sub-nested")
    page = read(built, "sub/nested.html")
    assert 'id="incident-sub-nested"' in page


def test_title_from_the_argument(built):
    assert domain_of(built).incident("sub/nested")["title"] == "Nested incident"
    assert "<strong>Nested incident</strong>" in read(built, "sub/nested.html")


def test_title_from_the_enclosing_section(built):
    domain = domain_of(built)
    assert domain.incident("defaults")["title"] == "Database failover stalled"
    # the nearest enclosing section, not the page title
    assert domain.incident("sub/section")["title"] == "Inner section title"
    # a title taken from the section is not written again in the incident
    assert parse_html(read(built, "defaults.html")).find("p", cls="pm-incident-title") is None


def test_a_title_equal_to_the_section_title_is_not_repeated(built):
    incident = parse_html(read(built, "sametitle.html")).find("div", cls="pm-incident")
    assert incident is not None
    assert incident.find("p", cls="pm-incident-title") is None
    # the key facts come first
    first = next(child for child in incident.children if not isinstance(child, str))
    assert "pm-key-facts" in first.classes


def test_a_title_that_differs_from_the_section_title_is_shown(built):
    title = parse_html(read(built, "sub/nested.html")).find("p", cls="pm-incident-title")
    assert title is not None and title.text() == "Nested incident"


def test_a_title_equal_to_the_section_title_is_not_repeated_in_myst(tmp_path):
    pytest.importorskip("myst_parser")
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_postmortem"]\npostmortem_today = "2024-06-01"\n'
    )
    (tmp_path / "index.md").write_text(
        "# Queue  backlog\n\n"
        "```{incident} queue BACKLOG\n:date: 2024-03-04\n:severity: SEV3\n\nSummary.\n```\n"
    )
    page = (build(tmp_path).outdir / "index.html").read_text(encoding="utf-8")
    incident = parse_html(page).find("div", cls="pm-incident")
    assert incident is not None and incident.find("p", cls="pm-incident-title") is None


def test_no_title_anywhere_warns_and_falls_back_to_the_id(built):
    assert domain_of(built).incident("notitle")["title"] == "INC-NOTITLE"
    assert_warned(built, "notitle.rst", 3, "incident: no title", "postmortem.option")


def test_status_and_type_defaults(built):
    incident = domain_of(built).incident("defaults")
    assert incident["status"] == "draft"
    assert incident["type"] == "incident"
    assert incident["types"] == ["incident"]
    assert incident["authors"] == incident["services"] == incident["tags"] == []


def test_people_detection_and_review(built):
    incident = domain_of(built).incident("people")
    # several types, matched case-insensitively, each once; the first is ``type``
    assert (incident["type"], incident["types"]) == ("outage", ["outage", "security"])
    assert incident["detected_by"] == "customer"
    # roles in configured order (commander, communications, scribe), only those given
    assert incident["roles"] == {"commander": ["Dana Kim"], "scribe": ["Ann Lee", "Bo Chen"]}
    assert list(incident["roles"]) == ["commander", "scribe"]
    assert incident["responders"] == ["Luis Ortega", "Sam Lee", "Example Cloud support"]
    assert incident["reviewed"] == "2024-04-09"
    assert incident["reviewers"] == ["Reliability review board"]
    assert not [w for w in pm_warnings(built) if w.file == "people.rst"]


def test_every_new_key_is_in_every_record(built):
    new_keys = {"types", "detected_by", "roles", "responders", "reviewed", "reviewers"}
    for incident in domain_of(built).all_incidents():
        assert new_keys <= set(incident), incident["docname"]


def test_bad_new_options_warn_and_the_incident_is_kept(built):
    incident = domain_of(built).incident("badpeople")
    assert incident["id"] == "INC-BADPEOPLE"
    assert incident["types"] == ["outage"]
    assert incident["detected_by"] is None
    assert incident["roles"] == {}  # an empty :commander: gives no one
    assert "pilot" not in str(incident)
    assert incident["reviewed"] == "2024-03-01"  # kept, but warned about
    warning = assert_warned(
        built, "badpeople.rst", 4, "unknown option :pilot:", "postmortem.option"
    )
    assert "detected-by, responders, reviewed, reviewers, commander, communications, scribe" in (
        warning.message
    )
    assert_warned(built, "badpeople.rst", 4, "unknown :type: 'meltdown'", "postmortem.option")
    warning = assert_warned(
        built, "badpeople.rst", 4, "unknown :detected-by: 'pager'", "postmortem.option"
    )
    assert "alert, customer, employee, external, test, unknown" in warning.message
    assert_warned(
        built,
        "badpeople.rst",
        12,
        ":reviewed: '2024-03-01' is before the incident's :date: '2024-03-05'",
        "postmortem.option",
    )


def test_a_role_no_longer_configured_is_an_unknown_option(tmp_path_factory):
    with built_root(tmp_path_factory, "core-incident", confoverrides=ROLES_WITHOUT_SCRIBE) as app:
        incident = domain_of(app).incident("people")
        assert incident["roles"] == {"commander": ["Dana Kim"]}
        warning = assert_warned(
            app, "people.rst", 4, "unknown option :scribe:", "postmortem.option"
        )
        assert warning.message.endswith("reviewers, commander")


def test_an_implausible_review_date_is_dropped_with_a_warning_at_its_line(built):
    assert domain_of(built).incident("badreview")["reviewed"] is None
    assert_warned(
        built, "badreview.rst", 8, "implausible :reviewed: '1899-12-31'", "postmortem.option"
    )


def test_values_match_case_insensitively_and_keep_the_configured_spelling(built):
    incident = domain_of(built).incident("casing")
    assert incident["severity"] == "SEV1"
    assert incident["status"] == "in-review"
    assert incident["type"] == "data-loss"
    assert domain_of(built).incident("defaults")["severity"] == "SEV3"
    assert not [w for w in pm_warnings(built) if w.file in ("casing.rst", "defaults.rst")]


def test_list_options_are_split_trimmed_and_deduplicated(built):
    incident = domain_of(built).incident("casing")
    assert incident["authors"] == ["Ann", "Bob"]
    assert incident["services"] == ["api"]
    assert incident["tags"] == []


def test_severity_not_required_for_project_reviews(built):
    incident = domain_of(built).incident("project")
    assert incident["type"] == "project"
    assert incident["severity"] is None
    assert not [w for w in pm_warnings(built) if w.file == "project.rst"]


def test_missing_severity_and_date(built):
    incident = domain_of(built).incident("missing")
    assert incident["severity"] is None
    assert incident["date"] is None
    warning = assert_warned(built, "missing.rst", 4, "missing :severity:", "postmortem.option")
    assert "SEV1, SEV2, SEV3, SEV4" in warning.message
    assert_warned(built, "missing.rst", 4, "missing :date:", "postmortem.option")


def test_unknown_values_warn_naming_the_allowed_values(built):
    incident = domain_of(built).incident("badvalues")
    assert (incident["severity"], incident["status"], incident["type"], incident["date"]) == (
        None,
        "draft",
        "incident",
        None,
    )
    assert_warned(
        built,
        "badvalues.rst",
        4,
        "unknown :severity: 'SEV9'; allowed values: SEV1, SEV2, SEV3, SEV4",
        "postmortem.option",
    )
    assert_warned(
        built,
        "badvalues.rst",
        4,
        "unknown :status: 'closed'; allowed values: draft, in-review, published",
        "postmortem.option",
    )
    assert_warned(
        built,
        "badvalues.rst",
        4,
        "unknown :type: 'meltdown'; allowed values: incident, outage, security, data-loss, project",
        "postmortem.option",
    )
    assert_warned(built, "badvalues.rst", 4, "invalid :date: '2024-02-30'", "postmortem.option")
    # a bad date is not also reported as a missing one
    assert not [
        w for w in pm_warnings(built) if "missing :date:" in w.message and w.file == "badvalues.rst"
    ]


def test_every_warning_of_the_root(built):
    """Nothing else warns: the exact list of (file, line, subtype)."""
    found = [(w.file, w.line, w.type) for w in pm_warnings(built)]
    assert found == sorted(
        [
            ("badvalues.rst", 4, "postmortem.option"),
            ("badvalues.rst", 4, "postmortem.option"),
            ("badvalues.rst", 4, "postmortem.option"),
            ("badvalues.rst", 4, "postmortem.option"),
            ("badpeople.rst", 4, "postmortem.option"),
            ("badpeople.rst", 4, "postmortem.option"),
            ("badpeople.rst", 4, "postmortem.option"),
            ("badpeople.rst", 12, "postmortem.option"),
            ("badreview.rst", 8, "postmortem.option"),
            ("dup-b.rst", 6, "postmortem.duplicate_id"),
            ("missing.rst", 4, "postmortem.option"),
            ("missing.rst", 4, "postmortem.option"),
            ("notitle.rst", 3, "postmortem.option"),
            ("two.rst", 11, "postmortem.duplicate_id"),
        ]
    )
    # and Sphinx itself has nothing to say about the pages
    assert [w for w in pm_warnings(built) if not w.type] == []


# -- metadata panel ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "incident_id", "fields"),
    [
        pytest.param(
            "full.html",
            "INC-2024-017",
            {
                "ID": "INC-2024-017",
                "Date": "2024-03-05",
                "Severity": "SEV2",
                "Status": "published",
                "Type": "outage",
                "Authors": "Dana Kim, Luis Ortega",
                "Services": "checkout-api, payments-gateway",
                "Tags": "deploy, config-change",
                "Impact start": "2024-03-05 14:02 UTC",
                "Time to detect": "7m after impact start",
                "Time to acknowledge": "3m after detection",
                "Time to mitigate": "29m after impact start",
                "Time to resolve": "1h08m after impact start",
                "Action items": "2 open / 3 total",
                "Lessons": "2",
            },
            id="full-post-mortem",
        ),
        pytest.param(
            "project.html",
            "PRJ-SEARCH",
            {"ID": "PRJ-SEARCH", "Date": "2024-05-20", "Status": "published", "Type": "project"},
            id="without-timeline-actions-or-lessons",
        ),
        pytest.param(
            "defaults.html",
            "defaults",
            {
                "ID": "defaults",
                "Date": "2024-02-01",
                "Severity": "SEV3",
                "Status": "draft",
                "Type": "incident",
            },
            id="defaults",
        ),
    ],
)
def test_panel_shows_the_fields_the_post_mortem_has(built, page, incident_id, fields):
    assert panel_fields(read(built, page), incident_id) == fields


def test_severity_and_status_are_text_labels_with_classes(built):
    page = read(built, "full.html")
    assert field_html(page, "INC-2024-017", "Severity") == (
        '<p><span class="pm-label pm-sev pm-sev-sev2">SEV2</span></p>\n'
    )
    assert field_html(page, "INC-2024-017", "Status") == (
        '<p><span class="pm-label pm-status pm-status-published">published</span></p>\n'
    )
    default = read(built, "defaults.html")
    assert 'class="pm-label pm-status pm-status-draft">draft</span>' in default
    assert 'class="pm-label pm-sev pm-sev-sev3">SEV3</span>' in default


def test_panel_counts_link_down_to_action_items_and_lessons(built):
    page = read(built, "full.html")
    actions = field_html(page, "INC-2024-017", "Action items")
    assert 'href="#action-INC-2024-017-A1"' in actions
    assert "2 open / 3 total" in actions
    lessons = field_html(page, "INC-2024-017", "Lessons")
    assert 'href="#lesson-Config-changes-skipped-the-canary-stage"' in lessons
    # the link targets exist on the page
    assert 'id="action-INC-2024-017-A1"' in page
    assert 'id="lesson-Config-changes-skipped-the-canary-stage"' in page


def test_summary_is_read_after_the_key_facts_and_before_the_panel(built):
    """Reading order is screen order: key facts, what happened, then the details."""
    page = read(built, "full.html")
    facts = page.index('class="pm-key-facts')
    summary = page.index('<div class="pm-summary')
    panel = page.index('<div class="pm-panel')
    assert facts < summary < panel
    assert "<p>One paragraph of <em>summary</em>.</p>" in page[summary:]


# -- one incident per page, unique ids ------------------------------------------------


def test_second_incident_on_a_page_warns_and_the_first_wins(built):
    domain = domain_of(built)
    assert domain.incident("two")["id"] == "INC-TWO-1"
    assert "INC-TWO-2" not in {name for name, *_ in domain.get_objects()}
    warning = assert_warned(
        built, "two.rst", 11, "a page has one incident", "postmortem.duplicate_id"
    )
    assert "'INC-TWO-1' is already declared on line 4" in warning.message
    page = read(built, "two.html")
    assert page.count('class="pm-panel docutils container"') == 1
    # the second one's text is still shown, it just is not a post-mortem
    assert "Second incident is ignored" in page
    assert "Second summary." in page


def test_duplicate_id_across_pages_warns_once_and_first_document_wins(built):
    duplicates = [
        w
        for w in pm_warnings(built)
        if w.type == "postmortem.duplicate_id" and "INC-DUP" in w.message
    ]
    assert duplicates == [
        Warn(
            "dup-b.rst",
            6,
            "duplicate incident id 'INC-DUP', already used in dup-a (line 4); "
            "this one is ignored for links",
            "postmortem.duplicate_id",
        )
    ]
    domain = domain_of(built)
    # both pages keep their own record...
    assert domain.incident("dup-a")["title"] == "Dup A is the first by name"
    assert domain.incident("dup-b")["title"] == "Dup B reuses the id"
    # ... but links and the inventory go to the first document by name
    assert domain.winning_incidents()["INC-DUP"]["docname"] == "dup-a"
    entries = [o for o in domain.get_objects() if o[0] == "INC-DUP"]
    assert entries == [
        ("INC-DUP", "Dup A is the first by name", "incident", "dup-a", "incident-INC-DUP", 1)
    ]
    inventory = load_inventory(built.outdir / "objects.inv")
    assert inventory["postmortem:incident"]["INC-DUP"] == (
        "dup-a.html#incident-INC-DUP",
        "Dup A is the first by name",
    )


def test_all_incidents_are_in_the_inventory(built):
    inventory = load_inventory(built.outdir / "objects.inv")["postmortem:incident"]
    assert set(inventory) == {
        "INC-2024-017",
        "defaults",
        "INC-CASE",
        "PRJ-SEARCH",
        "INC-MISSING",
        "INC-BAD",
        "INC-PEOPLE",
        "INC-BADPEOPLE",
        "INC-BADREVIEW",
        "INC-NOTITLE",
        "INC-TWO-1",
        "INC-DUP",
        "sub-nested",
        "sub-section",
        "sametitle",
    }
    assert inventory["INC-2024-017"] == (
        "full.html#incident-INC-2024-017",
        "Checkout API returned 503s for EU customers",
    )
    assert inventory["sub-nested"] == ("sub/nested.html#incident-sub-nested", "Nested incident")
