"""Helpers shared by the tests (this package holds no tests).

- :mod:`support.builds`: build a project with a fresh Sphinx app, read its output;
- :mod:`support.html`: a small element tree of an HTML page, its links, panels;
- :mod:`support.rollups`: read roll-up tables and lesson lists back, check links;
- :mod:`support.warnings`: the warning lines of a build, parsed;
- :mod:`support.projects`: copies of the test roots, edits, inventories, exports;
- :mod:`support.fixtures`: a test root built once per module, cleaned up after;
- :mod:`support.contains`: check that a page holds every one of several pieces.

``tests/conftest.py`` puts ``tests/`` on ``sys.path``, so ``import support`` works
under pytest and pytest-xdist whatever the import mode.
"""

from __future__ import annotations

from pathlib import Path

#: The test roots: ``tests/roots/test-<name>``.
ROOTS = Path(__file__).resolve().parent.parent / "roots"
