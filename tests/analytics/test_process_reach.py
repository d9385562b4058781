"""One group of customers followed through the processes: each process's reach, from the kit's map of
the processes to their rows."""

from __future__ import annotations

import pytest

from crmkit.analytics.process_reach import process_reach, process_touches
from crmkit.errors import DataError


def test_each_process_reaches_the_customers_its_rows_name(make_world):
    world = make_world("pschse", 2000, 1)
    cohort = world.customers.loc[world.customers.signup_date.dt.year == 2024, "customer_id"]
    reach = process_reach(world.tables, cohort)
    complaints = world.cases.loc[world.cases.is_complaint, "customer_id"]
    refunds = world.refunds["customer_id"]
    assert reach.loc["complaint_management", "customers"] == cohort.isin(complaints).sum() + (
        cohort.isin(refunds) & ~cohort.isin(complaints)).sum()
    assert reach.loc["lead_management", "customers"] == cohort.isin(world.leads["converted_customer_id"].dropna()).sum()
    assert reach.loc["customer_profiling", "share"] == 1.0
    assert list(reach["group"].unique()) == ["delivery", "support", "analysis"]


def test_touches_has_a_row_per_customer_and_an_empty_group_is_refused(make_world):
    world = make_world("pschse", 2000, 1)
    touches = process_touches(world.tables, [1, 2, 2, 3])
    assert list(touches.index) == [1, 2, 3] and touches.shape[1] == 9
    with pytest.raises(DataError, match="customer_ids"):
        process_touches(world.tables, [])
