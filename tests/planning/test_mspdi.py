"""The MS Project XML file agrees with the schedule, read back by MPXJ (a real MS Project reader)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from crmkit.planning import load_plan, schedule, write_mspdi
from crmkit.planning.mspdi import LINK_TYPE_CODES, NAMESPACE
from crmkit.planning.resources import cost_table
from crmkit.planning.tracking import set_baseline, tracked_update
from tests.planning.planning_helpers import network_plan

NS = {"p": NAMESPACE}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    plan = load_plan("pschse")
    return plan, schedule(plan), write_mspdi(plan, tmp_path_factory.mktemp("mspdi") / "pschse.xml")


@pytest.fixture(scope="module")
def project(exported, jvm):
    from org.mpxj.reader import UniversalProjectReader

    return UniversalProjectReader().read(str(exported[2]))


def _python(value: object) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value))


def test_every_element_is_in_the_ms_project_namespace(exported):
    # MPXJ also reads a file without the namespace, so check it on the XML itself.
    root = ET.parse(exported[2]).getroot()
    assert root.tag == f"{{{NAMESPACE}}}Project"
    assert all(element.tag.startswith(f"{{{NAMESPACE}}}") for element in root.iter())
    assert all(task.find("p:ActualDuration", NS).text == "PT0H0M0S" for task in root.iterfind("p:Tasks/p:Task", NS))


def test_links_carry_the_mspdi_type_codes_and_lags_in_tenths_of_minutes(exported):
    root = ET.parse(exported[2]).getroot()
    task = next(t for t in root.iterfind("p:Tasks/p:Task", NS) if t.find("p:WBS", NS).text == "6.2.4.2")
    link = task.find("p:PredecessorLink", NS)
    assert link.find("p:Type", NS).text == str(LINK_TYPE_CODES["FF"]) == "0"
    assert link.find("p:LinkLag", NS).text == str(1 * 8 * 60 * 10)
    assert link.find("p:LagFormat", NS).text == "7"


def test_mpxj_reads_the_same_tasks_outline_dates_and_links(exported, project):
    plan, sched, _ = exported
    tasks = [t for t in project.getTasks() if t.getID() and int(t.getID()) > 0]
    assert len(tasks) == len(sched.table)
    links = {(link.predecessor, link.successor): link for link in plan.links}
    for task, row in zip(tasks, sched.table.itertuples(index=False), strict=True):
        assert (str(task.getWBS()), int(task.getOutlineLevel())) == (row.wbs_code, row.level)
        assert str(task.getOutlineNumber()) == row.wbs_code
        assert (_python(task.getStart()), _python(task.getFinish())) == (row.start, row.finish)
        assert bool(task.getMilestone()) == row.milestone
        read = {(str(r.getPredecessorTask().getWBS()), str(r.getType()), float(r.getLag().getDuration()),
                 str(r.getLag().getUnits())) for r in task.getPredecessors()}
        expected = {(p, links[p, s].type, float(links[p, s].lag), "d") for p, s in links if s == row.wbs_code}
        assert read == expected


def test_mpxj_reads_the_ids_in_outline_order(exported, project):
    ids = [int(t.getID()) for t in project.getTasks() if t.getWBS()]
    assert ids == list(range(1, len(exported[1].table) + 1))


def test_the_calendar_keeps_the_working_week_and_the_holidays(exported, project):
    from java.time import DayOfWeek

    calendar = project.getDefaultCalendar()
    assert bool(calendar.isWorkingDay(DayOfWeek.MONDAY)) and not bool(calendar.isWorkingDay(DayOfWeek.SATURDAY))
    holidays = {str(e.getFromDate()): str(e.getName()) for e in calendar.getCalendarExceptions()}
    assert holidays == {str(day): name for day, name in exported[0].calendar.holidays}


def test_mpxj_microsoft_scheduler_recomputes_the_same_dates(exported, project):
    import java.time
    from org.mpxj.cpm import MicrosoftScheduler

    start = exported[0].start
    MicrosoftScheduler().schedule(project, java.time.LocalDateTime.of(start.year, start.month, start.day, 8, 0))
    dates = {str(t.getWBS()): (_python(t.getStart()), _python(t.getFinish())) for t in project.getTasks() if t.getWBS()}
    table = exported[1].table
    assert dates == {code: (s, f) for code, s, f in zip(table["wbs_code"], table["start"], table["finish"], strict=True)}


def test_the_file_is_replaced_whole(tmp_path):
    target = tmp_path / "plan.xml"
    target.write_text("old")
    write_mspdi(network_plan(("1", 2, ""), ("2", 3, "1SS+1")), target)
    assert ET.parse(target).getroot().tag.endswith("Project")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xml"]


@pytest.fixture(scope="module")
def tracked(tmp_path_factory, jvm):
    from org.mpxj.reader import UniversalProjectReader

    plan = load_plan("pschse")
    baseline = set_baseline(plan)
    update = tracked_update(plan, {"2.1.1": 14, "4.1.1": 12}, work={"4.1.1": 80})
    path = write_mspdi(update, tmp_path_factory.mktemp("tracked") / "update.xml", baseline=baseline)
    return update, baseline, UniversalProjectReader().read(str(path))


def test_mpxj_reads_the_rates_availability_and_costs(exported, project):
    plan = exported[0]
    people = {str(r.getName()): r for r in project.getResources() if r.getName()}
    for person in plan.people:
        assert float(people[person.name].getStandardRate().getAmount()) == person.rate
        assert str(people[person.name].getStandardRate().getUnits()) == "h"
        assert float(people[person.name].getMaxUnits()) == pytest.approx(100 * person.max_units)
    costs = cost_table(plan)
    for task in project.getTasks():
        if task.getWBS():
            assert float(task.getCost()) == pytest.approx(costs.at[str(task.getWBS()), "cost"])
    total = sum(float(a.getCost()) for a in project.getResourceAssignments())
    assert total == pytest.approx(costs["cost"][[t.code for t in plan.tasks if t.level == 1]].sum())


def test_a_tracked_update_carries_its_baseline_and_mpxj_reschedules_it_to_the_same_dates(tracked):
    import java.time
    from org.mpxj.cpm import MicrosoftScheduler

    update, baseline, project = tracked
    base = baseline.table.set_index("wbs_code")
    tasks = {str(t.getWBS()): t for t in project.getTasks() if t.getWBS()}
    assert _python(tasks["4.1.1"].getBaselineFinish()) == base.at["4.1.1", "finish"]
    assert _python(tasks["4.1.1"].getFinish()) > _python(tasks["4.1.1"].getBaselineFinish())
    assert float(tasks["4.1.1"].getBaselineCost()) == pytest.approx(64 * 75)
    assert float(tasks["4.1.1"].getCost()) == pytest.approx(80 * 75)
    start = update.start
    MicrosoftScheduler().schedule(project, java.time.LocalDateTime.of(start.year, start.month, start.day, 8, 0))
    table = schedule(update).table
    dates = {str(t.getWBS()): (_python(t.getStart()), _python(t.getFinish())) for t in project.getTasks() if t.getWBS()}
    assert dates == {code: (s, f) for code, s, f in zip(table["wbs_code"], table["start"], table["finish"], strict=True)}
