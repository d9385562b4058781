"""Interactive explorers: thin ipywidgets shells over crmkit.analytics and crmkit.plots.

One module per lesson topic. Every explorer is a function ``name(world, ...)`` (or with no
world, for the pure what-if ones) returning an ``ipywidgets.interactive`` built by
:func:`crmkit.explore._base.explorer`: ``widget.result`` is the current result and
``widget.control(name)`` the control of one argument, so the next cell and the tests can
read what the learner sees.

Importing this package imports none of its topic modules (nor seaborn, scikit-learn or
ipywidgets): each name is looked up in the ``__all__`` of the module that defines it, read
from the module's source, and the module is imported when the name is first used.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

_MODULES = (
    "start", "flow", "types", "processes", "idic", "payne", "value_chain", "lifecycle", "sales",
    "campaigns", "service", "privacy", "cases", "customer_view",
)


def _declared_names(module: str) -> list[str]:
    """The ``__all__`` of ``crmkit.explore.<module>``, read from its source without running it."""
    tree = ast.parse((Path(__file__).parent / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
            return list(ast.literal_eval(node.value))
    return []


# Where each public name lives; a name two modules declare belongs to the later one, as
# when every module was imported in this order.
_HOME: dict[str, str] = {}
for _module in _MODULES:
    for _public in _declared_names(_module):
        _HOME[_public] = _module

__all__: list[str] = list(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'crmkit.explore' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"crmkit.explore.{_HOME[name]}"), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
