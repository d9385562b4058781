"""Consistency rules of the sales pipeline, checked on any world (simulated or loaded)."""

from __future__ import annotations

import pandas as pd

from crmkit.world.spells import active_spells, within_spells


def _history_problems(name: str, history: pd.DataFrame, key: str, time: str, current: pd.Series, state: str) -> list[str]:
    """History rows ordered in time within each object, ending in the object's current state."""
    problems = []
    h = history.sort_values("history_id", kind="stable")
    if (h.groupby(key)[time].diff().dt.total_seconds() < 0).any():
        problems.append(f"{name}: rows are not in time order within a {key}")
    last = h.groupby(key)[state].last()
    if not last.reindex(current.index).astype(str).equals(current.astype(str)):
        problems.append(f"{name}: the last row of some {key} differs from its current {state}")
    return problems


def _lead_problems(world) -> list[str]:
    leads = world.leads.set_index("lead_id")
    problems = _history_problems("lead_history", world.lead_history, "lead_id", "changed_at",
                                 leads.status.rename("to_status"), "to_status")
    converted = leads.status.astype(str) == "converted"
    if not (converted.eq(leads.converted_customer_id.notna()) & converted.eq(leads.converted_at.notna())).all():
        problems.append("leads: converted status, converted_at and converted_customer_id disagree")
    if (leads.converted_at < leads.created_at).any():
        problems.append("leads: converted before being created")
    first_order = world.orders.groupby("customer_id").ordered_at.min()
    conv = leads[converted]
    ordered = first_order.reindex(conv.converted_customer_id.astype("int64")).to_numpy()
    if (pd.Series(ordered, index=conv.index) < conv.converted_at).any():
        problems.append("leads: a customer ordered before their lead converted")
    return problems


def _deal_problems(world) -> list[str]:
    deals = world.opportunities.set_index("opportunity_id")
    problems = _history_problems("opportunity_history", world.opportunity_history, "opportunity_id", "changed_at",
                                 deals.stage, "stage")
    stage = deals.stage.astype(str)
    if not (deals.is_won.eq(stage == "closed_won") & deals.is_closed.eq(stage.isin(["closed_won", "closed_lost"]))).all():
        problems.append("opportunities: is_closed / is_won disagree with the stage")
    first = world.opportunity_history.sort_values("history_id").groupby("opportunity_id").changed_at.first()
    if not first.reindex(deals.index).eq(deals.created_at).all():
        problems.append("opportunities: created_at is not the time of the first history row")
    return problems


def _time_problems(world) -> list[str]:
    ends = world.observed_until + pd.Timedelta(days=1)
    problems = []
    for name, cols in (("leads", ["created_at", "converted_at"]), ("lead_history", ["changed_at"]),
                       ("opportunities", ["created_at"]), ("opportunity_history", ["changed_at"]),
                       ("activities", ["due_at", "done_at"])):
        if any((world.tables[name][c] >= ends).any() for c in cols):
            problems.append(f"{name}: events after the observation window")
    if "phases" in world.truth:
        spells = active_spells(world.truth.phases)
        a = world.activities  # the sales rows (cases are the service desk's to check)
        inbound = a[a.customer_id.notna() & a.case_id.isna() & (a.direction.astype(str) == "inbound")]
        acts = inbound.assign(at=inbound.done_at.fillna(inbound.due_at))
        for name, df, col in (("opportunities", world.opportunities, "created_at"), ("activities (inbound)", acts, "at")):
            outside = ~within_spells(df, col, spells)
            if outside.any():
                problems.append(f"{name}: {outside.sum()} events outside the customer's active relationship")
    return problems


def sales_problems(world) -> list[str]:
    """Every breach of the sales pipeline's rules, in words (empty when all hold or no pipeline)."""
    if not len(world.leads) and not len(world.opportunities):
        return []
    return _lead_problems(world) + _deal_problems(world) + _time_problems(world)
