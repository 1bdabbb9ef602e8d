"""Shared fixtures: Sphinx's own pytest plugin, test roots under tests/roots/ (see support)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sphinx
from sphinx.config import Config

# ``import support`` from any test module, whatever pytest's import mode (and in
# pytest-xdist workers, which import this conftest before collecting).
_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from support import ROOTS  # noqa: E402
from support.snapshots import making_apps  # noqa: E402

if sphinx.version_info < (8,):
    # Sphinx 8 ends every warning with its "[type.subtype]" by default; the tests
    # assert on it, so ask Sphinx 7.x (which has the setting since 7.3) to do the same.
    option = Config.config_values["show_warning_types"]
    Config.config_values["show_warning_types"] = type(option)(
        True, option.rebuild, option.valid_types, option.description
    )

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(scope="module")
def module_apps() -> Iterator[Callable]:
    """``make_app`` for a module's fixtures (apps cleaned up when the module ends)."""
    with making_apps() as make:
        yield make
