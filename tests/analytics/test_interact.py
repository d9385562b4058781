"""IDIC's Interact: call categories by group and brand shares, by hand, and the brand shares
scored against the world's true taste (they recover it better the more a customer buys)."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics.interact import brand_shares, call_category_shares, shares_vs_taste
from crmkit.errors import DataError
from tests.analytics.conftest import SEEDS


def test_call_category_shares_split_each_groups_cases():
    cases = pd.DataFrame({"customer_id": [1, 1, 1, 2, 9], "reason": ["a", "a", "b", "b", "c"]})
    table = call_category_shares(cases, pd.Series({1: "top", 2: "rest"}))
    assert table.loc["top", ["a", "b", "c"]].tolist() == pytest.approx([2 / 3, 1 / 3, 0.0])
    assert table.loc["unlabelled", "c"] == 1.0 and table["cases"].to_dict() == {"rest": 1, "top": 3, "unlabelled": 1}
    assert table.drop(columns="cases").sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert call_category_shares(cases).index.tolist() == ["all"]


def test_brand_shares_cover_every_brand_and_sum_to_one_per_buyer():
    orders = pd.DataFrame({"order_id": [1, 2, 3], "customer_id": [7, 7, 8]})
    items = pd.DataFrame({"order_id": [1, 2, 2, 3], "product_id": [1, 2, 1, 3], "line_amount": [30.0, 10.0, 20.0, 5.0]})
    products = pd.DataFrame({"product_id": [1, 2, 3], "brand": ["A", "B", "C"], "category": ["x", "x", "y"]})
    shares = brand_shares(orders, items, products).set_index(["customer_id", "brand"])
    assert shares.loc[(7, "A"), ["spend", "share", "orders"]].tolist() == pytest.approx([50.0, 50 / 60, 2])
    assert shares.loc[(8, "A"), "share"] == 0.0 and len(shares) == 6
    by_category = brand_shares(orders, items, products, column="category")
    assert by_category.groupby("customer_id")["share"].sum().to_numpy() == pytest.approx(1.0)


def test_shares_vs_taste_names_a_missing_level():
    shares = pd.DataFrame({"customer_id": [1], "brand": ["A"], "share": [1.0], "orders": [1]})
    taste = pd.DataFrame({"customer_id": [1], "level": ["category"], "name": ["x"], "share": [1.0]})
    with pytest.raises(DataError, match="no 'brand' rows"):
        shares_vs_taste(shares, taste)


@pytest.mark.parametrize("seed", SEEDS)
def test_brand_shares_recover_the_true_taste_better_with_more_orders(make_world, seed):
    """Truth recovery: purchases reveal a buyer's relationships with the brands; the more they buy,
    the closer the observed shares come to the truth's taste."""
    w = make_world("pschse", 3000, seed)
    table = shares_vs_taste(brand_shares(w.orders, w.order_items, w.products), w.truth.customer_taste)
    assert table.index.tolist() == ["1", "2-3", "4-7", "8+"]
    assert (table["correlation"] > 0.4).all()
    assert table["correlation"].iloc[-1] > table["correlation"].iloc[0]
    assert table["mean_abs_error"].iloc[-1] < table["mean_abs_error"].iloc[0]
    assert table["buyers"].sum() == w.orders["customer_id"].nunique()
