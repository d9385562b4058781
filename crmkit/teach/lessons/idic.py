"""Exercises of the lesson on IDIC (notebooks/04_idic.ipynb).

Differentiate (how concentrated value is), interact (what contacts changed, against the
control group, and what the best customers call the service desk about) and customise (recommendations tested on later purchases, with an honest
cut-off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.recommend import (basket_matrix, evaluate_recommendations, item_similarity, popular_items,
                                        purchases, recommend_for)
from crmkit.teach import Exercise, Mistake

__all__ = ["EXERCISES", "recommendation_cutoff"]


# --- differentiate: the top fifth of buyers ------------------------------------------------------------


def _top_share(spend: pd.Series, base: int, numerator: pd.Series | None = None) -> float:
    """Share of ``numerator`` (default: spend) held by the int(0.2 * base) highest spenders."""
    ranked = spend.rename("value").reset_index().sort_values(["value", "customer_id"], ascending=[False, True])
    top = ranked["customer_id"].head(int(0.2 * base))
    numerator = spend if numerator is None else numerator
    return float(numerator.reindex(top).sum() / numerator.sum())


def _spend(w, column: str = "net_amount") -> pd.Series:
    return w.orders.groupby("customer_id")[column].sum()


def _ranked_by_orders(answer, w) -> bool:
    """Whether ``answer`` is the top fifth by number of orders, however the many ties in order
    counts were broken (from the smallest to the largest spenders among the tied)."""
    counts, spend = w.orders.groupby("customer_id").size(), _spend(w)
    n = int(0.2 * len(spend))
    shares = []
    for ascending in (True, False):
        ranked = pd.DataFrame({"orders": counts, "spend": spend}).sort_values(["orders", "spend"],
                                                                             ascending=[False, ascending])
        shares.append(spend.reindex(ranked.index[:n]).sum() / spend.sum())
    return min(shares) - 1e-9 <= float(answer) <= max(shares) + 1e-9


TOP_FIFTH = Exercise(
    "top_fifth_revenue_share",
    "Differentiate by value: rank the **buyers** (customers with at least one order) by their total `net_amount`. "
    "What **share of all net revenue** comes from the top 20% of them (the first `int(0.2 * number_of_buyers)`)? "
    "Give a share between 0 and 1.",
    reference=lambda w: _top_share(_spend(w), len(_spend(w))),
    rtol=2e-3,  # one customer more or less at the boundary changes the share by about 0.1%
    mistakes=[
        Mistake("all_customers", "You took 20% of *all* customers, including those who never bought. The question "
                "ranks the buyers: count the customers in orders, not in customers.",
                answer=lambda w: _top_share(_spend(w), len(w.customers))),
        Mistake("ranked_by_orders", "You ranked the buyers by their number of orders. Differentiating by value "
                "ranks them by what they spent: sum net_amount per customer.", matches=_ranked_by_orders),
        Mistake("share_of_orders", "You gave the top fifth's share of the *orders*; the question asks for its share "
                "of the revenue.", matches=lambda a, w: np.isclose(float(a), _top_share(
                    _spend(w), len(_spend(w)), w.orders.groupby("customer_id").size()), rtol=2e-3)),
        Mistake("customer_share", "0.2 is the share of the buyers in the top group, not their share of revenue: sum "
                "their net_amount and divide by the total.", matches=lambda a, w: np.isclose(float(a), 0.2)),
    ])


# --- interact: contacted against control ------------------------------------------------------------


def _members(w) -> pd.DataFrame:
    members = w.campaign_members
    return members.assign(responded=members["status"].astype(str).eq("responded"),
                          control=members["in_control_group"].astype(bool))


def pooled_uplift(w) -> float:
    rates = _members(w).groupby("control")["responded"].mean()
    return float(rates[False] - rates[True])


def _mean_of_campaigns(w) -> float:
    rates = _members(w).groupby(["campaign_id", "control"])["responded"].mean().unstack()
    return float((rates[False] - rates[True]).mean())


def _clicked_uplift(w) -> float:
    members = _members(w)
    acted = members["status"].astype(str).isin(["clicked", "responded"])
    rates = acted.groupby(members["control"]).mean()
    return float(rates[False] - rates[True])


POOLED_UPLIFT = Exercise(
    "contacted_vs_control",
    "Interact, and learn from it: pool the members of every campaign (`campaign_members`). What is the "
    "**response rate of the contacted members minus that of the control group** (`in_control_group`)? "
    "A member responded when `status` is `'responded'` (bought within the campaign window). Give a number "
    "(e.g. 0.05 for five points).",
    reference=pooled_uplift,
    mistakes=[
        Mistake("contacted_only", "That is the response rate of the contacted members alone. Some of them would "
                "have bought anyway: subtract the control group's rate.",
                answer=lambda w: float(_members(w).query("not control")["responded"].mean())),
        Mistake("reversed", "You subtracted the other way round: contacted minus control.",
                answer=lambda w: -pooled_uplift(w)),
        Mistake("clicked", "You counted clicks as responses. Only a purchase in the window ('responded') is a "
                "response; control members are never sent anything, so they cannot click.", answer=_clicked_uplift),
        Mistake("mean_of_campaigns", "You averaged the campaigns' own differences, so a campaign of 20 members "
                "weighs as much as one of 500. Pool all the members first, then compare the two groups.",
                answer=_mean_of_campaigns),
    ])


# --- customise: recommendations tested after a cut-off ---------------------------------------------------

def recommendation_cutoff(w) -> pd.Timestamp:
    """The day recommendations are learnt before and tested from: 1 July of the world's last
    observed year, so the lesson follows any case's calendar."""
    return pd.Timestamp(year=w.observed_until.year, month=7, day=1)


def _hit_rate(w, learn_all: bool = False, k: int = 3, with_earlier: bool = True, popular: bool = False,
              method: str = "also_bought") -> float:
    cutoff = recommendation_cutoff(w)
    before = purchases(w.orders, w.order_items, end=None if learn_all else cutoff)
    later = purchases(w.orders, w.order_items, start=cutoff)
    baskets = basket_matrix(before, products=w.products["product_id"])
    customers = basket_matrix(purchases(w.orders, w.order_items, end=cutoff)).index
    if popular:
        recs = popular_items(customers, baskets, k=k)
    else:
        recs = recommend_for(customers, baskets, item_similarity(baskets, method), k=k)
    earlier = purchases(w.orders, w.order_items, end=cutoff) if with_earlier else None
    return float(evaluate_recommendations(recs, later, earlier)["hit_rate"])


HIT_RATE = Exercise(
    "recommendation_hit_rate",
    "Customise: learn item-to-item recommendations from the purchases **before the cut-off**, 1 July of the "
    "world's last observed year (`cutoff = pd.Timestamp(year=world.observed_until.year, month=7, day=1)`) "
    "(`purchases(..., end=...)`, `basket_matrix(..., products=world.products['product_id'])`), recommend "
    "**3 products** (`recommend_for`, default similarity) to every customer who bought before the cut-off, and "
    "score them with `evaluate_recommendations` against the purchases **from the cut-off on**, passing the "
    "earlier purchases as `earlier`. What is the **hit rate**?",
    reference=_hit_rate,
    mistakes=[
        Mistake("leak", "Your recommendations learnt from every purchase, including those after the cut-off that "
                "they are then tested on: the test peeks at the answers. Build the basket from purchases before "
                "the cut-off only.", answer=lambda w: _hit_rate(w, learn_all=True)),
        Mistake("no_earlier", "You did not pass the earlier purchases, so buying again a product one already had "
                "counts as a hit. Pass earlier= the purchases before the cut-off.",
                answer=lambda w: _hit_rate(w, with_earlier=False)),
        Mistake("best_sellers", "That is the hit rate of recommending the best sellers (popular_items), the naive "
                "baseline. The question asks for recommend_for.", answer=lambda w: _hit_rate(w, popular=True)),
        Mistake("one_product", "You recommended one product per customer; the question asks for three (k=3).",
                answer=lambda w: _hit_rate(w, k=1)),
    ])


# --- interact: what the best customers call about ---------------------------------------------------------


def _top_buyers(w, all_customers: bool = False) -> pd.Index:
    """The buyers whose total net_amount is at or above the 80th percentile (ties all in)."""
    spend = _spend(w)
    base = spend.reindex(w.customers["customer_id"], fill_value=0.0) if all_customers else spend
    return spend.index[spend >= base.quantile(0.8)]


def _reasons(cases: pd.DataFrame, how: str = "share") -> pd.Series:
    counts = cases["reason"].astype(str).value_counts()
    values = counts / counts.sum() if how == "share" else counts
    return pd.Series(values.to_numpy(dtype=float), index=pd.Index(values.index, name="reason")).sort_index()


def top_fifth_call_categories(w) -> pd.Series:
    return _reasons(w.cases[w.cases["customer_id"].isin(_top_buyers(w))])


def _share_of_reason(w) -> pd.Series:
    mine = w.cases["customer_id"].isin(_top_buyers(w))
    reason = w.cases["reason"].astype(str)
    values = mine.groupby(reason).mean()
    return pd.Series(values.to_numpy(dtype=float), index=pd.Index(values.index, name="reason"))


CALL_CATEGORIES = Exercise(
    "top_fifth_call_categories",
    "Interact, and listen: the **top fifth** of buyers are those whose total `net_amount` is at or above the 80th "
    "percentile of the buyers' totals (`spend.quantile(0.8)`, ties included). Of the **cases** they opened, what "
    "share is about each recorded `reason`? Give a Series indexed by reason (the reasons of their cases), summing "
    "to 1.",
    reference=top_fifth_call_categories,
    mistakes=[
        Mistake("all_cases", "You split every case by reason. The question listens to the top fifth only: keep the "
                "cases of the buyers at or above the 80th percentile.", answer=lambda w: _reasons(w.cases)),
        Mistake("counts_not_shares", "You counted the cases per reason; the question asks for each reason's share "
                "of the top fifth's cases (value_counts(normalize=True)).",
                answer=lambda w: _reasons(w.cases[w.cases["customer_id"].isin(_top_buyers(w))], how="count")),
        Mistake("share_of_reason", "You gave the top fifth's share of each reason's cases (down the columns). The "
                "question asks how the top fifth's own cases split across reasons (shares summing to 1).",
                answer=_share_of_reason),
        Mistake("all_customers_percentile", "You took the 80th percentile over all customers, including those who "
                "never bought (a spend of 0), so the threshold is too low. Rank the buyers only: customers in orders.",
                answer=lambda w: _reasons(w.cases[w.cases["customer_id"].isin(_top_buyers(w, all_customers=True))])),
    ],
    hint="sum net_amount per customer in orders, keep spend >= spend.quantile(0.8), then value_counts(normalize=True) of "
         "their cases' reason.")


EXERCISES = [TOP_FIFTH, POOLED_UPLIFT, CALL_CATEGORIES, HIT_RATE]
