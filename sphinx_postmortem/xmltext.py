"""Text that XML 1.0 can carry: the one filter for every file we write as XML or JSON text.

ANSI colour codes and other control characters pasted from a terminal are
not allowed in XML 1.0 (an Atom feed or an SVG chart holding one is not
well-formed), and they are never meant as content. :func:`xml_safe` drops
them; :func:`forbidden_characters` names them for a warning at the source.
"""

from __future__ import annotations

import re

#: Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage
#: return; surrogates; U+FFFE and U+FFFF), plus the C1 controls and DEL, which
#: are allowed but are never text a reader should see.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

#: An ANSI escape sequence (colour codes and cursor moves), removed whole.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def xml_safe(text: str) -> str:
    """``text`` without ANSI escape sequences and characters XML 1.0 cannot carry."""
    # A printable string (no control, surrogate or non-character) has nothing to drop:
    # the common case, checked without the regex engine.
    if text.isprintable() or not _FORBIDDEN.search(text):
        return text
    return _FORBIDDEN.sub("", _ANSI.sub("", text))


def forbidden_characters(text: str) -> list[str]:
    """The distinct forbidden characters in ``text``, as ``U+001B`` names, in order."""
    seen: dict[str, None] = {}
    for match in _FORBIDDEN.finditer(text):
        seen.setdefault(f"U+{ord(match.group()):04X}", None)
    return list(seen)
