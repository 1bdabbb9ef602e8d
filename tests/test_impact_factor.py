"""The ``impact`` and ``factor`` directives: records, rendering in every writer, bad input.

Test root: tests/roots/test-impact-factor/ — ``cdn.rst`` uses every option
and is clean; ``bad-input.rst`` and ``bad-orphan.rst`` hold the mistakes.
Its MyST twin is tested in test_myst.py.
"""

from __future__ import annotations

import pytest
from support.fixtures import root_build_fixture
from support.warnings import assert_warned, parse_warnings

html = root_build_fixture("impact-factor", folder="impact-factor-html")
text = root_build_fixture("impact-factor", "text", folder="impact-factor-text")


def figures_of(result, docname):
    return [(f["metric"], f["value"], f["text"]) for f in result.domain.impact(docname)["figures"]]


# -- records ------------------------------------------------------------------------------


def test_impact_figures_are_numbers_with_their_unit_in_the_order_written(html):
    assert figures_of(html, "cdn") == [
        ("requests", 1_200_000, "1.2M"),
        ("customers", 6214, "6,214"),
        ("revenue", 12500, "12,500"),
        ("error-budget", 38, "38%"),
        ("data-loss", 0, "none"),
        ("downtime", 5400, "1h30m"),
        ("regions", None, "EU & US <all>"),
    ]
    first = html.domain.impact("cdn")["figures"][0]
    assert first == {
        "metric": "requests",
        "label": "Failed requests",
        "unit": "requests",
        "kind": "count",
        "value": 1_200_000,
        "text": "1.2M",
    }


def test_impact_record(html):
    record = html.domain.impact("cdn")
    assert {k: v for k, v in record.items() if k != "figures"} == {
        "body": "About 85 % of the network returned errors for 49 minutes.",
        "docname": "cdn",
        "anchor": "impact-cdn",
        "lineno": 22,
    }


def test_factor_records(html):
    factors = html.domain.factors("cdn")
    assert [(f["title"], f["kind"], f["categories"]) for f in factors] == [
        (
            "A configuration change skipped the canary stage",
            "trigger",
            ["change-management", "configuration"],
        ),
        ("A regular expression could backtrack without limit", "root-cause", ["latent-bug"]),
        ("Alerts fired only after customers reported errors", "contributing", ["monitoring-gap"]),
        ("A global kill switch existed", "mitigator", []),
    ]
    assert factors[0] == {
        "title": "A configuration change skipped the canary stage",
        "kind": "trigger",
        "categories": ["change-management", "configuration"],
        "body": "The change went to every point of presence at once.",
        "docname": "cdn",
        "anchor": "factor-A-configuration-change-skipped-the-canary-stage",
        "lineno": 36,
    }
    assert html.domain.incident_of(factors[0])["id"] == "INC-2021-014"


def test_the_incident_records_its_people_detection_and_review(html):
    incident = html.domain.incident("cdn")
    assert incident["types"] == ["outage", "data-loss"]
    assert incident["type"] == "outage"
    assert incident["detected_by"] == "alert"  # written "Alert": the configured spelling
    assert incident["roles"] == {"commander": ["Dana Kim"], "communications": ["Priya Shah"]}
    assert incident["responders"] == ["Luis Ortega", "Sam Lee", "Example Cloud support"]
    assert (incident["reviewed"], incident["reviewers"]) == (
        "2021-06-15",
        ["Reliability review board"],
    )


def test_lesson_services_and_action_item_tags_and_services(html):
    lesson = html.domain.lessons("cdn")[0]
    assert (lesson["tags"], lesson["services"]) == (["config"], ["edge-proxy", "config-api"])
    action = html.domain.actions("cdn")[0]
    assert (action["tags"], action["services"]) == (
        ["deploy", "config"],
        ["edge-proxy", "config-api"],
    )


# -- on the page ----------------------------------------------------------------------------


def test_impact_shows_each_figure_with_its_label_then_the_prose(html):
    block = html.dom("cdn.html").find("div", "pm-impact")
    names = [dt.text().rstrip(":") for dt in block.find_all("dt")]
    values = [dd.text() for dd in block.find_all("dd")]
    assert list(zip(names, values, strict=True)) == [
        ("Failed requests", "1,200,000 requests"),
        ("Customers affected", "6,214 customers"),
        ("Revenue lost", "12,500 USD"),
        ("Error budget burned", "38%"),
        ("Data lost", "none"),
        ("Downtime", "1h30m"),
        ("Regions affected", "EU & US <all>"),
    ]
    assert block.attrs["id"] == "impact-cdn"
    prose = block.find_all("p")[-1]  # after the field list, not in it
    assert prose.parent is block
    assert prose.text() == "About 85 % of the network returned errors for 49 minutes."


def test_figure_text_is_escaped(html):
    assert '<dd class="field-odd"><p>EU &amp; US &lt;all&gt;</p>' in html.html("cdn.html")


def test_factor_is_an_admonition_titled_with_its_kind_and_labelled_with_its_categories(html):
    factors = html.dom("cdn.html").find_all("div", "pm-factor")
    assert [f.classes[:2] for f in factors] == [
        ["pm-factor", "pm-factor-trigger"],
        ["pm-factor", "pm-factor-root-cause"],
        ["pm-factor", "pm-factor-contributing"],
        ["pm-factor", "pm-factor-mitigator"],
    ]
    assert [f.find("p", "admonition-title").text() for f in factors] == [
        "Trigger: A configuration change skipped the canary stage",
        "Root cause: A regular expression could backtrack without limit",
        "Contributing factor: Alerts fired only after customers reported errors",
        "Mitigating factor: A global kill switch existed",
    ]
    labels = factors[0].find_all("span", "pm-factor-category")
    assert [label.text() for label in labels] == ["change-management", "configuration"]
    assert "pm-factor-category-change-management" in labels[0].classes
    assert factors[0].find("p", "pm-factor-categories").text().startswith("Categories:")
    assert factors[3].find("p", "pm-factor-categories") is None


def test_action_item_and_lesson_show_tags_and_services(html):
    page = html.dom("cdn.html")
    for block in (page.find("div", "pm-action"), page.find("div", "pm-lesson")):
        services = block.find("p", "pm-services")
        assert services.text() == "Services: edge-proxy, config-api"
        assert [s.text() for s in services.find_all("span", "pm-service")] == [
            "edge-proxy",
            "config-api",
        ]
        assert block.find("p", "pm-tags").text().startswith("Tags:")


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(["Customers affected:", "   6,214 customers"], id="impact-figure"),
        pytest.param(["Regions affected:", "   EU & US <all>"], id="text-figure"),
        pytest.param(
            [
                "Trigger: A configuration change skipped the canary stage:",
                "",
                "Categories: change-management, configuration",
                "",
                "The change went to every point of presence at once.",
            ],
            id="factor",
        ),
        pytest.param(
            ["Treat it like code.", "", "Tags: config", "", "Services: edge-proxy, config-api"],
            id="lesson",
        ),
    ],
)
def test_text_builder_puts_figures_categories_and_labels_on_their_own_lines(text, lines):
    page = (text.outdir / "cdn.txt").read_text(encoding="utf-8")
    assert "\n".join(lines) in page


# -- bad input ------------------------------------------------------------------------------


def test_the_clean_page_does_not_warn(html):
    assert [w for w in parse_warnings(html.app) if not w.file.startswith("bad-")] == []


def test_every_warning_of_the_bad_pages(html):
    found = sorted((w.file, w.line, w.type) for w in parse_warnings(html.app))
    assert found == sorted(
        [("bad-input.rst", 9, "postmortem.option")] * 4
        + [("bad-input.rst", 18, "postmortem.option")]
        + [("bad-input.rst", 23, "postmortem.option")] * 2
        + [("bad-input.rst", 27, "postmortem.option")]
        + [("bad-orphan.rst", 4, "postmortem.orphan"), ("bad-orphan.rst", 9, "postmortem.orphan")]
    )


def test_unknown_metric_warns_naming_the_configured_ones(html):
    warning = assert_warned(html.app, "bad-input.rst", 9, ":visitors:", "postmortem.option")
    assert "customers, requests, revenue, error-budget, data-loss, downtime, regions" in (
        warning.message
    )


@pytest.mark.parametrize(
    "text",
    [
        ":customers: '12..5k' is not a number",
        ":revenue: has no value",
        ":error-budget: '140 percent' is not a percentage",
    ],
)
def test_malformed_figures_warn_and_are_left_out(html, text):
    assert_warned(html.app, "bad-input.rst", 9, text, "postmortem.option")


def test_the_figures_that_are_fine_are_kept(html):
    assert figures_of(html, "bad-input") == [("requests", 3_000_000, "3M")]


def test_a_second_impact_is_rendered_but_not_counted(html):
    assert_warned(html.app, "bad-input.rst", 18, "a page has one impact", "postmortem.option")
    assert html.domain.impact("bad-input")["lineno"] == 9
    blocks = html.dom("bad-input.html").find_all("div", "pm-impact")
    assert len(blocks) == 2
    assert blocks[1].text() == "A second impact is shown but not counted."


def test_unknown_kind_and_categories_warn_and_fall_back(html):
    factors = html.domain.factors("bad-input")
    assert [(f["kind"], f["categories"]) for f in factors] == [
        ("contributing", ["capacity"]),
        ("contributing", []),
    ]
    warning = assert_warned(
        html.app, "bad-input.rst", 23, "unknown :kind: 'cause'", "postmortem.option"
    )
    assert "trigger, root-cause, contributing, mitigator" in warning.message
    assert_warned(
        html.app, "bad-input.rst", 23, "unknown :category: 'weather'", "postmortem.option"
    )
    warning = assert_warned(html.app, "bad-input.rst", 27, "'luck'", "postmortem.option")
    assert "change-management, configuration, capacity" in warning.message


@pytest.mark.parametrize(("line", "directive"), [(4, "impact"), (9, "factor")])
def test_impact_and_factor_without_incident_are_orphans(html, line, directive):
    assert_warned(html.app, "bad-orphan.rst", line, f"{directive} ", "postmortem.orphan")
    assert html.dom("bad-orphan.html").find("div", f"pm-{directive}") is not None
