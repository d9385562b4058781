"""Exercises on MS Project as an estimation tool (notebooks/14_pschse_implementation_project.ipynb).

MS Project schedules the single duration it is given for each task, so the go-live date it
shows is the plan's deterministic finish (the MSPDI export carries the most likely durations,
and MPXJ's copy of Project's scheduler recomputes the same dates: tests/planning/test_mspdi.py).
These exercises measure that date against the plan's own three-point estimates: how likely it
is to hold, and how much buffer the P80 date needs after it. :mod:`crmkit.teach.lessons.project`
lists them with its own.

Both answers come from a Monte Carlo simulation at a fixed seed (``RUNS`` runs, seed ``SEED``),
computed on the plan bound to the checks, so a learner who runs the same simulation gets the
answer exactly; the tolerances let another seed pass too (see each exercise).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from crmkit.planning import Plan, pert_completion, schedule, simulate
from crmkit.planning.risk import Simulation, deadline_offset
from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.project_wbs import go_live_code

__all__ = ["ESTIMATE_EXERCISES", "RUNS", "SEED"]

#: The simulation the questions name (the same as the lesson's section 5).
RUNS, SEED = 10_000, 7
#: z of the 80th percentile of the normal law, for the classic-PERT mistake.
Z80 = 0.8416


@lru_cache(maxsize=4)
def _simulated(plan: Plan) -> Simulation:
    # A plan is a frozen value: the reference and every mistake share one simulation.
    return simulate(plan, runs=RUNS, seed=SEED)


def _ms_project_offset(plan: Plan) -> int:
    """Working days to the go-live in the deterministic schedule: the date MS Project shows."""
    return int(schedule(plan).offset_of(go_live_code(plan)))


def _chance_by_offset(plan: Plan, offset: float) -> float:
    return float(np.mean(_simulated(plan).offsets <= offset + 1e-9))


def _p_offset(plan: Plan, percent: int) -> float:
    # Whole working days, as Simulation.percentile_dates counts them.
    return float(np.ceil(np.percentile(_simulated(plan).offsets, percent, method="higher") - 1e-9))


def _normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


# --- how likely is the date MS Project shows? ----------------------------------------------------------


def ms_project_date_chance(w) -> float:
    plan = w.config
    return _chance_by_offset(plan, _ms_project_offset(plan))


def _pert_chance(w) -> float:
    plan = w.config
    result = pert_completion(plan, go_live_code(plan))
    return _normal_cdf((_ms_project_offset(plan) - result["mean"]) / result["sd"]) if result["sd"] else 1.0


def _launch_chance(w) -> float:
    plan = w.config
    return _chance_by_offset(plan, deadline_offset(plan, plan.launch)) if plan.launch else math.nan


MS_PROJECT_DATE_CHANCE = Exercise(
    "ms_project_date_chance",
    f"MS Project shows one go-live date: the finish of the go-live milestone in the exported file. Simulate "
    f"the plan's three-point estimates (`pl.simulate(plan, runs={RUNS:_}, seed={SEED})`). In what **share of "
    "the runs** is the go-live done **on or before** that date? Give a share between 0 and 1.",
    reference=ms_project_date_chance,
    # About three standard errors of a share near 0.03 from 10,000 runs (sqrt(0.03 * 0.97 / 10,000)
    # = 0.0017): the same seed gives the answer exactly, another seed stays inside. On a plan with
    # ranges over about 1.5 times PSCHSE's, under 0.5% of runs finish on the day itself, and
    # "strictly before" is then inside the tolerance (validate() says so).
    atol=0.005, rtol=0.0,
    mistakes=[
        Mistake("percent", "Right measure, but as a percentage: give the share between 0 and 1 (0.05, not 5).",
                answer=lambda w: 100 * ms_project_date_chance(w)),
        Mistake("chance_of_missing", "That is the chance of missing the date (runs finishing after it). The "
                "question asks for the runs done on or before it.", answer=lambda w: 1 - ms_project_date_chance(w)),
        Mistake("strictly_before", "You counted the runs that finish before the date, leaving out those that "
                "finish on the day itself. A go-live at the end of that day still meets it: use <=, or "
                "sim.probability_by(date).",
                answer=lambda w: _chance_by_offset(w.config, _ms_project_offset(w.config) - 1)),
        Mistake("launch_date", "That is the chance of meeting the launch date (plan.launch). MS Project shows an "
                "earlier date: the go-live's finish in the most-likely schedule, the date Ben keeps promising.",
                answer=_launch_chance),
        Mistake("pert_normal", "You used classic PERT (a normal law along one critical path). It ignores the "
                "other paths that can overtake that path (merge bias), so it is too optimistic. Count the "
                "simulated runs instead.", answer=_pert_chance),
    ])


# --- the buffer the P80 date needs after MS Project's date ---------------------------------------------


def p80_buffer(w) -> float:
    plan = w.config
    return _p_offset(plan, 80) - _ms_project_offset(plan)


def _calendar_days(w) -> float:
    plan, sim = w.config, _simulated(w.config)
    return float((sim.percentile_dates((80,))[80] - schedule(plan).finish_of(go_live_code(plan)).date()).days)


def _pert_buffer(w) -> float:
    plan = w.config
    result = pert_completion(plan, go_live_code(plan))
    return result["mean"] + Z80 * result["sd"] - _ms_project_offset(plan)


P80_BUFFER = Exercise(
    "p80_buffer",
    "The buffer MS Project's date leaves out: with the same simulation, how many **working days** after the "
    "date MS Project shows is the go-live's **P80 date** (the date by which 80% of the runs are done)? Give "
    "one number.",
    reference=p80_buffer,
    # Half a day: the P80 in whole days (percentile_dates) and the raw percentile of the offsets
    # (within a day below it) both pass; the P80 of 10,000 runs moves by less than a day across seeds.
    atol=0.5, rtol=0.0,
    mistakes=[
        Mistake("calendar_days_buffer", "You counted calendar days between the two dates. The buffer is in "
                "working days, as a schedule counts them: plan.calendar.offset_of(ms_project_date, p80_date).",
                answer=_calendar_days),
        Mistake("median_buffer", "That is the buffer to the P50 (the median): half the runs are later than it. "
                "Commit to the P80 date, so that four runs in five meet it.",
                answer=lambda w: _p_offset(w.config, 50) - _ms_project_offset(w.config)),
        Mistake("from_the_launch", "You measured from the launch date. The buffer is what MS Project's date "
                "leaves out: count from the go-live date MS Project shows to the P80 date.",
                answer=lambda w: _p_offset(w.config, 80) - deadline_offset(w.config, w.config.launch)
                if w.config.launch else math.nan),
        Mistake("pert_buffer", "You took the P80 of classic PERT (mean + 0.84 sd along one critical path). It "
                "ignores merge bias, so the buffer comes out too small: read the P80 off the simulated runs.",
                answer=_pert_buffer),
    ])


ESTIMATE_EXERCISES = [MS_PROJECT_DATE_CHANCE, P80_BUFFER]
