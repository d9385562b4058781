"""Pictures of campaigns: estimated uplift against the truth, and sales credited per channel.

Every function takes ``ax=None`` (a new figure is made) and returns the axes it drew on.
Nothing here changes matplotlib's or seaborn's global style.
"""

from __future__ import annotations

__all__ = ["plot_uplift_vs_truth", "plot_attribution"]

import numpy as np
import pandas as pd

from crmkit.plots._base import new_axes


def plot_uplift_vs_truth(table: pd.DataFrame, ax=None):
    """Each campaign's uplift estimate with its interval, the true uplift and the naive view.

    Parameters
    ----------
    table : DataFrame
        :func:`crmkit.analytics.uplift_vs_truth` (``campaign_id``, ``uplift``,
        ``uplift_low``, ``uplift_high``, and optionally ``true_uplift``, ``naive_uplift``);
        :func:`crmkit.analytics.campaign_uplift` works too (no truth then).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> table = pd.DataFrame({"campaign_id": [1, 2], "uplift": [0.1, 0.05], "uplift_low": [0.0, -0.05],
    ...     "uplift_high": [0.2, 0.15], "true_uplift": [0.08, 0.06], "naive_uplift": [0.3, 0.2]})
    >>> plot_uplift_vs_truth(table).get_xlabel()
    'uplift (extra chance of buying)'
    """
    ax = new_axes(ax, (7, 1.2 + 0.45 * len(table)))
    y = np.arange(len(table))
    errors = [table.uplift - table.uplift_low, table.uplift_high - table.uplift]
    ax.errorbar(table.uplift, y, xerr=errors, fmt="o", color="tab:blue", capsize=3,
                label="estimate (treated minus control)")
    if "true_uplift" in table:
        ax.scatter(table.true_uplift, y, marker="D", color="tab:green", zorder=3, label="true average uplift")
    if "naive_uplift" in table:
        ax.scatter(table.naive_uplift, y, marker="x", color="tab:red", zorder=3, label="naive (treated response rate)")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [f"campaign {c}" for c in table.campaign_id])
    ax.invert_yaxis()
    ax.set(xlabel="uplift (extra chance of buying)", title="Campaign uplift against the control group (synthetic data)")
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=3)
    return ax


def plot_attribution(compare: pd.DataFrame, ax=None):
    """Sales credited to each channel under each attribution model, as grouped bars.

    Parameters
    ----------
    compare : DataFrame
        :func:`crmkit.analytics.compare_attribution` (``channel`` and one column per model).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> compare = pd.DataFrame({"channel": ["web", "email"], "first": [10.0, 5.0], "last": [12.0, 3.0],
    ...     "linear": [11.0, 4.0]})
    >>> len(plot_attribution(compare).patches)
    6
    """
    ax = new_axes(ax, (8, 3.4))
    models = [c for c in compare.columns if c != "channel"]
    positions = np.arange(len(compare))
    width = 0.8 / max(len(models), 1)
    for i, model in enumerate(models):
        ax.bar(positions + (i - (len(models) - 1) / 2) * width, compare[model], width, label=f"{model} touch"
               if model in ("first", "last") else model)
    ax.set_xticks(positions, [str(c).replace("_", " ") for c in compare.channel])
    ax.set(ylabel="sales credited", title="Sales credited per channel by attribution model (synthetic data)")
    ax.legend(frameon=False, fontsize="small")
    return ax
