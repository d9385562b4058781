"""The Payne lesson's functions and KPI dashboard, driven from tests: set the controls, read the
result, and check each KPI against the world computed another way."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.payne import (  # noqa: E402
    KPIS, channel_mix, kpi_dashboard_explorer, kpi_table, periods, records_per_customer, value_by_group, value_exchange,
)


@pytest.fixture(scope="module")
def widget(world):
    return kpi_dashboard_explorer(world)


def choose(widget, **values):
    for name, value in values.items():
        widget.control(name).value = value
    return widget.result.set_index("kpi")["value"]


def by_hand(world, year: int, region: str | None = None, channel: str | None = None) -> dict:
    """The KPIs of one calendar year recomputed with plain pandas, another way than kpi_table."""
    orders = world.orders.merge(world.customers[["customer_id", "region"]], on="customer_id")
    if region:
        orders = orders[orders["region"] == region]
    if channel:
        orders = orders[orders["channel"] == channel]
    this = orders[orders["ordered_at"].dt.year == year]
    before = set(orders.loc[orders["ordered_at"].dt.year == year - 1, "customer_id"])
    complaints = world.cases[world.cases["is_complaint"] & world.cases["order_id"].isin(this["order_id"])]
    answers = world.surveys[(world.surveys["kind"] == "nps") & (world.surveys["responded_at"].dt.year == year)]
    answers = answers.merge(world.customers[["customer_id", "region"]], on="customer_id")
    if region:
        answers = answers[answers["region"] == region]
    if channel:
        answers = answers[answers["order_id"].isin(orders["order_id"])]
    known = world.customers[world.customers["signup_date"].dt.year <= year]
    return {
        "customers": len(known if not region else known[known["region"] == region]),
        "active_buyers": this["customer_id"].nunique(), "orders": len(this), "revenue": this["net_amount"].sum(),
        "retention": len(before & set(this["customer_id"])) / len(before),
        "complaint_rate": len(complaints) / len(this),
        "nps": 100 * ((answers["score"] >= 9).mean() - (answers["score"] <= 6).mean()),
    }


def test_default_view_is_the_last_year_for_everyone_and_matches_the_world(widget, world):
    kpis = choose(widget)
    expected = by_hand(world, world.observed_until.year)
    assert widget.control("period").value == str(world.observed_until.year)
    for name, value in expected.items():
        assert kpis[name] == pytest.approx(value), name
    assert kpis["average_order_value"] == pytest.approx(expected["revenue"] / expected["orders"])
    assert list(widget.result["kpi"]) == list(KPIS)


@pytest.mark.parametrize("region, channel", [("West", None), (None, "web"), ("South", "home_sales_event")])
def test_region_and_channel_filters_match_the_world_and_shrink_the_counts(widget, world, region, channel):
    everyone = choose(widget, period="2025", region="all", channel="all")
    kpis = choose(widget, period="2025", region=region or "all", channel=channel or "all")
    expected = by_hand(world, 2025, region, channel)
    for name in ("customers", "active_buyers", "orders", "revenue", "retention", "complaint_rate"):
        assert kpis[name] == pytest.approx(expected[name]), name
    for name in ("active_buyers", "orders", "revenue"):
        assert kpis[name] < everyone[name]
    if channel:  # a customer belongs to no channel: that tile ignores the channel filter
        assert kpis["customers"] == (everyone["customers"] if not region else expected["customers"])


def test_quarters_add_up_to_their_year_and_customers_only_grow(widget, world):
    board = widget.board
    years, quarters = board.table("2025"), board.table("2025 Q1")
    quarters = quarters.assign(year=quarters["period"].str[:4])
    summed = quarters.groupby("year")[["orders", "revenue", "complaints"]].sum()
    for column in ("orders", "revenue", "complaints"):
        assert np.allclose(summed.loc[years["period"], column], years[column])
    assert quarters["customers"].is_monotonic_increasing
    busiest_quarter = quarters["active_buyers"].groupby(quarters["year"]).max().to_numpy()
    assert (busiest_quarter <= years["active_buyers"].to_numpy()).all()
    kpis = choose(widget, period="2025 Q4", region="all", channel="all")
    assert kpis["revenue"] == pytest.approx(quarters.set_index("period").loc["2025 Q4", "revenue"])


def test_first_period_has_no_retention_and_small_samples_give_no_nps(widget, world):
    result = choose(widget, period="2023 Q1", region="Northeast", channel="all")
    assert np.isnan(result["retention"])
    answers = widget.board.table("2023 Q1", "Northeast")
    few = answers["nps_responses"] < 10
    assert answers.loc[few, "nps"].isna().all() and answers.loc[~few, "nps"].notna().all()
    assert widget.result.set_index("kpi").loc["retention", "change"] == "no earlier period"


def test_kpi_table_on_a_tiny_world_by_hand():
    tables = {
        "customers": pd.DataFrame({"customer_id": [1, 2, 3], "region": ["West", "West", "South"],
                                   "signup_date": pd.to_datetime(["2024-01-01", "2024-06-01", "2025-01-05"])}),
        "orders": pd.DataFrame({"order_id": [1, 2, 3, 4], "customer_id": [1, 2, 1, 3],
                                "channel": ["web", "web", "web", "app"],
                                "ordered_at": pd.to_datetime(["2024-02-01 00:00", "2024-07-01 00:00",
                                                              "2025-03-01 00:00", "2025-12-31 23:00"]),
                                "net_amount": [10.0, 20.0, 30.0, 40.0]}),
        "cases": pd.DataFrame({"order_id": [3, 3, 2], "is_complaint": [True, True, False]}),
        "surveys": pd.DataFrame({"kind": "nps", "customer_id": 1, "score": [10] * 6 + [3] * 4, "order_id": None,
                                 "responded_at": pd.Timestamp("2025-05-01")}),
    }
    table = kpi_table(tables, periods("2024-01-01", "2025-12-31"), region="West").set_index("period")
    assert table.loc["2025", ["customers", "active_buyers", "orders", "complaints"]].tolist() == [2, 1, 1, 2]
    assert table.loc["2025", "retention"] == 0.5  # one of the two West buyers of 2024 came back
    assert table.loc["2025", "nps"] == pytest.approx(20.0)
    everyone = kpi_table(tables, periods("2024-01-01", "2025-12-31")).set_index("period")
    assert everyone.loc["2025", "orders"] == 2  # the order late on the last day counts


def test_bad_choices_raise_clear_errors(widget):
    with pytest.raises(ConfigError, match="region"):
        widget.board.table("2025", region="Atlantis")
    with pytest.raises(ConfigError, match="period"):
        widget.board.draw("1999")
    with pytest.raises(ConfigError, match="freq"):
        periods("2024-01-01", "2024-12-31", freq="month")


def test_process_tables_account_for_every_buyer_and_record(world):
    buyers = world.customer_costs[world.customer_costs["orders"] > 0]
    by_source = value_by_group(world.customer_costs, world.customers)
    assert by_source["buyers"].sum() == len(buyers)
    assert by_source["share_of_contribution"].sum() == pytest.approx(1)
    assert by_source["contribution_per_buyer"].is_monotonic_decreasing
    exchange = value_exchange(world.orders, world.customer_costs, world.customers)
    assert exchange["buyers"].sum() == len(buyers)
    discount = (exchange["discount_per_buyer"] * exchange["buyers"]).sum()
    assert discount == pytest.approx(world.orders["discount_amount"].sum())
    mix = channel_mix(world.orders)
    assert mix["buyers"].sum() == world.orders["customer_id"].nunique()
    assert mix["orders_per_buyer"].is_monotonic_increasing  # buyers of more channels order more
    records = records_per_customer(world.source_records, world.truth.source_links)
    assert records["customers"].sum() == world.truth.source_links["customer_id"].nunique()
    assert records["systems_per_customer"].iloc[0] == 1.0
