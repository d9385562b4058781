"""CSV exports: a task list for MS Project's import wizard and Excel, and the WBS table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from crmkit._files import write_atomically
from crmkit.planning.model import Plan
from crmkit.planning.scheduling import schedule
from crmkit.planning.table import plan_to_table

MSPROJECT_COLUMNS = ("ID", "Name", "Duration", "Start", "Finish", "Predecessors", "Outline Level", "WBS", "Milestone")


def _days(value: float) -> str:
    days = int(value) if float(value).is_integer() else value
    return f"{days} day" if days == 1 else f"{days} days"


def msproject_table(plan: Plan, durations: str = "most_likely") -> pd.DataFrame:
    """The scheduled plan as MS Project's import wizard and Excel read it.

    Predecessors name task IDs (row numbers), as MS Project's Predecessors column does.

    >>> from crmkit.planning import load_plan
    >>> table = msproject_table(load_plan("pschse"))
    >>> table.loc[3, ["Name", "Duration", "Start", "Predecessors", "WBS", "Milestone"]].tolist()
    ['WBS and WBS dictionary built with the team', '4 days', '2026-01-12 08:00', '3FS', '1.1.2', 'No']
    """
    sched = schedule(plan, durations)
    ids = {code: i for i, code in enumerate(sched.table["wbs_code"], start=1)}
    rows = []
    for row in sched.table.itertuples(index=False):
        links = [link for link in plan.links if link.successor == row.wbs_code]
        rows.append((
            ids[row.wbs_code], row.name, _days(row.duration), f"{row.start:%Y-%m-%d %H:%M}",
            f"{row.finish:%Y-%m-%d %H:%M}", ", ".join(_predecessor(link, ids) for link in links),
            row.level, row.wbs_code, "Yes" if row.milestone else "No",
        ))
    return pd.DataFrame(rows, columns=list(MSPROJECT_COLUMNS))


def _predecessor(link, ids: dict[str, int]) -> str:
    lag = f"{link.lag:+d} days" if link.lag else ""
    return f"{ids[link.predecessor]}{link.type}{lag}"


def _csv_bytes(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    # A byte-order mark tells Excel the file is UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def write_msproject_csv(plan: Plan, path: str | Path, durations: str = "most_likely") -> Path:
    """Write :func:`msproject_table` as CSV (UTF-8 with BOM, CRLF lines), atomically."""
    return write_atomically(path, _csv_bytes(msproject_table(plan, durations)))


def write_table(plan: Plan, path: str | Path) -> Path:
    """Write the plan in the kit's WBS table layout (see :mod:`crmkit.planning.table`).

    >>> import tempfile, pathlib
    >>> from crmkit.planning import load_plan, plan_from_table
    >>> plan = load_plan("pschse")
    >>> out = write_table(plan, pathlib.Path(tempfile.mkdtemp()) / "wbs.csv")
    >>> plan_from_table(out).tasks == plan.tasks
    True
    """
    return write_atomically(path, _csv_bytes(plan_to_table(plan)))
