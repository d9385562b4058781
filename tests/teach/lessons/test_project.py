"""The project lesson's exercises on two plans (the PSCHSE plan and a variant with other rates,
availability and estimates): right answers, written another way than the references, pass;
each typical wrong answer, written as a learner would write it, gets its own message."""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import pandas as pd
import pytest

from crmkit import planning as pl
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.project import STATUS, plan_case, why_views


@lru_cache(maxsize=2)
def make_plan(variant: str):
    plan = pl.load_plan("pschse")
    if variant == "pschse":
        return plan
    # Another firm's integrator (cheaper, two consultants), a dearer Ben, and longer requirements.
    people = tuple(dataclasses.replace(p, rate=120, max_units=2.0) if p.name == "Integrator"
                   else dataclasses.replace(p, rate=95) if p.name == "Ben" else p for p in plan.people)
    table = pl.plan_to_table(plan)
    longer = table["wbs_code"].isin(["4.1.2", "4.3.1"])
    table.loc[longer, ["optimistic", "most_likely", "pessimistic"]] += 2
    return pl.plan_from_table(table, start=plan.start, launch=plan.launch, launch_milestone=plan.launch_milestone,
                              calendar=plan.calendar, name="variant", people=people)


@pytest.fixture(params=["pschse", "variant"], scope="module")
def plan(request):
    return make_plan(request.param)


@pytest.fixture(scope="module")
def exercises(plan):
    return checks("project", plan_case(plan))


def _hours_by_person(plan):
    rows = pl.plan_to_table(plan)
    rows = rows[rows["resources"] != ""].assign(person=lambda t: t["resources"].str.split("; "))
    rows["share"] = rows["effort_hours"].astype(float) / rows["person"].str.len()
    return rows.explode("person")


def _phase_cost(plan, hours_column):
    rows = _hours_by_person(plan)
    rates = {p.name: p.rate for p in plan.people}
    cost = rows[hours_column] * rows["person"].map(rates)
    return cost.groupby(rows["wbs_code"].str.split(".").str[0]).sum()


def _working_days(plan, earlier, later):
    return plan.calendar.offset_of(earlier.date(), later.date())


def _levelling(plan):
    levelled = pl.level(plan)
    code = plan.launch_milestone
    return levelled, levelled.before.finish_of(code), levelled.schedule.finish_of(code)


def _tracking(plan):
    code = plan.launch_milestone
    return pl.set_baseline(plan).finish_of(code), pl.schedule(pl.tracked_update(plan, STATUS)).finish_of(code)


RIGHT = {
    "cost_by_phase": lambda p: _phase_cost(p, "share"),
    "levelling_slip": lambda p: _working_days(p, *_levelling(p)[1:]),
    "go_live_variance": lambda p: _working_days(p, *_tracking(p)),
    "views_for_audiences": lambda p: pd.Series(["timeline", "gantt_wbs", "tracking_gantt"],
                                               index=["sponsor", "team", "steering_group"]),
}


def _view(**changes):
    return lambda p: pd.Series({"team": "gantt_wbs", "steering_group": "tracking_gantt", "sponsor": "timeline",
                                **changes})


WRONG = {
    "cost_by_phase": [
        ("not_shared", "share it among the people", lambda p: _phase_cost(
            p, "effort_hours").astype(float)),
        ("first_person_only", "first person's rate", lambda p: _hours_by_person(p).drop_duplicates("wbs_code").pipe(
            lambda r: (r["effort_hours"].astype(float) * r["person"].map({x.name: x.rate for x in p.people}))
            .groupby(r["wbs_code"].str.split(".").str[0]).sum())),
        ("duration_not_work", "Duration x units = work", lambda p: _hours_by_person(p).pipe(
            lambda r: (r["most_likely"].astype(float) * 8 * r["person"].map({x.name: x.rate for x in p.people}))
            .groupby(r["wbs_code"].str.split(".").str[0]).sum())),
    ],
    "levelling_slip": [
        ("largest_delay", "largest delay", lambda p: pl.level(p).delay.max()),
        ("calendar_days", "calendar days", lambda p: (lambda d: (d[2] - d[1]).days)(_levelling(p))),
        ("reversed", "wrong sign", lambda p: -_working_days(p, *_levelling(p)[1:])),
    ],
    "go_live_variance": [
        ("sum_of_slips", "do not simply add", lambda p: sum(STATUS[c] - p.task(c).estimate.most_likely for c in STATUS)),
        ("reversed_variance", "wrong sign", lambda p: -_working_days(p, *_tracking(p))),
        ("calendar_days_variance", "calendar days", lambda p: (lambda a, b: (b - a).days)(*_tracking(p))),
    ],
    "views_for_audiences": [
        ("sponsor_detail", "Timeline of the key milestones", _view(sponsor="gantt_wbs")),
        ("team_without_work", "hides the work itself", _view(team="timeline")),
        ("steering_without_baseline", "cannot see what moved", _view(steering_group="gantt_wbs")),
        ("network_for_decisions", "not for decisions", _view(steering_group="network_diagram")),
        ("network_for_the_team", "not the outline", _view(team="network_diagram")),
    ],
}


def test_the_mistake_catalogue_is_distinguishable(exercises):
    assert exercises.validate()["distinguishable"].all()


def test_the_two_plans_give_different_answers():
    one, two = (checks("project", plan_case(make_plan(v))).answer_key() for v in ("pschse", "variant"))
    assert not one["cost_by_phase"].equals(two["cost_by_phase"])
    assert (one["levelling_slip"], one["go_live_variance"]) != (two["levelling_slip"], two["go_live_variance"])


@pytest.mark.parametrize("name", list(RIGHT))
def test_right_answers_pass(exercises, plan, name):
    result = exercises.check(name, RIGHT[name](plan))
    assert result.correct, result.message


@pytest.mark.parametrize("name", list(WRONG))
def test_each_typical_mistake_gets_its_own_message(exercises, plan, name):
    messages = set()
    for mistake, words, wrong in WRONG[name]:
        result = exercises.check(name, wrong(plan))
        assert result.status == "mistake" and result.mistake == mistake, (mistake, result.message)
        assert words in result.message
        messages.add(result.message)
    assert len(messages) == len(WRONG[name])


def test_the_views_check_explains_every_choice():
    text = why_views(pd.Series({"team": "network_diagram", "steering_group": "tracking_gantt", "sponsor": "timeline"}))
    lines = text.splitlines()
    assert len(lines) == 3 and lines[0].startswith("team: network_diagram (the lesson recommends gantt_wbs)")
    assert "(right)" in lines[1] and "baseline" in lines[1] and "(right)" in lines[2]


def test_an_unknown_wrong_answer_is_told_what_differs(exercises):
    assert exercises.check("levelling_slip", 1234.0).status == "wrong_value"
    assert exercises.check("cost_by_phase", pd.Series({"1": 5.0})).status == "wrong_form"
