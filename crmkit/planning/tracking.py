"""A baseline and a tracked update: how far the plan has moved from what was agreed.

The baseline is the schedule and cost the steering group approved (MS Project's *Set
Baseline*). A tracked update replaces estimates with what is known at a status meeting:
the actual duration of finished work and the re-estimated duration of work in progress.
Comparing the two, task by task, shows slips at once instead of letting dates drift
quietly (MS Project's Tracking Gantt and its Finish Variance column).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from crmkit.errors import ConfigError
from crmkit.planning.model import MAX_DAYS, Estimate, Plan
from crmkit.planning.resources import cost_table
from crmkit.planning.scheduling import Schedule, schedule

VARIANCE_COLUMNS = ("name", "baseline_finish", "finish", "finish_variance", "baseline_cost", "cost", "cost_variance")


def set_baseline(plan: Plan, durations: str = "most_likely") -> Schedule:
    """The schedule to keep as the baseline (a plain schedule, kept unchanged from now on)."""
    return schedule(plan, durations)


def tracked_update(plan: Plan, actuals: Mapping[str, float], work: Mapping[str, float] | None = None) -> Plan:
    """The plan with the durations known at a status meeting: ``{wbs_code: working days}``.

    Each listed leaf gets a fixed estimate of that many days (an actual duration for
    finished work, a new estimate for work in progress); the others keep their ranges.
    ``work`` gives the hours actually worked (or now expected) on leaves whose effort changed.

    >>> from crmkit.planning import load_plan
    >>> update = tracked_update(load_plan("pschse"), {"2.1.1": 14})
    >>> update.task("2.1.1").estimate
    Estimate(optimistic=14, most_likely=14, pessimistic=14)
    >>> tracked_update(load_plan("pschse"), {"2.1": 3})
    Traceback (most recent call last):
    crmkit.errors.ConfigError: actuals name '2.1', which is a summary; allowed: WBS codes of leaves (work packages without activities, or activities)
    """
    if not isinstance(actuals, Mapping):
        raise ConfigError(f"actuals is {actuals!r}; allowed: a mapping of WBS codes to working days, like {{'2.1.1': 14}}")
    _check_days(plan, actuals, "actuals")
    _check_days(plan, work or {}, "work", limit=MAX_DAYS * 24)
    tasks = tuple(replace(t, estimate=Estimate(*[actuals[t.code]] * 3)) if t.code in actuals else t for t in plan.tasks)
    tasks = tuple(replace(t, effort_hours=(work or {})[t.code]) if t.code in (work or {}) else t for t in tasks)
    return replace(plan, tasks=tasks)


def _check_days(plan: Plan, values: Mapping, what: str, limit: float = MAX_DAYS) -> None:
    unit = "hours" if what == "work" else "working days"
    leaves = {task.code for task in plan.leaves}
    for code, value in values.items():
        plan.task(str(code))  # an unknown code gets the plan's own clear message
        if str(code) not in leaves:
            raise ConfigError(f"{what} name {code!r}, which is a summary; allowed: WBS codes of leaves "
                              "(work packages without activities, or activities)")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= limit:
            raise ConfigError(f"{what}[{code!r}] is {value!r}; allowed: {unit} from 0 to {limit:,}")
        if what == "actuals" and plan.task(str(code)).milestone and value:
            raise ConfigError(f"actuals[{code!r}] is {value!r}; allowed: 0 for a milestone (it lasts no time)")


def variance(baseline: Schedule, current: Schedule) -> pd.DataFrame:
    """Finish variance (working days, positive is late) and cost variance per WBS element.

    >>> from crmkit.planning import load_plan
    >>> plan = load_plan("pschse")
    >>> table = variance(set_baseline(plan), schedule(tracked_update(plan, {"2.1.1": 14})))
    >>> int(table.loc["2.1.1", "finish_variance"]), int(table.loc["1.1.1", "finish_variance"])
    (4, 0)
    """
    before = baseline.table.set_index("wbs_code")
    now = current.table.set_index("wbs_code")
    missing = sorted(set(before.index) - set(now.index))
    if missing:
        raise ConfigError(f"the update lacks {missing[0]!r} of the baseline; allowed: a scope change adds rows, "
                          "removing a baselined one needs a new baseline")
    shared = [code for code in now.index if code in before.index]
    costs_before, costs_now = cost_table(baseline.plan)["cost"], cost_table(current.plan)["cost"]
    table = pd.DataFrame({
        "name": now.loc[shared, "name"],
        "baseline_finish": before.loc[shared, "finish"],
        "finish": now.loc[shared, "finish"],
        "finish_variance": now.loc[shared, "ef"] - before.loc[shared, "ef"],
        "baseline_cost": costs_before.loc[shared],
        "cost": costs_now.loc[shared],
    })
    table["cost_variance"] = table["cost"] - table["baseline_cost"]
    return table[list(VARIANCE_COLUMNS)]
