"""Duration and intensity of relationships: hand-checked numbers, and the tiers of a world differ as a
loyalty programme's tiers should."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics.relationships import duration_and_intensity, relationship_strength
from crmkit.errors import DataError


def test_duration_runs_to_the_end_of_the_data_and_intensity_is_per_customer_year():
    customers = pd.DataFrame({"customer_id": [1, 2, 3], "loyalty_tier": ["gold", "gold", "none"],
                              "signup_date": pd.to_datetime(["2023-01-01", "2025-01-01", "2025-12-31"])})
    orders = pd.DataFrame({"customer_id": [1, 1, 3, 3], "net_amount": [10.0, 20.0, 5.0, 99.0],
                           "ordered_at": pd.to_datetime(["2023-06-01", "2024-06-01", "2025-12-31 20:00", "2026-01-01"], format="ISO8601")})
    strength = relationship_strength(customers, orders, "2025-12-31")
    assert strength["orders"].tolist() == [2.0, 0.0, 1.0]  # the order of the last evening counts, the next day's not
    assert strength["duration_years"].round(3).tolist() == [round(1095 / 365.25, 3), round(364 / 365.25, 3), 0.0]
    table = duration_and_intensity(strength)
    assert table.loc["gold", "orders_per_year"] == pytest.approx(2 / ((1095 + 364) / 365.25))
    assert table.loc["gold", "spend_per_year"] == pytest.approx(30 / ((1095 + 364) / 365.25))
    assert table.loc["none", "customers"] == 1.0


def test_a_missing_column_is_named():
    with pytest.raises(DataError, match="signup_date"):
        relationship_strength(pd.DataFrame({"customer_id": [1]}), pd.DataFrame(), "2025-01-01")


def test_upper_tiers_have_longer_and_more_intense_relationships(make_world):
    world = make_world("pschse", 2000, 1)
    table = duration_and_intensity(relationship_strength(world.customers, world.orders, world.observed_until))
    assert set(table.index) >= {"none", "bronze", "silver", "gold"}
    assert table.loc["gold", "duration_years"] > table.loc["none", "duration_years"]
    assert table.loc["gold", "orders_per_year"] > table.loc["silver", "orders_per_year"] > table.loc["none", "orders_per_year"]
    assert table["customers"].sum() == len(world.customers)
