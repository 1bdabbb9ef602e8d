"""The completeness check: ``postmortem.missing_section`` for sections a report lacks.

Test roots: ``test-completeness`` (default settings; pages complete, incomplete,
draft, project reviews) and ``test-completeness-config`` (required sections
set in conf.py); ``postmortem_required_fields`` is set per test (the page
``fields.rst`` gives every field but a scribe).

Every warning is at the ``incident`` directive of its page.
"""

from __future__ import annotations

import pytest
from support import ROOTS
from support.builds import build_root
from support.warnings import parse_warnings

TYPE = "postmortem.missing_section"


def incident_line(root: str, file: str) -> int:
    lines = (ROOTS / f"test-{root}" / file).read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, 1) if line.startswith(".. incident::")]
    assert len(found) == 1
    return found[0]


def missing(app):
    return sorted((w.file, w.line, w.message) for w in parse_warnings(app) if w.type == TYPE)


def dump(app) -> str:
    return "\n".join(map(repr, parse_warnings(app)))


def messages_for(app, file):
    """Messages of the missing_section warnings of ``file``; they must be at its incident."""
    line = incident_line(app._pm_root, file)
    found = [(f, n, m) for f, n, m in missing(app) if f == file]
    assert all(n == line for _f, n, _m in found), (
        f"missing_section warnings of {file} must be at line {line}\n" + dump(app)
    )
    return [m for _f, _n, m in found]


def build(tmp_path_factory, root="completeness", **confoverrides):
    app = build_root(tmp_path_factory, root, confoverrides=confoverrides)
    app._pm_root = root
    return app


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory)


def section_warning(messages, incident_id, section):
    """The messages about the missing section ``section`` (quoted in the message)."""
    return [m for m in messages if incident_id in m and (repr(section) in m or f'"{section}"' in m)]


# -- default settings -----------------------------------------------------------------


def test_complete_report_has_no_warning(built):
    assert messages_for(built, "complete.rst") == [], dump(built)


def test_incomplete_report_in_review(built):
    messages = messages_for(built, "missing.rst")
    # three sections missing: Impact, Root cause, Action items (a "Lessons learned"
    # section exists, even though it holds no lesson)
    for section in ("Impact", "Root cause", "Action items"):
        assert len(section_warning(messages, "INC-2024-402", section)) == 1, (section, messages)
    for section in ("Summary", "Timeline", "Lessons learned"):
        assert section_warning(messages, "INC-2024-402", section) == [], (section, messages)
    # the timeline has [start] but no [resolve]
    timeline = [m for m in messages if "[resolve]" in m]
    assert len(timeline) == 1 and "INC-2024-402" in timeline[0] and "timeline" in timeline[0]
    assert "[start]" not in timeline[0]
    # no action item, no lesson
    assert len([m for m in messages if "action" in m.lower() and "section" not in m]) == 1, messages
    assert len([m for m in messages if "lesson" in m.lower() and "section" not in m]) == 1, messages
    assert len(messages) == 6, messages


def test_the_warning_names_the_status(built):
    assert all("in-review" in m for m in messages_for(built, "missing.rst"))
    assert all("published" in m for m in messages_for(built, "notimeline.rst"))


def test_no_timeline_at_all(built):
    messages = messages_for(built, "notimeline.rst")
    # a "Timeline" section exists, so only the missing [start]/[resolve] is reported
    assert len(messages) == 1, messages
    assert "[start]" in messages[0] and "[resolve]" in messages[0] and "INC-2024-403" in messages[0]


def test_timeline_without_start(built):
    messages = messages_for(built, "nostart.rst")
    assert len(messages) == 1, messages
    assert "[start]" in messages[0] and "[resolve]" not in messages[0]
    assert "INC-2024-407" in messages[0]


def test_section_titles_case_insensitive_and_prefix(built):
    # SUMMARY, impact, Action Items, Lessons Learned; "Root cause and contributing factors"
    # satisfies "Root cause"
    assert messages_for(built, "prefix.rst") == [], dump(built)


@pytest.mark.parametrize("file", ["draft.rst", "nostatus.rst"])
def test_drafts_are_not_checked(built, file):
    assert messages_for(built, file) == [], dump(built)


def test_pages_without_incident_are_not_checked(built):
    assert [m for f, _n, m in missing(built) if f == "index.rst"] == []


def test_project_review_complete(built):
    # no timeline, no Impact / Timeline / Root cause section: fine for type project
    assert messages_for(built, "project.rst") == [], dump(built)


def test_project_review_incomplete(built):
    messages = messages_for(built, "project-missing.rst")
    assert len(section_warning(messages, "PRJ-2024-02", "Action items")) == 1, messages
    assert len(section_warning(messages, "PRJ-2024-02", "Lessons learned")) == 1, messages
    assert len([m for m in messages if "lesson" in m.lower() and "section" not in m]) == 1
    # never a timeline or an incident-only section for a project review
    assert not [
        m for m in messages if "[start]" in m or "[resolve]" in m or "timeline" in m.lower()
    ]
    for section in ("Impact", "Timeline", "Root cause", "Summary"):
        assert section_warning(messages, "PRJ-2024-02", section) == [], messages
    assert len(messages) == 3, messages


def test_exact_warning_set(built):
    """Every missing_section warning of the root, with file and line."""
    expected_counts = {
        "missing.rst": 6,
        "notimeline.rst": 1,
        "nostart.rst": 1,
        "project-missing.rst": 3,
    }
    got = {}
    for file, line, _message in missing(built):
        assert line == incident_line("completeness", file), dump(built)
        got[file] = got.get(file, 0) + 1
    assert got == expected_counts, dump(built)


def test_warning_is_a_located_postmortem_warning(built):
    text = built.warning.getvalue()
    assert f"missing.rst:{incident_line('completeness', 'missing.rst')}: WARNING: " in text
    assert "[postmortem.missing_section]" in text


# -- settings ---------------------------------------------------------------------------


def test_empty_required_sections_disables_the_section_part(tmp_path_factory):
    app = build(tmp_path_factory, postmortem_required_sections=[])
    messages = messages_for(app, "missing.rst")
    assert not [m for m in messages if "section" in m], messages
    # the timeline, action item and lesson checks remain
    assert len(messages) == 3, messages
    assert len(messages_for(app, "notimeline.rst")) == 1
    # project reviews use their own list
    assert len(messages_for(app, "project-missing.rst")) == 3


def test_project_required_sections_setting(tmp_path_factory):
    app = build(tmp_path_factory, postmortem_project_required_sections=["Goals and outcome"])
    for file, pid in (("project.rst", "PRJ-2024-01"), ("project-missing.rst", "PRJ-2024-02")):
        messages = messages_for(app, file)
        assert len(section_warning(messages, pid, "Goals and outcome")) == 1, messages
        assert not section_warning(messages, pid, "Action items"), messages
        assert not section_warning(messages, pid, "Lessons learned"), messages
    # incident pages are unaffected
    assert len(messages_for(app, "missing.rst")) == 6


def test_completeness_check_off(tmp_path_factory):
    app = build(tmp_path_factory, postmortem_completeness_check=False)
    assert missing(app) == [], dump(app)


def test_required_sections_from_conf_py(tmp_path_factory):
    app = build(tmp_path_factory, "completeness-config")
    messages = messages_for(app, "incident.rst")
    # only the configured list counts: the custom section is missing, "summary"
    # (configured in lower case) is present, "Impact" etc. are no longer required
    assert len(messages) == 1, dump(app)
    assert "Customer communication" in messages[0] and "INC-2024-501" in messages[0]
    # the project review has the configured "Goals and outcome" section
    assert messages_for(app, "project.rst") == [], dump(app)


# -- required fields ------------------------------------------------------------------------

EVERY_FIELD = [
    "impact",
    "factor",
    "detected-by",
    "responders",
    "reviewed",
    "reviewers",
    "commander",
    "scribe",
]


def test_no_field_is_required_by_default(built):
    assert messages_for(built, "fields.rst") == [], dump(built)


def test_required_fields_missing_are_warned_at_the_incident(tmp_path_factory):
    app = build(tmp_path_factory, postmortem_required_fields=EVERY_FIELD)
    assert messages_for(app, "complete.rst") == sorted(
        f"INC-2024-401 is published but has no {what}"
        for what in (
            "impact",
            "factor",
            ":detected-by:",
            ":responders:",
            ":reviewed:",
            ":reviewers:",
            ":commander:",
            ":scribe:",
        )
    )
    # the page that gives every field lacks only the scribe, a role it leaves out
    assert messages_for(app, "fields.rst") == ["INC-2024-410 is published but has no :scribe:"]


def test_required_fields_are_not_checked_for_drafts_or_project_reviews(tmp_path_factory):
    app = build(tmp_path_factory, postmortem_required_fields=EVERY_FIELD)
    for file in ("draft.rst", "nostatus.rst", "project.rst"):
        assert messages_for(app, file) == [], dump(app)
    # project reviews keep only their own checks
    assert len(messages_for(app, "project-missing.rst")) == 3
