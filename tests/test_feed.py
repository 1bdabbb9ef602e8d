"""The Atom feed of published post-mortems.

``tests/roots/test-feed`` (``html_baseurl = "https://example.org/pm/"``, a
project name that needs escaping) holds:

========== ===== ========== ========== =====================
document   id    date       status     authors
========== ===== ========== ========== =====================
one        F-1   2024-03-01 published  Ana Silva, Bo Chen
two        F-2   2024-05-01 published  Kim Park
three      F-3   2024-04-01 in-review  Lee Wong
four       F-4   2024-02-01 draft      Dee Raft
sub/five   F-6   2024-04-15 published  Sam Sub
hostile    F-5   2024-01-15 published  (names to escape)
plain      (no incident)
========== ===== ========== ========== =====================

F-2 and F-5 also give an impact and a trigger among their factors.
``rollups`` holds an incident-list and a lesson-list, ``sub/lessons`` a
lesson-list and ``actions`` an action-item-list (the pages that offer the
feed, or not). ``tests/roots/test-feed-import`` imports the export of this
root twice (an absolute and a relative base URL) beside a local incident.

The feed is parsed with a real feed parser (``feedparser``) and with
:mod:`xml.etree.ElementTree` for the structure Atom 1.0 requires.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from support import ROOTS
from support.builds import build
from support.html import El, parse_html
from support.projects import edit_source
from support.rollups import resolve_href
from support.snapshots import BuiltProject

from sphinx_postmortem.incremental.feed_memory import Seen, updated_times

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/pm/"
FEED = "postmortems.atom"
PROJECT = 'Feed "Demo" <&>'
FEED_TITLE = f"{PROJECT} post-mortems"
HOSTILE_TITLE = "<script>alert(\"x\")</script> & ]]> 'quoted'"

#: id -> (page, title, date, authors) of the incidents of the root.
INCIDENTS = {
    "F-1": ("one.html", "First published outage", "2024-03-01", ["Ana Silva", "Bo Chen"]),
    "F-2": ("two.html", "Second published outage", "2024-05-01", ["Kim Park"]),
    "F-3": ("three.html", "Outage still in review", "2024-04-01", ["Lee Wong"]),
    "F-4": ("four.html", "Draft outage", "2024-02-01", ["Dee Raft"]),
    "F-6": ("sub/five.html", "Nested published outage", "2024-04-15", ["Sam Sub"]),
    "F-5": (
        "hostile.html",
        HOSTILE_TITLE,
        "2024-01-15",
        ["Eve <eve@example.com>", "O'Brien & Sons"],
    ),
}
PUBLISHED_NEWEST_FIRST = ["F-2", "F-6", "F-1", "F-5"]


def copy_root(dest: Path) -> Path:
    shutil.copytree(ROOTS / "test-feed", dest)
    return dest


def url(incident_id: str, page: str | None = None) -> str:
    return f"{BASE}{page or INCIDENTS[incident_id][0]}#incident-{incident_id}"


def entry_ids(parsed) -> list[str]:
    """Incident ids of the feed's entries, in feed order (from the entry ids)."""
    return [e.id.rsplit("#incident-", 1)[1] for e in parsed.entries]


def parse_feed(outdir: Path):
    data = (outdir / FEED).read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    return build(copy_root(tmp_path_factory.mktemp("feed") / "src"))


@pytest.fixture(scope="module")
def built_feed(tmp_path_factory) -> BuiltProject:
    """A copy of the root built once (incrementally, ``freshenv=False``), to start from."""
    return BuiltProject(
        tmp_path_factory.mktemp("feed-first"), copy_root, lambda d: build(d, freshenv=False)
    )


@pytest.fixture
def first(built_feed):
    """A copy of the root of this test's own, after its first build (that build's result).

    The build is made once per module and its tree put back for each test (see
    ``support.snapshots``): as if the test had copied the root and built it.
    """
    built_feed.restore()
    return built_feed.first


@pytest.fixture(scope="module")
def feed(html):
    return parse_feed(html.outdir)


def test_build_is_clean(html):
    assert html.warnings == []


def test_feed_is_valid_atom(html, feed):
    assert feed.encoding.lower() == "utf-8"
    root = ET.fromstring((html.outdir / FEED).read_bytes())
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    feed_has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    self_links = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == [BASE + FEED]
    entries = root.findall(f"{ATOM}entry")
    assert entries
    seen = set()
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        # RFC 3339 timestamps
        dt.datetime.strptime(entry.findtext(f"{ATOM}updated"), "%Y-%m-%dT%H:%M:%SZ")
        # every entry has an author, its own or the feed's
        assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        alternates = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternates) == 1
        identifier = entry.findtext(f"{ATOM}id")
        assert identifier.startswith(BASE) and identifier not in seen
        seen.add(identifier)


def test_feed_metadata(feed):
    assert feed.feed.title == FEED_TITLE
    assert feed.feed.id == BASE + FEED
    assert feed.feed.updated_parsed[:3] == (2024, 5, 1)  # the newest entry, not the clock
    assert any(link.rel == "self" and link.href == BASE + FEED for link in feed.feed.links)


def test_only_published_entries_newest_first(feed):
    assert entry_ids(feed) == PUBLISHED_NEWEST_FIRST


def test_entry_contents(html, feed):
    for entry, incident_id in zip(feed.entries, entry_ids(feed), strict=True):
        page, title, date, authors = INCIDENTS[incident_id]
        assert entry.id == url(incident_id)
        assert entry.link == url(incident_id)
        assert title in entry.title
        assert entry.updated_parsed[:3] == tuple(int(p) for p in date.split("-"))
        assert [a.name for a in entry.authors] == authors
        if incident_id != "F-5":
            assert entry.summary.startswith(f"Summary of {incident_id}: what happened")
        # the link leads to the incident on its page
        target = html.outdir / page
        assert f'id="incident-{incident_id}"' in target.read_text(encoding="utf-8")
    first = feed.entries[0]
    assert first.title == "F-2: Second published outage"


def test_entries_carry_the_impact_figures_and_the_trigger(feed):
    summaries = {
        incident_id: entry.summary
        for entry, incident_id in zip(feed.entries, entry_ids(feed), strict=True)
    }
    assert summaries["F-2"].split("\n\n") == [
        "Summary of F-2: what happened, in one paragraph. (SEV2, outage, api, db)",
        "Impact: Customers affected: 6,214 customers; Revenue lost: 12,500 USD",
        "Trigger: A configuration change skipped the canary stage",
    ]
    assert "Impact" not in summaries["F-1"] and "Trigger" not in summaries["F-1"]


def test_hostile_strings_are_escaped(html, feed):
    raw = (html.outdir / FEED).read_bytes()
    assert b"<script>" not in raw and b"<b>" not in raw and b"<img" not in raw
    root = ET.fromstring(raw)
    entry = next(e for e in root.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == url("F-5"))
    assert HOSTILE_TITLE in entry.findtext(f"{ATOM}title")
    assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == [
        "Eve <eve@example.com>",
        "O'Brien & Sons",
    ]
    assert entry.findtext(f"{ATOM}summary").startswith("Summary with <b>markup</b> & an")
    assert entry.findtext(f"{ATOM}summary").endswith('Trigger: <b>Config</b> & "push" ]]>')
    assert root.findtext(f"{ATOM}title") == FEED_TITLE
    parsed = next(e for e in feed.entries if e.id == url("F-5"))
    assert HOSTILE_TITLE in parsed.title


def alternate_links(page: str) -> list[El]:
    dom = parse_html(page)
    head = dom.find("head")
    assert head is not None
    return [
        link
        for link in head.find_all("link")
        if link.attrs.get("rel") == "alternate" and link.attrs.get("type") == "application/atom+xml"
    ]


def test_every_page_links_the_feed(html):
    pages = sorted(html.outdir.rglob("*.html"))
    names = {p.relative_to(html.outdir).as_posix() for p in pages}
    assert {
        "index.html",
        "plain.html",
        "sub/five.html",
        "genindex.html",
        "search.html",
        "postmortem-incidents.html",
    } <= names
    for path in pages:
        links = alternate_links(path.read_text(encoding="utf-8"))
        assert len(links) == 1, path
        assert links[0].attrs["href"] == BASE + FEED
        assert links[0].attrs.get("title") == FEED_TITLE  # escaped in the markup, intact here


def test_feed_statuses_add_entries(tmp_path):
    result = build(
        copy_root(tmp_path / "src"), confoverrides={"postmortem_feed_statuses": ["in-review"]}
    )
    parsed = parse_feed(result.outdir)
    assert entry_ids(parsed) == ["F-2", "F-6", "F-3", "F-1", "F-5"]
    entry = parsed.entries[2]
    assert entry.link == url("F-3")
    assert [a.name for a in entry.authors] == ["Lee Wong"]


def test_no_feed_without_base_url(tmp_path):
    result = build(copy_root(tmp_path / "src"), confoverrides={"html_baseurl": ""})
    assert not (result.outdir / FEED).exists()
    for path in result.outdir.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "application/atom+xml" not in page, path


def test_no_feed_for_the_text_builder(tmp_path):
    result = build(copy_root(tmp_path / "src"), "text")
    assert (result.outdir / "one.txt").exists()
    assert not (result.outdir / FEED).exists()
    assert not list(result.outdir.rglob("*.atom"))


def test_dirhtml_feed_links_directory_urls(tmp_path):
    result = build(copy_root(tmp_path / "src"), "dirhtml")
    parsed = parse_feed(result.outdir)
    assert entry_ids(parsed) == PUBLISHED_NEWEST_FIRST
    assert parsed.entries[0].link == f"{BASE}two/#incident-F-2"
    assert parsed.entries[1].link == f"{BASE}sub/five/#incident-F-6"
    links = alternate_links((result.outdir / "one" / "index.html").read_text(encoding="utf-8"))
    assert [link.attrs["href"] for link in links] == [BASE + FEED]


def test_feed_is_deterministic(tmp_path, html):
    again = build(copy_root(tmp_path / "elsewhere"))
    assert (again.outdir / FEED).read_bytes() == (html.outdir / FEED).read_bytes()


def test_incremental_build_updates_the_feed(first):
    srcdir = first.srcdir
    before = (first.outdir / FEED).read_bytes()
    again = build(srcdir, freshenv=False)
    assert (again.outdir / FEED).read_bytes() == before  # nothing changed: same bytes
    path = srcdir / "three.rst"
    path.write_text(
        path.read_text(encoding="utf-8").replace(":status: in-review", ":status: published"),
        encoding="utf-8",
    )
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))
    updated = build(srcdir, freshenv=False)
    assert entry_ids(parse_feed(updated.outdir)) == ["F-2", "F-6", "F-3", "F-1", "F-5"]


def test_base_url_without_trailing_slash(tmp_path, html):
    result = build(copy_root(tmp_path / "src"), confoverrides={"html_baseurl": BASE.rstrip("/")})
    parsed = parse_feed(result.outdir)
    assert [e.link for e in parsed.entries] == [url(i) for i in PUBLISHED_NEWEST_FIRST]
    assert parsed.feed.id == BASE + FEED
    links = alternate_links((result.outdir / "one.html").read_text(encoding="utf-8"))
    assert [link.attrs["href"] for link in links] == [BASE + FEED]


# -- what each setting publishes ------------------------------------------------------------

EXPORT = "postmortems.json"


def published(outdir: Path) -> set[str]:
    return {name for name in (FEED, EXPORT) if (outdir / name).exists()}


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({}, {FEED, EXPORT}),
        ({"postmortem_export": False}, set()),
        ({"postmortem_export": False, "postmortem_feed": True}, {FEED}),
        ({"postmortem_feed": False}, {EXPORT}),
        ({"html_baseurl": ""}, {EXPORT}),
    ],
)
def test_what_each_setting_publishes(tmp_path, conf, expected):
    result = build(copy_root(tmp_path / "src"), confoverrides=conf)
    assert published(result.outdir) == expected
    links = "application/atom+xml" in (result.outdir / "one.html").read_text(encoding="utf-8")
    assert links == (FEED in expected)
    assert result.warnings == []


def test_turning_the_export_off_removes_files_of_an_earlier_build(first):
    srcdir = first.srcdir
    assert published(first.outdir) == {FEED, EXPORT}
    private = build(srcdir, freshenv=False, confoverrides={"postmortem_export": False})
    assert private.outdir == first.outdir
    assert published(private.outdir) == set()
    assert f"removed {private.outdir / EXPORT} from an earlier build" in private.status
    assert f"removed {private.outdir / FEED} from an earlier build" in private.status
    assert private.warnings == []


def test_a_forced_feed_without_base_url_warns_at_the_setting(tmp_path):
    srcdir = copy_root(tmp_path / "src")
    conf = srcdir / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace(
            'html_baseurl = "https://example.org/pm/"', "postmortem_feed = True"
        ),
        encoding="utf-8",
    )
    result = build(srcdir)
    assert not (result.outdir / FEED).exists()
    assert result.warnings == [
        f"{conf}:7: WARNING: postmortem_feed is True but html_baseurl is not set; "
        "no Atom feed written [postmortem.config]"
    ]


# -- control characters pasted from a terminal -------------------------------------------------


@pytest.fixture(scope="module")
def pasted(tmp_path_factory):
    srcdir = tmp_path_factory.mktemp("pasted") / "src"
    shutil.copytree(ROOTS / "test-control-characters", srcdir)
    return build(srcdir)


def test_feed_with_control_characters_is_well_formed(pasted):
    raw = (pasted.outdir / FEED).read_bytes()
    root = ET.fromstring(raw)  # raises on a character XML 1.0 forbids
    assert b"\x1b" not in raw and b"\x07" not in raw
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "TTY-1: Deploy FAILED on checkout"
    assert entry.findtext(f"{ATOM}summary") == (
        "The deploy printed warnings nobody read. (SEV2, incident, checkout, search)"
    )
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "checkout",
        "search",
        "deploy",
        "bold",
    ]
    assert parse_feed(pasted.outdir).entries[0].title == "TTY-1: Deploy FAILED on checkout"


def test_export_with_control_characters_holds_clean_text(pasted):
    text = (pasted.outdir / EXPORT).read_text(encoding="utf-8")
    assert "\\u001b" not in text and "\\u0007" not in text and "\x1b" not in text
    data = json.loads(text)
    incident = data["incidents"][0]
    assert incident["title"] == "Deploy FAILED on checkout"
    assert incident["services"] == ["checkout", "search"]
    assert incident["tags"] == ["deploy", "bold"]
    assert data["action_items"][0]["title"] == "Strip colour codes from logs"
    bodies = {le["title"]: le["body"] for le in data["lessons"]}
    assert bodies["Terminals are not documents"] == "A bell character  came along too."


def test_control_characters_are_reported_at_their_directive(pasted):
    prefix = f"{pasted.srcdir / 'index.rst'}"
    assert pasted.warnings == [
        f"{prefix}:4: WARNING: incident holds control characters (terminal colour codes?) "
        "that are left out of the export and the feed: :title: U+001B; :services: U+001B; "
        ":tags: U+001B; :summary: U+001B [postmortem.control_character]",
        f"{prefix}:14: WARNING: action-item holds control characters (terminal colour codes?) "
        "that are left out of the export and the feed: :title: U+001B "
        "[postmortem.control_character]",
        f"{prefix}:18: WARNING: lesson holds control characters (terminal colour codes?) "
        "that are left out of the export and the feed: :body: U+0007 "
        "[postmortem.control_character]",
    ]


# -- "updated": when what an entry shows changes -------------------------------------------------

LATER = "2024-07-02"


def updated_of(outdir: Path) -> dict[str, str]:
    """Incident id -> the entry's ``updated`` text, and ``"feed"`` -> the feed's."""
    root = ET.fromstring((outdir / FEED).read_bytes())
    times = {"feed": root.findtext(f"{ATOM}updated")}
    for entry in root.findall(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id").rsplit("#incident-", 1)[1]
        times[entry_id] = entry.findtext(f"{ATOM}updated")
    return times


def own_dates() -> dict[str, str]:
    """Each published entry ``updated`` at its incident's date, as a first build gives it."""
    times = {i: f"{INCIDENTS[i][2]}T00:00:00Z" for i in PUBLISHED_NEWEST_FIRST}
    return {"feed": times["F-2"], **times}


def revise(srcdir: Path, page: str, old: str, new: str, today: str = LATER):
    """Edit a page, then build again (incrementally) on the build date ``today``."""
    edit_source(srcdir / page, old, new)
    return build(srcdir, freshenv=False, postmortem_today=today)


def test_a_first_build_dates_each_entry_by_its_incident(html):
    assert updated_of(html.outdir) == own_dates()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Second published outage", "Second published outage, renamed"),  # the title
        ("what happened", "what really happened"),  # the summary
        (":authors: Kim Park", ":authors: Kim Park, Lou Ng"),
        (":date: 2024-05-01", ":date: 2024-05-02"),  # published
        (":severity: SEV2", ":severity: SEV1"),  # the details after the summary
        (":type: outage", ":type: security"),
        (":services: api, db", ":services: api, db, cache"),  # details and categories
        (":tags: tls", ":tags: tls, certs"),  # categories
        (":customers: 6214", ":customers: 7000"),  # the impact line
        ("skipped the canary stage", "skipped the canary"),  # the trigger line
    ],
    ids=[
        "title",
        "summary",
        "authors",
        "date",
        "severity",
        "type",
        "services",
        "tags",
        "impact",
        "trigger",
    ],
)
def test_changing_what_an_entry_shows_updates_it_at_the_build_date(first, old, new):
    revised = revise(first.srcdir, "two.rst", old, new)
    assert revised.warnings == []
    expected = {**own_dates(), "F-2": f"{LATER}T00:00:00Z", "feed": f"{LATER}T00:00:00Z"}
    assert updated_of(revised.outdir) == expected
    published = parse_feed(revised.outdir).entries[0].published_parsed[:3]
    assert published == ((2024, 5, 2) if "date" in old else (2024, 5, 1))


def test_an_unchanged_entry_keeps_its_updated_time_in_later_builds(first):
    srcdir = first.srcdir
    revised = revise(srcdir, "two.rst", "what happened", "what really happened")
    feed_bytes = (revised.outdir / FEED).read_bytes()
    again = build(srcdir, freshenv=False, postmortem_today="2024-08-01")
    assert (again.outdir / FEED).read_bytes() == feed_bytes
    fresh = build(srcdir, freshenv=True, postmortem_today="2024-08-01")  # -E keeps the memory
    assert (fresh.outdir / FEED).read_bytes() == feed_bytes


def test_each_revision_moves_updated_forward(first):
    srcdir = first.srcdir
    revise(srcdir, "one.rst", "what happened", "what happened first")
    same_day = revise(srcdir, "one.rst", "happened first", "happened next")
    assert updated_of(same_day.outdir)["F-1"] == f"{LATER}T00:00:01Z"  # one second later
    later = revise(srcdir, "one.rst", "happened next", "happened last", today="2024-09-03")
    assert updated_of(later.outdir)["F-1"] == "2024-09-03T00:00:00Z"
    assert updated_of(later.outdir)["F-2"] == "2024-05-01T00:00:00Z"


def test_source_date_epoch_gives_the_exact_moment_of_a_revision(tmp_path, monkeypatch):
    srcdir = copy_root(tmp_path / "src")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717243200")  # 2024-06-01 12:00 UTC
    build(srcdir, freshenv=False, postmortem_today=None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1719927000")  # 2024-07-02 13:30 UTC
    edit_source(srcdir / "two.rst", "what happened", "what really happened")
    revised = build(srcdir, freshenv=False, postmortem_today=None)
    assert updated_of(revised.outdir)["F-2"] == "2024-07-02T13:30:00Z"


def test_a_lost_or_damaged_memory_dates_entries_by_their_incidents_again(first):
    srcdir = first.srcdir
    memory = Path(first.app.doctreedir) / "postmortem-feed-html.json"
    remembered = json.loads(memory.read_text(encoding="utf-8"))["entries"][url("F-2")]
    assert remembered["updated"] == "2024-05-01T00:00:00Z" and len(remembered["digest"]) == 64
    memory.write_text('{"version": 1, "entries": {"x": 3', encoding="utf-8")
    revised = revise(srcdir, "two.rst", "what happened", "what really happened")
    assert revised.warnings == []
    assert updated_of(revised.outdir) == own_dates()  # nothing remembered: nothing to compare
    assert url("F-2") in json.loads(memory.read_text(encoding="utf-8"))["entries"]


def test_updated_times_follow_the_rules_of_the_memory():
    remembered = {
        "same": Seen("a", "2024-03-01T00:00:00Z"),
        "revised": Seen("a", "2024-03-01T00:00:00Z"),
        "revised-today": Seen("a", "2024-07-02T00:00:00Z"),
        "gone": Seen("a", "2024-03-01T00:00:00Z"),
    }
    current = {
        "same": Seen("a", "2024-02-01T00:00:00Z"),
        "revised": Seen("b", "2024-02-01T00:00:00Z"),
        "revised-today": Seen("b", "2024-02-01T00:00:00Z"),
        "new": Seen("a", "2024-02-01T00:00:00Z"),
        "dated-after-the-build": Seen("a", "2024-09-09T00:00:00Z"),
    }
    remembered["dated-after-the-build"] = Seen("z", "2024-09-09T00:00:00Z")
    assert updated_times(current, remembered, "2024-07-02T00:00:00Z") == {
        "same": Seen("a", "2024-03-01T00:00:00Z"),
        "revised": Seen("b", "2024-07-02T00:00:00Z"),
        "revised-today": Seen("b", "2024-07-02T00:00:01Z"),
        "new": Seen("a", "2024-02-01T00:00:00Z"),
        "dated-after-the-build": Seen("a", "2024-09-09T00:00:01Z"),
    }


# -- the "Subscribe" link ------------------------------------------------------------------------


def subscribe_links(outdir: Path, page: str) -> list[El]:
    dom = parse_html((outdir / page).read_text(encoding="utf-8"))
    return [p.find("a") for p in dom.find_all("p", cls="pm-subscribe")]


def test_incident_and_lesson_lists_offer_a_subscribe_link(html):
    for page, href in [("rollups.html", FEED), ("sub/lessons.html", f"../{FEED}")]:
        [link] = subscribe_links(html.outdir, page)  # once, however many lists
        assert link.attrs["href"] == href
        assert link.text().startswith("Subscribe")
        assert resolve_href(page, href) == (FEED, "")
    first_rollup = html.dom("rollups.html").find("div", cls="pm-rollup")
    assert first_rollup is not None and "pm-incident-list" in first_rollup.classes
    assert first_rollup.find("p", cls="pm-subscribe") is not None  # atop the first list
    for page in ("actions.html", "one.html", "index.html"):
        assert subscribe_links(html.outdir, page) == [], page


def test_dirhtml_subscribe_link_is_relative_to_the_page(tmp_path):
    result = build(copy_root(tmp_path / "src"), "dirhtml")
    [link] = subscribe_links(result.outdir, "rollups/index.html")
    assert link.attrs["href"] == f"../{FEED}"
    assert (result.outdir / FEED).is_file()


@pytest.mark.parametrize(
    ("buildername", "conf", "page"),
    [
        ("html", {"html_baseurl": ""}, "rollups.html"),
        ("html", {"postmortem_feed": False}, "rollups.html"),
        ("text", {}, "rollups.txt"),
        ("singlehtml", {}, "index.html"),
    ],
)
def test_no_subscribe_link_without_a_feed(tmp_path, buildername, conf, page):
    result = build(copy_root(tmp_path / "src"), buildername, confoverrides=conf)
    assert result.warnings == []
    text = (result.outdir / page).read_text(encoding="utf-8")
    assert "Subscribe" not in text and "pm-subscribe" not in text
    assert "F-2" in text  # the roll-up itself is there


def test_turning_the_feed_off_removes_the_links_of_an_earlier_build(first):
    srcdir = first.srcdir
    assert subscribe_links(first.outdir, "rollups.html")
    off = build(srcdir, freshenv=False, postmortem_feed=False)
    assert subscribe_links(off.outdir, "rollups.html") == []
    assert "application/atom+xml" not in (off.outdir / "one.html").read_text(encoding="utf-8")


# -- postmortem_feed_projects: imported projects' post-mortems ----------------------------------

AGGREGATE = "https://example.org/agg/"
OPS = "https://example.net/ops/"


def aggregator(tmp_path: Path, html) -> Path:
    """A copy of test-feed-import that imports the export of the test-feed build ``html``."""
    srcdir = tmp_path / "agg"
    shutil.copytree(ROOTS / "test-feed-import", srcdir)
    (srcdir / "imported").mkdir()
    shutil.copy(html.outdir / EXPORT, srcdir / "imported" / "ops.json")
    return srcdir


@pytest.fixture(scope="module")
def aggregate(tmp_path_factory, html):
    return build(aggregator(tmp_path_factory.mktemp("aggregate"), html))


def test_feed_projects_add_their_published_post_mortems(aggregate):
    assert aggregate.warnings == []
    parsed = parse_feed(aggregate.outdir)
    assert [e.id for e in parsed.entries] == [
        f"{OPS}two.html#incident-F-2",
        f"{AGGREGATE}index.html#incident-G-1",
        f"{OPS}sub/five.html#incident-F-6",
        f"{OPS}one.html#incident-F-1",
        f"{OPS}hostile.html#incident-F-5",
    ]
    assert [e.link for e in parsed.entries] == [e.id for e in parsed.entries]
    first = parsed.entries[0]
    assert first.title == "ops \N{MIDDLE DOT} F-2: Second published outage"
    assert [a.name for a in first.authors] == ["Kim Park"]
    assert first.summary.split("\n\n") == [
        "Summary of F-2: what happened, in one paragraph. (SEV2, outage, api, db)",
        "Impact: Customers affected: 6,214 customers; Revenue lost: 12,500 USD",
        "Trigger: A configuration change skipped the canary stage",
    ]
    assert parsed.entries[1].title == "G-1: Local published outage"


def test_imported_entries_are_escaped(aggregate):
    raw = (aggregate.outdir / FEED).read_bytes()
    assert b"<script>" not in raw and b"<b>" not in raw and b"<img" not in raw
    entry = next(e for e in parse_feed(aggregate.outdir).entries if e.id.endswith("F-5"))
    assert entry.title == f"ops \N{MIDDLE DOT} F-5: {HOSTILE_TITLE}"
    assert [a.name for a in entry.authors] == ["Eve <eve@example.com>", "O'Brien & Sons"]
    assert entry.summary.endswith('Trigger: <b>Config</b> & "push" ]]>')


def test_without_feed_projects_the_feed_lists_only_this_project(tmp_path, html):
    result = build(aggregator(tmp_path, html), postmortem_feed_projects=[])
    assert entry_ids(parse_feed(result.outdir)) == ["G-1"]


def test_a_relative_base_url_is_made_absolute_from_html_baseurl(tmp_path, html):
    result = build(aggregator(tmp_path, html), postmortem_feed_projects=["site"])
    links = [e.link for e in parse_feed(result.outdir).entries]
    assert links[0] == f"{AGGREGATE}site/two.html#incident-F-2"
    assert all(link.startswith(AGGREGATE) for link in links)


def test_an_unknown_feed_project_warns_at_the_setting(tmp_path, html):
    srcdir = aggregator(tmp_path, html)
    conf = srcdir / "conf.py"
    edit_source(conf, '["ops"]', '["ops", "nope", "ops"]')
    result = build(srcdir)
    assert result.warnings == [
        f"{conf}:15: WARNING: postmortem_feed_projects: 'nope' is not a project of "
        "postmortem_projects ('ops', 'site'); left out [postmortem.config]"
    ]
    assert len(entry_ids(parse_feed(result.outdir))) == 5  # ops once, the build went on


def test_a_revised_imported_post_mortem_is_updated(tmp_path, html):
    srcdir = aggregator(tmp_path, html)
    build(srcdir, freshenv=False)
    edit_source(srcdir / "imported" / "ops.json", "Summary of F-1", "Revised summary of F-1")
    revised = build(srcdir, freshenv=False, postmortem_today=LATER)
    times = updated_of(revised.outdir)
    assert times["F-1"] == f"{LATER}T00:00:00Z"
    assert times["F-2"] == "2024-05-01T00:00:00Z" and times["G-1"] == "2024-04-20T00:00:00Z"


def test_two_projects_imported_from_one_site_give_each_entry_once(tmp_path, html):
    same_site = {name: (OPS, "imported/ops.json") for name in ("ops", "ops-again")}
    result = build(
        aggregator(tmp_path, html),
        postmortem_projects=same_site,
        postmortem_feed_projects=["ops", "ops-again"],
    )
    ids = [e.id for e in parse_feed(result.outdir).entries]
    assert len(ids) == len(set(ids)) == 5
