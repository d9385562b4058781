"""The analytics namespace: every module of the registry gives its public names once, and the names the
notebooks and lessons import from a module's old place still reach the same functions after a split."""

from __future__ import annotations

import importlib
from collections import Counter

import pytest

import crmkit.analytics as analytics


def test_no_two_modules_of_the_registry_give_the_same_name():
    names = Counter(name for module in analytics._MODULES
                    for name in importlib.import_module(f"crmkit.analytics.{module}").__all__)
    assert [name for name, n in names.items() if n > 1] == []
    assert set(analytics.__all__) == set(names)


@pytest.mark.parametrize(("old_place", "name", "home", "home_name"), [
    ("kpis", "kpi_table", "kpis", "period_kpi_table"),
    ("case_kpis", "kpi_table", "case_kpis", "case_kpi_table"),
    ("value", "probabilistic_clv", "btyd", "probabilistic_clv"),
    ("retention", "customer_base_projection", "retention_value", "customer_base_projection"),
])
def test_an_old_import_path_reaches_the_moved_function(old_place, name, home, home_name):
    old = getattr(importlib.import_module(f"crmkit.analytics.{old_place}"), name)
    assert old is getattr(importlib.import_module(f"crmkit.analytics.{home}"), home_name)


def test_the_two_kpi_tables_have_distinct_public_names():
    from crmkit.analytics.case_kpis import case_kpi_table
    from crmkit.analytics.kpis import period_kpi_table

    assert case_kpi_table is not period_kpi_table
    assert "kpi_table" not in analytics.__all__
