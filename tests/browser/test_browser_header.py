"""The incident header of the demo site, read in headless Chromium.

In all five themes at 1280x800 (light): the first line of the summary is
visible without scrolling, and the panel shows two fields a row wherever
the content column is 600 px or wider; on a 390 px phone the panel is one
column and nothing in the incident block overflows sideways.
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

#: The summary's top, the content column's width, the panel's field names
#: (their left edges, per row top) and whether the incident block overflows.
HEADER_JS = """
() => {
  const incident = document.querySelector('div.pm-incident');
  const summary = incident.querySelector('div.pm-summary');
  const column = incident.parentElement.getBoundingClientRect().width;
  const rows = {};
  for (const name of incident.querySelectorAll('dl.pm-panel-fields > dt')) {
    const box = name.getBoundingClientRect();
    (rows[Math.round(box.top)] ||= []).push(Math.round(box.left));
  }
  return {
    summaryTop: summary.getBoundingClientRect().top + window.scrollY,
    column,
    widestRow: Math.max(...Object.values(rows).map(lefts => lefts.length)),
    incidentRight: incident.getBoundingClientRect().right,
    pageWidth: document.scrollingElement.scrollWidth,
    incidentOverflow: incident.scrollWidth - incident.clientWidth,
  };
}
"""


@pytest.mark.parametrize("theme", site.THEMES)
def test_summary_starts_in_the_first_screen_and_the_panel_has_two_columns(open_page, theme):
    page = open_page(theme, site.INCIDENT_PAGE, viewport=DESKTOP)
    header = page.evaluate(HEADER_JS)
    assert header["summaryTop"] < DESKTOP["height"], header
    if header["column"] >= 600:
        assert header["widestRow"] == 2, header


@pytest.mark.parametrize("theme", site.THEMES)
def test_on_a_phone_the_panel_is_one_column_and_nothing_overflows(open_page, theme):
    page = open_page(theme, site.INCIDENT_PAGE, viewport=PHONE)
    header = page.evaluate(HEADER_JS)
    assert header["widestRow"] == 1, header
    assert header["pageWidth"] <= PHONE["width"] + 1, header
    assert header["incidentRight"] <= PHONE["width"] + 1, header
    assert header["incidentOverflow"] <= 1, header  # its overflow is hidden: nothing cut off
