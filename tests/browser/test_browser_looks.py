"""Action items and lessons as a reader sees them, in the five themes, light and dark.

Measured in Chromium from the styles the browser applied (see test_browser.py
for how the sites are built and served):

- an action item's status colours its bar, differently for each status, at
  3:1 or more against the page (WCAG 1.4.11), beside the status written out
  at 4.5:1 or more (WCAG 1.4.3);
- lessons and factors are styled by the extension, not as the theme's
  admonitions: their text is the size of the theme's body paragraphs, their
  titles carry no icon, their bar is 3:1 or more against the page, the ", "
  between tag pills is not seen; a lesson looks the same on the incident
  page and on the lessons page.
"""

from __future__ import annotations

import os

import pm_browser_site as site
import pytest
import test_browser
from test_browser import AA, MODE_STORAGE, THEMES, goto

#: The fixture that opens a page of a theme's site (console errors collected).
open_page = test_browser.open_page

pytestmark = pytest.mark.browser

if site.missing_browser() and os.environ.get("PM_REQUIRE_BROWSER") != "1":
    pytest.skip(site.missing_browser(), allow_module_level=True)

#: WCAG 1.4.11: graphics that carry meaning, such as a status bar.
GRAPHICS = 3.0
STATUSES = ("open", "in-progress", "done", "wont-do")
KINDS = ("went-wrong", "went-well", "lucky")


def _cases():
    for theme in THEMES:
        yield pytest.param(theme, "light", id=f"{theme}-light")
        # Themes without a dark mode must stay right when the system is dark.
        yield pytest.param(theme, "dark", id=f"{theme}-dark")


@pytest.fixture
def open_in_mode(open_page):
    """Open a page of a theme's site in light or dark mode (chosen, where the theme stores it)."""

    def _open(theme: str, mode: str, path: str):
        storage = MODE_STORAGE[theme](mode) if theme in MODE_STORAGE else None
        return open_page(theme, path, scheme=mode, storage=storage)

    return _open


#: Ratio of two colours (as any CSS colour) composited over an element's background.
RATIO_JS = """
(() => {
  const pm = window.__pm;
  window.__pmGraphic = (colour, el) => pm.ratio(pm.rgba(colour), pm.background(el));
})()
"""

#: One copy of the page's first action item per status, measured.
STATUS_JS = """
(statuses) => {
  const pm = window.__pm;
  const first = document.querySelector('div.pm-action');
  return statuses.map(status => {
    const block = first.cloneNode(true);
    block.removeAttribute('id');
    block.className = `pm-action pm-action-${status} docutils container`;
    const label = block.querySelector('.pm-label.pm-action-status');
    label.className = `pm-label pm-action-status pm-action-status-${status}`;
    label.textContent = status;
    first.after(block);
    const style = getComputedStyle(block);
    const result = {
      status, bar: style.borderLeftColor, barWidth: parseFloat(style.borderLeftWidth),
      barRatio: window.__pmGraphic(style.borderLeftColor, block.parentElement),
      label: label.textContent, labelRatio: pm.contrast(label).ratio,
    };
    block.remove();
    return result;
  });
}
"""

#: Font sizes of the page: a paragraph of body text outside any block of the
#: extension or the theme, and each lesson and factor on the page.
LESSONS_JS = """
() => {
  const size = el => parseFloat(getComputedStyle(el).fontSize);
  const reference = [...document.querySelectorAll('section > p')].find(p =>
    !p.closest('.admonition, .pm-incident, .pm-action, .pm-impact, .pm-rollup, '
               + '.pm-lesson-list, .pm-factor-list, aside, nav, table')
    && p.textContent.trim().length > 40);
  const pseudo = (el, which) => getComputedStyle(el, which).content;
  const blocks = [...document.querySelectorAll(
    'div.admonition.pm-lesson, div.admonition.pm-factor, div.pm-lesson-entry')];
  return {
    body: size(reference),
    blocks: blocks.map(block => {
      const title = block.querySelector(
        ':scope > p.admonition-title, :scope > p.pm-lesson-heading');
      const text = block.querySelector(
        'div.pm-lesson-body p, div.pm-factor-body p:not(.pm-factor-categories)');
      const style = getComputedStyle(block);
      return {
        cls: block.className,
        title: title.textContent.trim(),
        titleSize: size(title), titleWeight: getComputedStyle(title).fontWeight,
        textSize: text ? size(text) : null,
        icons: [pseudo(title, '::before'), pseudo(title, '::after')],
        shadow: style.boxShadow, background: style.backgroundColor,
        bar: style.borderLeftColor, barWidth: parseFloat(style.borderLeftWidth),
        barRatio: window.__pmGraphic(style.borderLeftColor, block.parentElement),
      };
    }),
  };
}
"""

NO_CONTENT = ("none", "normal")


@pytest.mark.parametrize(("theme", "mode"), list(_cases()))
def test_action_status_is_a_colour_and_a_word(open_in_mode, theme, mode):
    page = open_in_mode(theme, mode, site.INCIDENT_PAGE)
    page.evaluate(RATIO_JS)
    found = page.evaluate(STATUS_JS, list(STATUSES))
    assert [f["label"] for f in found] == list(STATUSES)
    assert len({f["bar"] for f in found}) == len(STATUSES), found
    for status in found:
        assert status["barWidth"] >= 4, status
        assert status["barRatio"] >= GRAPHICS, status
        assert status["labelRatio"] >= AA, status


@pytest.mark.parametrize(("theme", "mode"), list(_cases()))
def test_lessons_are_styled_by_the_extension(open_in_mode, theme, mode):
    page = open_in_mode(theme, mode, site.INCIDENT_PAGE)
    page.evaluate(RATIO_JS)
    found = page.evaluate(LESSONS_JS)
    lessons = [b for b in found["blocks"] if "pm-lesson " in b["cls"] + " "]
    assert {k for k in KINDS for b in lessons if f"pm-lesson-{k}" in b["cls"]} == set(KINDS)
    assert [b for b in found["blocks"] if "pm-factor" in b["cls"]]
    for block in found["blocks"]:
        assert block["textSize"] in (None, found["body"]), (found["body"], block)
        assert block["titleSize"] == found["body"], (found["body"], block)
        assert int(block["titleWeight"]) >= 600, block
        assert all(content in NO_CONTENT for content in block["icons"]), (block["icons"], block)
        assert block["shadow"] == "none", block
        assert block["barRatio"] >= GRAPHICS, block
    for block in lessons:
        kind = next(k for k in KINDS if f"pm-lesson-{k}" in block["cls"])
        names = {"went-wrong": "What went wrong", "went-well": "What went well"}
        assert block["title"].startswith(names.get(kind, "Where we got lucky") + ": "), block
    assert len({b["bar"] for b in lessons}) == len(KINDS)
    # Tag pills: the ", " between them is there for screen readers, not seen.
    separators = page.evaluate(
        """() => [...document.querySelectorAll('div.pm-lesson p.pm-tags > .pm-sep')].map(sep => {
          const box = sep.getBoundingClientRect();
          return {text: sep.textContent, width: box.width, height: box.height};
        })"""
    )
    assert separators
    assert all(s["text"] == ", " and s["width"] <= 1 and s["height"] <= 1 for s in separators)


@pytest.mark.parametrize(("theme", "mode"), list(_cases()))
def test_a_lesson_looks_the_same_on_its_page_and_on_the_lessons_page(
    open_in_mode, server, theme, mode
):
    page = open_in_mode(theme, mode, site.INCIDENT_PAGE)
    page.evaluate(RATIO_JS)
    on_page = page.evaluate(LESSONS_JS)
    goto(page, theme, site.LESSONS_PAGE, server)
    page.evaluate(RATIO_JS)
    on_rollup = page.evaluate(LESSONS_JS)
    entries = on_rollup["blocks"]
    assert entries and all("pm-lesson-entry" in e["cls"] for e in entries)

    def looks(blocks: list[dict], kind: str) -> set[tuple]:
        return {
            (b["bar"], b["barWidth"], b["titleWeight"], b["background"])
            for b in blocks
            if f"pm-lesson-{kind}" in b["cls"].split()
        }

    for kind in KINDS:
        assert looks(on_page["blocks"], kind) == looks(entries, kind), kind
    for entry in entries:
        assert entry["textSize"] in (None, on_rollup["body"]), (on_rollup["body"], entry)
        assert entry["barRatio"] >= GRAPHICS, entry
