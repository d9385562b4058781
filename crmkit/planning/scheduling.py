"""A plan's schedule: CPM offsets turned into dates, with summaries rolled up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from crmkit.planning.cpm import cpm_table, leaf_durations, network
from crmkit.planning.model import Plan

COLUMNS = (
    "wbs_code", "name", "kind", "level", "summary", "milestone", "duration", "es", "ef", "ls", "lf",
    "total_float", "free_float", "critical", "start", "finish",
)


@dataclass(frozen=True)
class Schedule:
    """The computed schedule of a plan.

    ``table`` has one row per task in outline order, with the columns wbs_code, name,
    kind, level, summary, milestone, duration (working days), es, ef, ls, lf (working-day
    offsets from the start), total_float, free_float, critical, start and finish
    (datetimes: work starts 08:00 and ends 17:00). Summary rows span their children.
    """

    plan: Plan
    table: pd.DataFrame
    durations: str = "most_likely"

    @property
    def finish(self) -> dt.datetime:
        """When the last task ends."""
        return self.table["finish"].max().to_pydatetime()

    @property
    def critical_path(self) -> tuple[str, ...]:
        """The critical leaves (zero total float), in order of their early start."""
        leaves = self.table[~self.table["summary"] & self.table["critical"]]
        return tuple(leaves.sort_values(["es", "ef"], kind="stable")["wbs_code"])

    def finish_of(self, code: str) -> dt.datetime:
        """When the task ``code`` ends (for a milestone: when it is reached)."""
        return self.table.set_index("wbs_code").at[code, "finish"].to_pydatetime()

    def offset_of(self, code: str) -> float:
        """The early finish offset (working days from the start) of task ``code``."""
        return float(self.table.set_index("wbs_code").at[code, "ef"])


def schedule(plan: Plan, durations: str = "most_likely") -> Schedule:
    """Schedule a plan by the critical path method on its working calendar.

    Parameters
    ----------
    plan : Plan
    durations : {"most_likely", "expected", "optimistic", "pessimistic"}
        Which estimate to use; "expected" is the PERT mean. Fractions round up to whole days.

    Examples
    --------
    >>> from crmkit.planning import load_plan
    >>> s = schedule(load_plan("pschse"))
    >>> s.finish_of("9.2.2").date() <= s.plan.launch
    True
    >>> s.critical_path[:3]
    ('1.1.1', '2.1.1', '4.1.1')
    """
    net = network(plan)
    return table_schedule(plan, cpm_table(net, leaf_durations(plan, net, durations)), durations)


def table_schedule(plan: Plan, leaves: pd.DataFrame, durations: str = "most_likely") -> Schedule:
    """A :class:`Schedule` from the leaves' offsets (a :func:`cpm_table`), with dates and summaries."""
    leaves = leaves.copy()
    leaves["start"], leaves["finish"] = datetimes(plan, leaves)
    rows = []
    for task in plan.tasks:
        if task.code in leaves.index:
            row = leaves.loc[task.code].to_dict()
        else:
            row = _roll_up(leaves[leaves.index.str.startswith(task.code + ".")])
        rows.append({
            "wbs_code": task.code, "name": task.name, "kind": task.kind, "level": task.level,
            "summary": task.code not in leaves.index, "milestone": task.milestone, **row,
        })
    return Schedule(plan, pd.DataFrame(rows, columns=list(COLUMNS)), durations)


def _roll_up(children: pd.DataFrame) -> dict:
    es, ef = children["es"].min(), children["ef"].max()
    return {
        "duration": ef - es, "es": es, "ef": ef, "ls": children["ls"].min(), "lf": children["lf"].max(),
        "total_float": children["total_float"].min(), "free_float": children["free_float"].min(),
        "critical": bool(children["critical"].any()),
        "start": children["start"].min(), "finish": children["finish"].max(),
    }


def datetimes(plan: Plan, leaves: pd.DataFrame):
    """Start and finish datetimes of rows with working-day offsets ``es`` and ``ef``."""
    cal, start = plan.calendar, plan.start
    starts, finishes = [], []
    for es, ef in zip(leaves["es"], leaves["ef"], strict=True):
        finish = cal.finish_datetime(start, int(ef))
        # A milestone is reached when its driving work ends, as MS Project shows it.
        starts.append(finish if ef == es else cal.start_datetime(start, int(es)))
        finishes.append(finish)
    return pd.to_datetime(starts), pd.to_datetime(finishes)
