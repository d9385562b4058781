"""The WBS table layout students (and the kit's own plan) write, and its parsing.

One row per WBS element, in any order:

=============  ==============================================================
column         meaning
=============  ==============================================================
wbs_code       dotted numbers: "6", "6.2", "6.2.1"; the parent of "6.2.1" is "6.2"
name           what the element delivers ("plan outcomes, not actions")
kind           phase, deliverable, work_package, activity or milestone (an event:
               0 days, no effort, under a phase or a deliverable)
optimistic     working days, leaves only (blank for summaries)
most_likely    working days, leaves only
pessimistic    working days, leaves only
predecessors   e.g. "1.2.3FS+2, 1.2.4SS"; type FS (default), SS, FF or SF; lag in
               working days, may be negative
milestone      yes/no (a milestone lasts 0 days)
effort_hours   person-hours of work; leaves need it, summaries may state a budget
resources      optional, separated by ";"
remark         optional; the kit's plan says where each number comes from
=============  ==============================================================

Parsing is lenient: every problem becomes a :class:`~crmkit.planning.checks.Finding`
so a student sees all of them at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pandas as pd

from crmkit.errors import ConfigError
from crmkit.planning.model import KINDS, Estimate, Link, Plan, Task

COLUMNS = (
    "wbs_code", "name", "kind", "optimistic", "most_likely", "pessimistic",
    "predecessors", "milestone", "effort_hours", "resources", "remark",
)
REQUIRED = COLUMNS[:3]
ESTIMATE_COLUMNS = ("optimistic", "most_likely", "pessimistic")
CODE = re.compile(r"^\d+(\.\d+)*$")
PREDECESSOR = re.compile(
    r"^(?P<code>\d+(?:\.\d+)*)\s*(?P<type>FS|SS|FF|SF)?\s*(?:(?P<lag>[+-]\s*\d+)\s*(?:d|days?)?)?$", re.IGNORECASE
)
YES, NO = ("yes", "y", "true", "1", "x"), ("no", "n", "false", "0", "")


def parse_predecessors(text, successor: str) -> tuple[Link, ...]:
    """Parse a predecessors cell into links to ``successor``.

    >>> [str(link) for link in parse_predecessors("1.2.3FS+2, 1.2.4ss, 2-1", "3")]
    ['1.2.3FS+2', '1.2.4SS', '2FS-1']
    >>> parse_predecessors("1.2 after", "3")
    Traceback (most recent call last):
    crmkit.errors.ConfigError: row 3: predecessors has '1.2 after'; allowed: WBS codes with an optional type and lag, e.g. "1.2.3FS+2, 1.2.4SS"
    """
    links = []
    for part in _cells(text, ","):
        match = PREDECESSOR.match(part)
        if not match:
            raise ConfigError(
                f"row {successor}: predecessors has {part!r}; allowed: WBS codes with an optional type and lag, "
                'e.g. "1.2.3FS+2, 1.2.4SS"'
            )
        lag = int(match["lag"].replace(" ", "")) if match["lag"] else 0
        links.append(Link(match["code"], successor, (match["type"] or "FS").upper(), lag))
    return tuple(links)


def _cells(text, sep: str) -> list[str]:
    if _blank(text):
        return []
    return [part.strip() for part in str(text).split(sep) if part.strip()]


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _number(value, column: str, code: str) -> float | None:
    if _blank(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise ConfigError(f"row {code}: {column} is {value!r}; allowed: a number >= 0 (working days or hours)")
    return int(number) if number.is_integer() else number


def _flag(value, code: str) -> bool:
    text = "" if _blank(value) else str(value).strip().lower()
    if text not in YES + NO:
        raise ConfigError(f"row {code}: milestone is {value!r}; allowed: yes or no")
    return text in YES


def _estimate(row, code: str, milestone: bool) -> Estimate | None:
    values = [_number(row.get(column), column, code) for column in ESTIMATE_COLUMNS]
    if all(v is None for v in values):
        return Estimate(0, 0, 0) if milestone else None
    if any(v is None for v in values):
        raise ConfigError(
            f"row {code}: estimate (optimistic, most_likely, pessimistic) is {tuple(values)}; "
            "allowed: all three numbers, or all three blank for a summary"
        )
    if milestone and max(values) > 0:
        raise ConfigError(f"row {code}: milestone with estimate {tuple(values)}; allowed: a milestone lasts 0 days")
    try:
        return Estimate(*values)
    except ConfigError as error:
        raise ConfigError(f"row {code}: {error}") from None


def parse_row(row: dict) -> tuple[Task, tuple[Link, ...]]:
    """Turn one table row (a mapping of column to cell) into a task and its incoming links.

    >>> task, links = parse_row({"wbs_code": "1.2", "name": "Charter", "kind": "work_package",
    ...     "optimistic": 2, "most_likely": 3, "pessimistic": 5, "predecessors": "1.1FS+1"})
    >>> task.estimate.expected, [str(link) for link in links]
    (3.1666666666666665, ['1.1FS+1'])
    """
    code = "" if _blank(row.get("wbs_code")) else str(row["wbs_code"]).strip()
    if not CODE.match(code):
        raise ConfigError(f"wbs_code is {row.get('wbs_code')!r}; allowed: dotted numbers like 6, 6.2 or 6.2.1")
    kind = str(row.get("kind", "")).strip().lower().replace(" ", "_")
    if kind not in KINDS:
        raise ConfigError(f"row {code}: kind is {row.get('kind')!r}; allowed: one of {', '.join(KINDS)}")
    milestone = _flag(row.get("milestone"), code) or kind == "milestone"
    task = Task(
        code=code,
        name="" if _blank(row.get("name")) else str(row["name"]).strip(),
        kind=kind,
        estimate=_estimate(row, code, milestone),
        milestone=milestone,
        effort_hours=_number(row.get("effort_hours"), "effort_hours", code),
        resources=tuple(_cells(row.get("resources"), ";")),
        remark="" if _blank(row.get("remark")) else str(row["remark"]),
    )
    return task, parse_predecessors(row.get("predecessors"), code)


def read_table(source) -> pd.DataFrame:
    """Read a WBS table from a CSV path, a DataFrame or a list of row mappings.

    >>> read_table([{"wbs_code": "1", "name": "Build", "kind": "phase"}]).columns.tolist()[:3]
    ['wbs_code', 'name', 'kind']
    """
    if isinstance(source, pd.DataFrame):
        table = source.copy()
    elif isinstance(source, list):
        table = pd.DataFrame(source)
    else:
        table = _read_csv(source)
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        raise ConfigError(f"the WBS table lacks columns {missing}; allowed: the layout {', '.join(COLUMNS)}")
    return table


def _read_csv(source) -> pd.DataFrame:
    """Read a WBS CSV file; anything that is not one becomes a one-line ConfigError."""
    allowed = f"a CSV file saved as UTF-8 with the header {','.join(COLUMNS)}"
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts the file with a byte-order mark.
        return pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise ConfigError(f"the WBS table {source} is empty; allowed: {allowed}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"the WBS table {source} is not UTF-8 text (a binary file, or saved in another "
                          f"encoding?); allowed: {allowed}") from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[-1] if str(error).strip() else "unreadable"
        raise ConfigError(f"the WBS table {source} is not a well-formed CSV ({detail}); allowed: {allowed}") from None
    except OSError as error:
        raise ConfigError(f"the WBS table {source} cannot be read ({error.strerror}); allowed: {allowed}") from None


def parse_table(source, on_problem: Callable[[str, str], None]):
    """Parse every row, passing each problem to ``on_problem(wbs_code, message)``.

    Returns the tasks (in outline order) and the links of the rows that parsed.
    """
    tasks, links = [], []
    for position, row in enumerate(read_table(source).to_dict("records"), start=1):
        try:
            task, incoming = parse_row(row)
        except ConfigError as error:
            on_problem(str(row.get("wbs_code", f"#{position}")), str(error))
            continue
        tasks.append(task)
        links.extend(incoming)
    return tasks, links


def plan_to_table(plan: Plan) -> pd.DataFrame:
    """The plan in the table layout (the reverse of parsing), one row per task.

    >>> from crmkit.planning.io import load_plan
    >>> plan_to_table(load_plan("pschse")).loc[0, ["wbs_code", "kind"]].tolist()
    ['1', 'phase']
    """
    rows = []
    for task in plan.tasks:
        estimate = task.estimate
        rows.append({
            "wbs_code": task.code,
            "name": task.name,
            "kind": task.kind,
            **{c: getattr(estimate, c) if estimate else None for c in ESTIMATE_COLUMNS},
            "predecessors": ", ".join(str(link) for link in plan.links if link.successor == task.code),
            "milestone": "yes" if task.milestone else "no",
            "effort_hours": task.effort_hours,
            "resources": "; ".join(task.resources),
            "remark": task.remark,
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))
