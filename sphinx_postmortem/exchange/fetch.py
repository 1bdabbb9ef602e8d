"""Reading one project's export file: over http(s) within a deadline, or from disk.

Both readers cap the size at ``postmortem_import_max_bytes`` and raise
:class:`PostmortemError` saying what went wrong (:func:`failure_reason`
puts a failed request in words).
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

from ..errors import PostmortemError
from ..settings import settings


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (``reason``, first argument, cause, context), outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        reason = getattr(current, "reason", None)
        first = current.args[0] if current.args else None
        current = next(
            (
                c
                for c in (reason, first, current.__cause__, current.__context__)
                if isinstance(c, BaseException)
            ),
            None,
        )
    return chain


def failure_reason(exc: BaseException, timeout: float) -> str:
    """Why a request failed, in words: ``connection refused``, ``timed out after 2 s``."""
    import requests  # loaded by sphinx.util.requests already
    import urllib3

    timeouts = (TimeoutError, requests.Timeout, urllib3.exceptions.ReadTimeoutError)
    chain = _causes(exc)
    for cause in reversed(chain):  # the innermost reason is the most precise
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve the host name ({cause.strerror})"
        if isinstance(cause, timeouts):
            return f"timed out after {timeout:g} s"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror[:1].lower() + cause.strerror[1:]
    text = " ".join(str(exc).split())
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _download(url: str, config: Any, stop: threading.Event) -> bytes:
    """The body at ``url``, read until ``stop`` is set; raises what went wrong."""
    from sphinx.util import requests  # imported when needed: it takes longer than the rest

    configured = settings(config)
    limit = int(configured.import_max_bytes)
    response = requests.get(
        url,
        timeout=float(configured.timeout),
        stream=True,
        _user_agent=config.user_agent,
        _tls_info=(config.tls_verify, config.tls_cacerts),
    )
    with response:
        if response.status_code != 200:
            raise PostmortemError(f"HTTP {response.status_code} {response.reason or ''}".strip())
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PostmortemError(f"larger than {limit} bytes")
        chunks, size = [], 0
        # read1 (urllib3 2) returns what has arrived, so ``stop`` is seen while a slow
        # body trickles in; urllib3 1.26 only has read, in small pieces.
        read = getattr(response.raw, "read1", None) or response.raw.read
        while not stop.is_set() and (chunk := read(8192, decode_content=True)):
            size += len(chunk)
            if size > limit:
                raise PostmortemError(f"larger than {limit} bytes")
            chunks.append(chunk)
    return b"".join(chunks)


def read_remote(url: str, config: Any) -> bytes:
    """The file at ``url``, within ``postmortem_timeout`` seconds of wall-clock time.

    The timeout covers everything: connecting, the response headers and the
    body. The download runs in a daemon thread that this one stops waiting
    for at the deadline, however slowly the server sends: a server that
    trickles its headers a byte at a time defeats the per-read socket
    timeout, never this deadline. A download still in its body stops at the
    next piece; one still blocked reading trickled headers is left to end on
    its own (when the server stalls or closes), which, being a daemon
    thread, never delays the build or the exit of the process.
    """
    timeout = float(settings(config).timeout)
    result: list[bytes | BaseException] = []
    stop = threading.Event()

    def run() -> None:
        try:
            result.append(_download(url, config, stop))
        except BaseException as exc:  # reported by the waiting thread
            result.append(exc)

    worker = threading.Thread(target=run, name=f"postmortem-fetch {url}", daemon=True)
    worker.start()
    worker.join(timeout)
    stop.set()  # a worker still reading the body stops at its next piece
    if not result:
        raise PostmortemError(f"cannot fetch {url}: timed out after {timeout:g} s")
    outcome = result[0]
    if isinstance(outcome, PostmortemError):
        raise PostmortemError(f"cannot fetch {url}: {outcome}")
    if isinstance(outcome, BaseException):
        raise PostmortemError(f"cannot fetch {url}: {failure_reason(outcome, timeout)}")
    return outcome


def read_local(path: str, config: Any) -> bytes:
    """The file at ``path``, if it is no larger than ``postmortem_import_max_bytes``."""
    limit = int(settings(config).import_max_bytes)
    try:
        if Path(path).stat().st_size > limit:
            raise PostmortemError(f"{path} is larger than {limit} bytes")
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PostmortemError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:  # grew since the stat
        raise PostmortemError(f"{path} is larger than {limit} bytes")
    return raw
