"""Exercises on the structure of the PSCHSE plan (notebooks/14_pschse_implementation_project.ipynb).

They check what a learner reads off the WBS and its network before any people are on it: the
deliverables of each phase, the activities of one deliverable, what a new dependency does to
the go-live, the order in which Ben's life cycle passes its gates, and the outline that the
MS Project export carries. :mod:`crmkit.teach.lessons.project` lists them with its own.

Every answer is computed on the plan bound to the checks, so a changed WBS changes it too.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pandas as pd

from crmkit.planning import Link, Plan, schedule
from crmkit.teach import Exercise, Mistake

__all__ = ["WBS_EXERCISES", "CHOSEN_DELIVERABLE", "NEW_LINK", "with_link", "go_live_code"]

#: The deliverable the plan details down to activities (data migration).
CHOSEN_DELIVERABLE = "6.2"
#: The dependency the integrator asks for: the migration scripts (6.2.1.3) are written only
#: once sprint 4's build (5.7.1) is done, because sprint 4 adds the campaign fields. Invented.
NEW_LINK = ("5.7.1", "6.2.1.3")


def _phase_of(code: str) -> str:
    return code.split(".")[0]


def _count_per_phase(plan: Plan, keep) -> pd.Series:
    counts = {task.code: 0 for task in plan.tasks if task.level == 1}
    for task in plan.tasks:
        if task.level > 1 and keep(task):
            counts[_phase_of(task.code)] += 1
    return pd.Series(counts, name="deliverables").rename_axis("phase")


# --- deliverables in each phase (seed topic 40) ------------------------------------------------------------


def deliverables_per_phase(w) -> pd.Series:
    return _count_per_phase(w.config, lambda task: task.kind == "deliverable")


DELIVERABLES_PER_PHASE = Exercise(
    "deliverables_per_phase",
    "How many **deliverables** does each phase of the WBS create? Count the rows of kind 'deliverable' "
    "under each phase. Give a Series indexed by the phase's WBS code ('1' to '10').",
    reference=deliverables_per_phase,
    mistakes=[
        Mistake("with_milestones", "You counted every element one level below the phase, milestones included. "
                "A milestone such as 5.8 'Configuration complete' is an event, not a deliverable: count the rows "
                "of kind 'deliverable' only.",
                answer=lambda w: _count_per_phase(w.config, lambda t: t.level == 2)),
        Mistake("work_packages", "You counted the level below the deliverables (work packages and their "
                "milestones). A deliverable is the product a phase hands over; the work packages are the work "
                "that makes it.", answer=lambda w: _count_per_phase(w.config, lambda t: t.level == 3)),
        Mistake("leaves", "You counted every task the schedule computes (the leaves). Count the deliverables: "
                "the rows of kind 'deliverable'.",
                answer=lambda w: _count_per_phase(w.config, lambda t: not w.config.is_summary(t.code))),
    ])


# --- the activities of one deliverable (seed topic 41) -----------------------------------------------------


def _under(plan: Plan, code: str, keep) -> list:
    return [task for task in plan.tasks if task.code.startswith(code + ".") and keep(task)]


def _activities_answer(tasks, hours) -> pd.Series:
    return pd.Series({"activities": float(len(tasks)), "effort_hours": float(sum(hours(t) for t in tasks))})


def _activity(task) -> bool:
    return task.kind == "activity"


def deliverable_activities(w) -> pd.Series:
    return _activities_answer(_under(w.config, CHOSEN_DELIVERABLE, _activity), lambda t: t.effort_hours or 0)


def _duration_hours(w):
    hours = w.config.calendar.hours_per_day
    return _activities_answer(_under(w.config, CHOSEN_DELIVERABLE, _activity),
                              lambda t: t.estimate.most_likely * hours)


DELIVERABLE_ACTIVITIES = Exercise(
    "deliverable_activities",
    f"Deliverable **{CHOSEN_DELIVERABLE} Data migration** is detailed down to activities. How many "
    "**activities** does it hold, and how many hours of **effort** do they take together? Give a Series "
    "indexed by 'activities' and 'effort_hours'.",
    reference=deliverable_activities,
    mistakes=[
        Mistake("with_milestone", "You counted the data-freeze milestone (6.2.3) as an activity. A milestone "
                "is an event: it takes no time and no work. Count the rows of kind 'activity'.",
                answer=lambda w: _activities_answer(
                    _under(w.config, CHOSEN_DELIVERABLE, lambda t: _activity(t) or t.kind == "milestone"),
                    lambda t: t.effort_hours or 0)),
        Mistake("with_work_packages", "You counted the work packages (6.2.1, 6.2.2, 6.2.4) as activities too. "
                "They are summaries of the activities below them: count the rows of kind 'activity'.",
                answer=lambda w: _activities_answer(
                    _under(w.config, CHOSEN_DELIVERABLE, lambda t: t.kind in ("activity", "work_package")),
                    lambda t: t.effort_hours or 0)),
        Mistake("effort_per_person", "You multiplied each activity's effort by the number of people on it. "
                "effort_hours is already the activity's total work, shared by the people named.",
                answer=lambda w: _activities_answer(_under(w.config, CHOSEN_DELIVERABLE, _activity),
                                                    lambda t: (t.effort_hours or 0) * max(len(t.resources), 1))),
        Mistake("duration_as_effort", "You took the duration (most likely days x 8 hours) for the effort. "
                "Duration is how long an activity lasts; effort is the work in it (effort_hours).",
                answer=_duration_hours),
    ])


# --- a new dependency (seed topic 42) ----------------------------------------------------------------------


def with_link(plan: Plan, predecessor: str, successor: str, type: str = "FS", lag: int = 0) -> Plan:
    """A copy of ``plan`` with one more dependency (``schedule`` refuses it if it closes a cycle)."""
    return dataclasses.replace(plan, links=(*plan.links, Link(predecessor, successor, type, lag)))


def go_live_code(plan: Plan) -> str:
    """The go-live milestone: the plan's launch milestone, else its last leaf."""
    return plan.launch_milestone or plan.leaves[-1].code


def _before_after(plan: Plan):
    return schedule(plan), schedule(with_link(plan, *NEW_LINK))


def go_live_after_new_link(w) -> float:
    before, after = _before_after(w.config)
    code = go_live_code(w.config)
    return after.offset_of(code) - before.offset_of(code)


def _successor_shift(w) -> float:
    before, after = _before_after(w.config)
    return after.offset_of(NEW_LINK[1]) - before.offset_of(NEW_LINK[1])


def _calendar_shift(w) -> float:
    before, after = _before_after(w.config)
    code = go_live_code(w.config)
    return float((after.finish_of(code) - before.finish_of(code)).days)


ADDED_DEPENDENCY = Exercise(
    "added_dependency",
    f"The integrator says the migration scripts ({NEW_LINK[1]}) can only be written once sprint 4's build "
    f"({NEW_LINK[0]}) is done. Add the finish-to-start link (`with_link(plan, '{NEW_LINK[0]}', "
    f"'{NEW_LINK[1]}')`) and reschedule. By how many **working days** does the **go-live milestone** move?",
    reference=go_live_after_new_link,
    mistakes=[
        Mistake("successor_shift", "That is how far the migration scripts themselves move. They had total "
                "float, so the go-live moves only by what is left once the float is used up: compare the go-live "
                "milestone's finish before and after (offset_of).", answer=_successor_shift),
        Mistake("calendar_days_link", "You counted calendar days between the two go-live dates. Count working "
                "days: the difference of the milestone's offsets (offset_of), which skips weekends and holidays.",
                answer=_calendar_shift),
        Mistake("reversed_link", "Right size, wrong sign: a new dependency can only delay, so the go-live moves "
                "later and the answer is positive (after minus before).",
                answer=lambda w: -go_live_after_new_link(w)),
    ])


# --- the gates of Ben's life cycle (seed topic 44) ---------------------------------------------------------


def _milestones(plan: Plan) -> list[str]:
    return [task.code for task in plan.tasks if task.kind == "milestone"]


def gate_order(w) -> pd.Series:
    table = schedule(w.config).table
    gates = table[table["wbs_code"].isin(_milestones(w.config))]
    return gates.sort_values("finish", kind="stable")["wbs_code"].reset_index(drop=True)


def _in_date_order(codes: list, w) -> bool:
    """Whether ``codes`` are all the milestones, each once, with finish dates never going back."""
    finish = schedule(w.config).table.set_index("wbs_code")["finish"]
    if sorted(codes) != sorted(_milestones(w.config)):
        return False
    dates = [finish[code] for code in codes]
    return all(earlier <= later for earlier, later in zip(dates, dates[1:]))


GATE_ORDER = Exercise(
    "gate_order",
    "In which order does Ben's life cycle pass its gates? Schedule the plan and give the codes of its "
    "**milestones** in the order of their finish dates (ties in WBS order: `sort_values('finish', "
    "kind='stable')`), as a Series numbered from 0 (`.reset_index(drop=True)`).",
    reference=gate_order,
    ordered=True,
    mistakes=[
        Mistake("outline_order", "That is the order of the WBS outline, not of the calendar. The life cycle "
                "overlaps its phases: data migration (phase 6) runs beside configuration and testing, so its "
                "data freeze comes after user acceptance is signed off. Sort by the scheduled finish.",
                answer=lambda w: pd.Series(_milestones(w.config))),
        Mistake("latest_first", "You sorted the gates latest first. The life cycle runs forward: sort the "
                "finish dates ascending.",
                matches=lambda answer, w: list(answer) == list(gate_order(w))[::-1]),
        Mistake("tie_order", "Your gates follow the calendar, but gates that finish on the same day are not in "
                "WBS order. The data freeze (6.2.3) waits for the go/no-go (9.1.3) with no gap, so both finish on "
                "the same day: sort with kind='stable' on the outline-ordered table, as the question asks.",
                matches=lambda answer, w: _in_date_order(list(answer), w)),
    ])


# --- the WBS in the MS Project export (seed topic 45) ------------------------------------------------------


def _per_level(plan: Plan, keep) -> pd.Series:
    counts = Counter(task.level for task in plan.tasks if keep(task))
    return pd.Series({level: counts.get(level, 0) for level in sorted({t.level for t in plan.tasks})},
                     name="tasks").rename_axis("outline_level")


def mspdi_outline_levels(w) -> pd.Series:
    # The export writes one Task per WBS row with OutlineLevel = the depth of its code
    # (tests/teach/lessons/test_project_wbs.py reads a real export back to hold this).
    return _per_level(w.config, lambda task: True)


def _counts_like(keep):
    """A test that ``answer`` counts the tasks ``keep(plan, task)`` selects per level; a level
    with none may be missing, as ``value_counts`` leaves it out."""
    def matches(answer, w) -> bool:
        wrong = _per_level(w.config, lambda task: keep(w.config, task))
        given = pd.Series(answer).astype(float)
        given.index = given.index.astype(int)
        extra = given.drop(wrong.index, errors="ignore")
        return bool((extra == 0).all()) and given.reindex(wrong.index, fill_value=0).tolist() == wrong.tolist()
    return matches


MSPDI_OUTLINE_LEVELS = Exercise(
    "mspdi_outline_levels",
    "Document the WBS in MS Project: export the plan (`pl.write_mspdi(plan, path)`), read the file back with "
    "`xml.etree.ElementTree` and count the **tasks at each outline level** (the `OutlineLevel` of every "
    "`Task`; mind the namespace `{http://schemas.microsoft.com/project}`). Give a Series indexed by the "
    "outline level (1, 2, ...).",
    reference=mspdi_outline_levels,
    mistakes=[
        Mistake("leaves_only", "You counted only the tasks with Summary 0. Phases, deliverables and work "
                "packages with activities are tasks of the export too (summary tasks): the outline is the WBS.",
                matches=_counts_like(lambda plan, t: not plan.is_summary(t.code))),
        Mistake("without_milestones", "You left out the milestones (Milestone 1). They are rows of the WBS "
                "and tasks of the export, with zero duration.",
                matches=_counts_like(lambda plan, t: t.kind != "milestone")),
        Mistake("summaries_only", "You counted only the summary tasks (Summary 1). Count every Task element.",
                matches=_counts_like(lambda plan, t: plan.is_summary(t.code))),
    ])


WBS_EXERCISES = [DELIVERABLES_PER_PHASE, DELIVERABLE_ACTIVITIES, ADDED_DEPENDENCY, GATE_ORDER]
"""The exercises of sections 2 to 4, in the lesson's order; MSPDI_OUTLINE_LEVELS belongs to section 6."""
