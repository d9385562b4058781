"""Per-customer tables for :func:`crmkit.analytics.segments.behaviour_features`: shares of
labels per customer, and each order line with its customer and category.

Integer codes, bisection and one ``bincount`` instead of grouping tens of millions of rows
as text: at a million customers these are the segment stage's time and memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def label_shares(keys: pd.Series, values: pd.Series, prefix: str, index: pd.Index, weights=None) -> pd.DataFrame:
    """Share of each value of ``values`` per key (rows sum to 1; 0 where a key has none).

    One column per value seen (in text order), one row per key of ``index``. Integer codes
    and one ``bincount`` instead of grouping millions of labels as text.
    """
    codes, seen = pd.factorize(values)
    names = np.array([str(v) for v in np.asarray(seen, dtype=object)], dtype=object)  # a handful of labels
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    row = positions_in(index, np.asarray(keys))
    kept = (row >= 0) & (codes >= 0)  # a key outside ``index`` still names a column; no label counts nowhere
    # Unweighted: counts, with no array of ones as long as the keys (tens of millions of interactions).
    amount = None if weights is None else np.asarray(weights, dtype=float)[kept]
    cell = row[kept]
    del row
    cell *= len(names)
    cell += rank[codes[kept]]
    cells = np.bincount(cell, weights=amount, minlength=len(index) * len(names)).reshape(len(index), len(names))
    cells = cells.astype(float, copy=False)
    total = cells.sum(axis=1, keepdims=True)
    shares = cells / np.where(total == 0, 1, total)
    return pd.DataFrame(shares, index=index, columns=[prefix + name for name in names[order]])


def positions_in(index: pd.Index, keys: np.ndarray) -> np.ndarray:
    """Position of each key in ``index`` (-1: not in it), like ``index.get_indexer(keys)``.

    A sorted index of unique integer ids (the world's customers) needs no hash table: when
    the ids are nearly consecutive, one array from the lowest id to the highest holds each
    id's position (a single look-up per key); otherwise keys are found by bisection. Several
    times faster over tens of millions of keys.
    """
    values = index.to_numpy()
    keys = np.asarray(keys)
    if not (len(values) and index.is_unique and index.is_monotonic_increasing and values.dtype.kind in "iu"
            and keys.dtype.kind in "iu"):
        return index.get_indexer(keys)
    lowest, span = int(values[0]), int(values[-1]) - int(values[0]) + 1
    if span <= 8 * len(values):
        where = np.full(span + 1, -1, dtype=np.int64)  # the last slot: any key outside the range
        where[values - lowest] = np.arange(len(values))
        at = keys.astype(np.int64) - lowest
        at[(at < 0) | (at >= span)] = span
        return where[at]
    at = np.searchsorted(values, keys)
    np.minimum(at, len(values) - 1, out=at)  # in place, like the rest: tens of millions of keys
    at[values[at] != keys] = -1
    return at


def order_lines(order_items: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """Each order line of ``orders`` with its ``customer_id``, ``category`` and ``line_amount``.

    The two inner merges, as lookups when order and product ids are unique (as in a world):
    the same rows in the same order, without sorting millions of keys twice.
    """
    order_ids, product_ids = pd.Index(orders["order_id"]), pd.Index(products["product_id"])
    if not (order_ids.is_unique and product_ids.is_unique):
        return order_items.merge(orders[["order_id", "customer_id"]], on="order_id").merge(
            products[["product_id", "category"]], on="product_id")
    order_at = positions_in(order_ids, order_items["order_id"].to_numpy())
    product_at = product_ids.get_indexer(order_items["product_id"])
    kept = (order_at >= 0) & (product_at >= 0)
    codes, names = pd.factorize(products["category"])  # codes, not millions of copied labels
    return pd.DataFrame({"customer_id": orders["customer_id"].to_numpy()[order_at[kept]],
                         "category": pd.Categorical.from_codes(codes[product_at[kept]], categories=names),
                         "line_amount": order_items["line_amount"].to_numpy()[kept]})
