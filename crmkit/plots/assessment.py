"""The chart of a self-assessment against a CRM model: a radar (spider) chart or bars.

The scores come from :func:`crmkit.frameworks.assessment.assess`; the weakest blocks are
drawn in red.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, describe_allowed
from crmkit.frameworks.assessment import SCALE
from crmkit.plots._base import new_axes

__all__ = ["plot_assessment"]

CHART_KINDS = ("radar", "bar")
WEAK_COLOUR, OTHER_COLOUR = "#cb181d", "#2171b5"


def _radar(assessment: pd.DataFrame, ax, scale: tuple[float, float]):
    # Drawn on ordinary axes (not a polar projection) so it fits any axes an explorer hands over.
    n = len(assessment)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n  # first block at the top, clockwise
    low, high = scale
    rings = np.arange(low, high + 1)
    closed = np.r_[angles, angles[0], np.nan]  # one polyline per ring, NaN-separated: one draw call for the grid
    grid_x = np.r_[np.outer(rings, np.cos(closed)).ravel(), np.c_[np.zeros(n), high * np.cos(angles), np.full(n, np.nan)].ravel()]
    grid_y = np.r_[np.outer(rings, np.sin(closed)).ravel(), np.c_[np.zeros(n), high * np.sin(angles), np.full(n, np.nan)].ravel()]
    ax.plot(grid_x, grid_y, color="lightgrey", lw=0.8, zorder=1)
    for ring in rings:
        ax.text(0.08, ring, f"{ring:g}", color="grey", fontsize=7, va="center")
    radius = assessment["score"].to_numpy()
    ax.fill(radius * np.cos(angles), radius * np.sin(angles), color=OTHER_COLOUR, alpha=0.25, zorder=2)
    ax.plot(np.r_[radius * np.cos(angles), radius[0] * np.cos(angles[0])],
            np.r_[radius * np.sin(angles), radius[0] * np.sin(angles[0])], color=OTHER_COLOUR, zorder=3)
    weak = assessment["weakest"].to_numpy(dtype=bool)
    ax.scatter(radius * np.cos(angles), radius * np.sin(angles), c=np.where(weak, WEAK_COLOUR, OTHER_COLOUR),
               s=np.where(weak, 60, 25), zorder=4)
    for angle, name, is_weak in zip(angles, assessment["block"], weak):
        x, y = (high + 0.5) * np.cos(angle), (high + 0.5) * np.sin(angle)
        ax.text(x, y, name, ha="center" if abs(x) < 0.5 else ("left" if x > 0 else "right"), va="center",
                fontsize=8, color=WEAK_COLOUR if is_weak else "black", fontweight="bold" if is_weak else "normal")
    ax.set_xlim(-high - 3.2, high + 3.2)
    ax.set_ylim(-high - 1, high + 1)
    ax.set_aspect("equal")
    ax.axis("off")


def _bars(assessment: pd.DataFrame, ax, scale: tuple[float, float]):
    weak = assessment["weakest"].to_numpy(dtype=bool)
    positions = np.arange(len(assessment))[::-1]  # the model's first block on top
    ax.barh(positions, assessment["score"], color=np.where(weak, WEAK_COLOUR, OTHER_COLOUR))
    ax.set_yticks(positions, assessment["block"])
    ax.set_xlim(0, scale[1])
    ax.set_xlabel(f"score ({scale[0]:g} = missing, {scale[1]:g} = strong)")


def plot_assessment(assessment: pd.DataFrame, kind: str = "radar", title: str = "CRM self-assessment",
                    scale: tuple[float, float] = SCALE, ax=None):
    """Draw a self-assessment: a radar (spider) chart or bars; the weakest blocks in red.

    Parameters
    ----------
    assessment : DataFrame
        From :func:`assess` (columns ``block``, ``score``, ``weakest``).
    kind : {"radar", "bar"}
        The chart.
    title : str
        The chart's title.
    scale : tuple of float, default (1, 5)
        The score range drawn.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> table = pd.DataFrame({"block": ["A", "B", "C"], "score": [3.0, 1.0, 4.0], "weakest": [False, True, False]})
    >>> ax = plot_assessment(table, kind="bar")
    >>> [(t.get_text(), y) for t, y in zip(ax.get_yticklabels(), ax.get_yticks())]  # the first block on top
    [('A', np.int64(2)), ('B', np.int64(1)), ('C', np.int64(0))]
    """
    if kind not in CHART_KINDS:
        raise ConfigError(f"kind = {kind!r}: {describe_allowed(CHART_KINDS)}")
    missing = [c for c in ("block", "score", "weakest") if c not in assessment.columns]
    if missing:
        raise ConfigError(f"assessment: column {missing[0]!r} is missing; pass the table made by assess()")
    ax = new_axes(ax, (7, 4.5) if kind == "radar" else (7, 0.6 + 0.4 * len(assessment)))
    (_radar if kind == "radar" else _bars)(assessment, ax, scale)
    ax.set_title(title)
    return ax
