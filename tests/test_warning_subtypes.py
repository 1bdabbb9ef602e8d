"""The warning subtypes: written once in code, each documented in docs/warnings.rst."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import sphinx_postmortem
from sphinx_postmortem.errors import WARNING_SUBTYPES, WarningSubtype

WARNINGS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "warnings.rst"
PACKAGE = Path(sphinx_postmortem.__file__).parent


def documented_labels() -> list[str]:
    """The subtypes named by the ``.. _warning-<name>:`` labels, ``-`` read as ``_``."""
    text = WARNINGS_PAGE.read_text(encoding="utf-8")
    return [name.replace("-", "_") for name in re.findall(r"^\.\. _warning-([\w-]+):", text, re.M)]


def documented_titles() -> list[str]:
    """The subtypes named by the section titles ````postmortem.<name>````."""
    text = WARNINGS_PAGE.read_text(encoding="utf-8")
    return re.findall(r"^``postmortem\.(\w+)``\n~+$", text, re.M)


def test_subtypes_are_those_of_the_literal_type():
    assert WARNING_SUBTYPES == get_args(WarningSubtype)
    assert len(set(WARNING_SUBTYPES)) == len(WARNING_SUBTYPES)


def test_every_subtype_is_documented_and_nothing_more():
    assert sorted(documented_labels()) == sorted(WARNING_SUBTYPES)


def test_section_titles_match_their_labels():
    assert documented_titles() == documented_labels()


def test_every_subtype_is_emitted_somewhere():
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in PACKAGE.rglob("*.py")
        if path.name != "errors.py"
    )
    unused = [name for name in WARNING_SUBTYPES if f'"{name}"' not in source]
    assert unused == []
