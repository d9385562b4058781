"""Item-to-item recommendations from co-purchases, and their test on later purchases.

"Customers who bought this also bought...": two products go together when the same
customers buy both (the share of one product's buyers who bought the other, or the
cosine similarity of their columns in the customer x product basket matrix). A
customer's recommendations are the products most similar to what they already
bought, minus what they already have. To test them honestly, fit on purchases before a
cut-off date and check which recommended products each customer bought *after* it,
against the naive baseline of recommending the best sellers to everyone.
"""

from __future__ import annotations

__all__ = ["purchases", "basket_matrix", "item_similarity", "recommend_for", "popular_items",
           "random_items", "evaluate_recommendations"]

import numpy as np
import pandas as pd

from crmkit._random import as_generator
from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError


def purchases(orders: pd.DataFrame, order_items: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Who bought which product when: order lines with the order's customer and time.

    Parameters
    ----------
    orders : DataFrame
        order_id, customer_id, ordered_at.
    order_items : DataFrame
        order_id, product_id, quantity.
    start, end : timestamp, optional
        Keep orders placed at or after ``start`` and before ``end``.

    Returns
    -------
    DataFrame
        customer_id, ordered_at, order_id, product_id, quantity.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2], "customer_id": [7, 7],
    ...                        "ordered_at": pd.to_datetime(["2024-01-05", "2024-06-01"])})
    >>> items = pd.DataFrame({"order_id": [1, 2], "product_id": [3, 4], "quantity": [1, 2]})
    >>> purchases(orders, items, end="2024-03-01")["product_id"].tolist()
    [3]
    """
    require_columns(orders, ("order_id", "customer_id", "ordered_at"), "orders")
    require_columns(order_items, ("order_id", "product_id", "quantity"), "order_items")
    keep = pd.Series(True, index=orders.index)
    if start is not None:
        keep &= orders["ordered_at"] >= pd.Timestamp(start)
    if end is not None:
        keep &= orders["ordered_at"] < pd.Timestamp(end)
    heads = orders.loc[keep, ["order_id", "customer_id", "ordered_at"]]
    lines = heads.merge(order_items[["order_id", "product_id", "quantity"]], on="order_id")
    return lines[["customer_id", "ordered_at", "order_id", "product_id", "quantity"]]


def basket_matrix(bought: pd.DataFrame, products=None) -> pd.DataFrame:
    """Customer x product table: 1 where the customer ever bought the product, else 0.

    Parameters
    ----------
    bought : DataFrame
        customer_id, product_id (e.g. from :func:`purchases`).
    products : sequence of product ids, optional
        Columns to show (default: the products bought).

    Examples
    --------
    >>> bought = pd.DataFrame({"customer_id": [1, 1, 2], "product_id": [10, 11, 10]})
    >>> basket_matrix(bought).values.tolist()
    [[1, 1], [1, 0]]
    """
    require_columns(bought, ("customer_id", "product_id"), "purchases")
    pairs = bought[["customer_id", "product_id"]].drop_duplicates()
    table = pd.crosstab(pairs["customer_id"], pairs["product_id"]).clip(upper=1)
    if products is not None:
        table = table.reindex(columns=list(products), fill_value=0)
    return table


def item_similarity(baskets: pd.DataFrame, method: str = "also_bought") -> pd.DataFrame:
    """How strongly buying one product (row) goes with buying another (column).

    Parameters
    ----------
    baskets : DataFrame
        Customer x product 0/1 table (:func:`basket_matrix`).
    method : {"also_bought", "cosine"}, default "also_bought"
        ``"also_bought"``: the share of the row product's buyers who also bought the
        column product ("customers who bought this also bought..."); popular products
        score high for everyone. ``"cosine"``: the cosine similarity of the two products'
        buyers, which discounts popularity (1 = exactly the same buyers).

    Returns
    -------
    DataFrame
        Product x product; a product's similarity to itself is 0, so it is never its own
        recommendation.

    Examples
    --------
    >>> baskets = pd.DataFrame([[1, 1, 0], [1, 0, 0], [0, 0, 1]], columns=[10, 11, 12])
    >>> item_similarity(baskets).round(2).values.tolist()
    [[0.0, 0.5, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> item_similarity(baskets, "cosine").round(2).values.tolist()
    [[0.0, 0.71, 0.0], [0.71, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    if method not in ("also_bought", "cosine"):
        raise DataError(f"method = {method!r}: allowed are 'also_bought', 'cosine'")
    matrix = baskets.to_numpy(dtype=float)
    together = matrix.T @ matrix  # customers who bought both
    buyers = np.diag(together).copy()
    scale = buyers[:, None] if method == "also_bought" else np.sqrt(np.outer(buyers, buyers))
    similarity = np.divide(together, scale, out=np.zeros_like(together), where=scale > 0)
    np.fill_diagonal(similarity, 0.0)
    return pd.DataFrame(similarity, index=baskets.columns, columns=baskets.columns)


def _best_unowned(customer_ids, products, scores: np.ndarray, owned: np.ndarray, popularity: np.ndarray,
                  k: int) -> pd.DataFrame:
    """Each customer's k best-scoring products they do not own (fewer when they own nearly
    everything), ties going to the more popular product."""
    # Popularity only breaks ties: a nudge far below any real difference between scores.
    ranked = np.where(owned, -np.inf, scores + 1e-9 * popularity / max(popularity.max(), 1))
    picks = np.argsort(-ranked, axis=1, kind="stable")[:, :k]
    n = len(picks)
    rows, flat = np.repeat(np.arange(n), k), picks.ravel()
    table = pd.DataFrame({"customer_id": np.repeat(np.asarray(customer_ids), k),
                          "rank": np.tile(np.arange(1, k + 1), n),
                          "product_id": np.asarray(products)[flat],
                          "score": scores[rows, flat]})
    return table[~owned[rows, flat]].reset_index(drop=True)


def _check_k(k, products) -> None:
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= len(products):
        raise DataError(f"k = {k!r}: must be a whole number from 1 to the number of products ({len(products)})")


def recommend_for(customer_ids, baskets: pd.DataFrame, similarity: pd.DataFrame | None = None,
                  k: int = 3) -> pd.DataFrame:
    """The ``k`` products each customer is most likely to want next, from what they bought.

    A product's score is its mean similarity to the products the customer owns;
    products they already own are never recommended. A customer with no purchases gets
    the best sellers (every score is 0 and ties go to the more popular product).

    Parameters
    ----------
    customer_ids : sequence
        Customers to recommend for.
    baskets : DataFrame
        Customer x product 0/1 table (:func:`basket_matrix`) of the purchases to learn from.
    similarity : DataFrame, optional
        Product x product similarity (default: :func:`item_similarity` of ``baskets``).
    k : int, default 3
        Recommendations per customer.

    Returns
    -------
    DataFrame
        customer_id, rank (1 = best), product_id, score; ``k`` rows per customer (fewer
        for a customer who owns all but a few products).

    Examples
    --------
    >>> baskets = pd.DataFrame([[1, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 0]], index=[1, 2, 3, 4], columns=[10, 11, 12])
    >>> recommend_for([4], baskets, k=1)["product_id"].tolist()
    [11]
    """
    similarity = item_similarity(baskets) if similarity is None else similarity
    _check_k(k, baskets.columns)
    owned = baskets.reindex(index=list(customer_ids), fill_value=0).to_numpy(dtype=float)
    scores = owned @ similarity.reindex(index=baskets.columns, columns=baskets.columns).to_numpy()
    scores /= np.maximum(owned.sum(axis=1, keepdims=True), 1)
    return _best_unowned(customer_ids, baskets.columns, scores, owned > 0, baskets.sum().to_numpy(dtype=float), k)


def popular_items(customer_ids, baskets: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """The naive baseline: the ``k`` best sellers (by number of buyers) each customer does not own yet.

    Returns the same columns as :func:`recommend_for` (score = number of buyers).

    Examples
    --------
    >>> baskets = pd.DataFrame([[1, 1, 0], [1, 0, 0], [0, 0, 1]], index=[1, 2, 3], columns=[10, 11, 12])
    >>> popular_items([2], baskets, k=1)["product_id"].tolist()
    [11]
    """
    _check_k(k, baskets.columns)
    owned = baskets.reindex(index=list(customer_ids), fill_value=0).to_numpy() > 0
    buyers = baskets.sum().to_numpy(dtype=float)
    scores = np.broadcast_to(buyers, owned.shape)
    return _best_unowned(customer_ids, baskets.columns, scores, owned, buyers, k)


def random_items(customer_ids, baskets: pd.DataFrame, k: int = 3, seed: int = 0) -> pd.DataFrame:
    """The know-nothing baseline: ``k`` products each customer does not own, drawn at random.

    Returns the same columns as :func:`recommend_for` (score = the random draw).

    Examples
    --------
    >>> baskets = pd.DataFrame([[1, 0, 0], [0, 1, 0]], index=[1, 2], columns=[10, 11, 12])
    >>> recs = random_items([1, 2], baskets, k=2, seed=3)
    >>> sorted(recs.loc[recs["customer_id"] == 1, "product_id"].tolist())
    [11, 12]
    """
    _check_k(k, baskets.columns)
    owned = baskets.reindex(index=list(customer_ids), fill_value=0).to_numpy() > 0
    draws = as_generator(seed).random(owned.shape)
    return _best_unowned(customer_ids, baskets.columns, draws, owned, np.zeros(owned.shape[1]), k)


def evaluate_recommendations(recommendations: pd.DataFrame, later: pd.DataFrame,
                             earlier: pd.DataFrame | None = None) -> pd.Series:
    """Score recommendations against what the customers bought afterwards.

    Only products new to the customer count as a success (buying again what one already
    had is not something a recommendation caused). Customers who bought nothing new later
    are left out: nothing could be a hit for them.

    Parameters
    ----------
    recommendations : DataFrame
        customer_id, product_id (e.g. :func:`recommend_for`).
    later : DataFrame
        customer_id, product_id of the purchases after the cut-off.
    earlier : DataFrame, optional
        customer_id, product_id before the cut-off (products already owned are not "new").

    Returns
    -------
    Series
        customers (evaluated), hit_rate (share with at least one recommended product
        bought), precision (share of recommendations bought) and recall (share of the new
        products bought that were recommended).

    Examples
    --------
    >>> recs = pd.DataFrame({"customer_id": [1, 1, 2, 2], "product_id": [10, 11, 10, 12]})
    >>> later = pd.DataFrame({"customer_id": [1, 2], "product_id": [11, 13]})
    >>> evaluate_recommendations(recs, later)[["customers", "hit_rate", "precision", "recall"]].tolist()
    [2.0, 0.5, 0.25, 0.5]
    """
    require_columns(recommendations, ("customer_id", "product_id"), "recommendations")
    require_columns(later, ("customer_id", "product_id"), "later")
    new = later[["customer_id", "product_id"]].drop_duplicates()
    if earlier is not None:
        had = earlier[["customer_id", "product_id"]].drop_duplicates().assign(_had=True)
        new = new.merge(had, on=["customer_id", "product_id"], how="left")
        new = new.loc[new["_had"].isna(), ["customer_id", "product_id"]]
    recs = recommendations.loc[recommendations["customer_id"].isin(new["customer_id"]), ["customer_id", "product_id"]]
    if recs.empty:
        raise DataError("no recommended customer bought anything new later: nothing to evaluate")
    hits = recs.merge(new, on=["customer_id", "product_id"])
    customers = recs["customer_id"].nunique()
    wanted = new[new["customer_id"].isin(recs["customer_id"])]
    return pd.Series({"customers": float(customers),
                      "hit_rate": hits["customer_id"].nunique() / customers,
                      "precision": len(hits) / len(recs),
                      "recall": len(hits) / len(wanted)}, name="recommendations")
