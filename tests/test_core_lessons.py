"""The ``lesson`` directive, and directives on a page without an incident (orphans).

Test roots: tests/roots/test-core-lessons/, tests/roots/test-core-orphan/.
"""

from __future__ import annotations

import re

import pytest
from support.builds import domain_of, read
from support.contains import assert_contains
from support.fixtures import root_app_fixture
from support.html import panel_fields
from support.warnings import assert_warned, pm_warnings

lessons = root_app_fixture("core-lessons")
lessons_text = root_app_fixture("core-lessons", buildername="text")
orphans = root_app_fixture("core-orphan")


def admonition(page: str, anchor: str) -> str:
    start = page.rindex("<div", 0, page.index(f'id="{anchor}"'))
    end = page.find('<div class="pm-lesson ', start + 1)
    return page[start : end if end != -1 else page.index("</section>", start)]


# -- lessons ---------------------------------------------------------------------------


def test_lesson_records(lessons):
    records = domain_of(lessons).lessons("index")
    assert records[0]["body_digest"]  # changes when the body's markup changes
    assert {k: v for k, v in records[0].items() if k != "body_digest"} == {
        "title": "Config changes skipped the canary stage",
        "kind": "went-wrong",
        "tags": ["deploy", "config"],
        "services": [],
        "body": "Body explaining the lesson with emphasis.\n\nA second paragraph.",
        "docname": "index",
        "anchor": "lesson-Config-changes-skipped-the-canary-stage",
        "lineno": 9,
        "body_cacheable": True,  # plain markup: roll-ups may reuse its HTML
    }
    assert [(r["title"], r["kind"], r["tags"], r["lineno"]) for r in records[1:3]] == [
        ("Rollback was quick", "went-well", [], 17),
        ("The backup happened to be fresh", "lucky", ["backup"], 22),  # :kind: Lucky
    ]


@pytest.mark.parametrize(
    ("anchor", "kind", "label"),
    [
        (
            "lesson-Config-changes-skipped-the-canary-stage",
            "went-wrong",
            "What went wrong: Config changes skipped the canary stage",
        ),
        ("lesson-Rollback-was-quick", "went-well", "What went well: Rollback was quick"),
        (
            "lesson-The-backup-happened-to-be-fresh",
            "lucky",
            "Where we got lucky: The backup happened to be fresh",
        ),
    ],
)
def test_lesson_is_an_admonition_with_its_kind_labelled(lessons, anchor, kind, label):
    block = admonition(read(lessons, "index.html"), anchor)
    assert block.startswith(f'<div class="pm-lesson pm-lesson-{kind} admonition"')
    assert f'<p class="admonition-title">{label}</p>' in block


def test_lesson_tags_and_body(lessons):
    block = admonition(
        read(lessons, "index.html"), "lesson-Config-changes-skipped-the-canary-stage"
    )
    assert re.findall(r'<span class="pm-tag">([^<]*)</span>', block) == ["deploy", "config"]
    assert "<p>Body explaining the lesson with <em>emphasis</em>.</p>" in block
    assert "<p>A second paragraph.</p>" in block
    assert "pm-tag" not in admonition(read(lessons, "index.html"), "lesson-Rollback-was-quick")


def test_tags_are_pills_with_their_separators_marked_for_the_stylesheet(lessons):
    """In HTML the ", " between two tags is an inline the stylesheet hides between the pills."""
    block = admonition(
        read(lessons, "index.html"), "lesson-Config-changes-skipped-the-canary-stage"
    )
    assert (
        '<p class="pm-tags">Tags: <span class="pm-tag">deploy</span>'
        '<span class="pm-sep">, </span><span class="pm-tag">config</span></p>'
    ) in block


def test_text_output_reads_the_kind_the_title_and_the_tags(lessons_text):
    text = read(lessons_text, "index.txt")
    assert "What went wrong: Config changes skipped the canary stage" in text
    assert "Tags: deploy, config" in text
    assert "Where we got lucky: The backup happened to be fresh" in text


def test_lesson_services_are_a_list_shown_after_the_tags(lessons):
    last = domain_of(lessons).lessons("index")[-1]
    assert last["services"] == ["Search-API", "indexer"]
    block = admonition(read(lessons, "index.html"), "lesson-Lesson-with-unknown-kind")
    assert re.findall(r'<span class="pm-service">([^<]*)</span>', block) == [
        "Search-API",
        "indexer",
    ]
    assert '<p class="pm-services">Services: ' in block
    assert "pm-service" not in admonition(
        read(lessons, "index.html"), "lesson-Config-changes-skipped-the-canary-stage"
    )


def test_kind_is_required(lessons):
    warning = assert_warned(lessons, "index.rst", 26, "lesson: missing :kind:", "postmortem.option")
    assert "went-well, went-wrong, lucky" in warning.message
    # still rendered (the extension labels it with its fallback kind)
    assert "Lesson without kind" in read(lessons, "index.html")
    assert "Missing kind body." in read(lessons, "index.html")


def test_unknown_kind_names_the_allowed_values(lessons):
    assert_warned(
        lessons,
        "index.rst",
        30,
        "unknown :kind: 'so-so'; allowed values: went-well, went-wrong, lucky",
        "postmortem.option",
    )
    assert [(w.file, w.line) for w in pm_warnings(lessons)] == [
        ("index.rst", 26),
        ("index.rst", 30),
    ]


def test_panel_counts_lessons(lessons):
    page = read(lessons, "index.html")
    fields = panel_fields(page, "INC-LES")
    assert fields["Lessons"] == "5"
    assert "Action items" not in fields


# -- orphans ---------------------------------------------------------------------------


def test_directives_without_incident_warn_as_orphans(orphans):
    found = sorted((w.file, w.line, w.type) for w in pm_warnings(orphans))
    assert found == [
        ("orphans.rst", 6, "postmortem.orphan"),  # the timeline (its first entry)
        ("orphans.rst", 9, "postmortem.orphan"),
        ("orphans.rst", 12, "postmortem.orphan"),
    ]
    assert_warned(
        orphans,
        "orphans.rst",
        9,
        "action-item 'An orphan follow-up' is on a page without an incident",
        "postmortem.orphan",
    )
    assert_warned(
        orphans,
        "orphans.rst",
        12,
        "lesson 'An orphan lesson' is on a page without an incident",
        "postmortem.orphan",
    )
    assert_warned(
        orphans, "orphans.rst", 6, "timeline is on a page without an incident", "postmortem.orphan"
    )


def test_orphans_still_render(orphans):
    page = read(orphans, "orphans.html")
    assert_contains(
        page,
        "pm-timeline-list",
        "Something started.",
        '<div class="pm-action pm-action-open',
        "An orphan follow-up",
        'class="pm-lesson pm-lesson-lucky admonition"',
        "Where we got lucky: An orphan lesson",
    )
    assert "pm-panel" not in page
    domain = domain_of(orphans)
    assert domain.incident("orphans") is None
    assert [a["id"] for a in domain.actions("orphans")] == ["orphans-A1"]


def test_same_directives_with_an_incident_do_not_warn(orphans):
    assert [w for w in pm_warnings(orphans) if w.file == "fine.rst"] == []
    domain = domain_of(orphans)
    assert [a["id"] for a in domain.actions("fine")] == ["INC-FINE-A1"]
    # the first time-only entry takes the incident date
    assert domain.timeline("fine")[0]["when"] == "2024-03-05T14:02:00+00:00"
