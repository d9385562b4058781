"""Scope control: the WBS dictionary, changes against the scope baseline, the contingency reserve.

Ben's dates slip because work is found late. The remedies are old ones: build the WBS with
the people who do the work, write down what each work package holds (the WBS dictionary),
freeze that as the scope baseline, let discovered work in only through a change request
that says what it costs, and keep a reserve for the work nobody has found yet.
"""

from __future__ import annotations

import pandas as pd

from crmkit.planning.model import Plan
from crmkit.planning.resources import cost_table

DICTIONARY_COLUMNS = ("wbs_code", "name", "deliverable", "owner", "resources", "effort_hours", "cost",
                      "duration_days", "predecessors", "notes")
CHANGE_COLUMNS = ("wbs_code", "name", "change", "hours_before", "hours_after", "hours", "cost")


def wbs_dictionary(plan: Plan) -> pd.DataFrame:
    """One entry per work package: what it delivers, who owns it, its effort, cost and range.

    The owner is the first resource named; the notes are the row's remark (where its
    numbers come from).

    >>> from crmkit.planning import load_plan
    >>> entry = wbs_dictionary(load_plan("pschse")).set_index("wbs_code").loc["6.2.2"]
    >>> entry["deliverable"], entry["owner"], float(entry["effort_hours"])
    ('Data migration', 'Data analyst', 68.0)
    """
    costs = cost_table(plan)
    names = {task.code: task.name for task in plan.tasks}
    rows = []
    for task in plan.tasks:
        if task.kind != "work_package":
            continue
        leaves = [t for t in plan.leaves if t.code == task.code or t.code.startswith(task.code + ".")]
        people = list(dict.fromkeys(r for t in leaves for r in t.resources))
        estimate = task.estimate
        rows.append({
            "wbs_code": task.code, "name": task.name, "deliverable": names.get(task.parent or "", ""),
            "owner": people[0] if people else "", "resources": "; ".join(people),
            "effort_hours": float(costs.at[task.code, "work"]), "cost": float(costs.at[task.code, "cost"]),
            "duration_days": f"{estimate.optimistic:g}-{estimate.most_likely:g}-{estimate.pessimistic:g}"
            if estimate else "see its activities",
            "predecessors": ", ".join(str(link) for link in plan.links if link.successor == task.code),
            "notes": task.remark,
        })
    return pd.DataFrame(rows, columns=list(DICTIONARY_COLUMNS))


def scope_changes(baseline: Plan, current: Plan) -> pd.DataFrame:
    """Leaves added, removed or re-estimated since the scope baseline, with hours and cost.

    >>> from crmkit.planning import load_plan, plan_from_table, plan_to_table
    >>> plan = load_plan("pschse")
    >>> extra = {"wbs_code": "6.1.2", "name": "Host records merged", "kind": "work_package",
    ...          "optimistic": 2, "most_likely": 3, "pessimistic": 5, "effort_hours": 24, "resources": "Data analyst"}
    >>> grown = plan_from_table(plan_to_table(plan).to_dict("records") + [extra], people=plan.people)
    >>> scope_changes(plan, grown)[["wbs_code", "change", "hours", "cost"]].to_dict("records")
    [{'wbs_code': '6.1.2', 'change': 'added', 'hours': 24.0, 'cost': 1680.0}]
    """
    before, after = _leaf_costs(baseline), _leaf_costs(current)
    rows = []
    for code in sorted(set(before.index) | set(after.index), key=lambda c: tuple(int(p) for p in c.split("."))):
        old = before.loc[code] if code in before.index else None
        new = after.loc[code] if code in after.index else None
        change = "added" if old is None else "removed" if new is None else "re-estimated"
        hours_before = 0.0 if old is None else float(old["work"])
        hours_after = 0.0 if new is None else float(new["work"])
        cost = (0.0 if new is None else float(new["cost"])) - (0.0 if old is None else float(old["cost"]))
        if change == "re-estimated" and hours_before == hours_after and cost == 0:
            continue
        rows.append({"wbs_code": code, "name": (new if new is not None else old)["name"], "change": change,
                     "hours_before": hours_before, "hours_after": hours_after,
                     "hours": hours_after - hours_before, "cost": cost})
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def _leaf_costs(plan: Plan) -> pd.DataFrame:
    codes = [task.code for task in plan.leaves]
    return cost_table(plan).loc[codes]


def contingency_reserve(plan: Plan) -> dict:
    """The reserve for discovered work: the plan's share of the WBS effort, in hours and cost.

    The cost uses the WBS's average cost per hour, since nobody knows yet whose work it
    will be.

    >>> from crmkit.planning import load_plan
    >>> reserve = contingency_reserve(load_plan("pschse"))
    >>> reserve["share"], round(reserve["hours"])
    (0.15, 468)
    """
    leaves = _leaf_costs(plan)
    hours, cost = float(leaves["work"].sum()), float(leaves["cost"].sum())
    share = plan.reserve_share
    return {"share": share, "hours": share * hours, "cost": share * cost, "wbs_hours": hours, "wbs_cost": cost}
