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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
#: Fallback colours of other series (detection sources, factor categories), in turn.
SERIES_COLOURS = (
    "#1d4ed8",
    "#c2410c",
    "#15803d",
    "#7c3aed",
    "#b91c1c",
    "#0e7490",
    "#a16207",
    "#be185d",
    "#4b5563",
    "#65a30d",
)
#: CSS class and fallback colour of end-of-project reviews, drawn beside the incident bars.
REVIEW_CLASS, REVIEW_COLOUR = "pm-review", "#0e7490"
#: The largest value an axis shows; larger (finite) values are drawn at the top.
AXIS_LIMIT = 1e15
#: Legend rows are this far apart; a legend that does not fit one row makes the chart taller.
LEGEND_ROW = 18
#: Longest legend text and axis unit drawn (longer ones end in an ellipsis; tables show all).
LEGEND_CHARS, UNIT_CHARS = 40, 12
#: Suffixes of axis numbers: 1500 -> 1.5k.
_TICK_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


@dataclass(frozen=True)
class Series:
    """One part of a stacked bar: its key in the values, legend name, CSS class, fallback colour."""

    key: str
    name: str
    css_class: str
    colour: str


@dataclass(frozen=True)
class Scale:
    """How values become axis numbers: divided by ``divisor``, read in ``unit``."""

    divisor: float = 1
    unit: str = "#"


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


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _tick(value: float) -> str:
    """An axis number: ``250``, ``2.5``, ``1.5k``, ``20M``."""
    for size, suffix in _TICK_SUFFIXES:
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _svg_open(
    chart_id: str, title: str, description: str, classes: str, height: int = HEIGHT
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-chart {classes}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
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
        label = _tick(value)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'stroke="none">{_text(label)}</text>'
        )
    unit = _shortened(unit, UNIT_CHARS)
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


def _legend_rows(items: Sequence[tuple[str, str, str]]) -> int:
    """How many rows the legend of ``items`` takes."""
    return _legend_places(items)[-1][1] // LEGEND_ROW + 1 if items else 1


def _legend_places(items: Sequence[tuple[str, str, str]]) -> list[tuple[int, int]]:
    """Where each swatch goes: ``(x, row offset)``, wrapping before the right edge."""
    places = []
    x, offset = LEFT, 0
    for label, _class, _colour in items:
        width = 28 + 7 * len(_shortened(label, LEGEND_CHARS))
        if x > LEFT and x + width - 12 > WIDTH - RIGHT:
            x, offset = LEFT, offset + LEGEND_ROW
        places.append((x, offset))
        x += width
    return places


def _height(legend: Sequence[tuple[str, str, str]]) -> int:
    """The height of a chart with this legend (taller when the legend wraps)."""
    return HEIGHT + LEGEND_ROW * (_legend_rows(legend) - 1)


def _legend(items: Sequence[tuple[str, str, str]]) -> list[str]:
    """``(label, css class, fallback colour)`` swatches along the bottom, in rows if need be."""
    parts = ['<g class="pm-chart-legend" style="fill: currentColor">']
    for (label, css_class, colour), (x, offset) in zip(items, _legend_places(items), strict=True):
        y = HEIGHT - 14 + offset
        label = _shortened(label, LEGEND_CHARS)
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" class="{css_class}" '
            f'style="fill: var(--{css_class}, {colour})" />'
        )
        parts.append(f'<text x="{x + 16}" y="{y}" font-size="12">{_text(label)}</text>')
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
    with_reviews = any(reviews)
    legend = [(s.name, s.css_class, s.colour) for s in severity_series(stats.severities)]
    if with_reviews:
        legend.append((_("project reviews"), REVIEW_CLASS, REVIEW_COLOUR))
    parts = _svg_open(chart_id, title, description, "pm-chart-incidents", _height(legend))
    parts += _axes(maximum, stats.periods, "#")
    slot = (WIDTH - LEFT - RIGHT) / max(len(stats.periods), 1)
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
    legend = [(names[m], f"pm-metric-{css_token(m)}", METRIC_COLOURS[m]) for m in TIME_METRICS]
    parts = _svg_open(chart_id, title, description, "pm-chart-times", _height(legend))
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
    parts += _legend(legend)
    parts.append("</svg>")
    return "\n".join(parts)


# -- stacked bars of any series: detection sources, factor categories, impact sums --------------


def severity_series(severities: Sequence[str]) -> list[Series]:
    """Severities as series, coloured like the incidents chart (most severe first)."""
    return [
        Series(s, s, f"pm-sev-{css_token(s)}", SEVERITY_COLOURS[min(i, len(SEVERITY_COLOURS) - 1)])
        for i, s in enumerate(severities)
    ]


def palette_series(names: Mapping[str, str], family: str) -> list[Series]:
    """``key -> legend name`` as series of CSS class ``pm-<family>-<key>``, colours in turn."""
    return [
        Series(key, name, f"pm-{family}-{css_token(key)}", SERIES_COLOURS[i % len(SERIES_COLOURS)])
        for i, (key, name) in enumerate(names.items())
    ]


def stacked_chart(
    chart_id: str,
    title: str,
    periods: Sequence[str],
    series: Sequence[Series],
    values: Mapping[str, Mapping[str, float]],
    written: Callable[[float], str] = _tick,
    scale: Scale = Scale(),
) -> str:
    """Bars per period, stacked by ``series`` (the first at the bottom).

    ``values[period][key]`` is a series' value in a period (missing, zero or not
    a finite number: no bar); ``written`` writes a value for tooltips and the
    description, and ``scale`` turns values into axis numbers.
    """
    legend = [(s.name, s.css_class, s.colour) for s in series]
    drawn = {p: _drawable(values.get(p, {}), series) for p in periods}
    description = "; ".join(
        f"{p}: " + (", ".join(f"{s.name} {written(v)}" for s, v in drawn[p]) or _("none"))
        for p in periods
    )
    parts = _svg_open(
        chart_id, title, description or _("no data"), "pm-chart-stacked", _height(legend)
    )
    totals = [sum(_scaled(v, scale) for _s, v in drawn[p]) for p in periods]
    maximum = _nice_max(max(totals, default=0))
    parts += _axes(maximum, periods, scale.unit)
    slot = (WIDTH - LEFT - RIGHT) / max(len(periods), 1)
    width = max(2.0, slot * 0.6)
    for index, period in enumerate(periods):
        x = LEFT + slot * index + (slot - width) / 2
        parts += _stack(period, drawn[period], (x, width, maximum), written, scale)
    parts += _legend(legend)
    parts.append("</svg>")
    return "\n".join(parts)


def _drawable(values: Mapping[str, float], series: Sequence[Series]) -> list[tuple[Series, float]]:
    """The series with a value to draw in one period: a finite number above zero."""
    found = []
    for part in series:
        value = values.get(part.key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            continue
        if math.isfinite(number) and number > 0:
            found.append((part, value))
    return found


def _scaled(value: float, scale: Scale) -> float:
    """A drawable value as an axis number, at most :data:`AXIS_LIMIT`."""
    return min(float(value) / scale.divisor, AXIS_LIMIT)


#: Axis units of sizes, largest first (decimal, like the figures).
_SIZE_SCALES = (
    Scale(1e15, "PB"),
    Scale(1e12, "TB"),
    Scale(1e9, "GB"),
    Scale(1e6, "MB"),
    Scale(1e3, "kB"),
)


def amount_scale(kind: str, unit: str, largest: float) -> Scale:
    """The axis of impact sums of ``kind``: hours for durations, a size unit for bytes."""
    if kind == "duration":
        return Scale(3600, "h")
    if kind == "bytes":
        return next((s for s in _SIZE_SCALES if largest >= s.divisor), Scale(1, "B"))
    if kind == "percent":
        return Scale(1, "%")
    return Scale(1, unit or "#")


def _stack(
    period: str,
    drawn: Sequence[tuple[Series, float]],
    place: tuple[float, float, float],
    written: Callable[[float], str],
    scale: Scale,
) -> list[str]:
    """The bars of one period at ``place`` (x, width, axis maximum), clipped to the plot."""
    x, width, maximum = place
    parts = []
    base: float = TOP + PLOT_HEIGHT
    for part, value in drawn:
        height = min(PLOT_HEIGHT * _scaled(value, scale) / maximum, base - TOP)
        tooltip = _text(f"{period}, {part.name}: {written(value)}")
        fill = f"fill: var(--{part.css_class}, {part.colour})"
        parts.append(
            f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" height="{height:.1f}"'
            f' class="pm-bar {part.css_class}" style="{fill}"><title>{tooltip}</title></rect>'
        )
        base -= height
    return parts
