"""The CSV task list for MS Project's import wizard and Excel."""

from __future__ import annotations

import pandas as pd

from crmkit.planning import load_plan, schedule
from crmkit.planning.msproject_csv import MSPROJECT_COLUMNS, write_msproject_csv


def test_the_csv_agrees_with_the_schedule(tmp_path):
    plan = load_plan("pschse")
    path = write_msproject_csv(plan, tmp_path / "pschse.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    sched = schedule(plan).table
    assert tuple(table.columns) == MSPROJECT_COLUMNS
    assert table["WBS"].tolist() == sched["wbs_code"].tolist()
    assert table["Start"].tolist() == sched["start"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    row = table.set_index("WBS").loc["6.2.4.3"]
    ids = dict(zip(table["WBS"], table["ID"], strict=True))
    assert row["Predecessors"] == f"{ids['6.2.4.1']}SS, {ids['9.2.1']}SF+3 days"
    assert row["Duration"] == "5 days" and row["Milestone"] == "No"
    assert table.set_index("WBS").loc["9.2.2", "Milestone"] == "Yes"
