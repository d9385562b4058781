"""Market-basket analysis: which products (or groups) are bought in the same order.

For two items A and B over all orders: support is the share of orders holding both,
confidence the share of A's orders that also hold B, and lift the confidence over B's own
share of orders. Lift above 1 means A's baskets hold B more often than chance (a
complement); below 1, less often (a substitute pushes the other out).
"""

from __future__ import annotations

__all__ = ["category_repeat", "pair_lift"]

import numpy as np
import pandas as pd
from scipy import sparse

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError


def pair_lift(order_items: pd.DataFrame, products: pd.DataFrame | None = None, level: str = "product_id",
              min_orders: int = 20) -> pd.DataFrame:
    """Support, confidence and lift of every ordered pair of items bought together.

    Parameters
    ----------
    order_items : DataFrame
        order_id, product_id (one row per order line).
    products : DataFrame, optional
        product_id and the ``level`` column, to analyse groups (e.g. ``"subcategory"``).
    level : str, default "product_id"
        What counts as an item: the product or a column of ``products``.
    min_orders : int, default 20
        Leave out pairs whose first item is in fewer orders (their lift is noise).

    Returns
    -------
    DataFrame
        item, other, orders (holding both), support, confidence, lift; sorted by lift,
        highest first.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3, 4], "product_id": [10, 11, 10, 11, 12, 12]})
    >>> top = pair_lift(lines, min_orders=1).iloc[0]
    >>> int(top["item"]), int(top["other"]), float(top["lift"])
    (10, 11, 2.0)
    """
    require_columns(order_items, ("order_id", "product_id"), "order_items")
    if not isinstance(min_orders, (int, np.integer)) or min_orders < 1:
        raise DataError(f"min_orders = {min_orders!r}: must be a whole number of 1 or more")
    lines = order_items[["order_id", "product_id"]]
    if level != "product_id":
        if products is None or level not in products.columns:
            raise DataError(f"level = {level!r}: needs a products table with that column")
        lines = lines.assign(product_id=lines["product_id"].map(products.set_index("product_id")[level]))
    lines = lines.drop_duplicates()
    order_codes, orders = pd.factorize(lines["order_id"])
    item_codes, items = pd.factorize(lines["product_id"], sort=True)
    # Sparse: a grocer's world has hundreds of thousands of orders and hundreds of products.
    matrix = sparse.csr_matrix((np.ones(len(lines)), (order_codes, item_codes)), shape=(len(orders), len(items)))
    both = (matrix.T @ matrix).toarray()
    count = np.diag(both).copy()
    share = count / max(len(orders), 1)
    a, b = np.nonzero(both)
    keep = (a != b) & (count[a] >= min_orders)
    a, b = a[keep], b[keep]
    confidence = both[a, b] / count[a]
    table = pd.DataFrame({"item": np.asarray(items)[a], "other": np.asarray(items)[b], "orders": both[a, b].astype(np.int64),
                          "support": both[a, b] / len(orders), "confidence": confidence, "lift": confidence / share[b]})
    return table.sort_values(["lift", "orders"], ascending=False, kind="stable").reset_index(drop=True)


def category_repeat(orders: pd.DataFrame, order_items: pd.DataFrame, products: pd.DataFrame,
                    level: str = "category", seed: int = 0) -> dict[str, float]:
    """How often a customer's second order shares a ``level`` group with the first, against chance.

    Chance pairs every first order with another customer's second order (a seeded shuffle),
    so it keeps how popular each group is but breaks any lasting taste.

    Returns
    -------
    dict
        ``customers`` (with two orders or more), ``observed`` and ``chance`` (shares of them
        whose second order holds a group of the first) and ``ratio`` (observed / chance).

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "customer_id": [1, 1, 2, 2],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05", "2024-03-01"])})
    >>> items = pd.DataFrame({"order_id": [1, 2, 3, 4], "product_id": [10, 10, 20, 20]})
    >>> products = pd.DataFrame({"product_id": [10, 20], "category": ["a", "b"]})
    >>> category_repeat(orders, items, products)["observed"]
    1.0
    """
    require_columns(orders, ("order_id", "customer_id", "ordered_at"), "orders")
    require_columns(products, ("product_id", level), "products")
    ranked = orders.sort_values(["customer_id", "ordered_at", "order_id"], kind="stable")
    rank = ranked.groupby("customer_id").cumcount()
    first = ranked.loc[rank == 0, ["customer_id", "order_id"]]
    second = ranked.loc[rank == 1, ["customer_id", "order_id"]]
    first = first[first.customer_id.isin(second.customer_id)].sort_values("customer_id")
    second = second.sort_values("customer_id")
    group = order_items[["order_id", "product_id"]].assign(
        group=order_items["product_id"].map(products.set_index("product_id")[level]))
    sets = group.groupby("order_id")["group"].agg(frozenset)
    a = sets.reindex(first.order_id).to_numpy()
    b = sets.reindex(second.order_id).to_numpy()

    def share(x, y) -> float:
        return float(np.mean([bool(p and q and p & q) for p, q in zip(x, y)])) if len(x) else float("nan")

    shuffled = b[np.random.default_rng(seed).permutation(len(b))]
    observed, chance = share(a, b), share(a, shuffled)
    return {"customers": float(len(a)), "observed": observed, "chance": chance,
            "ratio": observed / chance if chance else float("nan")}
