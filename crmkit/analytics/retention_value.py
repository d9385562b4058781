"""The economics of keeping customers: the formulas behind the retention sliders.

What a few points more retention are worth (:func:`retention_economics`), how the base grows
(:func:`customer_base_projection`) and what acquisition costs next to retention
(:func:`acquisition_vs_retention`), all built on :func:`crmkit.analytics.simple_clv`.
"""

from __future__ import annotations

__all__ = ["retention_economics", "customer_base_projection", "acquisition_vs_retention"]

import numpy as np
import pandas as pd

from crmkit.analytics.value import simple_clv
from crmkit.errors import ConfigError


def retention_economics(margin: float, retention_rate: float, discount_rate: float, extra_points: float = 5.0,
                        periods: int | None = None) -> pd.DataFrame:
    """What ``extra_points`` more retention is worth, with :func:`crmkit.analytics.simple_clv`.

    Returns
    -------
    DataFrame
        Rows ``current`` and ``improved``: ``retention_rate``, ``expected_periods``
        (average tenure 1 / (1 - r)), ``clv``, ``clv_change_pct``.

    Examples
    --------
    >>> retention_economics(100, 0.80, 0.10, extra_points=5).round(1)["clv"].tolist()
    [266.7, 340.0]
    """
    improved = retention_rate + extra_points / 100
    if not 0 <= retention_rate <= improved < 1:
        raise ConfigError(f"retention_rate + extra_points/100: {improved!r} is not allowed; it must stay below 1")
    rates = np.array([retention_rate, improved])
    clv = simple_clv(margin, rates, discount_rate, periods)
    return pd.DataFrame({"scenario": ["current", "improved"], "retention_rate": rates,
                         "expected_periods": 1 / (1 - rates), "clv": clv,
                         "clv_change_pct": 100 * (clv / clv[0] - 1) if clv[0] else np.nan})


def customer_base_projection(new_customers: float, retention_rate: float, periods: int = 10,
                             start_customers: float = 0.0) -> pd.DataFrame:
    """Customers at the end of each period: base(t) = retention_rate * base(t-1) + new_customers.

    The base levels off at new_customers / (1 - retention_rate): retention sets the ceiling.

    Examples
    --------
    >>> customer_base_projection(100, 0.5, periods=3)["customers"].tolist()
    [100.0, 150.0, 175.0]
    """
    if not 0 <= retention_rate <= 1:
        raise ConfigError(f"retention_rate: {retention_rate!r} is not allowed; give a share from 0 to 1")
    t = np.arange(1, periods + 1)
    kept = retention_rate**t
    grown = new_customers * (t if retention_rate == 1 else (1 - kept) / (1 - retention_rate))
    return pd.DataFrame({"period": t, "customers": start_customers * kept + grown})


def acquisition_vs_retention(customers: float, acquisition_cost: float, retention_cost: float, margin: float,
                             retention_rate: float, discount_rate: float, extra_points: float = 5.0) -> pd.Series:
    """Spend ``retention_cost`` per customer per period to keep ``extra_points`` more of them?

    Returns
    -------
    Series
        ``customers_lost`` (per period at the current rate), ``replacement_cost`` (winning
        that many new ones), ``programme_cost``, ``customers_saved``, ``cost_per_saved_customer``,
        ``acquisition_multiple`` (acquisition cost / cost per saved customer),
        ``value_of_saved`` (their CLV at the improved rate) and ``net_benefit``.

    Examples
    --------
    >>> float(acquisition_vs_retention(1000, 200, 2, 100, 0.8, 0.1)["acquisition_multiple"])
    5.0
    """
    saved = customers * extra_points / 100
    programme = customers * retention_cost
    per_saved = programme / saved if saved else np.inf
    value = saved * (margin + simple_clv(margin, retention_rate + extra_points / 100, discount_rate))
    return pd.Series({
        "customers_lost": customers * (1 - retention_rate), "replacement_cost": customers * (1 - retention_rate) * acquisition_cost,
        "programme_cost": programme, "customers_saved": saved, "cost_per_saved_customer": per_saved,
        "acquisition_multiple": acquisition_cost / per_saved if per_saved else np.inf,
        "value_of_saved": value, "net_benefit": value - programme,
    })
