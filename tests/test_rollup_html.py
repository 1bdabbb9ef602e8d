"""The roll-ups as rendered by the html builder: tables, lesson lists, links, filters.

Root ``test-rollups``: six post-mortems (one end-of-project review without
severity, in a sub-directory) and one page per roll-up with a section per
filter combination; ``reports/all`` holds roll-ups one directory down.
Root ``test-rollup-filters``: bad filter values (``postmortem.filter``).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from support.builds import build
from support.html import body_html, parse_html
from support.projects import copy_root
from support.rollups import (
    ROLLUP_PAGES,
    assert_link_target_exists,
    column,
    column_cells,
    expected_href,
    headers,
    incident_ids,
    keys,
    lesson_entries,
    lesson_groups,
    lesson_titles,
    lines,
    rollup_in,
    rollup_links,
    rows,
    section,
    table_of,
    under,
)

# Incident ids by post-mortem.
A, B, C, D, E, R = (
    "INC-2024-001",
    "INC-2024-002",
    "INC-2024-003",
    "INC-2023-010",
    "INC-2024-004",
    "PRJ-2024-01",
)
DOC_OF = {A: "inc-a", B: "inc-b", C: "inc-c", D: "inc-d", E: "inc-e", R: "archive/review"}

# Action item ids.
A1, A2 = f"{A}-A1", f"{A}-A2"
B1, B2 = f"{B}-A1", f"{B}-A2"
C1, C2, C3 = f"{C}-A1", f"{C}-A2", f"{C}-A3"
D1, E1, R1 = f"{D}-A1", f"{E}-A1", f"{R}-A1"

# Lesson titles.
CONFIG_L = "Config changes skipped the canary stage"
ROLLBACK = "Rollback was fast"
LOWTRAFFIC = "Low traffic hour"
DASHBOARDS = "Dashboards showed the spike"
IDEMPOTENCY = "Idempotency keys were not enforced"
FRAUD = "Fraud team noticed"
TTL = "TTL too long"
SCANNING = "Secret scanning caught it"
ROLLOUT = "Incremental rollout worked"

#: Every lesson in default order: newest incident first (ties by id), then page order.
ALL_LESSONS = [
    DASHBOARDS,
    IDEMPOTENCY,
    FRAUD,
    CONFIG_L,
    ROLLBACK,
    LOWTRAFFIC,
    ROLLOUT,
    SCANNING,
    TTL,
]
BODY_MARKERS = {
    CONFIG_L: "Canary-body-marker",
    ROLLBACK: "Rollback-body-marker",
    LOWTRAFFIC: "Lowtraffic-body-marker",
    DASHBOARDS: "Dashboards-body-marker",
    IDEMPOTENCY: "Idempotency-body-marker",
    FRAUD: "Fraud-body-marker",
    TTL: "TTL-body-marker",
    SCANNING: "Scanning-body-marker",
    ROLLOUT: "Rollout-body-marker",
}
LESSON_INCIDENT = {
    CONFIG_L: A,
    ROLLBACK: A,
    LOWTRAFFIC: A,
    DASHBOARDS: B,
    IDEMPOTENCY: C,
    FRAUD: C,
    TTL: D,
    SCANNING: E,
    ROLLOUT: R,
}
TITLES = {
    A: "Checkout API returned 503s",
    B: "Login latency spike",
    C: "Payment double charges",
    D: "DNS outage",
    E: "Leaked API key",
    R: "Migration to Kubernetes",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(copy_root("rollups", tmp_path_factory.mktemp("rollups-html") / "src"))


def incident_rollup(site, case):
    return rollup_in(section(site.dom("incidents.html"), case))


def action_rollup(site, case):
    return rollup_in(section(site.dom("actions.html"), case))


def lesson_rollup(site, case):
    return rollup_in(section(site.dom("lessons.html"), case))


def test_root_builds_without_warnings(site):
    assert site.warnings == []


# -- incident-list ------------------------------------------------------------------


def test_incident_list_default_columns_and_newest_first(site):
    rollup = incident_rollup(site, "default")
    # The incident's id with its title under it, then the key facts; no project column
    # (without imports there is one project).
    assert headers(rollup) == [
        "Incident",
        "Date",
        "Severity",
        "Status",
        "Services",
        "Duration",
        "Actions",
    ]
    assert keys(rollup, "Incident") == [B, C, A, R, E, D]
    assert under(rollup, "Incident") == [[TITLES[i]] for i in (B, C, A, R, E, D)]
    assert column(rollup, "Date") == [
        "2024-05-20",
        "2024-05-20",
        "2024-03-05",
        "2024-02-28",
        "2024-01-15",
        "2023-11-02",
    ]
    assert column(rollup, "Severity") == ["SEV3", "SEV1", "SEV2", "", "SEV4", "SEV1"]
    assert column(rollup, "Status") == [
        "in-review",
        "published",
        "published",
        "published",
        "draft",
        "published",
    ]
    assert column(rollup, "Services") == [
        "auth-service",
        "payments-gateway",
        "checkout-api, payments-gateway",
        "platform",
        "auth-service",
        "dns, checkout-api",
    ]
    # impact duration from the timeline (resolve - start); none without a timeline
    assert column(rollup, "Duration") == ["45m", "3h00m", "1h08m", "", "20m", ""]
    # open / total action items
    assert column(rollup, "Actions") == ["1/2", "3/3", "1/2", "1/1", "1/1", "0/1"]


def test_incident_list_labels_carry_css_classes(site):
    rollup = incident_rollup(site, "default")
    severity = column_cells(rollup, "Severity")[1].find("span")
    assert severity is not None and {"pm-label", "pm-sev-sev1"} <= set(severity.classes)
    status = column_cells(rollup, "Status")[4].find("span")
    assert status is not None and {"pm-label", "pm-status-draft"} <= set(status.classes)


def test_incident_list_rows_link_to_their_incident(site):
    rollup = incident_rollup(site, "default")
    for row, incident_id in zip(rows(rollup), [B, C, A, R, E, D], strict=True):
        record = site.domain.incident(DOC_OF[incident_id])
        href = expected_href("", record["docname"], record["anchor"])
        links = [a.attrs["href"] for cell in row for a in cell.links()]
        assert href in links, (incident_id, links)
        assert all(link == href for link in links)
        assert_link_target_exists(site.outdir, "incidents.html", href)


INCIDENT_ORDERS = {
    "sort-date": [D, E, R, A, B, C],
    "sort-severity": [D, C, A, B, E, R],
    "sort-severity-desc": [E, B, A, D, C, R],  # no severity: still last
    "sort-duration": [E, B, A, C, D, R],  # no timeline: last
    "sort-duration-desc": [C, A, B, E, D, R],
    "sort-title": [A, D, E, B, R, C],
    "sort-id-desc": [R, E, C, B, A, D],
    "sort-status": [E, B, D, A, C, R],
    "sort-type": [C, B, D, A, R, E],
    "sort-ttd": [E, A, B, C, D, R],
    "filter-severity": [C, A, D],
    "filter-status": [C, A, R, D],
    "filter-type": [B, A, D],
    "filter-services": [A, D],
    "filter-tags": [C, A],
    "filter-dates": [A, R, E],
    "filter-project": [R],
    "limit": [B, C],
    "combined": [A],
}


@pytest.mark.parametrize("case", sorted(INCIDENT_ORDERS))
def test_incident_list_sort_and_filter(site, case):
    assert incident_ids(incident_rollup(site, case)) == INCIDENT_ORDERS[case]


def test_incident_list_leaves_out_columns_no_row_fills(site):
    # An end-of-project review has no severity and no timeline (so no duration).
    rollup = incident_rollup(site, "filter-project")
    assert headers(rollup) == ["Incident", "Date", "Status", "Services", "Actions"]
    assert under(rollup, "Incident") == [[TITLES[R]]]


@pytest.fixture(scope="module")
def chosen_empty_site(tmp_path_factory):
    src = copy_root("rollups", tmp_path_factory.mktemp("rollups-chosen") / "src")
    (src / "chosen.rst").write_text(
        ":orphan:\n\nChosen\n======\n\n.. incident-list::\n   :type: project\n"
        "   :columns: id, severity, duration\n",
        encoding="utf-8",
    )
    return build(src)


def test_incident_list_chosen_columns_are_shown_even_when_empty(chosen_empty_site):
    rollup = rollup_in(chosen_empty_site.dom("chosen.html"))
    assert headers(rollup) == ["ID", "Severity", "Duration"]
    assert [cell.text() for cell in rows(rollup)[0]] == [R, "", ""]


def test_rollup_table_cells_are_classed_by_column_after_a_scroll_hint(site):
    rollup = incident_rollup(site, "default")
    hint = rollup.find("p", cls="pm-scroll-hint")
    assert hint is not None and "Scroll sideways" in hint.text()
    order = list(rollup.iter())
    assert order.index(hint) < order.index(table_of(rollup))
    first = rows(rollup)[0]
    assert [cell.classes for cell in first][:3] == [
        ["pm-col-incident"],
        ["pm-col-date"],
        ["pm-col-severity"],
    ]
    # What is shown under a key is a paragraph of its own, which the stylesheet makes smaller.
    assert [p.classes for p in first[0].find_all("p")] == [[], ["pm-cell-more"]]


def test_incident_list_chosen_columns(site):
    rollup = incident_rollup(site, "columns")
    assert headers(rollup) == [
        "ID",
        "Type",
        "Authors",
        "Tags",
        "Time to detect",
        "Time to acknowledge",
        "Time to mitigate",
        "Time to resolve",
        "Lessons",
    ]
    row_a = [cell.text() for cell in rows(rollup)[column(rollup, "ID").index(A)]]
    assert row_a == [
        A,
        "outage",
        "Dana Kim, Luis Ortega",
        "deploy, config-change",
        "7m",
        "3m",
        "29m",
        "1h08m",
        "3",
    ]


def test_incident_list_every_row_links_even_without_id_and_title_columns(site):
    rollup = incident_rollup(site, "columns-no-link")
    assert headers(rollup) == ["Date", "Severity"]
    assert len(rows(rollup)) == 6
    for row in rows(rollup):
        assert any(cell.links() for cell in row), [c.text() for c in row]


def test_incident_list_no_match_renders_text_not_table(site):
    rollup = incident_rollup(site, "nomatch")
    assert table_of(rollup) is None
    assert "No incidents match" in rollup.text()


# -- action-item-list ------------------------------------------------------------------


ACTION_ORDERS = {
    "default": [A1, C1, B1, R1, C2, C3, E1],
    "status-all": [D1, A2, A1, B2, C1, B1, R1, C2, C3, E1],
    "sort-due": [D1, A2, A1, B2, C1, B1, R1, C2, C3, E1],
    "status-closed": [D1, A2, B2],
    "overdue": [A1, C1],
    "owner": [A1, C3],
    "type": [A1, C1],
    "priority": [A1, C1, C2],
    "sort-priority": [C1, A1, C2, B1, R1, C3, E1],
    "sort-owner": [B1, A1, C3, C1, C2, R1, E1],
    "sort-incident": [A1, B1, C1, C2, C3, E1, R1],
    "combined": [A1],
    "limit": [A1, C1],
}


def test_action_item_list_columns(site):
    # The tracker key goes under the id; the incident and type under the title.
    assert headers(action_rollup(site, "default")) == [
        "ID",
        "Action",
        "Status",
        "Due",
        "Priority",
        "Owner",
    ]


@pytest.mark.parametrize("case", sorted(ACTION_ORDERS))
def test_action_item_list_sort_and_filter(site, case):
    assert keys(action_rollup(site, case), "ID") == ACTION_ORDERS[case]


def test_action_item_list_default_shows_only_open_and_in_progress(site):
    statuses = column(action_rollup(site, "default"), "Status")
    assert set(statuses) == {"open", "in-progress"}
    assert set(column(action_rollup(site, "status-all"), "Status")) == {
        "open",
        "in-progress",
        "done",
        "wont-do",
    }


def test_action_item_list_leaves_out_columns_no_row_fills(site):
    # The security team's item has neither priority nor due date.
    assert headers(action_rollup(site, "no-priority-no-due")) == ["ID", "Action", "Status", "Owner"]


def test_action_item_list_row_contents(site):
    rollup = action_rollup(site, "default")
    row = [lines(cell) for cell in rows(rollup)[0]]
    assert row == [
        [A1, "DEPLOY-1234"],
        ["Add automated canary analysis", f"{A} \N{MIDDLE DOT} prevent"],
        ["open"],
        ["2024-04-15", "overdue"],
        ["P1"],
        ["team-deploy"],
    ]
    # An item without a tracker key, incident type or due date has nothing under them.
    lines_of = dict(zip(keys(rollup, "ID"), rows(rollup), strict=True))
    assert [lines(cell) for cell in lines_of[E1]] == [
        [E1],
        ["Train new hires on secrets handling", f"{E} \N{MIDDLE DOT} process"],
        ["open"],
        [""],
        [""],
        ["team-security"],
    ]


def test_action_item_list_flags_overdue_items_only(site):
    rollup = action_rollup(site, "status-all")
    flagged = {}
    for id_, cell in zip(keys(rollup, "ID"), column_cells(rollup, "Due"), strict=True):
        label = cell.find("span", cls="pm-overdue")
        flagged[id_] = label is not None and "overdue" in label.text()
    # open and due before 2024-06-01; wont-do / done items are never overdue
    assert flagged == {
        D1: False,
        A2: False,
        A1: True,
        B2: False,
        C1: True,
        B1: False,
        R1: False,
        C2: False,
        C3: False,
        E1: False,
    }
    dues = dict(zip(keys(rollup, "ID"), column(rollup, "Due"), strict=True))
    assert dues[C2] == "" and dues[B2] == "2024-05-01"


def test_action_item_list_tracker_links_under_the_id(site):
    rollup = action_rollup(site, "default")
    trackers = {lines(cell)[0]: cell.find_all("p")[1:] for cell in column_cells(rollup, "ID")}
    assert [a.attrs["href"] for p in trackers[A1] for a in p.links()] == [
        "https://jira.example.com/browse/DEPLOY-1234"
    ]
    assert [a.attrs["href"] for p in trackers[C1] for a in p.links()] == [
        "https://tracker.example.com/issue/77"
    ]
    assert [a.attrs["href"] for p in trackers[R1] for a in p.links()] == [
        "https://jira.example.com/browse/PLAT-9"
    ]
    assert trackers[C2] == []


def test_action_item_list_links_to_item_and_incident(site):
    rollup = action_rollup(site, "default")
    for id_, id_cell, title_cell in zip(
        keys(rollup, "ID"), column_cells(rollup, "ID"), column_cells(rollup, "Action"), strict=True
    ):
        incident_id = id_.rsplit("-A", 1)[0]
        docname = DOC_OF[incident_id]
        action = next(a for a in site.domain.actions(docname) if a["id"] == id_)
        incident = site.domain.incident(docname)
        assert [a.attrs["href"] for a in id_cell.find("p").links()] == [
            expected_href("", docname, action["anchor"])
        ]
        origin = title_cell.find("p", cls="pm-cell-more")
        assert origin is not None and origin.text().startswith(incident_id)
        assert [a.attrs["href"] for a in origin.links()] == [
            expected_href("", docname, incident["anchor"])
        ]


def test_action_item_list_no_match(site):
    rollup = action_rollup(site, "nomatch")
    assert table_of(rollup) is None
    assert rollup.text().strip() != ""


# -- lesson-list ------------------------------------------------------------------------


def test_lesson_list_groups_by_kind_by_default(site):
    assert lesson_groups(lesson_rollup(site, "by-kind")) == [
        ("What went well", [DASHBOARDS, ROLLBACK, ROLLOUT, SCANNING]),
        ("What went wrong", [IDEMPOTENCY, CONFIG_L, TTL]),
        ("Where we got lucky", [FRAUD, LOWTRAFFIC]),
    ]


def test_lesson_list_group_by_tag_repeats_lessons_under_each_tag(site):
    # The untagged lesson is grouped under its incident's tags, the ones :tags: matches.
    assert lesson_groups(lesson_rollup(site, "by-tag")) == [
        ("config", [CONFIG_L]),
        ("config-change", [LOWTRAFFIC]),
        ("data", [IDEMPOTENCY]),
        ("deploy", [CONFIG_L, ROLLBACK, LOWTRAFFIC, ROLLOUT]),
        ("dns", [TTL]),
        ("migration", [ROLLOUT]),
        ("monitoring", [DASHBOARDS, FRAUD, SCANNING]),
        ("performance", [DASHBOARDS]),
        ("security", [SCANNING]),
    ]


def test_lesson_list_group_by_service(site):
    assert lesson_groups(lesson_rollup(site, "by-service")) == [
        ("auth-service", [DASHBOARDS, SCANNING]),
        ("checkout-api", [CONFIG_L, ROLLBACK, LOWTRAFFIC, TTL]),
        ("dns", [TTL]),
        ("payments-gateway", [IDEMPOTENCY, FRAUD, CONFIG_L, ROLLBACK, LOWTRAFFIC]),
        ("platform", [ROLLOUT]),
    ]


def test_lesson_list_group_by_incident(site):
    assert lesson_groups(lesson_rollup(site, "by-incident")) == [
        (f"{D}: {TITLES[D]}", [TTL]),
        (f"{A}: {TITLES[A]}", [CONFIG_L, ROLLBACK, LOWTRAFFIC]),
        (f"{B}: {TITLES[B]}", [DASHBOARDS]),
        (f"{C}: {TITLES[C]}", [IDEMPOTENCY, FRAUD]),
        (f"{E}: {TITLES[E]}", [SCANNING]),
        (f"{R}: {TITLES[R]}", [ROLLOUT]),
    ]


def test_lesson_list_group_by_none_has_no_headings(site):
    rollup = lesson_rollup(site, "ungrouped")
    assert lesson_groups(rollup) == [(None, ALL_LESSONS)]
    assert rollup.find(cls="rubric") is None


LESSON_SELECTIONS = {
    "filter-kind-tags": [CONFIG_L, LOWTRAFFIC],  # untagged: its incident's tags
    "filter-services": [CONFIG_L, ROLLBACK, LOWTRAFFIC, TTL],
    "filter-severity-since": [IDEMPOTENCY, FRAUD, CONFIG_L, ROLLBACK, LOWTRAFFIC],
    "filter-until": [ROLLOUT, SCANNING, TTL],
    "filter-type": [ROLLOUT],
    "filter-status": [SCANNING],  # :status: draft -> only INC-2024-004 is a draft
    "limit": [DASHBOARDS, IDEMPOTENCY, FRAUD],
}


@pytest.mark.parametrize("case", sorted(LESSON_SELECTIONS))
def test_lesson_list_filters(site, case):
    assert lesson_titles(lesson_rollup(site, case)) == LESSON_SELECTIONS[case]


def test_lesson_list_filtered_groups(site):
    assert lesson_groups(lesson_rollup(site, "filter-kind-tags")) == [
        ("What went wrong", [CONFIG_L]),
        ("Where we got lucky", [LOWTRAFFIC]),
    ]


def test_lesson_entries_have_body_kind_label_and_origin(site):
    entries = lesson_entries(lesson_rollup(site, "ungrouped"))
    assert [e.title for e in entries] == ALL_LESSONS
    kinds = {
        "went-well": "What went well",
        "went-wrong": "What went wrong",
        "lucky": "Where we got lucky",
    }
    for entry in entries:
        incident_id = LESSON_INCIDENT[entry.title]
        docname = DOC_OF[incident_id]
        record = next(le for le in site.domain.lessons(docname) if le["title"] == entry.title)
        assert entry.kind == kinds[record["kind"]]
        assert entry.body is not None and BODY_MARKERS[entry.title] in entry.body.text()
        assert entry.source == f"from {incident_id}: {TITLES[incident_id]}"
        href = expected_href("", docname, record["anchor"])
        assert entry.source_href == href
        assert entry.title_href == href
        assert_link_target_exists(site.outdir, "lessons.html", href)


def test_lesson_body_keeps_its_markup(site):
    entries = {e.title: e for e in lesson_entries(lesson_rollup(site, "ungrouped"))}
    body = entries[CONFIG_L].body
    hrefs = [a.attrs["href"] for a in body.links()]
    assert "https://runbook.example.com/canary" in hrefs
    incident_c = site.domain.incident("inc-c")
    assert expected_href("", "inc-c", incident_c["anchor"]) in hrefs
    assert TITLES[C] in body.text()  # the role shows the incident title


def test_lesson_body_links_point_to_the_right_page(site):
    # Rollback's body links to its own incident: from lessons.html that is
    # inc-a.html#..., not a bare #fragment (which would point into lessons.html).
    entries = {e.title: e for e in lesson_entries(lesson_rollup(site, "ungrouped"))}
    incident_a = site.domain.incident("inc-a")
    hrefs = [a.attrs["href"] for a in entries[ROLLBACK].body.links()]
    assert hrefs == [expected_href("", "inc-a", incident_a["anchor"])]


def test_lesson_body_local_and_document_links_keep_their_targets(site):
    # A link to a section of the lesson's own page and a relative :doc: link
    # still point at the post-mortem's page / directory from any roll-up page.
    for page, prefix in (("lessons.html", ""), ("reports/all.html", "../")):
        dom = site.dom(page)
        case = "ungrouped" if page == "lessons.html" else "lessons"
        entries = {e.title: e for e in lesson_entries(rollup_in(section(dom, case)))}
        canary = [a.attrs["href"] for a in entries[CONFIG_L].body.links()]
        assert f"{prefix}inc-a.html#timeline" in canary
        rollout = [a.attrs["href"] for a in entries[ROLLOUT].body.links()]
        assert rollout == [f"{prefix}archive/notes.html"]
        assert entries[ROLLOUT].body.find("a").text() == "Migration notes"


def test_lesson_list_summary_only_has_no_bodies(site):
    rollup = lesson_rollup(site, "summary-only")
    entries = lesson_entries(rollup)
    assert [e.title for e in entries] == ALL_LESSONS
    assert all(e.body is None for e in entries)
    text = rollup.text()
    assert not any(marker in text for marker in BODY_MARKERS.values())
    assert all(e.source.startswith("from ") and e.source_href for e in entries)


def test_lesson_list_no_match(site):
    rollup = lesson_rollup(site, "nomatch")
    assert lesson_entries(rollup) == []
    assert rollup.text().strip() != ""


# -- every link of every roll-up; roll-ups one directory down ---------------------------------


@pytest.mark.parametrize("page", ROLLUP_PAGES)
def test_every_rollup_link_resolves(site, page):
    filename = f"{page}.html"
    links = rollup_links(site.dom(filename))
    assert len(links) > 5
    for href in links:
        assert_link_target_exists(site.outdir, filename, href)


@pytest.mark.parametrize("page", ["lessons", "reports/all"])
def test_every_link_in_lesson_bodies_resolves(site, page):
    filename = f"{page}.html"
    links = rollup_links(site.dom(filename), in_bodies=True)
    assert len(links) >= 2
    for href in links:
        assert_link_target_exists(site.outdir, filename, href)


@pytest.mark.parametrize("page", ROLLUP_PAGES)
def test_no_duplicate_ids_on_rollup_pages(site, page):
    ids = re.findall(r'\bid="([^"]+)"', body_html(site.html(f"{page}.html")))
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert duplicates == []


def test_rollups_in_a_subdirectory_link_upwards(site):
    dom = site.dom("reports/all.html")
    incidents = rollup_in(section(dom, "incidents"))
    assert keys(incidents, "Incident") == [C, A]
    hrefs = {a.attrs["href"] for a in column_cells(incidents, "Incident")[1].links()}
    assert hrefs == {f"../inc-a.html#{site.domain.incident('inc-a')['anchor']}"}

    lessons = rollup_in(section(dom, "lessons"))
    entries = lesson_entries(lessons)
    assert [e.title for e in entries] == [CONFIG_L, ROLLBACK, LOWTRAFFIC, ROLLOUT]
    review = site.domain.lessons("archive/review")[0]
    assert entries[3].title_href == f"../archive/review.html#{review['anchor']}"

    actions = rollup_in(section(dom, "actions"))
    assert keys(actions, "ID") == [A1, C1]


def test_link_from_a_subdirectory_post_mortem(site):
    rollup = incident_rollup(site, "filter-project")
    record = site.domain.incident("archive/review")
    assert {a.attrs["href"] for a in rows(rollup)[0][0].links()} == {
        f"archive/review.html#{record['anchor']}"
    }


# -- the Incident index ----------------------------------------------------------------------


def test_incident_index_page_sorted_newest_first(site):
    path = site.outdir / "postmortem-incidents.html"
    assert path.is_file()
    dom = parse_html(body_html(path.read_text(encoding="utf-8")))
    assert "Incident index" in dom.text()
    entries = [a.text() for a in dom.find_all("a") if ": " in a.text()]
    assert [e.split(":")[0] for e in entries] == [B, C, A, R, E, D]
    for a in dom.find_all("a"):
        if ": " in a.text():
            assert_link_target_exists(site.outdir, "postmortem-incidents.html", a.attrs["href"])


def test_incident_index_is_linkable_with_ref(site):
    dom = parse_html(body_html(site.html("index.html")))
    links = [a for a in dom.find_all("a") if a.attrs.get("href") == "postmortem-incidents.html"]
    assert [a.text() for a in links] == ["Incident index"]


# -- filter warnings ------------------------------------------------------------------------

FILTER_WARNINGS = {
    "severity": ["unknown severity 'SEV9'"],
    "since": ["invalid :since: '2024-13-01'"],
    "sort": ["'colour'", "column 'colour'", ":limit: 'zero'"],
    "range": [
        "2024-06-01",
    ],
    "group": [":group-by: 'planet'", "lesson kind 'meh'", ":until: '2024-02-30'"],
    "actions": ["'closed'", ":sort: 'cost'", "priority 'P9'", "'nope'"],
}


@pytest.fixture(scope="module")
def filters_site(tmp_path_factory):
    return build(copy_root("rollup-filters", tmp_path_factory.mktemp("filters") / "src"))


def directive_lines(path) -> dict[str, int]:
    """Section name -> line number of the roll-up directive in it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, current = {}, None
    for number, line in enumerate(lines, start=1):
        if set(line) == {"-"} and number > 1:
            current = lines[number - 2]
        elif line.startswith(".. ") and current:
            found[current] = number
    return found


def test_filter_warnings_have_text_type_and_location(filters_site):
    lines = directive_lines(filters_site.srcdir / "filters.rst")
    pattern = re.compile(r"^(?P<path>.+):(?P<line>\d+): WARNING: (?P<msg>.*) \[(?P<type>[^\]]+)\]$")
    parsed = []
    for warning in filters_site.warnings:
        match = pattern.match(warning)
        assert match, f"warning without file:line location: {warning}"
        parsed.append(match)
    assert all(m["type"] == "postmortem.filter" for m in parsed), filters_site.warnings
    assert all(m["path"].endswith("filters.rst") for m in parsed)
    by_line: dict[int, list[str]] = {}
    for m in parsed:
        by_line.setdefault(int(m["line"]), []).append(m["msg"])
    assert sorted(by_line) == sorted(lines[name] for name in FILTER_WARNINGS)
    for name, fragments in FILTER_WARNINGS.items():
        messages = by_line[lines[name]]
        assert len(messages) == len(fragments), messages
        for fragment in fragments:
            assert any(fragment in m for m in messages), (fragment, messages)


def test_filter_warning_names_allowed_values(filters_site):
    text = "\n".join(filters_site.warnings)
    assert "SEV1, SEV2, SEV3, SEV4" in text
    assert "went-well, went-wrong, lucky" in text
    assert "P0, P1, P2, P3" in text


def test_rollups_still_render_after_filter_warnings(filters_site):
    dom = filters_site.dom("filters.html")
    assert keys(rollup_in(section(dom, "severity")), "Incident") == ["INC-1"]
    assert keys(rollup_in(section(dom, "since")), "Incident") == ["INC-2", "INC-1"]
    sort = rollup_in(section(dom, "sort"))
    assert headers(sort) == ["ID"]
    assert column(sort, "ID") == ["INC-2", "INC-1"]
    range_ = rollup_in(section(dom, "range"))
    assert table_of(range_) is None and "No incidents match" in range_.text()
    assert lesson_groups(rollup_in(section(dom, "group"))) == [
        ("Where we got lucky", ["Replica was warm"])
    ]
    assert keys(rollup_in(section(dom, "actions")), "ID") == ["INC-1-A1"]


def test_filter_warnings_can_be_suppressed(tmp_path):
    result = build(
        copy_root("rollup-filters", tmp_path / "src"),
        confoverrides={"suppress_warnings": ["postmortem.filter"]},
    )
    assert result.warnings == []
    assert (result.outdir / "filters.html").is_file()
