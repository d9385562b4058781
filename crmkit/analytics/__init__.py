"""Analyses of a CRM world: pure functions, tables in and tables out.

Each function says in its docstring which columns it reads and which it returns, and
never changes its inputs. One module per topic; this package gathers their public
functions (each module lists them in ``__all__``), so ``ck.analytics.rfm(...)`` works.
"""

from __future__ import annotations

import importlib

_MODULES = (
    "rfm", "value", "btyd", "value_scoring", "retention", "survival", "retention_value", "profitability", "flow",
    "flow_chain", "identity", "identity_quality", "identity_sweep", "segments", "privacy", "recommend", "market_basket", "leads", "lead_scoring",
    "pipeline", "deal_revenue", "sales_reps", "forecast", "campaigns", "service", "service_retention", "customisation", "feedback", "feedback_loop", "interact", "warehouse", "warehouse_pandas",
    "customer_view",
    "relationships", "profiling", "process_reach",
)

__all__: list[str] = []
for _name in _MODULES:
    _module = importlib.import_module(f"crmkit.analytics.{_name}")
    for _public in getattr(_module, "__all__", ()):
        globals()[_public] = getattr(_module, _public)
        __all__.append(_public)
