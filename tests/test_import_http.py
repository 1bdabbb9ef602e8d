"""Import over HTTP from a real ``http.server`` bound to 127.0.0.1.

The server runs in a thread inside the test and serves configurable
responses (status, delay before the headers, slow body, no Content-Length);
it records every request, how many were in flight at once, and clients that
went away in the middle of a body. No traffic leaves 127.0.0.1: every
imported project's location is the local server.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
import types
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support import ROOTS
from support.builds import domain_of, export_of
from support.html import links, main_content
from support.warnings import typed_warnings

from sphinx_postmortem.exchange import fetch, imports

EXPORT = "postmortems.json"
PAYMENT_INCIDENTS = {"PAY-2024-003", "PAY-PRJ-LEDGER"}


# -- the server ------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    delay: float = 0.0  # seconds before the response headers
    content_length: bool = True  # send a Content-Length header
    drip: float = 0.0  # pause between body pieces (a slow body)
    pieces: int = 1
    header_drip: float = 0.0  # send the status line and headers one byte at a time
    endless: bool = False  # with header_drip: the headers never end


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        state: Server = self.server.state
        path = self.path.split("?", 1)[0]
        with state.lock:
            state.requests.append((path, dict(self.headers.items())))
            state.active += 1
            state.max_active = max(state.max_active, state.active)
        try:
            route = state.routes.get(path) or Route(status=404, body=b"no such file")
            if route.header_drip:
                self._trickle_headers(route, state.stop)
                return
            if route.delay:
                state.stop.wait(route.delay)
            self.send_response(route.status)
            self.send_header("Content-Type", "application/json")
            if route.content_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if route.drip:
                size = max(1, -(-len(route.body) // route.pieces))
                for start in range(0, len(route.body), size):
                    self.wfile.write(route.body[start : start + size])
                    self.wfile.flush()
                    if state.stop.wait(route.drip):
                        break
            else:
                self.wfile.write(route.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            with state.lock:
                state.aborted.append(path)
        finally:
            with state.lock:
                state.active -= 1

    def _trickle_headers(self, route: Route, stop: threading.Event) -> None:
        """The response head one byte every ``header_drip`` s (forever when ``endless``)."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += b"X-Padding: " if route.endless else b"Content-Length: %d\r\n\r\n" % len(route.body)
        while True:
            for byte in head:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if stop.wait(route.header_drip):
                    return
            if not route.endless:
                break
            head = b"x"
        self.wfile.write(route.body)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class Server:
    """A ThreadingHTTPServer on 127.0.0.1, port chosen by the OS."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.aborted: list[str] = []
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.state = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.running = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _headers in self.requests if p == path)

    def shutdown(self) -> None:
        if self.running:
            self.running = False
            self.stop.set()
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)


@pytest.fixture
def server(monkeypatch):
    for name in (
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    running = Server()
    yield running
    running.shutdown()


# -- the aggregating project -----------------------------------------------------------


@pytest.fixture(scope="module")
def payments_export(tmp_path_factory) -> bytes:
    """A real export, built from tests/roots/test-export."""
    return export_of(tmp_path_factory.mktemp("payments")).encode("utf-8")


@pytest.fixture
def aggregate(make_app, tmp_path):
    """``aggregate(projects, freshenv=False, **conf)``: build a copy of tests/roots/test-import."""
    srcdir = tmp_path / "platform"
    shutil.copytree(ROOTS / "test-import", srcdir)

    def run(
        projects: dict[str, tuple[str, str | None]], freshenv: bool = False, **conf: Any
    ) -> Any:
        app = make_app(
            "html",
            srcdir=srcdir,
            freshenv=freshenv,
            confoverrides={"postmortem_projects": projects, **conf},
        )
        app.build()
        return app

    return run


def page(app: Any, name: str) -> str:
    return (Path(app.outdir) / f"{name}.html").read_text(encoding="utf-8")


def one_warning(app: Any, *needles: str) -> str:
    hits = [w for w in typed_warnings(app, "import") if all(n in w for n in needles)]
    assert len(hits) == 1, (needles, typed_warnings(app, "import"))
    return hits[0]


def imported_incidents(app: Any, project: str = "payments") -> set[str]:
    domain = domain_of(app)
    return {i["id"] for i in domain.imported("incidents", [project])}


def assert_only_local(app: Any, base: str) -> None:
    html = page(app, "all")
    assert "PLT-2024-001" in main_content(html)
    assert "PAY-2024-003" not in main_content(html)
    assert not [h for h, _t in links(html) if (h or "").startswith(base)]


def _changed(payload: bytes, **titles: str) -> bytes:
    data = json.loads(payload)
    for incident in data["incidents"]:
        if incident["id"] in titles:
            incident["title"] = titles[incident["id"]]
    return json.dumps(data).encode()


# -- success ---------------------------------------------------------------------------


def test_fetch_from_base_url(server, aggregate, payments_export):
    server.routes["/payments/postmortems.json"] = Route(payments_export)
    base = server.url("/payments/")
    app = aggregate({"payments": (base, None)}, user_agent="pm-tests/4.0 (sphinx)")
    assert typed_warnings(app, "import") == []
    assert server.count("/payments/postmortems.json") == 1
    assert [p for p, _h in server.requests] == ["/payments/postmortems.json"]
    # the fetch went through Sphinx's HTTP helper: user_agent applies
    assert server.requests[0][1].get("User-Agent") == "pm-tests/4.0 (sphinx)"
    assert imported_incidents(app) == PAYMENT_INCIDENTS
    assert (base + "incidents/checkout.html#incident-PAY-2024-003", "PAY-2024-003") in links(
        page(app, "all")
    )


def test_fetch_from_explicit_location(server, aggregate, payments_export):
    server.routes["/exports/payments-v1.json"] = Route(payments_export)
    published = "https://docs.example.com/payments/"
    app = aggregate({"payments": (published, server.url("/exports/payments-v1.json"))})
    assert typed_warnings(app, "import") == []
    assert [p for p, _h in server.requests] == ["/exports/payments-v1.json"]
    # links point at the published site (the base URL), not at where the file came from
    hrefs = {h for h, t in links(page(app, "all")) if t == "PAY-2024-003"}
    assert hrefs == {published + "incidents/checkout.html#incident-PAY-2024-003"}
    assert not [h for h, _t in links(page(app, "all")) if "127.0.0.1" in (h or "")]


# -- failures: warning, project skipped, build goes on -----------------------------------


def test_unreachable_server_skips_project(server, aggregate):
    base = server.url("/payments/")
    server.shutdown()  # nothing listens on that port any more
    app = aggregate({"payments": (base, None)})
    warning = one_warning(app, "'payments'")
    assert f"cannot fetch {base}postmortems.json: connection refused; project skipped" in warning
    assert imported_incidents(app) == set()
    assert_only_local(app, base)


def test_timeout_skips_project(server, aggregate, payments_export):
    server.routes["/payments/postmortems.json"] = Route(payments_export, delay=5)
    base = server.url("/payments/")
    app = aggregate({"payments": (base, None)}, postmortem_timeout=0.5)
    warning = one_warning(app, "'payments'")
    assert re.search(r"time(d)? ?out", warning, re.I), warning
    assert "skipped" in warning
    assert imported_incidents(app) == set()
    assert_only_local(app, base)


def test_timeout_bounds_a_slow_body(server, aggregate, payments_export):
    """Headers come at once, then the body trickles in for ~2 s: the fetch gives up."""
    server.routes["/payments/postmortems.json"] = Route(payments_export, drip=0.1, pieces=20)
    base = server.url("/payments/")
    app = aggregate({"payments": (base, None)}, postmortem_timeout=0.5)
    warning = one_warning(app, "'payments'")
    assert re.search(r"time(d)? ?out", warning, re.I), warning
    assert imported_incidents(app) == set()
    # the client hung up before the server had sent the whole body (the server
    # notices on one of its next writes, so wait for its handler to finish)
    deadline = time.monotonic() + 10
    while server.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.aborted == ["/payments/postmortems.json"]


BAD_BODIES = {
    "invalid-json": (
        b'{"schema_version": 1, "incidents": [',
        "invalid JSON at line 1 column 37: Expecting value",
    ),
    "html-error-page": (
        b"<html><body>Maintenance</body></html>",
        "invalid JSON at line 1 column 1: Expecting value",
    ),
    "wrong-schema-version": (
        b'{"schema_version": 99, "project": "x", "incidents": [], '
        b'"action_items": [], "lessons": []}',
        "schema_version",
    ),
}


def test_http_errors_and_bad_bodies_skip_only_that_project(server, aggregate, payments_export):
    """404, 500, not JSON, an HTML error page, a wrong schema version: one project each."""
    server.routes["/good/postmortems.json"] = Route(payments_export)
    server.routes["/broken/postmortems.json"] = Route(b"oops", status=500)
    for case, (raw, _reason) in BAD_BODIES.items():
        server.routes[f"/{case}/postmortems.json"] = Route(raw)
    projects = {
        name: (server.url(f"/{name}/"), None) for name in ("good", "missing", "broken", *BAD_BODIES)
    }
    app = aggregate(projects)
    reasons = {
        "missing": "HTTP 404 Not Found",
        "broken": "HTTP 500 Internal Server Error",
        **{case: reason for case, (_raw, reason) in BAD_BODIES.items()},
    }
    for name, reason in reasons.items():
        warning = one_warning(app, f"project {name!r}")
        assert reason in warning, (name, warning)
        assert "skipped" in warning, (name, warning)
    assert len(typed_warnings(app, "import")) == len(reasons)
    assert set(domain_of(app).data["imports"]) == {"good"}
    assert imported_incidents(app, "good") == PAYMENT_INCIDENTS
    for name in reasons:
        assert server.count(f"/{name}/postmortems.json") == 1
        assert not [h for h, _t in links(page(app, "all")) if f"/{name}/" in (h or "")]


@pytest.mark.parametrize("content_length", [True, False], ids=["declared", "undeclared"])
def test_oversize_body_skips_project(server, aggregate, payments_export, content_length):
    assert len(payments_export) > 2000
    server.routes["/payments/postmortems.json"] = Route(
        payments_export, content_length=content_length
    )
    base = server.url("/payments/")
    app = aggregate({"payments": (base, None)}, postmortem_import_max_bytes=1000)
    warning = one_warning(app, "'payments'", "1000")
    assert "larger" in warning and "skipped" in warning
    assert imported_incidents(app) == set()
    assert_only_local(app, base)


def test_size_cap_allows_a_file_under_the_limit(server, aggregate, payments_export):
    server.routes["/payments/postmortems.json"] = Route(payments_export, content_length=False)
    app = aggregate(
        {"payments": (server.url("/payments/"), None)},
        postmortem_import_max_bytes=len(payments_export) + 10,
    )
    assert typed_warnings(app, "import") == []
    assert imported_incidents(app) == PAYMENT_INCIDENTS


def test_hostile_strings_over_http(server, aggregate, payments_export):
    data = json.loads(payments_export)
    for incident in data["incidents"]:
        if incident["id"] == "PAY-2024-003":
            incident["title"] = "<script>alert('pm-http')</script>"
    for lesson in data["lessons"]:
        if lesson["title"] == "Nobody owned the certificate":
            lesson["title"] = '"><img src=x onerror=alert(1)>'
    extra = dict(
        data["incidents"][0],
        id="PAY-EVIL-1",
        title="Evil link",
        url="javascript:alert(document.cookie)",
    )
    data["incidents"].append(extra)
    data["lessons"].append(
        dict(
            data["lessons"][0],
            title="Evil data link",
            url="data:text/html,<script>alert(2)</script>",
        )
    )
    server.routes["/payments/postmortems.json"] = Route(json.dumps(data).encode())
    base = server.url("/payments/")
    app = aggregate({"payments": (base, None)})
    refused = [w for w in typed_warnings(app, "import") if "'payments'" in w]
    assert len(refused) == 2, typed_warnings(app, "import")
    assert any("javascript" in w for w in refused) and any("data:" in w for w in refused)
    assert imported_incidents(app) == PAYMENT_INCIDENTS
    for name in ("all", "other-only", "by-project", "xref"):
        html = page(app, name)
        assert "<script>alert(" not in html, name
        assert "<img src=x" not in html, name
        assert "Evil link" not in html and "Evil data link" not in html, name
        for href, _text in links(html):
            assert not (href or "").strip().lower().startswith(("javascript:", "data:")), href
    texts = {t for _h, t in links(page(app, "all"))}
    assert "<script>alert('pm-http')</script>" in texts  # shown as text
    assert '"><img src=x onerror=alert(1)>' in texts


# -- the cache ----------------------------------------------------------------------------


def test_cached_copy_used_when_server_is_gone(server, aggregate, payments_export):
    server.routes["/payments/postmortems.json"] = Route(payments_export)
    base = server.url("/payments/")
    projects = {"payments": (base, None)}
    first = aggregate(projects, postmortem_cache_limit=0)
    assert typed_warnings(first, "import") == []
    assert server.count("/payments/postmortems.json") == 1
    server.shutdown()
    second = aggregate(projects, postmortem_cache_limit=0)  # must refetch, and that fails
    warning = one_warning(second, "'payments'")
    assert "cached" in warning
    assert "skipped" not in warning
    assert imported_incidents(second) == PAYMENT_INCIDENTS
    assert (base + "incidents/checkout.html#incident-PAY-2024-003", "PAY-2024-003") in links(
        page(second, "all")
    )


def test_fresh_cache_is_reused_without_a_request(server, aggregate, payments_export):
    server.routes["/payments/postmortems.json"] = Route(payments_export)
    projects = {"payments": (server.url("/payments/"), None)}
    first = aggregate(projects)  # default postmortem_cache_limit (5 days)
    assert imported_incidents(first) == PAYMENT_INCIDENTS
    second = aggregate(projects)
    assert typed_warnings(second, "import") == []
    assert server.count("/payments/postmortems.json") == 1  # no second request
    assert imported_incidents(second) == PAYMENT_INCIDENTS
    assert "PAY-2024-003" in main_content(page(second, "all"))


def test_expired_cache_refetches_and_rollups_follow(server, aggregate, payments_export):
    path = "/payments/postmortems.json"
    server.routes[path] = Route(payments_export)
    projects = {"payments": (server.url("/payments/"), None)}
    first = aggregate(projects, postmortem_cache_limit=0)
    old_title = "Card authorisations failed in Zürich — “stale” certificate"
    assert old_title in main_content(page(first, "all"))
    server.routes[path] = Route(_changed(payments_export, **{"PAY-2024-003": "Renamed upstream"}))
    second = aggregate(projects, postmortem_cache_limit=0)
    assert typed_warnings(second, "import") == []
    assert server.count(path) == 2
    html = main_content(page(second, "all"))
    assert "Renamed upstream" in html and old_title not in html


def test_changed_location_is_not_served_from_cache(server, aggregate, payments_export):
    server.routes["/v1.json"] = Route(payments_export)
    server.routes["/v2.json"] = Route(_changed(payments_export, **{"PAY-2024-003": "From v2"}))
    published = "https://docs.example.com/payments/"
    aggregate({"payments": (published, server.url("/v1.json"))})
    second = aggregate({"payments": (published, server.url("/v2.json"))})
    assert server.count("/v2.json") == 1
    assert "From v2" in main_content(page(second, "all"))


# -- concurrency --------------------------------------------------------------------------


def test_projects_are_fetched_concurrently(server, aggregate, payments_export):
    projects = {}
    for name in ("alpha", "beta", "gamma"):
        server.routes[f"/{name}/postmortems.json"] = Route(payments_export, delay=0.4)
        projects[name] = (server.url(f"/{name}/"), None)
    app = aggregate(projects)
    assert typed_warnings(app, "import") == []
    assert sorted(p for p, _h in server.requests) == [
        "/alpha/postmortems.json",
        "/beta/postmortems.json",
        "/gamma/postmortems.json",
    ]
    # all three requests were in flight at the same time
    assert server.max_active == 3
    for name in projects:
        assert imported_incidents(app, name) == PAYMENT_INCIDENTS


def test_one_failing_project_does_not_affect_the_others(server, aggregate, payments_export):
    server.routes["/good/postmortems.json"] = Route(payments_export)
    server.routes["/slow/postmortems.json"] = Route(payments_export, delay=5)
    app = aggregate(
        {
            "good": (server.url("/good/"), None),
            "slow": (server.url("/slow/"), None),
            "missing": (server.url("/missing/"), None),
        },
        postmortem_timeout=0.5,
    )
    warnings = typed_warnings(app, "import")
    assert len(warnings) == 2, warnings
    assert any("'slow'" in w for w in warnings) and any("'missing'" in w for w in warnings)
    assert imported_incidents(app, "good") == PAYMENT_INCIDENTS
    assert set(domain_of(app).data["imports"]) == {"good"}


# -- the timeout is a wall-clock deadline ---------------------------------------------------


def _build_within(seconds: float, build: Any) -> Any:
    """Run ``build()`` in a thread; fail (rather than hang) when it takes over ``seconds``."""
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(build()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"the build was still running after {seconds} s"
    assert outcome, "the build raised"
    return outcome[0]


@pytest.mark.parametrize("endless", [False, True], ids=["slow-headers", "endless-headers"])
def test_timeout_bounds_headers_sent_a_byte_at_a_time(
    server, aggregate, payments_export, monkeypatch, endless
):
    """A server that trickles its headers (~11 s, or forever) cannot outlast the timeout."""
    server.routes["/payments/postmortems.json"] = Route(
        payments_export, header_drip=0.2, endless=endless
    )
    durations = []
    real = fetch.read_remote

    def timed(*args: Any) -> bytes:
        start = time.monotonic()
        try:
            return real(*args)
        finally:
            durations.append(time.monotonic() - start)

    monkeypatch.setattr(fetch, "read_remote", timed)
    base = server.url("/payments/")
    app = _build_within(30, lambda: aggregate({"payments": (base, None)}, postmortem_timeout=1))
    warning = one_warning(app, "'payments'")
    assert f"cannot fetch {base}postmortems.json: timed out after 1 s" in warning
    assert "skipped" in warning
    assert len(durations) == 1 and durations[0] < 3, durations
    assert imported_incidents(app) == set()


# -- the cache is saved when fetched, and keyed by what shapes the data ----------------------


def test_refreshed_copy_is_kept_even_when_no_page_changes(
    server, aggregate, payments_export, monkeypatch
):
    """A copy fetched again after it expired is reused next time, though nothing was rewritten."""
    path = "/payments/postmortems.json"
    server.routes[path] = Route(payments_export)
    projects = {"payments": (server.url("/payments/"), None)}
    clock = [1_700_000_000.0]
    fake_time = types.SimpleNamespace(
        **{name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    )
    fake_time.time = lambda: clock[0]
    monkeypatch.setattr(imports, "time", fake_time)
    aggregate(projects, postmortem_cache_limit=1)
    assert server.count(path) == 1
    clock[0] += 2 * 86400  # the copy has expired: fetched again, same content
    second = aggregate(projects, postmortem_cache_limit=1)
    assert server.count(path) == 2
    assert "pickling environment" not in second._status.getvalue()  # nothing was re-read
    clock[0] += 3600  # an hour later the refreshed copy is still fresh
    third = aggregate(projects, postmortem_cache_limit=1)
    assert server.count(path) == 2
    assert typed_warnings(third, "import") == []
    assert imported_incidents(third) == PAYMENT_INCIDENTS


def test_changed_base_url_is_not_served_from_cache(server, aggregate, payments_export):
    path = "/payments/postmortems.json"
    server.routes[path] = Route(payments_export)
    location = server.url(path)
    aggregate({"payments": ("https://docs.example.com/payments/", location)})
    moved = "https://handbook.example.org/payments/"
    second = aggregate({"payments": (moved, location)})
    assert server.count(path) == 2  # the fresh copy was made for the old base URL
    hrefs = {h for h, t in links(page(second, "all")) if t == "PAY-2024-003"}
    assert hrefs == {moved + "incidents/checkout.html#incident-PAY-2024-003"}


def test_fresh_environment_fetches_again(server, aggregate, payments_export):
    """``-E`` starts from nothing, imports included, as it does for intersphinx."""
    path = "/payments/postmortems.json"
    server.routes[path] = Route(payments_export)
    projects = {"payments": (server.url("/payments/"), None)}
    aggregate(projects)
    aggregate(projects)
    assert server.count(path) == 1
    third = aggregate(projects, freshenv=True)
    assert server.count(path) == 2
    assert imported_incidents(third) == PAYMENT_INCIDENTS
