"""The ``sphinx-postmortem`` command: ``new`` writes a post-mortem page to fill in.

Pages are rendered from Jinja2 templates shipped in the package; a team can
use its own (``--template PATH``, or a ``postmortem/`` folder in one of the
project's ``templates_path`` folders). Settings (severities, types, id format,
time zone, templates path) are read from the project's ``conf.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from docutils.utils import column_width
from sphinx.util.tags import Tags

from .config import CONFIG_VALUES, INCIDENT_OPTIONS, id_format_problems, impact_metric_problem
from .directives.options import comma_list
from .model import PROJECT_TYPE
from .version import __version__

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
SOURCE_SUFFIXES = (".rst", ".md", ".txt")
#: Where ``new`` looks for ``conf.py`` without ``--conf-dir``, in order.
CONF_DIR_CANDIDATES = (".", "docs", "doc", "source", "docs/source")
_ID_LINE = re.compile(r"^\s*:id:\s*(\S.*?)\s*$", re.MULTILINE)


class UsageError(Exception):
    """A bad argument: one line on stderr, exit code 2."""


class CannotWrite(Exception):
    """The page cannot be written (a folder without write permission...): exit code 1."""


def find_conf_dir(conf_dir: str | None) -> tuple[Path, str]:
    """The folder whose ``conf.py`` gives the settings, and a note saying which it is.

    ``--conf-dir`` must name a folder holding a ``conf.py``. Without it the
    current folder, then ``docs``, ``doc``, ``source`` and ``docs/source``
    are tried; when none has a ``conf.py`` the defaults are used, and ids are
    looked for under the current folder.
    """
    if conf_dir is not None:
        folder = Path(conf_dir)
        if not folder.is_dir():
            raise UsageError(f"--conf-dir {conf_dir}: no such folder")
        if not (folder / "conf.py").is_file():
            raise UsageError(f"--conf-dir {conf_dir}: there is no conf.py in this folder")
        return folder.resolve(), f"using {folder / 'conf.py'}"
    for candidate in CONF_DIR_CANDIDATES:
        conf_py = Path(candidate, "conf.py")
        if conf_py.is_file():
            return conf_py.parent.resolve(), f"using {conf_py}"
    tried = ", ".join(f"{name}/" for name in CONF_DIR_CANDIDATES)
    return Path.cwd(), f"no conf.py found (looked in {tried}); using the default settings"


def read_settings(conf_dir: Path) -> dict[str, Any]:
    """The ``postmortem_*`` settings and ``templates_path`` of ``conf_dir/conf.py``.

    Defaults are used for everything a missing ``conf.py`` does not set.
    """
    settings = {name: default for name, (default, _rebuild, _types) in CONFIG_VALUES.items()}
    settings["templates_path"] = []
    conf_py = conf_dir / "conf.py"
    if conf_py.is_file():
        settings.update({k: v for k, v in _run_conf_py(conf_py).items() if k in settings})
    return settings


def _run_conf_py(conf_py: Path) -> dict[str, Any]:
    """Execute ``conf.py`` in its folder, as Sphinx does, and return its names."""
    namespace: dict[str, Any] = {"__file__": str(conf_py), "tags": Tags()}
    previous = os.getcwd()
    try:
        os.chdir(conf_py.parent)
        exec(compile(conf_py.read_bytes(), str(conf_py), "exec"), namespace)
    except (Exception, SystemExit) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"cannot read {conf_py}: {reason}") from None
    finally:
        os.chdir(previous)
    return namespace


def slugify(text: str, limit: int = 60) -> str:
    """``Checkout API returned 503s!`` -> ``checkout-api-returned-503s``.

    Accents are removed from Latin letters (``Café`` -> ``cafe``); letters
    and digits of other scripts are kept (``決済の障害`` -> ``決済の障害``).
    """
    folded = "".join(_without_accents(char) for char in unicodedata.normalize("NFC", text))
    slug = re.sub(r"[\W_]+", "-", folded.casefold()).strip("-")
    return slug[:limit].rstrip("-") or "post-mortem"


def _without_accents(char: str) -> str:
    """``é`` -> ``e`` and ``ﬁ`` -> ``fi``; a character with no ASCII form is kept."""
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(part for part in decomposed if not unicodedata.combining(part))
    return base if base.isascii() else char


def title_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font, as docutils counts them.

    East Asian wide characters take two columns, combining marks none: a
    heading underline must be this long.
    """
    return column_width(text)


def existing_ids(roots: Sequence[Path]) -> set[str]:
    """Every ``:id:`` value written in the source files under ``roots``."""
    ids: set[str] = set()
    seen: set[Path] = set()
    for root in roots:
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if (
                path.suffix not in SOURCE_SUFFIXES
                or path in seen
                or not path.is_file()
                or any(part.startswith((".", "_build")) for part in path.relative_to(root).parts)
            ):
                continue
            seen.add(path)
            try:
                ids.update(_ID_LINE.findall(path.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    return ids


def id_pattern(id_format: Any, kind: str, types: Sequence[str]) -> str:
    """The pattern of ``postmortem_id_format`` for incidents of type ``kind``.

    Raises :class:`UsageError` when the setting cannot be used.
    """
    problems = id_format_problems(id_format, types)
    if problems:
        raise UsageError(f"conf.py: {problems[0]}")
    if isinstance(id_format, str):
        return id_format
    return str(id_format.get(kind, id_format.get("*")))


def next_id(id_format: str, date: dt.date, taken: set[str]) -> str:
    """The id after the highest one already taken for ``date`` in the pattern ``id_format``.

    Only ids the pattern can give count, so each pattern is numbered on its own.
    """
    candidates = [id_format.format(date=date, seq=seq) for seq in range(1, 10000)]
    if len(set(candidates)) == 1:  # the format has no {seq}
        if candidates[0] in taken:
            raise UsageError(f"id {candidates[0]!r} is taken; give one with --id")
        return candidates[0]
    used = [n for n, candidate in enumerate(candidates) if candidate in taken]
    following = used[-1] + 1 if used else 0
    if following >= len(candidates):
        raise UsageError("no free id left in postmortem_id_format; give one with --id")
    return candidates[following]


def check_target_dir(target_dir: Path) -> None:
    """Stop with a usage error when ``--dir`` is, or is below, a file."""
    for folder in (target_dir, *target_dir.parents):
        if folder.exists() and not folder.is_dir():
            where = "is a file" if folder == target_dir else f"is below the file {folder}"
            raise UsageError(f"--dir {target_dir} {where}, not a folder")
        if folder.is_dir():
            return


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to the new file ``path``, creating its folder; never overwrite.

    Raises :class:`FileExistsError` when ``path`` exists and
    :class:`CannotWrite` when the folder or the file cannot be created.
    """
    if path.exists():
        raise FileExistsError(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise FileExistsError(path) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CannotWrite(f"cannot write {path}: {reason}") from None


def _template_loader(
    settings: dict[str, Any], conf_dir: Path, template: Path | None
) -> tuple[jinja2.Environment, str | None]:
    search = [conf_dir / str(path) / "postmortem" for path in settings.get("templates_path") or []]
    search.append(PACKAGE_TEMPLATES)
    if template is not None:
        if not template.is_file():
            raise UsageError(f"template {template} does not exist")
        search.insert(0, template.parent)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    environment.filters["width"] = title_width
    return environment, template.name if template is not None else None


def _choice(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    if value is None:
        return None
    for candidate in allowed:
        if candidate.casefold() == value.strip().casefold():
            return candidate
    raise UsageError(f"unknown {what} {value!r}; allowed: {', '.join(allowed)}")


def _pick(preferred: str, allowed: Sequence[str]) -> str:
    return preferred if preferred in allowed else allowed[0]


def new_page(args: argparse.Namespace, conf_dir: Path) -> Path:
    """Write a new post-mortem page with the settings of ``conf_dir``; return its path."""
    settings = read_settings(conf_dir)
    page = _page_fields(args, settings)
    target_dir = Path(args.dir or ".")
    check_target_dir(target_dir)
    if not page["id"]:
        pattern = id_pattern(
            settings["postmortem_id_format"], page["type"], settings["postmortem_types"]
        )
        taken = existing_ids([conf_dir, target_dir.resolve()])
        page["id"] = next_id(pattern, dt.date.fromisoformat(page["date"]), taken)
    suffix = ".md" if args.format == "md" else ".rst"
    path = target_dir / f"{page['date']}-{slugify(page['title'])}{suffix}"
    environment, custom = _template_loader(settings, conf_dir, args.template)
    name = custom or f"{'project' if page['type'] == PROJECT_TYPE else 'incident'}{suffix}.jinja"
    try:
        text = environment.get_template(name).render(**page)
    except jinja2.TemplateError as exc:
        raise UsageError(f"template {name}: {exc}") from None
    write_new(path, text)
    return path


def _page_fields(args: argparse.Namespace, settings: dict[str, Any]) -> dict[str, Any]:
    """The template variables, from the arguments checked against the settings."""
    try:
        date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        raise UsageError(f"--date {args.date!r} is not an ISO date (YYYY-MM-DD)") from None
    kind = _choice(args.type, settings["postmortem_types"], "--type") or _pick(
        "incident", settings["postmortem_types"]
    )
    severity = _choice(args.severity, settings["postmortem_severities"], "--severity")
    if kind != PROJECT_TYPE and severity is None:
        severities = settings["postmortem_severities"]
        severity = severities[len(severities) // 2]
    status = _choice(args.status, settings["postmortem_statuses"], "--status") or _pick(
        "draft", settings["postmortem_statuses"]
    )
    title = " ".join(args.title.split())
    if not title:
        raise UsageError("the title is empty")
    return {
        "title": title,
        "id": args.id,
        "date": date.isoformat(),
        "severity": severity or "",
        "status": status,
        "type": kind,
        "authors": comma_list(args.authors),
        "services": comma_list(args.services),
        "tags": comma_list(args.tags),
        "timezone": settings["postmortem_timezone"],
        "action_type": _pick("prevent", settings["postmortem_action_types"]),
        "process_type": _pick("process", settings["postmortem_action_types"]),
        "priority": _pick("P2", settings["postmortem_priorities"]),
        **_vocabulary(settings),
    }


def _vocabulary(settings: dict[str, Any]) -> dict[str, Any]:
    """What the page's hints name: impact metrics, factor categories, detection sources, roles.

    Entries that the build would drop from the settings are left out here too.
    """
    metrics = settings["postmortem_impact_metrics"]
    entries = metrics.items() if isinstance(metrics, dict) else []
    return {
        "impact_metrics": [
            (name, value[0].strip())
            for name, value in entries
            if impact_metric_problem(name, value) is None
        ],
        "factor_categories": _strings(settings["postmortem_factor_categories"]),
        "detection_sources": _strings(settings["postmortem_detection_sources"]),
        "roles": [r for r in _strings(settings["postmortem_roles"]) if r not in INCIDENT_OPTIONS],
    }


def _strings(values: Any) -> list[str]:
    """The non-empty strings of a list setting, stripped (nothing when it is not a list)."""
    if not isinstance(values, (list, tuple)):
        return []
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sphinx-postmortem",
        description="Tools for post-mortems written with sphinx-postmortem.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    new = commands.add_parser(
        "new",
        help="write a new post-mortem page to fill in",
        description="Write a new post-mortem page with the incident header filled in, a "
        "timeline to complete and the sections of a good report. Never overwrites a file.",
    )
    new.add_argument("title", help="the incident (or project) title")
    new.add_argument("--date", help="ISO date of the incident (default: today)")
    new.add_argument("--severity", help="one of postmortem_severities (default: the middle one)")
    new.add_argument(
        "--type",
        help="one of postmortem_types; 'project' writes an "
        "end-of-project review (default: incident)",
    )
    new.add_argument("--status", help="one of postmortem_statuses (default: draft)")
    new.add_argument("--id", help="the id (default: the next free one in postmortem_id_format)")
    new.add_argument("--authors", help="comma-separated authors")
    new.add_argument("--services", help="comma-separated services affected")
    new.add_argument("--tags", help="comma-separated tags")
    new.add_argument(
        "--dir", help="folder to write the page into, created if needed (default: current folder)"
    )
    new.add_argument(
        "--format",
        choices=("rst", "md"),
        default="rst",
        help="reStructuredText or MyST Markdown (default: rst)",
    )
    new.add_argument(
        "--template", type=Path, help="a Jinja2 template to use instead of the shipped one"
    )
    new.add_argument(
        "--conf-dir",
        help="folder of the project's conf.py, read for settings and templates_path "
        "(default: the first of ., docs, doc, source, docs/source that has one)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code.

    The page's path is the only line on standard output; which ``conf.py``
    was used, and errors, go to standard error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        conf_dir, note = find_conf_dir(args.conf_dir)
        print(f"sphinx-postmortem: {note}", file=sys.stderr)
        path = new_page(args, conf_dir)
    except UsageError as exc:
        print(f"sphinx-postmortem: error: {exc}", file=sys.stderr)
        return 2
    except CannotWrite as exc:
        print(f"sphinx-postmortem: error: {exc}", file=sys.stderr)
        return 1
    except FileExistsError as exc:
        print(
            f"sphinx-postmortem: error: {exc.args[0]} already exists; not overwritten",
            file=sys.stderr,
        )
        return 1
    print(path)
    return 0
