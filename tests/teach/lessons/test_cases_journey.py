"""Exercises on the learner's own journey: the answer depends on the journey bound beside the world and on
the world itself, the right answer computed by hand passes, and each typical slip gets its own message."""

from __future__ import annotations

import pytest

import crmkit as ck
from crmkit.analytics.my_journey import EXAMPLE_JOURNEY
from crmkit.teach import ExerciseSet
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.cases_journey import JOURNEY_PHASE, JOURNEY_SPEND_PERCENTILE
from tests.analytics.conftest import _world
from tests.teach.lessons.helpers import assert_mistakes

CUSTOMERS = 1000


def order(date, amount):
    return {"date": date, "channel": "web", "kind": "order", "amount": amount}


def message(date):
    return {"date": date, "channel": "email", "kind": "message"}


@pytest.fixture(scope="module", params=[("tesco", 1), ("ritz_carlton", 2)], ids=lambda p: f"{p[0]}-seed{p[1]}")
def world(request):
    return _world(request.param[0], CUSTOMERS, request.param[1])


def bound(world, events):
    return checks("cases", ck.analytics.with_journey(world, ck.analytics.journey_frame(events, world)))


def spend_percentile_by_hand(world, events):
    spend = world.orders.groupby("customer_id").net_amount.sum()
    mine = sum(e.get("amount", 0.0) for e in events if e["kind"] == "order")
    return spend, mine, 100 * (spend < mine).mean()


def test_every_value_slip_is_distinguishable_on_this_world(world):
    with_example = ck.analytics.with_journey(world, ck.analytics.journey_frame(EXAMPLE_JOURNEY, world))
    lesson = ExerciseSet(with_example, [JOURNEY_SPEND_PERCENTILE, JOURNEY_PHASE], source="truth")
    assert lesson.validate()["distinguishable"].all()


def test_journey_spend_percentile(world):
    spend, mine, right = spend_percentile_by_hand(world, EXAMPLE_JOURNEY)
    count = world.orders.groupby("customer_id").size()
    messages = assert_mistakes(bound(world, EXAMPLE_JOURNEY), "journey_spend_percentile", right, {
        "share": right / 100,
        "per_order": 100 * (world.orders.net_amount < mine).mean(),
        "spent_more": 100 * (spend > mine).mean(),
        "by_orders": 100 * (count < 5).mean(),
    })
    assert "percentage" in messages["share"] and "per customer_id" in messages["per_order"]


def test_counting_the_customers_who_never_ordered_is_named_where_there_are_some(world):
    spend, mine, _ = spend_percentile_by_hand(world, EXAMPLE_JOURNEY)
    if len(spend) == len(world.customers):
        pytest.skip("every customer of this world ordered: the slip gives the right answer")
    result = bound(world, EXAMPLE_JOURNEY).check("journey_spend_percentile", 100 * (spend < mine).sum() / len(world.customers))
    assert result.mistake == "all_customers"


def test_the_answer_follows_the_journey_bound_and_a_world_alone_reads_the_example(world):
    big = [order("2024-01-05", 1e9)]
    assert bound(world, big).check("journey_spend_percentile", 100.0).correct
    assert not bound(world, big).check("journey_spend_percentile", spend_percentile_by_hand(world, EXAMPLE_JOURNEY)[2]).correct
    assert checks("cases", world).check("journey_spend_percentile", spend_percentile_by_hand(world, EXAMPLE_JOURNEY)[2]).correct


def test_journey_phase_uses_the_worlds_own_thresholds(world):
    rule = world.config.phases
    five = [order(f"2024-0{m}-01", 10.0) for m in range(1, 6)]
    right = "commitment" if 5 >= rule.commitment_after_orders else "expansion"
    lesson = bound(world, five)
    assert lesson.check("journey_phase", right).correct
    assert lesson.check("journey_phase", "loyal").mistake == "not_a_phase"
    # the example reaches commitment in a hotel's world (5 orders) but only expansion in a grocer's (12)
    example = "commitment" if rule.commitment_after_orders <= 5 else "expansion"
    assert checks("cases", world).check("journey_phase", example).correct


def test_journey_phase_names_each_slip():
    ritz = _world("ritz_carlton", CUSTOMERS, 2)  # expansion at the 2nd order, commitment at the 5th
    exactly_five = [order(f"2024-0{m}-01", 10.0) for m in range(1, 6)]
    assert bound(ritz, exactly_five).check("journey_phase", "expansion").mistake == "one_order_late"
    chatty = [order("2024-01-01", 10.0), *[message(f"2024-0{m}-01") for m in range(2, 7)]]
    assert bound(ritz, chatty).check("journey_phase", "commitment").mistake == "every_event"
    gone = [*exactly_five, {"date": "2024-08-01", "channel": "web", "kind": "left"}]
    lesson = bound(ritz, gone)
    assert lesson.check("journey_phase", "dissolution").correct
    assert lesson.check("journey_phase", "commitment").mistake == "ignored_leaving"
