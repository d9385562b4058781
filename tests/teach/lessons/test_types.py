"""Exercises of the CRM-types lesson: the right answer passes on two seeds, and each typical wrong
answer, written as a learner would write it, gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import crmkit as ck
from crmkit.teach.lessons import checks
from tests.teach.lessons.helpers import assert_mistakes

SEEDS = (1, 2)


@lru_cache(maxsize=2)
def make_world(seed: int):
    return ck.simulate("pschse", customers=3000, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture(scope="module")
def lesson(world):
    return checks("types", world)



def test_every_mistake_is_distinguishable_on_this_world(lesson):
    assert lesson.validate()["distinguishable"].all()


def test_unprofitable_buyers(lesson, world):
    costs = world.customer_costs
    buyers = costs.query("orders > 0")
    messages = assert_mistakes(lesson, "unprofitable_buyers", (buyers.contribution < 0).sum() / len(buyers), {
        "all_customers": (costs.contribution < 0).mean(),
        "gross_margin": (buyers.gross_margin < 0).mean(),
        "count": int((buyers.contribution < 0).sum()),
        "percent": round(100 * (buyers.contribution < 0).mean(), 2),
    })
    assert "orders > 0" in messages["all_customers"] and "contribution" in messages["gross_margin"]


def test_open_pipeline_forecast(lesson, world):
    deals = world.opportunities
    open_deals = deals[deals.is_closed == False]  # noqa: E712  (as a learner writes it)
    assert_mistakes(lesson, "open_pipeline_forecast", (open_deals.amount * open_deals.probability).sum(), {
        "unweighted": open_deals.amount.sum(),
        "closed_included": (deals.amount * deals.probability).sum(),
        "mean": (open_deals.amount * open_deals.probability).mean(),
    })
    # the same sum from the pipeline as of the last day (the analytics route) is accepted too
    from crmkit.analytics import pipeline_as_of, weighted_forecast
    pipe = weighted_forecast(pipeline_as_of(world.opportunities, world.opportunity_history, world.observed_until))
    assert lesson.check("open_pipeline_forecast", pipe.weighted_amount.sum()).correct


def test_top20_revenue_share(lesson, world):
    spend = world.orders.groupby("customer_id").net_amount.sum().sort_values(ascending=False)
    n = round(len(spend) * 0.2)  # round() instead of int(): within the tolerance
    orders = world.orders.groupby("customer_id").size().sort_values(ascending=False)
    assert_mistakes(lesson, "top20_revenue_share", spend.head(n).sum() / spend.sum(), {
        "smallest_first": spend.sort_values().head(int(len(spend) * 0.2)).sum() / spend.sum(),
        "all_customers": spend.head(int(0.2 * len(world.customers))).sum() / spend.sum(),
        "by_orders": orders.head(int(len(orders) * 0.2)).sum() / orders.sum(),
        "percent": 100 * spend.head(n).sum() / spend.sum(),
    })


def test_joint_campaign_revenue(lesson, world):
    partner = world.partners.dropna(subset=["joint_campaign_id"]).iloc[0]
    joint = world.orders[world.orders.campaign_id == partner.joint_campaign_id]
    assert_mistakes(lesson, "joint_campaign_revenue", joint.net_amount.sum(), {
        "partner_id": world.orders[world.orders.campaign_id == partner.partner_id].net_amount.sum(),
        "count": len(joint),
        "gross_amount": joint.gross_amount.sum(),
        "every_campaign": world.orders.dropna(subset=["campaign_id"]).net_amount.sum(),
    })


def test_an_unknown_wrong_answer_is_told_what_differs(lesson):
    result = lesson.check("open_pipeline_forecast", 1.0)
    assert result.status == "wrong_value" and "lower" in result.message
    assert lesson.check("unprofitable_buyers", pd.Series([0.1])).status == "wrong_form"


def test_multichannel_customers(lesson, world):
    known = world.interactions[world.interactions.customer_id.notna()]
    channels = known.groupby("customer_id").channel.nunique()
    right = (channels > 1).sum() / len(channels)
    from crmkit.analytics import order_touchpoints
    touches = order_touchpoints(world.interactions, world.orders)
    per_order = touches.groupby("order_id").channel.nunique().reindex(world.orders.order_id, fill_value=0)
    messages = assert_mistakes(lesson, "multichannel_customers", right, {
        "interactions_not_channels": (known.groupby("customer_id").size() > 1).mean(),
        "at_least_one": (channels >= 1).mean(),
        "orders_not_customers": (per_order >= 2).mean(),
        "count": int((channels > 1).sum()),
        "percent": 100 * right,
    })
    assert "nunique" in messages["interactions_not_channels"]
    # a customer reached on one channel only is rare but real: the share is a share, not 1
    assert 0 < right < 1
