"""RFM: how recently, how often and how much each customer bought, as of a date.

:func:`rfm` gives two views of the same purchases. The marketer's view: days since the
last order, number of orders, total spend. The "buy till you die" (BTYD) view used by
probabilistic CLV models (Fader, Hardie & Lee 2005): ``frequency`` is the number of
*repeat purchase days* (days with at least one order, after the first), ``recency`` the
days from the first to the last purchase day, ``T`` the days from the first purchase day
to ``as_of``, and ``monetary_value`` the mean spend of the repeat purchase days. These are
the conventions of ``lifetimes.utils.summary_data_from_transaction_data`` with days as the
unit, so both give the same numbers on the same orders.

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
SECONDS_PER_DAY = 86_400


def day_numbers(times: pd.Series, column: str) -> np.ndarray:
    """Whole days since 1970-01-01 of a datetime column (the calendar day of each time)."""
    if not pd.api.types.is_datetime64_dtype(times.dtype):
        raise DataError(f"{column}: expected date-times, got dtype {times.dtype}")
    unit, _ = np.datetime_data(times.dtype)
    ticks = times.to_numpy().view("int64")
    if len(ticks) and ticks.min() == np.iinfo("int64").min:  # NaT is stored as the smallest int64
        raise DataError(f"{column}: {int(times.isna().sum())} empty values; every row needs a time")
    # floor division of the integer ticks is much faster than casting to datetime64[D]
    return ticks // int(np.timedelta64(1, "D") / np.timedelta64(1, unit))


def as_day(as_of, name: str = "as_of") -> int:
    """The calendar day of ``as_of`` (a date, a string or a Timestamp) as days since 1970."""
    try:
        stamp = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise DataError(f"{name}: {as_of!r} is not a date; give a date such as '2025-12-31'") from None
    if pd.isna(stamp):
        raise DataError(f"{name}: a date is needed, got {as_of!r}")
    return int(stamp.to_datetime64().astype("datetime64[D]").view("int64"))


def customer_codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative integer codes for customer ids, and the id each code stands for."""
    if ids.dtype.kind in "iu" and len(ids):
        low, high = int(ids.min()), int(ids.max())
        if 0 <= low and high <= 4 * len(ids) + 1_000_000:
            # small non-negative ids (1..n in a world): they are the codes, no hashing, no copy;
            # codes without a customer are dropped at the end
            return ids, np.arange(high + 1, dtype=ids.dtype)
    codes, uniques = pd.factorize(ids, sort=True)
    return codes, np.asarray(uniques)


def _amounts(orders: pd.DataFrame, value: str, refunds: pd.DataFrame | None, end: int) -> np.ndarray:
    amount = orders[value].to_numpy(dtype="float64")
    if np.isnan(amount.sum()):  # a sum is NaN when any amount is; no temporary array
        raise DataError(f"orders: column {value!r} has empty values; every order needs an amount")
    if refunds is None:
        return amount
    require_columns(refunds, ["order_id", "refunded_at", "amount"], "refunds")
    require_columns(orders, ["order_id"], "orders")
    paid = refunds[day_numbers(refunds["refunded_at"], "refunded_at") <= end]
    refunded = orders["order_id"].map(paid.groupby("order_id")["amount"].sum()).fillna(0.0)
    return np.clip(amount - refunded.to_numpy(), 0.0, None)


def _per_customer(codes: np.ndarray, day: np.ndarray, amount: np.ndarray, size: int) -> dict:
    """Per-customer sums over rows; purchase days from one sort of (customer, day) keys.

    ``day`` is this module's own array and is changed in place. Big temporary arrays are
    reused where possible: on 10M rows, fresh memory costs as much as the arithmetic.
    """
    low = int(day.min())
    day -= low
    bits = max(int(day.max()).bit_length(), 1)
    mask = (1 << bits) - 1
    # one int64 key per row, customer code in the high bits and day in the low bits: after a
    # sort each customer's rows are one block, in day order, without the cost of an argsort
    keys = codes.astype("int64", copy=False) << bits
    keys |= day
    keys.sort()
    orders = np.bincount(codes, minlength=size)
    present = np.flatnonzero(orders)  # codes with an order, ascending like the blocks
    orders = orders[present]
    stops = np.cumsum(orders)
    starts = stops - orders
    new_day = np.empty(len(keys), bool)
    new_day[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new_day[1:])  # a new (customer, day) pair starts here
    first = np.zeros(size, "int64")
    first[present] = keys[starts] & mask
    result = {"present": present, "orders": orders, "purchase_days": np.add.reduceat(new_day, starts, dtype="int64"),
              "first": first[present] + low, "last": (keys[stops - 1] & mask) + low}
    # rows on their customer's first purchase day, in the two buffers no longer needed ("clip": unbuffered)
    on_first_day = np.equal(day, np.take(first, codes, out=keys, mode="clip"), out=new_day)
    result["total_spend"] = np.bincount(codes, weights=amount, minlength=size)[present]
    result["first_day_spend"] = np.bincount(codes[on_first_day], weights=amount[on_first_day], minlength=size)[present]
    return result


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
        ``total_spend`` (the marketer's R, F, M) and ``frequency`` (repeat purchase days),
        ``recency``, ``T`` (days), ``monetary_value`` (mean spend of a repeat purchase
        day, 0 without one): the BTYD summary. Customers without an order have no row.

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
    require_columns(orders, ["customer_id", "ordered_at", value], "orders")
    end = as_day(as_of)
    day = day_numbers(orders["ordered_at"], "ordered_at")
    amount = _amounts(orders, value, refunds, end)
    ids = orders["customer_id"].to_numpy()
    if ids.dtype.kind not in "iu" and pd.isna(ids).any():
        raise DataError("orders: column 'customer_id' has empty values; every order needs a customer")
    if len(day) and day.max() > end:  # skip the copy when no order is later than as_of
        keep = day <= end
        day, amount, ids = day[keep], amount[keep], ids[keep]
    if len(ids) == 0:
        return _frame(np.array([], dtype="int64"), dict.fromkeys(_EMPTY, np.array([], "int64")), end)
    codes, code_ids = customer_codes(ids)
    sums = _per_customer(codes, day, amount, len(code_ids))
    return _frame(code_ids[sums["present"]], sums, end)


_EMPTY = ("orders", "total_spend", "first_day_spend", "purchase_days", "first", "last")


def _frame(ids: np.ndarray, sums: dict, end: int) -> pd.DataFrame:
    frequency = (sums["purchase_days"] - 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (sums["total_spend"] - sums["first_day_spend"]) / frequency, 0.0)
    return pd.DataFrame({
        "customer_id": ids,
        "first_order_date": (sums["first"] * SECONDS_PER_DAY).view("datetime64[s]"),
        "last_order_date": (sums["last"] * SECONDS_PER_DAY).view("datetime64[s]"),
        "days_since_last_order": (end - sums["last"]).astype("int64"),
        "orders": sums["orders"].astype("int64"),
        "total_spend": np.asarray(sums["total_spend"], "float64"),
        "frequency": frequency,
        "recency": (sums["last"] - sums["first"]).astype("float64"),
        "T": (end - sums["first"]).astype("float64"),
        "monetary_value": monetary,
    }, copy=False)  # the arrays are new: no need to copy them again


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
