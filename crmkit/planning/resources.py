"""What MS Project adds to a schedule once people are on it: cost and resource loading.

Each leaf's effort (``effort_hours``) is shared equally by the resources named on it, as
the kit's MS Project export assigns it. Cost is work times the person's hourly rate
(MS Project's Cost = Work x Standard Rate) and rolls up the WBS like effort. Loading spreads
each assignment's hours evenly over the task's working days and sums them per person and
week; a person is over-allocated in a week when the hours exceed what their availability
(``max_units`` of a full working day) allows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.planning.model import Plan
from crmkit.planning.scheduling import Schedule

ASSIGNMENT_COLUMNS = ("wbs_code", "resource", "hours", "rate", "cost")


def assignments(plan: Plan) -> pd.DataFrame:
    """One row per leaf and resource: the resource's share of the effort, its rate and cost.

    >>> from crmkit.planning import load_plan
    >>> table = assignments(load_plan("pschse"))
    >>> table[table["wbs_code"] == "1.1.1"].drop(columns="wbs_code").to_dict("records")
    [{'resource': 'Project manager', 'hours': 16.0, 'rate': 90.0, 'cost': 1440.0}, {'resource': 'Ben', 'hours': 16.0, 'rate': 85.0, 'cost': 1360.0}]
    """
    rows = []
    for task in plan.leaves:
        for name in task.resources:
            hours = float(task.effort_hours or 0) / len(task.resources)
            rate = float(plan.person(name).rate)
            rows.append((task.code, name, hours, rate, hours * rate))
    return pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))


def cost_table(plan: Plan) -> pd.DataFrame:
    """Work (hours) and cost of every WBS element, summaries rolled up from their leaves.

    >>> from crmkit.planning import load_plan
    >>> costs = cost_table(load_plan("pschse"))
    >>> costs.loc["1.1.1", "cost"], bool(costs.loc["1", "cost"] >= costs.loc["1.1", "cost"])
    (np.float64(2800.0), True)
    """
    per_leaf = assignments(plan).groupby("wbs_code")[["hours", "cost"]].sum()
    work = dict.fromkeys((task.code for task in plan.tasks), 0.0)
    cost = dict(work)
    for code, hours, money in zip(per_leaf.index, per_leaf["hours"], per_leaf["cost"], strict=True):
        parts = code.split(".")
        for depth in range(1, len(parts) + 1):  # the leaf and each of its ancestors
            ancestor = ".".join(parts[:depth])
            if ancestor in work:
                work[ancestor] += hours
                cost[ancestor] += money
    rows = {task.code: {"name": task.name, "kind": task.kind, "work": work[task.code], "cost": cost[task.code]}
            for task in plan.tasks}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("wbs_code")


def _week(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The Monday that starts each day's week."""
    return days - pd.to_timedelta(days.day_of_week, unit="D")


def daily_loading(sched: Schedule) -> pd.DataFrame:
    """Hours per working day (rows, from the start to the finish) and resource (columns)."""
    plan, table = sched.plan, sched.table.set_index("wbs_code")
    horizon = int(np.ceil(table["ef"].max()))
    people = list(dict.fromkeys([*plan.resources, *(r for t in plan.leaves for r in t.resources)]))
    hours = np.zeros((horizon, len(people)))
    for row in assignments(plan).itertuples(index=False):
        es, ef = int(table.at[row.wbs_code, "es"]), int(np.ceil(table.at[row.wbs_code, "ef"]))
        if ef > es:
            hours[es:ef, people.index(row.resource)] += row.hours / (ef - es)
    days = pd.DatetimeIndex(plan.calendar.date_at(plan.start, list(range(horizon))), name="day")
    return pd.DataFrame(hours, index=days, columns=pd.Index(people, name="resource"))


def weekly_loading(sched: Schedule) -> pd.DataFrame:
    """Hours per week (rows: the week's Monday) and resource (columns).

    >>> from crmkit.planning import load_plan, schedule
    >>> loading = weekly_loading(schedule(load_plan("pschse")))
    >>> round(float(loading.to_numpy().sum()))  # every hour of the WBS, spread over the weeks
    3122
    """
    daily = daily_loading(sched)
    return daily.groupby(_week(daily.index)).sum().rename_axis("week")


def weekly_capacity(sched: Schedule) -> pd.DataFrame:
    """Hours each resource can give per week: working days x hours per day x max_units."""
    daily = daily_loading(sched)
    plan = sched.plan
    units = [plan.person(name).max_units for name in daily.columns]
    per_day = pd.DataFrame(np.tile(np.array(units) * plan.calendar.hours_per_day, (len(daily), 1)),
                           index=daily.index, columns=daily.columns)
    return per_day.groupby(_week(daily.index)).sum().rename_axis("week")


def overallocation(sched: Schedule) -> pd.DataFrame:
    """Hours above capacity per week and resource (0 where the load fits)."""
    return (weekly_loading(sched) - weekly_capacity(sched)).clip(lower=0)
