"""The ``action-item`` directive: ids, options, tracker links, overdue label.

Test root: tests/roots/test-core-actions/ (postmortem_today = 2024-06-01,
postmortem_tracker_url = https://jira.example.com/browse/{key}).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from support.builds import build, domain_of, read
from support.fixtures import built_root, root_app_fixture
from support.html import field_html, panel_fields
from support.projects import copy_root, load_inventory
from support.warnings import assert_warned, pm_warnings

ALL_IDS = [
    "INC-ACT-A1",
    "CUSTOM-7",
    "INC-ACT-A3",
    "INC-ACT-A4",
    "INC-ACT-A5",
    "INC-ACT-A6",
    "INC-ACT-A7",
    "INC-ACT-A8",
]


built = root_app_fixture("core-actions")


def action_block(page: str, action_id: str) -> str:
    """The HTML of one action item block."""
    start = page.index(f'id="action-{action_id}"')
    start = page.rindex("<div", 0, start)
    ends = [
        i
        for i in (page.find('<div class="pm-action ', start + 1), page.find("</section>", start))
        if i != -1
    ]
    return page[start : min(ends)]


def overdue_ids(page: str) -> list[str]:
    return [i for i in ALL_IDS if "pm-overdue" in action_block(page, i)]


# -- records and ids -------------------------------------------------------------------


def test_full_action_record(built):
    first = domain_of(built).actions("actions")[0]
    assert first == {
        "id": "INC-ACT-A1",
        "title": "Add automated canary analysis",
        "owner": "team-deploy",
        "type": "prevent",
        "priority": "P1",
        "due": "2024-04-15",
        "status": "open",
        "tracker": "DEPLOY-1234",
        "tracker_url": "https://jira.example.com/browse/DEPLOY-1234",
        "tags": [],
        "services": [],
        "body": "Optional body text.",
        "docname": "actions",
        "anchor": "action-INC-ACT-A1",
        "lineno": 9,
    }


def test_default_ids_follow_page_order(built):
    assert [a["id"] for a in domain_of(built).actions("actions")] == ALL_IDS
    assert [a["id"] for a in domain_of(built).actions("badactions")] == [
        "INC-BADACT-A1",
        "INC-BADACT-A2",
        "INC-BADACT-A3",
        "INC-BADACT-A4",
        "CUSTOM-7",
    ]


def test_default_id_uses_the_page_incident_even_when_declared_later(built):
    """Contract: default id is ``<incident id>-A<n>``; the item belongs to the page's incident."""
    ids = [a["id"] for a in domain_of(built).actions("late")]
    assert ids == ["INC-LATE-A1", "INC-LATE-A2"]


def test_status_defaults_to_open_and_unset_options_are_none(built):
    six = domain_of(built).actions("actions")[5]
    assert six["id"] == "INC-ACT-A6"
    assert (six["status"], six["type"], six["priority"], six["tracker"]) == (
        "open",
        None,
        None,
        None,
    )


def test_choices_match_case_insensitively(built):
    third = domain_of(built).actions("actions")[2]
    assert (third["status"], third["priority"], third["type"]) == ("in-progress", "P2", "process")


def test_missing_owner_warns(built):
    assert domain_of(built).actions("actions")[2]["owner"] is None
    assert_warned(built, "actions.rst", 27, "INC-ACT-A3 has no :owner:", "postmortem.option")
    owners = [w for w in pm_warnings(built) if "has no :owner:" in w.message]
    assert len(owners) == 1


def test_unknown_values_warn_naming_the_allowed_values(built):
    bad = domain_of(built).actions("badactions")[0]
    assert (bad["type"], bad["priority"], bad["status"], bad["due"]) == (None, None, "open", None)
    assert_warned(
        built,
        "badactions.rst",
        9,
        "unknown :type: 'bogus'; allowed values: mitigate, prevent, detect, process",
        "postmortem.option",
    )
    assert_warned(
        built,
        "badactions.rst",
        9,
        "unknown :priority: 'P9'; allowed values: P0, P1, P2, P3",
        "postmortem.option",
    )
    assert_warned(
        built,
        "badactions.rst",
        9,
        "unknown :status: 'closed'; allowed values: open, in-progress, done, wont-do",
        "postmortem.option",
    )
    assert_warned(built, "badactions.rst", 9, "invalid :due: '2024-13-01'", "postmortem.option")


def test_every_warning_of_the_root(built):
    found = [(w.file, w.line, w.type) for w in pm_warnings(built)]
    assert found == [
        ("actions.rst", 27, "postmortem.option"),
        ("badactions.rst", 9, "postmortem.option"),
        ("badactions.rst", 9, "postmortem.option"),
        ("badactions.rst", 9, "postmortem.option"),
        ("badactions.rst", 9, "postmortem.option"),
        ("badactions.rst", 16, "postmortem.option"),
        ("badactions.rst", 20, "postmortem.option"),
        ("badactions.rst", 24, "postmortem.option"),
        ("badactions.rst", 28, "postmortem.duplicate_id"),
        ("samepage.rst", 13, "postmortem.duplicate_id"),
    ]


def test_duplicate_action_id_across_pages(built):
    warning = assert_warned(
        built,
        "badactions.rst",
        28,
        "duplicate action item id 'CUSTOM-7'",
        "postmortem.duplicate_id",
    )
    assert "already used in actions (line 19)" in warning.message
    domain = domain_of(built)
    assert domain.winning_actions()["CUSTOM-7"]["docname"] == "actions"
    inventory = load_inventory(built.outdir / "objects.inv")["postmortem:action-item"]
    assert inventory["CUSTOM-7"] == (
        "actions.html#action-CUSTOM-7",
        "Custom id and full URL tracker",
    )
    assert {*ALL_IDS, "INC-BADACT-A1", "INC-BADACT-A2", "INC-BADACT-A3", "INC-BADACT-A4"} <= set(
        inventory
    )
    assert [o[3] for o in domain.get_objects() if o[0] == "CUSTOM-7"] == ["actions"]


def test_duplicate_action_id_on_the_same_page(built):
    warning = assert_warned(
        built, "samepage.rst", 13, "duplicate action item id 'SAME-1'", "postmortem.duplicate_id"
    )
    assert "already used in samepage (line 9)" in warning.message
    assert domain_of(built).winning_actions()["SAME-1"]["title"] == "First holder of the id"
    page = read(built, "samepage.html")
    # the HTML ids stay unique; the first item keeps the id-based anchor
    assert page.count('id="action-SAME-1"') == 1
    assert page.index('id="action-SAME-1"') < page.index("First holder of the id")
    assert page.index("First holder of the id") < page.index("Second holder of the id")


# -- rendering ---------------------------------------------------------------------------


def test_action_block(built):
    block = action_block(read(built, "actions.html"), "INC-ACT-A1")
    assert block.startswith('<div class="pm-action pm-action-open')
    assert '<span class="pre">INC-ACT-A1</span>' in block
    assert "<strong>Add automated canary analysis</strong>" in block
    fields = dict(
        re.findall(
            r"<dt[^>]*>(\w+)<span class=\"colon\">:</span></dt>\s*<dd[^>]*><p>(.*?)</p>",
            block,
            re.S,
        )
    )
    assert fields["Owner"] == "team-deploy"
    assert fields["Type"] == "prevent"
    assert fields["Priority"] == '<span class="pm-label pm-priority pm-priority-p1">P1</span>'
    assert fields["Due"].startswith("2024-04-15")
    assert fields["Status"] == (
        '<span class="pm-label pm-action-status pm-action-status-open">open</span>'
    )
    assert "<p>Optional <em>body</em> text.</p>" in block


@pytest.mark.parametrize(
    ("action_id", "status"),
    [
        ("INC-ACT-A1", "open"),
        ("INC-ACT-A3", "in-progress"),
        ("INC-ACT-A4", "done"),
        ("INC-ACT-A5", "wont-do"),
    ],
)
def test_status_is_the_block_class_and_a_field_written_out(built, action_id, status):
    """The stylesheet colours the block's bar by its class; the text says the same."""
    block = action_block(read(built, "actions.html"), action_id)
    assert block.startswith(f'<div class="pm-action pm-action-{status}')
    assert (
        f'<span class="pm-label pm-action-status pm-action-status-{status}">{status}</span>'
    ) in block


def test_tags_and_services_are_lists_shown_after_the_body(built):
    last = domain_of(built).actions("actions")[-1]
    assert (last["tags"], last["services"]) == (["deploy", "Config"], ["checkout-api"])
    block = action_block(read(built, "actions.html"), "INC-ACT-A8")
    assert re.findall(r'<span class="pm-tag">([^<]*)</span>', block) == ["deploy", "Config"]
    # the ", " between tags is kept, marked for the stylesheet to hide between the pills
    assert '<span class="pm-tag">deploy</span><span class="pm-sep">, </span>' in block
    assert '<p class="pm-services">Services: <span class="pm-service">checkout-api</span></p>' in (
        block
    )
    assert "pm-tags" not in action_block(read(built, "actions.html"), "INC-ACT-A1")


def test_tracker_key_goes_through_the_tracker_url(built):
    block = action_block(read(built, "actions.html"), "INC-ACT-A1")
    assert 'href="https://jira.example.com/browse/DEPLOY-1234"' in block
    assert ">DEPLOY-1234</a>" in block


def test_tracker_key_is_url_quoted(built):
    block = action_block(read(built, "actions.html"), "INC-ACT-A8")
    assert 'href="https://jira.example.com/browse/A%20B%2F1%262"' in block
    assert ">A B/1&amp;2</a>" in block


def test_full_http_url_is_used_as_is(built):
    block = action_block(read(built, "actions.html"), "CUSTOM-7")
    assert 'href="https://github.com/example/repo/issues/12"' in block
    assert "jira.example.com" not in block


@pytest.mark.parametrize(
    ("index", "line", "tracker"),
    [
        (1, 16, "javascript:alert(1)"),
        (2, 20, "ftp://files.example.com/x"),
        (3, 24, "data:text/html,<b>x</b>"),
    ],
)
def test_non_http_tracker_is_refused_with_a_warning(built, index, line, tracker):
    action = domain_of(built).actions("badactions")[index]
    assert action["tracker"] == tracker
    assert action["tracker_url"] is None
    assert_warned(
        built,
        "badactions.rst",
        line,
        f"tracker {tracker!r} is not an http(s) URL",
        "postmortem.option",
    )
    page = read(built, "badactions.html")
    block = action_block(page, action["id"])
    assert "href" not in block
    assert "<b>x</b>" not in page
    assert 'href="javascript' not in page.lower()
    assert 'href="data:' not in page.lower()


def test_overdue_label_against_postmortem_today(built):
    page = read(built, "actions.html")
    # A1 due 2024-04-15 open; A3 due 2024-05-31 in-progress; A7 due 2024-05-31 open.
    # Not overdue: CUSTOM-7 (due later), A4 done, A5 wont-do, A6 due on the build date,
    # A8 no due date.
    assert overdue_ids(page) == ["INC-ACT-A1", "INC-ACT-A3", "INC-ACT-A7"]
    block = action_block(page, "INC-ACT-A1")
    assert '2024-04-15 <span class="pm-label pm-overdue pm-overdue-overdue">overdue</span>' in block


def test_panel_counts_open_and_total_action_items(built):
    page = read(built, "actions.html")
    assert panel_fields(page, "INC-ACT")["Action items"] == "6 open / 8 total"
    assert 'href="#action-INC-ACT-A1"' in field_html(page, "INC-ACT", "Action items")


# -- build date: postmortem_today, SOURCE_DATE_EPOCH, today ------------------------------


def epoch(day: str) -> str:
    moment = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)
    return str(int(moment.timestamp()) + 3600)


def build_overdue(tmp_path_factory, **kwargs) -> list[str]:
    with built_root(tmp_path_factory, "core-actions", **kwargs) as app:
        return overdue_ids(read(app, "actions.html"))


def test_other_postmortem_today(tmp_path_factory, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_overdue(tmp_path_factory, confoverrides={"postmortem_today": "2024-04-16"}) == [
        "INC-ACT-A1",
    ]
    assert build_overdue(tmp_path_factory, confoverrides={"postmortem_today": "2024-04-15"}) == []


def test_source_date_epoch(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-04-20"))
    assert build_overdue(tmp_path_factory, confoverrides={"postmortem_today": None}) == [
        "INC-ACT-A1",
    ]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-07-02"))
    assert build_overdue(tmp_path_factory, confoverrides={"postmortem_today": None}) == [
        "INC-ACT-A1",
        "CUSTOM-7",
        "INC-ACT-A3",
        "INC-ACT-A6",
        "INC-ACT-A7",
    ]


def test_postmortem_today_wins_over_source_date_epoch(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-07-02"))
    assert build_overdue(tmp_path_factory, confoverrides={"postmortem_today": "2024-04-20"}) == [
        "INC-ACT-A1",
    ]


def test_today_when_nothing_is_configured(tmp_path_factory, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    today = dt.date.today().isoformat()
    expected = [
        i
        for i, due, closed in [
            ("INC-ACT-A1", "2024-04-15", False),
            ("CUSTOM-7", "2024-07-01", False),
            ("INC-ACT-A3", "2024-05-31", False),
            ("INC-ACT-A4", "2024-01-01", True),
            ("INC-ACT-A5", "2024-01-01", True),
            ("INC-ACT-A6", "2024-06-01", False),
            ("INC-ACT-A7", "2024-05-31", False),
        ]
        if not closed and due < today
    ]
    assert build_overdue(tmp_path_factory, confoverrides={"postmortem_today": None}) == expected


def test_tracker_key_without_tracker_url_is_plain_text(tmp_path_factory):
    overrides = {"postmortem_tracker_url": None}
    with built_root(tmp_path_factory, "core-actions", confoverrides=overrides) as app:
        page = read(app, "actions.html")
        first = action_block(page, "INC-ACT-A1")
        assert "DEPLOY-1234" in first
        assert "href" not in first
        assert domain_of(app).actions("actions")[0]["tracker_url"] is None
        # a full URL is still linked
        assert 'href="https://github.com/example/repo/issues/12"' in action_block(page, "CUSTOM-7")


# -- compact action items --------------------------------------------------------------


@pytest.fixture(scope="module")
def compact(tmp_path_factory):
    overrides = {"postmortem_action_items_compact": True}
    with built_root(tmp_path_factory, "core-actions", confoverrides=overrides) as app:
        yield app


def action_tables(page: str) -> list[str]:
    return re.findall(r'<table class="pm-table pm-action-table.*?</table>', page, re.S)


def test_compact_shows_adjacent_action_items_as_one_table(compact):
    page = read(compact, "actions.html")
    (table,) = action_tables(page)
    assert 'class="pm-action ' not in page
    headers = re.findall(r'<th class="head pm-col-(\w+)"', table)
    assert headers == ["id", "title", "owner", "priority", "due", "status", "tracker"]
    rows = re.findall(
        r'<tr class="pm-action-row pm-action-([\w-]+)[^"]*" id="action-([\w-]+)"', table
    )
    assert [anchor for _status, anchor in rows] == ALL_IDS
    assert rows[2][0] == "in-progress"
    assert "<p>Optional <em>body</em> text.</p>" in table  # the body stays, under the title


def test_compact_rows_keep_overdue_label_status_label_and_tracker_link(compact):
    (table,) = action_tables(read(compact, "actions.html"))
    first = table[
        table.index('id="action-INC-ACT-A1"') : table.index(
            "</tr>", table.index('id="action-INC-ACT-A1"')
        )
    ]
    assert "pm-overdue" in first
    assert '<span class="pm-label pm-action-status pm-action-status-open">open</span>' in first
    assert 'href="https://jira.example.com/browse/DEPLOY-1234"' in first


def test_compact_leaves_out_columns_empty_in_every_row(compact):
    (table,) = action_tables(read(compact, "samepage.html"))
    assert re.findall(r'<th class="head pm-col-(\w+)"', table) == ["id", "title", "owner", "status"]


def test_compact_rows_take_the_settled_default_ids(compact):
    page = read(compact, "late.html")
    assert len(action_tables(page)) == 2  # the incident between them splits the run
    assert ">INC-LATE-A1<" in page and ">INC-LATE-A2<" in page


def test_references_land_on_compact_rows(compact):
    page = read(compact, "references.html")
    assert 'href="actions.html#action-INC-ACT-A1"' in page
    assert 'href="actions.html#action-CUSTOM-7"' in page


def test_compact_is_off_by_default(built):
    assert action_tables(read(built, "actions.html")) == []
    assert 'class="pm-action pm-action-open' in read(built, "actions.html")


def test_compact_setting_of_a_wrong_type_warns_and_keeps_the_blocks(tmp_path_factory):
    overrides = {"postmortem_action_items_compact": ["yes"]}
    with built_root(tmp_path_factory, "core-actions", confoverrides=overrides) as app:
        warnings = [w for w in app._warning.getvalue().splitlines() if "compact" in w]
        assert len(warnings) == 1 and "must be True or False" in warnings[0], warnings
        assert "[postmortem.config]" in warnings[0]
        assert action_tables(read(app, "actions.html")) == []


def test_turning_compact_on_rewrites_the_pages_without_reading_them_again(tmp_path):
    """Compact tables are made when pages are written: the setting is not part of what
    was read, so changing it rewrites the pages and reads none of them again."""
    srcdir = copy_root("core-actions", tmp_path / "core-actions")
    assert action_tables((build(srcdir).outdir / "actions.html").read_text()) == []
    rebuilt = build(srcdir, freshenv=False, postmortem_action_items_compact=True)
    assert not re.search(r"reading sources\.\.\. \[", rebuilt.status)  # no page read
    (table,) = action_tables((rebuilt.outdir / "actions.html").read_text())
    assert 'id="action-INC-ACT-A1"' in table
