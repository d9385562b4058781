"""Customer value: the retention-based CLV formula and historical value."""


import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.value import historical_value, revenue_concentration, simple_clv
from crmkit.errors import ConfigError


def test_simple_clv_is_the_discounted_sum_of_retained_margins():
    periods = np.arange(1, 400)
    by_hand = (100 * 0.8**periods / 1.1**periods).sum()
    assert simple_clv(100, 0.8, 0.1) == pytest.approx(by_hand)
    assert simple_clv(100, 0.8, 0.1, periods=3) == pytest.approx(by_hand_sum := sum(100 * (0.8 / 1.1) ** t for t in (1, 2, 3)))
    assert by_hand_sum < simple_clv(100, 0.8, 0.1)
    np.testing.assert_allclose(simple_clv(100, np.array([0.5, 0.9]), 0.0), [100.0, 900.0])
    assert simple_clv(100, 1.0, 0.0, periods=4) == pytest.approx(400)


@pytest.mark.parametrize("kwargs, message", [
    ({"retention_rate": 1.2}, "retention_rate: 1.2 is not allowed"),
    ({"discount_rate": -1.5}, "discount_rate: -1.5 is not allowed"),
    ({"retention_rate": 1.0, "discount_rate": 0.0}, "must be below 1 \\+ discount_rate"),
])
def test_simple_clv_refuses_impossible_rates(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        simple_clv(**{"margin": 100, "retention_rate": 0.8, "discount_rate": 0.1, **kwargs})


def test_historical_value_adds_up_the_orders(world):
    as_of = world.observed_until
    total = historical_value(world.orders, as_of)
    assert total.value.sum() == pytest.approx(world.orders.net_amount.sum())
    last_year = historical_value(world.orders, as_of, days=365)
    in_window = world.orders.ordered_at.dt.normalize() > as_of - pd.Timedelta(days=365)
    assert last_year.value.sum() == pytest.approx(world.orders.net_amount[in_window].sum())
    with pytest.raises(ConfigError, match="days: 0 is not allowed"):
        historical_value(world.orders, as_of, days=0)




def test_revenue_concentration_matches_a_ranking_by_hand(make_world):
    world = make_world("retailer", 800, 1)
    shares = revenue_concentration(world.orders, shares=(0.1, 0.2, 1.0))
    spend = world.orders.groupby("customer_id")["net_amount"].sum().sort_values(ascending=False)
    assert shares["top 20% of buyers"] == pytest.approx(spend.head(int(0.2 * len(spend))).sum() / spend.sum())
    assert shares["top 100% of buyers"] == pytest.approx(1.0)
    assert shares.is_monotonic_increasing


@pytest.mark.parametrize("bad", [0, -0.1, 1.5])
def test_revenue_concentration_refuses_a_share_outside_zero_to_one(bad):
    orders = pd.DataFrame({"customer_id": [1, 2], "net_amount": [5.0, 3.0]})
    with pytest.raises(ConfigError, match=rf"shares: {bad!r} is not a share of buyers"):
        revenue_concentration(orders, shares=(bad,))
