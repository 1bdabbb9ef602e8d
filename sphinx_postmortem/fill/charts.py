"""SVG charts drawn at build time: no JavaScript, no network.

Colours come from CSS custom properties of the package stylesheet (which
follow the theme's light or dark mode), with fixed fallbacks; text uses the
theme's text colour. Every chart has a title and a text description, and
every string is escaped and stripped of characters XML cannot carry. Every
number is checked before it becomes a coordinate: an overflowing, infinite or
NaN value is never drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from sphinx.locale import get_translation

from ..elements import css_token
from ..xmltext import xml_safe
from .statistics import TIME_METRICS, Stats

_ = get_translation("sphinx_postmortem")

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 56
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM

#: Fallback colours per severity position (most severe first) and per metric.
SEVERITY_COLOURS = ("#b91c1c", "#c2410c", "#eab308", "#1d4ed8", "#4b5563", "#6b7280")
METRIC_COLOURS = {
    "time_to_detect": "#7c3aed",
    "time_to_mitigate": "#c2410c",
    "time_to_resolve": "#15803d",
}
#: CSS class and fallback colour of end-of-project reviews, drawn beside the incident bars.
REVIEW_CLASS, REVIEW_COLOUR = "pm-review", "#0e7490"
#: The largest value an axis shows; larger (finite) values are drawn at the top.
AXIS_LIMIT = 1e15


def _text(value: object) -> str:
    """Text for SVG content or an attribute: XML-safe and escaped."""
    return escape(xml_safe(str(value)))


def _number(value: object) -> float | None:
    """``value`` as a drawable number: finite, not negative, at most :data:`AXIS_LIMIT`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return AXIS_LIMIT if value > 0 else None
    if math.isnan(number) or number < 0:
        return None
    return min(number, AXIS_LIMIT)


def _svg_open(chart_id: str, title: str, description: str, classes: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-chart {classes}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
    ]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1 for nothing to show)."""
    value = _number(value) or 0
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def _axes(maximum: float, periods: Sequence[str], unit: str) -> list[str]:
    parts = ['<g class="pm-chart-axes" style="fill: currentColor; stroke: currentColor">']
    for step in range(5):
        value = maximum * step / 4
        y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke-opacity="0.2" />'
        )
        label = f"{value:g}"
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'stroke="none">{_text(label)}</text>'
        )
    parts.append(f'<text x="4" y="{TOP + 4}" font-size="11" stroke="none">{_text(unit)}</text>')
    slot = (WIDTH - LEFT - RIGHT) / max(len(periods), 1)
    every = max(1, len(periods) // 12)
    for index, period in enumerate(periods):
        if index % every:
            continue
        x = LEFT + slot * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11" stroke="none">{_text(period)}</text>'
        )
    parts.append("</g>")
    return parts


def _legend(items: Sequence[tuple[str, str, str]]) -> list[str]:
    """``(label, css class, fallback colour)`` swatches along the bottom."""
    parts = ['<g class="pm-chart-legend" style="fill: currentColor">']
    x = LEFT
    y = HEIGHT - 14
    for label, css_class, colour in items:
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" class="{css_class}" '
            f'style="fill: var(--{css_class}, {colour})" />'
        )
        parts.append(f'<text x="{x + 16}" y="{y}" font-size="12">{_text(label)}</text>')
        x += 28 + 7 * len(label)
    parts.append("</g>")
    return parts


def _period_description(stats: Stats, period: str) -> str:
    """``2024-Q1: incidents 3 (SEV1 1, SEV2 2); project reviews 1`` (no empty brackets)."""
    by_severity = ", ".join(
        f"{s} {stats.counts[period][s]}" for s in stats.severities if stats.counts[period][s]
    )
    text = f"{period}: {_('incidents')} {stats.total(period)}"
    if by_severity:
        text += f" ({by_severity})"
    if stats.reviews.get(period):
        text += f", {_('project reviews')} {stats.reviews[period]}"
    return text


def incidents_chart(stats: Stats, chart_id: str, title: str) -> str:
    """A stacked bar chart of incidents per period and severity; project reviews beside it."""
    reviews = [stats.reviews.get(p, 0) for p in stats.periods]
    totals = [stats.total(p) for p in stats.periods]
    description = "; ".join(_period_description(stats, p) for p in stats.periods) or _(
        "no incidents"
    )
    maximum = _nice_max(max(totals + reviews, default=0))
    parts = _svg_open(chart_id, title, description, "pm-chart-incidents")
    parts += _axes(maximum, stats.periods, "#")
    slot = (WIDTH - LEFT - RIGHT) / max(len(stats.periods), 1)
    with_reviews = any(reviews)
    bar = max(2.0, slot * (0.45 if with_reviews else 0.6))
    review_bar = max(2.0, slot * 0.2)
    used = bar + (review_bar + slot * 0.05 if with_reviews else 0)
    for index, period in enumerate(stats.periods):
        x = LEFT + slot * index + (slot - used) / 2
        parts += _severity_stack(stats, period, x, bar, maximum)
        if reviews[index]:
            label = _text(f"{period}, {_('project reviews')}: {reviews[index]}")
            parts.append(
                _bar(x + used - review_bar, review_bar, TOP + PLOT_HEIGHT, reviews[index], maximum)
                + f' class="{REVIEW_CLASS}" style="fill: var(--{REVIEW_CLASS}, {REVIEW_COLOUR})">'
                f"<title>{label}</title></rect>"
            )
    legend = [
        (s, f"pm-sev-{css_token(s)}", SEVERITY_COLOURS[min(i, len(SEVERITY_COLOURS) - 1)])
        for i, s in enumerate(stats.severities)
    ]
    if with_reviews:
        legend.append((_("project reviews"), REVIEW_CLASS, REVIEW_COLOUR))
    parts += _legend(legend)
    parts.append("</svg>")
    return "\n".join(parts)


def _bar(x: float, width: float, base: float, count: float, maximum: float) -> str:
    """The opening of a ``<rect>`` of ``count`` units standing on ``base`` (left unclosed)."""
    height = PLOT_HEIGHT * min(count, maximum) / maximum
    return f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" height="{height:.1f}"'


def _severity_stack(stats: Stats, period: str, x: float, width: float, maximum: float) -> list[str]:
    """The bars of one period, most severe at the bottom."""
    parts = []
    base: float = TOP + PLOT_HEIGHT
    for position, severity in enumerate(stats.severities):
        count = stats.counts[period][severity]
        if not count:
            continue
        css_class = f"pm-sev-{css_token(severity)}"
        colour = SEVERITY_COLOURS[min(position, len(SEVERITY_COLOURS) - 1)]
        parts.append(
            _bar(x, width, base, count, maximum)
            + f' class="pm-bar {css_class}" style="fill: var(--{css_class}, {colour})">'
            f"<title>{_text(f'{period}, {severity}: {count}')}</title></rect>"
        )
        base -= PLOT_HEIGHT * count / maximum
    return parts


def _hours(seconds: object) -> float | None:
    """A duration in seconds as drawable hours, or None."""
    value = _number(seconds)
    return None if value is None else value / 3600


def _describe_hours(name: str, seconds: object) -> str:
    hours = _hours(seconds)
    return f"{name} {hours:.2f} h" if hours is not None else f"{name} {_('none')}"


def times_chart(stats: Stats, chart_id: str, title: str, names: dict[str, str]) -> str:
    """A line chart of the median time to detect / mitigate / resolve per period, in hours."""
    values = [h for p in stats.periods for v in stats.medians[p].values() if (h := _hours(v))]
    maximum = _nice_max(max(values, default=0))
    description = "; ".join(
        f"{p}: " + ", ".join(_describe_hours(names[m], stats.medians[p][m]) for m in TIME_METRICS)
        for p in stats.periods
    ) or _("no data")
    parts = _svg_open(chart_id, title, description, "pm-chart-times")
    parts += _axes(maximum, stats.periods, "h")
    slot = (WIDTH - LEFT - RIGHT) / max(len(stats.periods), 1)
    for metric in TIME_METRICS:
        css_class = f"pm-metric-{css_token(metric)}"
        colour = METRIC_COLOURS[metric]
        style = f"stroke: var(--{css_class}, {colour}); fill: var(--{css_class}, {colour})"
        segment: list[str] = []
        segments: list[list[str]] = [segment]
        dots = []
        for index, period in enumerate(stats.periods):
            hours = _hours(stats.medians[period][metric])
            if hours is None:
                segment = []
                segments.append(segment)
                continue
            x = LEFT + slot * (index + 0.5)
            y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * min(hours, maximum) / maximum
            segment.append(f"{x:.1f},{y:.1f}")
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f"<title>{_text(f'{period}, {names[metric]}: {hours:.2f} h')}"
                "</title></circle>"
            )
        parts.append(f'<g class="pm-line {css_class}" style="{style}">')
        parts += [
            f'<polyline points="{" ".join(s)}" style="fill: none" stroke-width="2" />'
            for s in segments
            if len(s) > 1
        ]
        parts += dots
        parts.append("</g>")
    parts += _legend(
        [(names[m], f"pm-metric-{css_token(m)}", METRIC_COLOURS[m]) for m in TIME_METRICS]
    )
    parts.append("</svg>")
    return "\n".join(parts)
