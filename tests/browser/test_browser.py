"""The demo documentation in five themes, checked in headless Chromium.

Built once per theme per session (see conftest.py), served from 127.0.0.1
and driven with Playwright through Debian's /usr/bin/chromium:

- pages load without console errors;
- the metadata panel, the timeline, action items, lessons and roll-up tables
  are visible and laid out (bounding boxes; the timeline's time column left
  of its line);
- nothing widens a 375 px phone screen;
- dark mode under furo, pydata-sphinx-theme and sphinx-book-theme changes
  the panel's colours, and a dark system preference leaves themes without a
  dark mode readable;
- labels and other coloured text meet WCAG AA (4.5:1), computed from the
  styles the browser applied;
- axe-core finds no serious or critical violations on any page with the
  extension's markup in light, and on the pages with every kind of coloured
  markup in dark;
- print styles apply.

Screenshots for a person to look at (the README's theme) go to
$PM_SCREENSHOT_DIR (default build/screenshots).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import make_readme_screenshots as readme
import pm_browser_site as site
import pytest

pytestmark = pytest.mark.browser

if site.missing_browser() and os.environ.get("PM_REQUIRE_BROWSER") != "1":
    pytest.skip(site.missing_browser(), allow_module_level=True)

THEMES = site.THEMES
PAGES = (
    site.INCIDENT_PAGE,
    site.LESSONS_PAGE,
    site.INCIDENTS_PAGE,
    site.ACTIONS_PAGE,
    site.FACTORS_PAGE,
    site.STATS_PAGE,
)
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 375, "height": 812}
AA = 4.5
#: The theme of the README's screenshots.
README_THEME = "furo"

#: What a visitor's explicit choice of mode looks like in each theme's storage.
MODE_STORAGE = {
    "furo": lambda mode: {"theme": mode},
    "pydata_sphinx_theme": lambda mode: {"mode": mode, "theme": mode},
    "sphinx_book_theme": lambda mode: {"mode": mode, "theme": mode},
}

# -- in-page helpers -----------------------------------------------------------

#: Colour maths for the page: any CSS colour to RGBA through a canvas, the
#: background actually behind an element (composited up its ancestors), and
#: the WCAG contrast ratio.
COLOUR_JS = """
(() => {
  if (window.__pm) return window.__pm;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const cx = canvas.getContext('2d', {willReadFrequently: true});
  function rgba(colour) {
    cx.clearRect(0, 0, 1, 1);
    cx.fillStyle = 'rgba(0, 0, 0, 0)';
    cx.fillStyle = colour;
    cx.fillRect(0, 0, 1, 1);
    const d = cx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  }
  function over(top, below) {
    const a = top[3] + below[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = i => (top[i] * top[3] + below[i] * below[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  }
  function background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  }
  function luminance(c) {
    const f = v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }
  // WCAG contrast ratio of two colours ([r, g, b, ...])
  function ratio(x, y) {
    const [a, b] = [luminance(x), luminance(y)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  function contrast(el) {
    const bg = background(el);
    const fg = over(rgba(getComputedStyle(el).color), bg);
    return {
      ratio: ratio(fg, bg),
      fg: fg.slice(0, 3).map(Math.round), bg: bg.slice(0, 3).map(Math.round),
    };
  }
  window.__pm = {rgba, background, contrast, ratio};
  return window.__pm;
})()
"""

#: Text whose colour the stylesheet sets.
COLOURED_TEXT = ", ".join(
    [
        ".pm-label",
        ".pm-tag",
        ".pm-gap",
        ".pm-offset",
        ".pm-time",
        "p.pm-lesson-source",
        "div.pm-panel dl > dt",
        "div.pm-action dl > dt",
        "div.admonition.pm-lesson > p.admonition-title",
        "p.pm-incident-title",
    ]
)

#: Every label the package renders: (classes, text).
ALL_LABELS = [
    *[(f"pm-sev pm-sev-sev{n}", f"SEV{n}") for n in range(1, 5)],
    ("pm-sev pm-sev-unrated", "unrated"),
    *[(f"pm-status pm-status-{s}", s) for s in ("draft", "in-review", "published")],
    *[
        (f"pm-action-status pm-action-status-{s}", s)
        for s in ("open", "in-progress", "done", "wont-do")
    ],
    *[(f"pm-priority pm-priority-p{n}", f"P{n}") for n in range(4)],
    ("pm-overdue pm-overdue-overdue", "overdue"),
    *[(f"pm-kind pm-kind-{k}", k) for k in ("went-well", "went-wrong", "lucky")],
    *[
        (f"pm-milestone pm-milestone-{m}", m)
        for m in ("start", "detect", "ack", "notify", "mitigate", "resolve")
    ],
    *[
        (f"pm-detection pm-detection-{d}", d)
        for d in ("alert", "customer", "employee", "external", "test", "unknown")
    ],
    *[
        (f"pm-factor-kind pm-factor-kind-{k}", k)
        for k in ("trigger", "root-cause", "contributing", "mitigator")
    ],
    ("pm-factor-category pm-factor-category-capacity", "capacity"),
]

CONTRAST_JS = """
(selector) => {
  const pm = window.__pm;
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    const c = pm.contrast(el);
    out.push({text: el.textContent.trim().slice(0, 40), cls: el.className, ...c});
  }
  return out;
}
"""

# -- fixtures ------------------------------------------------------------------


@pytest.fixture
def open_page(browser, server) -> Iterator:
    """Open a page of a theme's site; collects console errors on ``page.pm_errors``."""
    contexts = []

    def _open(theme: str, path: str, *, viewport=DESKTOP, scheme="light", storage=None):
        context = browser.new_context(
            viewport=viewport,
            color_scheme=scheme,
            device_scale_factor=1,
            service_workers="block",
        )
        contexts.append(context)
        if storage:
            entries = json.dumps(storage)
            context.add_init_script(
                f"for (const [k, v] of Object.entries({entries})) localStorage.setItem(k, v);"
            )
        page = context.new_page()
        page.pm_errors = []
        page.on("console", lambda msg: _console_error(page, msg))
        page.on("pageerror", lambda error: page.pm_errors.append(f"uncaught: {error}"))
        goto(page, theme, path, server)
        return page

    yield _open
    for context in contexts:
        context.close()


def _console_error(page, msg) -> None:
    if msg.type != "error":
        return
    # Browsers ask for /favicon.ico on their own; the demo site has none.
    if msg.location.get("url", "").endswith("/favicon.ico"):
        return
    page.pm_errors.append(f"{msg.text} ({msg.location.get('url', '')})")


def goto(page, theme: str, path: str, server) -> None:
    response = page.goto(f"{server.url}/{theme}/html/{path}", wait_until="load")
    assert response is not None and response.ok, f"{theme}/{path}: {response and response.status}"
    page.evaluate(COLOUR_JS)


def box(page, selector: str) -> dict:
    assert page.locator(selector).count() > 0, f"no {selector}"
    locator = page.locator(selector).first
    assert locator.is_visible(), f"{selector} is not visible"
    bounds = locator.bounding_box()
    assert bounds and bounds["width"] > 0 and bounds["height"] > 0, f"{selector}: {bounds}"
    return bounds


# -- tests ---------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_pages_load_without_console_errors(open_page, server, theme):
    page = open_page(theme, PAGES[0])
    for path in PAGES[1:]:
        goto(page, theme, path, server)
    assert page.pm_errors == []
    # The stylesheet is linked where post-mortem content is.
    assert page.evaluate(
        "[...document.styleSheets].some(s => (s.href || '').includes('sphinx_postmortem.css'))"
    )


@pytest.mark.parametrize("theme", THEMES)
def test_incident_page_is_laid_out(open_page, theme):
    page = open_page(theme, site.INCIDENT_PAGE)
    for selector in (
        "div.pm-incident",
        "div.pm-panel",
        "dl.pm-panel-fields",
        "div.pm-panel .pm-label.pm-sev",
        "ol.pm-timeline-list",
        "li.pm-entry-milestone",
        "div.pm-action",
        "div.admonition.pm-lesson",
        "div.pm-impact dl.pm-impact-figures",
        "div.admonition.pm-factor",
        "div.pm-panel div.pm-factors",
    ):
        box(page, selector)

    timeline = page.evaluate(
        """() => [...document.querySelectorAll('ol.pm-timeline-list > li.pm-entry')].map(li => {
          const line = getComputedStyle(li, '::before');
          const marker = getComputedStyle(li, '::after');
          const time = li.querySelector('.pm-time').getBoundingClientRect();
          const text = li.querySelector('.pm-entry-text').getBoundingClientRect();
          return {
            phase: [...li.classList].find(c => c.startsWith('pm-phase-')),
            milestone: li.classList.contains('pm-entry-milestone'),
            listStyle: getComputedStyle(li).listStyleType,
            lineWidth: parseFloat(line.borderLeftWidth), lineColour: line.borderLeftColor,
            markerWidth: parseFloat(marker.width), timeRight: time.right, textLeft: text.left,
          };
        })"""
    )
    assert len(timeline) >= 8
    for entry in timeline:
        # A vertical line with a marker per entry, time in a column to its left.
        assert entry["lineWidth"] >= 2, entry
        assert entry["markerWidth"] >= (14 if entry["milestone"] else 8), entry
        assert entry["timeRight"] <= entry["textLeft"], entry
        assert entry["listStyle"] == "none", entry
    colours = {e["phase"]: e["lineColour"] for e in timeline}
    phases = (
        "pm-phase-undetected",
        "pm-phase-responding",
        "pm-phase-mitigated",
        "pm-phase-resolved",
    )
    assert set(phases) <= set(colours)
    assert len({colours[p] for p in phases}) == len(phases), colours
    # Still an ordered list for assistive technology.
    assert page.evaluate("document.querySelector('ol.pm-timeline-list').tagName") == "OL"


@pytest.mark.parametrize("theme", THEMES)
def test_rollups_are_laid_out(open_page, server, theme):
    page = open_page(theme, site.INCIDENTS_PAGE)
    box(page, "table.pm-incident-table")
    assert page.locator("table.pm-incident-table thead th").count() >= 5
    goto(page, theme, site.ACTIONS_PAGE, server)
    box(page, "table.pm-action-table")
    box(page, "table.pm-action-table .pm-label.pm-overdue")
    goto(page, theme, site.LESSONS_PAGE, server)
    box(page, "div.pm-lesson-list")
    box(page, "div.pm-lesson-list section.pm-group > :is(h2, h3, h4, h5, h6)")
    box(page, "div.pm-lesson-entry .pm-label.pm-kind")
    goto(page, theme, site.STATS_PAGE, server)
    chart = box(page, "svg.pm-chart")
    assert chart["height"] > 100
    box(page, "table.pm-stats-table")
    # Bars are drawn in the stylesheet's severity colours.
    bar, expected = page.evaluate(
        """() => {
          const bar = document.querySelector('svg.pm-chart .pm-bar');
          const cls = [...bar.classList].find(c => c.startsWith('pm-sev-'));
          const probe = document.createElement('span');
          probe.style.color = `var(--${cls})`;
          bar.closest('svg').parentElement.appendChild(probe);
          const expected = getComputedStyle(probe).color;
          probe.remove();
          return [getComputedStyle(bar).fill, expected];
        }"""
    )
    assert bar == expected


@pytest.mark.parametrize("theme", THEMES)
def test_no_horizontal_overflow_on_a_phone(open_page, server, theme):
    page = open_page(theme, PAGES[0], viewport=PHONE)
    problems = []
    for path in PAGES:
        if path != PAGES[0]:
            goto(page, theme, path, server)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"] + 1:
            problems.append(f"{path}: page is {width}px wide")
        # Themes that hide overflow on <body> would hide a wide component
        # from the check above: each component, or the box that scrolls it,
        # must end inside the screen.
        wide = page.evaluate(
            """(limit) => {
              const scroller = el => {
                for (let e = el; e && e !== document.body; e = e.parentElement) {
                  const o = getComputedStyle(e).overflowX;
                  if (o === 'auto' || o === 'scroll') return e;
                }
                return el;
              };
              const sel = 'div.pm-incident, div.pm-panel, ol.pm-timeline-list, div.pm-action, '
                + 'div.admonition.pm-lesson, div.pm-lesson-entry, div.pm-rollup, table.pm-table, '
                + 'div.pm-impact, div.admonition.pm-factor, div.pm-factors, div.pm-factor-entry, '
                + 'svg.pm-chart';
              return [...document.querySelectorAll(sel)]
                .map(el => [el.className.baseVal ?? el.className,
                            scroller(el).getBoundingClientRect().right])
                .filter(([, right]) => right > limit);
            }""",
            PHONE["width"] + 1,
        )
        problems += [f"{path}: {cls} ends at {right:.0f}px" for cls, right in wide]
    assert problems == []


@pytest.mark.parametrize("theme", site.DARK_THEMES)
def test_dark_mode_changes_the_panel(open_page, theme):
    def panel_colours(page):
        return page.evaluate(
            """() => {
              const panel = document.querySelector('div.pm-panel');
              const dd = panel.querySelector('dd');
              return {bg: getComputedStyle(panel).backgroundColor, fg: getComputedStyle(dd).color,
                      contrast: window.__pm.contrast(dd).ratio};
            }"""
        )

    light = panel_colours(
        open_page(theme, site.INCIDENT_PAGE, storage=MODE_STORAGE[theme]("light"))
    )
    dark = panel_colours(open_page(theme, site.INCIDENT_PAGE, storage=MODE_STORAGE[theme]("dark")))
    # No stored choice: the theme follows the system preference ("auto").
    auto = panel_colours(open_page(theme, site.INCIDENT_PAGE, scheme="dark"))
    assert dark["bg"] != light["bg"], (light, dark)
    assert dark["fg"] != light["fg"], (light, dark)
    assert (auto["bg"], auto["fg"]) == (dark["bg"], dark["fg"]), (auto, dark)
    assert light["contrast"] >= AA and dark["contrast"] >= AA, (light, dark)


def _contrast_cases():
    for theme in THEMES:
        yield pytest.param(theme, "light", id=f"{theme}-light")
        # Themes without a dark mode must stay readable when the system is dark.
        yield pytest.param(theme, "dark", id=f"{theme}-dark")


@pytest.mark.parametrize(("theme", "mode"), list(_contrast_cases()))
def test_text_contrast(open_page, server, screenshot_dir, theme, mode):
    storage = MODE_STORAGE[theme](mode) if theme in MODE_STORAGE else None
    page = open_page(theme, site.INCIDENT_PAGE, scheme=mode, storage=storage)
    results = []
    # The timeline's line and markers are graphics: WCAG asks 3:1 of them.
    lines = page.evaluate(
        """() => [...document.querySelectorAll('ol.pm-timeline-list > li.pm-entry')].map(li => {
          const pm = window.__pm, bg = pm.background(li);
          const line = pm.rgba(getComputedStyle(li, '::before').borderLeftColor);
          return {phase: li.className, ratio: pm.ratio(line, bg)};
        })"""
    )
    assert lines and all(line["ratio"] >= 3 for line in lines), lines
    # Every kind of label, including those the demo does not use (SEV4,
    # draft, ...), in the panel and in a table cell.
    page.evaluate(
        """(labels) => {
          for (const where of ['div.pm-panel dd', 'ol.pm-timeline-list p.pm-entry-text']) {
            const host = document.querySelector(where);
            for (const [cls, text] of labels) {
              const span = document.createElement('span');
              span.className = 'pm-label ' + cls;
              span.textContent = text;
              host.append(' ', span);
            }
          }
        }""",
        ALL_LABELS,
    )
    for path in (site.INCIDENT_PAGE, site.ACTIONS_PAGE, site.LESSONS_PAGE, site.INCIDENTS_PAGE):
        if path != site.INCIDENT_PAGE:
            goto(page, theme, path, server)
        results += [dict(r, page=path) for r in page.evaluate(CONTRAST_JS, COLOURED_TEXT)]
    assert len(results) > 50
    labels = [r for r in results if "pm-label" in r["cls"]]
    assert labels
    _record_contrast(screenshot_dir, theme, mode, results)
    _record(
        screenshot_dir,
        "contrast-timeline.json",
        f"{theme}-{mode}",
        {line["phase"]: round(line["ratio"], 2) for line in lines},
    )
    low = [r for r in results if r["ratio"] < AA]
    assert low == [], "\n".join(
        f"{r['ratio']:.2f} {r['cls']} {r['text']!r} fg={r['fg']} bg={r['bg']} ({r['page']})"
        for r in low[:20]
    )


def _record_contrast(directory: Path, theme: str, mode: str, results: list[dict]) -> None:
    """Lowest ratio per kind of text, kept next to the screenshots."""
    summary: dict[str, float] = {}
    for r in results:
        kind = " ".join(c for c in r["cls"].split() if c.startswith("pm-") and c != "pm-label")
        kind = kind or r["cls"] or "text"
        summary[kind] = round(min(summary.get(kind, 99.0), r["ratio"]), 2)
    _record(directory, "contrast.json", f"{theme}-{mode}", dict(sorted(summary.items())))


def _record(directory: Path, name: str, key: str, value: object) -> None:
    """Add ``key: value`` to a JSON report next to the screenshots."""
    path = directory / name
    # Locked: the tests may run in several processes (pytest-xdist) adding to one report.
    with site.locked(directory / f".{name}.lock"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        data[key] = value
        path.write_text(json.dumps(data, indent=1, sort_keys=True))


#: axe-core runs on the whole page, less the parts of a theme's own chrome
#: that have serious violations of their own (this package cannot change
#: them): alabaster's footer (#888 on white, 3.5:1); sphinx-rtd-theme's
#: side bar (white on #2980b9, 4.2:1) and footer (#808080, 3.8:1);
#: sphinx-book-theme's navigation toggles (<summary> without a name).
AXE_EXCLUDE: dict[str, list[str]] = {
    "alabaster": [".footer"],
    "sphinx_rtd_theme": [".wy-nav-side", "footer"],
    "sphinx_book_theme": [".bd-sidebar-primary"],
}
#: Left out in every theme: Sphinx's own toctree captions, <p class="caption"
#: role="heading"> without the aria-level a heading role needs (in the
#: theme's side bar and in a toctree with :caption:, as on the payments
#: site's index; the HTML validator finds the same on plain pages).
AXE_EXCLUDE_ALL = ['p.caption[role="heading"]']
#: Colours a theme gives text everywhere, in the page's content too, that
#: are below 4.5:1 on its own background: sphinx-rtd-theme's links (#2980b9,
#: 4.2:1 on #fcfcfc), visited links and inline code (#e74c3c, 3.8:1 on
#: white). Contrast failures in exactly these colours are the theme's, and so
#: are its links that only colour tells from the text around them
#: (link-in-text-block: #2980b9 next to #404040 is 2.4:1, and the theme
#: does not underline links); any other colour, such as one this stylesheet
#: sets, fails the test.
AXE_THEME_COLOURS: dict[str, set[str]] = {
    "sphinx_rtd_theme": {"#2980b9", "#9b59b6", "#e74c3c"},
}


AXE_COLOUR_RULES = ("color-contrast", "link-in-text-block")


def _axe_cases():
    for theme in THEMES:
        yield pytest.param(theme, "light", id=f"{theme}-light")
        if theme in MODE_STORAGE:
            yield pytest.param(theme, "dark", id=f"{theme}-dark")


def _axe_runner():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        if os.environ.get("PM_REQUIRE_BROWSER") == "1":
            pytest.fail("axe-playwright-python is not installed", pytrace=False)
        pytest.skip("axe-playwright-python is not installed")
    return Axe()


def _themes_own(theme: str, violation: dict, node: dict) -> bool:
    """Whether a violation is in a colour the theme gives all its text (see above)."""
    data = next((c.get("data") for c in node.get("any", []) if c.get("data")), None)
    if not isinstance(data, dict) or violation["id"] not in AXE_COLOUR_RULES:
        return False
    colour = data.get("fgColor") or data.get("nodeColor") or ""
    return str(colour).lower() in AXE_THEME_COLOURS.get(theme, set())


@pytest.mark.parametrize(("theme", "mode"), list(_axe_cases()))
def test_axe_finds_no_serious_violations(open_page, server, screenshot_dir, theme, mode):
    """Every page with the extension's markup in the reference theme; in every theme
    and mode, the pages that show every kind of coloured markup (``COLOUR_PAGES``).

    What axe-core finds in the extension's own structure (names, roles, ids,
    headings) does not depend on the theme; what depends on it (colours) is
    on the colour pages, which every theme and mode checks.
    """
    axe = _axe_runner()
    storage = MODE_STORAGE[theme](mode) if theme in MODE_STORAGE else None
    every_page = theme == site.AXE_REFERENCE_THEME and mode == "light"
    pages = site.EXTENSION_PAGES if every_page else site.COLOUR_PAGES
    page = open_page(theme, pages[0], scheme=mode, storage=storage)
    exclude = [[s] for s in (*AXE_EXCLUDE.get(theme, []), *AXE_EXCLUDE_ALL)]
    serious = []
    for path in pages:
        if path != pages[0]:
            goto(page, theme, path, server)
        results = axe.run(page, context={"exclude": exclude})
        found, themes_own = [], 0
        for violation in results.response["violations"]:
            if violation["impact"] not in ("serious", "critical"):
                continue
            for node in violation["nodes"]:
                if _themes_own(theme, violation, node):
                    themes_own += 1
                    continue
                target = " ".join(map(str, node["target"]))
                found.append(f"{path}: {violation['id']} ({violation['impact']}): {target}")
        _record(
            screenshot_dir,
            "axe.json",
            f"{theme}-{mode} {path}",
            {
                "serious_or_critical": len(found),
                "theme_colour_nodes_ignored": themes_own,
                "all_violations": sorted(
                    f"{v['id']} ({v['impact']})" for v in results.response["violations"]
                ),
            },
        )
        serious += found
    assert serious == [], "\n".join(serious)


@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_print_styles(open_page, theme):
    page = open_page(theme, site.INCIDENT_PAGE)
    page.emulate_media(media="print")
    styles = page.evaluate(
        """() => {
          const label = getComputedStyle(document.querySelector('.pm-label.pm-sev'));
          const panel = getComputedStyle(document.querySelector('div.pm-panel'));
          const line = getComputedStyle(document.querySelector('li.pm-entry'), '::before');
          const list = getComputedStyle(document.querySelector('ol.pm-timeline-list'));
          return {label: label.color, labelBg: label.backgroundColor,
                  panelBg: panel.backgroundColor,
                  line: parseFloat(line.borderLeftWidth), listBreak: list.breakInside};
        }"""
    )
    assert styles["label"] == "rgb(0, 0, 0)"
    assert styles["labelBg"] == "rgba(0, 0, 0, 0)"
    assert styles["panelBg"] == "rgba(0, 0, 0, 0)"
    assert styles["line"] >= 2
    # A long timeline may run over several pages.
    assert styles["listBreak"] == "auto"


#: Smallest PNG of a page that shows something (a blank page's is a few KB).
RENDERED_BYTES = 10_000


@pytest.mark.parametrize("theme", THEMES)
def test_screenshots(open_page, browser, server, screenshot_dir, theme):
    """Every theme draws the incident and lessons pages in each of its modes and on a
    phone; screenshots of the README's theme for a person to look at (not committed).

    In the README's theme the screenshots are written (full pages where a person
    scrolls), with the README's four images (light and dark) in the screenshot
    directory's readme/ folder; make_readme_screenshots.py copies them into
    docs/images. In the other themes the same pages are drawn in memory (the screen a
    visitor sees first) and only checked.
    """
    keep = theme == README_THEME
    shots: list[tuple[str, bytes]] = []

    def shoot(page, name: str, full_page: bool = False) -> None:
        if keep:
            path = screenshot_dir / f"{theme}-{name}.png"
            page.screenshot(path=path, full_page=full_page)
            shots.append((name, path.read_bytes()))
        else:
            shots.append((name, page.screenshot()))

    if keep:
        made = readme.take(browser, f"{server.url}/{theme}/html", screenshot_dir / "readme", theme)
        assert sorted(p.name for p in made) == sorted(readme.NAMES)
        assert readme.too_large(made) == []
    modes = [("light", None, "light")]
    if theme in MODE_STORAGE:
        modes.append(("dark", MODE_STORAGE[theme]("dark"), "dark"))
    for name, storage, scheme in modes:
        page = open_page(theme, site.INCIDENT_PAGE, scheme=scheme, storage=storage)
        shoot(page, f"incident-{name}", full_page=True)
        goto(page, theme, site.LESSONS_PAGE, server)
        shoot(page, f"lessons-{name}")
    page = open_page(theme, site.INCIDENT_PAGE, viewport=PHONE)
    shoot(page, "incident-phone", full_page=True)
    assert len(shots) == 2 * len(modes) + 1
    for name, png in shots:
        assert len(png) > RENDERED_BYTES, f"{theme}-{name}: {len(png)} bytes"
