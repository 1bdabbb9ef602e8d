"""The ``postmortem-stats`` charts of the demo site, read in headless Chromium.

In all five themes, on a 390 px phone and a 1280 px desktop: chart text is
drawn at 11 px or more and its labels do not overlap; every bar, point and
legend swatch stands out from the page behind it at 3:1 or more (WCAG
1.4.11), in light and, where the theme has one, dark mode.
"""

from __future__ import annotations

import pm_browser_site as site
import pytest
import test_browser
from test_browser import MODE_STORAGE

pytestmark = pytest.mark.browser

#: The pages are opened as in test_browser.py (console errors collected, dark mode stored).
open_page = test_browser.open_page

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
#: Pages with charts: the trends page (months) and the browser tests' stats page (quarters).
CHART_PAGES = ("trends.html", site.STATS_PAGE)
#: Smallest text size a chart may draw, in CSS pixels, and the contrast of its marks.
MIN_TEXT_PX = 11
GRAPHICS = 3.0

#: Per chart text: its computed size, rendered height, box, and its class (or its group's:
#: axis numbers, legend names).
TEXT_JS = """
() => [...document.querySelectorAll('svg.pm-chart')].flatMap((svg, chart) => {
  const outer = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => {
    const box = t.getBoundingClientRect();
    const cls = t.getAttribute('class') || t.parentElement.getAttribute('class');
    return {chart, text: t.textContent, cls,
            size: parseFloat(getComputedStyle(t).fontSize), height: box.height,
            left: box.left, right: box.right, top: box.top, bottom: box.bottom,
            svgLeft: outer.left, svgRight: outer.right};
  });
})
"""

#: Per coloured mark (bar, point, legend swatch): its fill against the page behind the chart.
MARK_JS = """
() => {
  const pm = window.__pm;
  const out = [];
  for (const svg of document.querySelectorAll('svg.pm-chart')) {
    const bg = pm.background(svg);
    for (const mark of svg.querySelectorAll('rect, circle')) {
      const fill = pm.rgba(getComputedStyle(mark).fill);
      out.push({cls: mark.getAttribute('class') || mark.parentElement.getAttribute('class'),
                ratio: pm.ratio(fill, bg),
                fill: fill.slice(0, 3), bg: bg.slice(0, 3).map(Math.round)});
    }
  }
  return out;
}
"""


def overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of labels of the same chart and class whose boxes intersect."""
    found = []
    for index, first in enumerate(texts):
        for second in texts[index + 1 :]:
            if (first["chart"], first["cls"]) != (second["chart"], second["cls"]):
                continue
            apart = (
                first["right"] <= second["left"] + 0.5
                or second["right"] <= first["left"] + 0.5
                or first["bottom"] <= second["top"] + 0.5
                or second["bottom"] <= first["top"] + 0.5
            )
            if not apart:
                found.append((first["text"], second["text"]))
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("theme", site.THEMES)
def test_chart_text_is_readable_and_does_not_overlap(open_page, theme, viewport):
    page = open_page(theme, CHART_PAGES[0], viewport=viewport)
    for path in CHART_PAGES:
        if path != CHART_PAGES[0]:
            page.goto(page.url.rsplit("/", 1)[0] + "/" + path, wait_until="load")
        texts = page.evaluate(TEXT_JS)
        assert texts, f"{path}: no chart text"
        small = [
            (t["text"], t["size"], round(t["height"], 1))
            for t in texts
            if t["size"] < MIN_TEXT_PX or t["height"] < MIN_TEXT_PX
        ]
        assert small == [], path
        # axis numbers, period labels and legend names stay inside the chart's width
        outside = [
            t["text"]
            for t in texts
            if t["left"] < t["svgLeft"] - 1 or t["right"] > t["svgRight"] + 1
        ]
        assert outside == [], path
        assert overlapping(texts) == [], path


def _modes():
    for theme in site.THEMES:
        yield pytest.param(theme, "light", id=f"{theme}-light")
        if theme in site.DARK_THEMES:
            yield pytest.param(theme, "dark", id=f"{theme}-dark")


@pytest.mark.parametrize(("theme", "mode"), list(_modes()))
def test_chart_colours_stand_out_from_the_page(open_page, theme, mode):
    storage = MODE_STORAGE[theme](mode) if theme in MODE_STORAGE else None
    page = open_page(theme, site.STATS_PAGE, scheme=mode, storage=storage)
    marks = page.evaluate(MARK_JS)
    assert len(marks) >= 5
    weak = sorted(
        {(m["cls"], round(m["ratio"], 2), tuple(m["fill"])) for m in marks if m["ratio"] < GRAPHICS}
    )
    assert weak == [], f"{theme} {mode}: {weak}"
