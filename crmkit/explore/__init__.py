"""Interactive explorers: thin ipywidgets shells over crmkit.analytics and crmkit.plots.

One module per lesson topic. Every explorer is a function ``name(world, ...)`` (or with no
world, for the pure what-if ones) returning an ``ipywidgets.interactive`` built by
:func:`crmkit.explore._base.explorer`: ``widget.result`` is the current result and
``widget.control(name)`` the control of one argument, so the next cell and the tests can
read what the learner sees. ipywidgets is imported only when an explorer is built.
"""

from __future__ import annotations

import importlib

_MODULES = (
    "start", "flow", "types", "processes", "idic", "payne", "value_chain", "lifecycle", "sales",
    "campaigns", "service", "privacy", "cases",
)

__all__: list[str] = []
for _name in _MODULES:
    _module = importlib.import_module(f"crmkit.explore.{_name}")
    for _public in getattr(_module, "__all__", ()):
        globals()[_public] = getattr(_module, _public)
        __all__.append(_public)
