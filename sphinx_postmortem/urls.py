"""URL checks shared by imports, tracker links and page-relative links.

``urllib.parse`` raises ``ValueError`` on some malformed URLs (an unclosed
IPv6 bracket); here such a URL is simply "not a URL we link to".
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

LINKABLE_SCHEMES = ("", "http", "https")


def split(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None when the URL is malformed."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def scheme(url: str) -> str | None:
    """The lower-case scheme (``""`` for a relative URL), or None when malformed."""
    parts = split(url)
    return parts.scheme.lower() if parts is not None else None


def is_absolute_http(url: str) -> bool:
    """An ``http(s)://host/...`` URL without spaces or control characters."""
    parts = split(url)
    return (
        parts is not None
        and parts.scheme.lower() in ("http", "https")
        and bool(parts.netloc)
        and not any(ord(c) < 33 for c in url)
    )


def is_relative(url: str) -> bool:
    """A URL with neither scheme nor host (``page.html#anchor``, ``../x/``)."""
    parts = split(url)
    return parts is not None and not parts.scheme and not parts.netloc


def join(base_url: str, url: str) -> str | None:
    """``url`` resolved against ``base_url``; a relative base keeps its leading ``../``.

    None when either is malformed.
    """
    url_parts, base_parts = split(url), split(base_url)
    if url_parts is None or base_parts is None:
        return None
    if url_parts.scheme or url.startswith("/"):
        return url
    if base_parts.scheme or base_parts.netloc:
        try:
            return urljoin(base_url, url)
        except ValueError:
            return None
    return base_url.rsplit("/", 1)[0] + "/" + url if "/" in base_url else url
