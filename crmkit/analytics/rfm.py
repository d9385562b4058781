"""RFM: how recently, how often and how much each customer bought, as of a date.

:func:`rfm` gives the marketer's view of the purchases, days since the last order, number of
orders and total spend, one groupby per customer, and beside it the "buy till you die"
(BTYD) summary that probabilistic CLV models read (:func:`crmkit.analytics.btyd_summary`:
repeat purchase days, recency, age and mean spend of a repeat purchase day, in the
conventions of ``lifetimes``). The same table comes fast from
:func:`crmkit.analytics.rfm_fast.rfm_fast`, the array kernel the kit's own analyses and the
benchmark use; a property test pins the two equal.

How returns count: the ``orders`` table has no cancelled status; a returned order is a
purchase that happened, with money given back later (``refunds``). So a return never
removes the purchase day from frequency or recency; pass ``refunds`` to take the money
refunded by ``as_of`` off the spend.

:func:`rfm_scores` turns the marketer's view into scores 1-5 and named segments, from the
table :func:`rfm_segment_table` (data, so a lesson can show and change it).
"""

from __future__ import annotations

__all__ = ["rfm", "rfm_scores", "rfm_segment_table"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.btyd import btyd_summary
from crmkit.analytics.order_days import SECONDS_PER_DAY, as_day, order_days
from crmkit.errors import DataError

# (segment, lowest R, highest R, lowest F, highest F, meaning); the first row that
# matches a customer's R and F scores names their segment.
SEGMENT_ROWS = (
    ("champions", 4, 5, 4, 5, "bought recently and buy often"),
    ("loyal", 3, 5, 3, 5, "buy regularly"),
    ("new", 4, 5, 1, 1, "first purchase, recently"),
    ("promising", 4, 5, 2, 2, "recent, starting to come back"),
    ("needs_attention", 3, 3, 1, 2, "neither recent nor frequent: slipping"),
    ("at_risk", 1, 2, 3, 5, "used to buy often, not lately"),
    ("hibernating", 1, 2, 1, 2, "few purchases, long ago"),
)


def rfm(orders: pd.DataFrame, as_of, value: str = "net_amount", refunds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Recency, frequency and monetary value of every customer who bought by ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (columns ``customer_id``, ``ordered_at`` and ``value``).
    as_of : date-like
        The day of the analysis; orders placed on or before that calendar day count.
    value : str, default "net_amount"
        The money column (what the customer paid).
    refunds : DataFrame, optional
        The ``refunds`` table (``order_id``, ``refunded_at``, ``amount``; ``orders`` then
        needs ``order_id``): money refunded by ``as_of`` is taken off its order's amount.

    Returns
    -------
    DataFrame
        One row per customer with an order by ``as_of``, sorted by ``customer_id``:
        ``first_order_date``, ``last_order_date``, ``days_since_last_order``, ``orders``,
        ``total_spend`` (the marketer's R, F, M) and, beside them, the BTYD summary of
        :func:`crmkit.analytics.btyd_summary`: ``frequency`` (repeat purchase days),
        ``recency``, ``T`` (days), ``monetary_value`` (mean spend of a repeat purchase
        day, 0 without one). Customers without an order have no row.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 1, 2, 1],
    ...     "ordered_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-11 10:00", "2024-01-11 18:00",
    ...                                  "2024-01-20 12:00", "2024-03-01 08:00"]),
    ...     "net_amount": [10.0, 20.0, 30.0, 5.0, 99.0]})
    >>> summary = rfm(orders, as_of="2024-01-31")
    >>> summary[["customer_id", "days_since_last_order", "orders", "total_spend"]]
       customer_id  days_since_last_order  orders  total_spend
    0            1                     20       3         60.0
    1            2                     11       1          5.0
    >>> summary[["customer_id", "frequency", "recency", "T", "monetary_value"]]
       customer_id  frequency  recency     T  monetary_value
    0            1        1.0     10.0  30.0            50.0
    1            2        0.0      0.0  11.0             0.0
    """
    days = order_days(orders, as_of, value, refunds)
    end = as_day(as_of)
    per_customer = days.groupby("customer_id", sort=True).agg(
        first=("day", "min"), last=("day", "max"), orders=("day", "size"), total_spend=("amount", "sum"))
    marketer = pd.DataFrame({
        "customer_id": per_customer.index.to_numpy(),
        "first_order_date": _dates(per_customer["first"]),
        "last_order_date": _dates(per_customer["last"]),
        "days_since_last_order": (end - per_customer["last"]).to_numpy(dtype="int64"),
        "orders": per_customer["orders"].to_numpy(dtype="int64"),
        "total_spend": per_customer["total_spend"].to_numpy(dtype="float64"),
    })
    btyd = btyd_summary(orders, as_of, value, refunds)
    return pd.concat([marketer, btyd.drop(columns="customer_id")], axis=1)


def _dates(days: pd.Series) -> np.ndarray:
    """Days since 1970 as dates (datetime64[s], the kit's time unit)."""
    return (days.to_numpy(dtype="int64") * SECONDS_PER_DAY).view("datetime64[s]")


def rfm_segment_table() -> pd.DataFrame:
    """The named RFM segments: which R and F scores (1-5) each one covers.

    The first row that matches a customer's scores names their segment; together the
    rows cover all 25 combinations.

    Returns
    -------
    DataFrame
        Columns ``segment``, ``r_low``, ``r_high``, ``f_low``, ``f_high``, ``meaning``.

    Examples
    --------
    >>> rfm_segment_table().segment.tolist()[:3]
    ['champions', 'loyal', 'new']
    """
    return pd.DataFrame(SEGMENT_ROWS, columns=["segment", "r_low", "r_high", "f_low", "f_high", "meaning"])


def _segment_grid(segments: pd.DataFrame) -> np.ndarray:
    """A 5 x 5 array of segment names indexed by (R score - 1, F score - 1)."""
    require_columns(segments, ["segment", "r_low", "r_high", "f_low", "f_high"], "segments")
    grid = np.full((5, 5), None, dtype=object)
    for row in segments.itertuples(index=False):  # a handful of table rows, not customers
        cells = grid[row.r_low - 1:row.r_high, row.f_low - 1:row.f_high]
        cells[cells == None] = row.segment  # noqa: E711 (element-wise comparison)
    if (grid == None).any():  # noqa: E711
        r, f = np.argwhere(grid == None)[0] + 1  # noqa: E711
        raise DataError(f"segments: no row covers R score {r} with F score {f}; every R and F from 1 to 5 needs one")
    return grid


def _score(values: pd.Series) -> np.ndarray:
    """Scores 1-5 by quintile of rank; tied customers share the lower score."""
    position = values.rank(method="min").to_numpy() - 1
    return (1 + np.floor(5 * position / max(len(values), 1))).astype("int64")


def rfm_scores(summary: pd.DataFrame, segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score recency, frequency and monetary value 1-5 (5 is best) and name a segment.

    Parameters
    ----------
    summary : DataFrame
        The output of :func:`rfm` (columns ``customer_id``, ``days_since_last_order``,
        ``orders``, ``total_spend``).
    segments : DataFrame, optional
        A segment table like :func:`rfm_segment_table` (the default).

    Returns
    -------
    DataFrame
        ``summary`` with ``r_score`` (5 = most recent fifth), ``f_score`` (orders),
        ``m_score`` (total spend), ``rfm_code`` (e.g. ``"545"``) and ``segment`` added.
        Tied customers share a score (the lower one), so scores need not be equal fifths.

    Examples
    --------
    >>> summary = pd.DataFrame({"customer_id": range(1, 6), "days_since_last_order": [5, 40, 200, 400, 10],
    ...                         "orders": [9, 4, 1, 6, 1], "total_spend": [900.0, 300, 20, 500, 40]})
    >>> rfm_scores(summary)[["customer_id", "rfm_code", "segment"]]
       customer_id rfm_code      segment
    0            1      555    champions
    1            2      333        loyal
    2            3      211  hibernating
    3            4      144      at_risk
    4            5      412          new
    """
    require_columns(summary, ["customer_id", "days_since_last_order", "orders", "total_spend"], "summary")
    grid = _segment_grid(rfm_segment_table() if segments is None else segments)
    scored = summary.copy()
    scored["r_score"] = _score(-summary["days_since_last_order"])
    scored["f_score"] = _score(summary["orders"])
    scored["m_score"] = _score(summary["total_spend"])
    scored["rfm_code"] = (scored.r_score * 100 + scored.f_score * 10 + scored.m_score).astype(str)
    scored["segment"] = grid[scored.r_score.to_numpy() - 1, scored.f_score.to_numpy() - 1]
    return scored
