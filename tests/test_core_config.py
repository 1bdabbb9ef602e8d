"""The ``postmortem_*`` settings change the allowed values, defaults and zones.

Test root: tests/roots/test-core-config/.
"""

from __future__ import annotations

from support.builds import domain_of, read
from support.fixtures import root_app_fixture
from support.html import panel_fields
from support.warnings import assert_warned, pm_warnings

built = root_app_fixture("core-config")


def test_configured_severities_statuses_and_types(built):
    incident = domain_of(built).incident("index")
    assert incident["severity"] == "Major"
    # "draft" is not configured: the first configured status is the default
    assert incident["status"] == "open-review"
    # "incident" is not configured: the first configured type is the default
    assert incident["type"] == "outage"
    fields = panel_fields(read(built, "index.html"), "INC-CFG")
    assert fields["Severity"] == "Major"
    assert 'class="pm-label pm-sev pm-sev-major">Major</span>' in read(built, "index.html")
    assert 'class="pm-label pm-status pm-status-open-review">open-review</span>' in read(
        built, "index.html"
    )


def test_default_values_are_not_allowed_once_replaced(built):
    assert domain_of(built).incident("sev")["severity"] is None
    assert domain_of(built).incident("sev")["status"] == "final"
    assert_warned(
        built,
        "sev.rst",
        6,
        "unknown :severity: 'SEV2'; allowed values: Critical, Major, Minor",
        "postmortem.option",
    )
    assert_warned(
        built,
        "index.rst",
        20,
        "unknown :priority: 'P1'; allowed values: high, low",
        "postmortem.option",
    )
    assert_warned(
        built,
        "index.rst",
        20,
        "unknown :type: 'prevent'; allowed values: fix, learn",
        "postmortem.option",
    )
    assert len(pm_warnings(built)) == 3


def test_configured_action_vocabularies_and_tracker(built):
    first = domain_of(built).actions("index")[0]
    assert (first["type"], first["priority"]) == ("fix", "high")
    assert first["tracker_url"] == "https://issues.example.org/view?id=KEY-1"
    assert 'href="https://issues.example.org/view?id=KEY-1"' in read(built, "index.html")


def test_configured_default_timezone(built):
    entries = domain_of(built).timeline("index")
    assert [(e["when"], e["zone"]) for e in entries] == [
        ("2024-07-01T10:00:00+02:00", "CEST"),
        ("2024-07-01T10:30:00+00:00", "UTC"),
    ]
    fields = panel_fields(read(built, "index.html"), "INC-CFG")
    assert fields["Time to resolve"] == "2h30m after impact start"
