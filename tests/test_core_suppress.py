"""Every warning has type ``postmortem`` and a subtype, so ``suppress_warnings`` works.

Uses the ``app``/``warning`` fixtures of sphinx.testing with the roots
test-core-incident, test-core-timeline, test-core-roles and test-core-orphan.
"""

from __future__ import annotations

import pytest
from support.warnings import parse_warnings, pm_warnings


def subtypes(app) -> set[str]:
    return {w.type for w in pm_warnings(app)}


def located(warning) -> list[str]:
    return [line for line in warning.getvalue().splitlines() if "WARNING" in line]


@pytest.mark.sphinx("html", testroot="core-incident", freshenv=True)
def test_unsuppressed_baseline(app, warning):
    app.build()
    assert subtypes(app) == {"postmortem.option", "postmortem.duplicate_id"}
    assert any("[postmortem.option]" in line for line in located(warning))


@pytest.mark.sphinx("html", testroot="core-incident", freshenv=True,
                    confoverrides={"suppress_warnings": ["postmortem.option"]})
def test_suppress_option(app, warning):
    app.build()
    assert subtypes(app) == {"postmortem.duplicate_id"}
    assert [(w.file, w.line) for w in pm_warnings(app)] == [("dup-b.rst", 6), ("two.rst", 11)]
    assert not any("[postmortem.option]" in line for line in located(warning))


@pytest.mark.sphinx("html", testroot="core-incident", freshenv=True,
                    confoverrides={"suppress_warnings": ["postmortem.duplicate_id"]})
def test_suppress_duplicate_id(app):
    app.build()
    assert subtypes(app) == {"postmortem.option"}


@pytest.mark.sphinx("html", testroot="core-incident", freshenv=True,
                    confoverrides={"suppress_warnings": ["postmortem"]})
def test_suppress_everything_of_the_extension(app, warning):
    app.build()
    assert parse_warnings(app) == []
    assert located(warning) == []


def _root(root: str, suppress: list[str]):
    return pytest.mark.sphinx("html", testroot=root, freshenv=True,
                              confoverrides={"suppress_warnings": suppress})


@pytest.mark.parametrize(
    "subtype",
    [
        pytest.param("postmortem.timeline", marks=_root("core-timeline", []), id="timeline"),
        pytest.param("postmortem.ref", marks=_root("core-roles", []), id="ref"),
        pytest.param("postmortem.orphan", marks=_root("core-orphan", []), id="orphan"),
    ],
)
def test_each_subtype_is_emitted(app, subtype):
    app.build()
    assert subtype in subtypes(app)


@pytest.mark.parametrize(
    "subtype",
    [
        pytest.param("postmortem.timeline", marks=_root("core-timeline", ["postmortem.timeline"]),
                     id="timeline"),
        pytest.param("postmortem.ref", marks=_root("core-roles", ["postmortem.ref"]), id="ref"),
        pytest.param("postmortem.orphan", marks=_root("core-orphan", ["postmortem.orphan"]),
                     id="orphan"),
    ],
)
def test_each_subtype_can_be_suppressed(app, warning, subtype):
    app.build()
    assert subtype not in subtypes(app)
    assert not any(f"[{subtype}]" in line for line in located(warning))
