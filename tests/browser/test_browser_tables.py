"""Roll-up tables of the demo site that fit, read in headless Chromium.

In all five themes, at 1280x800 in the light scheme, no roll-up table is
wider than its block on any page with roll-ups, and the cells that hold
ids, dates, priorities, statuses, severities and tracker keys are one line
each (titles wrap). On a 390 px phone the key columns (the incident, or an
action item's id, title, status and due date) come first, and a table that
scrolls sideways says so ("Scroll sideways for more columns").
"""

from __future__ import annotations

import pm_browser_site as site
import pytest
import test_browser

pytestmark = pytest.mark.browser

#: The pages are opened as in test_browser.py (console errors collected).
open_page = test_browser.open_page

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: Every page of the demo site with roll-ups, and whether it has incident or action tables.
ROLLUP_PAGES = {
    site.INCIDENTS_PAGE: True,
    site.ACTIONS_PAGE: True,
    site.FACTORS_PAGE: True,
    site.STATS_PAGE: False,
    site.LESSONS_PAGE: False,
    "trends.html": False,
}
LIST_TABLES = "table.pm-incident-table, table.pm-action-table"
LIST_CLASSES = {"pm-incident-table", "pm-action-table"}
#: Cells whose lines never wrap: each of their paragraphs is one line.
ONE_LINE = (
    "pm-col-id",
    "pm-col-date",
    "pm-col-due",
    "pm-col-priority",
    "pm-col-status",
    "pm-col-severity",
    "pm-col-tracker",
)

#: Per roll-up table: its width against its block's and its roll-up's, the one-line
#: paragraphs taller than a line, and the title paragraphs that may not wrap.
TABLES_JS = """
(oneLine) => [...document.querySelectorAll('div.pm-rollup table.pm-table')].map(table => {
  const block = table.parentElement;
  const rollup = table.closest('div.pm-rollup');
  const tallerThanALine = para => {
    const style = getComputedStyle(para);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
    return para.getBoundingClientRect().height > line * 1.5;
  };
  const wrapped = [];
  for (const cell of table.querySelectorAll('tbody td')) {
    const paras = oneLine.some(c => cell.classList.contains(c)) ? [...cell.querySelectorAll('p')]
      : cell.classList.contains('pm-col-incident') ? [cell.querySelector('p')] : [];
    for (const para of paras) {
      if (para.textContent.trim() && tallerThanALine(para)) {
        wrapped.push(`${cell.className}: ${para.textContent.trim()}`);
      }
    }
  }
  const unwrappable = [...table.querySelectorAll('td.pm-col-title > p:first-child')]
    .filter(p => getComputedStyle(p).whiteSpace === 'nowrap').length;
  return {section: block.closest('section')?.id, classes: table.className,
          scroll: block.scrollWidth, client: block.clientWidth,
          rollupScroll: rollup.scrollWidth, rollupClient: rollup.clientWidth,
          wrapped, unwrappable};
})
"""


@pytest.mark.parametrize("path", sorted(ROLLUP_PAGES))
@pytest.mark.parametrize("theme", site.THEMES)
def test_rollup_tables_fit_their_column_on_a_desktop(open_page, theme, path):
    page = open_page(theme, path, viewport=DESKTOP)
    tables = page.evaluate(TABLES_JS, list(ONE_LINE))
    lists = [t for t in tables if LIST_CLASSES & set(t["classes"].split())]
    assert bool(lists) == ROLLUP_PAGES[path], f"incident or action tables on {path}: {lists}"
    for table in tables:
        assert table["scroll"] <= table["client"], table
        assert table["rollupScroll"] <= table["rollupClient"], table
        assert table["wrapped"] == [], table
        assert table["unwrappable"] == 0, table
    assert page.pm_errors == []


#: Per incident or action table on a phone: its header keys in order, the keys of the
#: columns wholly on the screen before any scrolling, whether it scrolls (in its block,
#: or in the wrapper a theme puts around tables), and the hint's text if shown.
PHONE_JS = """
(selector) => [...document.querySelectorAll(selector)].map(table => {
  const block = table.closest('div.pm-rollup');
  const right = Math.min(block.getBoundingClientRect().right, window.innerWidth);
  const key = th => [...th.classList].find(c => c.startsWith('pm-col-')).slice(7);
  const heads = [...table.querySelectorAll('thead th')];
  const wrapper = table.parentElement;
  const hint = block.querySelector('p.pm-scroll-hint');
  return {classes: table.className, keys: heads.map(key),
          visible: heads.filter(th => th.getBoundingClientRect().right <= right + 1).map(key),
          scrolls: block.scrollWidth > block.clientWidth
            || wrapper.scrollWidth > wrapper.clientWidth,
          hint: hint && hint.getBoundingClientRect().height > 0 ? hint.textContent : null,
          pageWidth: document.documentElement.scrollWidth};
})
"""
#: The key columns of the default tables, which come first: on a phone they are on the
#: screen before any scrolling.
KEY_COLUMNS = {"pm-incident-table": ("incident",), "pm-action-table": ("id", "title")}
#: The default columns, in order.
DEFAULT_COLUMNS = {
    "pm-incident-table": (
        "incident",
        "date",
        "severity",
        "status",
        "services",
        "duration",
        "actions",
    ),
    "pm-action-table": ("id", "title", "status", "due", "priority", "owner"),
}


@pytest.mark.parametrize("path", (site.INCIDENTS_PAGE, site.ACTIONS_PAGE))
@pytest.mark.parametrize("theme", site.THEMES)
def test_rollup_tables_show_key_columns_first_on_a_phone(open_page, theme, path):
    page = open_page(theme, path, viewport=PHONE)
    tables = page.evaluate(PHONE_JS, LIST_TABLES)
    assert tables
    default = tables[0]  # the page's first table has the default columns
    kind = next(c for c in default["classes"].split() if c in LIST_CLASSES)
    assert tuple(default["keys"]) == DEFAULT_COLUMNS[kind], default
    assert tuple(default["visible"][: len(KEY_COLUMNS[kind])]) == KEY_COLUMNS[kind], default
    for table in tables:
        # A table scrolls inside its block, never widens the page, and says so.
        assert table["pageWidth"] <= PHONE["width"], table
        if table["scrolls"]:
            assert table["hint"] and "Scroll sideways" in table["hint"], table
