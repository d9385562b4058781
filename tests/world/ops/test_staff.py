"""Unit tier: the staff table of crmkit.world.ops.staff, from a case's config alone."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.world.cases import load_config
from crmkit.world.ops.staff import HIRED_BEFORE, tables
from crmkit.world.words import words_of

PER_REGION = {"sales_consultant": 2, "service_agent": 40}  # enough hires to reach the edges of the range


@pytest.fixture(scope="module")
def config():
    base = load_config("pschse")
    return base.model_copy(update={"staff": base.staff.model_copy(update={"per_region": PER_REGION, "hired_years_before_start": 2})})


def test_head_count_by_role_and_region(config):
    staff = tables(config)["staff"]
    regions = list(words_of(config).geography.regions)
    counts = staff.groupby(["region", "role"]).size()
    assert len(staff) == len(regions) * sum(PER_REGION.values())
    assert all(counts[(r, role)] == n for r in regions for role, n in PER_REGION.items())
    assert staff.staff_id.tolist() == list(range(1, len(staff) + 1))


def test_everyone_was_hired_before_the_start_within_the_years_given(config):
    hired = tables(config)["staff"].hired_on
    start = pd.Timestamp(config.calendar.start_date)
    days_before = (start - hired).dt.days
    assert days_before.min() >= HIRED_BEFORE and days_before.max() <= 2 * 365 + HIRED_BEFORE


def test_the_same_config_gives_the_same_staff(config):
    pd.testing.assert_frame_equal(tables(config)["staff"], tables(config)["staff"])


def test_no_staff_section_no_table(config):
    assert tables(config.model_copy(update={"staff": None})) == {}
