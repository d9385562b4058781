"""Resource levelling: delay tasks until no one is asked for more hours a day than they have.

The critical path method assumes unlimited people. Levelling, as MS Project's *Level
Resources* does by delaying tasks, takes the leaves in dependency order and starts each at
its earliest date allowed by its links and by the hours its people still have free on
every day it runs. A task that on its own needs more than a person's daily capacity is
allowed when that person has nothing else on those days (otherwise it could never start).
The levelled finish is the one a resource-constrained project can keep; its difference
from the unlevelled finish is what the extra people would buy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.planning.cpm import backward_pass, free_float, leaf_durations, network
from crmkit.planning.model import Plan
from crmkit.planning.scheduling import Schedule, schedule, table_schedule


@dataclass(frozen=True)
class Levelled:
    """A levelled schedule beside the unlevelled one, with each leaf's delay in working days."""

    schedule: Schedule
    before: Schedule
    delay: pd.Series

    @property
    def slip(self) -> float:
        """Working days the project's finish moves because of levelling."""
        return float(self.schedule.table["ef"].max() - self.before.table["ef"].max())


def _daily_needs(plan: Plan, codes, durations) -> list[dict[str, float]]:
    """Per leaf (network order): hours a day each of its people works on it."""
    tasks = {task.code: task for task in plan.leaves}
    needs = []
    for code, days in zip(codes, durations, strict=True):
        task = tasks[code]
        share = float(task.effort_hours or 0) / len(task.resources) / days if task.resources and days > 0 else 0.0
        needs.append({name: share for name in task.resources} if share else {})
    return needs


def level(plan: Plan, durations: str = "most_likely") -> Levelled:
    """Level the plan's resources (see the module docstring).

    >>> from crmkit.planning import load_plan
    >>> result = level(load_plan("pschse"))
    >>> result.slip >= 0, bool((result.delay >= 0).all())
    (True, True)
    """
    net = network(plan)
    days = leaf_durations(plan, net, durations)
    needs = _daily_needs(plan, net.codes, days)
    capacity = {p: plan.person(p).max_units * plan.calendar.hours_per_day for n in needs for p in n}
    load: dict[str, np.ndarray] = {p: np.zeros(int(days.sum()) + 1) for p in capacity}
    es, ef = np.zeros(net.size), np.zeros(net.size)
    incoming = [np.flatnonzero(net.succ == j) for j in range(net.size)]
    for j in range(net.size):
        start = max([0.0, *(_bound(net, k, es, ef, days) for k in incoming[j])])
        start = _first_fit(int(np.ceil(start)), int(days[j]), needs[j], load, capacity)
        es[j], ef[j] = start, start + days[j]
        for person, hours in needs[j].items():
            _grow(load, person, int(ef[j]))[int(es[j]):int(ef[j])] += hours
    finish = ef.max(initial=0.0)
    ls, lf = backward_pass(net, days, finish)
    total = np.maximum(ls - es, 0.0)
    leaves = pd.DataFrame({"duration": days, "es": es, "ef": ef, "ls": np.maximum(ls, es), "lf": np.maximum(lf, ef),
                           "total_float": total, "free_float": np.maximum(free_float(net, es, ef, finish), 0.0),
                           "critical": np.isclose(total, 0.0)}, index=pd.Index(net.codes, name="wbs_code"))
    before = schedule(plan, durations)
    levelled = table_schedule(plan, leaves, durations)
    delay = pd.Series(es - before.table.set_index("wbs_code").loc[list(net.codes), "es"].to_numpy(),
                      index=pd.Index(net.codes, name="wbs_code"), name="delay")
    return Levelled(levelled, before, delay)


def _bound(net, k: int, es, ef, days) -> float:
    i, j = net.pred[k], net.succ[k]
    point = ef[i] if net.from_finish[k] else es[i]
    return point + net.lag[k] - (days[j] if net.to_finish[k] else 0)


def _grow(load: dict, person: str, end: int) -> np.ndarray:
    if len(load[person]) < end:
        load[person] = np.concatenate([load[person], np.zeros(end - len(load[person]) + 64)])
    return load[person]


def _first_fit(start: int, days: int, needs: dict, load: dict, capacity: dict) -> int:
    """The first start from ``start`` on at which every person has the hours on every day."""
    while days and needs:
        fits = True
        for person, hours in needs.items():
            window = _grow(load, person, start + days)[start:start + days]
            if not np.all((window + hours <= capacity[person] + 1e-9) | (window <= 1e-9)):
                fits = False
                break
        if fits:
            return start
        start += 1
    return start
