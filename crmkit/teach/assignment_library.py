"""The assignments the kit ships: each is a notebook plus the exercises it checks.

``rfm-basics`` is written here; every other assignment is declared as data, a folder in
``crmkit/teach/data/assignments/`` plus a checks module in :mod:`crmkit.teach.assignment_sets`
(see :mod:`crmkit.teach.assignment_folders`); ``crmkit assignment list`` shows them all.

An :class:`Assignment` names its case and world size, its notebook (in
``crmkit/teach/data/assignments/``, with solutions in ``### BEGIN SOLUTION`` regions), its
exercises and the points of each. ``crmkit assignment build`` gives every student their own
world of that case and computes the instructor's key from it.

**rfm-basics** (10 points). Three questions on the student's own observed tables, checked
at once in the notebook: orders per month (2), average order value in the last calendar
year (2), the ten biggest spenders (3). Their values are graded from the instructor's key:
the student's checks say at once when the form is wrong or a known mistake was made, and
hold no answer (:mod:`crmkit.teach.assignment_checks`). One question is scored against the
truth (3): *forecast what each of the top 10 % of customers by spend will spend in the
hold-out period* (the ``holdout_months`` after ``observed_until``). The truth is each of
those customers' hold-out value. We chose this question because it is the one CRM decision
the observed tables cannot settle by themselves (how much the best customers are still
worth).

The forecast is scored by its mean absolute error relative to the naive forecast (each
customer's spend in the last ``holdout_months``, the assignment's *benchmark*) on that
student's world (:mod:`crmkit.teach.forecast_score`): the naive forecast or better earns
all the points, 1.5 times its error none. It is asked per customer, not as a total,
because the students' totals lie close together: the class median of the totals was within
20 % of all 30 students' on 30 worlds. An answer equal to a known mistake (their spend over
the whole window, or every customer's recent spend) is that mistake.
"""

from __future__ import annotations

from types import MappingProxyType

import pandas as pd

from crmkit.errors import ConfigError, describe_allowed
from crmkit.teach.assignment_folders import folder_assignments
from crmkit.teach.assignment_spec import Assignment
from crmkit.teach.exercises import Exercise, Mistake

__all__ = ["Assignment", "ASSIGNMENTS", "get_assignment", "RFM_BASICS"]


def _orders_in_last_year(w) -> pd.DataFrame:
    return w.orders[w.orders.ordered_at.dt.year == w.observed_until.year]


def _orders_by_month(w):
    return w.orders.groupby(w.orders.ordered_at.dt.to_period("M").rename("month"))


def _spend(w) -> pd.Series:
    return w.orders.groupby("customer_id").net_amount.sum()


def _top_decile(w) -> pd.Index:
    return _spend(w).nlargest(len(w.customers) // 10).index


def _recent_spend_by_customer(w, customers=None) -> pd.Series:
    """Each customer's spend in the last ``holdout_months`` of the window (0 without orders):
    the naive forecast of the hold-out. Orders booked by won deals are left out: the question
    forecasts everyday buying (deals are forecast from the pipeline)."""
    months = w.config.calendar.holdout_months
    orders = w.orders[w.orders.opportunity_id.isna()] if "opportunity_id" in w.orders else w.orders
    recent = orders[orders.ordered_at > w.observed_until - pd.DateOffset(months=months)]
    index = w.customers.customer_id if customers is None else customers
    return recent.groupby("customer_id").net_amount.sum().reindex(index, fill_value=0.0).rename("net_amount")


def _holdout_value_of_top_decile(w) -> pd.Series:
    truth = w.truth.customers.set_index("customer_id")
    return truth.loc[_top_decile(w), "holdout_value"].astype(float).rename("net_amount")


ORDERS_PER_MONTH = Exercise(
    "orders_per_month", "How many orders were placed in each calendar month? A Series indexed by the month "
    "as a period (`.dt.to_period('M')`), in time order.",
    reference=lambda w: _orders_by_month(w).size(),
    mistakes=[
        Mistake("grouped_by_customer", "You grouped by customer instead of by month: group by ordered_at's month.",
                answer=lambda w: w.orders.groupby("customer_id").size()),
        Mistake("summed_amounts", "You summed net_amount; count the orders instead (.size()).",
                answer=lambda w: _orders_by_month(w).net_amount.sum()),
        Mistake("month_of_year", "You grouped by month of the year, which merges the same month of different "
                "years: group by the period (.dt.to_period('M')).",
                answer=lambda w: w.orders.groupby(w.orders.ordered_at.dt.month).size()),
    ])

AOV_LAST_YEAR = Exercise(
    "aov_last_year", "What was the average net order value (`net_amount`) of the orders placed in the calendar "
    "year of `world.observed_until`?",
    reference=lambda w: _orders_in_last_year(w).net_amount.mean(),
    mistakes=[
        Mistake("sum_instead_of_mean", "You summed the order values; the question asks for their average (.mean()).",
                answer=lambda w: _orders_in_last_year(w).net_amount.sum()),
        Mistake("no_date_cutoff", "You averaged every order; keep only the orders of the year of "
                "world.observed_until first.", answer=lambda w: w.orders.net_amount.mean()),
        Mistake("gross_amount", "You averaged gross_amount; what customers paid after discounts is net_amount.",
                answer=lambda w: _orders_in_last_year(w).gross_amount.mean()),
    ])

TOP10_SPENDERS = Exercise(
    "top10_spenders", "Which ten customers spent the most in total (`net_amount`)? A Series indexed by "
    "customer_id with their total spend, biggest first.",
    reference=lambda w: _spend(w).nlargest(10), ordered=True,
    mistakes=[
        Mistake("ranked_by_mean", "You ranked by average order value (mean); the question asks for total spend (sum).",
                answer=lambda w: w.orders.groupby("customer_id").net_amount.mean().nlargest(10)),
        Mistake("gross_amount", "You summed gross_amount; total spend is what customers paid: net_amount.",
                answer=lambda w: w.orders.groupby("customer_id").gross_amount.sum().nlargest(10)),
    ])

BEST_CUSTOMERS_FORECAST = Exercise(
    "best_customers_forecast", "Forecast: how much (`net_amount`) will each of your best customers (the "
    "`len(world.customers) // 10` customers with the highest total spend) spend in the hold-out period, the "
    "`world.config.calendar.holdout_months` months after `world.observed_until`, on everyday orders (leave out "
    "the orders won deals booked, those with an `opportunity_id`: the sales pipeline forecasts them)? A Series "
    "indexed by customer_id. "
    "Scored by your instructor against what each really spent, by its error compared with the naive forecast "
    "(each one's everyday spend in the last `holdout_months` months): as good or better earns all the points.",
    reference=_holdout_value_of_top_decile, uses_truth=True, rtol=0.2,
    mistakes=[
        Mistake("whole_window", "You gave what they spent over the whole observation window; the forecast is for "
                "the hold-out period only, which is much shorter.",
                answer=lambda w: _spend(w).loc[_top_decile(w)].astype(float)),
        Mistake("every_customer", "You forecast for every customer; keep only the top 10 % by total spend.",
                answer=lambda w: _recent_spend_by_customer(w)),
    ])

RFM_BASICS = Assignment(
    name="rfm-basics", title="RFM basics: orders, order value, best customers", case="pschse", customers=1500,
    notebook="rfm-basics.ipynb", topic="first steps: orders, order value, best customers (RFM)",
    hand_in="the notebook, run from the top",
    exercises=(ORDERS_PER_MONTH, AOV_LAST_YEAR, TOP10_SPENDERS, BEST_CUSTOMERS_FORECAST),
    points={"orders_per_month": 2, "aov_last_year": 2, "top10_spenders": 3, "best_customers_forecast": 3},
    benchmarks={"best_customers_forecast": lambda w: _recent_spend_by_customer(w, _top_decile(w))})

#: The shipped assignments by name: rfm-basics, then every folder in crmkit/teach/data/assignments/.
ASSIGNMENTS = MappingProxyType({a.name: a for a in (RFM_BASICS, *folder_assignments())})


def get_assignment(name: str) -> Assignment:
    """The shipped assignment called ``name``.

    >>> get_assignment("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: assignment template 'nope' is not shipped: one of ...
    """
    if name not in ASSIGNMENTS:
        raise ConfigError(f"assignment template {name!r} is not shipped: {describe_allowed(ASSIGNMENTS)}")
    return ASSIGNMENTS[name]
