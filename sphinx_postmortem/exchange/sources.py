"""The ``postmortem_projects`` setting: which projects to import, from where.

Modelled on intersphinx: ``name: (base_url, location_or_None)``. Each entry
is checked and resolved to a :class:`Source`; a location of None is the
export file beside the base URL, a relative path is taken from the conf dir.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import urls
from ..model import LOCAL_PROJECT, is_project_name
from .export import EXPORT_FILENAME


@dataclass(frozen=True)
class Source:
    """One entry of ``postmortem_projects``, resolved."""

    name: str
    base_url: str
    location: str  # URL or absolute path
    is_remote: bool


def _is_remote(location: str) -> bool:
    return urls.scheme(location) in ("http", "https")


#: ``docs.example.com/x`` or ``localhost:8000/x``: a host name where a relative path was meant?
_HOST_LIKE = re.compile(r"(?:localhost|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})(?::\d+)?(?:/|$)", re.I)


def _base_url_problem(base_url: str) -> str | None:
    """Why ``base_url`` cannot be used, or None."""
    if not base_url.strip():
        return "the base URL is empty; give the address where the project's HTML is published"
    if urls.scheme(base_url) not in urls.LINKABLE_SCHEMES:
        return f"base URL {base_url!r} must be http(s) or relative"
    if urls.is_relative(base_url) and _HOST_LIKE.match(base_url):
        return (
            f"base URL {base_url!r} has no scheme, so it would be a folder of this site; "
            f"'https://' may be missing (write './{base_url}' if it is a folder)"
        )
    return None


def _location_problem(location: str) -> str | None:
    """Why ``location`` cannot be read, or None (a one-letter scheme is a Windows drive)."""
    if not location.strip():
        return "the location is empty; give None, an http(s) URL or a path"
    scheme = urls.scheme(location)
    if scheme is None or len(scheme) > 1 and scheme not in ("http", "https"):
        hint = ""
        if scheme == "file":
            parts = urls.split(location)
            hint = f"; for a local file give its path, such as {parts.path!r}" if parts else ""
        return f"location {location!r} must be an http(s) URL or a local path{hint}"
    return None


def _resolve(name: str, value: Any, confdir: str) -> Source | str:
    """One entry of ``postmortem_projects`` as a :class:`Source`, or what is wrong with it."""
    if not is_project_name(name):
        return (
            f"postmortem_projects: invalid project name {name!r} "
            f"(non-empty, no ':', not {LOCAL_PROJECT!r})"
        )
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2
        or not isinstance(value[0], str)
        or not isinstance(value[1], (str, type(None)))
    ):
        return f"postmortem_projects[{name!r}] must be (base_url, location or None)"
    base_url, location = value
    problem = _base_url_problem(base_url)
    if problem is None and location is not None:
        problem = _location_problem(location)
    if problem:
        return f"postmortem_projects[{name!r}]: {problem}"
    if not base_url.endswith("/"):
        base_url += "/"
    if location is None:
        location = urls.join(base_url, EXPORT_FILENAME) or EXPORT_FILENAME
    if not _is_remote(location):
        location = str(Path(confdir, location))
    return Source(name, base_url, location, _is_remote(location))


def parse_mapping(mapping: Any, confdir: str) -> tuple[list[Source], list[str]]:
    """Validate ``postmortem_projects``; return the usable sources and problems."""
    if not isinstance(mapping, Mapping):
        return [], ["postmortem_projects must be a dict of name: (base_url, location or None)"]
    sources, problems = [], []
    for name in sorted(mapping, key=str):
        resolved = _resolve(name, mapping[name], confdir)
        if isinstance(resolved, Source):
            sources.append(resolved)
        else:
            problems.append(resolved)
    return sources, problems
