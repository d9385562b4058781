"""The library exercises of the project lesson: the 100% rule applied to the PSCHSE plan and to a
variant whose WBS grew, and the form of a list of example references. Right answers, reached
another way than the references, pass; each typical wrong answer gets its own message."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit import planning as pl
from crmkit.frameworks.reference_check import check_references
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.project import plan_case
from crmkit.teach.lessons.project_library import BUSINESS_CASE_HOURS, EXAMPLE_REFERENCES, hundred_percent_rule

from .helpers import assert_mistakes
from .test_project_wbs import make_plan


@pytest.fixture(params=["pschse", "variant"], scope="module")
def plan(request):
    return make_plan(request.param)


@pytest.fixture(scope="module")
def lesson(plan):
    return checks("project", plan_case(plan))


def _leaf_hours_per_phase(plan) -> pd.Series:
    table = pl.plan_to_table(plan)
    leaves = table[table["wbs_code"].isin([t.code for t in plan.leaves])]
    return leaves["effort_hours"].fillna(0).groupby(leaves["wbs_code"].str.split(".").str[0]).sum()


def test_the_kits_own_check_flags_the_same_phases(plan):
    """The answer agrees with check_table once the budget is written on the phase rows."""
    table = pl.plan_to_table(plan)
    phases = table["kind"] == "phase"
    table.loc[phases, "effort_hours"] = table.loc[phases, "wbs_code"].map(BUSINESS_CASE_HOURS)
    flagged = {f.wbs_code for f in pl.check_table(table) if f.rule == "100% rule"}
    gap = _leaf_hours_per_phase(plan) - pd.Series(BUSINESS_CASE_HOURS)
    assert flagged == set(gap[gap != 0].index)


def test_hundred_percent_rule(lesson, plan):
    budget = pd.Series(BUSINESS_CASE_HOURS)
    children = _leaf_hours_per_phase(plan)
    gap = children - budget
    right = gap[gap != 0]
    assert (right > 0).any() and (right < 0).any()  # work left out of the budget, and budget with no work
    table = pl.plan_to_table(plan)
    direct = table[table["wbs_code"].str.count(r"\.") == 1]
    direct_hours = direct["effort_hours"].fillna(0).groupby(direct["wbs_code"].str.split(".").str[0]).sum()
    assert_mistakes(lesson, "hundred_percent_rule", right, {
        "budget_minus_children": budget[right.index] - children[right.index],
        "every_phase": gap,
        "direct_children_only": direct_hours - budget,
        "children_only": children,
    })


def test_the_answer_follows_the_plan():
    """The variant's new work (host merges and bigger scripts in phase 6, a super-user network in phase 8)
    breaks the rule in phases that kept it before."""
    answer = {name: hundred_percent_rule(plan_case(make_plan(name))) for name in ("pschse", "variant")}
    assert set(answer["variant"].index) - set(answer["pschse"].index) == {"6", "8"}
    assert answer["variant"]["6"] == 40 + (48 - 36)  # the new package, and the scripts grown from 36 to 48 h


def test_reference_problems(lesson):
    findings = check_references(EXAMPLE_REFERENCES)
    right = findings.drop_duplicates("reference").set_index("reference")["field"]
    assert len(right) == len(findings) == 5  # one problem each, so the field names it
    assert_mistakes(lesson, "reference_problems", right, {
        "flagged_the_real_one": pd.concat([right, pd.Series({"pmi_practice_standard": "isbn"})]),
        "flagged_the_invented_web_page": pd.concat([right, pd.Series({"example_web_page": "url"})]),
    })


def test_every_example_but_the_real_one_is_marked_as_invented():
    for ref in EXAMPLE_REFERENCES:
        if ref["key"] != "pmi_practice_standard":
            assert ref["key"].startswith("example_") and "example" in ref["title"].lower(), ref["key"]
