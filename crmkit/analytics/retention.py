"""Retention: cohorts and churn, read from the orders.

In a shop nobody cancels a contract: a customer who stops buying just goes quiet. So
churn is *inferred* here from silence (no order for ``inactive_days``), and a lifetime
runs from the first order to the last one (if the customer went quiet) or to ``as_of``
(still buying: the lifetime is censored, not over). :mod:`crmkit.analytics.survival` turns
such lifetimes into survival curves; :mod:`crmkit.analytics.retention_value` holds the
economics of keeping customers and :mod:`crmkit.analytics.profitability` which customers
earn less than they cost to serve.
"""

from __future__ import annotations

__all__ = ["cohort_retention", "churn_flags", "score_churn_flags", "customer_lifetimes", "repeat_rate"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.retention_value import customer_base_projection  # noqa: F401  (imported from here by explore.lifecycle)
from crmkit.analytics.order_days import as_day, day_numbers
from crmkit.analytics.rfm_fast import rfm_fast
from crmkit.errors import ConfigError, DataError


def _months(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").view("int64")


def cohort_retention(orders: pd.DataFrame, as_of, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of each monthly cohort that ordered in each later month.

    The cohort is the month of a customer's first order (so month 0 is 100 %), or, when
    ``customers`` is given, the month of their ``signup_date`` (so never-buyers count too).

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``); orders after ``as_of`` are left out.
    as_of : date-like
        Last day counted.
    customers : DataFrame, optional
        The ``customers`` table (``customer_id``, ``signup_date``).

    Returns
    -------
    DataFrame
        ``cohort`` (first day of the month), ``months_since``, ``cohort_size``,
        ``active_customers``, ``retention`` (active / size); every month up to ``as_of``.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 3],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-02-07", "2024-01-20", "2024-02-02"])})
    >>> cohort_retention(orders, "2024-02-29")[["cohort", "months_since", "active_customers", "retention"]]
          cohort  months_since  active_customers  retention
    0 2024-01-01             0                 2        1.0
    1 2024-01-01             1                 1        0.5
    2 2024-02-01             0                 1        1.0
    """
    require_columns(orders, ["customer_id", "ordered_at"], "orders")
    end = as_day(as_of)
    day = day_numbers(orders["ordered_at"], "ordered_at")
    bought = pd.DataFrame({"customer_id": orders["customer_id"].to_numpy()[day <= end], "month": _months(day[day <= end])})
    bought = bought.drop_duplicates()
    if customers is None:
        cohort_of = bought.groupby("customer_id")["month"].min()
    else:
        require_columns(customers, ["customer_id", "signup_date"], "customers")
        signup = day_numbers(customers["signup_date"], "signup_date")
        cohort_of = pd.Series(_months(signup[signup <= end]), index=customers["customer_id"].to_numpy()[signup <= end])
    bought["cohort"] = bought["customer_id"].map(cohort_of)
    bought = bought.dropna(subset=["cohort"])
    active = bought.groupby([bought["cohort"].astype("int64"), bought["month"] - bought["cohort"].astype("int64")]).size()
    sizes = cohort_of.value_counts().sort_index()
    last = _months(np.array([end]))[0]
    grid = pd.DataFrame({"cohort": np.repeat(sizes.index, last - sizes.index + 1)})
    grid["months_since"] = grid.groupby("cohort").cumcount()
    grid["cohort_size"] = grid["cohort"].map(sizes).astype("int64")
    index = pd.MultiIndex.from_frame(grid[["cohort", "months_since"]])
    grid["active_customers"] = active.reindex(index, fill_value=0).to_numpy().astype("int64")
    grid["retention"] = grid["active_customers"] / grid["cohort_size"]
    grid["cohort"] = grid["cohort"].to_numpy().astype("datetime64[M]").astype("datetime64[s]")
    return grid


def churn_flags(orders: pd.DataFrame, as_of, inactive_days: int = 180) -> pd.DataFrame:
    """Flag as churned every customer with no order in the last ``inactive_days`` days.

    Returns
    -------
    DataFrame
        ``customer_id``, ``last_order_date``, ``days_since_last_order``, ``churned``
        (``days_since_last_order >= inactive_days``), for customers who bought by ``as_of``.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 2], "net_amount": [10.0, 10.0],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-06-01"])})
    >>> churn_flags(orders, "2024-06-30", inactive_days=90)["churned"].tolist()
    [True, False]
    """
    return _activity(orders, as_of, inactive_days)[["customer_id", "last_order_date", "days_since_last_order", "churned"]]


def _activity(orders: pd.DataFrame, as_of, inactive_days: int) -> pd.DataFrame:
    """:func:`rfm` of the orders (amounts not needed) with the ``churned`` flag added."""
    if not isinstance(inactive_days, (int, np.integer)) or inactive_days < 1:
        raise ConfigError(f"inactive_days: {inactive_days!r} is not allowed; give a whole number of days, at least 1")
    summary = rfm_fast(orders[["customer_id", "ordered_at"]].assign(_one=1.0), as_of, value="_one")
    summary["churned"] = summary["days_since_last_order"] >= inactive_days
    return summary


def score_churn_flags(flags: pd.DataFrame, truth_customers: pd.DataFrame) -> pd.DataFrame:
    """Compare churn flags with the truth (``not alive_at_end``) and with random flags.

    Meaningful when the flags were made as of the end of the observation window, the
    moment ``alive_at_end`` describes. The random baseline flags the same share of
    customers at random; its scores are the expected ones.

    Returns
    -------
    DataFrame
        Rows ``flags`` and ``random``: ``flagged_share``, ``precision``, ``recall``,
        ``f1``, ``accuracy``, ``customers``.

    Examples
    --------
    >>> flags = pd.DataFrame({"customer_id": [1, 2, 3, 4], "churned": [True, True, False, False]})
    >>> truth = pd.DataFrame({"customer_id": [1, 2, 3, 4], "alive_at_end": [False, True, True, True]})
    >>> score_churn_flags(flags, truth)[["rule", "precision", "recall", "accuracy"]]
         rule  precision  recall  accuracy
    0   flags       0.50     1.0      0.75
    1  random       0.25     0.5      0.50
    """
    require_columns(flags, ["customer_id", "churned"], "flags")
    require_columns(truth_customers, ["customer_id", "alive_at_end"], "truth_customers")
    merged = flags.merge(truth_customers[["customer_id", "alive_at_end"]], on="customer_id", how="inner")
    flagged, churned = merged["churned"].to_numpy(bool), ~merged["alive_at_end"].to_numpy(bool)
    q, p = flagged.mean(), churned.mean()
    hits = (flagged & churned).mean()
    precision, recall = hits / max(q, 1e-12), hits / max(p, 1e-12)
    rows = [("flags", q, precision, recall, (flagged == churned).mean()),
            ("random", q, p, q, p * q + (1 - p) * (1 - q))]
    table = pd.DataFrame(rows, columns=["rule", "flagged_share", "precision", "recall", "accuracy"])
    table.insert(4, "f1", 2 * table.precision * table.recall / (table.precision + table.recall).clip(lower=1e-12))
    table["customers"] = len(merged)
    return table


def customer_lifetimes(orders: pd.DataFrame, as_of, inactive_days: int = 180) -> pd.DataFrame:
    """Each buyer's observed lifetime: first order to last order if churned, else to ``as_of``.

    Returns
    -------
    DataFrame
        ``customer_id``, ``duration_days``, ``churned`` (False means censored: still buying).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "ordered_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-05-01"])})
    >>> customer_lifetimes(orders, "2024-06-30", inactive_days=90)
       customer_id  duration_days  churned
    0            1           31.0     True
    1            2           60.0    False
    """
    summary = _activity(orders, as_of, inactive_days)
    end = np.where(summary["churned"], summary["recency"], summary["T"])
    return pd.DataFrame({"customer_id": summary["customer_id"], "duration_days": end, "churned": summary["churned"]})


def repeat_rate(orders: pd.DataFrame, year: int) -> float:
    """Share of the customers who ordered in ``year - 1`` who ordered again in ``year``.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 3],
    ...                        "ordered_at": pd.to_datetime(["2024-03-01", "2025-02-01", "2024-05-01", "2025-01-09"])})
    >>> repeat_rate(orders, 2025)
    0.5
    """
    require_columns(orders, ["customer_id", "ordered_at"], "orders")
    years = orders["ordered_at"].dt.year
    before = pd.Index(orders.loc[years == year - 1, "customer_id"].unique())
    if before.empty:
        raise DataError(f"orders: nobody ordered in {year - 1}, so the repeat rate of {year} is undefined")
    return float(before.isin(orders.loc[years == year, "customer_id"]).mean())
