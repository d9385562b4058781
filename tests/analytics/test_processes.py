"""The CRM processes on a world's data: each process's tables, volumes and hand-overs,
checked against the world counted another way."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit import frameworks
from crmkit.analytics.processes import (
    ERP_TABLES, count_rows, crm_life_cycle, feed_volumes, process_feeds, process_records, process_views,
    process_volumes, what_crm_adds,
)
from crmkit.errors import DataError

PROCESSES = frameworks.load("crm_processes").stage_keys


@pytest.fixture(scope="module")
def views(world):
    return process_views(world.tables)


def test_every_process_writes_tables_of_the_world_and_the_map_covers_all_nine(world):
    records = process_records()
    assert list(dict.fromkeys(records["process"])) == PROCESSES
    assert set(records["table"]) <= set(world.tables)
    for row in records.itertuples():
        assert row.time_column in world.tables[row.table].columns
    feeds = process_feeds()
    assert set(feeds["source"]) | set(feeds["target"]) == set(PROCESSES)  # every process gives or takes something
    for carried in feeds["carried_by"]:
        table, column = carried.split(".")
        assert column in world.tables[table].columns


def test_the_analysis_processes_both_take_from_and_give_to_the_delivery_processes():
    groups = frameworks.table("crm_processes").set_index("key")["group"]
    feeds = process_feeds().assign(source_group=lambda t: t["source"].map(groups), target_group=lambda t: t["target"].map(groups))
    pairs = set(zip(feeds["source_group"], feeds["target_group"]))
    assert {("delivery", "analysis"), ("analysis", "delivery"), ("support", "delivery"), ("delivery", "support")} <= pairs


def test_each_view_holds_its_own_records_and_hand_overs(views):
    assert list(views) == PROCESSES
    for process, view in views.items():
        assert view.key == process
        assert (view.feeds["target"] != process).all() and (view.fed_by["source"] != process).all()
        assert set(view.records["records"]) == set(process_records().query("process == @process")["records"])


def test_monthly_volumes_add_up_to_the_rows_of_the_world(views, world):
    view = views["complaint_management"]
    complaints = world.cases["is_complaint"].sum()
    assert view.monthly["complaints"].sum() == complaints
    assert view.records.set_index("records").loc["refunds", "rows"] == len(world.refunds)
    assert len(view.monthly) == 36
    sales = views["sales_management"]
    by_month = world.orders["ordered_at"].dt.to_period("M").value_counts().sort_index()
    assert sales.monthly["orders"].loc[by_month.index.to_timestamp()].tolist() == by_month.tolist()
    research = views["market_research"]
    assert research.records["rows"].item() == (world.surveys["trigger"] == "relationship").sum()


def test_hand_overs_count_the_rows_that_carry_them(views, world):
    leads = views["lead_management"]
    to_sales = leads.feeds.set_index("target").loc["sales_management", "rows"]
    assert to_sales == world.leads["converted_customer_id"].notna().sum() == (world.leads["status"] == "converted").sum()
    complaints = views["complaint_management"]
    from_sales = complaints.fed_by.set_index("source").loc["sales_management", "rows"]
    assert from_sales == (world.cases["is_complaint"] & world.cases["order_id"].notna()).sum() > 0
    profiling = views["customer_profiling"]
    targeting = profiling.feeds.set_index("target").loc["campaign_management", "rows"]
    assert targeting == world.campaigns["targeting_rule"].isin(["best_customers", "at_risk"]).sum()


def test_volumes_and_feeds_are_pure_and_fit_small_hand_made_tables(world):
    tables = {"orders": world.orders.copy()}
    volumes = process_volumes(tables)
    assert set(volumes["records"]) == {"orders", "orders redeeming an offer"}
    pd.testing.assert_frame_equal(tables["orders"], world.orders)
    feeds = feed_volumes(tables)
    assert len(feeds) == len(process_feeds())
    assert feeds.set_index("carried_by").loc["orders.campaign_id", "rows"] == world.orders["campaign_id"].notna().sum()
    with pytest.raises(DataError, match="'kind'"):
        count_rows(pd.DataFrame({"x": [1]}), "kind", ("a",), "surveys")


def test_life_cycle_puts_goals_and_processes_before_technology():
    steps = crm_life_cycle().set_index("name")["step"]
    assert steps["corporate CRM goals"] < steps["process changes"] < steps["functional requirements"]
    assert steps["functional requirements"] < steps["architecture"] < steps["product"]


def test_what_crm_adds_to_erp_is_counted_from_the_world(world):
    added = what_crm_adds(world.tables).set_index("figure")["count"]
    buyers = world.orders["customer_id"].nunique()
    assert added["customers who bought (what the ERP sees)"] == buyers
    assert added["known customers who never bought"] == len(world.customers) - buyers > 0
    assert added["touchpoints not yet linked to a person"] == world.interactions["customer_id"].isna().sum() > 0
    assert {"orders", "invoices", "payments"} <= set(ERP_TABLES) and "interactions" not in ERP_TABLES
