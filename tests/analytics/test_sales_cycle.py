"""Pre-sales and post-sales work, the keyword list as data, and the ROI feedback of closed deals."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics.sales_cycle import classify_activities, cycle_roles, cycle_work, deal_effort_return
from crmkit.errors import DataError


def test_the_keyword_list_covers_each_record_and_kind_once_with_a_reason():
    roles = cycle_roles()
    assert not roles.duplicated(["record", "kind"]).any()
    assert set(roles["phase"]) == {"pre-sales", "post-sales"}
    assert set(roles["is_role"]) <= {"plan", "schedule", "control"}
    assert roles["why"].str.len().gt(10).all()
    assert set(roles.loc[roles["record"] == "case", "phase"]) == {"post-sales"}


def test_every_activity_of_a_world_is_classified(make_world):
    world = make_world("pschse", 1000, 1)
    labelled = classify_activities(world.activities)
    assert labelled["phase"].notna().all() and len(labelled) == len(world.activities)
    assert (labelled["phase"] == "post-sales").eq(world.activities["case_id"].notna()).all()


def test_an_activity_without_one_record_or_with_an_unknown_kind_is_refused():
    acts = pd.DataFrame({"activity_id": [1], "kind": ["call"], "lead_id": [None], "opportunity_id": [None], "case_id": [None]})
    with pytest.raises(DataError, match="activity_id 1"):
        classify_activities(acts)
    with pytest.raises(DataError, match="kind = 'fax'"):
        classify_activities(acts.assign(kind="fax", lead_id=3))


def test_cycle_work_counts_every_activity_due_in_the_period_once(make_world):
    world = make_world("pschse", 1000, 1)
    table = cycle_work(world.activities, "2025-01-01", "2026-01-01")
    due = world.activities["due_at"].between("2025-01-01", "2026-01-01", inclusive="left")
    assert table["scheduled"].sum() == due.sum()
    assert table["done"].sum() == (due & world.activities["status"].eq("done")).sum()
    assert (table["done"] + table["cancelled"] + table["planned"] == table["scheduled"]).all()


def test_the_roi_feedback_adds_up_to_the_orders_and_activities_of_the_closed_deals(make_world):
    world = make_world("pschse", 1000, 1)
    table = deal_effort_return(world.activities, world.opportunities, world.opportunity_history, world.orders,
                               "2025-01-01", "2026-01-01")
    history = world.opportunity_history
    closing = history[history["stage"].isin(["closed_won", "closed_lost"]) & history["changed_at"].between("2025-01-01", "2026-01-01")]
    ids = closing["opportunity_id"].unique()
    total = table.loc["total"]
    assert total["deals"] == len(ids)
    assert total["booked"] == pytest.approx(world.orders.loc[world.orders["opportunity_id"].isin(ids), "net_amount"].sum())
    done = world.activities[world.activities["opportunity_id"].isin(ids) & world.activities["status"].eq("done")]
    assert total["activities"] == len(done)
    assert 0 < total["on_lost"] < total["activities"]
    with pytest.raises(DataError, match="end"):
        deal_effort_return(world.activities, world.opportunities, history, world.orders, "2025-01-01", "2024-01-01")


def test_no_activity_falls_on_a_deal_after_it_closed(make_world):
    # Why the record alone decides the phase (lesson 08 says so): deal work is all before the close.
    world = make_world("pschse", 1000, 1)
    history = world.opportunity_history
    closing = history[history["stage"].isin(["closed_won", "closed_lost"])].groupby("opportunity_id")["changed_at"].min()
    deal_work = world.activities[world.activities["opportunity_id"].notna()]
    assert len(deal_work) and not (deal_work["due_at"] > deal_work["opportunity_id"].map(closing)).any()
