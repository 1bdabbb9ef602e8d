"""Impact figures: how ``12,500``, ``1.2M``, ``38%``, ``3.5h`` and ``20GB`` are read and written."""

from __future__ import annotations

import pytest

from sphinx_postmortem.errors import PostmortemError
from sphinx_postmortem.model import ImpactFigure
from sphinx_postmortem.quantities import format_amount, format_figure, parse_quantity


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("6214", "count", 6214),
        ("12,500", "count", 12500),
        ("12 500", "count", 12500),
        ("1.2M", "count", 1_200_000),
        ("3k", "count", 3000),
        ("2.5bn", "count", 2_500_000_000),
        ("12,500", "money", 12500),
        ("$3.5k", "money", 3500),
        ("12,500.50", "money", 12500.5),
        ("38%", "percent", 38),
        ("140 %", "percent", 140),
        ("12.5", "percent", 12.5),
        ("3.5h", "duration", 12600),
        ("1h30m", "duration", 5400),
        ("1h 30m", "duration", 5400),
        ("2 days", "duration", 172800),
        ("90s", "duration", 90),
        ("20GB", "bytes", 20_000_000_000),
        ("512MiB", "bytes", 512 * 2**20),
        ("1.5 TB", "bytes", 1_500_000_000_000),
        ("4096", "bytes", 4096),
        ("none", "bytes", 0),
        ("None", "count", 0),
    ],
)
def test_figures_are_read_as_numbers_of_their_kind(text, kind, value):
    assert parse_quantity(text, kind) == value


def test_the_metrics_own_unit_may_be_written_with_the_number():
    assert parse_quantity("12,500 USD", "money", "USD") == 12500
    assert parse_quantity("USD 12,500", "money", "USD") == 12500
    assert parse_quantity("6214 customers", "count", "customers") == 6214


def test_a_text_figure_has_no_number():
    assert parse_quantity("two tables in one region", "text") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("12..5k", "count"),
        ("1,23", "count"),
        ("-5", "count"),
        ("many", "count"),
        ("1e400", "money"),
        ("5", "duration"),
        ("5 fortnights", "duration"),
        ("20 parsecs", "bytes"),
        ("38%%", "percent"),
        ("9" * 30, "count"),
    ],
)
def test_malformed_figures_are_refused_with_what_was_expected(text, kind):
    with pytest.raises(PostmortemError, match="is not|too large"):
        parse_quantity(text, kind)


def figure(kind: str, value: float | None, unit: str = "", text: str = "") -> ImpactFigure:
    return ImpactFigure(metric="m", label="M", unit=unit, kind=kind, value=value, text=text)


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        (figure("count", 6214, "customers"), "6,214 customers"),
        (figure("count", 1_200_000, "requests"), "1,200,000 requests"),
        (figure("money", 12500.5, "USD"), "12,500.5 USD"),
        (figure("percent", 38, "%"), "38%"),
        (figure("duration", 12600), "3h30m"),
        (figure("bytes", 20_000_000_000), "20 GB"),
        (figure("bytes", 0), "0 B"),
        (figure("bytes", 0, text="none"), "none"),
        (figure("text", None, text="none"), "none"),
    ],
)
def test_figures_are_written_with_their_unit(shown, expected):
    assert format_figure(shown) == expected


def test_sums_are_written_like_figures():
    assert format_amount(1_500_000.0, "money", "EUR") == "1,500,000 EUR"
    assert format_amount(7200.0, "duration", "") == "2h00m"
