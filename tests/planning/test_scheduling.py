"""Dates on the working calendar, roll-up of summaries, the PSCHSE schedule."""

from __future__ import annotations

import datetime as dt

from crmkit.planning import WorkCalendar, load_plan, schedule
from tests.planning.planning_helpers import network_plan

MLK = WorkCalendar(holidays=((dt.date(2026, 1, 19), "Birthday of Martin Luther King, Jr."),))


def test_dates_skip_weekends_and_holidays():
    # Start Friday 16 Jan 2026; Monday 19 Jan is a holiday. Task 1 (3 days) works Fri, Tue, Wed;
    # task 2 (FS) starts Thursday 22nd; milestone 3 sits at task 2's finish.
    plan = network_plan(("1", 3, ""), ("2", 2, "1"), ("3", 0, "2"), start=dt.date(2026, 1, 16), calendar=MLK)
    table = schedule(plan).table.set_index("wbs_code")
    assert table.at["1", "finish"] == dt.datetime(2026, 1, 21, 17)
    assert table.at["2", "start"] == dt.datetime(2026, 1, 22, 8)
    assert table.at["3", "start"] == table.at["3", "finish"] == dt.datetime(2026, 1, 23, 17)


def test_summaries_span_their_children():
    sched = schedule(load_plan("pschse"))
    table = sched.table.set_index("wbs_code")
    children = table[table.index.str.startswith("6.2.")]
    assert table.at["6.2", "start"] == children["start"].min()
    assert table.at["6.2", "finish"] == children["finish"].max()
    assert table["summary"].sum() == len(load_plan("pschse").tasks) - len(load_plan("pschse").leaves)


def test_the_pschse_plan_meets_the_launch_only_on_its_most_likely_estimates():
    plan = load_plan("pschse")
    assert schedule(plan).finish_of("9.2.2").date() < plan.launch
    assert schedule(plan, "pessimistic").finish_of("9.2.2").date() > plan.launch


def test_the_critical_path_runs_from_the_start_to_the_finish():
    sched = schedule(load_plan("pschse"))
    table = sched.table.set_index("wbs_code")
    path = sched.critical_path
    assert table.at[path[0], "es"] == 0 and table.at[path[-1], "ef"] == table["ef"].max()
