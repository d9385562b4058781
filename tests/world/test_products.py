"""Product structure (issue 13): catalogues as data, lasting tastes, repeat buying,
designed complements and substitutes, basket sizes by mission, and their truth tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics.market_basket import category_repeat, pair_lift
from crmkit.errors import ConfigError
from crmkit.world.baskets import mission_multipliers
from crmkit.world.cases import load_config

CUSTOMERS = 1500


@pytest.fixture(scope="module")
def grocer():
    return ck.simulate("tesco", customers=CUSTOMERS, seed=2, progress=False)


@pytest.fixture(scope="module")
def retailer():
    return ck.simulate("retailer", customers=CUSTOMERS, seed=2, progress=False)


def test_catalogues_are_trees_with_brands():
    grocer = load_config("tesco").products
    assert len(grocer.items) >= 200
    assert len({p.category for p in grocer.items}) >= 10
    assert len({p.subcategory for p in grocer.items}) >= 30
    assert len({grocer.brand_of(p) for p in grocer.items}) >= 3
    hotel = {p.category for p in load_config("ritz_carlton").products.items}
    assert {"rooms", "dining", "spa", "meetings"} <= hotel
    casino = {p.category for p in load_config("harrahs").products.items}
    assert {"slots", "table_games", "hotel", "dining", "shows"} <= casino


def test_products_table_carries_the_tree(grocer):
    products = grocer.products
    assert products["subcategory"].notna().all() and products["brand"].notna().all()
    # Every subcategory sits in one category: a tree, not a lattice.
    assert (products.groupby("subcategory")["category"].nunique() == 1).all()


def test_taste_truth_sums_to_one_and_shows_in_what_customers_buy(grocer):
    taste = grocer.truth.customer_taste
    sums = taste.groupby(["customer_id", "level"])["share"].sum()
    assert np.allclose(sums, 1, atol=1e-4)
    lines = grocer.order_items.merge(grocer.orders[["order_id", "customer_id"]], on="order_id")
    lines = lines.merge(grocer.products[["product_id", "category"]], on="product_id")
    counts = lines.groupby(["customer_id", "category"]).size().rename("lines").reset_index()
    counts["observed"] = counts["lines"] / counts.groupby("customer_id")["lines"].transform("sum")
    true = taste[taste["level"] == "category"].rename(columns={"name": "category"})
    both = true.merge(counts.astype({"category": str}), on=["customer_id", "category"], how="left").fillna({"observed": 0})
    busy = both[both["customer_id"].map(counts.groupby("customer_id")["lines"].sum()) >= 50]
    # Measured 0.8-0.9: the truth is what drives choice (persona weights alone give far less spread).
    assert np.corrcoef(busy["share"], busy["observed"])[0, 1] > 0.6


def _without(case: str, *parts: str) -> dict:
    """The case's config with some optional parts of its ``products`` section left out."""
    raw = load_config(case).model_dump(mode="python")
    for part in parts:
        raw["products"].pop(part)
    return raw


def _repeat_share(world) -> float:
    """Share of a customer's order lines (after their first order) that repeat a product bought before."""
    lines = world.order_items.merge(world.orders[["order_id", "customer_id", "ordered_at"]], on="order_id")
    lines = lines.sort_values(["customer_id", "ordered_at", "order_id"], kind="stable")
    first = lines.groupby(["customer_id", "product_id"])["order_id"].transform("first")
    later = lines["order_id"] != lines.groupby("customer_id")["order_id"].transform("first")
    return float((first[later] != lines.loc[later, "order_id"]).mean())


def test_lasting_taste_makes_customers_buy_the_same_items_again(retailer):
    flat = ck.simulate(_without("retailer", "taste"), customers=CUSTOMERS, seed=2, progress=False)
    with_taste, without = _repeat_share(retailer), _repeat_share(flat)
    assert with_taste > 1.3 * without, (with_taste, without)  # Ehrenberg: repeat buying of favourites


def test_designed_complements_and_substitutes_show_in_baskets(grocer):
    lift = pair_lift(grocer.order_items, grocer.products, level="subcategory", min_orders=30).set_index(["item", "other"])
    pairs = grocer.config.products.affinities.pairs
    complements = [(p.source, p.target) for p in pairs if p.kind == "complement"]
    substitutes = [(p.source, p.target) for p in pairs if p.kind == "substitute"]
    found = lift["lift"].reindex(complements).dropna()
    assert len(found) >= len(complements) - 1 and (found > 1.3).all(), found
    pushed = lift["lift"].reindex(substitutes).fillna(0.0)
    assert (pushed < 0.7).all(), pushed


def test_a_lasting_taste_makes_the_second_order_repeat_the_first_ones_categories(grocer):
    # Without taste the ratio would be about 1 (the shuffle keeps each category's popularity).
    # Measured: 1.31 on the 20,000-customer grocer of bench_realism.
    repeat = category_repeat(grocer.orders, grocer.order_items, grocer.products, level="subcategory", seed=3)
    assert repeat["customers"] > 500 and repeat["ratio"] > 1.1, repeat
    flat = grocer.order_items.assign(product_id=grocer.order_items["product_id"].sample(
        frac=1.0, random_state=0).to_numpy())  # products shuffled across all lines: no taste left
    assert category_repeat(grocer.orders, flat, grocer.products, level="subcategory", seed=3)["ratio"] < 1.1


def test_affinity_truth_lists_the_designed_pairs_product_by_product(grocer):
    truth = grocer.truth.product_affinities
    products = grocer.products.set_index("product_id")
    assert len(truth) > 0 and set(truth["kind"]) == {"complement", "substitute"}
    row = truth.iloc[0]
    pair = grocer.config.products.affinities.pairs[0]
    assert pair.source in set(products.loc[row["product_id"], ["sku", "category", "subcategory"]])
    assert pair.target in set(products.loc[row["other_product_id"], ["sku", "category", "subcategory"]])


def test_missions_reshape_baskets_with_mean_one():
    config = load_config("tesco")
    multipliers = mission_multipliers(np.random.default_rng(0), config, 200_000)
    assert multipliers.mean() == pytest.approx(1.0, abs=0.02)
    assert multipliers.max() / multipliers.min() > 5  # a main shop is many top-ups


def test_mission_baskets_differ_in_size(grocer):
    lines = grocer.order_items.groupby("order_id").size()
    assert lines.quantile(0.9) >= 3 * lines.quantile(0.25)


@pytest.mark.parametrize("change, words", [
    ({"products__affinities__pairs": [{"source": "nowhere", "target": "milk", "kind": "complement", "chance": 0.2}]},
     ["products.affinities.pairs.0.source", "nowhere"]),
    ({"products__taste__brand_shape": 0.0}, ["brand_shape", "0.05 <= value"]),
    ({"products__missions__kinds": {"top_up": {"share": 0.0, "lines_multiplier": 1.0}}}, ["shares must not all be zero"]),
])
def test_hostile_product_settings_are_refused(change, words):
    with pytest.raises(ConfigError) as err:
        ck.simulate("tesco", customers=10, progress=False, **change)
    for word in words:
        assert word in str(err.value)


def test_a_case_without_tastes_still_runs():
    world = ck.simulate(_without("pschse", "taste", "missions", "affinities"), customers=200, seed=1, progress=False)
    assert len(world.order_items) > 0 and len(world.truth.product_affinities) == 0
