"""The fast kernel behind RFM: the same table as :func:`crmkit.analytics.rfm`, in array code.

:func:`crmkit.analytics.rfm` reads like the subject, a groupby per customer. On ten million
order rows that takes several seconds; :func:`rfm_fast` gives the same table (a property test
pins the two equal) from one sort of bit-packed (customer, day) keys and a few ``bincount``
sums, with the big temporary arrays reused. The kit's own analyses and the RFM benchmark
(``benchmarks/bench_analytics.py``) call this one.
"""

from __future__ import annotations

__all__ = ["rfm_fast"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.order_days import SECONDS_PER_DAY, as_day, day_numbers, net_amounts
from crmkit.errors import DataError


def rfm_fast(orders: pd.DataFrame, as_of, value: str = "net_amount", refunds: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`crmkit.analytics.rfm`, fast: the same arguments, the same table.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "net_amount": [10.0, 20.0, 5.0],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-20"])})
    >>> rfm_fast(orders, "2024-01-31")[["customer_id", "orders", "total_spend", "frequency", "T"]]
       customer_id  orders  total_spend  frequency     T
    0            1       2         30.0        1.0  30.0
    1            2       1          5.0        0.0  11.0
    """
    require_columns(orders, ["customer_id", "ordered_at", value], "orders")
    end = as_day(as_of)
    day = day_numbers(orders["ordered_at"], "ordered_at")
    amount = net_amounts(orders, value, refunds, end)
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
