"""Retention against acquisition in one table: the calculator behind the retention sliders.

Built on :func:`crmkit.analytics.retention_economics`, :func:`~crmkit.analytics.acquisition_vs_retention`
and :func:`~crmkit.analytics.customer_base_projection`.
"""

from __future__ import annotations

__all__ = ["retention_what_if"]

import pandas as pd

from crmkit.analytics.retention_value import acquisition_vs_retention, customer_base_projection, retention_economics
from crmkit.errors import ConfigError


def retention_what_if(retention_rate: float, acquisition_multiple: float, margin: float, discount_rate: float,
                      customers: int = 1000, extra_points: float = 5.0, cost_to_keep: float = 20.0) -> pd.Series:
    """Retention against acquisition for a base of ``customers``, in one table.

    Keeping ``extra_points`` more of them for a period costs ``cost_to_keep`` per customer kept;
    winning a new customer costs ``acquisition_multiple`` times that. The figures come from
    :func:`crmkit.analytics.retention_economics` (the value of a customer now and with the extra
    points), :func:`~crmkit.analytics.acquisition_vs_retention` (the retention programme) and
    :func:`~crmkit.analytics.customer_base_projection` (the base after ten periods when the firm
    keeps winning as many new customers as it loses today).

    Returns
    -------
    Series
        ``retention_rate``, ``improved_rate``, ``clv_now``, ``clv_improved``, ``clv_change_pct``,
        ``customers_kept`` (extra), ``retention_spend``, ``acquisition_spend`` (to win as many new
        ones), ``value_of_kept``, ``net_benefit`` (of the programme), ``base_now`` and
        ``base_improved`` (after ten periods) and ``base_ceiling_improved``.

    Examples
    --------
    >>> what_if = retention_what_if(0.8, 5, 100, 0.1, extra_points=5)
    >>> what_if[["clv_now", "clv_improved", "customers_kept", "retention_spend", "acquisition_spend"]].round(1).tolist()
    [266.7, 340.0, 50.0, 1000.0, 5000.0]
    """
    if not 1 <= acquisition_multiple:
        raise ConfigError(f"acquisition_multiple: {acquisition_multiple!r} is not allowed; give 1 or more")
    value = retention_economics(margin, retention_rate, discount_rate, extra_points).set_index("scenario")
    acquisition_cost = acquisition_multiple * cost_to_keep
    programme = acquisition_vs_retention(customers, acquisition_cost, cost_to_keep * extra_points / 100, margin,
                                         retention_rate, discount_rate, extra_points)
    inflow = customers * (1 - retention_rate)  # new customers a period: enough to stand still today
    improved = value.loc["improved", "retention_rate"]
    return pd.Series({
        "retention_rate": retention_rate, "improved_rate": improved, "clv_now": value.loc["current", "clv"],
        "clv_improved": value.loc["improved", "clv"], "clv_change_pct": value.loc["improved", "clv_change_pct"],
        "customers_kept": programme["customers_saved"], "retention_spend": programme["programme_cost"],
        "acquisition_spend": programme["customers_saved"] * acquisition_cost,
        "value_of_kept": programme["value_of_saved"], "net_benefit": programme["net_benefit"],
        "base_now": customer_base_projection(inflow, retention_rate, 10, customers)["customers"].iloc[-1],
        "base_improved": customer_base_projection(inflow, improved, 10, customers)["customers"].iloc[-1],
        "base_ceiling_improved": inflow / (1 - improved),
    })
