"""A self-assessment against a CRM model: a score per building block, the weakest blocks, a chart.

Gartner's eight building blocks of CRM are a checklist of what a CRM initiative needs
(Nelson, 2003). A company scores itself on each block, from 1 (missing) to 5 (strong);
the weakest blocks are where to act first. The same functions work for any model of
:mod:`crmkit.frameworks` whose stages can be scored (Buttle's value chain, Payne's
processes...).

>>> from crmkit.frameworks.assessment import assess, weakest_blocks
>>> scores = {"vision": 4, "strategy": 3, "valued_customer_experience": 3, "organisational_collaboration": 2,
...           "processes": 3, "information": 2, "technology": 4, "metrics": 3}
>>> weakest_blocks(assess(scores))
['Organisational collaboration', 'CRM information']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, describe_allowed

__all__ = ["SCALE", "assess", "weakest_blocks", "plot_assessment"]

#: The score range: 1 = the block is missing, 5 = it is strong.
SCALE = (1, 5)
DEFAULT_FRAMEWORK = "gartner_building_blocks"
CHART_KINDS = ("radar", "bar")
WEAK_COLOUR, OTHER_COLOUR = "#cb181d", "#2171b5"


def _stages(framework: str):
    from crmkit import frameworks  # the models load from YAML on first use

    return frameworks.load(framework).stages


def _checked_scores(scores, keys: list[str], scale: tuple[float, float]) -> dict[str, float]:
    if isinstance(scores, pd.Series):
        scores = scores.to_dict()
    if not isinstance(scores, Mapping):
        raise ConfigError(f"scores: expected a dict or Series of block key -> score, got {type(scores).__name__}")
    unknown = [key for key in scores if key not in keys]
    if unknown:
        raise ConfigError(f"scores: unknown block {unknown[0]!r}: {describe_allowed(keys)}")
    missing = [key for key in keys if key not in scores]
    if missing:
        raise ConfigError(f"scores: no score for {missing[0]!r}; every block needs one ({', '.join(keys)})")
    low, high = scale
    checked = {}
    for key in keys:
        value = scores[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not low <= value <= high:
            raise ConfigError(f"scores[{key!r}] = {value!r}: must be a number from {low} to {high}")
        checked[key] = float(value)
    return checked


def assess(scores, framework: str = DEFAULT_FRAMEWORK, weakest: int = 2, scale: tuple[float, float] = SCALE) -> pd.DataFrame:
    """A self-assessment as a table: one row per block, in the model's order.

    Parameters
    ----------
    scores : dict or Series
        Block key -> score, one for every stage of ``framework`` (see
        ``crmkit.frameworks.load(framework).stage_keys``).
    framework : str, default "gartner_building_blocks"
        The model whose stages are scored.
    weakest : int, default 2
        How many blocks to flag as the weakest. Blocks tied with the last of them are
        flagged too: a tie is not broken at random.
    scale : tuple of float, default (1, 5)
        The lowest and highest score allowed.

    Returns
    -------
    DataFrame
        ``key``, ``block`` (the stage's name), ``score``, ``gap`` (to the top of the
        scale), ``rank`` (1 = the lowest score; tied blocks share the rank) and ``weakest``
        (bool).

    Examples
    --------
    >>> table = assess({"customer_portfolio_analysis": 2, "customer_intimacy": 4, "network_development": 2,
    ...                 "value_proposition_development": 5, "manage_customer_lifecycle": 3},
    ...                framework="buttle_value_chain", weakest=1)
    >>> table[["key", "score", "rank", "weakest"]]
                                 key  score  rank  weakest
    0    customer_portfolio_analysis    2.0     1     True
    1              customer_intimacy    4.0     4    False
    2            network_development    2.0     1     True
    3  value_proposition_development    5.0     5    False
    4      manage_customer_lifecycle    3.0     3    False
    """
    stages = _stages(framework)
    keys = [stage.key for stage in stages]
    if isinstance(weakest, bool) or not isinstance(weakest, (int, np.integer)) or not 1 <= weakest <= len(keys):
        raise ConfigError(f"weakest = {weakest!r}: must be a whole number from 1 to {len(keys)}")
    checked = _checked_scores(scores, keys, scale)
    table = pd.DataFrame({"key": keys, "block": [stage.name for stage in stages], "score": [checked[k] for k in keys]})
    table["gap"] = scale[1] - table["score"]
    table["rank"] = table["score"].rank(method="min").astype("int64")
    cut = table["score"].nsmallest(weakest).max()  # the score of the last weakest block: ties with it count too
    table["weakest"] = table["score"] <= cut
    return table


def weakest_blocks(assessment: pd.DataFrame) -> list[str]:
    """Names of the blocks flagged ``weakest`` by :func:`assess`, lowest score first
    (the model's order among equal scores).

    >>> weakest_blocks(pd.DataFrame({"block": ["A", "B", "C"], "score": [3.0, 1.0, 3.0],
    ...                              "weakest": [True, True, True]}))
    ['B', 'A', 'C']
    """
    missing = [c for c in ("block", "score", "weakest") if c not in assessment.columns]
    if missing:
        raise ConfigError(f"assessment: column {missing[0]!r} is missing; pass the table made by assess()")
    flagged = assessment[assessment["weakest"].astype(bool)]
    return flagged.sort_values("score", kind="stable")["block"].tolist()


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
    from crmkit.plots._base import new_axes

    if kind not in CHART_KINDS:
        raise ConfigError(f"kind = {kind!r}: {describe_allowed(CHART_KINDS)}")
    missing = [c for c in ("block", "score", "weakest") if c not in assessment.columns]
    if missing:
        raise ConfigError(f"assessment: column {missing[0]!r} is missing; pass the table made by assess()")
    ax = new_axes(ax, (7, 4.5) if kind == "radar" else (7, 0.6 + 0.4 * len(assessment)))
    (_radar if kind == "radar" else _bars)(assessment, ax, scale)
    ax.set_title(title)
    return ax
