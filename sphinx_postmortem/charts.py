"""SVG charts drawn at build time: no JavaScript, no network.

Colours come from CSS custom properties of the package stylesheet (which
follow the theme's light or dark mode), with fixed fallbacks; text uses the
theme's text colour. Every chart has a title and a text description, and
every user string is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .render import css_token
from .stats import TIME_METRICS, Stats

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 56

#: Fallback colours per severity position (most severe first) and per metric.
SEVERITY_COLOURS = ("#b91c1c", "#c2410c", "#eab308", "#1d4ed8", "#4b5563", "#6b7280")
METRIC_COLOURS = {
    "time_to_detect": "#7c3aed",
    "time_to_mitigate": "#c2410c",
    "time_to_resolve": "#15803d",
}


def _svg_open(chart_id: str, title: str, description: str, classes: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-chart {classes}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value``."""
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
    plot_height = HEIGHT - TOP - BOTTOM
    parts = ['<g class="pm-chart-axes" style="fill: currentColor; stroke: currentColor">']
    for step in range(5):
        value = maximum * step / 4
        y = TOP + plot_height - plot_height * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke-opacity="0.2" />'
        )
        label = f"{value:g}"
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'stroke="none">{escape(label)}</text>'
        )
    parts.append(f'<text x="4" y="{TOP + 4}" font-size="11" stroke="none">{escape(unit)}</text>')
    slot = (WIDTH - LEFT - RIGHT) / max(len(periods), 1)
    every = max(1, len(periods) // 12)
    for index, period in enumerate(periods):
        if index % every:
            continue
        x = LEFT + slot * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11" stroke="none">{escape(period)}</text>'
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
        parts.append(f'<text x="{x + 16}" y="{y}" font-size="12">{escape(label)}</text>')
        x += 28 + 7 * len(label)
    parts.append("</g>")
    return parts


def incidents_chart(stats: Stats, chart_id: str, title: str) -> str:
    """A stacked bar chart of incidents per period and severity."""
    totals = [stats.total(p) for p in stats.periods]
    description = (
        "; ".join(
            f"{p}: {stats.total(p)} ("
            + ", ".join(f"{s} {stats.counts[p][s]}" for s in stats.severities if stats.counts[p][s])
            + ")"
            for p in stats.periods
        )
        or "no incidents"
    )
    maximum = _nice_max(max(totals, default=0))
    parts = _svg_open(chart_id, title, description, "pm-chart-incidents")
    parts += _axes(maximum, stats.periods, "#")
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(stats.periods), 1)
    bar = max(2.0, slot * 0.6)
    for index, period in enumerate(stats.periods):
        y: float = TOP + plot_height
        x = LEFT + slot * index + (slot - bar) / 2
        for position, severity in enumerate(stats.severities):
            count = stats.counts[period][severity]
            if not count:
                continue
            height = plot_height * count / maximum
            y -= height
            css_class = f"pm-sev-{css_token(severity)}"
            colour = SEVERITY_COLOURS[min(position, len(SEVERITY_COLOURS) - 1)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'class="pm-bar {css_class}" style="fill: var(--{css_class}, {colour})">'
                f"<title>{escape(f'{period}, {severity}: {count}')}</title></rect>"
            )
    parts += _legend(
        [
            (s, f"pm-sev-{css_token(s)}", SEVERITY_COLOURS[min(i, len(SEVERITY_COLOURS) - 1)])
            for i, s in enumerate(stats.severities)
        ]
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _hours(name: str, seconds: float | None) -> str:
    return f"{name} {seconds / 3600:.2f} h" if seconds is not None else f"{name} none"


def times_chart(stats: Stats, chart_id: str, title: str, names: dict[str, str]) -> str:
    """A line chart of the median time to detect / mitigate / resolve per period, in hours."""
    values = [v for p in stats.periods for v in stats.medians[p].values() if v is not None]
    maximum = _nice_max(max(values, default=0) / 3600)
    description = (
        "; ".join(
            f"{p}: " + ", ".join(_hours(names[m], stats.medians[p][m]) for m in TIME_METRICS)
            for p in stats.periods
        )
        or "no data"
    )
    parts = _svg_open(chart_id, title, description, "pm-chart-times")
    parts += _axes(maximum, stats.periods, "h")
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(stats.periods), 1)
    for metric in TIME_METRICS:
        css_class = f"pm-metric-{css_token(metric)}"
        colour = METRIC_COLOURS[metric]
        style = f"stroke: var(--{css_class}, {colour}); fill: var(--{css_class}, {colour})"
        segment: list[str] = []
        segments: list[list[str]] = [segment]
        dots = []
        for index, period in enumerate(stats.periods):
            value = stats.medians[period][metric]
            if value is None:
                segment = []
                segments.append(segment)
                continue
            x = LEFT + slot * (index + 0.5)
            y = TOP + plot_height - plot_height * (value / 3600) / maximum
            segment.append(f"{x:.1f},{y:.1f}")
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f"<title>{escape(f'{period}, {names[metric]}: {value / 3600:.2f} h')}"
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
