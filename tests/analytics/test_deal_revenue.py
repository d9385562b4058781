"""The forecast reconciled with booked revenue: what the won deals' orders say matches the truth."""

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics.deal_revenue import deal_revenue, reconcile_forecast
from crmkit.analytics.pipeline import pipeline_as_of
from crmkit.errors import DataError

SEEDS = (1, 2, 3)
MONTHS_BEFORE = range(3, 15)  # forecasts made 3 to 14 months before the end: every deal has resolved


@pytest.fixture(scope="module", params=SEEDS)
def seeded(request):
    return ck.simulate("pschse", customers=3000, seed=request.param, progress=False)


def _total(table):
    return table.set_index("stage").loc["total"]


def test_booked_revenue_is_what_the_truth_says_the_deals_were_won_for(seeded):
    w, end = seeded, seeded.observed_until
    as_of = end - pd.DateOffset(months=4)
    total = _total(reconcile_forecast(w.opportunities, w.opportunity_history, w.orders, as_of, end, w.tables["invoices"]))
    deals = pipeline_as_of(w.opportunities, w.opportunity_history, as_of).opportunity_id
    truth = w.truth.opportunities.set_index("opportunity_id").loc[deals]
    won = truth.is_won & (truth.closed_at < end + pd.Timedelta(days=1))
    assert total.deals == len(deals) > 10
    assert total.won == won.sum() and total.lost + total.still_open == (~won).sum()
    assert total.booked == pytest.approx(truth.final_amount[won].sum(), abs=0.01)
    assert total.paid <= total.invoiced + 0.01 <= total.booked + 0.02


def test_the_weighted_forecast_lands_near_booked_revenue_and_far_better_than_the_whole_pipeline(seeded):
    w, end = seeded, seeded.observed_until
    totals = [_total(reconcile_forecast(w.opportunities, w.opportunity_history, w.orders,
                                        end - pd.DateOffset(months=m), end)) for m in MONTHS_BEFORE]
    forecast, booked, pipeline = (sum(t[c] for t in totals) for c in ("forecast", "booked", "pipeline"))
    assert abs(booked / forecast - 1) < 0.15  # measured 0.95-1.02 on seeds 1-3
    assert abs(booked / pipeline - 1) > 0.25  # the naive "all open deals close" is off by about 38%


def test_deal_revenue_counts_only_orders_of_deals_up_to_the_day():
    orders = pd.DataFrame({"order_id": [1, 2, 3], "opportunity_id": pd.array([pd.NA, 7, 7], dtype="Int64"),
                           "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-03-01"]),
                           "net_amount": [5.0, 90.0, 10.0]})
    invoices = pd.DataFrame({"order_id": [2, 3], "amount": [90.0, 10.0], "amount_paid": [40.0, 0.0]})
    out = deal_revenue(orders, invoices)
    assert out.to_dict("records") == [{"opportunity_id": 7, "orders": 2, "booked": 100.0, "invoiced": 100.0, "paid": 40.0}]
    assert deal_revenue(orders, invoices, until="2024-01-02").booked.tolist() == [90.0]


def test_orders_without_the_deal_column_are_refused_by_name():
    with pytest.raises(DataError, match="opportunity_id"):
        deal_revenue(pd.DataFrame({"order_id": [1], "ordered_at": [pd.Timestamp(0)], "net_amount": [1.0]}))
