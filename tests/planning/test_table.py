"""The WBS table layout: parsing cells and predecessors, and the round trip."""

from __future__ import annotations

import pytest

from crmkit.errors import ConfigError
from crmkit.planning import load_plan, plan_from_table, plan_to_table
from crmkit.planning.table import parse_predecessors, parse_row


def row(**cells):
    return {"wbs_code": "1.1", "name": "Charter", "kind": "work_package", "optimistic": 1,
            "most_likely": 2, "pessimistic": 3, **cells}


@pytest.mark.parametrize(("text", "expected"), [
    ("1.2.3FS+2, 1.2.4SS", ["1.2.3FS+2", "1.2.4SS"]),
    ("2ff-1", ["2FF-1"]),
    ("3 SF + 4 days", ["3SF+4"]),
    ("", []),
    (None, []),
])
def test_predecessors_are_parsed(text, expected):
    assert [str(link) for link in parse_predecessors(text, "9")] == expected


@pytest.mark.parametrize(("cells", "field"), [
    ({"wbs_code": "A.1"}, "wbs_code"),
    ({"kind": "epic"}, "kind"),
    ({"most_likely": -2}, "most_likely"),
    ({"most_likely": "soon"}, "most_likely"),
    ({"optimistic": 5}, "optimistic <= most_likely"),
    ({"pessimistic": None}, "all three numbers"),
    ({"milestone": "maybe"}, "milestone"),
    ({"milestone": "yes"}, "milestone"),
    ({"predecessors": "1.1 then 1.2"}, "predecessors"),
    ({"effort_hours": "lots"}, "effort_hours"),
])
def test_bad_cells_are_refused_naming_the_field_and_what_is_allowed(cells, field):
    with pytest.raises(ConfigError, match="allowed") as caught:
        parse_row(row(**cells))
    assert field in str(caught.value)


def test_the_table_layout_round_trips():
    plan = load_plan("pschse")
    again = plan_from_table(plan_to_table(plan), start=plan.start)
    assert again.tasks == plan.tasks
    assert sorted(map(str, again.links)) == sorted(map(str, plan.links))


def test_a_missing_column_is_named():
    with pytest.raises(ConfigError, match=r"lacks columns \['kind'\]"):
        plan_from_table([{"wbs_code": "1", "name": "A"}])
