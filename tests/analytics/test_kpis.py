"""The KPIs of performance assessment: each checked against the world computed another way,
and the prepared :class:`KpiTables` pinned equal to :func:`period_kpi_table` at every choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.kpis import KpiTables, period_kpi_table, periods, prepare_kpi_data
from crmkit.errors import ConfigError


@pytest.fixture(scope="module")
def board(world):
    return KpiTables.from_world(world)


def kpis_of(board, period, region="all", channel="all"):
    table = board(period, region, channel)
    return table.set_index("period").loc[period]


def by_hand(world, year: int, region: str | None = None, channel: str | None = None) -> dict:
    """The KPIs of one calendar year recomputed with plain pandas, another way than period_kpi_table."""
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


def test_the_last_year_for_everyone_matches_the_world(board, world):
    kpis = kpis_of(board, str(world.observed_until.year))
    expected = by_hand(world, world.observed_until.year)
    for name, value in expected.items():
        assert kpis[name] == pytest.approx(value), name
    assert kpis["average_order_value"] == pytest.approx(expected["revenue"] / expected["orders"])


@pytest.mark.parametrize("region, channel", [("West", None), (None, "web"), ("South", "home_sales_event")])
def test_region_and_channel_filters_match_the_world_and_shrink_the_counts(board, world, region, channel):
    everyone = kpis_of(board, "2025")
    kpis = kpis_of(board, "2025", region or "all", channel or "all")
    expected = by_hand(world, 2025, region, channel)
    for name in ("customers", "active_buyers", "orders", "revenue", "retention", "complaint_rate"):
        assert kpis[name] == pytest.approx(expected[name]), name
    for name in ("active_buyers", "orders", "revenue"):
        assert kpis[name] < everyone[name]
    if channel:  # a customer belongs to no channel: that tile ignores the channel filter
        assert kpis["customers"] == (everyone["customers"] if not region else expected["customers"])


def test_quarters_add_up_to_their_year_and_customers_only_grow(board):
    years, quarters = board("2025"), board("2025 Q1")
    quarters = quarters.assign(year=quarters["period"].str[:4])
    summed = quarters.groupby("year")[["orders", "revenue", "complaints"]].sum()
    for column in ("orders", "revenue", "complaints"):
        assert np.allclose(summed.loc[years["period"], column], years[column])
    assert quarters["customers"].is_monotonic_increasing
    busiest_quarter = quarters["active_buyers"].groupby(quarters["year"]).max().to_numpy()
    assert (busiest_quarter <= years["active_buyers"].to_numpy()).all()


def test_first_period_has_no_retention_and_small_samples_give_no_nps(board):
    answers = board("2023 Q1", "Northeast")
    assert np.isnan(answers["retention"].iloc[0])
    few = answers["nps_responses"] < 10
    assert answers.loc[few, "nps"].isna().all() and answers.loc[~few, "nps"].notna().all()


def test_the_prepared_tables_are_those_of_kpi_table_at_every_choice(board, world):
    prepared = prepare_kpi_data(world.tables)
    for (freq, region, channel), table in board.computed.items():
        pd.testing.assert_frame_equal(table, period_kpi_table(world.tables, board.periods[freq], region, channel))
    assert set(board.computed) == {(f, r, c) for f in ("year", "quarter") for r in board.regions for c in board.channels}
    assert len(prepared["ordered_at"]) == len(world.orders)


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
    table = period_kpi_table(tables, periods("2024-01-01", "2025-12-31"), region="West").set_index("period")
    assert table.loc["2025", ["customers", "active_buyers", "orders", "complaints"]].tolist() == [2, 1, 1, 2]
    assert table.loc["2025", "retention"] == 0.5  # one of the two West buyers of 2024 came back
    assert table.loc["2025", "nps"] == pytest.approx(20.0)
    everyone = period_kpi_table(tables, periods("2024-01-01", "2025-12-31")).set_index("period")
    assert everyone.loc["2025", "orders"] == 2  # the order late on the last day counts


@pytest.mark.parametrize("call, words", [
    (lambda b: b("2025", region="Atlantis"), "region = 'Atlantis'"),
    (lambda b: b("2025", channel="pigeon"), "channel = 'pigeon'"),
    (lambda b: periods("2024-01-01", "2024-12-31", freq="month"), "freq = 'month'"),
])
def test_bad_choices_raise_clear_errors(board, call, words):
    with pytest.raises(ConfigError, match=words):
        call(board)
