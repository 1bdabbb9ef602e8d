"""The warnings of a build: plain lines, or parsed into file, line, message and type."""

from __future__ import annotations

import os
import re
from io import StringIO
from typing import Any, NamedTuple

ANSI = re.compile(r"\x1b\[[0-9;]*m")

_WARNING = re.compile(
    r"^(?P<path>.*?):(?P<line>\d+): (?P<level>WARNING|ERROR): (?P<message>.*?)"
    r"(?: \[(?P<type>[\w.-]+)\])?$"
)


def warning_lines(stream: StringIO) -> list[str]:
    """The WARNING and ERROR lines written to ``stream``, colour codes stripped."""
    text = ANSI.sub("", stream.getvalue())
    return [line for line in text.splitlines() if "WARNING:" in line or "ERROR:" in line]


class Warn(NamedTuple):
    """One warning: file relative to the source dir, line, message, type.subtype."""

    file: str
    line: int
    message: str
    type: str


def parse_warnings(app: Any) -> list[Warn]:
    """Every located warning the app emitted (unlocated ones are kept with line 0)."""
    srcdir = str(app.srcdir).rstrip(os.sep) + os.sep
    found = []
    for line in warning_lines(app.warning):
        match = _WARNING.match(line)
        if not match:
            found.append(Warn("", 0, line, ""))
            continue
        path = match["path"]
        if path.startswith(srcdir):
            path = path[len(srcdir) :]
        found.append(
            Warn(
                path.replace(os.sep, "/"), int(match["line"]), match["message"], match["type"] or ""
            )
        )
    return found


#: The warning subtypes of the core directives. Later features add their own
#: (completeness, blameless language, roll-up filters...); the core tests only count these.
CORE_SUBTYPES = frozenset(
    {
        "postmortem.option",
        "postmortem.timeline",
        "postmortem.duplicate_id",
        "postmortem.orphan",
        "postmortem.ref",
    }
)


def pm_warnings(app: Any) -> list[Warn]:
    """The core post-mortem warnings (see CORE_SUBTYPES), sorted by file and line."""
    return sorted(w for w in parse_warnings(app) if w.type in CORE_SUBTYPES)


def typed_warnings(app: Any, subtype: str) -> list[str]:
    """The warning lines of one ``postmortem.<subtype>`` type."""
    return [line for line in warning_lines(app.warning) if f"[postmortem.{subtype}]" in line]


def assert_warned(app: Any, file: str, line: int, text: str, type_: str) -> Warn:
    """Exactly one warning at ``file:line`` of ``type_`` contains ``text``."""
    hits = [
        w
        for w in parse_warnings(app)
        if w.file == file and w.line == line and text in w.message and w.type == type_
    ]
    assert len(hits) == 1, (
        f"expected one {type_} warning at {file}:{line} containing {text!r}; got "
        f"{hits!r}\nall warnings:\n" + "\n".join(map(repr, parse_warnings(app)))
    )
    return hits[0]
