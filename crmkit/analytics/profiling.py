"""Customer profiling: what sets one group of customers apart from all of them.

A profile puts each trait of a segment beside the same trait of the whole customer base. The
usual yardstick is the **index**: the segment's share of a trait value divided by the base's
share, times 100. An index of 100 is average; 150 means the trait is half as common again in
the segment as among all customers. :func:`customer_traits` lists each customer's traits in
long form (who they are, where they buy, what they buy, each with a weight);
:func:`profile_index` turns any such list into a profile of one segment; :func:`segment_profile`
does both for a world's tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError

__all__ = ["AGE_BANDS", "customer_traits", "profile_index", "segment_profile"]

# Upper ends of the age bands (years); the last band is open. Ten-year bands as marketers use them.
AGE_BANDS = (25, 35, 45, 55, 65)


def _age_band(birth_year: pd.Series, as_of) -> pd.Series:
    age = pd.Timestamp(as_of).year - pd.to_numeric(birth_year).astype(float)
    edges = [-np.inf, *AGE_BANDS, np.inf]
    labels = [f"under {AGE_BANDS[0]}"] + [f"{a}-{b - 1}" for a, b in zip(AGE_BANDS, AGE_BANDS[1:])] + [f"{AGE_BANDS[-1]}+"]
    return pd.cut(age, edges, right=False, labels=labels).astype(str).where(age.notna(), "not given")


def _long(ids, trait: str, values, weights) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": np.asarray(ids), "trait": trait, "value": np.asarray(values, dtype=object).astype(str),
                         "weight": np.asarray(weights, dtype=float)})


def customer_traits(customers: pd.DataFrame, orders: pd.DataFrame, order_items: pd.DataFrame,
                    products: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each customer's traits in long form: one row per customer, trait and value, with a weight.

    Parameters
    ----------
    customers : DataFrame
        customer_id, birth_year, region.
    orders : DataFrame
        order_id, customer_id, channel.
    order_items : DataFrame
        order_id, product_id, line_amount.
    products : DataFrame
        product_id, category.
    as_of : timestamp
        The day ages are measured.

    Returns
    -------
    DataFrame
        customer_id, trait, value, weight. Traits: ``age`` (ten-year bands, "not given" when no
        birth year) and ``region``, weight 1 per customer; ``channel``, weight 1 per order;
        ``category``, weight the spend (line_amount) on it.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1], "birth_year": [1990], "region": ["West"]})
    >>> orders = pd.DataFrame({"order_id": [5], "customer_id": [1], "channel": ["web"]})
    >>> items = pd.DataFrame({"order_id": [5, 5], "product_id": [7, 8], "line_amount": [10.0, 5.0]})
    >>> products = pd.DataFrame({"product_id": [7, 8], "category": ["pantry", "freezer"]})
    >>> customer_traits(customers, orders, items, products, "2025-06-30").values.tolist()
    [[1, 'age', '35-44', 1.0], [1, 'region', 'West', 1.0], [1, 'channel', 'web', 1.0], [1, 'category', 'freezer', 5.0], [1, 'category', 'pantry', 10.0]]
    """
    require_columns(customers, ("customer_id", "birth_year", "region"), "customers")
    require_columns(orders, ("order_id", "customer_id", "channel"), "orders")
    require_columns(order_items, ("order_id", "product_id", "line_amount"), "order_items")
    require_columns(products, ("product_id", "category"), "products")
    items = order_items.merge(orders[["order_id", "customer_id"]], on="order_id").merge(products[["product_id", "category"]], on="product_id")
    spend = items.groupby(["customer_id", "category"], as_index=False)["line_amount"].sum()
    ones = np.ones(len(customers))
    return pd.concat([
        _long(customers["customer_id"], "age", _age_band(customers["birth_year"], as_of), ones),
        _long(customers["customer_id"], "region", customers["region"].astype(str), ones),
        _long(orders["customer_id"], "channel", orders["channel"].astype(str), np.ones(len(orders))),
        _long(spend["customer_id"], "category", spend["category"], spend["line_amount"]),
    ], ignore_index=True)


def profile_index(traits: pd.DataFrame, members) -> pd.DataFrame:
    """A segment's profile: its share of each trait value beside the base's, and the index.

    Parameters
    ----------
    traits : DataFrame
        customer_id, trait, value, weight (e.g. from :func:`customer_traits`); the base is
        every customer in it.
    members : sequence of customer ids
        The segment.

    Returns
    -------
    DataFrame
        Indexed by (trait, value): segment_share and base_share (each within its trait, 0 to 1)
        and index (segment_share / base_share * 100).

    Examples
    --------
    >>> traits = pd.DataFrame({"customer_id": [1, 2, 3, 4], "trait": "region", "value": ["W", "W", "E", "E"],
    ...                        "weight": 1.0})
    >>> profile_index(traits, [1, 2, 3])["index"].round(1).tolist()
    [66.7, 133.3]
    """
    require_columns(traits, ("customer_id", "trait", "value", "weight"), "traits")
    in_segment = traits["customer_id"].isin(pd.Index(members))
    if not in_segment.any():
        raise DataError("members: none of the segment's customer ids is among the traits' customers")

    def shares(rows: pd.DataFrame) -> pd.Series:
        totals = rows.groupby(["trait", "value"])["weight"].sum()
        return totals / totals.groupby(level="trait").transform("sum")

    table = pd.DataFrame({"segment_share": shares(traits[in_segment]), "base_share": shares(traits)}).fillna({"segment_share": 0.0})
    table["index"] = 100 * table["segment_share"] / table["base_share"]
    return table


def segment_profile(tables: dict, members, as_of) -> pd.DataFrame:
    """:func:`profile_index` of ``members`` on a world's tables (customers, orders, order_items, products).

    Examples
    --------
    >>> import crmkit as ck
    >>> world = ck.simulate("pschse", customers=300, seed=1, progress=False)
    >>> profile = segment_profile(world.tables, world.customers["customer_id"][:50], world.observed_until)
    >>> sorted(profile.index.get_level_values("trait").unique())
    ['age', 'category', 'channel', 'region']
    """
    traits = customer_traits(tables["customers"], tables["orders"], tables["order_items"], tables["products"], as_of)
    return profile_index(traits, members)
