"""Monthly demand per product and the seasonal forecast, scored on the last observed months."""

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import forecast as F
from crmkit.errors import DataError
from tests.analytics.conftest import SEEDS

CUSTOMERS = 4000
HOLDOUT = 6


def _demand(world, include_deals=True):
    return F.monthly_demand(world.orders, world.order_items, world.products, include_deals)


def test_run_rate_demand_leaves_out_the_orders_deals_booked(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    deal_orders = w.orders[w.orders.opportunity_id.notna()]
    assert len(deal_orders) > 0
    deal_units = w.order_items[w.order_items.order_id.isin(deal_orders.order_id)].quantity.sum()
    assert _demand(w, include_deals=False).units.sum() == _demand(w).units.sum() - deal_units


def test_monthly_demand_adds_up_and_starts_at_each_launch(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    demand = _demand(w)
    assert demand.units.sum() == w.order_items.quantity.sum()
    assert demand.revenue.sum() == pytest.approx(w.order_items.line_amount.sum())
    first = demand.groupby("product_id").month.min()
    launch = w.products.set_index("product_id").launched_on.dt.to_period("M").dt.to_timestamp()
    assert (first == launch.reindex(first.index)).all()
    months = demand.groupby("product_id").month.agg(["size", "min", "max"])
    span = (months["max"].dt.year - months["min"].dt.year) * 12 + months["max"].dt.month - months["min"].dt.month + 1
    assert (months["size"] == span).all()  # no month missing, quiet months count 0


def test_seasonal_trending_series_is_forecast_closely():
    months = pd.date_range("2021-01-01", periods=48, freq="MS")
    season = 1 + 0.3 * np.sin(2 * np.pi * (months.month.to_numpy() - 1) / 12)
    units = (100 + 2 * np.arange(48)) * season
    demand = pd.DataFrame({"product_id": 1, "month": months, "units": units})
    holdout = F.holdout_forecast(demand, holdout_months=HOLDOUT)
    accuracy = F.forecast_accuracy(holdout).set_index("method").wape
    assert accuracy["forecast"] < 0.02
    assert accuracy["forecast"] < accuracy["last_year"] / 5


@pytest.mark.parametrize("seed", SEEDS)
def test_seasonal_model_beats_the_naive_baselines_on_the_last_months(make_world, seed):
    w = make_world("pschse", CUSTOMERS, seed)
    # The run-rate demand: won deals book lumpy orders (about a third of the units) that the
    # pipeline forecasts, not a seasonal model.
    holdout = F.holdout_forecast(_demand(w, include_deals=False), holdout_months=HOLDOUT)
    wape = F.forecast_accuracy(holdout).set_index("method").wape
    # Measured on seeds 1-2 (WAPE over the last 6 observed months): model 0.16-0.17,
    # last year's same month 0.33-0.37 (misses the growth and the new line's first year),
    # last value 0.32-0.41 (misses the season).
    assert wape["forecast"] <= wape["last_year"] - 0.10
    assert wape["forecast"] <= wape["last_value"] - 0.15
    assert holdout[["forecast", "last_year", "last_value"]].notna().all().all()


def test_products_launched_in_the_window_get_a_forecast(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    demand = _demand(w)
    holdout = F.holdout_forecast(demand, holdout_months=HOLDOUT)
    start = demand.month.max() - pd.DateOffset(months=HOLDOUT - 1)
    launched = w.products[(w.products.launched_on > w.products.launched_on.min()) & (w.products.launched_on < start)]
    assert len(launched) >= 1  # PSCHSE launches a new line during the window
    new = holdout[holdout.product_id.isin(launched.product_id)]
    assert new.product_id.nunique() == len(launched)
    assert (new.forecast > 0).all()
    # No same month last year: the baseline falls back to the last value.
    assert (new.last_year == new.last_value).all()


def test_forecast_reports_its_parts_and_rejects_short_history():
    months = pd.date_range("2022-01-01", periods=30, freq="MS")
    demand = pd.DataFrame({"product_id": 1, "month": months, "units": 10})
    model = F.fit_seasonal_forecast(demand, horizon=3)
    assert model.forecast.tolist() == pytest.approx([10.0] * 3)
    assert model.growth.tolist() == pytest.approx([0.0] * 3)
    assert model.seasonal_index.tolist() == pytest.approx([1.0] * 3)
    assert model.month.tolist() == list(pd.date_range("2024-07-01", periods=3, freq="MS"))
    assert F.seasonal_index(demand)["index"].mean() == pytest.approx(1.0)
    with pytest.raises(DataError, match="holdout_months"):
        F.holdout_forecast(demand, holdout_months=24)
