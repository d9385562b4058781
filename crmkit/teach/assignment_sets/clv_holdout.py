"""Checks of ``clv-holdout``: the BTYD summary, and each customer's value in the hold-out year.

The forecast is scored against the truth (each customer's ``holdout_value``: what they
really spent in the ``holdout_months`` after ``observed_until``) by its error relative to the
naive forecast (each customer's spend in the last ``holdout_months`` of the window), as in
``rfm-basics`` (:mod:`crmkit.teach.forecast_score`). Every customer is forecast, buyers or
not: a model of customer value must also say who will not come back.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.btyd import btyd_summary
from crmkit.teach.exercises import Exercise, Mistake

__all__ = ["EXERCISES", "BENCHMARKS"]


def _summary(w) -> pd.DataFrame:
    return btyd_summary(w.orders, w.observed_until)


def _orders_per_buyer(w) -> pd.Series:
    return w.orders.groupby("customer_id").size()


REPEAT_DAYS = Exercise(
    "mean_repeat_purchase_days",
    "The BTYD models count **repeat purchase days**: `ck.analytics.btyd_summary(world.orders, world.observed_until)` "
    "gives each buyer's `frequency`, the number of days with an order after the first one. What is its **mean over "
    "the buyers**? One number.",
    reference=lambda w: float(_summary(w)["frequency"].mean()),
    mistakes=[
        Mistake("orders_not_days", "You averaged the number of orders per buyer. BTYD's frequency counts repeat "
                "purchase days: the first day is not a repeat, and two orders on one day are one day.",
                answer=lambda w: float(_orders_per_buyer(w).mean())),
        Mistake("orders_minus_one", "You took orders minus one: close, but two orders on the same day are one "
                "purchase day. Use the frequency column of btyd_summary.",
                answer=lambda w: float((_orders_per_buyer(w) - 1).mean())),
        Mistake("all_customers", "You averaged over every customer, those who never ordered too (as 0). The "
                "summary has one row per buyer: average over the buyers.",
                answer=lambda w: float(_summary(w)["frequency"].sum() / len(w.customers))),
    ])


def recent_spend(w) -> pd.Series:
    """Each customer's spend in the last ``holdout_months`` of the window (0 without orders): the naive forecast."""
    months = w.config.calendar.holdout_months
    recent = w.orders[w.orders.ordered_at > w.observed_until - pd.DateOffset(months=months)]
    index = pd.Index(w.customers.customer_id, name="customer_id")
    return recent.groupby("customer_id").net_amount.sum().reindex(index, fill_value=0.0).astype(float).rename("net_amount")


def _holdout_value(w) -> pd.Series:
    truth = w.truth.customers.set_index("customer_id")
    index = pd.Index(w.customers.customer_id, name="customer_id")
    return truth["holdout_value"].reindex(index, fill_value=0.0).astype(float).rename("net_amount")


HOLDOUT_FORECAST = Exercise(
    "holdout_spend_forecast",
    "Forecast: how much (`net_amount`) will **each customer** of `world.customers` spend in the hold-out period, the "
    "`world.config.calendar.holdout_months` months after `world.observed_until`? A Series indexed by customer_id, one "
    "value per customer (0 for those you expect to buy nothing). Scored by your instructor against what each really "
    "spent, by its average error compared with the naive forecast (each customer's spend in the last `holdout_months` "
    "months of the window): as good or better earns all the points, 1.5 times its error or worse none.",
    reference=_holdout_value, uses_truth=True, rtol=0.2,
    mistakes=[
        Mistake("whole_window", "You gave what each customer spent over the whole observation window; the forecast "
                "is for the hold-out period only, which is much shorter.",
                answer=lambda w: w.orders.groupby("customer_id").net_amount.sum().reindex(
                    pd.Index(w.customers.customer_id, name="customer_id"), fill_value=0.0).astype(float)),
    ])

EXERCISES = (REPEAT_DAYS, HOLDOUT_FORECAST)

#: The naive forecast each truth-scored question is scored against.
BENCHMARKS = {"holdout_spend_forecast": recent_spend}
