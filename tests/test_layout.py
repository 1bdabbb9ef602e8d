"""The package's folders follow the build, and no module imports from a later stage.

Stages, in the order a build goes through them (``sphinx_postmortem/__init__.py``
says the same): the foundation modules, ``directives/`` (reading), ``domain.py``
(the store), ``checks/``, ``selection/``, ``incremental/``, ``fill/`` (write
time), ``exchange/``. ``settle.py``, ``__init__.py`` and the command line wire
the stages together and may import any of them. The directives reach the store
only through ``env.get_domain()``; they name its class in type hints alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "sphinx_postmortem"

FOUNDATION = {
    "errors", "model", "urls", "xmltext", "names", "elements", "links", "times", "nodes", "version",
    "quantities", "files",
    "config", "settings",
}
STAGES = ["foundation", "directives", "domain", "checks", "selection", "incremental", "fill",
          "exchange"]
WIRING = {"__init__", "__main__", "settle", "cli"}


def stage_of(module: str) -> str:
    """The stage of ``sphinx_postmortem.<module>`` (dotted, without the package name)."""
    first = module.split(".")[0]
    if first in FOUNDATION:
        return "foundation"
    if first in WIRING or module == "":
        return "wiring"
    assert first in STAGES, f"{module}: a module outside every stage"
    return first


def package_modules() -> list[tuple[str, Path]]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        modules.append((".".join(parts), path))
    return modules


def runtime_imports(module: str, path: Path) -> list[str]:
    """Modules of the package that ``module`` imports outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for child in ast.walk(node)
    }
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or id(node) in type_only:
            continue
        if node.level == 0:
            if (node.module or "").startswith("sphinx_postmortem"):
                found.append((node.module or "").removeprefix("sphinx_postmortem").lstrip("."))
            continue
        base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        target = ".".join([*base, *([node.module] if node.module else [])])
        names = [a.name for a in node.names] if not node.module else [""]
        found.extend(f"{target}.{n}".strip(".") if n else target for n in names)
    return found


MODULES = package_modules()


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_no_module_imports_from_a_later_stage(module: str, path: Path) -> None:
    own = stage_of(module)
    if own == "wiring":
        return
    later = [
        target
        for target in runtime_imports(module, path)
        if (stage := stage_of(target)) != "wiring"
        and STAGES.index(stage) > STAGES.index(own)
        or stage_of(target) == "wiring" and target not in ("", "__init__")
    ]
    assert later == [], f"{module} ({own}) imports from later stages: {later}"


def test_every_module_belongs_to_a_stage() -> None:
    for module, _path in MODULES:
        assert stage_of(module) in (*STAGES, "wiring")


def test_the_store_imports_only_the_foundation() -> None:
    domain = dict(MODULES)["domain"]
    assert {stage_of(t) for t in runtime_imports("domain", domain)} == {"foundation"}
