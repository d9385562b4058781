"""Market-basket analysis: which products (or groups) are bought in the same order.

For two items A and B over all orders: support is the share of orders holding both,
confidence the share of A's orders that also hold B, and lift the confidence over B's own
share of orders. Lift above 1 means A's baskets hold B more often than chance (a
complement); below 1, less often (a substitute pushes the other out).
"""

from __future__ import annotations

__all__ = ["pair_lift"]

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
