"""The package's shape: layers only import downward, no circles, no borrowed private names,
small modules.

Layers, bottom to top: world, then analytics / frameworks / planning (beside each other),
plots, explore, teach and lecture, cli. Imports are read from the source (ast), including
imports inside functions (a lazy import that closes a circle is still a circle); imports
under ``if TYPE_CHECKING:`` only serve annotations and are left out.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crmkit"
LAYERS = {"world": 0, "analytics": 1, "frameworks": 1, "planning": 1, "plots": 2, "explore": 3,
          "teach": 4, "lecture": 4, "cli": 5}
MAX_LINES = 300
# Modules allowed over MAX_LINES, each with the reason; the list may only shrink.
LONG_MODULES = {
}
MAX_LONG_MODULES = 5


def module_name(file: Path) -> str:
    parts = file.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(f): f for f in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The kit's module that ``name`` (a module, or a name inside one) comes from."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
    return skipped


@cache
def imports() -> list[tuple[str, str, str]]:
    """(importer, imported module, imported name or '') for every import of the kit's own code."""
    found = []
    for name, file in modules().items():
        tree = ast.parse(file.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "crmkit":
                for alias in node.names:
                    target = _resolve(f"{node.module}.{alias.name}")
                    imported = "" if target == f"{node.module}.{alias.name}" else alias.name
                    found.append((name, target, imported))
            elif isinstance(node, ast.Import):
                found += [(name, _resolve(a.name), "") for a in node.names if a.name.split(".")[0] == "crmkit"]
    return [(a, b, n) for a, b, n in found if b and b != a]


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_no_import_circles():
    graph = nx.DiGraph((a, b) for a, b, _ in imports())
    circles = sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
    assert circles == [], f"modules that import each other (directly or round a circle): {circles}"


def test_imports_only_go_down_the_layers():
    upward = sorted({(a, b) for a, b, _ in imports()
                     if layer(a) is not None and layer(b) is not None and layer(b) > layer(a)})
    assert upward == [], f"a lower layer imports a higher one: {upward}"


def test_no_module_borrows_another_modules_private_name():
    borrowed = sorted({(a, f"{b}.{n}") for a, b, n in imports() if n.startswith("_") and not n.startswith("__")})
    assert borrowed == [], f"give these helpers a public name in a module of their own: {borrowed}"


def test_modules_stay_small():
    sizes = {name: len(file.read_text(encoding="utf-8").splitlines()) for name, file in modules().items()}
    too_long = sorted(f"{name} ({n} lines)" for name, n in sizes.items() if n > MAX_LINES and name not in LONG_MODULES)
    assert too_long == [], f"split these modules (or, with a reason, allow-list them): {too_long}"
    assert len(LONG_MODULES) <= MAX_LONG_MODULES
    stale = sorted(name for name in LONG_MODULES if sizes.get(name, 0) <= MAX_LINES)
    assert stale == [], f"these are short now: take them off the allow-list: {stale}"


@pytest.mark.parametrize("rule", [test_no_import_circles, test_imports_only_go_down_the_layers,
                                  test_no_module_borrows_another_modules_private_name])
def test_the_rules_see_a_violation(rule, monkeypatch):
    """Each rule fails on a package that breaks it (the rules are not vacuous)."""
    planted = {
        test_no_import_circles: [("crmkit.world.store", "crmkit.world.world", ""), ("crmkit.world.world", "crmkit.world.store", "")],
        test_imports_only_go_down_the_layers: [("crmkit.world.store", "crmkit.explore.flow", "")],
        test_no_module_borrows_another_modules_private_name: [("crmkit.world.store", "crmkit.world.world", "_secret")],
    }[rule]
    monkeypatch.setattr(sys.modules[__name__], "imports", lambda: planted)
    with pytest.raises(AssertionError):
        rule()
