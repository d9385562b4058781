"""Exercises of the PSCHSE implementation project (notebooks/14_pschse_implementation_project.ipynb).

Those on the WBS and its network (deliverables, activities, a new dependency, the life cycle's
gates, the MS Project export) are in :mod:`crmkit.teach.lessons.project_wbs`, those measuring MS
Project's single date against the plan's ranges in :mod:`crmkit.teach.lessons.project_estimates`,
those of the library research (the 100% rule, a reference list's form) in
:mod:`crmkit.teach.lessons.project_library`; this module lists them with its own.

They check what MS Project does for a plan once people are on it (cost, levelling, a tracked
update against the baseline) and which view suits which audience. Bind them to a plan, not a
world::

    checks = ck.teach.lessons.checks("project", plan_case(plan))

The plan is the learner's own: the checks compute the answers on whatever plan they bind,
so a changed rate or estimate changes the expected answer too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from crmkit.planning import Plan, cost_table, level, schedule, set_baseline, tracked_update, variance
from crmkit.planning.table import plan_to_table
from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.project_estimates import ESTIMATE_EXERCISES
from crmkit.teach.lessons.project_library import LIBRARY_EXERCISES
from crmkit.teach.lessons.project_wbs import MSPDI_OUTLINE_LEVELS, WBS_EXERCISES, go_live_code, with_link

__all__ = ["EXERCISES", "STATUS", "VIEWS", "AUDIENCES", "PlanCase", "plan_case", "why_views", "with_link"]

#: What the team reports at the May status meeting: working days taken (finished work) or
#: now expected (work in progress). Invented for teaching.
STATUS = {"2.1.1": 14, "4.2.1": 18, "5.9.1": 21}


@dataclass(frozen=True)
class PlanCase:
    """A plan read like a world by the exercise checks: its table, its start, the plan itself."""

    plan: Plan
    tables: dict

    @property
    def observed_until(self) -> pd.Timestamp:
        return pd.Timestamp(self.plan.start)

    @property
    def config(self) -> Plan:
        return self.plan


def plan_case(plan: Plan) -> PlanCase:
    """Wrap ``plan`` for :func:`crmkit.teach.lessons.checks` ("project")."""
    people = pd.DataFrame([(p.name, p.role, p.rate, p.max_units) for p in plan.people],
                          columns=["name", "role", "rate", "max_units"])
    return PlanCase(plan, {"wbs": plan_to_table(plan), "people": people})


def _phases(plan: Plan) -> list[str]:
    return [task.code for task in plan.tasks if task.level == 1]


def _leaf_sum(plan: Plan, cost) -> pd.Series:
    """Per phase, the sum of ``cost(task)`` over its leaves."""
    totals = {code: 0.0 for code in _phases(plan)}
    for task in plan.leaves:
        totals[task.code.split(".")[0]] += cost(task)
    return pd.Series(totals, name="cost").rename_axis("wbs_code")


# --- cost roll-up ----------------------------------------------------------------------------------


def cost_by_phase(w) -> pd.Series:
    plan = w.config
    return cost_table(plan).loc[_phases(plan), "cost"].rename_axis("wbs_code")


def _rates(plan: Plan, task) -> list[float]:
    return [plan.person(name).rate for name in task.resources]


COST_BY_PHASE = Exercise(
    "cost_by_phase",
    "Cost roll-up, as MS Project does it: what does each **phase** cost? A leaf's cost is its **work** "
    "(`effort_hours`) times the hourly **rate** of the people on it (`plan.person(name).rate`), the work "
    "shared equally by the people named; a phase costs the sum of its leaves. Give a Series indexed by the "
    "phase's WBS code ('1' to '10').",
    reference=cost_by_phase,
    mistakes=[
        Mistake("not_shared", "You charged the full effort to every person on the task, so a task for two costs "
                "double. The effort is the task's total work: share it among the people named (hours / number "
                "of people) before multiplying by each rate.",
                answer=lambda w: _leaf_sum(w.config, lambda t: (t.effort_hours or 0) * sum(_rates(w.config, t)))),
        Mistake("first_person_only", "You charged all the work at the first person's rate. Each person's share of "
                "the work costs that person's rate.",
                answer=lambda w: _leaf_sum(w.config, lambda t: (t.effort_hours or 0) * (_rates(w.config, t) or [0])[0])),
        Mistake("duration_not_work", "You costed the duration (days x 8 hours) as if everyone worked full time on "
                "the task for all of it. Duration x units = work: cost the work (effort_hours), not the duration.",
                answer=lambda w: _leaf_sum(w.config, lambda t: t.estimate.most_likely * w.config.calendar.hours_per_day
                                           * sum(_rates(w.config, t)))),
    ])


# --- resource levelling -------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _levelled(plan: Plan):
    # A plan is a frozen value, so its levelling can be shared by the reference and the
    # mistakes: each takes seconds on a plan of a hundred tasks.
    return level(plan)


@lru_cache(maxsize=4)
def _tracked(plan: Plan) -> tuple:
    return set_baseline(plan), schedule(tracked_update(plan, STATUS))


def levelling_slip(w) -> float:
    result = _levelled(w.config)
    code = go_live_code(w.config)
    return result.schedule.offset_of(code) - result.before.offset_of(code)


def _calendar_days(w) -> float:
    result = _levelled(w.config)
    code = go_live_code(w.config)
    return float((result.schedule.finish_of(code) - result.before.finish_of(code)).days)


LEVELLING_SLIP = Exercise(
    "levelling_slip",
    "Resource levelling: level the plan (`pl.level(plan)`) so that nobody works more hours a day than their "
    "availability. By how many **working days** does the **go-live milestone** (the plan's launch milestone) "
    "move? Give one number.",
    reference=levelling_slip,
    mistakes=[
        Mistake("largest_delay", "That is the largest delay of any one task (levelled.delay.max()). A task off "
                "the go-live's path can be delayed a lot without moving it: compare the go-live milestone's "
                "finish before and after levelling (schedule.offset_of(code)).",
                answer=lambda w: float(_levelled(w.config).delay.max())),
        Mistake("calendar_days", "You counted calendar days between the two dates. Count working days: the "
                "difference of the milestone's offsets (offset_of), which skips weekends and holidays.",
                answer=_calendar_days),
        Mistake("reversed", "Right size, wrong sign: levelling delays tasks, so the go-live moves later and the "
                "answer is positive (levelled minus unlevelled).", answer=lambda w: -levelling_slip(w)),
    ])


# --- a tracked update against the baseline -----------------------------------------------------------


def go_live_variance(w) -> float:
    plan = w.config
    table = variance(*_tracked(plan))
    return float(table.loc[go_live_code(plan), "finish_variance"])


def _sum_of_slips(w) -> float:
    plan = w.config
    return float(sum(days - plan.task(code).estimate.most_likely for code, days in STATUS.items()))


GO_LIVE_VARIANCE = Exercise(
    "go_live_variance",
    "Baseline and tracking: set the baseline (`pl.set_baseline(plan)`), then enter the May status report "
    "`STATUS` (working days each listed task took or now needs) with `pl.tracked_update(plan, STATUS)` and "
    "reschedule. By how many **working days** has the **go-live milestone** moved against the baseline "
    "(its finish variance; positive is late)?",
    reference=go_live_variance,
    mistakes=[
        Mistake("sum_of_slips", "You added up each task's own slip. Slips do not simply add: a task with float "
                "can slip without moving the go-live, and tasks on parallel paths do not stack. Reschedule and "
                "read the milestone's finish variance (pl.variance).", answer=_sum_of_slips),
        Mistake("reversed_variance", "Right size, wrong sign: the variance is the update minus the baseline, so "
                "a late go-live is positive.", answer=lambda w: -go_live_variance(w)),
        Mistake("calendar_days_variance", "You counted calendar days between the baseline and the new finish. "
                "Finish variance is in working days (the difference of the offsets, 'ef').",
                answer=lambda w: float((_tracked(w.config)[1].finish_of(go_live_code(w.config))
                                        - _tracked(w.config)[0].finish_of(go_live_code(w.config))).days)),
    ])


# --- which view for which audience ---------------------------------------------------------------------

#: The MS Project views the lesson discusses (see case_studies/pschse/ms_project_views.md).
VIEWS = ("gantt_wbs", "network_diagram", "tracking_gantt", "timeline")
AUDIENCES = ("team", "steering_group", "sponsor")
_BEST = {"team": "gantt_wbs", "steering_group": "tracking_gantt", "sponsor": "timeline"}
_WHY = {
    "team": "Ben's team needs every work package with its dates, owners and links, inside the WBS's outline: "
            "the Gantt Chart with WBS and outline columns (All Subtasks), filtered to a person when needed.",
    "steering_group": "The steering group approves changes against what it agreed: the Tracking Gantt shows the "
                      "baseline beside the current dates (at outline level 2), so a slip is visible at once.",
    "sponsor": "The sponsor asks one question, will the CRM be live for the launch: the Timeline of the key "
               "milestones, with the P50/P80 dates beside it, answers it on one slide.",
}


def views_for_audiences(w) -> pd.Series:
    return pd.Series(_BEST, name="view").rename_axis("audience")


def _gives(audience: str, *views: str):
    def matches(answer, world) -> bool:
        return pd.Series(answer).get(audience) in views
    return matches


def why_views(answer) -> str:
    """For each audience, the answer given and why the recommended view suits it."""
    given = pd.Series(answer)
    lines = []
    for audience in AUDIENCES:
        choice = given.get(audience)
        verdict = "right" if choice == _BEST[audience] else f"the lesson recommends {_BEST[audience]}"
        lines.append(f"{audience}: {choice} ({verdict}). {_WHY[audience]}")
    return "\n".join(lines)


VIEWS_FOR_AUDIENCES = Exercise(
    "views_for_audiences",
    "Which MS Project view do you show to **Ben's team**, the **steering group** and the **sponsor**? Give a "
    "Series indexed by 'team', 'steering_group' and 'sponsor', each value one of 'gantt_wbs', "
    "'network_diagram', 'tracking_gantt' or 'timeline'. Then print `why_views(your_answer)`.",
    reference=views_for_audiences,
    mistakes=[
        Mistake("sponsor_detail", "The sponsor does not read 130 rows or a wall of boxes. " + _WHY["sponsor"],
                matches=_gives("sponsor", "gantt_wbs", "network_diagram")),
        Mistake("team_without_work", "A Timeline or a baseline comparison hides the work itself. " + _WHY["team"],
                matches=_gives("team", "timeline", "tracking_gantt")),
        Mistake("steering_without_baseline", "Without the baseline the steering group cannot see what moved. "
                + _WHY["steering_group"], matches=_gives("steering_group", "gantt_wbs", "timeline")),
        Mistake("network_for_decisions", "The Network Diagram is for the team's workshop on the logic of one "
                "deliverable (6.2), not for decisions. " + _WHY["steering_group"],
                matches=_gives("steering_group", "network_diagram")),
        Mistake("network_for_the_team", "The Network Diagram shows the links of a few tasks well, but not the "
                "outline, owners or dates of all the work. " + _WHY["team"], matches=_gives("team", "network_diagram")),
    ])


EXERCISES = [*WBS_EXERCISES, COST_BY_PHASE, LEVELLING_SLIP, GO_LIVE_VARIANCE, MSPDI_OUTLINE_LEVELS, VIEWS_FOR_AUDIENCES,
             *ESTIMATE_EXERCISES, *LIBRARY_EXERCISES]
