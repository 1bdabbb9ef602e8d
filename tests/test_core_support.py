"""Helpers shared by the tests/test_core_*.py modules (this module holds no tests)."""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import time
from pathlib import Path
from typing import Any, NamedTuple

ROOTS = Path(__file__).parent / "roots"

_WARNING = re.compile(
    r"^(?P<path>.*?):(?P<line>\d+): (?P<level>WARNING|ERROR): (?P<message>.*?)"
    r"(?: \[(?P<type>[\w.-]+)\])?$"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Warn(NamedTuple):
    """One warning: file relative to the source dir, line, message, type.subtype."""

    file: str
    line: int
    message: str
    type: str


def parse_warnings(app: Any) -> list[Warn]:
    """Every located warning the app emitted (unlocated ones are kept with line 0)."""
    text = _ANSI.sub("", app.warning.getvalue())
    srcdir = str(app.srcdir).rstrip(os.sep) + os.sep
    found = []
    for line in text.splitlines():
        if "WARNING:" not in line and "ERROR:" not in line:
            continue
        match = _WARNING.match(line)
        if match:
            path = match["path"]
            if path.startswith(srcdir):
                path = path[len(srcdir):]
            found.append(Warn(path.replace(os.sep, "/"), int(match["line"]), match["message"],
                              match["type"] or ""))
        else:
            found.append(Warn("", 0, line, ""))
    return found


#: The warning subtypes of issue 2 (the core directives). Later features add their own
#: (completeness, blameless language, roll-up filters...); the core tests only count these.
CORE_SUBTYPES = frozenset({
    "postmortem.option",
    "postmortem.timeline",
    "postmortem.duplicate_id",
    "postmortem.orphan",
    "postmortem.ref",
})


def pm_warnings(app: Any) -> list[Warn]:
    """The core post-mortem warnings (see CORE_SUBTYPES), sorted by file and line."""
    return sorted(w for w in parse_warnings(app) if w.type in CORE_SUBTYPES)


def assert_warned(app: Any, file: str, line: int, text: str, type_: str) -> Warn:
    """Exactly one warning at ``file:line`` of ``type_`` contains ``text``."""
    hits = [
        w for w in parse_warnings(app)
        if w.file == file and w.line == line and text in w.message and w.type == type_
    ]
    assert len(hits) == 1, (
        f"expected one {type_} warning at {file}:{line} containing {text!r}; got "
        f"{hits!r}\nall warnings:\n" + "\n".join(map(repr, parse_warnings(app)))
    )
    return hits[0]


def read(app: Any, name: str) -> str:
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def element_by_id(page: str, element_id: str) -> str:
    """The HTML of the element with ``id`` up to the end of its enclosing block (rough)."""
    start = page.index(f'id="{element_id}"')
    return page[page.rindex("<", 0, start):]


def panel_fields(page: str, incident_id: str) -> dict[str, str]:
    """Name -> text of the metadata panel of the incident with ``incident_id``."""
    block = element_by_id(page, f"incident-{incident_id}")
    start = block.index('<dl class="pm-panel-fields')
    block = block[start:block.index("</dl>", start)]
    names = [strip_tags(n) for n in re.findall(r"<dt[^>]*>(.*?)<span class=\"colon\">", block, re.S)]
    values = [strip_tags(v) for v in re.findall(r"<dd[^>]*>(.*?)</dd>", block, re.S)]
    assert len(names) == len(values), block
    return dict(zip(names, values))


def panel_html(page: str, incident_id: str) -> str:
    block = element_by_id(page, f"incident-{incident_id}")
    start = block.index('<dl class="pm-panel-fields')
    return block[start:block.index("</dl>", start)]


def field_html(page: str, incident_id: str, name: str) -> str:
    """The raw HTML of one panel field value."""
    block = panel_html(page, incident_id)
    match = re.search(
        r"<dt[^>]*>" + re.escape(name) + r"<span class=\"colon\">:</span></dt>\s*<dd[^>]*>(.*?)</dd>",
        block,
        re.S,
    )
    assert match, f"no field {name!r} in {block}"
    return match[1]


def load_inventory(path: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """objects.inv as ``{type: {name: (uri, display name)}}``."""
    from sphinx.util.inventory import InventoryFile

    with open(path, "rb") as stream:
        data = InventoryFile.load(stream, "", posixpath.join)
    def pair(item: Any) -> tuple[str, str]:
        if hasattr(item, "uri"):  # Sphinx >= 8.2
            return item.uri, item.display_name
        return item[2], item[3]

    return {typ: {name: pair(item) for name, item in items.items()} for typ, items in data.items()}


def build_app(tmp_path_factory: Any, root: str, buildername: str = "html", **kwargs: Any) -> Any:
    """Build a private copy of ``tests/roots/test-<root>`` (for module-scoped fixtures).

    The docutils/Sphinx global state is cleaned up right after the build, so
    apps built later do not see this one's registrations (their warning
    streams stay clean); the environment and the output stay usable.
    """
    from sphinx.testing.util import SphinxTestApp

    srcdir = copy_root(root, tmp_path_factory.mktemp(root.replace("-", "_")))
    kwargs.setdefault("freshenv", True)
    app = SphinxTestApp(buildername, srcdir=srcdir, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def copy_root(name: str, dest: Path) -> Path:
    """A private, writable copy of ``tests/roots/test-<name>``."""
    target = dest / name
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target


def write_source(path: Path, text: str) -> None:
    """Write a source file and push its mtime forward so Sphinx sees the change."""
    old = path.stat().st_mtime if path.exists() else time.time()
    path.write_text(text, encoding="utf-8")
    bumped = max(old, time.time()) + 5
    os.utime(path, (bumped, bumped))
