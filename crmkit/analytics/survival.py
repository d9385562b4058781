"""Survival curves of customers: Kaplan-Meier, overall and per group.

A lifetime is censored when the customer is still buying at the end of the data (see
:func:`crmkit.analytics.customer_lifetimes`); Kaplan-Meier (Kaplan & Meier 1958) turns such
lifetimes into survival curves without pretending censored customers churned.
"""

from __future__ import annotations

__all__ = ["kaplan_meier", "survival_by_group", "survival_at"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError


def kaplan_meier(durations, churned) -> pd.DataFrame:
    """Kaplan-Meier survival curve: S(t) = product over event times s <= t of (1 - d_s / n_s).

    Parameters
    ----------
    durations : array-like
        Time each customer was observed (e.g. days).
    churned : array-like of bool
        True when the duration ended in churn, False when it was cut off (censored).

    Returns
    -------
    DataFrame
        One row per distinct duration: ``time``, ``at_risk`` (n), ``churned`` (d), ``survival``.

    Examples
    --------
    >>> kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False]).survival.round(3).tolist()
    [0.8, 0.6, 0.3, 0.3]
    """
    time = np.asarray(durations, dtype="float64")
    event = np.asarray(churned, dtype=bool)
    if time.shape != event.shape or len(time) == 0 or np.isnan(time).any() or (time < 0).any():
        raise DataError("durations: need as many non-negative durations as churn flags, at least one")
    times, where = np.unique(time, return_inverse=True)
    leaving = np.bincount(where, minlength=len(times))
    deaths = np.bincount(where, weights=event, minlength=len(times))
    at_risk = len(time) - np.r_[0, np.cumsum(leaving)[:-1]]
    return pd.DataFrame({"time": times, "at_risk": at_risk, "churned": deaths.astype("int64"),
                         "survival": np.cumprod(1 - deaths / at_risk)})


def survival_by_group(lifetimes: pd.DataFrame, by: str, duration: str = "duration_days",
                      event: str = "churned") -> pd.DataFrame:
    """Kaplan-Meier curves, one per value of ``by`` (e.g. persona or acquisition source).

    Returns
    -------
    DataFrame
        ``by``, ``time``, ``at_risk``, ``churned``, ``survival`` (see :func:`kaplan_meier`).

    Examples
    --------
    >>> lives = pd.DataFrame({"tier": ["gold", "gold", "none", "none"], "duration_days": [300, 400, 20, 90],
    ...                       "churned": [False, True, True, True]})
    >>> survival_by_group(lives, "tier")[["tier", "time", "survival"]]
       tier   time  survival
    0  gold  300.0       1.0
    1  gold  400.0       0.0
    2  none   20.0       0.5
    3  none   90.0       0.0
    """
    require_columns(lifetimes, [by, duration, event], "lifetimes")
    curves = [kaplan_meier(group[duration], group[event]).assign(**{by: value})  # a few groups, not customers
              for value, group in lifetimes.groupby(by, observed=True, sort=True)]
    return pd.concat(curves, ignore_index=True)[[by, "time", "at_risk", "churned", "survival"]]


def survival_at(curves: pd.DataFrame, days: float, by: str) -> pd.Series:
    """Each group's survival at ``days`` (the step curve's value there), indexed by group.

    Examples
    --------
    >>> curves = pd.DataFrame({"tier": ["gold", "none", "none"], "time": [400.0, 20.0, 90.0], "survival": [0.5, 0.5, 0.0]})
    >>> survival_at(curves, 60, "tier").to_dict()
    {'gold': 1.0, 'none': 0.5}
    """
    require_columns(curves, [by, "time", "survival"], "curves")
    upto = curves[curves["time"] <= days]
    value = upto.groupby(by, observed=True)["survival"].last()
    return value.reindex(curves[by].unique(), fill_value=1.0).rename(f"survival_at_{days:g}")
