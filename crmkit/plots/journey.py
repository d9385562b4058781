"""A picture of one customer's journey with a company: every event on a timeline, by touchpoint.

The function takes ``ax=None`` (a new figure is made) and returns the axes it drew on; it
does not change matplotlib's or seaborn's global style.
"""

from __future__ import annotations

__all__ = ["plot_journey"]

import matplotlib.dates
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.lifecycle import PHASES
from crmkit.plots._base import new_axes

KIND_MARKERS = {"visit": "o", "signup": "s", "order": "D", "complaint": "X", "contact": "^", "message": "v", "left": "P"}
PHASE_SHADES = dict(zip(PHASES, ("#f0f0f0", "#deebf7", "#c6dbef", "#9ecae1", "#fcbba1")))


def plot_journey(journey: pd.DataFrame, phases: pd.DataFrame | None = None, ax=None):
    """A journey's events on a timeline, one row per touchpoint, one marker per kind of event.

    Parameters
    ----------
    journey : DataFrame
        The table :func:`crmkit.analytics.journey_frame` returns (``occurred_at``, ``channel``,
        ``kind``, ``amount``); each order is labelled with its amount.
    phases : DataFrame, optional
        :func:`crmkit.analytics.journey_phases` of the journey: each phase shades its span.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from crmkit.analytics import journey_frame
    >>> journey = journey_frame([{"date": "2024-01-01", "channel": "web", "kind": "visit"},
    ...                          {"date": "2024-02-01", "channel": "point_of_sale", "kind": "order", "amount": 20.0}])
    >>> [label.get_text() for label in plot_journey(journey).get_yticklabels()]
    ['web', 'point_of_sale']
    """
    require_columns(journey, ["occurred_at", "channel", "kind", "amount"], "journey")
    ax = new_axes(ax, (9, 0.5 * journey["channel"].nunique() + 1.8))
    rows = {channel: i for i, channel in enumerate(pd.unique(journey["channel"]))}
    # events of one day at one touchpoint (a sign-up and its first order) sit a little apart, not on top
    height = journey["channel"].map(rows) + 0.25 * journey.groupby(["occurred_at", "channel"]).cumcount()
    first, last = journey["occurred_at"].min(), journey["occurred_at"].max()
    margin = max((last - first) * 0.05, pd.Timedelta(days=3))
    ax.set_xlim(first - margin, last + margin)
    if phases is not None:
        _shade(ax, phases, last + margin)
    for kind, events in journey.groupby("kind", sort=False):
        ax.scatter(events["occurred_at"], height[events.index], marker=KIND_MARKERS.get(kind, "o"), s=60,
                   label=kind, zorder=3)
    for i in journey.index[journey["kind"].eq("order")]:  # a person's orders: a handful
        ax.annotate(f"{journey.at[i, 'amount']:,.2f}", (journey.at[i, "occurred_at"], height[i]),
                    textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    ax.set_yticks(list(rows.values()), list(rows))
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="event")
    ax.set(xlabel="date", ylabel="touchpoint", title="One customer's journey")
    return ax


def _shade(ax, phases: pd.DataFrame, last) -> None:
    """Each phase's span as a background band, labelled at its start (to its left near the right edge)."""
    ends = phases["ended_at"].fillna(last)
    left, right = (pd.Timestamp(matplotlib.dates.num2date(x)).tz_localize(None) for x in ax.get_xlim())
    for i, (phase, start, end) in enumerate(zip(phases["phase"].astype(str), phases["started_at"], ends)):
        ax.axvspan(start, max(end, start + pd.Timedelta(days=1)), color=PHASE_SHADES.get(phase, "#eeeeee"), zorder=0)
        near_edge = (start - left) > 0.85 * (right - left)
        ax.annotate(phase, (start, 1.0), xycoords=("data", "axes fraction"), xytext=(-2 if near_edge else 2, -9 - 9 * (i % 2)),
                    textcoords="offset points", ha="right" if near_edge else "left", fontsize=7,
                    color="#555555")  # alternate heights: phases a day apart
