"""MyST Markdown: every directive and role works in ``.md`` files.

``tests/roots/test-myst`` (MyST) and ``tests/roots/test-rst-parity``
(reStructuredText) hold the same content: three post-mortems using every
directive (the timeline with continuation lines, explicit zones and inline
markup, a timeline spread over two directives), the roles, and a page with
every roll-up. Both are built; the extracted data must be equal (line
numbers aside) and the rendered pages the same.
``tests/roots/test-impact-factor-myst`` is the MyST twin of the clean page of
``tests/roots/test-impact-factor``: every option of the incident, ``impact`` and
``factor``, and the lesson and action-item options added with them.
``tests/roots/test-myst-warnings`` checks warning locations in ``.md`` files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import ROOTS
from support.builds import build_root, domain_of
from support.html import strip_tags
from support.warnings import parse_warnings

pytest.importorskip("myst_parser")

PAGES = ["checkout", "latency", "review"]


@pytest.fixture(scope="module")
def md(tmp_path_factory):
    return build_root(tmp_path_factory, "myst")


@pytest.fixture(scope="module")
def rst(tmp_path_factory):
    return build_root(tmp_path_factory, "rst-parity")


def without(record, *keys):
    if isinstance(record, list):
        return [without(r, *keys) for r in record]
    return {k: v for k, v in record.items() if k not in keys}


def read(app, name):
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def main_body(page: str) -> str:
    """The page content, without the theme's source link (``.rst.txt`` / ``.md.txt``)."""
    start = page.index('role="main"')
    end = (
        page.index('<div class="sphinxsidebar"', start)
        if '<div class="sphinxsidebar"' in page
        else len(page)
    )
    return page[start:end]


# -- both roots build cleanly ---------------------------------------------------------


@pytest.mark.parametrize("which", ["md", "rst"])
def test_builds_without_warnings(request, which):
    app = request.getfixturevalue(which)
    assert parse_warnings(app) == []


def test_the_myst_root_is_markdown(md):
    sources = sorted(p.name for p in (ROOTS / "test-myst").iterdir() if p.suffix != ".py")
    assert sources == ["checkout.md", "index.md", "latency.md", "review.md", "rollups.md"]
    assert sorted(domain_of(md).data["incidents"]) == PAGES


# -- extracted data ---------------------------------------------------------------------


def test_incidents_equal(md, rst):
    for page in PAGES:
        a = domain_of(md).incident(page)
        b = domain_of(rst).incident(page)
        assert a is not None and b is not None, page
        assert without(a, "lineno") == without(b, "lineno"), page
    # the data is really there (not two empty stores)
    checkout = domain_of(md).incident("checkout")
    assert checkout["authors"] == ["Dana Kim", "Luis Ortega"]
    assert checkout["summary"] == (
        "A bad configuration reached every region at once.\n\nCheckout recovered after a rollback."
    )
    assert domain_of(md).incident("review")["title"] == "Billing migration review"


def test_timeline_times_zones_and_milestones_equal(md, rst):
    for page in PAGES:
        a = without(domain_of(md).timeline(page), "lineno", "text")
        b = without(domain_of(rst).timeline(page), "lineno", "text")
        assert a == b, page
    entries = domain_of(md).timeline("checkout")
    assert [e["when"] for e in entries] == [
        "2024-03-05T14:02:00+00:00",
        "2024-03-05T14:09:00+00:00",
        "2024-03-05T14:12:00+00:00",
        "2024-03-05T14:20:00+00:00",
        "2024-03-05T16:25:00+02:00",
        "2024-03-05T14:31:00+00:00",
        "2024-03-05T15:40:00+01:00",
        "2024-03-05T15:10:00+00:00",
    ]
    assert [e["milestone"] for e in entries] == [
        "start",
        "detect",
        "ack",
        None,
        None,
        "mitigate",
        None,
        "resolve",
    ]
    # a timeline spread over two directives, in a named zone
    assert [e["milestone"] for e in domain_of(md).timeline("latency")] == [
        "start",
        "detect",
        "ack",
        "resolve",
    ]


def test_timeline_entries_equal(md, rst):
    """The whole entries, descriptions included (they are plain text, not source markup)."""
    for page in PAGES:
        a = without(domain_of(md).timeline(page), "lineno")
        b = without(domain_of(rst).timeline(page), "lineno")
        assert a == b, page


def test_timeline_continuation_line(md):
    entry = domain_of(md).timeline("checkout")[3]
    assert "Frankfurt region" in entry["text"]
    assert "errors continue because the bad config is global." in entry["text"]


def test_metrics_equal(md, rst):
    for page in PAGES:
        assert domain_of(md).metrics(page).durations == domain_of(rst).metrics(page).durations
    assert domain_of(md).metrics("checkout").durations["time_to_detect"] == 7 * 60


def test_actions_equal(md, rst):
    for page in PAGES:
        a = without(domain_of(md).actions(page), "lineno")
        b = without(domain_of(rst).actions(page), "lineno")
        assert a == b, page
    assert [a["id"] for a in domain_of(md).actions("checkout")] == [
        "INC-2024-017-A1",
        "INC-2024-017-A2",
        "INC-2024-017-A3",
    ]
    first = domain_of(md).actions("checkout")[0]
    assert (
        first["owner"],
        first["type"],
        first["priority"],
        first["due"],
        first["status"],
        first["tracker"],
    ) == ("team-deploy", "prevent", "P1", "2024-04-15", "open", "DEPLOY-1234")


def test_lessons_equal(md, rst):
    for page in PAGES:
        a = without(domain_of(md).lessons(page), "lineno")
        b = without(domain_of(rst).lessons(page), "lineno")
        assert a == b, page
    assert [(le["kind"], le["tags"]) for le in domain_of(md).lessons("checkout")] == [
        ("went-wrong", ["deploy", "config"]),
        ("went-well", ["deploy"]),
        ("lucky", []),
    ]


def test_objects_equal(md, rst):
    assert sorted(domain_of(md).get_objects()) == sorted(domain_of(rst).get_objects())


def checkout_md_line(prefix: str) -> int:
    lines = (ROOTS / "test-myst" / "checkout.md").read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, 1) if line.startswith(prefix)]
    assert len(found) == 1, prefix
    return found[0]


def test_myst_directive_lines_point_into_the_markdown_source(md):
    """The records' lines are lines of the .md file (they locate warnings)."""
    domain = domain_of(md)
    assert domain.incident("checkout")["lineno"] == checkout_md_line("```{incident}")
    assert domain.actions("checkout")[0]["lineno"] == checkout_md_line(
        "```{action-item} Add automated canary"
    )
    assert domain.lessons("checkout")[0]["lineno"] == checkout_md_line("```{lesson} Config changes")


#: How each timeline entry of ``checkout`` starts, in both roots, in document order.
TIMELINE_ENTRY_STARTS = (
    "2024-03-05 14:02",
    "14:09",
    "14:12",
    "14:20",
    "2024-03-05T16:25",
    "14:31",
    "15:40",
    "15:10",
)


def test_myst_timeline_entry_lines_point_into_the_markdown_source(md):
    assert [e["lineno"] for e in domain_of(md).timeline("checkout")] == [
        checkout_md_line(p) for p in TIMELINE_ENTRY_STARTS
    ]


def test_rst_timeline_entry_lines(rst):
    lines = (ROOTS / "test-rst-parity" / "checkout.rst").read_text(encoding="utf-8").splitlines()
    expected = [
        next(n for n, line in enumerate(lines, 1) if line.strip().startswith(p))
        for p in TIMELINE_ENTRY_STARTS
    ]
    assert [e["lineno"] for e in domain_of(rst).timeline("checkout")] == expected


# -- rendering ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", [*PAGES, "rollups", "postmortem-incidents"])
def test_rendered_pages_equal(md, rst, page):
    assert main_body(read(md, f"{page}.html")) == main_body(read(rst, f"{page}.html"))


def between(page: str, start: str, end: str) -> str:
    """The part of ``page`` from ``start`` up to the first ``end`` after it."""
    part = page[page.index(start) :]
    return part[: part.index(end)]


def table_rows(page: str, heading_id: str) -> list[list[str]]:
    """Cell texts of the rows of the first table after the section ``heading_id``.

    A cell of several lines (an id with its title under it) has them one per line.
    """
    section = between(page, f'id="{heading_id}"', "</section>")
    body = section[section.index("<tbody") : section.index("</tbody>")]
    return [
        [strip_tags(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_rollup_rows(md):
    page = read(md, "rollups.html")
    incidents = [row[0].splitlines()[0] for row in table_rows(page, "all-incidents")]
    assert incidents == ["INC-2024-020", "PRJ-2024-01", "INC-2024-017"]
    outages = table_rows(page, "outages")
    assert [row[0] for row in outages] == ["INC-2024-017"]
    assert "Checkout API returned 503s for EU customers" in outages[0][1]
    open_items = [row[0].splitlines()[0] for row in table_rows(page, "open-action-items")]
    assert sorted(open_items) == ["INC-2024-017-A1", "INC-2024-017-A2", "INC-2024-020-A1"]
    all_items = [row[0].splitlines()[0] for row in table_rows(page, "all-action-items")]
    assert sorted(all_items) == [
        "INC-2024-017-A1",
        "INC-2024-017-A2",
        "INC-2024-017-A3",
        "INC-2024-020-A1",
        "PRJ-2024-01-A1",
    ]
    assert all_items[0] == "INC-2024-020-A1"  # sorted by priority: P0 first


def test_rollup_rows_same_as_rst(md, rst):
    for heading in ("all-incidents", "outages", "open-action-items", "all-action-items"):
        assert table_rows(read(md, "rollups.html"), heading) == table_rows(
            read(rst, "rollups.html"), heading
        ), heading


def test_lesson_list_in_markdown(md):
    page = read(md, "rollups.html")
    section = page[page.index('id="lessons"') : page.index('id="lessons-that-went-wrong"')]
    text = strip_tags(section)
    for lesson in (
        "Config changes skipped the canary stage",
        "The rollback was fast",
        "It happened outside peak hours",
        "Cold caches hurt",
        "Dual writes worked",
    ):
        assert lesson in text, lesson
    for tag in ("cache", "config", "deploy", "migration"):
        # a group heading per tag, with its count
        assert re.search(rf">\s*{tag}\s*<span class=\"pm-group-count\">\(\d+\)</span>", section), (
            tag
        )
    wrong = strip_tags(
        page[page.index('id="lessons-that-went-wrong"') : page.index('id="open-action-items"')]
    )
    assert "Config changes skipped the canary stage" in wrong and "Cold caches hurt" in wrong
    assert "The rollback was fast" not in wrong
    assert "Warm them before taking traffic." not in wrong  # :summary-only:


# -- roles ----------------------------------------------------------------------------------


def test_roles_resolve_in_markdown(md):
    page = read(md, "rollups.html")
    refs = page[page.index("References:") : page.index('id="all-incidents"')]
    links = [
        (href, strip_tags(text))
        for href, text in re.findall(
            r'<a class="reference internal" href="([^"]+)"[^>]*>(.*?)</a>', refs, re.S
        )
    ]
    anchor_a1 = domain_of(md).actions("checkout")[0]["anchor"]
    anchor_b1 = domain_of(md).actions("latency")[0]["anchor"]
    assert links == [
        ("checkout.html#incident-INC-2024-017", "Checkout API returned 503s for EU customers"),
        ("latency.html#incident-INC-2024-020", "the search spike"),
        ("review.html#incident-PRJ-2024-01", "Billing migration review"),
        (f"checkout.html#{anchor_a1}", "Add automated canary analysis to the checkout deploy"),
        (f"latency.html#{anchor_b1}", "Warm the cache on restart"),
    ]


def test_roles_and_markup_in_timeline_entries(md):
    page = read(md, "checkout.html")
    table = between(page, 'id="timeline"', "</section>")
    assert "<em>checkout-api</em>" in table
    assert "<strong>on-call</strong>" in table
    assert 'href="latency.html#incident-INC-2024-020"' in table
    anchor = domain_of(md).actions("checkout")[0]["anchor"]
    assert f'href="#{anchor}"' in table
    assert "{incident}" not in table and "{action-item}" not in table


def test_roles_in_directive_bodies(md):
    page = read(md, "checkout.html")
    lesson = between(page, "Config changes skipped the canary stage", "The rollback was fast")
    assert "<strong>code</strong>" in lesson
    assert 'href="latency.html#incident-INC-2024-020"' in lesson


# -- impact, factors, people: the MyST twin of test-impact-factor ----------------------------


@pytest.fixture(scope="module")
def md_facts(tmp_path_factory):
    return build_root(tmp_path_factory, "impact-factor-myst")


@pytest.fixture(scope="module")
def rst_facts(tmp_path_factory):
    return build_root(tmp_path_factory, "impact-factor")


def test_impact_and_factors_in_markdown_build_without_warnings(md_facts):
    assert parse_warnings(md_facts) == []


def test_impact_factor_and_people_records_equal(md_facts, rst_facts):
    md_domain, rst_domain = domain_of(md_facts), domain_of(rst_facts)
    assert without(md_domain.incident("cdn"), "lineno") == without(
        rst_domain.incident("cdn"), "lineno"
    )
    assert without(md_domain.impact("cdn"), "lineno") == without(rst_domain.impact("cdn"), "lineno")
    for records in ("factors", "actions", "lessons"):
        md_records = getattr(md_domain, records)("cdn")
        assert without(md_records, "lineno") == without(
            getattr(rst_domain, records)("cdn"), "lineno"
        )
    # the data is really there: every figure, factor and new option
    assert len(md_domain.impact("cdn")["figures"]) == 7
    assert [f["kind"] for f in md_domain.factors("cdn")] == [
        "trigger",
        "root-cause",
        "contributing",
        "mitigator",
    ]
    incident = md_domain.incident("cdn")
    assert incident["roles"] == {"commander": ["Dana Kim"], "communications": ["Priya Shah"]}
    assert (incident["detected_by"], incident["reviewed"]) == ("alert", "2021-06-15")
    assert md_domain.actions("cdn")[0]["services"] == ["edge-proxy", "config-api"]
    assert md_domain.lessons("cdn")[0]["services"] == ["edge-proxy", "config-api"]


def test_impact_and_factor_lines_point_into_the_markdown_source(md_facts):
    lines = (ROOTS / "test-impact-factor-myst" / "cdn.md").read_text(encoding="utf-8").splitlines()
    fences = [
        n for n, line in enumerate(lines, 1) if line.startswith(("```{impact}", "```{factor}"))
    ]
    domain = domain_of(md_facts)
    assert [domain.impact("cdn")["lineno"]] + [f["lineno"] for f in domain.factors("cdn")] == fences


def test_impact_and_factors_render_the_same_in_markdown(md_facts, rst_facts):
    assert main_body(read(md_facts, "cdn.html")) == main_body(read(rst_facts, "cdn.html"))
    assert 'class="pm-impact docutils container"' in read(md_facts, "cdn.html")


# -- warnings in MyST files -------------------------------------------------------------------


@pytest.fixture(scope="module")
def warned(tmp_path_factory):
    return build_root(tmp_path_factory, "myst-warnings")


def md_line(text: str) -> int:
    lines = (ROOTS / "test-myst-warnings" / "report.md").read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, 1) if text in line]
    assert len(found) == 1, text
    return found[0]


def directive_line_before(line: int) -> int:
    """The line of the directive (a fence such as ```{incident}) that holds ``line``."""
    lines = (ROOTS / "test-myst-warnings" / "report.md").read_text(encoding="utf-8").splitlines()
    return max(n for n, text in enumerate(lines[:line], 1) if text.startswith("```{"))


@pytest.mark.parametrize(
    "marker,type_,text",
    [
        (":severity: SEV9", "postmortem.option", "SEV9"),
        ("this line is not an entry", "postmortem.timeline", "not a timeline entry"),
        ("[launch] Unknown milestone", "postmortem.timeline", "launch"),
        ("```{action-item} Add a depth alert", "postmortem.option", "owner"),
        ("human error in the end.", "postmortem.blameless", "human error"),
        ("The on-call forgot to acknowledge", "postmortem.blameless", "forgot"),
        ("Unknown: {incident}`INC-404`", "postmortem.ref", "INC-404"),
        (":pilot: Ann", "postmortem.option", "unknown option :pilot:"),
        (":customers: 12..5k", "postmortem.option", "'12..5k' is not a number"),
        (":visitors: 40", "postmortem.option", "unknown option :visitors:"),
        (":category: capacity, weather", "postmortem.option", "'weather'"),
    ],
)
def test_warning_locations_in_markdown(warned, marker, type_, text):
    line = md_line(marker)
    if type_ == "postmortem.option" and marker.startswith(":"):
        # option problems are reported at the directive
        line = directive_line_before(line)
    hits = [
        w
        for w in parse_warnings(warned)
        if w.file == "report.md" and w.line == line and w.type == type_ and text in w.message
    ]
    assert len(hits) == 1, (marker, line, "\n".join(map(repr, parse_warnings(warned))))


def test_quotes_and_code_in_markdown_are_not_checked_for_blame(warned):
    quoted, code = md_line("> It was human error"), md_line("operator error: consumer stalled")
    blame = [w for w in parse_warnings(warned) if w.type == "postmortem.blameless"]
    assert not [w for w in blame if w.line in (quoted, code)], blame
    assert len(blame) == 2, blame
