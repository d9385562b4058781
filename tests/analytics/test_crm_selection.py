"""Choosing a class of CRM product by the kit's rule table, and the stages of a roll-out: the profile
is counted from the world, the choice moves with the profile, and the stages follow the records."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics import crm_selection
from crmkit.analytics.crm_scope import office_tables
from crmkit.analytics.crm_selection import choose_product_class, product_classes, rollout_order, world_profile
from crmkit.errors import DataError

SMALL = {"customers": 200, "users": 2, "channels": 2, "source_systems": 1, "records_per_day": 10}


@pytest.fixture(scope="module")
def world(make_world):
    return make_world("pschse", 1500, 4)


def _chosen(profile: dict) -> str:
    result = choose_product_class(pd.Series(profile))
    assert result["chosen"].sum() == 1
    return result.query("chosen").index[0]


def test_the_profile_is_counted_from_the_world(world):
    profile = world_profile(world.tables, world.observed_until)
    assert profile["customers"] == len(world.customers) and profile["users"] == len(world.staff)
    assert profile["channels"] == (world.interactions.channel.value_counts() > 0).sum()
    assert profile["source_systems"] == (world.source_records.source_system.value_counts() > 0).sum()
    days = (world.observed_until.normalize() - world.customers.signup_date.min().normalize()).days + 1
    front = sum(len(world.tables[name]) for name in office_tables("front"))
    assert profile["records_per_day"] == pytest.approx(front / days)
    assert front < sum(len(table) for table in world.tables.values())  # the back office is left out


def test_the_class_moves_with_size_and_with_complexity():
    assert _chosen(SMALL) == "spreadsheet_and_email"
    assert _chosen({**SMALL, "customers": 5000}) == "small_business_saas"      # size alone
    assert _chosen({**SMALL, "source_systems": 3}) == "small_business_saas"    # complexity alone
    assert _chosen({**SMALL, "channels": 9}) == "enterprise_suite"
    breaks = choose_product_class(pd.Series({**SMALL, "channels": 9})).loc["small_business_saas", "breaks"]
    assert breaks == "channels"


def test_a_limit_is_a_bound_the_profile_may_reach():
    limits = product_classes().loc["spreadsheet_and_email"]
    at_limit = {key: float(limits[key]) for key in SMALL}
    assert _chosen(at_limit) == "spreadsheet_and_email"
    assert _chosen({**at_limit, "users": at_limit["users"] + 1}) == "small_business_saas"


def test_the_largest_class_has_no_limit_so_every_profile_gets_one():
    huge = {key: 1e12 for key in SMALL}
    assert _chosen(huge) == "enterprise_suite"


def test_a_profile_missing_a_figure_is_refused_by_name():
    with pytest.raises(DataError, match="'users'"):
        choose_product_class(pd.Series({k: v for k, v in SMALL.items() if k != "users"}))


def test_a_limit_on_an_unknown_dimension_in_the_yaml_is_refused(monkeypatch):
    raw = {"dimensions": {"customers": "x"}, "classes": [{"key": "a", "name": "A", "limits": {"budget": 1}}]}
    monkeypatch.setattr(crm_selection.yaml, "safe_load", lambda text: raw)
    crm_selection._raw.cache_clear()
    try:
        with pytest.raises(DataError, match="'budget'"):
            product_classes()
    finally:
        crm_selection._raw.cache_clear()


def test_rollout_stages_follow_the_records_and_skip_empty_systems(world):
    stages = rollout_order(world.source_records)
    counts = world.source_records.source_system.astype(str).value_counts()
    assert stages.set_index("source_system")["records"].to_dict() == counts.to_dict()
    assert stages["records"].is_monotonic_decreasing and stages["stage"].tolist() == list(range(1, len(counts) + 1))
    assert stages["share"].sum() == pytest.approx(1.0)
    unused = set(world.source_records.source_system.cat.categories.astype(str)) - set(counts.index)
    assert unused and not unused & set(stages.source_system)  # pos_loyalty captured nothing in PSCHSE


def test_what_lesson_03_reads_from_the_pschse_world(world):
    # the prose of lesson 03, section 10: complexity, not size, sends PSCHSE past the small-business
    # class; the web shop is the largest and cleanest source, the call centre the smallest and least clean
    choice = choose_product_class(world_profile(world.tables, world.observed_until))
    assert choice.loc["small_business_saas", "breaks"] == "channels, source_systems"
    assert choice.query("chosen").index[0] == "enterprise_suite"
    stages = rollout_order(world.source_records).set_index("source_system")
    assert stages.index[0] == "web_shop" == stages["missing_email"].idxmin()
    assert stages.index[-1] == "call_centre" == stages["missing_email"].idxmax()
    assert 0.25 < stages.loc["event_signup", "share"] < 0.4 and stages.loc["event_signup", "missing_email"] > 0.15
