"""Pictures of identity resolution: match quality against messier data, and pair scores.

Every function takes ``ax=None`` (a new figure is made) and returns the axes it drew on.
Nothing here changes matplotlib's or seaborn's global style.
"""

from __future__ import annotations

__all__ = ["plot_defect_sweep", "plot_match_scores"]

import numpy as np
import pandas as pd

from crmkit.errors import DataError
from crmkit.plots._base import new_axes


def plot_defect_sweep(sweep: pd.DataFrame, metrics=("precision", "recall"), ax=None):
    """Precision and recall of identity resolution as the source systems' defect rates rise.

    Parameters
    ----------
    sweep : DataFrame
        The output of ``crmkit.analytics.defect_sweep`` (defect_scale, method and the metrics).
    metrics : sequence of str, default ("precision", "recall")
        Columns to draw, one colour each; each method gets its own line style.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> sweep = pd.DataFrame({"defect_scale": [1, 2, 1, 2], "method": ["fuzzy", "fuzzy", "exact_email", "exact_email"],
    ...                       "precision": [0.97, 0.9, 1.0, 1.0], "recall": [0.95, 0.85, 0.45, 0.12]})
    >>> ax = plot_defect_sweep(sweep)
    >>> ax.get_xlabel()
    "defect rates (times the case's own)"
    """
    import seaborn as sns

    needed = ["defect_scale", "method", *metrics]
    missing = [c for c in needed if c not in sweep.columns]
    if missing:
        raise DataError(f"sweep: column {missing[0]!r} is missing; needed: {', '.join(needed)}")
    ax = new_axes(ax, (7, 3.8))
    tidy = sweep.melt(id_vars=["defect_scale", "method"], value_vars=list(metrics),
                      var_name="metric", value_name="value")
    sns.lineplot(data=tidy, x="defect_scale", y="value", hue="metric", style="method", marker="o", ax=ax)
    ax.set(xlabel="defect rates (times the case's own)", ylabel="share of record pairs", ylim=(0, 1.02),
           title="Identity resolution as source data get messier (synthetic data)")
    ax.axvline(1.0, color="grey", linewidth=0.8, linestyle=":")
    ax.legend(loc="lower left", fontsize="small", frameon=False)
    return ax


def plot_match_scores(scored: pd.DataFrame, threshold: float | None = None, same=None, bins: int = 40, ax=None):
    """How candidate pairs score: a histogram, optionally split by whether they truly match.

    Parameters
    ----------
    scored : DataFrame
        The output of ``crmkit.analytics.score_pairs`` (column score, 0 to 100).
    threshold : float, optional
        Draw the match threshold as a vertical line.
    same : array of bool, optional
        For each pair, whether both records are truly the same person (from the truth);
        when given, the two groups get their own colour.
    bins : int, default 40
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> scored = pd.DataFrame({"score": [20.0, 45.0, 90.0, 100.0]})
    >>> ax = plot_match_scores(scored, threshold=85, same=[False, False, True, True])
    >>> ax.get_xlabel()
    'pair score (0 to 100)'
    """
    import seaborn as sns

    if "score" not in scored.columns:
        raise DataError("scored: column 'score' is missing (use score_pairs)")
    ax = new_axes(ax, (7, 3.5))
    data = pd.DataFrame({"score": scored["score"].to_numpy()})
    hue = None
    if same is not None:
        data["pair"] = np.where(np.asarray(same, dtype=bool), "same person", "different people")
        hue = "pair"
    sns.histplot(data=data, x="score", hue=hue, bins=bins, binrange=(0, 100), multiple="layer", ax=ax)
    if threshold is not None:
        ax.axvline(threshold, color="black", linewidth=1, linestyle="--")
        ax.annotate(f"threshold {threshold:g}", (threshold, 1), xycoords=("data", "axes fraction"),
                    xytext=(-4, -12), textcoords="offset points", ha="right", fontsize="small")
    ax.set(xlabel="pair score (0 to 100)", ylabel="candidate pairs", title="Scores of candidate record pairs")
    return ax
