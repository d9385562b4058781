"""The synthetic market of a world (crmkit.world.market): consistent with the world, seeded by its
own child keys, labelled synthetic, and moving none of the world's tables."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.market import PANEL_COLUMNS, market_panel, market_truth
from crmkit.world.parameters import parameter


@lru_cache(maxsize=4)
def make_world(seed: int = 3, customers: int = 1500):
    return ck.simulate("retailer", customers=customers, seed=seed, progress=False)


def _hashes(world) -> dict:
    return {name: int(pd.util.hash_pandas_object(df, index=True).sum()) for name, df in world.tables.items()}


def test_the_world_customers_are_part_of_the_market():
    world = make_world()
    truth = market_truth(world)
    known = world.customers[world.customers["signup_date"] <= world.observed_until]
    assert truth["customers"].to_dict() == known["region"].value_counts().to_dict()
    assert (truth["households"] >= truth["customers"]).all()
    # households are the customers over the region's customer share (rounded to whole households)
    assert np.allclose(truth["customers"] / truth["households"], truth["customer_share"], rtol=0.01)
    year = world.orders[world.orders["ordered_at"].dt.year == world.observed_until.year]
    assert np.isclose(truth["revenue"].sum(), year["net_amount"].sum())
    assert np.allclose(truth["market_spend"], truth["households"] * truth["mean_spend"])
    assert ((truth["value_share"] > 0) & (truth["value_share"] < 1)).all()


def test_regions_differ_so_there_is_headroom_to_find():
    shares = pd.concat([market_truth(make_world(seed))["customer_share"] for seed in (1, 2, 3)])
    assert shares.max() / shares.min() > 1.5
    assert np.isclose(np.median(shares), parameter("market", "customer_share"), rtol=0.5)


def test_a_world_always_has_the_same_market_and_panel():
    world = make_world()
    pd.testing.assert_frame_equal(market_truth(world), market_truth(world))
    pd.testing.assert_frame_equal(market_panel(world).table, market_panel(world).table)
    assert market_panel(world).year == world.observed_until.year


def test_another_panel_seed_samples_the_same_market_again():
    world = make_world()
    one, two = market_panel(world, seed=1).table, market_panel(world, seed=2).table
    assert one["households"].tolist() == two["households"].tolist() == market_truth(world)["households"].tolist()
    assert not np.allclose(one["panel_mean_spend"], two["panel_mean_spend"])
    for table in (one, two):
        assert table["panel_households"].sum() == parameter("market", "panel_households")


def test_the_panel_mean_is_near_the_true_mean_spend():
    world = make_world()
    truth = market_truth(world)
    means = np.mean([market_panel(world, seed=s).table["panel_mean_spend"].to_numpy() for s in range(20)], axis=0)
    assert np.allclose(means, truth["mean_spend"].to_numpy(), rtol=0.1)


def test_a_region_draws_from_its_own_child_generator():
    world = make_world()
    west = world.customers["region"] == "West"
    fewer = ck.simulate("retailer", customers=1500, seed=3, progress=False)
    fewer.tables["customers"] = world.customers[~west].reset_index(drop=True)
    kept = market_truth(fewer)["customer_share"]
    assert "West" not in kept.index
    pd.testing.assert_series_equal(kept, market_truth(world)["customer_share"].drop("West"))


def test_the_market_moves_no_table_of_the_world():
    world = make_world(seed=5, customers=800)
    before = _hashes(world)
    market_panel(world)
    market_truth(world, seed=9)
    assert _hashes(world) == before
    assert _hashes(ck.simulate("retailer", customers=800, seed=5, progress=False)) == before


def test_every_column_is_described_and_labelled_synthetic():
    panel = market_panel(make_world())
    assert list(panel.table.columns) == list(panel.columns) == list(PANEL_COLUMNS)
    assert all("synthetic" in text.lower() for text in panel.columns.values())
    assert "synthetic" in repr(panel) and panel.describe().shape == (len(PANEL_COLUMNS), 2)


def test_a_bad_seed_is_one_clear_error():
    with pytest.raises(ConfigError, match=r"seed = -1: must be an int"):
        market_panel(make_world(), seed=-1)


def test_a_saved_and_loaded_world_has_the_same_panel(tmp_path):
    world = make_world(seed=4, customers=300)
    loaded = ck.load_world(world.save(tmp_path / "w"))
    pd.testing.assert_frame_equal(market_panel(loaded).table, market_panel(world).table, check_dtype=False)
