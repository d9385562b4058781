"""The WBS exercises of the project lesson on two plans: the PSCHSE plan and a variant whose WBS
grew (a change request on the migration, a new deliverable). Right answers, written another way
than the references, pass; each typical wrong answer gets its own message."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from functools import lru_cache

import pandas as pd
import pytest

from crmkit import planning as pl
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.project import plan_case
from crmkit.teach.lessons.project_wbs import NEW_LINK

from .helpers import assert_mistakes

NS = "{http://schemas.microsoft.com/project}"


@lru_cache(maxsize=2)
def make_plan(variant: str):
    plan = pl.load_plan("pschse")
    if variant == "pschse":
        return plan
    table = pl.plan_to_table(plan)
    scripts = table["wbs_code"] == "6.2.1.3"
    table.loc[scripts, ["optimistic", "most_likely", "pessimistic", "effort_hours"]] = [10, 14, 20, 48]
    extra = [
        {"wbs_code": "6.1.2", "name": "Duplicate host records merged", "kind": "work_package", "optimistic": 3,
         "most_likely": 5, "pessimistic": 9, "predecessors": "6.1.1FS", "effort_hours": 40, "resources": "Data analyst"},
        {"wbs_code": "8.3", "name": "Super-user network", "kind": "deliverable"},
        {"wbs_code": "8.3.1", "name": "Super-user network set up", "kind": "work_package", "optimistic": 3,
         "most_likely": 4, "pessimistic": 6, "predecessors": "8.1.2FS", "effort_hours": 24, "resources": "Trainer"},
        {"wbs_code": "8.3.2", "name": "Super-users in every region", "kind": "milestone", "predecessors": "8.3.1FS",
         "milestone": "yes"},
    ]
    return pl.plan_from_table(table.to_dict("records") + extra, start=plan.start, launch=plan.launch,
                              launch_milestone=plan.launch_milestone, calendar=plan.calendar, name="variant",
                              people=plan.people)


@pytest.fixture(params=["pschse", "variant"], scope="module")
def plan(request):
    return make_plan(request.param)


@pytest.fixture(scope="module")
def lesson(plan):
    return checks("project", plan_case(plan))


def _table(plan):
    return pl.plan_to_table(plan).assign(phase=lambda t: t["wbs_code"].str.split(".").str[0],
                                         level=lambda t: t["wbs_code"].str.count(r"\.") + 1)


def _per_phase(plan, rows):
    phases = _table(plan).query("level == 1")["wbs_code"]
    return rows.groupby("phase").size().reindex(phases, fill_value=0)


def test_deliverables_per_phase(lesson, plan):
    table = _table(plan)
    right = _per_phase(plan, table[table["kind"] == "deliverable"])
    assert_mistakes(lesson, "deliverables_per_phase", right, {
        "with_milestones": _per_phase(plan, table[table["level"] == 2]),
        "work_packages": _per_phase(plan, table[table["level"] == 3]),
        "leaves": _per_phase(plan, table[table["wbs_code"].isin([t.code for t in plan.leaves])]),
    })


def test_deliverable_activities(lesson, plan):
    rows = _table(plan).loc[lambda t: t["wbs_code"].str.startswith("6.2.")]
    work = rows[rows["kind"] == "activity"]
    hours = work["effort_hours"].astype(float)

    def answer(count, effort):
        return pd.Series({"effort_hours": effort, "activities": count})

    people = work["resources"].str.split("; ").str.len()
    assert_mistakes(lesson, "deliverable_activities", answer(len(work), hours.sum()), {
        "with_milestone": answer(len(work) + (rows["kind"] == "milestone").sum(), hours.sum()),
        "with_work_packages": answer(len(work) + (rows["kind"] == "work_package").sum(), hours.sum()),
        "effort_per_person": answer(len(work), (hours * people).sum()),
        "duration_as_effort": answer(len(work), work["most_likely"].astype(float).sum() * 8),
    })


def _dates(plan, code):
    before = pl.schedule(plan)
    linked = dataclasses.replace(plan, links=plan.links + (pl.Link(*NEW_LINK),))
    after = pl.schedule(linked)
    return before.finish_of(code), after.finish_of(code)


def test_added_dependency(lesson, plan):
    old, new = _dates(plan, "9.2.2")
    right = plan.calendar.offset_of(old.date(), new.date())
    assert right > 0  # the link must move the go-live on both plans, or the exercise teaches nothing
    scripts_old, scripts_new = _dates(plan, NEW_LINK[1])
    shift = plan.calendar.offset_of(scripts_old.date(), scripts_new.date())
    assert shift > right
    assert_mistakes(lesson, "added_dependency", right, {
        "successor_shift": shift, "calendar_days_link": (new - old).days, "reversed_link": -right,
    })


def test_gate_order(lesson, plan):
    finish = pl.schedule(plan).table.set_index("wbs_code")["finish"]
    gates = [t.code for t in plan.tasks if t.kind == "milestone"]
    right = sorted(gates, key=lambda code: (finish[code], gates.index(code)))
    assert right != gates
    freeze, decision = right.index("6.2.3"), right.index("9.1.3")
    assert finish["6.2.3"] == finish["9.1.3"]  # the freeze follows the decision with no gap: a tie
    by_logic = right.copy()
    by_logic[freeze], by_logic[decision] = right[decision], right[freeze]
    assert_mistakes(lesson, "gate_order", pd.Series(right), {
        "outline_order": pd.Series(gates), "latest_first": pd.Series(right[::-1]), "tie_order": pd.Series(by_logic),
    })
    lost = right[:3] + right[4:]
    assert lesson.check("gate_order", pd.Series(lost)).mistake is None


def _exported_levels(plan, tmp_path, keep=lambda task: True):
    root = ET.parse(pl.write_mspdi(plan, tmp_path / "plan.xml")).getroot()
    levels = [int(task.find(f"{NS}OutlineLevel").text) for task in root.iter(f"{NS}Task") if keep(task)]
    return pd.Series(levels).value_counts().sort_index()


def test_mspdi_outline_levels_read_back_from_a_real_export(lesson, plan, tmp_path):
    def flag(name):
        return lambda task: task.find(f"{NS}{name}").text == "1"

    right = _exported_levels(plan, tmp_path)
    assert right.sum() == len(plan.tasks)
    summary, milestone = flag("Summary"), flag("Milestone")
    assert 1 not in _exported_levels(plan, tmp_path, lambda t: not summary(t)).index  # value_counts drops level 1
    assert_mistakes(lesson, "mspdi_outline_levels", right, {
        "leaves_only": _exported_levels(plan, tmp_path, lambda t: not summary(t)),
        "without_milestones": _exported_levels(plan, tmp_path, lambda t: not milestone(t)),
        "summaries_only": _exported_levels(plan, tmp_path, summary),
    })


def test_the_two_plans_give_different_answers():
    one, two = (checks("project", plan_case(make_plan(v))) for v in ("pschse", "variant"))
    for name in ("deliverables_per_phase", "deliverable_activities", "added_dependency", "mspdi_outline_levels"):
        a, b = one.answer_key()[name], two.answer_key()[name]
        assert not (a.equals(b) if hasattr(a, "equals") else a == b), name


def test_the_catalogue_is_distinguishable(lesson):
    assert lesson.validate()["distinguishable"].all()
