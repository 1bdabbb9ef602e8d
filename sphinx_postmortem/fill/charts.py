"""SVG charts drawn at build time: no JavaScript, no network.

Layout. A chart is as wide as the page's content column and a fixed number
of pixels tall: it has no ``viewBox``, horizontal positions are percentages
of its width and vertical ones pixels, so its text is :data:`FONT_SIZE`
pixels on a 1280 px desktop and on a 390 px phone alike (a scaled drawing
would shrink it to 6 px on a phone). Labels that could collide are thinned
for the narrowest chart planned for, :data:`MIN_WIDTH` pixels.

Axes. Counts (incidents, or an impact metric counted in whole units) have
whole-number ticks only. Median times are drawn on a logarithmic axis with
round durations as ticks (``5m``, ``1h``, ``1d``), so one incident that took
38 hours does not flatten the others to the axis: every step up the axis
multiplies the time by the same factor. The axis says "duration (log
scale)"; other axes name their unit in words ("incidents", "hours",
"gigabytes"). Tooltips and the description write durations as the tables
do (``7h14m``).

Colours come from CSS custom properties of the package stylesheet (which
follow the theme's light or dark mode), with fixed fallbacks that have at
least 3:1 contrast against white and against the dark themes' backgrounds;
text uses the theme's text colour. Every chart has a title and a text
description, and every string is escaped and stripped of characters XML
cannot carry. Every number is checked before it becomes a coordinate: an
overflowing, infinite or NaN value is never drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from sphinx.locale import get_translation

from ..elements import css_token
from ..times import format_duration
from ..xmltext import xml_safe
from .statistics import TIME_METRICS, Stats

_ = get_translation("sphinx_postmortem")

#: Pixels: the plot's top (below the axis caption), its height, and the first legend row.
TOP, PLOT_HEIGHT = 28, 168
PLOT_BOTTOM = TOP + PLOT_HEIGHT
LEGEND_TOP = PLOT_BOTTOM + 48
#: Height of a chart without a legend; each legend row adds :data:`LEGEND_ROW`.
HEIGHT = LEGEND_TOP
LEGEND_ROW = 20
#: Text size in CSS pixels, whatever the chart's width.
FONT_SIZE = 12
#: Left and right margins of the plot, in percent of the chart's width (the left
#: one holds the axis numbers).
LEFT, RIGHT = 11.0, 2.0
#: The narrowest chart the layout plans for (a 390 px phone minus the theme's
#: margins), and the width of a character of :data:`FONT_SIZE` text, in pixels.
MIN_WIDTH, CHAR_WIDTH = 320, 7
#: Steps of a linear axis: at most this many.
MAX_STEPS = 5
#: Ticks of a logarithmic time axis: at most this many.
MAX_TIME_TICKS = 7

#: Fallback colours per severity position (most severe first) and per metric.
SEVERITY_COLOURS = ("#dc2626", "#ea580c", "#a16207", "#2563eb", "#6b7280", "#7c3aed")
METRIC_COLOURS = {
    "time_to_detect": "#7c3aed",
    "time_to_mitigate": "#c2410c",
    "time_to_resolve": "#15803d",
}
#: Fallback colours of other series (detection sources, factor categories), in turn.
SERIES_COLOURS = (
    "#2563eb",
    "#c2410c",
    "#15803d",
    "#7c3aed",
    "#dc2626",
    "#0e7490",
    "#a16207",
    "#db2777",
    "#64748b",
    "#4d7c0f",
)
#: CSS class and fallback colour of end-of-project reviews, drawn beside the incident bars.
REVIEW_CLASS, REVIEW_COLOUR = "pm-review", "#0e7490"
#: The largest value an axis shows; larger (finite) values are drawn at the top.
AXIS_LIMIT = 1e15
#: Longest legend text and axis caption drawn (longer ones end in an ellipsis; tables show all).
LEGEND_CHARS, UNIT_CHARS = 40, 40
#: Suffixes of axis numbers: 1500 -> 1.5k.
_TICK_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
#: Round durations a time axis ticks at, in seconds, each about three times the one
#: before; longer axes go on in tenfold years.
_DAY = 86400
DURATION_TICKS = (1, 10, 60, 300, 900, 3600, 4 * 3600, _DAY, 3 * _DAY, 10 * _DAY, 30 * _DAY,
                  90 * _DAY, 365 * _DAY)  # fmt: skip


@dataclass(frozen=True)
class Series:
    """One part of a stacked bar: its key in the values, legend name, CSS class, fallback colour."""

    key: str
    name: str
    css_class: str
    colour: str


@dataclass(frozen=True)
class Scale:
    """How values become axis numbers: divided by ``divisor``, read in ``unit`` (a word).

    ``whole``: the values are counts, so the axis ticks at whole numbers only.
    """

    divisor: float = 1
    unit: str = ""
    whole: bool = False


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


def _x(fraction: float) -> str:
    """A horizontal position: ``fraction`` of the plot's width, as a percentage of the chart's."""
    return f"{LEFT + (100 - LEFT - RIGHT) * fraction:.2f}%"


def _width(fraction: float) -> str:
    """A width: ``fraction`` of the plot's width, as a percentage of the chart's."""
    return f"{(100 - LEFT - RIGHT) * fraction:.2f}%"


def _label(x: str, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    """A ``<text>`` of :data:`FONT_SIZE` pixels (``extra``: more attributes, trusted)."""
    return (
        f'<text x="{x}" y="{y:.1f}" text-anchor="{anchor}" font-size="{FONT_SIZE}" '
        f'stroke="none"{extra}>{_text(text)}</text>'
    )


def _svg_open(
    chart_id: str, title: str, description: str, classes: str, height: int = HEIGHT
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-chart {classes}" role="img" '
        f'width="100%" height="{height}" style="height: {height}px" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
    ]


# -- axes ---------------------------------------------------------------------------------------


def linear_ticks(largest: float, whole: bool = False) -> list[float]:
    """Ticks from 0 to at or above ``largest``, at most :data:`MAX_STEPS` steps apart.

    A step is 1, 2 or 5 times a power of ten, and at least 1 when ``whole``
    (counts never get a 0.5 tick). Nothing to show: 0 and 1.
    """
    largest = _number(largest) or 0
    if largest <= 0:
        return [0, 1]
    power = 10 ** math.floor(math.log10(largest / MAX_STEPS))
    steps = [power * factor for factor in (1, 2, 5, 10)]
    step = next(s for s in steps if largest / s <= MAX_STEPS * (1 + 1e-9))
    if whole:
        step = max(1, round(step))
    count = math.ceil(largest / step - 1e-9)
    return [round(step * index, 12) for index in range(count + 1)]


def time_ticks(seconds: Sequence[float]) -> list[float]:
    """Round durations from below the shortest of ``seconds`` to at or above the longest.

    Only a time of zero (or under a second) stands on the bottom of the axis.
    At most :data:`MAX_TIME_TICKS` ticks (every second or third round duration
    on a long axis); none of ``seconds``: one minute to one hour.
    """
    positive = [s for s in seconds if s > 0]
    if not positive:
        return [60, 300, 900, 3600]
    ladder: list[float] = list(DURATION_TICKS)
    while ladder[-1] < max(positive):
        ladder.append(ladder[-1] * 10)
    low = max((i for i, t in enumerate(ladder) if t < min(positive)), default=0)
    high = min(i for i, t in enumerate(ladder) if t >= max(positive))
    high = max(high, low + 1)
    every = math.ceil((high - low) / (MAX_TIME_TICKS - 1))
    high = low + every * math.ceil((high - low) / every)
    while len(ladder) <= high:
        ladder.append(ladder[-1] * 10)
    return ladder[low : high + 1 : every]


def duration_tick(seconds: float) -> str:
    """A round duration on a time axis: ``10s``, ``5m``, ``4h``, ``3d``."""
    if seconds >= _DAY and seconds % _DAY == 0:
        return f"{_tick(seconds // _DAY)}d"
    for size, suffix in ((3600, "h"), (60, "m")):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{suffix}"
    return f"{int(seconds)}s"


def _linear_y(value: float, top: float) -> float:
    """The pixel height of ``value`` on a linear axis from 0 to ``top``, at most the plot's."""
    return PLOT_HEIGHT * min(value, top) / top


def _log_y(seconds: float, ticks: Sequence[float]) -> float:
    """The pixel height of ``seconds`` on a log axis over ``ticks`` (below the lowest: 0)."""
    low, high = math.log(ticks[0]), math.log(ticks[-1])
    value = math.log(min(max(seconds, ticks[0]), ticks[-1]))
    return PLOT_HEIGHT * (value - low) / (high - low)


def _axes(ticks: Sequence[tuple[float, str]], periods: Sequence[str], unit: str) -> list[str]:
    """Grid lines at ``(height, label)`` ticks, the unit caption, and the period labels."""
    parts = ['<g class="pm-chart-axes" style="fill: currentColor; stroke: currentColor">']
    for height, label in ticks:
        y = PLOT_BOTTOM - height
        parts.append(
            f'<line x1="{_x(0)}" x2="{_x(1)}" y1="{y:.1f}" y2="{y:.1f}" stroke-opacity="0.2" />'
        )
        parts.append(_label(_x(0), y + 4, label, "end", ' dx="-6"'))
    if unit:
        caption = _shortened(unit, UNIT_CHARS)
        parts.append(_label("0", TOP - 12, caption, extra=' class="pm-chart-unit"'))
    parts += _period_labels(periods)
    parts.append("</g>")
    return parts


def _period_parts(period: str) -> tuple[str, str]:
    """``2024-Q1`` -> ``("Q1", "2024")``; a year or anything else: ``(period, "")``."""
    match = re.fullmatch(r"(\d{4})-(.+)", period)
    return (match[2], match[1]) if match else (period, "")


def _period_labels(periods: Sequence[str]) -> list[str]:
    """Each period's label under its slot (``01``, ``Q1``) and its year under the first of a year.

    Labels are thinned (every second, third... period) so that they do not
    collide on a chart :data:`MIN_WIDTH` pixels wide.
    """
    if not periods:
        return []
    parts = [_period_parts(p) for p in periods]
    plot = MIN_WIDTH * (100 - LEFT - RIGHT) / 100
    label_width = CHAR_WIDTH * max(len(short) for short, _year in parts) + 8
    every = max(1, math.ceil(len(periods) * label_width / plot))
    slot = 1 / len(periods)
    result = []
    last_year, last_x = "", -plot
    for index, (short, year) in enumerate(parts):
        middle = slot * (index + 0.5)
        if index % every == 0:
            result.append(
                _label(_x(middle), PLOT_BOTTOM + 16, short, "middle", ' class="pm-chart-period"')
            )
        if year and year != last_year and plot * middle - last_x >= CHAR_WIDTH * 4 + 8:
            result.append(
                _label(_x(middle), PLOT_BOTTOM + 32, year, "middle", ' class="pm-chart-year"')
            )
            last_year, last_x = year, plot * middle
    return result


# -- legend -------------------------------------------------------------------------------------


def _legend_columns(items: Sequence[tuple[str, str, str]]) -> int:
    """How many equal columns the legend of ``items`` has (fitting :data:`MIN_WIDTH`)."""
    widest = max((len(_shortened(label, LEGEND_CHARS)) for label, _c, _f in items), default=0)
    return max(1, min(len(items), MIN_WIDTH // (16 + CHAR_WIDTH * widest + 12)))


def _height(legend: Sequence[tuple[str, str, str]]) -> int:
    """The height of a chart with this legend: one row per :func:`_legend_columns` items."""
    return HEIGHT + LEGEND_ROW * math.ceil(len(legend) / _legend_columns(legend))


def _legend(items: Sequence[tuple[str, str, str]]) -> list[str]:
    """``(label, css class, fallback colour)`` swatches under the plot, in columns and rows."""
    parts = ['<g class="pm-chart-legend" style="fill: currentColor">']
    columns = _legend_columns(items)
    for index, (label, css_class, colour) in enumerate(items):
        row, column = divmod(index, columns)
        x, y = f"{100 * column / columns:.2f}%", LEGEND_TOP + LEGEND_ROW * row
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" class="{css_class}" '
            f'style="fill: var(--{css_class}, {colour})" />'
        )
        parts.append(_label(x, y + 11, _shortened(label, LEGEND_CHARS), extra=' dx="16"'))
    parts.append("</g>")
    return parts


# -- incidents per period -------------------------------------------------------------------------


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


def _count_axes(largest: float, periods: Sequence[str], unit: str) -> tuple[float, list[str]]:
    """The top of a whole-number axis over ``largest``, and the axes' markup."""
    ticks = linear_ticks(largest, whole=True)
    top = ticks[-1]
    return top, _axes([(_linear_y(t, top), _tick(t)) for t in ticks], periods, unit)


def incidents_chart(stats: Stats, chart_id: str, title: str) -> str:
    """A stacked bar chart of incidents per period and severity; project reviews beside it."""
    reviews = [stats.reviews.get(p, 0) for p in stats.periods]
    totals = [stats.total(p) for p in stats.periods]
    description = "; ".join(_period_description(stats, p) for p in stats.periods) or _(
        "no incidents"
    )
    with_reviews = any(reviews)
    legend = [(s.name, s.css_class, s.colour) for s in severity_series(stats.severities)]
    if with_reviews:
        legend.append((_("project reviews"), REVIEW_CLASS, REVIEW_COLOUR))
    parts = _svg_open(chart_id, title, description, "pm-chart-incidents", _height(legend))
    unit = _("incidents and project reviews") if with_reviews else _("incidents")
    top, axes = _count_axes(max(totals + reviews, default=0), stats.periods, unit)
    parts += axes
    slot = 1 / max(len(stats.periods), 1)
    bar = slot * (0.45 if with_reviews else 0.6)
    review_bar = slot * 0.2
    used = bar + (review_bar + slot * 0.05 if with_reviews else 0)
    for index, period in enumerate(stats.periods):
        left = slot * index + (slot - used) / 2
        parts += _severity_stack(stats, period, (left, bar), top)
        if reviews[index]:
            label = _text(f"{period}, {_('project reviews')}: {reviews[index]}")
            parts.append(
                _bar(left + used - review_bar, review_bar, PLOT_BOTTOM, reviews[index], top)
                + f' class="{REVIEW_CLASS}" style="fill: var(--{REVIEW_CLASS}, {REVIEW_COLOUR})">'
                f"<title>{label}</title></rect>"
            )
    parts += _legend(legend)
    parts.append("</svg>")
    return "\n".join(parts)


def _bar(left: float, width: float, base: float, count: float, top: float) -> str:
    """The opening of a ``<rect>`` of ``count`` units standing on ``base`` (left unclosed).

    ``left`` and ``width`` are fractions of the plot's width; ``top`` is the axis maximum.
    """
    height = _linear_y(count, top)
    return (
        f'<rect x="{_x(left)}" y="{base - height:.1f}" width="{_width(width)}" '
        f'height="{height:.1f}"'
    )


def _severity_stack(stats: Stats, period: str, place: tuple[float, float], top: float) -> list[str]:
    """The bars of one period at ``place`` (left, width), most severe at the bottom."""
    left, width = place
    parts = []
    base: float = PLOT_BOTTOM
    for position, severity in enumerate(stats.severities):
        count = stats.counts[period][severity]
        if not count:
            continue
        css_class = f"pm-sev-{css_token(severity)}"
        colour = SEVERITY_COLOURS[min(position, len(SEVERITY_COLOURS) - 1)]
        parts.append(
            _bar(left, width, base, count, top)
            + f' class="pm-bar {css_class}" style="fill: var(--{css_class}, {colour})">'
            f"<title>{_text(f'{period}, {severity}: {count}')}</title></rect>"
        )
        base -= _linear_y(count, top)
    return parts


# -- median times ---------------------------------------------------------------------------------


def _duration(seconds: object) -> str | None:
    """A drawable duration written as the tables write it (``7h14m``), or None."""
    value = _number(seconds)
    return None if value is None else format_duration(int(value))


def _describe_duration(name: str, seconds: object) -> str:
    return f"{name} {_duration(seconds) or _('none')}"


def times_chart(stats: Stats, chart_id: str, title: str, names: dict[str, str]) -> str:
    """A line chart of the median time to detect / mitigate / resolve per period.

    The time axis is logarithmic (see the module's docstring).
    """
    values = [v for p in stats.periods for m in TIME_METRICS if (v := _number(stats.medians[p][m]))]
    ticks = time_ticks(values)
    description = "; ".join(
        f"{p}: "
        + ", ".join(_describe_duration(names[m], stats.medians[p][m]) for m in TIME_METRICS)
        for p in stats.periods
    ) or _("no data")
    legend = [(names[m], f"pm-metric-{css_token(m)}", METRIC_COLOURS[m]) for m in TIME_METRICS]
    parts = _svg_open(chart_id, title, description, "pm-chart-times", _height(legend))
    parts += _axes(
        [(_log_y(t, ticks), duration_tick(t)) for t in ticks],
        stats.periods,
        _("duration (log scale)"),
    )
    for metric in TIME_METRICS:
        parts += _metric_line(stats, metric, names[metric], ticks)
    parts += _legend(legend)
    parts.append("</svg>")
    return "\n".join(parts)


def _metric_line(stats: Stats, metric: str, name: str, ticks: Sequence[float]) -> list[str]:
    """One metric's points, joined by lines where neighbouring periods both have a value."""
    css_class = f"pm-metric-{css_token(metric)}"
    colour = METRIC_COLOURS[metric]
    style = f"stroke: var(--{css_class}, {colour}); fill: var(--{css_class}, {colour})"
    slot = 1 / max(len(stats.periods), 1)
    lines, dots = [], []
    previous: tuple[str, float] | None = None
    for index, period in enumerate(stats.periods):
        seconds = _number(stats.medians[period][metric])
        if seconds is None:
            previous = None
            continue
        x, y = _x(slot * (index + 0.5)), PLOT_BOTTOM - _log_y(seconds, ticks)
        if previous:
            lines.append(
                f'<line x1="{previous[0]}" y1="{previous[1]:.1f}" x2="{x}" y2="{y:.1f}" '
                'stroke-width="2" />'
            )
        previous = (x, y)
        tooltip = _text(f"{period}, {name}: {format_duration(int(seconds))}")
        dots.append(f'<circle cx="{x}" cy="{y:.1f}" r="4"><title>{tooltip}</title></circle>')
    return [f'<g class="pm-line {css_class}" style="{style}">', *lines, *dots, "</g>"]


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
    scale: Scale | None = None,
) -> str:
    """Bars per period, stacked by ``series`` (the first at the bottom).

    ``values[period][key]`` is a series' value in a period (missing, zero or not
    a finite number: no bar); ``written`` writes a value for tooltips and the
    description, and ``scale`` turns values into axis numbers.
    """
    scale = scale or Scale()
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
    ticks = linear_ticks(max(totals, default=0), scale.whole)
    top = ticks[-1]
    parts += _axes([(_linear_y(t, top), _tick(t)) for t in ticks], periods, scale.unit)
    slot = 1 / max(len(periods), 1)
    for index, period in enumerate(periods):
        place = (slot * index + slot * 0.2, slot * 0.6, top)
        parts += _stack(period, drawn[period], place, written, scale)
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


def _size_scales() -> tuple[Scale, ...]:
    """Axis units of sizes, largest first (decimal, like the figures)."""
    return (
        Scale(1e15, _("petabytes")),
        Scale(1e12, _("terabytes")),
        Scale(1e9, _("gigabytes")),
        Scale(1e6, _("megabytes")),
        Scale(1e3, _("kilobytes")),
        Scale(1, _("bytes")),
    )


def amount_scale(kind: str, unit: str, largest: float) -> Scale:
    """The axis of impact sums of ``kind``: hours for durations, a size unit for bytes.

    Counts tick at whole numbers; other kinds are read in their configured unit.
    """
    if kind == "duration":
        return Scale(3600, _("hours"))
    if kind == "bytes":
        sizes = _size_scales()
        return next((s for s in sizes if largest >= s.divisor), sizes[-1])
    if kind == "percent":
        return Scale(1, _("percent"))
    return Scale(1, unit, whole=kind == "count")


def count_scale() -> Scale:
    """The axis of incident counts."""
    return Scale(1, _("incidents"), whole=True)


def _stack(
    period: str,
    drawn: Sequence[tuple[Series, float]],
    place: tuple[float, float, float],
    written: Callable[[float], str],
    scale: Scale,
) -> list[str]:
    """The bars of one period at ``place`` (left, width, axis maximum), clipped to the plot."""
    left, width, top = place
    parts = []
    base: float = PLOT_BOTTOM
    for part, value in drawn:
        height = min(_linear_y(_scaled(value, scale), top), base - TOP)
        tooltip = _text(f"{period}, {part.name}: {written(value)}")
        fill = f"fill: var(--{part.css_class}, {part.colour})"
        parts.append(
            f'<rect x="{_x(left)}" y="{base - height:.1f}" width="{_width(width)}" '
            f'height="{height:.1f}" class="pm-bar {part.css_class}" style="{fill}">'
            f"<title>{tooltip}</title></rect>"
        )
        base -= height
    return parts
