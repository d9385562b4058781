"""Sales force automation: what each sales rep did, month by month."""

from __future__ import annotations

__all__ = ["rep_activity"]

import pandas as pd

from crmkit.analytics._checks import require_columns

#: The staff roles that sell (the default of :func:`rep_activity`).
SALES_ROLES = ("sales_consultant", "event_consultant", "account_manager")


def rep_activity(activities: pd.DataFrame, staff: pd.DataFrame, roles=SALES_ROLES) -> pd.DataFrame:
    """Activities per sales rep per month (the month the activity was due).

    Parameters
    ----------
    activities : DataFrame
        The ``activities`` table (``staff_id``, ``due_at``, ``kind``, ``status``, ``lead_id``,
        ``opportunity_id``).
    staff : DataFrame
        The ``staff`` table (``staff_id``, ``first_name``, ``last_name``, ``role``, ``region``).
    roles : sequence of str or None
        Staff roles to keep (default: the sales roles); None keeps everyone.

    Returns
    -------
    DataFrame
        One row per rep and month with any activity: ``staff_id``, ``rep``, ``role``,
        ``region``, ``month``, ``activities``, ``done``, ``planned``, ``cancelled``, the done
        ones by kind (``calls``, ``emails``, ``meetings``, ``tasks``), ``leads_worked`` and
        ``deals_worked`` (distinct leads and deals with a done activity).

    Examples
    --------
    >>> staff = pd.DataFrame({"staff_id": [1], "first_name": ["Ann"], "last_name": ["Lee"],
    ...     "role": ["sales_consultant"], "region": ["West"]})
    >>> acts = pd.DataFrame({"staff_id": [1, 1, 1], "kind": ["call", "call", "email"],
    ...     "status": ["done", "cancelled", "done"], "lead_id": [5, 5, 6], "opportunity_id": [None] * 3,
    ...     "due_at": pd.to_datetime(["2024-01-03", "2024-01-04", "2024-02-01"])})
    >>> rep_activity(acts, staff)[["month", "done", "calls", "leads_worked"]].astype(str).values.tolist()
    [['2024-01-01', '1', '1', '1'], ['2024-02-01', '1', '0', '1']]
    """
    require_columns(activities, ["staff_id", "due_at", "kind", "status", "lead_id", "opportunity_id"], "activities")
    require_columns(staff, ["staff_id", "first_name", "last_name", "role", "region"], "staff")
    people = staff if roles is None else staff[staff.role.astype(str).isin(roles)]
    acts = activities[activities.staff_id.isin(people.staff_id)]
    acts = acts.assign(month=pd.to_datetime(acts.due_at).dt.to_period("M").dt.to_timestamp(),
                       status=acts.status.astype(str), kind=acts.kind.astype(str))
    done = acts.status.eq("done")
    counts = acts.assign(activities=1, done=done, planned=acts.status.eq("planned"),
                         cancelled=acts.status.eq("cancelled"),
                         **{f"{k}s": done & acts.kind.eq(k) for k in ("call", "email", "meeting", "task")},
                         lead_done=acts.lead_id.where(done), deal_done=acts.opportunity_id.where(done))
    table = counts.groupby(["staff_id", "month"]).agg(
        activities=("activities", "sum"), done=("done", "sum"), planned=("planned", "sum"),
        cancelled=("cancelled", "sum"), calls=("calls", "sum"), emails=("emails", "sum"),
        meetings=("meetings", "sum"), tasks=("tasks", "sum"),
        leads_worked=("lead_done", "nunique"), deals_worked=("deal_done", "nunique")).reset_index()
    info = people.assign(rep=people.first_name + " " + people.last_name)[["staff_id", "rep", "role", "region"]]
    table = info.merge(table, on="staff_id", how="inner")
    return table.sort_values(["staff_id", "month"], ignore_index=True)
