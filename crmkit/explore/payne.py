"""Payne and Frow's five CRM processes on a world, and a KPI dashboard for performance assessment.

The tables of the processes are computed in :mod:`crmkit.analytics.payne` (imported here for
the lesson: :func:`value_by_group`, :func:`value_exchange`, :func:`channel_mix`,
:func:`records_per_customer`) and the KPIs in :mod:`crmkit.analytics.kpis`; this module draws
the KPIs of one period as tiles (:func:`draw_kpi_dashboard`) and wires the widget
(:func:`kpi_dashboard_explorer`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics.kpis import ALL, KpiTables
from crmkit.analytics.payne import (  # noqa: F401  (the lesson imports the process tables from here)
    channel_mix, records_per_customer, value_by_group, value_exchange,
)
from crmkit.errors import ConfigError, describe_allowed
from crmkit.explore._base import explorer

# Only the explorers: the benchmark builds every name listed here as a widget.
__all__ = ["kpi_dashboard_explorer"]

KPIS = {  # column: (tile label, format); the order of the dashboard's tiles
    "customers": ("customers (known)", "{:,.0f}"), "active_buyers": ("active buyers", "{:,.0f}"),
    "retention": ("retention", "{:.0%}"), "orders": ("orders", "{:,.0f}"), "revenue": ("revenue", "{:,.0f}"),
    "average_order_value": ("average order value", "{:,.2f}"), "complaint_rate": ("complaints per order", "{:.1%}"),
    "nps": ("NPS", "{:+.0f}"),
}


def _tile_text(value, fmt: str) -> str:
    return "n/a" if pd.isna(value) else fmt.format(value)


def _change_text(kpi: str, value, previous) -> str:
    if pd.isna(value) or pd.isna(previous):
        return "no earlier period"
    if kpi in ("retention", "complaint_rate"):
        return f"{100 * (value - previous):+.1f} points"
    if kpi == "nps":
        return f"{value - previous:+.0f} points"
    return f"{value / previous - 1:+.0%}" if previous else "new"


def draw_kpi_dashboard(table: pd.DataFrame, period: str, ax=None, title: str = "") -> pd.DataFrame:
    """Draw the KPIs of ``period`` as tiles: the value, the change on the period before and a
    sparkline over every period of the table (the chosen one marked). Returns one row per KPI:
    ``kpi``, ``label``, ``value``, ``previous`` and ``change`` (in words).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> table = pd.DataFrame({"period": ["2024", "2025"], "customers": [10, 12], "active_buyers": [5, 6],
    ...     "retention": [np.nan, 0.4], "orders": [8, 9], "revenue": [100.0, 150.0],
    ...     "average_order_value": [12.5, 16.7],
    ...     "complaint_rate": [0.1, 0.05], "nps": [np.nan, 20.0]})
    >>> draw_kpi_dashboard(table, "2025").set_index("kpi").loc[["revenue", "nps"], "change"].tolist()
    ['+50%', 'no earlier period']
    """
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import Rectangle

    from crmkit.plots._base import new_axes

    if period not in set(table["period"]):
        raise ConfigError(f"period = {period!r}: {describe_allowed(table['period'])}")
    at = int(np.flatnonzero(table["period"].to_numpy() == period)[0])
    ax = new_axes(ax, (10, 4))
    rows, boxes, lines, marks = [], [], [], []
    # Everything is drawn on one axes, in a few collections, so an update stays fast.
    for tile, (kpi, (label, fmt)) in enumerate(KPIS.items()):
        x, y = tile % 4, 1 - tile // 4
        values = table[kpi].to_numpy(dtype=float)
        value, previous = values[at], values[at - 1] if at > 0 else np.nan
        rows.append({"kpi": kpi, "label": label, "value": value, "previous": previous,
                     "change": _change_text(kpi, value, previous)})
        boxes.append(Rectangle((x + 0.04, y + 0.04), 0.92, 0.92))
        ax.text(x + 0.08, y + 0.84, label, fontsize=9, color="#4a5568", va="center")
        ax.text(x + 0.08, y + 0.62, _tile_text(value, fmt), fontsize=16, fontweight="bold", va="center")
        since = f" on {table['period'].iloc[at - 1]}" if pd.notna(previous) and pd.notna(value) else ""
        ax.text(x + 0.08, y + 0.44, rows[-1]["change"] + since, fontsize=8, color="#4a5568", va="center")
        line = _sparkline(values, x, y)
        if line is not None:
            lines.append(line[np.isfinite(line[:, 1])])
            marks += [line[at]] if np.isfinite(line[at, 1]) else []
    ax.add_collection(PatchCollection(boxes, facecolor="#f4f6f9", edgecolor="#c9d1dc"))
    ax.add_collection(LineCollection(lines, colors="#2b6cb0", linewidths=1))
    if marks:
        ax.scatter(*np.array(marks).T, s=14, color="#c53030", zorder=3)
    ax.set(xlim=(0, 4), ylim=(0, 2), title=title or f"KPIs, {period} (synthetic data)")
    ax.axis("off")
    return pd.DataFrame(rows)


def _sparkline(values: np.ndarray, x: float, y: float) -> np.ndarray | None:
    """The points of a tile's sparkline (NaN where a value is missing), or None with under two values."""
    if np.isfinite(values).sum() < 2:
        return None
    low, high = np.nanmin(values), np.nanmax(values)
    scaled = np.full(len(values), 0.5) if high == low else (values - low) / (high - low)
    xs = x + 0.1 + 0.8 * np.arange(len(values)) / max(len(values) - 1, 1)
    return np.column_stack([xs, y + 0.1 + 0.22 * scaled])


@dataclass(frozen=True, eq=False)
class KpiDashboard(KpiTables):
    """The prepared :class:`~crmkit.analytics.kpis.KpiTables` of a world, with a way to draw them."""

    def table(self, period: str, region: str = ALL, channel: str = ALL) -> pd.DataFrame:
        """The KPI table of the kind of ``period`` (years or quarters) for a region and channel."""
        return self(period, region, channel)

    def draw(self, period: str, region: str = ALL, channel: str = ALL, ax=None) -> pd.DataFrame:
        """Draw the dashboard of one period, region and channel; return its KPIs (:func:`draw_kpi_dashboard`)."""
        where = ", ".join(f"{name} {value}" for name, value in (("region", region), ("channel", channel))
                          if value != ALL)
        title = f"KPIs, {period}{', ' + where if where else ''} (synthetic data)"
        return draw_kpi_dashboard(self(period, region, channel), period, ax=ax, title=title)


def kpi_dashboard(world) -> KpiDashboard:
    """The :class:`KpiDashboard` of a world's observation window."""
    return KpiDashboard.from_world(world)


def kpi_dashboard_explorer(world, period: str | None = None, region: str = ALL, channel: str = ALL):
    """Choose a period (a year or a quarter), a region and an order channel; see the KPIs.

    ``widget.result`` is the table of :func:`draw_kpi_dashboard` (one row per KPI) and
    ``widget.board`` the :class:`KpiDashboard` behind it. Every KPI table is computed when the
    explorer is built, so an update only draws.
    """
    import ipywidgets as widgets

    board = kpi_dashboard(world)
    period = period or board.periods["year"]["period"].iloc[-1]

    def draw(ax, period, region, channel):
        return board.draw(period, region, channel, ax=ax)

    widget = explorer(draw, figsize=(10, 4),
                      period=widgets.Dropdown(options=board.period_labels, value=period, description="period"),
                      region=widgets.Dropdown(options=board.regions, value=region, description="region"),
                      channel=widgets.Dropdown(options=board.channels, value=channel, description="channel"))
    widget.board = board  # the tables behind it, for the next cells
    return widget
