"""Exercises of the IDIC lesson: the right answer passes on two seeds, and each typical wrong
answer, written as a learner would write it, gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics import basket_matrix, evaluate_recommendations, popular_items, purchases, recommend_for
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.idic import recommendation_cutoff
from tests.teach.lessons.helpers import assert_mistakes

SEEDS = (1, 2)


@lru_cache(maxsize=2)
def make_world(seed: int):
    return ck.simulate("pschse", customers=2000, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture(scope="module")
def lesson(world):
    return checks("idic", world)



def test_every_mistake_is_distinguishable_on_this_world(lesson):
    assert lesson.validate()["distinguishable"].all()


def test_top_fifth_revenue_share(lesson, world):
    orders = world.orders
    spend = orders.groupby("customer_id")["net_amount"].sum().sort_values(ascending=False)
    top = spend.head(int(0.2 * len(spend)))
    right = top.sum() / spend.sum()
    by_orders = orders.groupby("customer_id").size().sort_values(ascending=False).head(len(top))
    messages = assert_mistakes(lesson, "top_fifth_revenue_share", right, {
        "all_customers": spend.head(int(0.2 * len(world.customers))).sum() / spend.sum(),
        "ranked_by_orders": spend.reindex(by_orders.index).sum() / spend.sum(),
        "share_of_orders": orders.groupby("customer_id").size().reindex(top.index).sum() / len(orders),
        "customer_share": 0.2,
    })
    assert "buyers" in messages["all_customers"]
    # one customer more at the boundary is still right (the question's rounding is easy to miss)
    assert lesson.check("top_fifth_revenue_share", spend.head(len(top) + 1).sum() / spend.sum()).correct


def test_contacted_vs_control(lesson, world):
    members = world.campaign_members
    responded = members["status"] == "responded"
    rates = responded.groupby(members["in_control_group"]).mean()
    right = rates[False] - rates[True]
    clicked = members["status"].isin(["clicked", "responded"]).groupby(members["in_control_group"]).mean()
    per_campaign = responded.groupby([members["campaign_id"], members["in_control_group"]]).mean().unstack()
    messages = assert_mistakes(lesson, "contacted_vs_control", right, {
        "contacted_only": rates[False],
        "reversed": rates[True] - rates[False],
        "clicked": clicked[False] - clicked[True],
        "mean_of_campaigns": (per_campaign[False] - per_campaign[True]).mean(),
    })
    assert "control" in messages["contacted_only"]


def test_recommendation_hit_rate(lesson, world):
    orders, items, products = world.orders, world.order_items, world.products["product_id"]
    cutoff = recommendation_cutoff(world)
    assert cutoff == pd.Timestamp(year=world.observed_until.year, month=7, day=1)
    before = purchases(orders, items, end=cutoff)
    later = purchases(orders, items, start=cutoff)
    baskets = basket_matrix(before, products=products)
    everything = basket_matrix(purchases(orders, items), products=products)

    def hit_rate(recs, earlier=before):
        return evaluate_recommendations(recs, later, earlier)["hit_rate"]

    right = hit_rate(recommend_for(baskets.index, baskets, k=3))
    messages = assert_mistakes(lesson, "recommendation_hit_rate", right, {
        "leak": hit_rate(recommend_for(baskets.index, everything, k=3)),
        "no_earlier": hit_rate(recommend_for(baskets.index, baskets, k=3), earlier=None),
        "best_sellers": hit_rate(popular_items(baskets.index, baskets, k=3)),
        "one_product": hit_rate(recommend_for(baskets.index, baskets, k=1)),
    })
    assert "cut-off" in messages["leak"]


# --- interact: what the top fifth call about (issue 20, topic 66) ---------------------------------------


def call_categories(world, cases=None, all_customers=False, normalize=True, down_columns=False):
    spend = world.orders.groupby("customer_id")["net_amount"].sum()
    base = spend.reindex(world.customers["customer_id"], fill_value=0) if all_customers else spend
    top = spend[spend >= base.quantile(0.8)].index
    if down_columns:
        return world.cases["customer_id"].isin(top).groupby(world.cases["reason"], observed=True).mean()
    chosen = world.cases if cases == "all" else world.cases[world.cases["customer_id"].isin(top)]
    return chosen["reason"].value_counts(normalize=normalize)  # categorical: every reason, also those at 0


def test_top_fifth_call_categories(lesson, world):
    right = call_categories(world)
    assert right.sum() == pytest.approx(1.0)
    messages = assert_mistakes(lesson, "top_fifth_call_categories", right, {
        "all_cases": call_categories(world, cases="all"),
        "counts_not_shares": call_categories(world, normalize=False),
        "share_of_reason": call_categories(world, down_columns=True),
        "all_customers_percentile": call_categories(world, all_customers=True),
    })
    assert "never bought" in messages["all_customers_percentile"]


def test_the_best_customers_call_more_about_late_deliveries(lesson, world):
    """They order more, so more of their orders can arrive late: a need the desk hears first."""
    everyone = call_categories(world, cases="all")
    assert lesson.expected("top_fifth_call_categories")["late_delivery"] > everyone["late_delivery"]
