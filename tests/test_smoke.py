"""One page with every core directive builds and records its data."""

from __future__ import annotations

import pytest
from support.builds import domain_of
from support.warnings import warning_lines


@pytest.mark.sphinx("html", testroot="smoke")
def test_smoke_build(app, warning):
    app.build()
    domain = domain_of(app)
    incident = domain.incident("inc1")
    assert incident["id"] == "INC-2024-017"
    assert incident["severity"] == "SEV2"
    assert [a["id"] for a in domain.actions("inc1")] == ["INC-2024-017-A1", "INC-2024-017-A2"]
    assert domain.metrics("inc1").durations["time_to_detect"] == 7 * 60
    html = (app.outdir / "inc1.html").read_text(encoding="utf-8")
    assert "pm-sev-sev2" in html
    assert "<script>alert(1)</script>" not in html
    assert any("[postmortem.filter]" in w for w in warning_lines(warning))
