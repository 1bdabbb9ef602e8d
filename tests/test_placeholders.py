"""Scaffold text left in a report under review or published: ``postmortem.placeholder``.

The scaffolds are the real output of ``sphinx-postmortem new`` (run in-process
into a private copy of the test root) built unchanged; the other pages of
``tests/roots/test-placeholders`` are hand-written cases. One build per root
is shared by the tests of this module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.builds import build
from support.projects import copy_root
from support.warnings import Warn, parse_warnings

from sphinx_postmortem import cli

TYPE = "postmortem.placeholder"
MARKER = "TODO:"

#: name -> the arguments of ``sphinx-postmortem new`` that write it
SCAFFOLDS = {
    "incident-in-review": ["Checkout API returned 503s", "--status", "in-review"],
    "project-published": ["Billing migration", "--type", "project", "--status", "published"],
    "incident-draft": ["Search results were stale", "--status", "draft"],
    "project-draft": ["Search migration", "--type", "project", "--status", "draft"],
}


def write_scaffolds(project: Path, fmt: str) -> dict[str, str]:
    """Run ``new`` for every scaffold; name -> path relative to ``project``."""
    parser = cli.build_parser()
    written = {}
    for name, arguments in SCAFFOLDS.items():
        args = parser.parse_args(
            ["new", *arguments, "--date", "2024-03-05", "--format", fmt]
            + ["--dir", str(project / "scaffold")]
        )
        path = cli.new_page(args, project)
        written[name] = path.relative_to(project).as_posix()
    return written


def scaffold_build(tmp_path_factory, root: str, fmt: str):
    srcdir = copy_root(root, tmp_path_factory.mktemp(root.replace("-", "_")) / root)
    pages = write_scaffolds(srcdir, fmt)
    return build(srcdir).app, pages


@pytest.fixture(scope="module")
def rst_build(tmp_path_factory):
    return scaffold_build(tmp_path_factory, "placeholders", "rst")


@pytest.fixture(scope="module")
def myst_build(tmp_path_factory):
    pytest.importorskip("myst_parser")
    return scaffold_build(tmp_path_factory, "placeholders-myst", "md")


@pytest.fixture(params=["rst", "md"])
def scaffolds(request):
    return request.getfixturevalue("rst_build" if request.param == "rst" else "myst_build")


def placeholder_warnings(app, file: str) -> list[Warn]:
    return [w for w in parse_warnings(app) if w.file == file and w.type == TYPE]


def all_warnings(app) -> str:
    return "\n".join(map(repr, parse_warnings(app)))


def source_lines(app, file: str) -> list[str]:
    return (Path(app.srcdir) / file).read_text(encoding="utf-8").splitlines()


def marker_lines(app, file: str) -> list[int]:
    """Numbers of the source lines that hold the marker, once per occurrence."""
    return [n for n, line in enumerate(source_lines(app, file), 1) for _ in line.split(MARKER)[1:]]


def line_of(app, file: str, text: str) -> int:
    found = [n for n, line in enumerate(source_lines(app, file), 1) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


# -- scaffolds written by ``sphinx-postmortem new``, built unchanged -----------------


def test_incident_scaffold_in_review_warns_at_every_placeholder(scaffolds):
    app, pages = scaffolds
    file = pages["incident-in-review"]
    warnings = placeholder_warnings(app, file)
    placeholders = [w for w in warnings if "placeholder text" in w.message]
    # one warning per place: each marker of the page; option values are reported at
    # their directive's line, so the owner at the action item's
    owner, action = line_of(app, file, ":owner:"), line_of(app, file, "action-item")
    expected = sorted(action if n == owner else n for n in marker_lines(app, file))
    assert sorted(w.line for w in placeholders) == expected, all_warnings(app)
    assert all("in-review" in w.message for w in placeholders)
    # and the stub times: every milestone at 00:00
    same_time = [w for w in warnings if "same time" in w.message]
    assert [w.line for w in same_time] == [line_of(app, file, "[start]")], all_warnings(app)
    assert len(warnings) == len(placeholders) + 1
    # nothing else is wrong with the scaffold: only placeholders hold it back
    others = [w for w in parse_warnings(app) if w.file == file and w.type != TYPE]
    assert others == [], all_warnings(app)


def test_scaffold_placeholders_name_what_to_replace(scaffolds):
    app, pages = scaffolds
    file = pages["incident-in-review"]
    messages = {w.line: [] for w in placeholder_warnings(app, file)}
    for warning in placeholder_warnings(app, file):
        messages[warning.line].append(warning.message)
    action_line = line_of(app, file, "TODO: Describe one follow-up")
    assert any(
        m.startswith("the :owner: of action-item") and "TODO: a team or a person" in m
        for m in messages[action_line]
    )
    assert any(m.startswith("the title of action-item") for m in messages[action_line])
    lesson_line = line_of(app, file, "TODO: What went well")
    assert any(m.startswith("lesson title") for m in messages[lesson_line])
    entry_line = line_of(app, file, "[ack]")
    assert any(m.startswith("timeline entry") for m in messages[entry_line])


def test_project_scaffold_published_warns_at_every_placeholder(scaffolds):
    app, pages = scaffolds
    file = pages["project-published"]
    warnings = placeholder_warnings(app, file)
    owner, action = line_of(app, file, ":owner:"), line_of(app, file, "action-item")
    expected = sorted(action if n == owner else n for n in marker_lines(app, file))
    assert sorted(w.line for w in warnings) == expected, all_warnings(app)
    assert all("published" in w.message for w in warnings)
    others = [w for w in parse_warnings(app) if w.file == file and w.type != TYPE]
    assert others == [], all_warnings(app)


@pytest.mark.parametrize("name", ["incident-draft", "project-draft"])
def test_draft_scaffolds_are_not_checked(scaffolds, name):
    app, pages = scaffolds
    assert [w for w in parse_warnings(app) if w.file == pages[name]] == [], all_warnings(app)


def test_every_scaffold_marks_what_the_author_writes(scaffolds):
    app, pages = scaffolds
    for name, file in pages.items():
        text = "\n".join(source_lines(app, file))
        assert "unassigned" not in text, name
        assert "owner: TODO:" in text, name
        for line in source_lines(app, file):
            if "lesson" in line and ("{lesson}" in line or ".. lesson::" in line):
                assert f"lesson{'}' if file.endswith('.md') else '::'} {MARKER}" in line, line
            if "[" in line and "]" in line and line.strip()[-1:] != ":" and "00:00" in line:
                assert MARKER in line, line  # every stub timeline entry


# -- hand-written cases ------------------------------------------------------------


def test_each_place_in_a_report_in_review(rst_build):
    app, _pages = rst_build
    file = "review.rst"
    expected = [
        (
            line_of(app, file, "TODO: numbers from the"),
            "paragraph",
            "TODO: numbers from the billing team.",
        ),
        (
            line_of(app, file, "TODO: confirm with payments"),
            "paragraph",
            "TODO: confirm with payments.",
        ),
        (
            line_of(app, file, "TODO: exact time"),
            "timeline entry",
            "TODO: exact time from the logs",
        ),
        (line_of(app, file, "TODO: fill in the factors"), "paragraph", "TODO: fill in the factors"),
        # docutils places a section title at its underline
        (line_of(app, file, "TODO: more factors") + 1, "heading", "TODO: more factors"),
        (line_of(app, file, "TODO: the main lesson"), "lesson title", "TODO: the main lesson"),
        (
            line_of(app, file, "Warm the cache before"),
            "the :owner: of action-item INC-2024-101-A1",
            "TODO: a team",
        ),
    ]
    found = sorted(
        (w.line, w.message.split(": placeholder text")[0], w.message)
        for w in placeholder_warnings(app, file)
    )
    assert [(line, what) for line, what, _m in found] == [
        (line, what) for line, what, _e in sorted(expected)
    ], all_warnings(app)
    for (_line, _what, message), (_l, _w, excerpt) in zip(found, sorted(expected), strict=True):
        assert repr(excerpt) in message, (message, excerpt)


def test_marker_in_code_or_other_words_is_not_a_placeholder(rst_build):
    app, _pages = rst_build
    warned = {w.line for w in placeholder_warnings(app, "review.rst")}
    for text in ("``TODO:`` comments", "A todo: list", "# TODO: this is code"):
        assert line_of(app, "review.rst", text) not in warned, text


def test_milestones_all_at_the_same_instant(rst_build):
    app, _pages = rst_build
    warnings = placeholder_warnings(app, "stub-times.rst")
    assert len(warnings) == 1, all_warnings(app)
    (warning,) = warnings
    assert warning.line == line_of(app, "stub-times.rst", "[start]")
    assert "[start], [detect], [resolve]" in warning.message
    assert "same time" in warning.message and "published" in warning.message


def test_some_milestones_at_the_same_instant_are_fine(rst_build):
    app, _pages = rst_build
    assert placeholder_warnings(app, "same-day.rst") == [], all_warnings(app)
    assert not [w for w in placeholder_warnings(app, "review.rst") if "same time" in w.message]


@pytest.mark.parametrize("file", ["draft.rst", "notes.rst"])
def test_drafts_and_pages_without_incident_are_not_checked(rst_build, file):
    app, _pages = rst_build
    assert placeholder_warnings(app, file) == [], all_warnings(app)


def test_checked_statuses_setting_decides(tmp_path_factory):
    srcdir = copy_root("placeholders", tmp_path_factory.mktemp("placeholders_statuses") / "src")
    app = build(srcdir, postmortem_checked_statuses=["published"]).app
    assert placeholder_warnings(app, "review.rst") == [], all_warnings(app)
    assert len(placeholder_warnings(app, "stub-times.rst")) == 1, all_warnings(app)


def test_text_blocks_found_in_one_walk_skip_code_and_record_built_nodes():
    """Deep blocks are found and located at the nearest node with a line; literals,
    nodes built from option values and timeline entries (checked on the records) are not."""
    from docutils import nodes
    from docutils.utils import new_document

    from sphinx_postmortem.checks.placeholders import _text_placeholders
    from sphinx_postmortem.nodes import located, timeline_block

    document = new_document("page.rst")
    quoted = nodes.literal("", "TODO: quoted")
    written = nodes.paragraph("", "Fine ", quoted, nodes.Text(" TODO: write"))
    written.source, written.line = "page.rst", 3
    title = nodes.paragraph("", "TODO: from the incident's title", classes=["pm-incident-title"])
    nested = nodes.paragraph("", "TODO: deep in a table")
    cell = nodes.entry("", nodes.bullet_list("", nodes.list_item("", nested)))
    table = nodes.table("", nodes.tgroup("", nodes.tbody("", nodes.row("", cell))))
    table.source, table.line = "page.rst", 9
    entries = timeline_block("", nodes.paragraph("", "TODO: a timeline entry"), docname="page")
    document += nodes.section("", written, title, table, entries)
    found = list(_text_placeholders(document))
    assert [(block, excerpt) for block, excerpt in found] == [
        (written, "TODO: write"),
        (nested, "TODO: deep in a table"),
    ]
    assert located(nested) is table
