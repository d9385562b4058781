"""Analyses of a CRM world: pure functions, tables in and tables out.

Each function says in its docstring which columns it reads and which it returns, and
never changes its inputs. One module per topic; this package gathers their public
functions (each module lists them in ``__all__``), so ``ck.analytics.rfm(...)`` works.

The modules are imported when one of their names is first used, not with the package:
between them they pull in scipy, scikit-learn and lifetimes, seconds of importing that a
notebook which only needs ``rfm`` should not wait for. The names come from each module's
literal ``__all__``, read from its source without importing it.
"""

from __future__ import annotations

import ast
import importlib
import sys
import types
from functools import cache
from importlib.resources import files

_MODULES = (
    "rfm", "value", "btyd", "value_scoring", "retention", "survival", "retention_value", "profitability", "flow",
    "flow_chain", "identity", "identity_quality", "identity_sweep", "segments", "privacy", "privacy_sharing", "recommend", "market_basket", "leads", "lead_scoring",
    "pipeline", "pipeline_days", "deal_revenue", "sales_reps", "forecast", "campaigns", "service", "service_retention", "customisation", "feedback", "feedback_loop", "feedback_cases", "interact", "warehouse", "warehouse_pandas",
    "customer_view", "account_history", "sales_cycle",
    "relationships", "value_chain", "profiling", "process_reach", "crm_scope", "crm_selection", "market_research",
    "staff_training", "my_journey",
)

@cache
def _home_of() -> dict[str, str]:
    """Each public name and the module that holds it, from the modules' ``__all__`` lists."""
    home = {}
    for module in _MODULES:
        tree = ast.parse(files(__name__).joinpath(f"{module}.py").read_text(encoding="utf-8"))
        listing = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                       and any(getattr(target, "id", None) == "__all__" for target in node.targets))
        home |= dict.fromkeys(ast.literal_eval(listing), module)
    return home


def __getattr__(name: str):
    module = _home_of().get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found once: later look-ups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_home_of()})


__all__ = list(_home_of())


class _Namespace(types.ModuleType):
    """The package, whose public names are its functions even where a module has the same name."""

    def __setattr__(self, name: str, value) -> None:
        # Importing a submodule sets it as an attribute of the package; six modules share
        # their name with their main function (``rfm``...), and the function must win.
        if isinstance(value, types.ModuleType) and name in _home_of():
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Namespace
