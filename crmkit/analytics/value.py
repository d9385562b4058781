"""Customer value: what customers bought, and what keeping them is worth.

1. **Historical value**: spend to date (or over the last period), the simplest baseline.
2. **Retention-based CLV**: a margin kept with probability r each period and discounted,
   CLV = m * sum over t = 1..N of r^t / (1 + d)^t, which for N -> infinity is
   m * r / (1 + d - r) (Gupta & Lehmann 2003, "Customers as assets", *Journal of
   Interactive Marketing* 17(1)). :func:`simple_clv` is the formula; :func:`retention_clv`
   applies it per customer, with retention estimated from the orders themselves.

The third way, probabilistic CLV (BG/NBD with Gamma-Gamma), is :mod:`crmkit.analytics.btyd`;
:mod:`crmkit.analytics.value_scoring` scores any of them against the value realised in the
hold-out period.
"""

from __future__ import annotations

__all__ = ["historical_value", "revenue_concentration", "simple_clv", "retention_clv"]

import numpy as np
import pandas as pd

from crmkit.analytics.btyd import probabilistic_clv  # noqa: F401  (imported from here by analytics.flow)
from crmkit.analytics.order_days import as_day
from crmkit.analytics.rfm_fast import rfm_fast
from crmkit.errors import ConfigError


def historical_value(orders: pd.DataFrame, as_of, days: int | None = None, value: str = "net_amount") -> pd.DataFrame:
    """What each customer spent up to ``as_of``, or in the last ``days`` days up to it.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``value``).
    as_of : date-like
        Last day counted (orders on that calendar day count).
    days : int, optional
        Only the last ``days`` days (``as_of`` and the ``days - 1`` days before it).
    value : str, default "net_amount"
        The money column.

    Returns
    -------
    DataFrame
        ``customer_id``, ``orders``, ``value``: one row per customer with an order in the period.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "net_amount": [10.0, 20.0, 5.0],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-06-30"])})
    >>> historical_value(orders, "2024-06-30", days=30)
       customer_id  orders  value
    0            1       1   20.0
    1            2       1    5.0
    """
    summary = rfm_fast(orders, as_of, value=value) if days is None else _recent(orders, as_of, days, value)
    return summary[["customer_id", "orders", "total_spend"]].rename(columns={"total_spend": "value"})


def revenue_concentration(orders: pd.DataFrame, shares=(0.05, 0.1, 0.2, 0.5), value: str = "net_amount") -> pd.Series:
    """The share of all revenue that the best buyers bring (a Pareto table).

    Buyers (customers with at least one order) are ranked by their total ``value``; for
    each share ``p`` the result holds the revenue share of the first ``int(p * buyers)`` of
    them (at least one), labelled "top 5% of buyers" and so on.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 3, 4], "net_amount": [50.0, 30.0, 10.0, 6.0, 4.0]})
    >>> revenue_concentration(orders, shares=(0.25, 0.5))
    top 25% of buyers    0.8
    top 50% of buyers    0.9
    Name: revenue_share, dtype: float64
    """
    bad = [p for p in shares if not 0 < p <= 1]
    if bad:
        raise ConfigError(f"shares: {bad[0]!r} is not a share of buyers; give numbers above 0 and at most 1")
    spend = orders.groupby("customer_id")[value].sum().sort_values(ascending=False)
    if spend.empty:
        raise ConfigError("orders: no buyers, so no revenue to share out; pass a world's orders table")
    cumulative = spend.cumsum().to_numpy() / spend.sum()
    return pd.Series({f"top {p:.0%} of buyers": float(cumulative[max(int(p * len(spend)), 1) - 1]) for p in shares},
                     name="revenue_share")


def _recent(orders: pd.DataFrame, as_of, days: int, value: str) -> pd.DataFrame:
    if not isinstance(days, (int, np.integer)) or days < 1:
        raise ConfigError(f"days: {days!r} is not allowed; give a whole number of days, at least 1")
    start = pd.Timestamp(as_day(as_of) - days + 1, unit="D")
    return rfm_fast(orders[orders["ordered_at"] >= start], as_of, value=value)


def simple_clv(margin, retention_rate, discount_rate, periods: int | None = None):
    """Customer lifetime value from a margin per period, a retention rate and a discount rate.

    CLV = m * sum over t = 1..N of r^t / (1 + d)^t: the margin of each future period,
    counted if the customer is still there (probability r^t) and discounted. Without
    ``periods`` (N infinite) this is m * r / (1 + d - r). Works on numbers or arrays.

    Parameters
    ----------
    margin : float or array
        Margin per customer per period (e.g. a year), in money.
    retention_rate : float or array
        Share of customers who stay from one period to the next, from 0 to 1 (below 1 when N is infinite).
    discount_rate : float or array
        Discount rate per period (0.1 is 10 %).
    periods : int, optional
        Number of future periods; all of them when not given.

    Examples
    --------
    >>> round(simple_clv(100, 0.8, 0.1), 2)
    266.67
    >>> round(simple_clv(100, 0.8, 0.1, periods=2), 2)
    125.62
    """
    m, r, d = (np.asarray(x, dtype="float64") for x in (margin, retention_rate, discount_rate))
    if np.any((r < 0) | (r > 1)):
        raise ConfigError(f"retention_rate: {retention_rate!r} is not allowed; give a share from 0 to 1")
    if np.any(d <= -1):
        raise ConfigError(f"discount_rate: {discount_rate!r} is not allowed; give a rate above -1 (0.1 is 10 %)")
    kept = r / (1 + d)
    if periods is None:
        if np.any(kept >= 1):
            raise ConfigError("retention_rate: with no end to the periods it must be below 1 + discount_rate")
        value = m * kept / (1 - kept)
    else:
        value = m * np.where(kept == 1, periods, kept * (1 - kept**periods) / np.where(kept == 1, 1, 1 - kept))
    return value.item() if value.ndim == 0 else value


def retention_clv(orders: pd.DataFrame, as_of, period_days: int = 365, discount_rate: float = 0.0,
                  periods: int = 1, margin: float = 1.0) -> pd.DataFrame:
    """Per-customer CLV from :func:`simple_clv`, with retention measured on the orders.

    A customer's margin per period is ``margin`` times their average spend per period
    since their first order. Whether they stay for the next period depends on whether
    they bought in the last one: the *active* rate is the share of customers who bought in
    the period before last and bought again in the last period; the *lapsed* rate is the
    share of earlier buyers, idle in the period before last, who came back in the last
    one. After the first period the active rate applies. CLV = m * p * sum over
    t = 1..N of r^(t-1) / (1 + d)^t, with p the customer's rate and r the active rate.

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``net_amount``).
    as_of : date-like
        Last day of the data.
    period_days : int, default 365
        Length of one period (use the hold-out length when scoring).
    discount_rate : float, default 0
        Discount rate per period.
    periods : int, default 1
        Number of future periods valued.
    margin : float, default 1
        Share of spend that is margin (1 values revenue).

    Returns
    -------
    DataFrame
        ``customer_id``, ``margin_per_period``, ``retention`` (chance of buying next
        period) and ``clv`` (the value of the next ``periods`` periods).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3], "net_amount": [50.0] * 5,
    ...     "ordered_at": pd.to_datetime(["2022-03-01", "2023-03-01", "2022-05-01", "2023-06-01", "2021-02-01"])})
    >>> retention_clv(orders, "2023-12-31")[["customer_id", "retention", "clv"]].round(2)
       customer_id  retention    clv
    0            1        1.0  54.40
    1            2        1.0  59.84
    2            3        0.0   0.00
    """
    if not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ConfigError(f"periods: {periods!r} is not allowed; give a whole number, at least 1")
    summary = rfm_fast(orders, as_of)
    active = summary["days_since_last_order"] < period_days
    was_active = _active_before(orders, as_of, period_days, summary)
    lapsed = ~was_active & (summary["T"] >= 2 * period_days)  # bought before the period before last, then idle
    rate_active, rate_lapsed = _share(active[was_active]), _share(active[lapsed])
    per_period = margin * summary["total_spend"] / np.maximum(summary["T"] + 1, period_days) * period_days
    retention = np.where(active, rate_active, rate_lapsed)
    later = simple_clv(1.0, rate_active, discount_rate, periods - 1) if periods > 1 else 0.0
    clv = per_period * retention / (1 + discount_rate) * (1 + later)
    return pd.DataFrame({"customer_id": summary["customer_id"], "margin_per_period": per_period,
                         "retention": retention, "clv": clv})


def _active_before(orders, as_of, period_days, summary) -> pd.Series:
    """Whether each customer of ``summary`` bought in the period before the last one."""
    before = rfm_fast(orders, pd.Timestamp(as_day(as_of) - period_days, unit="D"))
    recent = before.loc[before["days_since_last_order"] < period_days, "customer_id"]
    return summary["customer_id"].isin(recent)


def _share(flags: pd.Series) -> float:
    return float(flags.mean()) if len(flags) else 0.0


