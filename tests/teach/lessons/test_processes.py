"""Exercises of the CRM-processes lesson: the right answer passes on two seeds, and each typical
wrong answer, written as a learner would write it, gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics import nps
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.processes import LIFE_CYCLE_STEPS
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
    return checks("processes", world)



def test_every_mistake_is_distinguishable_on_this_world(lesson):
    assert lesson.validate()["distinguishable"].all()


def test_complaints_per_month(lesson, world):
    cases = world.cases
    complaints = cases[cases.is_complaint]
    right = complaints.groupby(complaints.opened_at.dt.to_period("M")).case_id.count()
    messages = assert_mistakes(lesson, "complaints_per_month", right, {
        "all_cases": cases.groupby(cases.opened_at.dt.to_period("M")).size(),
        "closed_at": complaints.groupby(complaints.closed_at.dt.to_period("M")).size(),
        "month_of_year": complaints.groupby(complaints.opened_at.dt.month).size(),
    })
    assert "opened_at" in messages["closed_at"]


def test_campaign_revenue_by_objective(lesson, world):
    redeemed = world.orders.dropna(subset=["campaign_id"]).merge(world.campaigns, on="campaign_id", suffixes=("", "_campaign"))
    right = redeemed.groupby("objective").net_amount.sum()  # a categorical index with every objective...
    assert lesson.check("campaign_revenue_by_objective", right[right > 0]).correct  # ...those with orders pass
    members = world.campaign_members.dropna(subset=["response_order_id"]).merge(world.campaigns, on="campaign_id")
    members = members.merge(world.orders[["order_id", "net_amount"]], left_on="response_order_id", right_on="order_id")
    assert_mistakes(lesson, "campaign_revenue_by_objective", right[right > 0], {
        "order_count": redeemed.groupby("objective", observed=True).size(),
        "gross_amount": redeemed.groupby("objective", observed=True).gross_amount.sum(),
        "responders": members.groupby("objective", observed=True).net_amount.sum(),
        "by_channel": redeemed.groupby("channel_campaign", observed=True).net_amount.sum(),
    })


def test_nps_by_trigger(lesson, world):
    answers = world.surveys[world.surveys.kind == "nps"]
    def score(table, promoter=9):
        return table.groupby("trigger", observed=True).score.apply(lambda s: ((s >= promoter).mean() - (s <= 6).mean()) * 100)
    right = score(answers)
    pd.testing.assert_series_equal(right.rename("nps").reset_index(drop=True),
                                   nps(world.surveys, by="trigger")["nps"].reset_index(drop=True))  # the kit agrees
    assert_mistakes(lesson, "nps_by_trigger", right, {
        "mean_score": answers.groupby("trigger", observed=True).score.mean(),
        "eight_is_promoter": score(answers, promoter=8),
        "csat_included": score(world.surveys),
        "not_times_100": right / 100,
    })


def moved(positions: pd.Series, changes: dict) -> pd.Series:
    return pd.Series({**positions.to_dict(), **changes})


def test_life_cycle_order(lesson):
    right = pd.Series({step: position for position, step in enumerate(LIFE_CYCLE_STEPS, start=1)})
    shuffled = right.sample(frac=1, random_state=3)  # the order of the entries does not matter
    messages = assert_mistakes(lesson, "life_cycle_order", shuffled, {
        "product_first": moved(right, {"product": 0}),
        "architecture_first": moved(right, {"architecture": 0}),
        "technology_before_processes": pd.Series({"corporate CRM goals": 1, "product": 2, "process changes": 3,
                                                  "functional requirements": 4, "architecture": 5}),
        "architecture_before_requirements": moved(right, {"architecture": 3, "functional requirements": 4}),
        "processes_before_goals": moved(right, {"process changes": 1, "corporate CRM goals": 2}),
    })
    assert "strategy, not a system" in messages["product_first"]
    assert lesson.check("life_cycle_order", right.drop("product")).status == "wrong_form"
