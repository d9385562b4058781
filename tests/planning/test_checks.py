"""Checks: errors that stop a plan, and breaches of the 100% rule and the 8/80 guideline."""

from __future__ import annotations

import pytest

from crmkit.errors import ConfigError
from crmkit.planning import check_table, plan_from_table

PM = {"wbs_code": "1", "name": "Project management", "kind": "phase"}


def wp(code, effort=40, preds="", kind="work_package", **cells):
    return {"wbs_code": code, "name": f"Package {code}", "kind": kind, "optimistic": 2, "most_likely": 3,
            "pessimistic": 5, "predecessors": preds, "effort_hours": effort, **cells}


def rules(findings):
    return [(f.severity, f.rule, f.wbs_code) for f in findings]


def test_the_kits_own_plan_is_clean():
    assert check_table("case_studies/pschse/plan/wbs.csv") == []


def test_the_eight_eighty_guideline_is_reported_both_ways():
    findings = check_table([PM, wp("1.1", effort=120), wp("1.2", effort=4), wp("1.3", effort=40)])
    assert rules(findings) == [("warning", "8/80", "1.1"), ("warning", "8/80", "1.2")]
    assert "split it" in findings[0].message and "merge it" in findings[1].message


def test_the_eight_eighty_guideline_sums_a_work_packages_activities():
    table = [PM, {"wbs_code": "1.1", "name": "Migration", "kind": "work_package"},
             wp("1.1.1", effort=50, kind="activity"), wp("1.1.2", effort=40, kind="activity")]
    assert [f.message for f in check_table(table)] == [
        "row 1.1: work package effort is 90 h; allowed: 8 to 80 hours (split it into smaller work packages)"
    ]


def test_the_hundred_percent_rule_compares_children_with_the_stated_parent():
    table = [PM, {**PM, "wbs_code": "1.1", "name": "Initiation", "kind": "deliverable", "effort_hours": 100},
             wp("1.1.1", effort=40), wp("1.1.2", effort=40)]
    (finding,) = check_table(table)
    assert finding.rule == "100% rule"
    assert "adds up to 80 h but the row states 100 h" in finding.message


def test_the_hundred_percent_rule_wants_project_management_in_scope():
    table = [{"wbs_code": "1", "name": "Build", "kind": "phase"}, wp("1.1")]
    assert rules(check_table(table)) == [("warning", "100% rule", "1")]


def test_a_deliverable_with_no_work_below_it_is_an_error():
    table = [PM, wp("1.1"), {"wbs_code": "1.2", "name": "Closure", "kind": "deliverable"}]
    assert rules(check_table(table)) == [("error", "100% rule", "1.2")]


@pytest.mark.parametrize(("table", "message"), [
    ([PM, wp("1.1", preds="1.7")], "row 1.1: predecessor '1.7' is not in the table"),
    ([PM, wp("1.1", preds="1.2"), wp("1.2", preds="1.1FS+2")], "dependency cycle"),
    ([PM, wp("1.1"), wp("1.1")], "row 1.1: wbs_code appears twice"),
    ([PM, wp("1.1"), wp("2.1")], "row 2.1: parent 2 is not in the table"),
    ([PM, wp("1.1", kind="activity")], "row 1.1: kind activity under 1 (phase)"),
    ([PM, wp("1.1", preds="1"), wp("1.2")], "touches a summary"),
    ([PM, {"wbs_code": "1.1", "name": "A", "kind": "work_package"}], "row 1.1: optimistic, most_likely, pessimistic are blank"),
])
def test_bad_plans_are_refused_with_one_clear_message(table, message):
    assert any(message in f.message for f in check_table(table) if f.severity == "error")
    with pytest.raises(ConfigError, match="allowed") as caught:
        plan_from_table(table)
    assert message in str(caught.value)


def test_the_exercise_check_reports_every_problem_at_once():
    table = [PM, wp("1.1", effort=200, preds="1.9"), wp("1.2", most_likely="x"), wp("1.3", effort=2)]
    assert rules(check_table(table)) == [
        ("error", "links", "1.1"), ("error", "cell", "1.2"), ("warning", "8/80", "1.1"), ("warning", "8/80", "1.3"),
    ]
    with pytest.raises(ConfigError, match=r"\(1 more errors: see check_table\)"):
        plan_from_table(table)


def test_a_milestone_written_as_a_zero_hour_work_package_is_flagged():
    gate = {"wbs_code": "1.2", "name": "Go decision", "kind": "work_package", "milestone": "yes", "effort_hours": 0}
    assert rules(check_table([PM, wp("1.1"), gate])) == [("warning", "milestone", "1.2")]
    as_event = {**gate, "kind": "milestone", "milestone": "", "effort_hours": ""}
    assert check_table([PM, wp("1.1"), as_event]) == []
    assert plan_from_table([PM, wp("1.1"), {**as_event, "predecessors": "1.1"}]).task("1.2").milestone


def test_a_milestone_is_an_event_outside_the_work_packages():
    package = {"wbs_code": "1.1", "name": "Migration", "kind": "work_package"}
    inside = [PM, package, wp("1.1.1", kind="activity"), {"wbs_code": "1.1.2", "name": "Freeze", "kind": "milestone"}]
    assert rules(check_table(inside)) == [("error", "outline", "1.1.2")]
    with_children = [PM, {"wbs_code": "1.1", "name": "Gate", "kind": "milestone"}, wp("1.1.1", kind="work_package")]
    assert ("error", "outline", "1.1") in rules(check_table(with_children))
    busy = [PM, wp("1.1"), {"wbs_code": "1.2", "name": "Gate", "kind": "milestone", "effort_hours": 8}]
    assert rules(check_table(busy)) == [("warning", "milestone", "1.2")]
