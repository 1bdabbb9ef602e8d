"""Bad input never crashes a build: it is reported as a located warning.

``tests/roots/test-hostile/`` gives every directive every kind of wrong input:
missing and empty options, unknown values, impossible dates and times, zones
that do not exist, empty bodies, an incident twice on a page, duplicate ids
across pages, ids with spaces and Unicode, right-to-left and emoji text,
HTML/JavaScript in every field and option, reST in fields meant to be plain
text, hostile imported data. Two pages are generated here: one with
10,000-character titles and one with a 5,000-entry timeline.

The build must complete; every problem must be a ``postmortem.*`` warning at
the right file and line; the HTML must hold no markup from the input (every
page is parsed with :mod:`html.parser`), and the text and LaTeX builders must
cope as well.

Pages under ``isolated/`` are built one at a time, each in a small project of
its own, so that one page that breaks the build cannot hide what the rest of
the corpus shows.
"""

from __future__ import annotations

import re
import shutil
import traceback
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from sphinx.testing.util import SphinxTestApp
from support.html import El, parse_html

from sphinx_postmortem.exchange.validation import validate_payload

ROOT = Path(__file__).parent / "roots" / "test-hostile"

S = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS = "javascript:alert(1)"

# -- the generated pages ---------------------------------------------------------------

#: A 10,000-character title: words, right-to-left text, emoji and markup, no double spaces.
LONG_TITLE = ("Long title <b>x</b> عنوان طويل 🔥 " * 400)[:9_999].rstrip() + "!"
LONG_TITLE = LONG_TITLE + "x" * (10_000 - len(LONG_TITLE))
LONG_VALUE = "owner-" + "o" * 10_000
LONG_ID = "INC-LONG-" + "9" * 2_000

LONG_PAGE = f"""\
Extremely long titles
=====================

.. incident:: {LONG_TITLE}
   :id: {LONG_ID}
   :date: 2024-03-14
   :severity: SEV4
   :authors: {LONG_VALUE}
   :tags: {LONG_VALUE}

   {LONG_TITLE}

.. action-item:: {LONG_TITLE}
   :owner: {LONG_VALUE}
   :due: {"9" * 10_000}

.. lesson:: {LONG_TITLE}
   :kind: went-wrong
   :tags: {LONG_VALUE}

   {LONG_TITLE}
"""
#: (line, subtype) of the problems on the generated long-title page.
LONG_EXPECTED = [(13, "option")]

BIG = 5_000
BIG_STEP = 15  # seconds between two entries
BIG_HEADER = """\
A 5,000-entry timeline
======================

.. incident:: Five thousand timeline entries
   :id: INC-BIG
   :date: 2024-04-01
   :severity: SEV3

.. timeline::

"""
#: Entry index -> a broken line written instead of the entry.
BIG_BROKEN = {
    1_000: "25:61 An hour and minute that do not exist.",
    2_000: "24:30 Half past midnight written as 24:30.",
    3_000: "2024-02-30 10:00 An impossible date.",
    4_000: "00:00:01 Earlier than the entry before it.",
    4_500: "12:00 Europe/Nowhere A zone that does not exist.",
}
BIG_MILESTONES = {0: "start", 1: "detect", 2: "ack", 2_500: "mitigate", BIG - 1: "resolve"}


def big_timeline() -> tuple[str, list[tuple[int, str]]]:
    """The page, and the (line, subtype) of every problem on it."""
    lines, expected = [], []
    first_line = BIG_HEADER.count("\n") + 1
    for index in range(BIG):
        lineno = first_line + len(lines)
        if index in BIG_BROKEN:
            lines.append("   " + BIG_BROKEN[index])
            expected.append((lineno, "timeline"))
            continue
        seconds = index * BIG_STEP
        when = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if index == 0:
            when = f"2024-04-01 {when}"
        milestone = f" [{BIG_MILESTONES[index]}]" if index in BIG_MILESTONES else ""
        text = f"Entry {index} {S}" if index % 500 == 0 else f"Entry {index} غير مهم 🔥"
        lines.append(f"   {when}{milestone} {text}")
        if index % 1_000 == 1:
            lines.append(f"      continuation of entry {index} {IMG}")
    return BIG_HEADER + "\n".join(lines) + "\n", expected


BIG_PAGE, BIG_EXPECTED = big_timeline()

# -- what the hand-written pages must report -------------------------------------------

#: (file, line, subtype, part of the message), one per expected warning.
EXPECTED: list[tuple[str, int, str, str]] = [
    # conf.py: a refused base URL, then one line per skipped imported entry
    ("conf.py", 19, "import", "base URL 'javascript:alert(1)//' must be http(s)"),
    *[
        ("conf.py", 20, "import", f"incidents entry {n} skipped")
        for n in (2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13)
    ],
    (
        "conf.py",
        20,
        "import",
        "incidents entry 14 skipped (id 'EVIL-12'): field "
        "'milestones[0].time' must be an ISO timestamp",
    ),
    ("conf.py", 20, "import", "action_items entry 3 skipped"),
    ("conf.py", 20, "import", "action_items entry 4 skipped"),
    ("conf.py", 20, "import", "lessons entry 2 skipped"),
    ("conf.py", 20, "import", "lessons entry 3 skipped"),
    # missing and empty options
    ("missing.rst", 1, "option", "missing :severity:"),
    ("missing.rst", 1, "option", "missing :date:"),
    ("missing.rst", 1, "option", "no title"),
    ("missing.rst", 8, "timeline", "no entries"),
    ("missing.rst", 10, "option", "has no :owner:"),
    ("missing.rst", 12, "option", "missing :kind:"),
    ("missing.rst", 14, "option", "has no :owner:"),
    ("missing.rst", 23, "option", "missing :kind:"),
    # unknown values, impossible dates, times and zones
    ("unknown.rst", 4, "option", "invalid :date: '2024-02-30'"),
    ("unknown.rst", 4, "option", "unknown :severity: 'SEV9'"),
    ("unknown.rst", 4, "option", "unknown :status: 'bogus'"),
    ("unknown.rst", 4, "option", "unknown :type: 'nope'"),
    ("unknown.rst", 11, "timeline", "unknown time zone 'Mars/Olympus'"),
    ("unknown.rst", 16, "timeline", "invalid time '24:30'"),
    ("unknown.rst", 17, "timeline", "invalid time '25:61'"),
    ("unknown.rst", 18, "timeline", "invalid time '24:00'"),
    ("unknown.rst", 19, "timeline", "invalid date '2024-02-30'"),
    ("unknown.rst", 20, "timeline", "invalid date '2024-13-01'"),
    ("unknown.rst", 21, "timeline", "unknown time zone 'Europe/Nowhere'"),
    ("unknown.rst", 22, "timeline", "invalid UTC offset '+25:00'"),
    ("unknown.rst", 23, "timeline", "invalid UTC offset '+25:00'"),
    ("unknown.rst", 25, "timeline", "earlier than the entry before it"),
    ("unknown.rst", 26, "timeline", "milestone [start] appears more than once"),
    ("unknown.rst", 27, "timeline", "unknown milestone [boom]"),
    ("unknown.rst", 28, "timeline", "unknown milestone []"),
    ("unknown.rst", 29, "timeline", "not a timeline entry"),
    ("unknown.rst", 31, "timeline", "invalid time '99:99:99'"),
    ("unknown.rst", 32, "timeline", "invalid time '10:13:61'"),
    ("unknown.rst", 33, "timeline", "earlier than the entry before it"),
    ("unknown.rst", 36, "timeline", "unknown time zone 'Europe/Nowhere'"),
    ("unknown.rst", 41, "timeline", "invalid UTC offset '+25:00'"),
    ("unknown.rst", 46, "option", "unknown :type: 'teleport'"),
    ("unknown.rst", 46, "option", "unknown :priority: 'P9'"),
    ("unknown.rst", 46, "option", "unknown :status: 'maybe'"),
    ("unknown.rst", 46, "option", "invalid :due: '2024-02-30'"),
    ("unknown.rst", 46, "option", "tracker 'javascript:alert(1)' is not an http(s) URL"),
    ("unknown.rst", 54, "option", "invalid :due: '2024-03-05 24:30'"),
    ("unknown.rst", 58, "option", "unknown :kind: 'went-sideways'"),
    # an incident twice on a page; ids used on several pages (the first document wins)
    ("twice.rst", 9, "duplicate_id", "'INC-TWICE' is already declared on line 4"),
    ("dup-a.rst", 16, "duplicate_id", "duplicate action item id 'ACT-SHARED'"),
    ("dup-b.rst", 4, "duplicate_id", "duplicate incident id 'INC-DUP', already used in dup-a"),
    ("dup-b.rst", 9, "duplicate_id", "duplicate action item id 'INC-DUP-A1'"),
    ("dup-b.rst", 12, "duplicate_id", "duplicate action item id 'ACT-SHARED'"),
    ("sub/dup-c.rst", 4, "duplicate_id", "duplicate incident id 'INC-DUP', already used in dup-a"),
    ("sub/dup-c.rst", 9, "duplicate_id", "duplicate action item id 'INC-DUP-A1'"),
    ("sub/dup-c.rst", 12, "duplicate_id", "duplicate action item id 'ACT-SHARED'"),
    # references to ids that do not exist
    ("ids.rst", 25, "ref", "unknown incident id 'NO-SUCH-ID'"),
    ("ids.rst", 27, "ref", "unknown action item id 'no such action'"),
    # HTML and JavaScript in every field
    ("inject-incident.rst", 4, "option", f"invalid :date: '{S}'"),
    ("inject-incident.rst", 4, "option", f"unknown :severity: '{S}'"),
    ("inject-incident.rst", 4, "option", "unknown :status: '\"><img"),
    ("inject-incident.rst", 4, "option", "unknown :type: 'javascript:alert(1)'"),
    ("inject-incident.rst", 16, "blameless", "blameful phrasing 'human error'"),
    ("inject-incident.rst", 18, "timeline", f"unknown time zone '{S}'"),
    ("inject-incident.rst", 22, "timeline", f"unknown milestone [{S}]"),
    ("inject-incident.rst", 27, "option", f"unknown :type: '{S}'"),
    ("inject-incident.rst", 27, "option", "unknown :priority: '\"><img"),
    ("inject-incident.rst", 27, "option", "invalid :due: '\"><img"),
    ("inject-incident.rst", 27, "option", f"unknown :status: '{S}'"),
    ("inject-incident.rst", 38, "option", f"unknown :kind: '{S}'"),
    # tracker values that are not http(s) URLs are reported and shown as text
    *[
        ("trackers.rst", line, "option", "is not an http(s) URL")
        for line in (9, 13, 17, 21, 25, 29, 33, 37)
    ],
    # reST in a plain-text option is a value like any other
    ("rest-inject.rst", 15, "option", "unknown :type: '|subst|'"),
    # orphans
    ("orphans.rst", 6, "timeline", "has no date"),
    ("orphans.rst", 7, "orphan", "timeline is on a page without an incident"),
    ("orphans.rst", 9, "orphan", "action-item 'Action item on a page without an incident'"),
    ("orphans.rst", 12, "orphan", "lesson 'Lesson on a page without an incident'"),
    # a right-to-left report in review: its required sections are missing
    *[
        ("rtl.rst", 4, "missing_section", f"has no {name!r} section")
        for name in (
            "Summary",
            "Impact",
            "Timeline",
            "Root cause",
            "Action items",
            "Lessons learned",
        )
    ],
    # roll-up filters
    ("rollups.rst", 4, "filter", "unknown severity 'SEV9'"),
    ("rollups.rst", 4, "filter", f"unknown severity '{S}'"),
    ("rollups.rst", 4, "filter", "unknown status 'bogus'"),
    ("rollups.rst", 4, "filter", "unknown type '\"><img"),
    ("rollups.rst", 4, "filter", "invalid :since: '2024-02-30'"),
    ("rollups.rst", 4, "filter", "invalid :until: '24:30'"),
    ("rollups.rst", 4, "filter", "invalid :limit: '-1'"),
    ("rollups.rst", 4, "filter", f"unknown :sort: '{S}'"),
    ("rollups.rst", 4, "filter", "unknown column 'bogus'"),
    ("rollups.rst", 4, "filter", "unknown column '\"><img"),
    ("rollups.rst", 4, "filter", "unknown project 'javascript:alert(1)'"),
    ("rollups.rst", 17, "filter", ":since: 2024-06-01 is after :until: 2024-01-01"),
    ("rollups.rst", 17, "filter", "invalid :limit: 'many'"),
    ("rollups.rst", 17, "filter", "unknown :sort: ''"),
    ("rollups.rst", 24, "filter", "unknown lesson kind 'went-sideways'"),
    ("rollups.rst", 24, "filter", f"unknown lesson kind '{S}'"),
    ("rollups.rst", 24, "filter", "unknown :group-by: '\"><img"),
    ("rollups.rst", 24, "filter", "unknown severity 'SEV0'"),
    ("rollups.rst", 43, "filter", "unknown action item status 'bogus'"),
    ("rollups.rst", 43, "filter", "unknown action item status 'all'"),
    ("rollups.rst", 43, "filter", f"unknown action item type '{S}'"),
    ("rollups.rst", 43, "filter", "unknown priority 'P9'"),
    ("rollups.rst", 43, "filter", f"unknown :sort: '{S}'"),
    ("rollups.rst", 43, "filter", "invalid :limit: '0'"),
    ("rollups.rst", 43, "filter", "unknown project 'nope'"),
    ("rollups.rst", 58, "filter", "unknown :period: 'fortnight'"),
    ("rollups.rst", 58, "filter", "invalid :since: '2024-13-01'"),
    ("rollups.rst", 58, "filter", "invalid :until: '2024-02-30'"),
    ("rollups.rst", 58, "filter", f"unknown severity '{S}'"),
    ("rollups.rst", 58, "filter", "invalid :limit: '1e9'"),
    # every roll-up option set to markup
    *[
        ("rollups-inject.rst", 4, "filter", text)
        for text in (
            f"unknown severity '{S}'",
            "unknown status '\"><img",
            f"unknown type '{S}'",
            f"invalid :since: '{S}'",
            "invalid :until: '\"><img",
            f"invalid :limit: '{S}'",
            "unknown :sort: '\"><img",
            f"unknown column '{S}'",
            "unknown project '\"><img",
        )
    ],
    *[
        ("rollups-inject.rst", 17, "filter", text)
        for text in (
            f"unknown severity '{S}'",
            "unknown status '\"><img",
            f"unknown type '{S}'",
            f"invalid :since: '{S}'",
            "invalid :until: '\"><img",
            f"invalid :limit: '{S}'",
            "unknown project '\"><img",
            f"unknown lesson kind '{S}'",
            "unknown :group-by: '\"><img",
        )
    ],
    *[
        ("rollups-inject.rst", 31, "filter", text)
        for text in (
            f"unknown action item status '{S}'",
            f"unknown action item type '{S}'",
            "unknown priority '\"><img",
            f"unknown :sort: '{S}'",
            f"invalid :limit: '{S}'",
            "unknown project '\"><img",
        )
    ],
    *[
        ("rollups-inject.rst", 42, "filter", text)
        for text in (
            f"unknown severity '{S}'",
            "unknown status '\"><img",
            f"unknown type '{S}'",
            f"invalid :since: '{S}'",
            "invalid :until: '\"><img",
            f"invalid :limit: '{S}'",
            "unknown project '\"><img",
            f"unknown :period: '{S}'",
        )
    ],
]

#: The hand-written pages (documents) of the corpus, besides index.
PAGES = (
    "missing",
    "unknown",
    "twice",
    "dup-a",
    "dup-b",
    "sub/dup-c",
    "ids",
    "sub/ünïcode-页",
    "rtl",
    "inject-incident",
    "trackers",
    "rest-inject",
    "orphans",
    "nesting",
    "rollups",
    "rollups-inject",
)


# -- building ----------------------------------------------------------------------------


@dataclass
class Warning_:
    file: str  # relative to the source directory, "/" separated; "" when unlocated
    line: int
    level: str
    message: str
    type: str  # "postmortem.option" ...; "" when the warning names none


@dataclass
class Build:
    app: Any
    srcdir: Path
    outdir: Path
    error: str | None  # the traceback, when the build raised
    status: str
    warning_text: str
    warnings: list[Warning_] = field(default_factory=list)

    def require_output(self) -> None:
        assert self.error is None, f"the build raised:\n{self.error}"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LOCATED = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+): (?P<level>WARNING|ERROR|CRITICAL): (?P<message>.*?)"
    r"(?: \[(?P<type>[\w.-]+)\])?$"
)
_UNLOCATED = re.compile(
    r"^(?:(?P<path>.+?): )?(?P<level>WARNING|ERROR|CRITICAL): (?P<message>.*?)"
    r"(?: \[(?P<type>[\w.-]+)\])?$"
)


def parse_warnings(text: str, srcdir: Path) -> list[Warning_]:
    prefix = str(srcdir).rstrip("/") + "/"
    found = []
    for line in _ANSI.sub("", text).splitlines():
        if not re.search(r"\b(WARNING|ERROR|CRITICAL):", line):
            continue
        match = _LOCATED.match(line)
        if match:
            path = match["path"]
            path = path[len(prefix) :] if path.startswith(prefix) else path
            found.append(
                Warning_(
                    path, int(match["line"]), match["level"], match["message"], match["type"] or ""
                )
            )
            continue
        match = _UNLOCATED.match(line)
        if match:
            found.append(
                Warning_(
                    match["path"] or "", 0, match["level"], match["message"], match["type"] or ""
                )
            )
        else:
            found.append(Warning_("", 0, "?", line, ""))
    return found


def run_build(srcdir: Path, buildername: str, **kwargs: Any) -> Build:
    """Build ``srcdir`` from scratch; an exception is recorded, not raised."""
    status, warning = StringIO(), StringIO()
    app = None
    error = None
    try:
        # builder-inited handlers (imports) run while the application is created
        app = SphinxTestApp(
            buildername, srcdir=srcdir, freshenv=True, status=status, warning=warning, **kwargs
        )
        app.build()
    except Exception:  # the point of these tests: report it, with its traceback
        error = traceback.format_exc()
    finally:
        if app is not None:
            app.cleanup()
    text = warning.getvalue()
    outdir = Path(app.outdir) if app is not None else srcdir / "_build" / buildername
    return Build(app, srcdir, outdir, error, status.getvalue(), text, parse_warnings(text, srcdir))


def corpus(tmp_path_factory: pytest.TempPathFactory, generated: bool = True) -> Path:
    """A private copy of the corpus, with the generated pages added."""
    srcdir = tmp_path_factory.mktemp("hostile") / "src"
    shutil.copytree(ROOT, srcdir)
    if generated:
        (srcdir / "long.rst").write_text(LONG_PAGE, encoding="utf-8")
        (srcdir / "big-timeline.rst").write_text(BIG_PAGE, encoding="utf-8")
    return srcdir


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> Build:
    return run_build(corpus(tmp_path_factory), "html")


@pytest.fixture(scope="module", params=["text", "latex"])
def other(request, tmp_path_factory) -> Build:
    # Sphinx's text writer takes quadratic time for a table's rows and for wrapping long
    # words (a 5,000-row table or a 10,000-character title cost it tens of seconds,
    # whatever the extension does), so the text build leaves the generated pages out.
    return run_build(corpus(tmp_path_factory, generated=request.param != "text"), request.param)


def expected_places() -> Counter:
    places = Counter((f, line, f"postmortem.{sub}") for f, line, sub, _text in EXPECTED)
    places.update(("long.rst", line, f"postmortem.{sub}") for line, sub in LONG_EXPECTED)
    places.update(("big-timeline.rst", line, f"postmortem.{sub}") for line, sub in BIG_EXPECTED)
    return places


def places_of(build: Build) -> Counter:
    return Counter((w.file, w.line, w.type) for w in build.warnings)


def assert_no_crash(build: Build) -> None:
    build.require_output()
    for stream, text in (("status", build.status), ("warning", build.warning_text)):
        for marker in (
            "Traceback (most recent call last)",
            "Exception occurred",
            "Extension error",
            "Sphinx error",
        ):
            assert marker not in text, f"{marker!r} in the {stream} stream:\n{text[-3000:]}"


# -- reading HTML back -------------------------------------------------------------------

#: Inline scripts Sphinx's own themes write (alabaster shows the search box with one).
SPHINX_INLINE_SCRIPTS = {
    "document.getElementById('searchbox').style.display = \"block\"",
    "$('#searchbox').show(0);",
}
_SPHINX_SCRIPT_SRC = re.compile(
    r"^(?:\.\./)*(?:_static/[\w.-]+\.js(?:\?v=[0-9a-f]+)?|searchindex\.js)$"
)
_URL_ATTRIBUTES = {
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "poster",
    "background",
    "srcset",
    "data",
    "codebase",
    "cite",
    "longdesc",
    "ping",
}
_BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_QUOTES = str.maketrans(
    {
        "\N{LEFT DOUBLE QUOTATION MARK}": '"',
        "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
        "\N{LEFT SINGLE QUOTATION MARK}": "'",
        "\N{RIGHT SINGLE QUOTATION MARK}": "'",
    }
)


def plain(el: El) -> str:
    """Text content, whitespace collapsed, typographic quotes made plain again."""
    return " ".join(el.raw_text().split()).translate(_QUOTES)


def html_pages(build: Build) -> dict[str, str]:
    return {
        p.relative_to(build.outdir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(build.outdir.rglob("*.html"))
    }


def dom(build: Build, page: str) -> El:
    return parse_html((build.outdir / page).read_text(encoding="utf-8"))


def body(build: Build, page: str) -> El:
    found = [el for el in dom(build, page).iter() if el.attrs.get("role") == "main"]
    assert len(found) == 1, f"no main body in {page}"
    return found[0]


def unsafe_markup(page: El) -> list[str]:
    """Every element or attribute of ``page`` that could run script or load content."""
    problems = []
    for el in page.iter():
        if el.tag == "#root":
            continue
        for name, value in el.attrs.items():
            if name.startswith("on"):
                problems.append(f"<{el.tag} {name}={value!r}>")
            squeezed = re.sub(r"[\x00-\x20]+", "", value).lower()
            if name in _URL_ATTRIBUTES and squeezed.startswith(_BAD_SCHEMES):
                problems.append(f"<{el.tag} {name}={value!r}>")
            if name == "style" and ("expression(" in squeezed or "javascript:" in squeezed):
                problems.append(f"<{el.tag} style={value!r}>")
        if el.tag == "script":
            src = el.attrs.get("src")
            inline = "".join(c for c in el.children if isinstance(c, str)).strip()
            if src is None and inline not in SPHINX_INLINE_SCRIPTS:
                problems.append(f"<script>{inline[:80]}")
            elif src is not None and not _SPHINX_SCRIPT_SRC.match(src):
                problems.append(f"<script src={src!r}>")
        if el.tag in (
            "img",
            "iframe",
            "object",
            "embed",
            "base",
            "frame",
            "frameset",
            "applet",
            "textarea",
            "video",
            "audio",
        ):
            problems.append(f"<{el.tag} {el.attrs}>")
        if el.tag == "meta" and el.attrs.get("http-equiv", "").lower() == "refresh":
            problems.append(f"<meta {el.attrs}>")
        if el.tag == "svg" and "pm-chart" not in el.classes:
            problems.append(f"<svg {el.attrs}>")
    return problems


# -- the HTML build ------------------------------------------------------------------------


def test_html_build_completes(html):
    assert_no_crash(html)
    pages = html_pages(html)
    for page in (*PAGES, "long", "big-timeline"):
        assert f"{page}.html" in pages, f"{page}.html was not written"


def test_every_problem_is_a_located_postmortem_warning(html):
    html.require_output()
    others = [w for w in html.warnings if not w.type.startswith("postmortem.")]
    assert others == [], "warnings that are not postmortem.*:\n" + "\n".join(map(repr, others))
    unlocated = [w for w in html.warnings if not w.file or w.line < 1]
    assert unlocated == []


def test_warnings_name_the_right_file_and_line(html):
    html.require_output()
    got, want = places_of(html), expected_places()
    missing = want - got
    unexpected = got - want
    assert not missing and not unexpected, (
        "missing (file, line, type): "
        + repr(sorted(missing.elements()))
        + "\nunexpected: "
        + repr(sorted(unexpected.elements()))
        + "\nall warnings:\n"
        + "\n".join(f"{w.file}:{w.line} {w.type} {w.message[:150]}" for w in html.warnings)
    )


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: f"{e[0]}:{e[1]}:{e[3][:40]}")
def test_each_warning_says_what_is_wrong(html, expected):
    html.require_output()
    file, line, subtype, text = expected
    hits = [
        w
        for w in html.warnings
        if (w.file, w.line, w.type) == (file, line, f"postmortem.{subtype}") and text in w.message
    ]
    assert hits, (
        f"no postmortem.{subtype} warning at {file}:{line} containing {text!r}; at that "
        "line: " + repr([w.message for w in html.warnings if (w.file, w.line) == (file, line)])
    )


def test_no_page_holds_injected_markup(html):
    html.require_output()
    problems = {}
    for name, text in html_pages(html).items():
        found = unsafe_markup(parse_html(text))
        if found:
            problems[name] = found
        lowered = text.lower()
        for raw in (
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<iframe",
            "<a href=javascript",
            'href="javascript:',
            "href='javascript:",
            'src="javascript:',
            'href="data:',
            'href="vbscript:',
        ):
            if raw in lowered:
                problems.setdefault(name, []).append(f"raw {raw!r}")
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())


def test_feed_link_and_page_titles_are_escaped(html):
    html.require_output()
    page = (html.outdir / "inject-incident.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    assert "<script>alert('project')" not in head
    links = [
        el
        for el in parse_html(head).find_all("link")
        if el.attrs.get("type") == "application/atom+xml"
    ]
    assert [el.attrs["title"] for el in links] == ["<script>alert('project')</script> post-mortems"]


def texts(el: El, tag: str | None = None, cls: str | None = None) -> list[str]:
    return [plain(found) for found in el.find_all(tag, cls)]


def test_markup_in_every_field_is_shown_as_text(html):
    html.require_output()
    page = body(html, "inject-incident.html")
    title = f"{S} {IMG} {JS}"
    assert texts(page, "p", "pm-incident-title") == [title]
    panel = page.find_all("dl", "pm-panel-fields")[0]
    fields = dict(zip(texts(panel, "dt"), texts(panel, "dd"), strict=True))
    assert fields["ID:"] == IMG
    assert fields["Authors:"] == f"{S}, {IMG}, {JS}, \\input{{/etc/passwd}}"
    assert fields["Services:"] == (
        "data:text/html;base64, PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==, '><svg onload=alert(1)>"
    )
    assert fields["Tags:"] == (
        "</p><iframe src=javascript:alert(1)></iframe>, "
        "<a href=javascript:alert(1)>x</a>, "
        "}\\immediate\\write18{touch pwned}{"
    )
    assert f"Summary {S} and {IMG} shown as text." in texts(page, "p")
    entries = texts(page, "p", "pm-entry-text")
    assert entries == [
        S,
        "A milestone made of markup.",
        IMG,
        "</p><iframe src=javascript:alert(1)></iframe>",
        "'><svg onload=alert(1)> {{ 7777*7 }} {% raw %}",
    ]
    action = page.find_all("div", "pm-action")[0]
    assert texts(action, "p", "pm-action-title") == [f"{S} {S} {IMG}"]
    action_fields = dict(zip(texts(action, "dt"), texts(action, "dd"), strict=True))
    assert action_fields["Owner:"] == IMG
    assert action_fields["Tracker:"] == IMG
    assert f"Body {S} {IMG}." in texts(action, "p")
    lesson = page.find_all("div", "pm-lesson")[0]
    assert texts(lesson, "p", "admonition-title") == [f"What went wrong: {S} {IMG}"]
    assert texts(lesson, "span", "pm-tag") == [S, IMG, JS]
    assert "54439" not in html_pages(html)["inject-incident.html"]  # {{ 7777*7 }} not evaluated


def test_rest_in_plain_text_fields_stays_text(html):
    html.require_output()
    page = body(html, "rest-inject.html")
    link = "`x <javascript:alert(1)>`_"
    assert texts(page, "p", "pm-incident-title") == [
        f"Title |subst| {link} :incident:`INC-TRACKERS` **bold** [#]_"
    ]
    panel = page.find_all("dl", "pm-panel-fields")[0]
    fields = dict(zip(texts(panel, "dt"), texts(panel, "dd"), strict=True))
    assert fields["Authors:"] == f"{link}, |subst|, :raw-html:`<b>x</b>`"
    assert fields["Services:"] == f".. raw:: html {S}"
    assert fields["Tags:"] == ("|subst|_, `y <data:text/html, <script>alert(1)</script>>`_, x_")
    owners = [
        dict(zip(texts(a, "dt"), texts(a, "dd"), strict=True))["Owner:"]
        for a in page.find_all("div", "pm-action")
    ]
    assert owners == [link, f".. raw:: html {S}"]
    lesson = page.find_all("div", "pm-lesson")[0]
    assert texts(lesson, "span", "pm-tag") == [link, "|subst|", ".. raw:: html"]
    assert "bold" not in texts(page, "strong"), "**bold** in a title was parsed"
    for name, text in html_pages(html).items():
        assert "SUBSTITUTED-MARKER" not in text, f"a plain-text field was parsed in {name}"


def test_tracker_values_link_only_to_http(html):
    html.require_output()
    page = body(html, "trackers.html")
    trackers = {}
    for action in page.find_all("div", "pm-action"):
        title = texts(action, "strong")[0]
        cell = next(
            dd
            for dt, dd in zip(action.find_all("dt"), action.find_all("dd"), strict=True)
            if plain(dt) == "Tracker:"
        )
        links = cell.find_all("a")
        trackers[title] = (plain(cell), links[0].attrs["href"] if links else None)
    browse = "https://jira.example.com/browse/"
    assert trackers == {
        "Upper-case javascript scheme": ("JaVaScRiPt:alert(1)", None),
        "javascript scheme after leading spaces": ("javascript:alert(1)", None),
        "data URL": ("data:text/html,<script>alert(1)</script>", None),
        "vbscript URL": ("vbscript:msgbox(1)", None),
        "file URL": ("file:///etc/passwd", None),
        "ftp URL": ("ftp://files.example.com/x", None),
        "https URL without a host": ("https:///no-host", None),
        "https URL with a space": ("https://tracker.example.com/a b", None),
        "https URL with markup in it": (
            f'https://tracker.example.com/">{S}',
            f'https://tracker.example.com/">{S}',
        ),
        "Key with markup (quoted into the tracker URL)": (
            S,
            browse + "%3Cscript%3Ealert%281%29%3C%2Fscript%3E",
        ),
        "Key with the attribute-breaking string": (
            IMG,
            browse + "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E",
        ),
        "Key that only looks like a scheme": (
            "java script:alert(1)",
            browse + "java%20script%3Aalert%281%29",
        ),
        "Key with an entity instead of the colon": (
            "javascript&colon;alert(1)",
            browse + "javascript%26colon%3Balert%281%29",
        ),
        "Protocol-relative key": ("//evil.example.com/x", browse + "%2F%2Fevil.example.com%2Fx"),
        "Key holding the placeholder": ("{key}{key}", browse + "%7Bkey%7D%7Bkey%7D"),
    }


def test_imported_hostile_records_are_text_and_unsafe_links_are_dropped(html):
    html.require_output()
    page = body(html, "rollups.html")
    text = plain(page)
    for kept in ("EVIL-1", "EVIL-7", "EVIL-A1", "EVIL-A2", f"{S} imported lesson"):
        assert kept in text, f"{kept} missing from the roll-ups"
    for refused in (
        "EVIL-2",
        "EVIL-3",
        "EVIL-4",
        "EVIL-5",
        "EVIL-6",
        "EVIL-8",
        "EVIL-9",
        "EVIL-10",
        "EVIL-11",
        "EVIL-12",
        "EVIL-A3",
        "EVIL-A4",
        "Lesson of an unknown kind",
        "Lesson with a javascript link",
    ):
        assert not re.search(re.escape(refused) + r"(?![\d])", text), f"{refused} was imported"
    hrefs = {a.attrs.get("href", "") for a in page.find_all("a")}
    # group headings' own anchors (#lessons-evil...) are ids made safe by docutils
    assert all(re.fullmatch(r"#[a-z0-9-]+", h) for h in hrefs if h.startswith("#"))
    evil = {
        h for h in hrefs if "evil" in h and not h.startswith(("https://jira.example.com/", "#"))
    }
    assert evil == {
        "https://evil.example.com/incidents/evil.html#evil-1",
        "https://evil.example.com/incidents/evil.html#evil-a1",
        "https://evil.example.com/incidents/evil.html#evil-a2",
        "https://evil.example.com/lessons.html#evil-l1",
        "//evil.example.com/protocol-relative",
    }


def test_duplicates_first_document_wins(html):
    html.require_output()
    index = body(html, "postmortem-incidents.html")
    ids = [t.split(":")[0] for t in texts(index, "a")]
    assert ids.count("INC-DUP") == 1 and "INC-TWICE-SECOND" not in ids
    dup = [a.attrs["href"] for a in index.find_all("a") if plain(a).startswith("INC-DUP:")]
    assert dup == ["dup-a.html#incident-INC-DUP"]
    assert "Twice-body-marker" in plain(body(html, "twice.html"))
    rollups = plain(body(html, "rollups.html"))
    assert "INC-TWICE-SECOND" not in rollups and "Second incident on the same page" not in rollups


def test_ids_with_spaces_and_unicode_resolve(html):
    html.require_output()
    page = body(html, "ids.html")
    links = {
        plain(a): a.attrs["href"]
        for a in page.find_all("a")
        if "postmortem" in " ".join(c for el in a.find_all("span") for c in el.classes)
    }
    targets = {
        "Incident whose id has spaces and Unicode": "ids.html",
        "Action whose id has spaces": "ids.html",
        "Action whose id is only emoji": "ids.html",
        "Ünïcode document name 页": "sub/%C3%BCn%C3%AFcode-%E9%A1%B5.html",
        f"{S} {IMG} {JS}": "inject-incident.html",
        f"{S} {IMG}": "trackers.html",
    }
    for text, page_name in targets.items():
        href = links.get(text) or links.get(text.replace('"', "\N{RIGHT DOUBLE QUOTATION MARK}"))
        assert href is not None, f"no link {text!r}; links: {links}"
        path, _, anchor = href.partition("#")
        assert path in ("", page_name), href
        target = body(html, unquote(page_name))
        assert any(el.attrs.get("id") == anchor for el in target.iter()), f"no #{anchor}"
    incident = body(html, "ids.html").find_all("dl", "pm-panel-fields")[0]
    assert dict(zip(texts(incident, "dt"), texts(incident, "dd"), strict=True))["ID:"] == (
        "INC 2024 ünïcödé ✓ 🔥"
    )
    unicode_page = body(html, "sub/ünïcode-页.html").find_all("dl", "pm-panel-fields")[0]
    assert dict(zip(texts(unicode_page, "dt"), texts(unicode_page, "dd"), strict=True))["ID:"] == (
        "sub-ünïcode-页"
    )


def test_right_to_left_and_emoji_text_is_kept_intact(html):
    html.require_output()
    source = (ROOT / "rtl.rst").read_text(encoding="utf-8").splitlines()
    written = {line.split(":")[1]: " ".join(line.split(":", 2)[2].split()) for line in source[4:11]}
    page = body(html, "rtl.html")
    assert texts(page, "p", "pm-incident-title") == [" ".join(source[3].split("::")[1].split())]
    assert "\u202e" in texts(page, "p", "pm-incident-title")[0]  # the override is kept as text
    panel = page.find_all("dl", "pm-panel-fields")[0]
    fields = dict(zip(texts(panel, "dt"), texts(panel, "dd"), strict=True))
    assert fields["ID:"] == written["id"] == "INC-RTL-٢٠٢٤"
    assert fields["Authors:"] == written["authors"]
    assert fields["Services:"] == written["services"]
    assert fields["Tags:"] == written["tags"]
    assert fields["Time to resolve:"] == "30m after impact start"
    assert texts(page, "p", "pm-entry-text") == [
        "بدأ التأثير 🔥",
        "זוהה \u202eoverride\u202c",
        "👍 تم الحل",
    ]
    assert texts(page, "span", "pm-tag") == ["🍀", "مراقبة"]


def test_long_titles_are_kept_whole(html):
    html.require_output()
    assert len(LONG_TITLE) == 10_000
    page = body(html, "long.html")
    assert texts(page, "p", "pm-incident-title") == [LONG_TITLE]
    assert texts(page, "p", "pm-action-title")[0].endswith(LONG_TITLE)
    assert texts(page, "p", "admonition-title") == [f"What went wrong: {LONG_TITLE}"]
    assert LONG_TITLE in plain(body(html, "rollups.html"))
    assert LONG_ID in plain(body(html, "postmortem-incidents.html"))


def test_five_thousand_entry_timeline_is_complete(html):
    html.require_output()
    page = body(html, "big-timeline.html")
    entries = page.find_all("li", "pm-entry")
    assert len(entries) == BIG - len(BIG_BROKEN)
    kept = [i for i in range(BIG) if i not in BIG_BROKEN]
    for entry, index in zip(entries, kept, strict=True):
        assert f"Entry {index} " in plain(entry) + " "
    panel = page.find_all("dl", "pm-panel-fields")[0]
    fields = dict(zip(texts(panel, "dt"), texts(panel, "dd"), strict=True))
    assert fields["Time to resolve:"] == "20h49m45s after impact start"  # (5,000 - 1) x 15 s
    assert fields["Time to mitigate:"] == "10h25m after impact start"  # 2,500 x 15 s
    assert "continuation of entry 1 " in plain(entries[1])


def test_export_and_feed_are_well_formed_and_reimportable(html):
    html.require_output()
    raw = (html.outdir / "postmortems.json").read_bytes()
    data, problems = validate_payload(raw, "self", "https://docs.example.com/hostile/")
    assert problems == []
    assert {i["id"] for i in data["incidents"]} >= {
        IMG,
        "INC 2024 ünïcödé ✓ 🔥",
        "INC-RTL-٢٠٢٤",
        LONG_ID,
        "INC-DUP",
    }
    feed = ET.fromstring((html.outdir / "postmortems.atom").read_bytes())
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert f"{IMG}: {S} {IMG} {JS}" in titles
    for entry in feed.iter("{http://www.w3.org/2005/Atom}link"):
        assert entry.get("href", "").startswith("https://docs.example.com/hostile/")


# -- the text and LaTeX builders ----------------------------------------------------------------


def test_text_and_latex_builds_complete_with_the_same_warnings(html, other):
    assert_no_crash(other)
    html.require_output()
    expected = places_of(html)
    if not (other.srcdir / "big-timeline.rst").exists():
        expected = Counter(
            {k: n for k, n in expected.items() if k[0] not in ("big-timeline.rst", "long.rst")}
        )
    assert places_of(other) == expected


def test_text_and_latex_output_keep_user_text_as_text(other):
    other.require_output()
    if other.app.builder.name != "latex":
        text = " ".join((other.outdir / "inject-incident.txt").read_text(encoding="utf-8").split())
        assert f"Authors: {S}, {IMG}, {JS}, \\input{{/etc/passwd}}" in text
        assert "|subst|" in (other.outdir / "rest-inject.txt").read_text(encoding="utf-8")
        return
    tex = "\n".join(p.read_text(encoding="utf-8") for p in other.outdir.glob("*.tex"))
    assert "\\input{/etc/passwd}" not in tex
    assert "\\immediate\\write18" not in tex
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in tex


# -- pages built one at a time -------------------------------------------------------------------

ISOLATED_CONF = """\
extensions = ["sphinx_postmortem"]
project = "isolated"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://jira.example.com/browse/{key}"
"""

#: page -> (line, subtype) a warning may be reported at (each at most once, unless listed twice),
#: and the lines that must be reported.
ISOLATED_PAGES = {
    # ValueError from urllib (Invalid IPv6 URL) must be a postmortem.option warning
    "tracker-ipv6": {
        "allowed": [(9, "option"), (13, "option")],
        "required": [(9, "option"), (13, "option")],
    },
    # the time-only entry's date lies outside what datetime can hold
    # An entry whose instant falls outside years 1-9999 once converted to UTC cannot be
    # ordered or measured; it is skipped with a warning (on whichever line that happens).
    # The incident's :date: lies outside the plausible years 1970-2100: warned and ignored.
    "timeline-year-9999": {
        "allowed": [(6, "option"), (11, "timeline"), (12, "timeline")],
        "required": [(6, "option")],
    },
    "timeline-year-1": {
        "allowed": [(6, "option"), (11, "timeline"), (12, "timeline")],
        "required": [(6, "option")],
    },
    # postmortem-stats on an incident of 9999-12-31
    "stats-year-9999": {"allowed": [(6, "option")], "required": [(6, "option")]},
}


def isolated_project(tmp_path: Path, page: str | None, conf_extra: str = "") -> Path:
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(ISOLATED_CONF + conf_extra, encoding="utf-8")
    toctree = f"\n.. toctree::\n\n   {page}\n" if page else ""
    (srcdir / "index.rst").write_text(
        "Isolated\n========\n" + toctree + "\n.. incident-list::\n\n.. action-item-list::\n"
        "   :status: all\n\n.. lesson-list::\n\n.. postmortem-stats::\n",
        encoding="utf-8",
    )
    if page:
        shutil.copy(ROOT / "isolated" / f"{page}.rst", srcdir / f"{page}.rst")
    return srcdir


@pytest.mark.parametrize("page", sorted(ISOLATED_PAGES))
def test_isolated_page_builds(tmp_path, page):
    build = run_build(isolated_project(tmp_path, page), "html")
    assert_no_crash(build)
    rules = ISOLATED_PAGES[page]
    places = Counter((w.file, w.line, w.type) for w in build.warnings)
    allowed = Counter((f"{page}.rst", line, f"postmortem.{sub}") for line, sub in rules["allowed"])
    required = Counter(
        (f"{page}.rst", line, f"postmortem.{sub}") for line, sub in rules["required"]
    )
    assert not places - allowed, f"unexpected warnings: {build.warnings}"
    assert not required - places, f"missing warnings: {required - places}; got {build.warnings}"
    problems = unsafe_markup(parse_html((build.outdir / f"{page}.html").read_text("utf-8")))
    assert problems == []


def test_isolated_tracker_urls_are_not_linked(tmp_path):
    build = run_build(isolated_project(tmp_path, "tracker-ipv6"), "html")
    build.require_output()
    page = body(build, "tracker-ipv6.html")
    assert [a.attrs["href"] for a in page.find_all("a", "pm-external")] == []
    assert "https://[::1/issue/1" in plain(page)


def test_isolated_statistics_leave_out_an_implausible_year(tmp_path):
    build = run_build(isolated_project(tmp_path, "stats-year-9999"), "html")
    build.require_output()
    page = plain(body(build, "stats-year-9999.html"))
    assert "9999-Q4" not in page and "No incidents match." in page


def deep_json() -> bytes:
    nested = "[" * 100_000 + "]" * 100_000
    return (
        '{"schema_version": 1, "project": "deep", "incidents": ['
        + nested
        + '], "action_items": [], "lessons": []}'
    ).encode()


#: name -> the import file (None: generated by deep_json)
ISOLATED_IMPORTS = {
    "milestones-not-a-list": (ROOT / "isolated" / "imports" / "milestones-not-a-list.json"),
    "url-ipv6": (ROOT / "isolated" / "imports" / "url-ipv6.json"),
    "tracker-ipv6": (ROOT / "isolated" / "imports" / "tracker-ipv6.json"),
    "hostile-v2": (ROOT / "isolated" / "imports" / "hostile-v2.json"),
    "deeply-nested": None,
}

#: Roll-ups that show what schema version 2 added, beside the isolated project's own.
SUBSTANCE_ROLLUPS = (
    "\n.. factor-list::\n\n.. incident-list::\n"
    "   :columns: id, types, detected-by, commander, impact:customers, impact:data-loss\n\n"
    ".. postmortem-stats::\n   :impact: customers\n"
)


@pytest.mark.parametrize("name", sorted(ISOLATED_IMPORTS))
def test_isolated_hostile_import_file(tmp_path, name):
    srcdir = isolated_project(
        tmp_path,
        None,
        conf_extra=(
            "postmortem_projects = {\n"
            '    "broken": ("https://broken.example.com/", "broken.json"),\n}\n'
        ),
    )
    source = ISOLATED_IMPORTS[name]
    (srcdir / "broken.json").write_bytes(source.read_bytes() if source else deep_json())
    with (srcdir / "index.rst").open("a", encoding="utf-8") as index:
        index.write(SUBSTANCE_ROLLUPS)
    build = run_build(srcdir, "html")
    assert_no_crash(build)
    for warning in build.warnings:
        assert (warning.file, warning.line, warning.type) == ("conf.py", 6, "postmortem.import"), (
            warning
        )
    problems = unsafe_markup(parse_html((build.outdir / "index.html").read_text("utf-8")))
    assert problems == []
    if name == "hostile-v2":  # its factors, impact and people are shown, as text
        text = plain(body(build, "index.html"))
        assert 'Trigger "><img src=x onerror=alert(1)> capacity' in text
        assert 'BROKEN-V2: <script>alert("pm")</script>' in text
        assert "5 <u>people</u> <iframe src=javascript:alert(4)>" in text
        assert "Link that runs script" not in text  # its javascript: link was refused


def test_isolated_project_with_an_unsplittable_base_url(tmp_path):
    srcdir = isolated_project(
        tmp_path,
        None,
        conf_extra=('postmortem_projects = {\n    "broken": ("http://[::1/docs/", None),\n}\n'),
    )
    build = run_build(srcdir, "html")
    assert_no_crash(build)
    assert [(w.file, w.type) for w in build.warnings] == [("conf.py", "postmortem.import")]


@pytest.mark.parametrize(
    "rules",
    [
        "[None]",
        "[5]",
        '[("bad pattern type", 5, "x")]',
        '[{"name": "list pattern", "pattern": ["blame"]}]',
        '[("unbalanced", "(blame", "x")]',
    ],
)
def test_isolated_blameless_rules_of_the_wrong_shape(tmp_path, rules):
    srcdir = isolated_project(tmp_path, None, conf_extra=f"postmortem_blameless_rules = {rules}\n")
    (srcdir / "index.rst").write_text(
        "Rules\n=====\n\n.. incident:: Checked for blame\n   :date: 2024-03-05\n"
        "   :severity: SEV3\n\n   Nobody is to blame here.\n",
        encoding="utf-8",
    )
    build = run_build(srcdir, "html")
    assert_no_crash(build)
    assert build.warnings, "a rule that cannot be used must be reported"
    for warning in build.warnings:
        assert warning.type == "postmortem.config" and warning.file in ("index.rst", "conf.py"), (
            warning
        )
