"""Builds of a test root: module fixtures shared by a module's tests, or one for one test.

Assign a module fixture to the name the tests ask for (pytest registers a fixture
under the module attribute that holds it)::

    built = root_app_fixture("core-roles")
    text = root_build_fixture("stats", "text", folder="stats-text")

and build a root for one test with ``with built_root(tmp_path_factory, "core-roles") as app:``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from support.builds import Build, build, build_root
from support.projects import copy_root


@contextmanager
def built_root(
    tmp_path_factory: pytest.TempPathFactory, root: str, **build_options: Any
) -> Iterator[Any]:
    """The app of a build of a copy of ``tests/roots/test-<root>``, cleaned up at the end.

    ``build_options`` go to :func:`support.builds.build_root` (builder name, conf overrides).
    """
    app = build_root(tmp_path_factory, root, **build_options)
    try:
        yield app
    finally:
        app.cleanup()


def root_app_fixture(root: str, **build_options: Any) -> Any:
    """A module fixture: the app of one build of ``tests/roots/test-<root>``, cleaned up after.

    ``build_options`` go to :func:`support.builds.build_root` (builder name, conf overrides).
    """

    @pytest.fixture(scope="module")
    def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
        with built_root(tmp_path_factory, root, **build_options) as built:
            yield built

    return app


def root_build_fixture(
    root: str, buildername: str = "html", *, folder: str, src: str = "src"
) -> Any:
    """A module fixture: the :class:`Build` of a copy of ``tests/roots/test-<root>``.

    The copy is ``<folder>/<src>`` in a fresh temporary folder, so two fixtures of
    the same root can build it at different paths.
    """

    @pytest.fixture(scope="module")
    def result(tmp_path_factory: pytest.TempPathFactory) -> Build:
        return build(copy_root(root, tmp_path_factory.mktemp(folder) / src), buildername)

    return result
