"""Market research on internal and external data: penetration, market share with the panel's
sampling error, and headroom, checked against the synthetic market's truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import headroom, internal_by_region, market_shares, panel_spend_interval
from crmkit.errors import DataError
from crmkit.world.market import market_panel, market_truth
from tests.analytics.conftest import SEEDS

PANEL_SEEDS = range(40)


def _shares(world, seed=None):
    return market_shares(market_panel(world, seed=seed), world.customers, world.orders)


@pytest.mark.parametrize("seed", SEEDS)
def test_penetration_is_the_year_buyers_over_the_census_households(make_world, seed):
    world = make_world("retailer", 1500, seed)
    shares, truth = _shares(world), market_truth(world)
    year = world.orders[world.orders["ordered_at"].dt.year == world.observed_until.year]
    buyers = year.merge(world.customers[["customer_id", "region"]], on="customer_id").groupby("region")[
        "customer_id"].nunique()
    assert shares["buyers"].to_dict() == buyers.to_dict()
    assert np.allclose(shares["penetration"], buyers / truth["households"])
    assert (shares["penetration"] <= truth["customer_share"] + 1e-12).all()  # buyers are among the customers


def test_the_share_interval_covers_the_true_share_on_most_panel_seeds(make_world):
    covered = []
    for seed in SEEDS:
        world = make_world("retailer", 2000, seed)
        truth = market_truth(world)["value_share"]
        for panel_seed in PANEL_SEEDS:
            shares = _shares(world, panel_seed)
            covered += ((shares["share_low"] <= truth) & (truth <= shares["share_high"])).tolist()
    rate = float(np.mean(covered))
    # a 95 % interval: measured 0.95 over 100 panel seeds on each of these worlds; neither far
    # below (too narrow, the sampling error understated) nor always (too wide to be of use)
    assert 0.88 <= rate <= 0.99, rate


def test_the_estimated_share_is_near_the_true_one(make_world):
    world = make_world("retailer", 2000, 1)
    truth = market_truth(world)["value_share"]
    assert np.allclose(_shares(world)["share"], truth, rtol=0.25)
    mean = np.mean([_shares(world, s)["share"].to_numpy() for s in range(20)], axis=0)
    assert np.allclose(mean, truth.to_numpy(), rtol=0.06)


def test_a_bigger_panel_gives_a_narrower_interval():
    panel = pd.DataFrame({"region": ["A", "B"], "households": [1000, 1000], "panel_households": [100, 400],
                          "panel_mean_spend": [50.0, 50.0], "panel_sd_spend": [30.0, 30.0]})
    spend = panel_spend_interval(panel)
    width = spend["high"] - spend["low"]
    assert np.isclose(width["A"] / width["B"], 2.0, rtol=0.02)  # sqrt(400 / 100)
    assert (panel_spend_interval(panel, 0.8)["high"] < spend["high"]).all()


def test_headroom_puts_the_lowest_share_first_and_counts_the_gain_at_the_best(make_world):
    world = make_world("pschse", 3000, 7)
    shares = _shares(world)
    room = headroom(shares)
    assert room.index[0] == shares["share"].idxmin() and room["share"].is_monotonic_increasing
    best = shares["share"].idxmax()
    assert room.loc[best, "gain_at_best_share"] == 0
    assert np.allclose(room["untapped_spend"], (shares["market_spend"] - shares["revenue"]).reindex(room.index))
    assert room["behind_best"].tolist() == (shares["share_high"] < shares.loc[best, "share_low"]).reindex(
        room.index).tolist()


def test_a_zero_reaching_interval_gives_an_open_share():
    panel = pd.DataFrame({"region": ["A"], "households": [10], "panel_households": [3],
                          "panel_mean_spend": [10.0], "panel_sd_spend": [40.0]})
    customers = pd.DataFrame({"customer_id": [1], "region": ["A"]})
    orders = pd.DataFrame({"customer_id": [1], "ordered_at": pd.to_datetime(["2025-06-01"]), "net_amount": [5.0]})
    shares = market_shares(panel, customers, orders, year=2025)
    assert shares.loc["A", "share_high"] == np.inf and shares.loc["A", "share"] == 0.05
    assert internal_by_region(customers, orders, 2024)["buyers"].tolist() == [0]


def test_bad_inputs_are_one_clear_error(make_world):
    world = make_world("retailer", 1500, 1)
    panel = market_panel(world)
    with pytest.raises(DataError, match=r"confidence = 1.5: must be between 0 and 1"):
        market_shares(panel, world.customers, world.orders, confidence=1.5)
    with pytest.raises(DataError, match=r"panel: column 'panel_sd_spend' is missing"):
        panel_spend_interval(panel.table.drop(columns="panel_sd_spend"))
    with pytest.raises(DataError, match=r"year: a panel table without its year"):
        market_shares(panel.table, world.customers, world.orders)
    with pytest.raises(DataError, match=r"panel: expected a MarketPanel"):
        market_shares([1, 2], world.customers, world.orders, year=2025)
