"""The life-cycle lesson's exercises on real worlds: right answers (written another way than the
references) pass on two seeds; each typical wrong answer, written as a learner would write it,
gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import crmkit as ck
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.lifecycle import DISCOUNT_RATE, MARGIN
from tests.teach.lessons.helpers import assert_mistakes

SEEDS = (1, 2)
CUT = pd.Timestamp("2026-01-01")  # the end of the last observed day, 31 December 2025


@lru_cache(maxsize=2)
def make_world(seed: int):
    return ck.simulate("pschse", customers=2000, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture
def exercises(world):
    return checks("lifecycle", world)


def in_force(w):
    p = w.truth.phases
    return p[(p["started_at"] < CUT) & ((p["ended_at"] >= CUT) | p["ended_at"].isna())]


def cohorts(w, **options):
    table = ck.analytics.cohort_retention(w.orders, w.observed_until, **options)
    return table[(table["cohort"] >= "2024-01-01") & (table["cohort"] < "2025-01-01")]


def retention(w):
    year = lambda y: set(w.orders.loc[w.orders["ordered_at"].dt.year == y, "customer_id"])  # noqa: E731
    return len(year(2024) & year(2025)) / len(year(2024))


def clv(r, d=DISCOUNT_RATE):
    return float(ck.analytics.simple_clv(MARGIN, r, d))


RIGHT = {
    "phase_mix_at_end": lambda w: in_force(w)["phase"].value_counts(),
    "cohort_month3": lambda w: cohorts(w).loc[lambda t: t["months_since"] == 3].set_index("cohort")["retention"],
    "clv_from_world": lambda w: clv(retention(w)),
    "five_points_more": lambda w: float(ck.analytics.retention_economics(MARGIN, retention(w), DISCOUNT_RATE)
                                        ["clv_change_pct"].iloc[1]),
}

WRONG = {
    "phase_mix_at_end": [
        ("all_rows", "whole history", lambda w: w.truth.phases["phase"].value_counts()),
        ("last_phase", "hold-out", lambda w: w.truth.phases.sort_values("started_at").drop_duplicates(
            "customer_id", keep="last")["phase"].value_counts()),
        ("ended_ignored", "ended_at",
         lambda w: w.truth.phases.loc[w.truth.phases["started_at"] < CUT, "phase"].value_counts()),
    ],
    "cohort_month3": [
        ("month_2", "months_since == 3",
         lambda w: cohorts(w).query("months_since == 2").set_index("cohort")["retention"]),
        ("signup_cohorts", "first order", lambda w: cohorts(w, customers=w.customers).query("months_since == 3")
         .set_index("cohort")["retention"]),
        ("any_of_three_months", "month 3 itself", lambda w: months_1_to_3(w)),
        ("counts", "share of the",
         lambda w: cohorts(w).query("months_since == 3").set_index("cohort")["active_customers"]),
    ],
    "clv_from_world": [
        ("no_discount", "discount", lambda w: MARGIN * retention(w) / (1 - retention(w))),
        ("tenure_times_margin", "expected tenure", lambda w: MARGIN / (1 - retention(w))),
        ("reversed_rate", "came back", lambda w: clv(reversed_retention(w))),
        ("percent_rate", "percentage",
         lambda w: MARGIN * 100 * retention(w) / (1 + DISCOUNT_RATE - 100 * retention(w))),
    ],
    "five_points_more": [
        ("five_percent_of_r", "percentage points", lambda w: 100 * (clv(1.05 * retention(w)) / clv(retention(w)) - 1)),
        ("money_not_percent", "in money", lambda w: clv(retention(w) + 0.05) - clv(retention(w))),
        ("ratio", "Subtract 1", lambda w: clv(retention(w) + 0.05) / clv(retention(w))),
    ],
}


def months_1_to_3(w):
    """Share of each 2024 first-order cohort with an order in months 1, 2 or 3 (a learner's loop-free way)."""
    orders = w.orders.assign(month=w.orders["ordered_at"].dt.to_period("M"))
    first = orders.groupby("customer_id")["month"].min().rename("first")
    orders = orders.join(first, on="customer_id")
    orders["since"] = (orders["month"] - orders["first"]).apply(lambda offset: offset.n)
    members = orders[orders["first"].dt.year == 2024]
    back = members[members["since"].between(1, 3)].groupby("first")["customer_id"].nunique()
    share = (back / members.groupby("first")["customer_id"].nunique()).fillna(0)
    share.index = share.index.to_timestamp()
    return share.rename_axis("cohort")


def reversed_retention(w):
    year = lambda y: set(w.orders.loc[w.orders["ordered_at"].dt.year == y, "customer_id"])  # noqa: E731
    return len(year(2024) & year(2025)) / len(year(2025))


def test_the_mistake_catalogue_is_distinguishable(exercises):
    assert exercises.validate()["distinguishable"].all()


@pytest.mark.parametrize("name", list(RIGHT))
def test_right_answers_pass(exercises, world, name):
    assert world.observed_until.year == 2025  # the answers above write the dates out, as a learner would
    result = exercises.check(name, RIGHT[name](world))
    assert result.correct, result.message


@pytest.mark.parametrize("name", list(WRONG))
def test_each_typical_mistake_gets_its_own_message(exercises, world, name):
    messages = set()
    for mistake, words, wrong in WRONG[name]:
        result = exercises.check(name, wrong(world))
        assert result.status == "mistake" and result.mistake == mistake, (mistake, result.message)
        assert words in result.message
        messages.add(result.message)
    assert len(messages) == len(WRONG[name])


def test_in_an_assignment_the_phase_question_is_recorded_not_checked(world):
    from crmkit.teach import ExerciseSet
    from crmkit.teach.lessons import exercises as lesson_exercises

    graded = ExerciseSet(world, lesson_exercises("lifecycle"), source="observed")
    assert graded.check("phase_mix_at_end", RIGHT["phase_mix_at_end"](world)).status == "recorded"
    assert graded.check("clv_from_world", RIGHT["clv_from_world"](world)).correct


# --- customers not worth keeping (issue 20) -----------------------------------------------------------


def by_reason(w):
    c = w.customer_costs
    lost = c[(c["orders"] > 0) & (c["contribution"] < 0)]
    unpaid = (lost["contribution"] + lost["written_off"] >= 0).sum()
    return pd.Series({"unpaid invoices": unpaid, "cost to serve": len(lost) - unpaid})


def test_unprofitable_buyers_by_reason(exercises, world):
    right = by_reason(world)
    c = world.customer_costs
    lost_all = c[c["contribution"] < 0]
    buyers_lost = c[(c["orders"] > 0) & (c["contribution"] < 0)]
    any_write_off = (buyers_lost["written_off"] > 0).sum()
    messages = assert_mistakes(exercises, "unprofitable_by_reason", right, {
        "non_buyers": pd.Series({"unpaid invoices": right["unpaid invoices"],
                                 "cost to serve": len(lost_all) - right["unpaid invoices"]}),
        "any_write_off": pd.Series({"unpaid invoices": any_write_off, "cost to serve": len(buyers_lost) - any_write_off}),
        "shares": right / right.sum(),
    })
    assert "orders > 0" in messages["non_buyers"]


def test_replacement_cost_of_the_lost_customers(exercises, world):
    year = 2025
    before = set(world.orders.loc[world.orders["ordered_at"].dt.year == year - 1, "customer_id"])
    last = set(world.orders.loc[world.orders["ordered_at"].dt.year == year, "customer_id"])
    lost = len(before - last)
    never = len(set(world.customers["customer_id"]) - last)
    messages = assert_mistakes(exercises, "replacement_cost", lost * 20 * 5.0, {
        "kept_not_lost": len(before & last) * 20 * 5.0,
        "keeping_cost": lost * 5.0,
        "low_multiple": lost * 5 * 5.0,
        "never_bought": never * 20 * 5.0,
    })
    assert "never bought" in messages["never_bought"] and "20" in messages["keeping_cost"]
