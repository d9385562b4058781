"""IDIC's Interact on data: what customers tell the company, and what their purchases reveal.

Interacting means learning each customer's expectations and their relationships with other
brands. The kit's worlds hold no wallet (what a customer spends with other suppliers), so two
proxies stand in: :func:`call_category_shares` reads the service desk's case reasons as the
needs customers voice, per group; :func:`brand_shares` reads each buyer's spend across the
brands (or categories) of the range, the relationships with other brands the data do show,
and :func:`shares_vs_taste` scores that reading against the synthetic truth's taste.
"""

from __future__ import annotations

__all__ = ["call_category_shares", "brand_shares", "shares_vs_taste"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError


def call_category_shares(cases: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Each group's cases split by recorded reason: the share of the group's cases per reason.

    Parameters
    ----------
    cases : DataFrame
        ``customer_id`` and ``reason``.
    groups : Series, optional
        A label per customer (indexed by customer_id), e.g. a value tier; customers without a
        label count as ``"unlabelled"``. One group ``"all"`` if None.

    Returns
    -------
    DataFrame
        One row per group, one column per reason (each row sums to 1), and ``cases``.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": [1, 1, 2, 3], "reason": ["billing", "late_delivery", "billing", "billing"]})
    >>> call_category_shares(c, pd.Series({1: "top", 2: "rest"}))  # doctest: +NORMALIZE_WHITESPACE
                billing  late_delivery  cases
    group
    rest            1.0            0.0      1
    top             0.5            0.5      2
    unlabelled      1.0            0.0      1
    """
    require_columns(cases, ("customer_id", "reason"), "cases")
    label = "all" if groups is None else cases["customer_id"].map(groups).astype(object).fillna("unlabelled")
    group = pd.Series(label, index=cases.index, name="group")
    table = pd.crosstab(group, cases["reason"].astype(str).rename(None), normalize="index")
    table.columns.name = None
    return table.assign(cases=group.value_counts().reindex(table.index).astype(int))


def brand_shares(orders: pd.DataFrame, order_items: pd.DataFrame, products: pd.DataFrame,
                 column: str = "brand") -> pd.DataFrame:
    """Each buyer's spend across the brands (or another product ``column``, e.g. category).

    Returns
    -------
    DataFrame
        ``customer_id``, ``column``, ``spend`` (sum of ``line_amount``), ``share`` (of the
        customer's spend; 0 for a brand never bought) and ``orders`` (the customer's orders).

    Examples
    --------
    >>> o = pd.DataFrame({"order_id": [1, 2], "customer_id": [7, 7]})
    >>> i = pd.DataFrame({"order_id": [1, 2], "product_id": [1, 2], "line_amount": [30.0, 10.0]})
    >>> p = pd.DataFrame({"product_id": [1, 2, 3], "brand": ["A", "B", "C"]})
    >>> brand_shares(o, i, p)
       customer_id brand  spend  share  orders
    0            7     A   30.0   0.75       2
    1            7     B   10.0   0.25       2
    2            7     C    0.0   0.00       2
    """
    require_columns(orders, ("order_id", "customer_id"), "orders")
    require_columns(order_items, ("order_id", "product_id", "line_amount"), "order_items")
    require_columns(products, ("product_id", column), "products")
    lines = order_items[["order_id", "product_id", "line_amount"]].merge(orders[["order_id", "customer_id"]], on="order_id")
    lines[column] = lines["product_id"].map(products.set_index("product_id")[column]).astype(str)
    spend = lines.groupby(["customer_id", column])["line_amount"].sum().unstack(fill_value=0.0)
    spend = spend.reindex(columns=sorted(products[column].astype(str).unique()), fill_value=0.0)
    out = spend.stack().rename("spend").reset_index()
    total = out.groupby("customer_id")["spend"].transform("sum")
    out["share"] = (out["spend"] / total.replace(0.0, np.nan)).fillna(0.0)
    out["orders"] = out["customer_id"].map(orders.groupby("customer_id")["order_id"].nunique()).astype(int)
    return out


def shares_vs_taste(shares: pd.DataFrame, truth_taste: pd.DataFrame, bands=(1, 2, 4, 8)) -> pd.DataFrame:
    """How well observed spend shares recover each buyer's true taste, by number of orders.

    Parameters
    ----------
    shares : DataFrame
        From :func:`brand_shares` (its second column names the level: ``brand`` or ``category``).
    truth_taste : DataFrame
        ``truth.customer_taste`` (``customer_id``, ``level``, ``name``, ``share``), which no
        real company holds.
    bands : sequence of int
        Lower bounds of the bands of orders per buyer (1, 2-3, 4-7, 8 or more by default).

    Returns
    -------
    DataFrame
        Per band: ``buyers``, ``correlation`` (of observed and true shares), ``mean_abs_error``
        and ``favourite_found`` (share of buyers whose most-bought item is their true favourite).
    """
    level = shares.columns[1]
    require_columns(shares, ("customer_id", level, "share", "orders"), "shares")
    require_columns(truth_taste, ("customer_id", "level", "name", "share"), "truth_taste")
    true = truth_taste[truth_taste["level"].astype(str) == level]
    if true.empty:
        raise DataError(f"truth_taste.level has no {level!r} rows; allowed: {sorted(truth_taste['level'].astype(str).unique())}")
    both = shares.merge(true.rename(columns={"name": level, "share": "true"})[["customer_id", level, "true"]],
                        on=["customer_id", level])
    band = pd.cut(both["orders"], [*bands, np.inf], right=False, labels=_band_labels(bands))
    found = both.loc[both.groupby("customer_id")["share"].idxmax(), ["customer_id", level]].merge(
        both.loc[both.groupby("customer_id")["true"].idxmax(), ["customer_id", level]], on="customer_id")
    favourite = pd.Series((found.iloc[:, 1] == found.iloc[:, 2]).to_numpy(), index=found["customer_id"])
    rows = []
    for name, part in both.groupby(band, observed=True):
        buyers = part["customer_id"].unique()
        rows.append({"orders": name, "buyers": len(buyers), "correlation": part["share"].corr(part["true"]),
                     "mean_abs_error": (part["share"] - part["true"]).abs().mean(),
                     "favourite_found": favourite.reindex(buyers).mean()})
    return pd.DataFrame(rows).set_index("orders")


def _band_labels(bands) -> list[str]:
    edges = [*bands, None]
    return [f"{low}" if high == low + 1 else f"{low}+" if high is None else f"{low}-{high - 1}"
            for low, high in zip(edges[:-1], edges[1:])]
