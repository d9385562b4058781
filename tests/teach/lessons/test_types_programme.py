"""Exercises of lesson 02 on CRM as a whole programme (strategy, methodology and technology; the
encyclopedia definition): the right answer, written as a learner writes it, passes on two seeds,
and each typical wrong answer gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics.service import DEFAULT_TARGET_DAYS
from crmkit.teach.lessons import checks
from tests.teach.lessons.helpers import assert_mistakes

SEEDS = (1, 2)
ONLINE = ["web", "mobile_app", "email", "social"]


@lru_cache(maxsize=2)
def make_world(seed: int):
    return ck.simulate("pschse", customers=2000, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture(scope="module")
def lesson(world):
    return checks("types", world)


def _segment_figures(world, members, closed_only=True, consent=True):
    segment = world.customers[world.customers.customer_id.isin(members.customer_id)]
    cases = world.cases[world.cases.customer_id.isin(segment.customer_id)]
    days = (cases.closed_at - cases.opened_at).dt.total_seconds() / 86400
    in_time = days <= cases.priority.astype(str).map(DEFAULT_TARGET_DAYS)
    within = in_time[cases.closed_at.notna()].mean() if closed_only else in_time.mean()
    reachable = segment.email.notna() & (segment.email_opt_in if consent else True)
    return pd.Series({"customers": len(segment), "within_target": within, "email_reachable": reachable.mean()})


def test_strategy_method_technology(lesson, world):
    best = world.campaigns.query("targeting_rule == 'best_customers'").campaign_id
    members = world.campaign_members[world.campaign_members.campaign_id.isin(best)]
    contacted = members[~members.in_control_group]
    every = world.campaign_members[~world.campaign_members.in_control_group]
    messages = assert_mistakes(lesson, "strategy_method_technology", _segment_figures(world, contacted), {
        "control_included": _segment_figures(world, members),
        "every_campaign": _segment_figures(world, every),
        "open_cases_missed": _segment_figures(world, contacted, closed_only=False),
        "consent_ignored": _segment_figures(world, contacted, consent=False),
    })
    assert "in_control_group" in messages["control_included"] and "email_opt_in" in messages["consent_ignored"]


def _encyclopedia(world, how="median", hours=False, known=False, call_centre=False):
    closed = world.cases.dropna(subset=["closed_at"])
    days = ((closed.closed_at - closed.opened_at).dt.total_seconds() / 86400).agg(how)
    members = world.campaign_members.query("~in_control_group")
    rules = members.merge(world.campaigns, on="campaign_id").targeting_rule
    interactions = world.interactions.dropna(subset=["customer_id"]) if known else world.interactions
    centre = (world.interactions.channel == "call_centre").mean() if call_centre else (world.cases.origin == "phone").mean()
    return pd.Series({"service_response": 24 * days if hours else days,
                      "one_to_one": (~rules.isin(["random", "all"])).mean(),
                      "online": interactions.channel.isin(ONLINE).mean(), "service_centre": centre})


def test_encyclopedia_measures(lesson, world):
    messages = assert_mistakes(lesson, "encyclopedia_measures", _encyclopedia(world), {
        "mean_days": _encyclopedia(world, how="mean"),
        "hours": _encyclopedia(world, hours=True),
        "known_only": _encyclopedia(world, known=True),
        "call_centre_interactions": _encyclopedia(world, call_centre=True),
    })
    assert "median" in messages["mean_days"] and "origin" in messages["call_centre_interactions"]


def test_an_answer_off_in_one_figure_is_wrong(lesson, world):
    answer = _encyclopedia(world)
    answer["online"] += 0.05
    assert not lesson.check("encyclopedia_measures", answer).correct


def test_the_strategic_segment_is_a_minority_served_by_the_same_desk(world):
    # what the lesson's prose reads from the figures: strategy reached a minority, the service desk
    # closed their cases in time about as often as everyone's, not more often (0.02: sampling noise of a
    # few hundred cases), and more of them can be emailed than of all customers
    from crmkit.analytics.crm_scope import integration_evidence
    evidence = integration_evidence(world.tables)
    assert evidence.loc["segment", "customers"] < 0.5 * evidence.loc["all customers", "customers"]
    assert evidence.loc["segment", "within_target"] < evidence.loc["all customers", "within_target"] + 0.02
    assert evidence.loc["segment", "email_reachable"] > evidence.loc["all customers", "email_reachable"]
