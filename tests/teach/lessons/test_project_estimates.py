"""MS Project's single go-live date against the plan's three-point estimates, on the PSCHSE plan
and on the same plan with every range a quarter wider: the date is read from the exported file,
as a learner reads it; right answers pass, another seed passes, each typical mistake gets its
own message."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from functools import lru_cache

import numpy as np
import pytest

from crmkit import planning as pl
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.project import plan_case
from crmkit.teach.lessons.project_estimates import RUNS, SEED

NS = "{http://schemas.microsoft.com/project}"


@lru_cache(maxsize=2)
def make_plan(variant: str):
    plan = pl.load_plan("pschse")
    return plan if variant == "pschse" else plan.with_estimates(lambda e: e.widened(1.25))


@pytest.fixture(params=["pschse", "wide"], scope="module")
def plan(request):
    return make_plan(request.param)


@pytest.fixture(scope="module")
def exercises(plan):
    return checks("project", plan_case(plan))


@pytest.fixture(scope="module")
def msp_date(plan, tmp_path_factory):
    """The go-live's finish as MS Project shows it: read from the exported MSPDI file."""
    root = ET.parse(pl.write_mspdi(plan, tmp_path_factory.mktemp("msp") / "plan.xml")).getroot()
    task = next(t for t in root.iter(NS + "Task") if t.findtext(NS + "WBS") == plan.launch_milestone)
    return dt.date.fromisoformat(task.findtext(NS + "Finish")[:10])


def _finishes(plan, seed=SEED):
    return pl.simulate(plan, runs=RUNS, seed=seed).dates()


def _p80(plan, seed=SEED):
    return pl.simulate(plan, runs=RUNS, seed=seed).percentile_dates((80,))[80]


def test_the_date_ms_project_shows_is_the_single_point_schedule(plan, msp_date):
    assert msp_date == pl.schedule(plan).finish_of(plan.launch_milestone).date()


def test_right_answers_pass(exercises, plan, msp_date):
    chance = (_finishes(plan) <= np.datetime64(msp_date)).mean()
    assert exercises.check("ms_project_date_chance", chance).correct
    assert exercises.check("ms_project_date_chance", pl.simulate(plan, runs=RUNS, seed=SEED).probability_by(msp_date)).correct
    assert exercises.check("p80_buffer", plan.calendar.offset_of(msp_date, _p80(plan))).correct


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_another_seed_passes_within_the_sampling_error(exercises, plan, msp_date, seed):
    chance = (_finishes(plan, seed) <= np.datetime64(msp_date)).mean()
    assert exercises.check("ms_project_date_chance", chance).correct, chance
    assert exercises.check("p80_buffer", plan.calendar.offset_of(msp_date, _p80(plan, seed))).correct


def test_wider_ranges_lower_the_chance_and_lengthen_the_buffer():
    narrow, wide = (checks("project", plan_case(make_plan(v))).answer_key() for v in ("pschse", "wide"))
    assert wide["ms_project_date_chance"] < narrow["ms_project_date_chance"] - 0.005
    assert wide["p80_buffer"] > narrow["p80_buffer"] + 1


def _wrong(plan, msp_date):
    finishes, day = _finishes(plan), np.datetime64(msp_date)
    chance = (finishes <= day).mean()
    pert = pl.pert_completion(plan)
    offset = pl.schedule(plan).offset_of(plan.launch_milestone)
    p50 = pl.simulate(plan, runs=RUNS, seed=SEED).percentile_dates((50,))[50]
    return {
        # Past about 1.5 times the PSCHSE ranges, fewer than 0.5% of runs finish on MS Project's
        # day itself, so "strictly before" falls inside the tolerance and is taken as right.
        "ms_project_date_chance": [
            ("percent", "percentage", 100 * chance),
            ("chance_of_missing", "chance of missing", (finishes > day).mean()),
            ("strictly_before", "on the day itself", (finishes < day).mean()),
            ("launch_date", "launch date", (finishes <= np.datetime64(plan.launch)).mean()),
            ("pert_normal", "merge bias", 0.5 * (1 + math.erf((offset - pert["mean"]) / pert["sd"] / math.sqrt(2)))),
        ],
        "p80_buffer": [
            ("calendar_days_buffer", "calendar days", (_p80(plan) - msp_date).days),
            ("median_buffer", "P50", plan.calendar.offset_of(msp_date, p50)),
            ("from_the_launch", "from the launch date", plan.calendar.offset_of(plan.launch, _p80(plan))),
            ("pert_buffer", "classic PERT", pert["mean"] + 0.8416 * pert["sd"] - offset),
        ],
    }


@pytest.mark.parametrize("name", ["ms_project_date_chance", "p80_buffer"])
def test_each_typical_mistake_gets_its_own_message(exercises, plan, msp_date, name):
    messages = set()
    for mistake, words, answer in _wrong(plan, msp_date)[name]:
        result = exercises.check(name, float(answer))
        assert result.status == "mistake" and result.mistake == mistake, (mistake, answer, result.message)
        assert words in result.message
        messages.add(result.message)
    assert len(messages) == len(_wrong(plan, msp_date)[name])


def test_the_mistake_catalogue_is_distinguishable(exercises):
    table = exercises.validate()
    assert table[table["exercise"].isin(["ms_project_date_chance", "p80_buffer"])]["distinguishable"].all()
