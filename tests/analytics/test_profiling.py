"""Customer profiling: traits in long form, shares within each trait and the index against the base."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.profiling import customer_traits, profile_index, segment_profile
from crmkit.errors import DataError


def test_the_index_compares_the_segment_with_the_whole_base():
    traits = pd.DataFrame({"customer_id": [1, 1, 2, 3], "trait": "channel", "value": ["web", "web", "event", "event"],
                           "weight": 1.0})
    table = profile_index(traits, [1, 2]).droplevel("trait")
    assert table.loc["web", "segment_share"] == pytest.approx(2 / 3)
    assert table.loc["web", "base_share"] == pytest.approx(2 / 4)
    assert table.loc["web", "index"] == pytest.approx(100 * (2 / 3) / (2 / 4))


def test_a_value_the_segment_lacks_has_index_zero_and_an_empty_segment_is_refused():
    traits = pd.DataFrame({"customer_id": [1, 2], "trait": "region", "value": ["W", "E"], "weight": 1.0})
    assert profile_index(traits, [1]).droplevel("trait").loc["E", "index"] == 0.0
    with pytest.raises(DataError, match="members"):
        profile_index(traits, [99])


def test_ages_fall_in_bands_and_a_missing_birth_year_is_said():
    customers = pd.DataFrame({"customer_id": [1, 2, 3], "birth_year": pd.array([2005, 1960, None], dtype="Int64"),
                              "region": ["W", "W", "E"]})
    empty = pd.DataFrame({"order_id": [], "customer_id": [], "channel": []})
    traits = customer_traits(customers, empty, pd.DataFrame({"order_id": [], "product_id": [], "line_amount": []}),
                             pd.DataFrame({"product_id": [], "category": []}), "2025-06-30")
    assert traits.loc[traits.trait == "age", "value"].tolist() == ["under 25", "65+", "not given"]


def test_each_trait_sums_to_one_on_a_world(make_world):
    world = make_world("pschse", 2000, 1)
    members = world.customers.loc[world.customers.loyalty_tier.isin(["silver", "gold"]), "customer_id"]
    profile = segment_profile(world.tables, members, world.observed_until)
    sums = profile.groupby(level="trait")[["segment_share", "base_share"]].sum()
    assert np.allclose(sums, 1.0)
    spend = profile.loc["category"]
    assert (spend["index"] > 0).all()
