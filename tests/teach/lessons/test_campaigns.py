"""The campaigns lesson's exercises: a learner's right answer passes on two worlds, and each
typical wrong answer, computed the way a learner would, gets its own message naming the step."""

import pandas as pd
import pytest

import crmkit as ck
from crmkit.teach.lessons.campaigns import EXERCISES
from tests.analytics.conftest import _world

SEEDS = (7, 21)


@pytest.fixture(scope="module", params=SEEDS)
def world(request):
    return _world("pschse", 2500, request.param)


@pytest.fixture(scope="module")
def checks(world):
    return ck.teach.lessons.checks("campaigns", world)


# --- learners' answers, written as a learner would write them ------------------------------------------


def roi(world, revenue_members=None, contacted_members=None, fixed=True):
    members = world.campaign_members
    treated = members[~members["in_control_group"]]
    revenue_from = treated if revenue_members is None else revenue_members
    net = revenue_from["response_order_id"].map(world.orders.set_index("order_id")["net_amount"])
    revenue = net.groupby(revenue_from["campaign_id"]).sum()
    contacts = (treated if contacted_members is None else contacted_members).groupby("campaign_id").size()
    plan = world.campaigns.set_index("campaign_id")
    cost = plan["cost_per_contact"] * contacts + (plan["fixed_cost"] if fixed else 0)
    return ((revenue - cost) / cost).dropna()


def uplift(world, responded=("responded",), sign=1):
    members = world.campaign_members.assign(responded=world.campaign_members["status"].isin(responded))
    rates = members.groupby(["campaign_id", "in_control_group"])["responded"].mean().unstack()
    return (sign * (rates[False] - rates[True])).dropna()


def last_touch(world, column="is_last", value="net_amount"):
    pairs = ck.analytics.order_touchpoints(world.interactions, world.orders, window_days=30)
    chosen = pairs[pairs[column]] if column else pairs
    return chosen.groupby("channel")[value].sum() if value else chosen.groupby("channel").size()


def test_every_mistake_can_be_told_apart_on_this_world(checks):
    table = checks.validate()
    assert table["distinguishable"].all() and len(table) == sum(len(e.mistakes) for e in EXERCISES)


@pytest.mark.parametrize("name, answer", [
    ("roi_per_campaign", roi), ("uplift_per_campaign", uplift), ("last_touch_sales", last_touch)])
def test_a_learners_right_answer_is_accepted(checks, world, name, answer):
    result = checks.check(name, answer(world))
    assert result.correct, result.message


WRONG = [
    ("roi_per_campaign", "control_revenue", lambda w: roi(w, revenue_members=w.campaign_members), "control group"),
    ("roi_per_campaign", "control_contact_cost", lambda w: roi(w, contacted_members=w.campaign_members), "contact cost"),
    ("roi_per_campaign", "no_fixed_cost", lambda w: roi(w, fixed=False), "fixed cost"),
    ("roi_per_campaign", "revenue_over_cost", lambda w: roi(w) + 1, "(revenue - cost) / cost"),
    ("uplift_per_campaign", "naive_response_rate",
     lambda w: uplift(w) + _control_rate(w).reindex(uplift(w).index), "subtract"),
    ("uplift_per_campaign", "control_minus_contacted", lambda w: uplift(w, sign=-1), "wrong way round"),
    ("uplift_per_campaign", "clicks_as_responses", lambda w: uplift(w, responded=("clicked", "responded")), "clicks"),
    ("last_touch_sales", "first_touch", lambda w: last_touch(w, "is_first"), "first touchpoint"),
    ("last_touch_sales", "every_touch_full_order", lambda w: last_touch(w, None), "whole order to every touchpoint"),
    ("last_touch_sales", "orders_not_sales", lambda w: last_touch(w, value=None), "counted the orders"),
]


def _control_rate(world) -> pd.Series:
    members = world.campaign_members.assign(responded=world.campaign_members["status"] == "responded")
    return members[members["in_control_group"]].groupby("campaign_id")["responded"].mean()


@pytest.mark.parametrize("name, mistake, answer, words", WRONG, ids=[w[1] for w in WRONG])
def test_a_learners_typical_mistake_is_named(checks, world, name, mistake, answer, words):
    result = checks.check(name, answer(world))
    assert (result.correct, result.mistake) == (False, mistake), result.message
    assert words in result.message


def test_each_known_mistake_gets_its_own_message(checks, world):
    for exercise in EXERCISES:
        messages = set()
        for mistake, answer in exercise.mistake_answers(world, source="truth").items():
            result = checks.check(exercise.name, answer)
            assert result.mistake == mistake
            messages.add(result.message)
        assert len(messages) == len(exercise.mistakes)


def test_an_unknown_wrong_answer_is_told_by_how_much_and_gets_the_hint(checks, world):
    result = checks.check("uplift_per_campaign", uplift(world) * 1.5)
    assert result.status == "wrong_value" and "1.50 times" in result.message and "Hint" in result.message
