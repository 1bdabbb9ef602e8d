"""User text is escaped in HTML output: titles, option values, timeline, action items,
lessons, role link texts.

Test root: tests/roots/test-core-escape/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.builds import build_root, read
from support.warnings import pm_warnings

RAW = [
    "<script>alert",
    "<img src=x",
    "<svg",
    "<iframe",
    "<b>owner",
    "<b>tag",
    "<b onclick",
    "<em onmouseover",
    '"onmouseover="',
    '"<q>"',
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = build_root(tmp_path_factory, "core-escape")
    yield app
    app.cleanup()


def html_pages(app) -> dict[str, str]:
    return {
        str(p.relative_to(app.outdir)): p.read_text(encoding="utf-8")
        for p in Path(app.outdir).rglob("*.html")
    }


def test_no_raw_markup_from_user_text_in_any_page(built):
    pages = html_pages(built)
    assert {"index.html", "evil.html"} <= set(pages)
    for name, page in pages.items():
        for raw in RAW:
            assert raw not in page, f"{raw!r} unescaped in {name}"


@pytest.mark.parametrize(
    "escaped",
    [
        "<strong>&lt;script&gt;alert(",  # incident title
        "&lt;img src=x onerror=alert(1)&gt;, Eve",  # authors
        "&quot;&gt;&lt;svg onload=alert(2)&gt;",  # services
        "&lt;iframe src=javascript:alert(3)&gt;",  # tags
        "Summary &lt;script&gt;alert(",  # summary
        "<p class=\"pm-entry-text\">&lt;script&gt;alert(",  # timeline description
        "a &lt;b onclick=alert(4)&gt;bold&lt;/b&gt; claim",
        "&lt;b&gt;owner&lt;/b&gt;",  # owner
        "Body &lt;em onmouseover=alert(6)&gt;x&lt;/em&gt;.",  # action body
        "What went wrong: &lt;script&gt;alert(",  # lesson title
        "Lesson &lt;script&gt;alert(",  # lesson body
        "&lt;b&gt;tag&lt;/b&gt;",  # lesson tag
    ],
)
def test_user_text_is_shown_escaped(built, escaped):
    assert escaped in read(built, "evil.html")


def test_tracker_values_are_quoted_or_escaped(built):
    page = read(built, "evil.html")
    assert 'href="https://jira.example.com/browse/%3Cscript%3Ealert%285%29%3C%2Fscript%3E"' in page
    assert 'href="https://x.example.com/&quot;onmouseover=&quot;alert(7)"' in page


def test_role_link_text_is_escaped(built):
    page = read(built, "index.html")
    assert (
        '<span class="xref postmortem postmortem-incident">&lt;script&gt;alert(&quot;title&quot;)'
        "&lt;/script&gt; &amp; &quot;quotes&quot;</span>"
    ) in page
    assert "&lt;script&gt;alert(&quot;action&quot;)&lt;/script&gt;</span>" in page


def test_ids_derived_from_user_text_are_safe(built):
    page = read(built, "evil.html")
    assert 'id="lesson-script-alert-lesson-script"' in page
    # an action item id with markup characters: safe anchor, escaped text and link title
    assert 'id="action-ACT-q"' in page
    assert '<span class="pre">ACT-&quot;&lt;q&gt;&quot;&amp;</span>' in page
    index = read(built, "index.html")
    assert 'href="evil.html#action-ACT-q" title="ACT-&quot;&lt;q&gt;&quot;&amp;"' in index
    assert pm_warnings(built) == []
