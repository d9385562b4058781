"""The orders as purchase days: the input that RFM and the BTYD summary share.

A purchase counts on its calendar day, as of the end of the day ``as_of``; a returned order
is a purchase that happened, with money given back later, so a refund never removes the
purchase day, it only takes the money refunded by ``as_of`` off the order's amount.
"""

from __future__ import annotations

__all__ = ["SECONDS_PER_DAY", "as_day", "day_numbers", "net_amounts", "order_days"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError

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


def net_amounts(orders: pd.DataFrame, value: str, refunds: pd.DataFrame | None, end: int) -> np.ndarray:
    """Each order's ``value``, less the money refunded on it by day ``end`` (never below 0)."""
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


def order_days(orders: pd.DataFrame, as_of, value: str = "net_amount", refunds: pd.DataFrame | None = None
               ) -> pd.DataFrame:
    """The orders placed on or before the day ``as_of``: ``customer_id``, ``day`` (days since
    1970) and ``amount`` (``value`` net of refunds by ``as_of`` when ``refunds`` is given).

    >>> orders = pd.DataFrame({"customer_id": [1, 2], "net_amount": [10.0, 5.0],
    ...                        "ordered_at": pd.to_datetime(["2024-01-01 09:00", "2024-02-01 10:00"])})
    >>> order_days(orders, "2024-01-31")
       customer_id    day  amount
    0            1  19723    10.0
    """
    require_columns(orders, ["customer_id", "ordered_at", value], "orders")
    end = as_day(as_of)
    days = pd.DataFrame({"customer_id": orders["customer_id"].to_numpy(),
                         "day": day_numbers(orders["ordered_at"], "ordered_at"),
                         "amount": net_amounts(orders, value, refunds, end)})
    if days["customer_id"].isna().any():
        raise DataError("orders: column 'customer_id' has empty values; every order needs a customer")
    days = days[days["day"] <= end].reset_index(drop=True)
    return days.astype({"customer_id": "int64"}) if days.empty else days  # no buyer: integer ids, as in a world
