"""Exercises of the model-company lessons (notebooks/12_case_*.ipynb and
13_model_companies_compared.ipynb).

Two exercises compare a company's world with its main strategy lever on and off; bind them
to the worlds of :func:`crmkit.explore.case_worlds`, which read like the world as run with
the world without the lever under ``off_<table>`` names::

    worlds = ck.explore.case_worlds("tesco", customers=2000, seed=SEED)
    checks = ck.teach.lessons.checks("cases", worlds)

The others read one world (a case's world as run, or any company's world): how
concentrated revenue is, how much of it is left after costs, and where the company is weak
in its customers' comments (:mod:`crmkit.teach.lessons.cases_feedback`). Two read the learner's own
journey with a company beside the world (:mod:`crmkit.teach.lessons.cases_journey`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError
from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.cases_feedback import WEAKEST_TOPIC
from crmkit.teach.lessons.cases_journey import JOURNEY_PHASE, JOURNEY_SPEND_PERCENTILE

__all__ = ["EXERCISES", "orders_per_customer", "retention", "top_decile_share", "contribution_margin"]


class _Off:
    """The world without the lever, read from the ``off_<table>`` tables of a case-worlds view."""

    def __init__(self, view):
        if "off_orders" not in view.tables:
            raise ConfigError("this exercise compares the lever on and off: bind the checks to the worlds of "
                              "ck.explore.case_worlds(case, ...), not to a single world")
        self._view = view
        self.observed_until = view.observed_until  # both worlds share the calendar

    def __getattr__(self, name: str) -> pd.DataFrame:
        return self._view.tables[f"off_{name}"]


def _as_percent(reference, rtol: float = 1e-3):
    """A mistake test: the answer is the right figure times 100."""
    def matches(answer, world) -> bool:
        expected = float(reference(world))
        return expected != 0 and bool(np.isclose(float(answer), 100 * expected, rtol=rtol))
    return matches


# --- what the lever does: orders per customer ---------------------------------------------------


def orders_per_customer(w) -> float:
    """Orders in the observed years per customer (every customer counts, buyers or not)."""
    return len(w.orders) / len(w.customers)


def _per_buyer(w) -> float:
    return len(w.orders) / w.orders["customer_id"].nunique()


def _relative_orders_change(answer, w) -> bool:
    """The relative change of orders per customer, as a fraction or in percent."""
    change = orders_per_customer(w) / orders_per_customer(_Off(w)) - 1
    return any(bool(np.isclose(float(answer), scale * change, rtol=1e-4)) for scale in (1, 100))


def _orders_effect(w) -> float:
    return orders_per_customer(w) - orders_per_customer(_Off(w))


ORDERS_EFFECT = Exercise(
    "orders_effect",
    "What does the strategy do to how often customers buy? Compute **orders per customer** (every customer "
    "counts, buyers or not) in the world **with** the lever (`worlds.on`) and **without** it (`worlds.off`), "
    "and give the **difference, with minus without**.",
    reference=_orders_effect,
    mistakes=[
        Mistake("reversed", "You subtracted the world with the lever from the world without it. The effect of the "
                "strategy is with minus without: positive when the lever brings more orders.",
                answer=lambda w: -_orders_effect(w)),
        Mistake("total_orders", "You compared the total numbers of orders. Divide each world's orders by its number "
                "of customers first, then take the difference of orders per customer.",
                answer=lambda w: float(len(w.orders) - len(_Off(w).orders))),
        Mistake("per_buyer", "You divided by the customers who ordered (buyers). The question counts every "
                "customer, buyers or not: divide by len(customers).",
                answer=lambda w: _per_buyer(w) - _per_buyer(_Off(w))),
        Mistake("relative", "You gave the relative change (with / without - 1). The question asks for the "
                "difference in orders per customer, with minus without.", matches=_relative_orders_change),
    ])


# --- what the lever does: retention ----------------------------------------------------------------


def _buyers_in(w, year: int) -> pd.Index:
    orders = w.orders
    return pd.Index(orders.loc[orders["ordered_at"].dt.year == year, "customer_id"].unique())


def retention(w) -> float:
    """Share of the buyers of the year before the last observed year who bought again in the last one."""
    year = w.observed_until.year
    before = _buyers_in(w, year - 1)
    return float(before.isin(_buyers_in(w, year)).mean())


def _count_ratio(w) -> float:
    year = w.observed_until.year
    return len(_buyers_in(w, year)) / len(_buyers_in(w, year - 1))


def _per_customer_kept(w) -> float:
    year = w.observed_until.year
    return float(_buyers_in(w, year - 1).isin(_buyers_in(w, year)).sum() / len(w.customers))


def _retention_effect(w) -> float:
    return retention(w) - retention(_Off(w))


RETENTION_EFFECT = Exercise(
    "retention_effect",
    "What does the strategy do to retention? **Retention** here is the share of the customers who bought in the "
    "year before the last observed year (`world.observed_until.year - 1`) who **bought again** in the last one. "
    "Compute it with the lever (`worlds.on`) and without (`worlds.off`) and give the **difference, with minus "
    "without**, as a share (0.02 for 2 percentage points).",
    reference=_retention_effect,
    mistakes=[
        Mistake("reversed", "You subtracted the world with the lever from the world without it: take with minus "
                "without, so that the answer is positive when the lever keeps more customers.",
                answer=lambda w: -_retention_effect(w)),
        Mistake("count_ratio", "You compared how many customers bought in each year (last year's buyers over the year "
                "before's). Retention follows the same people: of the earlier year's buyers, the share who "
                "bought again.", answer=lambda w: _count_ratio(w) - _count_ratio(_Off(w))),
        Mistake("all_customers", "You divided the customers kept by every customer. Divide by the customers who "
                "bought in the earlier year: only they could be kept.",
                answer=lambda w: _per_customer_kept(w) - _per_customer_kept(_Off(w))),
        Mistake("percent", "Right figure, wrong unit: give the difference as a share (0.02), not in percentage "
                "points (2).", matches=_as_percent(_retention_effect)),
    ])


# --- one world: how concentrated is revenue? -------------------------------------------------------


def _top_share(spend: pd.Series, n: int) -> float:
    """Revenue share of the ``n`` (at least one) biggest spenders (ties do not change the sum)."""
    return float(spend.sort_values(ascending=False).iloc[: max(n, 1)].sum() / spend.sum())


def _spend(w) -> pd.Series:
    return w.orders.groupby("customer_id")["net_amount"].sum()


def _ranked_by_orders(answer, w) -> bool:
    """Whether ``answer`` is the revenue share of some top 10% by number of orders: many buyers
    tie on their order count, so any way of breaking the tie at the cut-off counts."""
    spend = _spend(w)
    count = w.orders.groupby("customer_id").size().reindex(spend.index)
    n = max(int(0.1 * len(spend)), 1)
    cut = count.sort_values(ascending=False).iloc[n - 1]
    above, tied = spend[count > cut].sum(), spend[count == cut].sort_values()
    k = n - int((count > cut).sum())
    low, high = (above + tied.iloc[:k].sum()) / spend.sum(), (above + tied.iloc[-k:].sum()) / spend.sum()
    return bool(low * (1 - 1e-4) <= float(answer) <= high * (1 + 1e-4))


def top_decile_share(w) -> float:
    """Share of revenue from the int(0.1 * buyers) buyers who spent most."""
    spend = _spend(w)
    return _top_share(spend, int(0.1 * len(spend)))


TOP_DECILE = Exercise(
    "top_decile_share",
    "Not all customers are equal. In the world as the company runs it, add up each **buyer's** `net_amount` over "
    "`orders`, take the **10% of buyers who spent most** (`int(0.1 * number_of_buyers)` of them) and give the "
    "**share of all revenue** they bring, between 0 and 1.",
    reference=top_decile_share,
    rtol=5e-3,  # int() or round() for the 10% cut-off moves the share by about one buyer's spend
    mistakes=[
        Mistake("by_orders", "You took the 10% with the most orders. The best customers by value are those who "
                "spent most: rank the buyers by their summed net_amount.",
                matches=_ranked_by_orders),
        Mistake("ten_customers", "You took the ten biggest buyers. The question asks for the top 10% of buyers: "
                "int(0.1 * number_of_buyers) of them.", answer=lambda w: _top_share(_spend(w), 10)),
        Mistake("all_customers", "You sized the 10% on every customer, including those who never ordered. Count the "
                "buyers (customers with an order) for the 10%.",
                matches=lambda a, w: len(w.customers) != len(_spend(w)) and bool(np.isclose(
                    float(a), _top_share(_spend(w), int(0.1 * len(w.customers))), rtol=1e-4))),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(top_decile_share, rtol=5e-3)),
    ])


# --- one world: how much of the revenue is left? ----------------------------------------------------


def contribution_margin(w) -> float:
    """Total contribution over total revenue, from ``customer_costs``."""
    costs = w.customer_costs
    return float(costs["contribution"].sum() / costs["revenue"].sum())


def _mean_of_ratios(w) -> float:
    buyers = w.customer_costs[w.customer_costs["revenue"] > 0]
    return float((buyers["contribution"] / buyers["revenue"]).mean())


CONTRIBUTION_MARGIN = Exercise(
    "contribution_margin",
    "Revenue is not profit, and companies of different trades keep very different shares of it. From "
    "`customer_costs`, what share of the **total revenue** is left as **total contribution** (revenue less the "
    "cost of goods and every cost to serve)? Give a share (it can be negative).",
    reference=contribution_margin,
    mistakes=[
        Mistake("gross_margin", "You used gross_margin, which takes off only the cost of goods. Contribution also "
                "takes off the cost to serve (delivery, service, payment, marketing, returns): use the contribution "
                "column.",
                answer=lambda w: float(w.customer_costs["gross_margin"].sum() / w.customer_costs["revenue"].sum())),
        Mistake("mean_of_ratios", "You averaged each customer's own margin, so a customer who spent little counts as "
                "much as one who spent a lot. Divide the total contribution by the total revenue.",
                answer=_mean_of_ratios),
        Mistake("per_customer", "You gave the contribution per customer, an amount of money. The question asks for a "
                "share of revenue: total contribution / total revenue.",
                answer=lambda w: float(w.customer_costs["contribution"].sum() / len(w.customer_costs))),
        Mistake("percent", "Right figure, wrong unit: give a share, not a percentage.",
                matches=_as_percent(contribution_margin)),
    ])


EXERCISES = [ORDERS_EFFECT, RETENTION_EFFECT, TOP_DECILE, CONTRIBUTION_MARGIN, WEAKEST_TOPIC, JOURNEY_SPEND_PERCENTILE,
             JOURNEY_PHASE]
