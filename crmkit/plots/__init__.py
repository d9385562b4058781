"""Pictures of a world's tables and analyses, drawn with seaborn and matplotlib.

Every function takes ``ax=None`` (a new figure is made) and returns the axes (or figure)
it drew on. Nothing here changes matplotlib's or seaborn's global style: call
``sns.set_theme()`` yourself if you want seaborn's look. One module per topic; this
package gathers their public functions (each module lists them in ``__all__``).
"""

from __future__ import annotations

import importlib

_MODULES = ("orders", "value", "segments", "identity", "sales", "campaigns", "service", "assessment", "journey")

__all__: list[str] = []
for _name in _MODULES:
    _module = importlib.import_module(f"crmkit.plots.{_name}")
    for _public in getattr(_module, "__all__", ()):
        globals()[_public] = getattr(_module, _public)
        __all__.append(_public)
