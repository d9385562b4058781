"""Loading plans: the kit's case plans (plan.yaml + a WBS table) and students' tables."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import yaml

from crmkit.errors import ConfigError
from crmkit.planning.calendar import WorkCalendar, calendar_from_dict
from crmkit.planning.checks import Finding, require_no_errors, structure_findings
from crmkit.planning.model import Plan, code_key
from crmkit.planning.table import parse_table

PLAN_FILE = "plan.yaml"


def plan_folder(source: str | Path) -> Path:
    """The folder of a plan: a case name ("pschse") or a path to a folder with plan.yaml.

    >>> plan_folder("pschse").name
    'plan'
    """
    path = Path(source)
    if (path / PLAN_FILE).is_file():
        return path
    case = resources.files("crmkit._case_studies") / str(source) / "plan"
    if case.joinpath(PLAN_FILE).is_file():
        return Path(str(case))
    raise ConfigError(f"plan {str(source)!r} not found; allowed: {', '.join(case_plans())} or a folder holding {PLAN_FILE}")


def case_plans() -> list[str]:
    """Names of the cases that ship a plan.

    >>> "pschse" in case_plans()
    True
    """
    root = resources.files("crmkit._case_studies")
    return sorted(p.name for p in root.iterdir() if p.joinpath("plan", PLAN_FILE).is_file())


def load_plan(source: str | Path = "pschse") -> Plan:
    """Load a plan by case name or folder, refusing it with a clear error if it is unsound.

    >>> plan = load_plan("pschse")
    >>> plan.start, plan.launch, plan.launch_milestone
    (datetime.date(2026, 1, 5), datetime.date(2026, 10, 1), '9.2.2')
    """
    folder = plan_folder(source)
    meta = yaml.safe_load((folder / PLAN_FILE).read_text(encoding="utf-8")) or {}
    return plan_from_table(
        folder / meta.get("wbs_table", "wbs.csv"),
        start=_date(meta, "start_date"),
        launch=_date(meta, "launch_date") if "launch_date" in meta else None,
        launch_milestone=str(meta["launch_milestone"]) if meta.get("launch_milestone") else None,
        calendar=calendar_from_dict(meta.get("calendar") or {}),
        name=str(meta.get("name", folder.name)),
        title=str(meta.get("title", "")),
        resources=tuple(p["name"] for p in (meta.get("resources") or {}).get("people", [])),
    )


def _date(meta: dict, key: str) -> dt.date:
    value = meta.get(key)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{key} is {value!r}; allowed: an ISO date like 2026-01-05") from None


def plan_from_table(
    source,
    *,
    start: dt.date = dt.date(2026, 1, 5),
    launch: dt.date | None = None,
    launch_milestone: str | None = None,
    calendar: WorkCalendar | None = None,
    name: str = "plan",
    title: str = "",
    resources: tuple[str, ...] = (),
) -> Plan:
    """Build a plan from a WBS table, raising :class:`ConfigError` on its first error.

    Guideline breaches (100% rule, 8/80) do not stop it: see
    :func:`crmkit.planning.check_table` for them.

    >>> plan = plan_from_table([
    ...     {"wbs_code": "1", "name": "Design", "kind": "work_package", "optimistic": 2, "most_likely": 3, "pessimistic": 6},
    ...     {"wbs_code": "2", "name": "Build", "kind": "work_package", "optimistic": 4, "most_likely": 5,
    ...      "pessimistic": 9, "predecessors": "1FS+1"},
    ... ])
    >>> [str(link) for link in plan.links]
    ['1FS+1']
    >>> plan_from_table([{"wbs_code": "1", "name": "A", "kind": "work_package", "most_likely": "three"}])
    Traceback (most recent call last):
    crmkit.errors.ConfigError: row 1: most_likely is 'three'; allowed: a number >= 0 (working days or hours)
    """
    findings: list[Finding] = []
    tasks, links = parse_table(source, lambda code, message: findings.append(Finding("error", "cell", code, message)))
    require_no_errors(findings + structure_findings(tasks, links))
    codes = {task.code for task in tasks}
    if launch_milestone is not None and launch_milestone not in codes:
        raise ConfigError(f"launch_milestone is {launch_milestone!r}; allowed: the WBS code of a row of the table")
    return Plan(
        tasks=tuple(sorted(tasks, key=lambda t: code_key(t.code))),
        links=tuple(links),
        start=start,
        calendar=calendar or WorkCalendar(),
        launch=launch,
        launch_milestone=launch_milestone,
        name=name,
        title=title,
        resources=resources,
    )
