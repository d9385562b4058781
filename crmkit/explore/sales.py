"""Sales force automation on a world: the pipeline on any day, its weighted forecast by vendor, and
what those deals really won.

The figures come from :class:`crmkit.analytics.pipeline_days.PipelineForecasts` (every day's
pipeline and forecasts, computed once); :func:`draw_pipeline_forecast` draws one day of it and
:func:`pipeline_forecast_explorer` is the widget: a date slider and a vendor dropdown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.pipeline import OPEN_STAGES, VENDORS
from crmkit.analytics.pipeline_days import (  # noqa: F401  (the computations, imported from here by lessons)
    PipelineForecasts, pipeline_snapshots, snapshot_forecasts, vendor_probabilities,
)
from crmkit.explore._base import explorer

# Only the explorers: the benchmark builds every name listed here as a widget.
__all__ = ["pipeline_forecast_explorer"]


def draw_pipeline_forecast(board: PipelineForecasts, as_of, vendor: str = "crmkit", ax=None) -> pd.Series:
    """Draw the pipeline of ``as_of`` by stage (open and weighted) and, beside it, the forecast,
    the whole open amount and what the deals really won; return that day's figures,
    ``board(as_of, vendor)`` (see :meth:`PipelineForecasts.__call__`)."""
    from crmkit.plots._base import new_axes

    figures = board(as_of, vendor)
    amounts = board.stage_amounts(as_of, vendor)
    stages, totals = _panels(new_axes(ax, (11, 3.6)), 2, widths=(3, 2))
    x = np.arange(len(OPEN_STAGES))
    stages.bar(x - 0.2, amounts["open"], 0.4, color="#c6dbef", label="open amount")
    stages.bar(x + 0.2, amounts["weighted"], 0.4, color="#2171b5", label=f"weighted ({vendor})")
    stages.set_xticks(x, [s.replace("_", " ") for s in OPEN_STAGES], fontsize=8)
    stages.set(ylabel="amount", title=f"Open pipeline on {figures['as_of']:%d %b %Y} (synthetic data)")
    stages.legend(fontsize=7)
    totals.bar(["all open\ndeals close", f"forecast\n({vendor})", "really won"],
               [figures["all_open_closes"], figures["forecast"], figures["actual"]],
               color=["#c6dbef", "#2171b5", "#41ab5d"])
    totals.set(title=f"Forecast minus really won: {figures['error']:+,.0f} ({figures['open_deals']} deals)")
    return figures


def _panels(ax, n: int, widths=None) -> list:
    """Split ``ax`` into ``n`` axes side by side."""
    figure, spec = ax.figure, ax.get_subplotspec()
    ax.remove()
    return [figure.add_subplot(cell) for cell in spec.subgridspec(1, n, width_ratios=widths)]


def pipeline_forecast_explorer(world, as_of=None, vendor: str = "crmkit", freq: str = "W-SUN"):
    """A date slider and a vendor dropdown: the pipeline on that day, its weighted forecast and,
    beside it, what those deals really won (from ``truth.opportunities`` for deals still open at
    the end of the observation window).

    The slider's days run every week (``freq``) through the observation window; every day's
    pipeline and forecast are computed when the explorer is built, so an update only draws.
    ``widget.result`` is the day's figures (see :meth:`PipelineForecasts.__call__`) and
    ``widget.board`` the :class:`PipelineForecasts` behind it.
    """
    import ipywidgets as widgets

    start = world.opportunity_history["changed_at"].min().normalize() + pd.Timedelta(days=28)
    days = pd.date_range(start, world.observed_until, freq=freq)
    board = PipelineForecasts.build(world.opportunity_history, days, world.truth.opportunities)
    day = board.nearest_day(as_of if as_of is not None else world.observed_until - pd.Timedelta(days=182))

    def draw(ax, as_of, vendor):
        return draw_pipeline_forecast(board, as_of, vendor, ax=ax)

    widget = explorer(draw, figsize=(11, 3.6),
                      as_of=widgets.SelectionSlider(options=[(f"{d:%d %b %Y}", d) for d in days], value=day,
                                                    description="pipeline on", continuous_update=False,
                                                    layout={"width": "32em"}),
                      vendor=widgets.Dropdown(options=list(VENDORS), value=vendor, description="vendor"))
    widget.board = board  # the snapshots and forecasts behind it, for the next cells
    return widget
