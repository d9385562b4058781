"""Microsoft Project XML (MSPDI): the plan with its outline, dates, links and calendar.

Elements are written in the order of Microsoft's MSPDI schema, which Project enforces.
Each task carries ``ActualDuration`` zero, which MPXJ's scheduler needs to reschedule it.
Resources carry their availability (Max. Units) and hourly rate, assignments and tasks
their work and cost (Cost = Work x Standard Rate), and, when one is given, every task its
baseline (Baseline 0: start, finish, duration, work, cost) for the Tracking Gantt.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from crmkit._files import write_atomically
from crmkit.planning.model import Plan
from crmkit.planning.resources import cost_table
from crmkit.planning.scheduling import Schedule, schedule

NAMESPACE = "http://schemas.microsoft.com/project"
LINK_TYPE_CODES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
LAG_FORMAT_DAYS = 7
# Durations are elapsed estimates, so the work of the assignments must not stretch them.
FIXED_DURATION = 1
DURATION_FORMAT_DAYS = 7
# MSPDI weekday numbers run from Sunday (1) to Saturday (7).
WEEKDAY_NUMBERS = {"Sun": 1, "Mon": 2, "Tue": 3, "Wed": 4, "Thu": 5, "Fri": 6, "Sat": 7}
WORKING_TIMES = (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00"))
RATE_PER_HOUR = 2  # StandardRateFormat: the rate is shown per hour


def _add(parent: ET.Element, tag: str, text=None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _fields(parent: ET.Element, *pairs) -> None:
    for tag, text in pairs:
        _add(parent, tag, text)


def _datetime(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _hours(days: float, hours_per_day: int) -> str:
    minutes = round(days * hours_per_day * 60)
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def lag_tenths_of_minutes(lag_days: int, hours_per_day: int = 8) -> int:
    """MSPDI stores a link lag in tenths of a minute.

    >>> lag_tenths_of_minutes(2)
    9600
    """
    return lag_days * hours_per_day * 60 * 10


def _money(value: float) -> str:
    return f"{value:.2f}"


def _cents(value: float) -> str:
    """MSPDI stores costs (not rates) in hundredths of the currency unit."""
    return f"{round(value * 100)}"


def mspdi_tree(sched: Schedule, baseline: Schedule | None = None) -> ET.ElementTree:
    """The MSPDI document of a schedule as an element tree.

    >>> from crmkit.planning import load_plan
    >>> root = mspdi_tree(schedule(load_plan("pschse"))).getroot()
    >>> root.get("xmlns"), root.find("Tasks/Task/OutlineNumber").text
    ('http://schemas.microsoft.com/project', '1')
    """
    plan = sched.plan
    root = ET.Element("Project", xmlns=NAMESPACE)
    _fields(
        root, ("SaveVersion", 14), ("Name", f"{plan.name}.xml"), ("Title", plan.title or plan.name),
        ("ScheduleFromStart", 1), ("StartDate", _datetime(sched.table["start"].min())),
        ("FinishDate", _datetime(sched.finish)), ("CalendarUID", 1),
        ("DefaultStartTime", "08:00:00"), ("DefaultFinishTime", "17:00:00"),
        ("MinutesPerDay", plan.calendar.hours_per_day * 60),
        ("MinutesPerWeek", plan.calendar.hours_per_day * 60 * len(plan.calendar.working_days)),
        ("DaysPerMonth", 20),
    )
    _calendar(_add(root, "Calendars"), plan)
    uids = _tasks(_add(root, "Tasks"), sched, baseline)
    _resources(root, plan, sched, uids)
    return ET.ElementTree(root)


def _calendar(parent: ET.Element, plan: Plan) -> None:
    calendar = _add(parent, "Calendar")
    _fields(calendar, ("UID", 1), ("Name", plan.calendar.name), ("IsBaseCalendar", 1), ("BaseCalendarUID", -1))
    weekdays = _add(calendar, "WeekDays")
    for day, number in WEEKDAY_NUMBERS.items():
        weekday = _add(weekdays, "WeekDay")
        working = day in plan.calendar.working_days
        _fields(weekday, ("DayType", number), ("DayWorking", int(working)))
        if working:
            times = _add(weekday, "WorkingTimes")
            for start, finish in WORKING_TIMES:
                _fields(_add(times, "WorkingTime"), ("FromTime", start), ("ToTime", finish))
    exceptions = _add(calendar, "Exceptions")
    for day, name in plan.calendar.holidays:
        exception = _add(exceptions, "Exception")
        _add(exception, "EnteredByOccurrences", 0)
        period = _add(exception, "TimePeriod")
        _fields(period, ("FromDate", f"{day}T00:00:00"), ("ToDate", f"{day}T23:59:00"))
        _fields(exception, ("Occurrences", 1), ("Name", name), ("Type", 1), ("DayWorking", 0))


def _tasks(parent: ET.Element, sched: Schedule, baseline: Schedule | None) -> dict[str, int]:
    plan, hours = sched.plan, sched.plan.calendar.hours_per_day
    uids = {code: i for i, code in enumerate(sched.table["wbs_code"], start=1)}
    costs = cost_table(plan)
    base = baseline.table.set_index("wbs_code") if baseline is not None else None
    base_costs = cost_table(baseline.plan) if baseline is not None else None
    for row in sched.table.itertuples(index=False):
        task = _add(parent, "Task")
        duration = _hours(row.duration, hours)
        _fields(
            task, ("UID", uids[row.wbs_code]), ("ID", uids[row.wbs_code]), ("Name", row.name), ("Type", FIXED_DURATION),
            ("IsNull", 0), ("WBS", row.wbs_code), ("OutlineNumber", row.wbs_code), ("OutlineLevel", row.level),
            ("Priority", 500), ("Start", _datetime(row.start)), ("Finish", _datetime(row.finish)),
            ("Duration", duration), ("DurationFormat", DURATION_FORMAT_DAYS),
            ("Work", _hours(costs.at[row.wbs_code, "work"] / hours, hours)), ("Estimated", 0),
            ("Milestone", int(row.milestone)), ("Summary", int(row.summary)), ("Critical", int(row.critical)),
            ("Cost", _cents(costs.at[row.wbs_code, "cost"])), ("ActualDuration", "PT0H0M0S"),
            ("RemainingDuration", duration), ("ConstraintType", 0),
            ("CalendarUID", -1),
        )
        remark = plan.task(row.wbs_code).remark
        if remark:
            _add(task, "Notes", remark)
        for link in (link for link in plan.links if link.successor == row.wbs_code):
            element = _add(task, "PredecessorLink")
            _fields(
                element, ("PredecessorUID", uids[link.predecessor]), ("Type", LINK_TYPE_CODES[link.type]),
                ("CrossProject", 0), ("LinkLag", lag_tenths_of_minutes(link.lag, hours)),
                ("LagFormat", LAG_FORMAT_DAYS),
            )
        if base is not None and row.wbs_code in base.index:
            _baseline(_add(task, "Baseline"), base.loc[row.wbs_code], base_costs.loc[row.wbs_code], hours)
        _fields(task, ("Active", 1), ("Manual", 0))
    return uids


def _baseline(element: ET.Element, row, costs, hours: int) -> None:
    _fields(
        element, ("Number", 0), ("Start", _datetime(row["start"])), ("Finish", _datetime(row["finish"])),
        ("Duration", _hours(row["duration"], hours)), ("DurationFormat", DURATION_FORMAT_DAYS),
        ("Work", _hours(costs["work"] / hours, hours)), ("Cost", _cents(costs["cost"])),
    )


def _resources(root: ET.Element, plan: Plan, sched: Schedule, uids: dict[str, int]) -> None:
    names = list(dict.fromkeys([*plan.resources, *(r for t in plan.leaves for r in t.resources)]))
    resources = _add(root, "Resources")
    for uid, name in enumerate(names, start=1):
        person = plan.person(name)
        _fields(
            _add(resources, "Resource"), ("UID", uid), ("ID", uid), ("Name", name), ("Type", 1), ("IsNull", 0),
            ("MaxUnits", f"{person.max_units:.2f}"), ("StandardRate", _money(person.rate)),
            ("StandardRateFormat", RATE_PER_HOUR),
        )
    assignments, rows = _add(root, "Assignments"), sched.table.set_index("wbs_code")
    for task in plan.leaves:
        row = rows.loc[task.code]
        if not task.resources or row["duration"] == 0:
            continue
        # Work = Duration x Units: each named resource carries an equal share of the effort.
        work_days = (task.effort_hours or 0) / len(task.resources) / plan.calendar.hours_per_day
        work = _hours(work_days, plan.calendar.hours_per_day)
        for name in task.resources:
            assignment = _add(assignments, "Assignment")
            _fields(
                assignment, ("UID", len(assignments)), ("TaskUID", uids[task.code]),
                ("ResourceUID", names.index(name) + 1), ("ActualWork", "PT0H0M0S"),
                ("Cost", _cents(work_days * plan.calendar.hours_per_day * plan.person(name).rate)),
                ("Finish", _datetime(row["finish"])), ("RemainingWork", work), ("Start", _datetime(row["start"])),
                ("Units", f"{work_days / row['duration']:.4f}"), ("Work", work),
            )


def write_mspdi(plan: Plan, path: str | Path, durations: str = "most_likely", baseline: Schedule | None = None) -> Path:
    """Write the plan, scheduled with ``durations``, as Microsoft Project XML.

    ``baseline`` (from :func:`crmkit.planning.set_baseline`) is written as each task's
    Baseline 0, so MS Project's Tracking Gantt shows the slips of a tracked update.

    >>> import tempfile, pathlib
    >>> from crmkit.planning import load_plan
    >>> out = write_mspdi(load_plan("pschse"), pathlib.Path(tempfile.mkdtemp()) / "pschse.xml")
    >>> print(out.read_text(encoding="utf-8").splitlines()[1])
    <Project xmlns="http://schemas.microsoft.com/project">
    """
    tree = mspdi_tree(schedule(plan, durations), baseline)
    ET.indent(tree)
    return write_atomically(path, ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True))
