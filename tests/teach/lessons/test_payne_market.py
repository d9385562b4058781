"""Lesson 05's market research exercises on real worlds: right answers (written another way than the
references, as a learner would) pass on two seeds, the kit's own analysis passes too, and each typical
wrong answer gets its own message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.teach.lessons import checks
from crmkit.world.market import market_panel
from tests.teach.lessons.helpers import assert_mistakes
from tests.teach.lessons.test_payne import SEEDS, make_world


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture
def exercises(world):
    return checks("payne", world)


def _learner(world):
    """The share as a learner writes it: merge, filter on a date range, groupby, divide."""
    panel = market_panel(world)
    year = world.orders[(world.orders["ordered_at"] >= f"{panel.year}-01-01")
                        & (world.orders["ordered_at"] < f"{panel.year + 1}-01-01")]
    revenue = year.merge(world.customers[["customer_id", "region"]], on="customer_id").groupby("region")[
        "net_amount"].sum()
    market = panel.table.set_index("region").eval("households * panel_mean_spend")
    return panel, revenue, market


def _interval(world, sd_over: str = "panel_households", z: float = 1.96):
    panel, revenue, market = _learner(world)
    share = revenue / market
    region = share.idxmin()
    row = panel.table.set_index("region").loc[region]
    half = z * row["panel_sd_spend"] / np.sqrt(row[sd_over] if sd_over else 1)
    ends = revenue[region] / (row["households"] * (row["panel_mean_spend"] + np.array([half, -half])))
    return pd.Series(ends, index=["low", "high"])


def test_the_learner_share_passes_and_each_mistake_gets_its_own_message(exercises, world):
    panel, revenue, market = _learner(world)
    table = panel.table.set_index("region")
    all_revenue = world.orders.merge(world.customers[["customer_id", "region"]], on="customer_id").groupby(
        "region")["net_amount"].sum()
    buyers = world.orders[world.orders["ordered_at"].dt.year == panel.year].merge(
        world.customers[["customer_id", "region"]], on="customer_id").groupby("region")["customer_id"].nunique()
    messages = assert_mistakes(exercises, "market_share_by_region", revenue / market, {
        "penetration": buyers / table["households"],
        "per_household": revenue / table["households"],
        "panel_size": revenue / (table["panel_households"] * table["panel_mean_spend"]),
        "all_years": all_revenue / market,
        "percent": 100 * revenue / market,
    })
    assert "penetration" in messages["penetration"] and "sample" in messages["panel_size"]


def test_the_kit_analysis_gives_the_same_shares(exercises, world):
    shares = ck.analytics.market_shares(market_panel(world), world.customers, world.orders)
    assert exercises.check("market_share_by_region", shares["share"]).correct
    lowest = ck.analytics.headroom(shares).iloc[0]
    # Student's t, as the kit computes it, passes beside the question's 1.96
    assert exercises.check("share_interval", pd.Series({"low": lowest["share_low"],
                                                         "high": lowest["share_high"]})).correct


def test_the_interval_passes_and_each_mistake_gets_its_own_message(exercises, world):
    panel, _, _ = _learner(world)
    row = panel.table.set_index("region").loc[_learner(world)[1].div(_learner(world)[2]).idxmin()]
    half = 1.96 * row["panel_sd_spend"] / np.sqrt(row["panel_households"])
    right = _interval(world)
    messages = assert_mistakes(exercises, "share_interval", right, {
        "sd_not_se": _interval(world, sd_over=""),
        "census_size": _interval(world, sd_over="households"),
        "spend_not_share": pd.Series({"low": row["panel_mean_spend"] - half, "high": row["panel_mean_spend"] + half}),
        "ends_swapped": pd.Series({"low": right["high"], "high": right["low"]}),
    })
    assert "square root" in messages["sd_not_se"]


def test_an_interval_of_another_region_is_told_what_differs(exercises, world):
    panel, revenue, market = _learner(world)
    other = (revenue / market).idxmax()
    row = panel.table.set_index("region").loc[other]
    half = 1.96 * row["panel_sd_spend"] / np.sqrt(row["panel_households"])
    ends = revenue[other] / (row["households"] * (row["panel_mean_spend"] + np.array([half, -half])))
    result = exercises.check("share_interval", pd.Series(ends, index=["low", "high"]))
    assert result.status == "wrong_value" and "lowest" in result.message
