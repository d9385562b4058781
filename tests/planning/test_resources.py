"""Cost roll-up, resource loading, levelling, the baseline and a tracked update."""

from __future__ import annotations

import datetime as dt

import pytest

from crmkit.errors import ConfigError
from crmkit.planning import (
    Resource, contingency_reserve, cost_table, level, load_plan, overallocation, plan_from_table, plan_to_table,
    schedule, scope_changes, set_baseline, tracked_update, variance, wbs_dictionary, weekly_capacity, weekly_loading,
)

PEOPLE = (Resource("Ana", rate=100), Resource("Bo", rate=50, max_units=0.5))


def small_plan(**kwargs):
    """Two tasks of Ana's that could run at once, and one shared with Bo after them."""
    rows = [
        {"wbs_code": "1", "name": "Project management", "kind": "phase"},
        {"wbs_code": "1.1", "name": "A", "kind": "work_package", "optimistic": 5, "most_likely": 5, "pessimistic": 5,
         "effort_hours": 40, "resources": "Ana"},
        {"wbs_code": "1.2", "name": "B", "kind": "work_package", "optimistic": 5, "most_likely": 5, "pessimistic": 5,
         "effort_hours": 40, "resources": "Ana"},
        {"wbs_code": "1.3", "name": "C", "kind": "work_package", "optimistic": 2, "most_likely": 2, "pessimistic": 2,
         "effort_hours": 16, "resources": "Ana; Bo", "predecessors": "1.1, 1.2"},
        {"wbs_code": "1.4", "name": "Done", "kind": "milestone", "predecessors": "1.3"},
    ]
    return plan_from_table(rows, start=dt.date(2026, 1, 5), people=PEOPLE, **kwargs)


def test_cost_is_work_times_rate_shared_equally_and_rolls_up():
    costs = cost_table(small_plan())
    assert costs.loc["1.1", "cost"] == 40 * 100
    assert costs.loc["1.3", "cost"] == 8 * 100 + 8 * 50  # 16 h shared by two people
    assert costs.loc["1", "cost"] == 4000 + 4000 + 1200 and costs.loc["1", "work"] == 96
    assert costs.loc["1.4", "cost"] == 0


def test_loading_spreads_the_hours_and_flags_the_overallocated_week():
    sched = schedule(small_plan())
    loading, capacity = weekly_loading(sched), weekly_capacity(sched)
    assert loading.to_numpy().sum() == pytest.approx(96)
    assert loading.loc["2026-01-05", "Ana"] == 80 and capacity.loc["2026-01-05", "Ana"] == 40
    assert capacity.loc["2026-01-05", "Bo"] == 20  # half time
    assert overallocation(sched).loc["2026-01-05", "Ana"] == 40


def test_levelling_delays_a_task_until_its_person_is_free():
    result = level(small_plan())
    table = result.schedule.table.set_index("wbs_code")
    assert table.at["1.1", "es"] == 0 and table.at["1.2", "es"] == 5  # Ana does A, then B
    assert result.delay["1.2"] == 5 and result.delay["1.1"] == 0
    assert result.slip == 5 and table.at["1.4", "ef"] == 12
    assert overallocation(result.schedule).to_numpy().max() == 0


def test_the_pschse_plan_levelled_has_no_overallocation_and_a_later_go_live():
    plan = load_plan("pschse")
    assert overallocation(schedule(plan)).to_numpy().max() > 0
    result = level(plan)
    assert overallocation(result.schedule).to_numpy().max() == pytest.approx(0, abs=1e-9)
    assert result.schedule.finish_of("9.2.2") > result.before.finish_of("9.2.2")
    links_hold = result.schedule.table.set_index("wbs_code")
    for link in plan.links:
        if link.type == "FS":
            assert links_hold.at[link.successor, "es"] >= links_hold.at[link.predecessor, "ef"] + link.lag


def test_a_tracked_update_shows_finish_and_cost_variance_against_the_baseline():
    plan = small_plan()
    baseline = set_baseline(plan)
    update = tracked_update(plan, {"1.1": 7}, work={"1.1": 56})
    table = variance(baseline, schedule(update))
    assert table.loc["1.1", "finish_variance"] == 2 and table.loc["1.2", "finish_variance"] == 0
    assert table.loc["1.4", "finish_variance"] == 2  # the slip reaches the milestone
    assert table.loc["1.1", "cost_variance"] == 16 * 100 and table.loc["1", "cost_variance"] == 1600


@pytest.mark.parametrize(("actuals", "work", "words"), [
    ({"1": 3}, None, "actuals name '1', which is a summary"),
    ({"1.9": 3}, None, "wbs_code '1.9' is not in plan"),
    ({"1.1": -2}, None, "actuals['1.1'] is -2; allowed: working days"),
    ({"1.4": 2}, None, "allowed: 0 for a milestone"),
    ({}, {"1.1": "lots"}, "work['1.1'] is 'lots'; allowed: hours"),
    ([("1.1", 3)], None, "actuals is"),
])
def test_a_bad_tracked_update_is_one_clear_line(actuals, work, words):
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("(", r"\(")) as error:
        tracked_update(small_plan(), actuals, work=work)
    assert "\n" not in str(error.value)


def test_the_wbs_dictionary_and_scope_changes():
    plan = small_plan()
    entries = wbs_dictionary(plan).set_index("wbs_code")
    assert list(entries.index) == ["1.1", "1.2", "1.3"]  # work packages only, not the milestone
    assert entries.at["1.3", "owner"] == "Ana" and entries.at["1.3", "cost"] == 1200
    table = plan_to_table(plan)
    table.loc[table["wbs_code"] == "1.2", "effort_hours"] = 48
    extra = {"wbs_code": "1.5", "name": "Found late", "kind": "work_package", "optimistic": 1, "most_likely": 1,
             "pessimistic": 2, "effort_hours": 8, "resources": "Bo"}
    grown = plan_from_table(table.to_dict("records") + [extra], people=PEOPLE)
    changes = scope_changes(plan, grown).set_index("wbs_code")
    assert changes["change"].to_dict() == {"1.2": "re-estimated", "1.5": "added"}
    assert changes.at["1.2", "cost"] == 800 and changes.at["1.5", "cost"] == 400


def test_the_contingency_reserve_is_a_share_of_the_wbs_effort():
    reserve = contingency_reserve(small_plan(reserve_share=0.1))
    assert reserve["hours"] == pytest.approx(9.6) and reserve["cost"] == pytest.approx(920)
    assert contingency_reserve(load_plan("pschse"))["share"] == 0.15
