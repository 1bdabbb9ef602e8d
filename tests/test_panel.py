"""The incident panel: detection, people, impact figures, times, recovery, review, factors.

Test root: tests/roots/test-panel/ — ``full`` uses every incident option (and a
fourth role, ``customer-liaison``), an impact, factors of every kind and a
timeline with a customer notification and a partial mitigation; ``plain`` has
only the required fields; ``hostile`` has names that look like markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.builds import build, build_root, domain_of, read
from support.fixtures import root_app_fixture
from support.html import El, body_html, field_html, panel_fields, panel_html, parse_html
from support.projects import copy_root
from support.warnings import parse_warnings

from sphinx_postmortem.fill.timeline import recovery_text

built = root_app_fixture("panel")


def factors_block(app, page: str) -> El:
    """The "Contributing factors" block of the panel on ``page``."""
    block = parse_html(read(app, page)).find("div", cls="pm-factors")
    assert block is not None, f"no factors block on {page}"
    return block


# -- the fields and their order ------------------------------------------------------------


def test_panel_shows_what_happened_who_responded_the_impact_times_and_review_in_order(built):
    assert list(panel_fields(read(built, "full.html"), "INC-2021-014")) == [
        "ID",
        "Date",
        "Severity",
        "Status",
        "Type",
        "Detected by",
        "Incident commander",
        "Communications lead",
        "Scribe",
        "Customer liaison",
        "Responders",
        "Services",
        "Tags",
        "Customers affected",
        "Failed requests",
        "Revenue lost",
        "Error budget burned",
        "Data lost",
        "Impact start",
        "Time to detect",
        "Time to acknowledge",
        "Time to notify",
        "Time to mitigate",
        "Time to resolve",
        "Recovery",
        "Authors",
        "Reviewed",
        "Reviewers",
        "Action items",
        "Lessons",
        "Related post-mortems",
    ]


def test_panel_values_read_as_written_with_units(built):
    fields = panel_fields(read(built, "full.html"), "INC-2021-014")
    assert {name: fields[name] for name in list(fields)[4:13]} == {
        "Type": "outage, data-loss",
        "Detected by": "alert",
        "Incident commander": "Dana Kim",
        "Communications lead": "Priya Rao",
        "Scribe": "Tom Berg",
        "Customer liaison": "Ana Silva",
        "Responders": "Luis Ortega, Sam Lee, Example Cloud support",
        "Services": "cdn-edge",
        "Tags": "config-change",
    }
    assert {name: fields[name] for name in list(fields)[13:18]} == {
        "Customers affected": "6,214 customers",
        "Failed requests": "1,200,000 requests",
        "Revenue lost": "12,500 USD",
        "Error budget burned": "38%",
        "Data lost": "none",
    }
    assert (fields["Time to notify"], fields["Time to mitigate"], fields["Time to resolve"]) == (
        "11m after impact start",
        "49m after impact start",
        "2h57m after impact start",
    )
    assert (fields["Authors"], fields["Reviewed"], fields["Reviewers"]) == (
        "Dana Kim, Luis Ortega",
        "2021-06-15",
        "Reliability review board",
    )


def test_recovery_field_shows_the_recovery_steps_of_the_timeline(built):
    fields = panel_fields(read(built, "full.html"), "INC-2021-014")
    expected = recovery_text(domain_of(built).metrics("full"))
    assert expected
    assert fields["Recovery"] == expected
    assert "95" in expected


def test_detection_source_is_a_text_label_with_classes(built):
    assert field_html(read(built, "full.html"), "INC-2021-014", "Detected by") == (
        '<p><span class="pm-label pm-detection pm-detection-alert">alert</span></p>\n'
    )


def test_impact_fields_carry_their_metric_as_a_class(built):
    panel = parse_html(panel_html(read(built, "full.html"), "INC-2021-014"))
    names = [dt.text().rstrip(":") for dt in panel.find_all("dt", cls="pm-panel-impact")]
    assert names == [
        "Customers affected",
        "Failed requests",
        "Revenue lost",
        "Error budget burned",
        "Data lost",
    ]
    assert [dd.text() for dd in panel.find_all("dd", cls="pm-impact-revenue")] == ["12,500 USD"]


def test_each_group_of_fields_is_marked_where_it_starts(built):
    panel = parse_html(panel_html(read(built, "full.html"), "INC-2021-014"))
    starts = [dt.text().rstrip(":") for dt in panel.find_all("dt", cls="pm-panel-group")]
    assert starts == [
        "ID",
        "Detected by",
        "Customers affected",
        "Impact start",
        "Authors",
        "Action items",
    ]
    recovery = [dt.text().rstrip(":") for dt in panel.find_all("dt", cls="pm-panel-recovery")]
    assert recovery == ["Recovery"]


def test_fields_a_post_mortem_leaves_out_are_not_shown(built):
    assert panel_fields(read(built, "plain.html"), "INC-2024-020") == {
        "ID": "INC-2024-020",
        "Date": "2024-04-02",
        "Severity": "SEV3",
        "Status": "draft",
        "Type": "incident",
    }
    assert 'class="pm-factors' not in read(built, "plain.html")


# -- the factors summary -------------------------------------------------------------------


def test_factors_are_grouped_by_kind_trigger_first_in_the_order_written(built):
    block = factors_block(built, "full.html")
    assert block.find("p", cls="pm-factors-heading").text() == "Contributing factors"
    groups = block.find_all("dt", cls="pm-factor-group")
    assert [dt.text().rstrip(":") for dt in groups] == [
        "Trigger",
        "Root cause",
        "Contributing factors",
        "Mitigating factor",
    ]
    items = [
        [item.find("a").text() for item in dd.find_all("li")]
        for dd in block.find_all("dd", cls="pm-factor-group")
    ]
    assert items == [
        ["A customer configuration change reached the bug"],
        ["A deploy weeks earlier shipped the bug"],
        [
            "Tests did not cover this configuration",
            "The rollout had no kill switch per customer",
        ],
        ["Alerting fired within a minute"],
    ]


def test_each_factor_links_to_its_place_on_the_page(built):
    page = read(built, "full.html")
    hrefs = [a.attrs["href"] for a in factors_block(built, "full.html").links()]
    anchors = {factor["anchor"] for factor in domain_of(built).factors("full")}
    assert sorted(hrefs) == sorted(f"#{anchor}" for anchor in anchors)
    for anchor in anchors:
        assert f'id="{anchor}"' in page


def test_factor_categories_are_labels(built):
    item = factors_block(built, "full.html").find("li", cls="pm-factor-root-cause")
    labels = item.find_all("span", cls="pm-factor-category")
    assert [(span.text(), span.classes) for span in labels] == [
        ("latent-bug", ["pm-label", "pm-factor-category", "pm-factor-category-latent-bug"]),
        (
            "change-management",
            ["pm-label", "pm-factor-category", "pm-factor-category-change-management"],
        ),
    ]


def test_triggers_and_root_causes_stand_out(built):
    block = factors_block(built, "full.html")
    bold = {strong.text() for strong in block.find_all("strong")}
    assert bold == {
        "A customer configuration change reached the bug",
        "A deploy weeks earlier shipped the bug",
    }
    assert len(block.find_all("li", cls="pm-factor-trigger")) == 1
    assert len(block.find_all("li", cls="pm-factor-root-cause")) == 1
    assert len(block.find_all("li", cls="pm-factor-contributing")) == 2


# -- hostile names -------------------------------------------------------------------------


def test_names_figures_and_factor_titles_that_look_like_markup_are_text(built):
    page = read(built, "hostile.html")
    fields = panel_fields(page, "INC-HOSTILE")
    assert fields["Incident commander"] == '<script>alert("commander")</script>'
    assert fields["Responders"] == "Tom & Jerry, <b>Bold</b>"
    assert fields["Reviewers"] == 'O\'Brien & "Sons"'
    assert fields["Regions affected"] == '<i>EU</i> & "US"'
    title = factors_block(built, "hostile.html").find("strong").text()
    assert title == "<img src=x onerror=alert(1)> & co"
    body = body_html(page)
    assert "<script>" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;commander&quot;)&lt;/script&gt;" in body


# -- every builder -------------------------------------------------------------------------


def test_html_build_has_no_warnings(built):
    assert parse_warnings(built) == []


@pytest.mark.parametrize(
    ("builder", "output"),
    [("text", "full.txt"), ("latex", "panel.tex")],
)
def test_text_and_latex_show_the_panel_and_factors_without_warnings(
    tmp_path: Path, builder: str, output: str
):
    result = build(copy_root("panel", tmp_path / "src"), builder)
    assert result.warnings == []
    text = (result.outdir / output).read_text(encoding="utf-8")
    for snippet in (
        "Incident commander",
        "Dana Kim",
        "6,214 customers",
        "Time to notify",
        "Contributing factors",
        "Root cause",
        "A deploy weeks earlier shipped the bug",
        "latent-bug",
    ):
        assert snippet in text, f"{snippet!r} not in the {builder} output"


# -- the key facts ---------------------------------------------------------------------------


def key_facts(app, page: str) -> El:
    line = parse_html(read(app, page)).find("p", cls="pm-key-facts")
    assert line is not None, f"no key facts on {page}"
    return line


def test_key_facts_come_first_and_name_every_fact(built):
    incident = parse_html(read(built, "full.html")).find("div", cls="pm-incident")
    assert incident is not None
    blocks = [child for child in incident.children if isinstance(child, El)]
    assert [block.classes[0] for block in blocks] == [
        "pm-incident-title",
        "pm-key-facts",
        "pm-panel",
    ]
    assert key_facts(built, "full.html").text() == (
        "Severity SEV1 \N{MIDDLE DOT} Status published \N{MIDDLE DOT} Impact 2h57m "
        "\N{MIDDLE DOT} Customers affected 6,214 customers \N{MIDDLE DOT} Detected by alert "
        "\N{MIDDLE DOT} Actions 1 of 1 open"
    )


def test_key_facts_leave_out_what_is_unknown(built):
    assert key_facts(built, "plain.html").text() == "Severity SEV3 \N{MIDDLE DOT} Status draft"


def test_the_panel_says_what_each_time_is_measured_from_and_shows_impact_duration_once(built):
    fields = panel_fields(read(built, "full.html"), "INC-2021-014")
    assert fields["Time to detect"] == "1m after impact start"
    assert fields["Time to acknowledge"] == "2m after detection"
    assert "Impact duration" not in fields  # it is the time to resolve, in the key facts


def test_text_builder_writes_the_key_facts_and_the_measured_from_times(tmp_path_factory):
    app = build_root(tmp_path_factory, "panel", buildername="text")
    text = read(app, "full.txt")
    assert "Severity SEV1 · Status published · Impact 2h57m" in text
    assert "1m after impact start" in text
    app.cleanup()
