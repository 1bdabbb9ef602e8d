"""The filter bar and sortable tables of ``:filter:`` roll-ups, used in headless Chromium.

In all five themes: on the demo's lessons page, choosing a tag narrows the
list (fewer lessons shown, empty groups hidden) and "Clear" restores it; the
filter is in the address and survives a reload. A click on a column's header
sorts the incident table and ``aria-sort`` says which way. With JavaScript
off the whole list shows and there is no bar.
"""

from __future__ import annotations

import pm_browser_site as site
import pytest
import test_browser

pytestmark = pytest.mark.browser

#: The pages are opened as in test_browser.py (console errors collected).
open_page = test_browser.open_page

LESSONS = "div.pm-filter.pm-lesson-list"
INCIDENTS = "div.pm-filter.pm-incident-list"

#: What the reader sees of the first filtered lesson list.
LESSONS_JS = """
(selector) => {
  const list = document.querySelector(selector);
  const visible = (el) => el.getClientRects().length > 0;
  return {
    bar: !!list.querySelector('.pm-filter-bar'),
    count: list.querySelector('.pm-filter-count')?.textContent ?? null,
    shown: [...list.querySelectorAll('.pm-lesson-entry')].filter(visible).length,
    all: list.querySelectorAll('.pm-lesson-entry').length,
    groups: [...list.querySelectorAll('section.pm-group')].filter(visible).length,
    tag: list.querySelector('select[data-facet="tag"]')?.value ?? null,
  };
}
"""

#: The dates of the first filtered incident table's rows, and its date header's aria-sort.
DATES_JS = """
(selector) => {
  const table = document.querySelector(selector + ' table');
  return {
    dates: [...table.querySelectorAll('tbody td.pm-col-date')].map(td => td.textContent.trim()),
    sort: table.querySelector('th.pm-col-date').getAttribute('aria-sort'),
  };
}
"""


def _a_tag(page) -> str:
    """A tag the lessons can be narrowed to (the first one offered)."""
    options = page.locator(f"{LESSONS} select[data-facet='tag'] option")
    return options.nth(1).get_attribute("value")


@pytest.mark.parametrize("theme", site.THEMES)
def test_the_lessons_filter_narrows_restores_and_survives_a_reload(open_page, theme):
    page = open_page(theme, site.LESSONS_PAGE)
    before = page.evaluate(LESSONS_JS, LESSONS)
    assert before["bar"] and before["shown"] == before["all"] > 0, before

    tag = _a_tag(page)
    page.get_by_role("combobox", name="Tags").first.select_option(tag)
    narrowed = page.evaluate(LESSONS_JS, LESSONS)
    assert 0 < narrowed["shown"] < before["shown"], narrowed
    assert narrowed["groups"] < before["groups"], narrowed
    assert narrowed["count"] != before["count"]
    assert page.evaluate("location.hash") == f"#filter=tag:{tag}"

    page.reload(wait_until="load")
    assert page.evaluate(LESSONS_JS, LESSONS) == narrowed

    page.get_by_role("button", name="Clear").first.click()
    assert page.evaluate(LESSONS_JS, LESSONS) == before
    assert page.evaluate("location.hash") == ""
    assert page.pm_errors == []


@pytest.mark.parametrize("theme", site.THEMES)
def test_a_group_anchor_still_leads_to_its_heading(open_page, theme):
    page = open_page(theme, site.LESSONS_PAGE + "#lessons-deploy")
    top = page.evaluate("document.getElementById('lessons-deploy').getBoundingClientRect().top")
    assert 0 <= top < 200, top
    assert page.evaluate(LESSONS_JS, LESSONS)["count"] is not None


@pytest.mark.parametrize("theme", site.THEMES)
def test_a_header_click_sorts_the_incident_table(open_page, theme):
    page = open_page(theme, site.INCIDENTS_PAGE)
    header = page.locator(f"{INCIDENTS} th.pm-col-date button")
    header.click()
    rising = page.evaluate(DATES_JS, INCIDENTS)
    assert rising["sort"] == "ascending"
    assert rising["dates"] == sorted(rising["dates"])
    header.press("Enter")  # a keyboard user sorts the same way
    falling = page.evaluate(DATES_JS, INCIDENTS)
    assert falling["sort"] == "descending"
    assert falling["dates"] == sorted(falling["dates"], reverse=True)
    assert page.pm_errors == []


#: The rows of the first filtered incident table a reader sees, and the projects they name.
ROWS_JS = """
(selector) => {
  const rows = [...document.querySelectorAll(selector + ' tbody tr')]
    .filter(row => row.getClientRects().length > 0);
  return rows.map(row => row.querySelector('.pm-project')?.textContent.trim() ?? '');
}
"""


@pytest.mark.parametrize("theme", site.THEMES)
def test_the_incident_table_narrows_to_a_project_named_under_the_titles(open_page, theme):
    """With imports the project is named under each title; the bar offers it as a facet."""
    page = open_page(theme, site.INCIDENTS_PAGE)
    every = page.evaluate(ROWS_JS, INCIDENTS)
    projects = sorted(set(every))
    assert len(projects) > 1, every
    page.locator(f"{INCIDENTS} select[data-facet='project']").select_option(projects[0])
    narrowed = page.evaluate(ROWS_JS, INCIDENTS)
    assert narrowed == [projects[0]] * every.count(projects[0])
    assert page.pm_errors == []


@pytest.mark.parametrize("theme", site.THEMES)
def test_without_javascript_the_whole_list_shows_and_no_bar(browser, server, theme):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    try:
        page = context.new_page()
        test_browser.goto(page, theme, site.LESSONS_PAGE + "#filter=tag:deploy", server)
        seen = page.evaluate(LESSONS_JS, LESSONS)
        assert seen["bar"] is False
        assert seen["shown"] == seen["all"] > 0
    finally:
        context.close()
