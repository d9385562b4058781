"""Planning the PSCHSE CRM implementation: WBS, critical path, PERT, Monte Carlo, cost,
resources and levelling, baseline and tracking, MS Project.

>>> from crmkit import planning
>>> plan = planning.load_plan("pschse")
>>> planning.schedule(plan).critical_path[0]
'1.1.1'

Names load lazily, so importing the package imports neither matplotlib nor ipywidgets.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Plan": "model", "Task": "model", "Link": "model", "Estimate": "model", "Resource": "model",
    "WorkCalendar": "calendar",
    "load_plan": "io", "plan_from_table": "io", "case_plans": "io", "plan_folder": "io",
    "read_table": "table", "plan_to_table": "table", "COLUMNS": "table",
    "check_table": "checks", "Finding": "checks",
    "schedule": "scheduling", "Schedule": "scheduling",
    "pert_table": "risk", "pert_completion": "risk", "simulate": "risk", "Simulation": "risk",
    "launch_risk": "launch", "LaunchRisk": "launch",
    "write_mspdi": "mspdi", "write_msproject_csv": "msproject_csv", "write_table": "msproject_csv",
    "plot_gantt": "plots", "plot_wbs": "plots", "plot_network": "plots", "plot_completion": "plots",
    "launch_risk_explorer": "widgets",
    "assignments": "resources", "cost_table": "resources", "weekly_loading": "resources",
    "weekly_capacity": "resources", "overallocation": "resources",
    "level": "levelling", "Levelled": "levelling",
    "set_baseline": "tracking", "tracked_update": "tracking", "variance": "tracking",
    "wbs_dictionary": "dictionary", "scope_changes": "dictionary", "contingency_reserve": "dictionary",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"crmkit.planning.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'crmkit.planning' has no attribute {name!r}")
