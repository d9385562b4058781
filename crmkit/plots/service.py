"""Pictures of service and feedback: service level over time, complaint causes, the NPS
distribution, and service experience against retention.

Each function takes ``ax=None`` (a new figure is made) and returns the axes it drew on;
none changes matplotlib's or seaborn's global style.
"""

from __future__ import annotations

__all__ = ["plot_service_levels", "plot_complaint_causes", "plot_nps_distribution", "plot_service_and_retention"]

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from crmkit.analytics.feedback import nps, nps_category
from crmkit.errors import DataError
from crmkit.plots._base import new_axes

NPS_COLOURS = {"detractor": "#c0392b", "passive": "#95a5a6", "promoter": "#27ae60"}
SHARE_METRICS = ("within_target", "first_contact_resolution", "escalation_rate")


def plot_service_levels(levels: pd.DataFrame, metric: str = "within_target", ax=None):
    """One service-level measure month by month.

    Parameters
    ----------
    levels : DataFrame
        The result of ``service_levels(cases, by="month")``.
    metric : str, default "within_target"
        A column of ``levels``: within_target, first_contact_resolution, escalation_rate,
        median_days_to_close, mean_csat or cases.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> levels = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "within_target": [0.8, 0.9]})
    >>> plot_service_levels(levels).get_ylabel()
    'within target'
    """
    for column in ("month", metric):
        if column not in levels.columns:
            raise DataError(f"levels: column {column!r} is missing; pass service_levels(cases, by='month')")
    ax = new_axes(ax, (9, 3.4))
    ax.plot(levels["month"], levels[metric], marker="o", markersize=3, color="#2c7fb8")
    label = metric.replace("_", " ")
    ax.set(xlabel="month opened", ylabel=label, title=f"Service level: {label} by month (synthetic data)")
    if metric in SHARE_METRICS:
        ax.set_ylim(0, 1.02)
    return ax


def plot_complaint_causes(rates: pd.DataFrame, value: str = "complaints", ax=None):
    """Complaints by recorded reason as horizontal bars, the largest on top.

    Parameters
    ----------
    rates : DataFrame
        The result of ``complaint_rates(cases, orders)`` (column ``reason`` and ``value``).
    value : str, default "complaints"
        ``complaints``, ``share_of_complaints`` or ``per_1000_orders``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> rates = pd.DataFrame({"reason": ["late_delivery", "wrong_item"], "complaints": [20, 5]})
    >>> [float(b.get_width()) for b in plot_complaint_causes(rates).patches]
    [5.0, 20.0]
    """
    for column in ("reason", value):
        if column not in rates.columns:
            raise DataError(f"rates: column {column!r} is missing; pass complaint_rates(cases, orders)")
    ax = new_axes(ax, (7, 3.4))
    ordered = rates.sort_values(value)
    ax.barh(ordered["reason"].astype(str), ordered[value].astype(float), color="#e67e22")
    ax.set(xlabel=value.replace("_", " "), ylabel="recorded reason", title="Complaints by recorded reason (synthetic data)")
    return ax


def plot_nps_distribution(surveys: pd.DataFrame, ax=None):
    """How many answers gave each NPS score 0-10, coloured detractor / passive / promoter.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> s = pd.DataFrame({"kind": "nps", "score": [10, 9, 7, 3], "responded_at": pd.Timestamp("2024-01-01")})
    >>> ax = plot_nps_distribution(s)
    >>> len(ax.patches), ax.get_title()
    (11, 'NPS answers by score: NPS = 25 (synthetic data)')
    """
    overall = nps(surveys)
    scores = surveys.loc[surveys.kind.astype(str) == "nps", "score"]
    counts = scores.value_counts().reindex(range(11), fill_value=0)
    colours = nps_category(pd.Series(counts.index)).astype(str).map(NPS_COLOURS)
    ax = new_axes(ax, (7, 3.4))
    ax.bar(counts.index, counts.to_numpy(), color=colours.to_numpy())
    value = overall["nps"].iloc[0] if len(overall) else np.nan
    ax.set(xlabel="score (0 = not at all likely to recommend, 10 = extremely likely)", ylabel="answers",
           xticks=range(11), title=f"NPS answers by score: NPS = {value:.0f} (synthetic data)")
    ax.legend(handles=[Patch(color=colour, label=name) for name, colour in NPS_COLOURS.items()],
              frameon=False, fontsize="small")
    return ax


def plot_service_and_retention(table: pd.DataFrame, ax=None):
    """Retention after each service experience, with the 95% interval of its difference
    from orders without a complaint.

    Parameters
    ----------
    table : DataFrame
        The result of ``service_and_retention(orders, cases)`` (``experience``,
        ``retention_rate``, ``difference``, ``ci_low``, ``ci_high``).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame({"experience": ["no_complaint", "resolved_badly"], "retention_rate": [0.8, 0.65],
    ...                   "difference": [0.0, -0.15], "ci_low": [0.0, -0.25], "ci_high": [0.0, -0.05]})
    >>> [round(float(b.get_height()), 2) for b in plot_service_and_retention(t).patches]
    [0.8, 0.65]
    """
    needed = ("experience", "retention_rate", "difference", "ci_low", "ci_high")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise DataError(f"table: column {missing[0]!r} is missing; pass service_and_retention(orders, cases)")
    ax = new_axes(ax, (7, 3.4))
    names = table["experience"].astype(str).str.replace("_", " ")
    rate = table["retention_rate"].astype(float)
    base = rate - table["difference"].astype(float)  # the no-complaint rate, on every row
    low, high = base + table["ci_low"].astype(float), base + table["ci_high"].astype(float)
    colours = ["#7f8c8d" if d == 0 else ("#27ae60" if d > 0 else "#c0392b") for d in table["difference"].fillna(0)]
    ax.bar(names, rate, color=colours)
    ax.errorbar(names, rate, yerr=[(rate - low).clip(lower=0), (high - rate).clip(lower=0)], fmt="none", ecolor="black", capsize=4)
    ax.set(xlabel="service experience of the order", ylabel="retention rate",
           title="Service experience and retention (synthetic data)", ylim=(0, 1))
    return ax
