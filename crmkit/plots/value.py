"""Pictures of customer value and retention: RFM segments, cohorts, survival, the whale curve.

Every function takes ``ax=None`` (a new figure is made) and returns the axes it drew on.
Nothing here changes matplotlib's or seaborn's global style. Each draws a table made by
:mod:`crmkit.analytics` (``rfm_scores``, ``cohort_retention``, ``survival_by_group``,
``customer_profitability``).
"""

from __future__ import annotations

__all__ = ["plot_rfm_segments", "plot_cohort_retention", "plot_survival", "plot_whale_curve"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.plots._base import new_axes


def plot_rfm_segments(scores: pd.DataFrame, value: str = "total_spend", ax=None):
    """Bars of each RFM segment's share of customers beside its share of ``value``.

    Parameters
    ----------
    scores : DataFrame
        From ``crmkit.analytics.rfm_scores`` (columns ``segment`` and ``value``).
    value : str, default "total_spend"
        The money column to share out (e.g. a hold-out value merged in from the truth).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> scores = pd.DataFrame({"segment": ["champions", "new", "new"], "total_spend": [900.0, 50.0, 50.0]})
    >>> ax = plot_rfm_segments(scores)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['new', 'champions']
    """
    require_columns(scores, ["segment", value], "scores")
    totals = scores.groupby("segment", observed=True).agg(customers=("segment", "size"), value=(value, "sum"))
    shares = pd.DataFrame({"customers": totals["customers"] / totals["customers"].sum(),
                           value: totals["value"] / totals["value"].sum()}).sort_values(value)
    ax = new_axes(ax, (7, 0.9 + 0.45 * len(shares)))
    shares.plot.barh(ax=ax, width=0.8, color=["#9ecae1", "#08519c"])
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.set(xlabel="share of all", ylabel="", title=f"RFM segments: customers and {value.replace('_', ' ')} (synthetic data)")
    return ax


def plot_cohort_retention(cohorts: pd.DataFrame, months: int = 12, ax=None):
    """Heatmap of cohort retention: a row per monthly cohort, a column per month since.

    Every cell is written out; the colour bar spans months 1 onwards only, since month 0 is
    100 % by definition and would wash out the rest (its cells stay uncoloured); no grid
    lines cross the cells, whatever the style.

    Parameters
    ----------
    cohorts : DataFrame
        From ``crmkit.analytics.cohort_retention`` (``cohort``, ``months_since``, ``retention``).
    months : int, default 12
        Show months 0 to ``months``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> cohorts = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"]),
    ...                         "months_since": [0, 1, 0], "retention": [1.0, 0.4, 1.0]})
    >>> ax = plot_cohort_retention(cohorts)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['2024-01', '2024-02']
    >>> sorted(t.get_text() for t in ax.texts)
    ['100%', '100%', '40%']
    """
    import seaborn as sns
    from matplotlib.ticker import PercentFormatter

    require_columns(cohorts, ["cohort", "months_since", "retention"], "cohorts")
    shown = cohorts[cohorts["months_since"] <= months]
    table = shown.pivot(index="cohort", columns="months_since", values="retention")
    table.index = pd.DatetimeIndex(table.index).strftime("%Y-%m")
    first = table.columns == 0  # month 0: left out of the colour scale, written in grey
    later = table.loc[:, ~first].to_numpy(dtype=float)
    top = float(np.nanmax(later)) if np.isfinite(later).any() else 1.0
    size = 6 if len(table) <= 24 else 5
    ax = new_axes(ax, (2.7 + 0.55 * table.shape[1], 1.0 + 0.22 * len(table)))
    sns.heatmap(table, mask=np.broadcast_to(first, table.shape), vmin=0, vmax=top or 1.0, cmap="Blues",
                annot=True, fmt=".0%", annot_kws={"fontsize": size}, linewidths=0, ax=ax,
                cbar_kws={"label": "share of the cohort buying (months 1+)", "format": PercentFormatter(1, decimals=None)})
    for row, value in enumerate(table.loc[:, first].iloc[:, 0] if first.any() else []):
        if pd.notna(value):
            ax.text(list(table.columns).index(0) + 0.5, row + 0.5, f"{value:.0%}", ha="center", va="center", fontsize=size, color="0.45")
    ax.grid(False)
    ax.set(xlabel="months since the first order", ylabel="cohort",
           title="Share of each cohort buying, month by month (synthetic data)")
    return ax


def plot_survival(curves: pd.DataFrame, by: str, ax=None):
    """Kaplan-Meier survival curves, one step line per group.

    Parameters
    ----------
    curves : DataFrame
        From ``crmkit.analytics.survival_by_group`` (``by``, ``time``, ``survival``).
    by : str
        The group column (e.g. "persona").
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> curves = pd.DataFrame({"persona": ["a", "a", "b"], "time": [10.0, 30.0, 20.0], "survival": [0.8, 0.5, 0.9]})
    >>> ax = plot_survival(curves, "persona")
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['a', 'b']
    """
    require_columns(curves, [by, "time", "survival"], "curves")
    ax = new_axes(ax, (7, 3.6))
    for group, curve in curves.groupby(by, observed=True, sort=True):  # one line per group
        ax.step([0, *curve["time"]], [1.0, *curve["survival"]], where="post", label=str(group))
    ax.set(xlabel="days since the first order", ylabel="share still buying", ylim=(0, 1.02),
           title=f"Survival by {by} (Kaplan-Meier, synthetic data)")
    ax.legend(title=by, fontsize=8)
    return ax


def plot_whale_curve(profitability: pd.DataFrame, ax=None):
    """The whale curve: cumulative share of profit against share of customers, best first.

    Parameters
    ----------
    profitability : DataFrame
        From ``crmkit.analytics.customer_profitability`` (``share_of_customers``,
        ``cumulative_share_of_profit``, ``profitable``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> table = pd.DataFrame({"share_of_customers": [0.5, 1.0], "cumulative_share_of_profit": [1.2, 1.0],
    ...                       "profitable": [True, False]})
    >>> plot_whale_curve(table).get_ylabel()
    'cumulative share of profit'
    """
    require_columns(profitability, ["share_of_customers", "cumulative_share_of_profit", "profitable"], "profitability")
    ax = new_axes(ax, (6, 3.6))
    x = [0, *profitability["share_of_customers"]]
    y = [0, *profitability["cumulative_share_of_profit"]]
    ax.plot(x, y, color="#08519c")
    ax.axhline(1, color="grey", lw=0.8, ls="--")
    ax.axvline(profitability["profitable"].mean(), color="#cb181d", lw=0.8, ls=":", label="last profitable customer")
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.set(xlabel="share of customers, most profitable first", ylabel="cumulative share of profit",
           title="Whale curve: who earns the profit (synthetic data)")
    ax.legend(fontsize=8, loc="lower right")
    return ax
