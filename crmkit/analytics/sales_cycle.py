"""CRM as an information system that plans, schedules and controls pre-sales and post-sales work.

Every call, e-mail, meeting and task of the sales force and the service desk is a row of the
``activities`` table: planned with a due date (scheduled), then done or cancelled (controlled).
:data:`CYCLE_ROLES` is the kit's keyword list as data: for each kind of activity, whether it is
pre-sales (winning a sale: leads and open deals) or post-sales (serving a sale: service cases),
its keyword (selling, PR and marketing, documentation, customer care) and the part the
information system plays for it. :func:`classify_activities` labels each activity with it,
:func:`cycle_work` counts the work per phase and keyword, and :func:`deal_effort_return` feeds
the result back: the revenue the won deals booked per done pre-sales activity, the effort that
went into lost deals included.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.pipeline import deal_outcomes
from crmkit.errors import DataError

__all__ = ["CYCLE_ROLES", "cycle_roles", "classify_activities", "cycle_work", "deal_effort_return"]

# (record the activity is tied to, activity kind, phase, keyword, the IS's role, why).
# The record decides the phase: a lead or an open deal is a sale still to be won; a service
# case serves a sale already made (no activity in the worlds falls on a deal after it closed).
CYCLE_ROLES = (
    ("lead", "call", "pre-sales", "selling", "schedule", "first and qualification calls, each due on a day"),
    ("lead", "email", "pre-sales", "PR and marketing", "schedule", "welcome, catalogue, event invitations: the company presenting itself"),
    ("lead", "meeting", "pre-sales", "selling", "schedule", "discovery meetings and demonstrations in the diary"),
    ("lead", "task", "pre-sales", "documentation", "plan", "keeping the lead record right and planning the next contact"),
    ("deal", "call", "pre-sales", "selling", "schedule", "negotiation and decision-date calls"),
    ("deal", "email", "pre-sales", "documentation", "schedule", "proposals, quotes and order confirmations sent"),
    ("deal", "meeting", "pre-sales", "selling", "schedule", "needs, proposal and planning meetings"),
    ("deal", "task", "pre-sales", "documentation", "plan", "preparing quotes, booking dates, updating the deal's stage"),
    ("case", "call", "post-sales", "customer care", "control", "answering and resolving a request or complaint"),
    ("case", "email", "post-sales", "customer care", "control", "written answers and resolutions"),
    ("case", "meeting", "post-sales", "customer care", "control", "a visit about a case"),
    ("case", "task", "post-sales", "customer care", "control", "escalation reviews and follow-ups the desk tracks"),
)
_COLUMNS = ["record", "kind", "phase", "keyword", "is_role", "why"]


def cycle_roles() -> pd.DataFrame:
    """The keyword list as a table: one row per record and activity kind (:data:`CYCLE_ROLES`).

    >>> roles = cycle_roles()
    >>> sorted(roles["keyword"].unique())
    ['PR and marketing', 'customer care', 'documentation', 'selling']
    """
    return pd.DataFrame(CYCLE_ROLES, columns=_COLUMNS)


def classify_activities(activities: pd.DataFrame) -> pd.DataFrame:
    """Each activity with its record (lead, deal or case), phase, keyword and the IS's role.

    Parameters
    ----------
    activities : DataFrame
        ``activity_id``, ``kind``, ``lead_id``, ``opportunity_id``, ``case_id`` (one of the three set).

    Returns
    -------
    DataFrame
        The activities with ``record``, ``phase``, ``keyword`` and ``is_role`` added.

    Examples
    --------
    >>> acts = pd.DataFrame({"activity_id": [1, 2], "kind": ["call", "task"], "lead_id": [5, None],
    ...     "opportunity_id": [None, None], "case_id": [None, 9]})
    >>> classify_activities(acts)[["record", "phase", "keyword"]].values.tolist()
    [['lead', 'pre-sales', 'selling'], ['case', 'post-sales', 'customer care']]
    """
    require_columns(activities, ["activity_id", "kind", "lead_id", "opportunity_id", "case_id"], "activities")
    links = activities[["lead_id", "opportunity_id", "case_id"]].notna()
    tied = links.sum(axis=1).to_numpy()
    if (tied != 1).any():
        first = int((tied != 1).argmax())
        raise DataError(f"activities: activity_id {activities['activity_id'].iloc[first]} is tied to {tied[first]} "
                        "records; each activity needs exactly one of lead_id, opportunity_id, case_id")
    record = links.idxmax(axis=1).map({"lead_id": "lead", "opportunity_id": "deal", "case_id": "case"})
    roles = cycle_roles().drop(columns="why")
    keys = pd.DataFrame({"record": record.to_numpy(), "kind": activities["kind"].astype(str).to_numpy()})
    labelled = keys.merge(roles, on=["record", "kind"], how="left")
    if labelled["phase"].isna().any():
        row = labelled[labelled["phase"].isna()].iloc[0]
        raise DataError(f"activities: kind = {row['kind']!r} on a {row['record']}: not in CYCLE_ROLES; allowed kinds: "
                        + ", ".join(sorted(roles["kind"].unique())))
    out = activities.copy()
    for column in ("record", "phase", "keyword", "is_role"):
        out[column] = labelled[column].to_numpy()
    return out


def cycle_work(activities: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """The work the information system scheduled and controlled, per phase and keyword.

    Activities are counted by the day they were due, from ``start`` to ``end`` (exclusive; None:
    no limit).

    Returns
    -------
    DataFrame
        One row per phase and keyword: ``scheduled`` (activities due), ``done``, ``cancelled``,
        ``planned`` (still to do at the end of the data), ``done_share`` (done over scheduled)
        and ``hours_to_done`` (mean hours from the due time to the done time).

    Examples
    --------
    >>> acts = pd.DataFrame({"activity_id": [1, 2], "kind": ["call", "call"], "lead_id": [5, 6],
    ...     "opportunity_id": [None] * 2, "case_id": [None] * 2, "status": ["done", "cancelled"],
    ...     "due_at": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...     "done_at": pd.to_datetime(["2024-01-01 06:00", None])})
    >>> cycle_work(acts)[["scheduled", "done", "done_share", "hours_to_done"]].values.tolist()
    [[2.0, 1.0, 0.5, 6.0]]
    """
    require_columns(activities, ["status", "due_at", "done_at"], "activities")
    acts = classify_activities(activities)
    if start is not None:
        acts = acts[acts["due_at"] >= pd.Timestamp(start)]
    if end is not None:
        acts = acts[acts["due_at"] < pd.Timestamp(end)]
    status = acts["status"].astype(str)
    acts = acts.assign(scheduled=1, done=status.eq("done"), cancelled=status.eq("cancelled"),
                       planned=status.eq("planned"),
                       hours=(acts["done_at"] - acts["due_at"]).dt.total_seconds() / 3600)
    table = acts.groupby(["phase", "keyword"]).agg(
        scheduled=("scheduled", "sum"), done=("done", "sum"), cancelled=("cancelled", "sum"),
        planned=("planned", "sum"), hours_to_done=("hours", "mean"))
    table.insert(4, "done_share", table["done"] / table["scheduled"])
    return table.astype({c: int for c in ("scheduled", "done", "cancelled", "planned")}).reset_index()


def deal_effort_return(activities: pd.DataFrame, opportunities: pd.DataFrame, opportunity_history: pd.DataFrame,
                       orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """ROI feedback: what the deals closed in a period booked per done activity spent on them, by kind.

    Parameters
    ----------
    activities, opportunities, opportunity_history, orders : DataFrame
        The world's tables (activities: ``opportunity_id``, ``status``; opportunities:
        ``opportunity_id``, ``kind``; orders: ``opportunity_id``, ``net_amount``).
    start, end : date-like
        The period the deals closed in (``end`` exclusive), by their closing change.

    Returns
    -------
    DataFrame
        One row per deal kind with closed deals, and a ``total`` row: ``deals``, ``won``,
        ``activities`` (done on those deals), ``on_lost`` (of them, on deals that were lost),
        ``booked`` (net amount of the won deals' orders) and ``booked_per_activity``.

    Examples
    --------
    >>> deals = pd.DataFrame({"opportunity_id": [1, 2], "kind": ["bulk_order"] * 2})
    >>> history = pd.DataFrame({"opportunity_id": [1, 2], "stage": ["closed_won", "closed_lost"],
    ...     "amount": [90.0, 50.0], "changed_at": pd.to_datetime(["2024-03-01", "2024-04-01"])})
    >>> acts = pd.DataFrame({"opportunity_id": [1, 1, 2], "status": ["done", "done", "done"]})
    >>> orders = pd.DataFrame({"opportunity_id": [1], "net_amount": [90.0]})
    >>> deal_effort_return(acts, deals, history, orders, "2024-01-01", "2025-01-01").loc["total"].tolist()
    [2.0, 1.0, 3.0, 1.0, 90.0, 30.0]
    """
    require_columns(activities, ["opportunity_id", "status"], "activities")
    require_columns(opportunities, ["opportunity_id", "kind"], "opportunities")
    require_columns(orders, ["opportunity_id", "net_amount"], "orders")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if not end > start:
        raise DataError(f"end = {end}: must come after start = {start}")
    outcome = deal_outcomes(opportunity_history)
    closed = outcome[outcome["outcome"].ne("open") & (outcome["closed_at"] >= start) & (outcome["closed_at"] < end)]
    deals = closed.merge(opportunities[["opportunity_id", "kind"]], on="opportunity_id")
    done = activities[activities["status"].astype(str).eq("done")]
    deals["activities"] = deals["opportunity_id"].map(done.groupby("opportunity_id").size()).fillna(0)
    deals["on_lost"] = deals["activities"].where(deals["outcome"].eq("lost"), 0)
    deals["booked"] = deals["opportunity_id"].map(orders.groupby("opportunity_id")["net_amount"].sum()).fillna(0.0)
    deals["won"] = deals["outcome"].eq("won")
    table = deals.groupby(deals["kind"].astype(str)).agg(
        deals=("opportunity_id", "size"), won=("won", "sum"), activities=("activities", "sum"),
        on_lost=("on_lost", "sum"), booked=("booked", "sum")).astype(float)
    table.loc["total"] = table.sum()
    table["booked_per_activity"] = table["booked"] / table["activities"].where(table["activities"] > 0)
    return table.rename_axis("kind")
