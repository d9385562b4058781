"""Pictures of a world's tables, drawn with seaborn and matplotlib.

Every function takes ``ax=None`` (a new figure is made) and returns the axes it drew on.
Nothing here changes matplotlib's or seaborn's global style: call ``sns.set_theme()``
yourself if you want seaborn's look.
"""

from __future__ import annotations

__all__ = ["monthly_counts", "plot_orders_by_month"]

import pandas as pd
import seaborn as sns

from crmkit.plots._base import new_axes


def monthly_counts(df: pd.DataFrame, time_column: str, by: str) -> pd.DataFrame:
    """Count rows per calendar month and per value of ``by``.

    Parameters
    ----------
    df : DataFrame
        Any table with a timestamp column, e.g. ``orders`` or ``interactions``.
    time_column : str
        The timestamp column, e.g. ``"ordered_at"``.
    by : str
        The column to split by, e.g. ``"channel"``; categories that never occur are left out.

    Returns
    -------
    DataFrame
        Columns ``month`` (first day of the month), ``by`` and ``rows``; months without a row
        of some value count 0 for it.

    Examples
    --------
    >>> orders = pd.DataFrame({"ordered_at": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-02"]),
    ...                        "channel": ["web", "web", "mobile_app"]})
    >>> monthly_counts(orders, "ordered_at", "channel").query("channel == 'web'")["rows"].tolist()
    [2, 0, 0]
    """
    months = df[time_column].dt.to_period("M")
    values = df[by].astype("category").cat.remove_unused_categories()
    table = pd.crosstab(months, values)
    every_month = pd.period_range(months.min(), months.max(), freq="M")
    table = table.reindex(every_month, fill_value=0).rename_axis(index="month", columns=by)
    tidy = table.stack().rename("rows").reset_index()
    tidy["month"] = tidy["month"].dt.to_timestamp()
    return tidy


def plot_orders_by_month(orders: pd.DataFrame, by: str = "channel", ax=None):
    """Orders per month, one line per channel (or per value of another ``orders`` column).

    Parameters
    ----------
    orders : DataFrame
        The ``orders`` table (columns ``ordered_at`` and ``by``).
    by : str, default "channel"
        The column that splits the lines.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import crmkit as ck
    >>> ax = plot_orders_by_month(ck.simulate("pschse", customers=300, seed=1).orders)
    >>> ax.get_ylabel()
    'orders per month'
    """
    ax = new_axes(ax, (9, 3.6))
    counts = monthly_counts(orders, "ordered_at", by)
    sns.lineplot(data=counts, x="month", y="rows", hue=by, marker="o", markersize=3, ax=ax)
    ax.set(xlabel="month", ylabel="orders per month", title=f"Orders per month by {by} (synthetic data)")
    ax.set_ylim(bottom=0)
    ax.legend(title=by, loc="upper left", fontsize="small", frameon=False)
    return ax
