"""Loading plans: the kit's case plans (plan.yaml + a WBS table) and students' tables."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import yaml

from crmkit import _yaml
from crmkit.errors import ConfigError
from crmkit.planning.calendar import WorkCalendar, calendar_from_dict
from crmkit.planning.checks import Finding, require_no_errors, structure_findings
from crmkit.planning.model import Plan, Resource, code_key
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
    meta = read_plan_file(folder)
    return plan_from_table(
        wbs_table_path(folder, meta),
        start=_date(meta, "start_date"),
        launch=_date(meta, "launch_date") if "launch_date" in meta else None,
        launch_milestone=str(meta["launch_milestone"]) if meta.get("launch_milestone") else None,
        calendar=calendar_from_dict(_mapping(meta, "calendar")),
        name=str(meta.get("name", folder.name)),
        title=str(meta.get("title", "")),
        people=_people(meta),
        reserve_share=_reserve_share(meta),
    )


def read_plan_file(folder: Path) -> dict:
    """The settings in ``folder/plan.yaml``, refusing a file that is not a YAML mapping.

    >>> read_plan_file(plan_folder("pschse"))["wbs_table"]
    'wbs.csv'
    """
    file = folder / PLAN_FILE
    allowed = "a YAML mapping of settings (name, start_date, wbs_table...) as in the pschse plan.yaml"
    try:
        meta = _yaml.safe_load(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{file} is not UTF-8 text (a binary file?); allowed: {allowed}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise ConfigError(f"{file} is not valid YAML{where} ({problem}); allowed: {allowed}") from None
    except OSError as error:
        raise ConfigError(f"{file} cannot be read ({error.strerror}); allowed: {allowed}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise ConfigError(f"{file} holds a {type(meta).__name__}; allowed: {allowed}")
    return meta


def wbs_table_path(folder: Path, meta: dict) -> Path:
    """The WBS table that ``meta["wbs_table"]`` names: an existing file inside ``folder``.

    A plan folder may come from anyone (a student's hand-in, a download), so its
    ``wbs_table`` must not reach outside it, by ``..``, an absolute path or a symlink.

    >>> wbs_table_path(plan_folder("pschse"), {}).name
    'wbs.csv'
    """
    value = meta.get("wbs_table", "wbs.csv")
    allowed = f"the name of a CSV file inside the plan folder {folder}"
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"wbs_table is {value!r}; allowed: {allowed}")
    path = folder / value
    inside, resolved = folder.resolve(), path.resolve()
    if resolved != inside and inside not in resolved.parents:
        raise ConfigError(f"wbs_table is {value!r}, which lies outside the plan folder; allowed: {allowed}")
    if not path.is_file():
        raise ConfigError(f"wbs_table is {value!r}, but there is no such file; allowed: {allowed}")
    return path


def _mapping(meta: dict, key: str) -> dict:
    value = meta.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"{key} is {value!r}; allowed: a mapping of settings, as in the pschse plan.yaml")
    return value


def _people(meta: dict) -> tuple[Resource, ...]:
    people = _mapping(meta, "resources").get("people") or []
    if not isinstance(people, list) or not all(isinstance(p, dict) and p.get("name") for p in people):
        raise ConfigError(f"resources.people is {people!r}; allowed: a list of mappings, each with a name")
    return tuple(Resource(str(p["name"]), role=str(p.get("role", "")), rate=p.get("rate", 0.0),
                          max_units=p.get("max_units", 1.0)) for p in people)


def _reserve_share(meta: dict) -> float:
    share = _mapping(meta, "contingency_reserve").get("share_of_effort", 0.0)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise ConfigError(f"contingency_reserve.share_of_effort is {share!r}; allowed: a share of the WBS's "
                          "effort from 0 to 1, like 0.15")
    return float(share)


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
    people: tuple[Resource, ...] = (),
    reserve_share: float = 0.0,
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
        resources=tuple(dict.fromkeys([*resources, *(person.name for person in people)])),
        people=people,
        reserve_share=reserve_share,
    )
