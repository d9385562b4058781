"""Pictures of customer segments: a profile heatmap and their make-up by another label.

Every function takes ``ax=None`` (a new figure is made) and returns the axes it drew on.
Nothing here changes matplotlib's or seaborn's global style.
"""

from __future__ import annotations

__all__ = ["plot_segment_profiles", "plot_segment_mix"]

import numpy as np
import pandas as pd

from crmkit.errors import DataError
from crmkit.plots._base import new_axes


def plot_segment_profiles(profiles: pd.DataFrame, columns=None, ax=None):
    """Heatmap of segment profiles: each cell's colour is how far the segment is above or
    below the average customer (in standard deviations of the segments), the number is
    the segment's own value.

    Parameters
    ----------
    profiles : DataFrame
        One row per segment, e.g. ``crmkit.analytics.segment_profiles``.
    columns : sequence of str, optional
        Columns to show (default: every numeric column but customers and share).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> profiles = pd.DataFrame({"customers": [60, 40], "share": [0.6, 0.4], "age": [35.0, 58.0],
    ...                          "spend_per_year": [80.0, 600.0]}, index=pd.Index([0, 1], name="segment"))
    >>> ax = plot_segment_profiles(profiles)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['0 (60%)', '1 (40%)']
    """
    import seaborn as sns

    if columns is None:
        columns = [c for c in profiles.select_dtypes("number").columns if c not in ("customers", "share")]
    missing = [c for c in columns if c not in profiles.columns]
    if missing or not len(columns):
        raise DataError(f"columns: {missing[0] if missing else columns!r} not found in the profiles")
    values = profiles[list(columns)].astype(float)
    weights = profiles["share"].to_numpy() if "share" in profiles else np.full(len(profiles), 1 / len(profiles))
    # Distance from the average customer (segments weighted by size), in units of spread.
    mean = (values.mul(weights, axis=0)).sum() / weights.sum()
    spread = values.std(ddof=0).replace(0, 1)
    z = (values - mean) / spread
    ax = new_axes(ax, (1.6 + 1.1 * len(profiles), 0.8 + 0.32 * len(columns)))
    labels = [f"{s} ({p:.0%})" for s, p in zip(profiles.index, weights)]
    sns.heatmap(z.T, annot=values.T, fmt=".2g", cmap="vlag", vmin=-2, vmax=2, cbar=False,
                linewidths=0.5, xticklabels=labels, yticklabels=list(columns), annot_kws={"fontsize": 7}, ax=ax)
    ax.set(xlabel="segment (share of customers)", ylabel="",
           title="Segment profiles: red above, blue below the average customer")
    ax.tick_params(axis="y", labelsize=8)
    return ax


def plot_segment_mix(segments: pd.DataFrame, labels: pd.DataFrame, label: str, ax=None):
    """Stacked bars: what each segment is made of (e.g. the hidden personas, or regions).

    Parameters
    ----------
    segments : DataFrame
        customer_id, segment.
    labels : DataFrame
        customer_id and the ``label`` column (e.g. ``world.truth.customers`` and "persona").
    label : str
        The column to break the segments down by.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> seg = pd.DataFrame({"customer_id": [1, 2, 3], "segment": [0, 0, 1]})
    >>> truth = pd.DataFrame({"customer_id": [1, 2, 3], "persona": ["a", "b", "b"]})
    >>> ax = plot_segment_mix(seg, truth, "persona")
    >>> ax.get_ylabel()
    'share of the segment'
    """
    for table, name, needed in ((segments, "segments", ("customer_id", "segment")),
                                (labels, "labels", ("customer_id", label))):
        missing = [c for c in needed if c not in table.columns]
        if missing:
            raise DataError(f"{name}: column {missing[0]!r} is missing")
    both = segments.merge(labels[["customer_id", label]], on="customer_id")
    mix = pd.crosstab(both["segment"], both[label].astype(str), normalize="index")
    ax = new_axes(ax, (7, 3.5))
    mix.plot.bar(stacked=True, ax=ax, width=0.8, colormap="tab10")
    ax.set(xlabel="segment", ylabel="share of the segment", ylim=(0, 1), title=f"What each segment is made of: {label}")
    ax.legend(title=label, fontsize="small", frameon=False, bbox_to_anchor=(1.01, 1), loc="upper left")
    ax.tick_params(axis="x", rotation=0)
    return ax
