"""The figures Buttle's value chain and Gartner's building blocks quote: each is the world's own, counted
here by hand, and the small measures behind them behave on hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics import cost_to_serve_concentration, nps, repeat_rate
from crmkit.analytics.value_chain import profile_completeness, value_chain_figures
from crmkit.errors import ConfigError, DataError


@pytest.fixture(scope="module")
def figures(world):
    return value_chain_figures(world)


def test_the_figures_are_the_worlds_own(world, figures):
    spend = world.orders.groupby("customer_id")["net_amount"].sum().sort_values(ascending=False)
    assert figures["top20_revenue"] == pytest.approx(spend.iloc[: int(0.2 * len(spend))].sum() / spend.sum())
    buyers = world.customer_costs[world.customer_costs["orders"] > 0]
    assert figures["unprofitable"] == pytest.approx((buyers["contribution"] < 0).mean())
    assert figures["buyers"] == len(buyers)
    assert figures["nps"] == pytest.approx(nps(world.surveys)["nps"].item())
    assert figures["converted"] == pytest.approx((world.leads["status"] == "converted").mean())
    c = world.customers
    assert figures["complete"] == pytest.approx((c["email"].notna() & c["phone"].notna() & c["birth_year"].notna()).mean())
    assert figures["records"] / figures["customers"] == pytest.approx(len(world.source_records) / len(c))
    year = world.observed_until.year
    before, after = (set(world.orders.loc[world.orders["ordered_at"].dt.year == y, "customer_id"]) for y in (year - 1, year))
    assert figures["year"] == year and figures["repeat"] == pytest.approx(len(before & after) / len(before))


def test_the_costliest_buyers_absorb_far_more_than_their_share(world, figures):
    buyers = world.customer_costs[world.customer_costs["orders"] > 0]
    cost = buyers[["delivery_cost", "service_cost", "payment_cost", "marketing_cost", "returns_cost"]].sum(axis=1)
    magnets = cost.nlargest(int(0.05 * len(cost))).sum() / cost.sum()
    assert figures["cost_magnets"] == pytest.approx(magnets)
    assert magnets > 0.05 * 3  # cost to serve is concentrated: the top 5% absorb far more than 5%
    assert cost_to_serve_concentration(world.customer_costs, top=1.0) == pytest.approx(1.0)


def test_the_small_measures_on_hand_made_tables():
    customers = pd.DataFrame({"email": ["a", None], "phone": ["1", "2"], "birth_year": [1, 2]})
    assert profile_completeness(customers) == 0.5
    assert profile_completeness(customers, fields=("phone",)) == 1.0
    orders = pd.DataFrame({"customer_id": [1, 1, 2, 3],
                           "ordered_at": pd.to_datetime(["2024-03-01", "2025-02-01", "2024-05-01", "2025-01-09"])})
    assert repeat_rate(orders, 2025) == 0.5  # of 1 and 2 (2024's buyers) only 1 came back; 3 is new
    with pytest.raises(DataError, match="nobody ordered in 2023"):
        repeat_rate(orders, 2024)
    with pytest.raises(ConfigError, match="top = 0"):
        cost_to_serve_concentration(pd.DataFrame(columns=["orders", "delivery_cost", "service_cost", "payment_cost",
                                                          "marketing_cost", "returns_cost"]), top=0)


def test_another_seed_gives_other_figures():
    one, two = (value_chain_figures(ck.simulate("pschse", customers=2000, seed=seed, progress=False)) for seed in (1, 2))
    numbers = [key for key, value in one.items() if isinstance(value, float)]
    assert sum(one[key] != two[key] for key in numbers) >= 6
