"""Campaigns on a world, drawn: response of the contacted against the control group, uplift,
ROI and the channels credited with the sales.

The figures come from :class:`crmkit.analytics.campaign_views.CampaignData` (every campaign
computed once, then read at one campaign, attribution model and window); :func:`draw_campaign`
draws one in three panels (response of treated and control, the uplift estimate against the
truth, and the channels credited) and :func:`campaign_explorer` puts controls around it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.campaign_views import (
    ATTRIBUTION_WINDOWS, CampaignData, CampaignView, campaign_data, campaign_view, credit_by_channel,
)
from crmkit.explore._base import explorer
from crmkit.plots._base import bar_collection, two_panels

__all__ = ["ATTRIBUTION_WINDOWS", "CampaignData", "CampaignView", "campaign_data", "credit_by_channel",
           "campaign_view", "draw_campaign", "campaign_explorer"]


def _draw_response_and_uplift(view: CampaignView, ax) -> None:
    """Response of the contacted and of the control group as bars, the uplift (their
    difference) with its interval, and the true uplift, on one scale."""
    n = view.numbers
    rows = [f"contacted ({n.treated:.0f})", f"control group ({n.control:.0f})", "uplift estimate, 95% interval",
            "true uplift (synthetic truth)"]
    bar_collection(ax, [0, 1], [n.response_rate, n.control_response_rate], ["#2c7fb8", "#bdbdbd"], from_zero=False)
    # plain lines and markers: errorbar() and scatter() cost several times more per update
    ax.plot([n.uplift_low, n.uplift_high], [2, 2], color="black", marker="|", markersize=12)
    ax.plot([n.uplift], [2], color="black", marker="o")
    if not pd.isna(n.true_uplift):
        ax.plot([n.true_uplift], [3], color="tab:green", marker="D", zorder=3)
    ax.axvline(0, color="black", linewidth=0.8)
    shown = np.array([0, n.response_rate, n.control_response_rate, n.uplift_low, n.uplift_high, n.true_uplift], dtype=float)
    low, high = np.nanmin(shown), np.nanmax(shown)
    ax.set_xlim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    ax.set_yticks(range(4), rows)
    ax.invert_yaxis()
    ax.set(xlabel="share who bought in the window / extra chance of buying",
           title=f"Response {n.response_rate:.1%} vs {n.control_response_rate:.1%}: uplift {n.uplift:+.1%}")


def _draw_no_control(view: CampaignView, ax) -> None:
    n = view.numbers
    ax.axis("off")
    article = "an" if view.objective[0] in "aeiou" else "a"
    ax.text(0, 0.5, f"No control group: {article} {view.objective.replace('_', ' ')} campaign reaches\n"
            f"people who are not customers yet.\n\nCustomers won: {n.acquisitions:.0f}\n"
            f"Cost per acquisition: {n.cost_per_acquisition:,.0f}\nTheir first-year sales: {n.revenue:,.0f}",
            fontsize=10, va="center")


def _draw_credit(view: CampaignView, ax) -> None:
    credit = view.credit.sort_values("sales")
    colours = ["#e6550d" if c == view.channel else "#9ecae1" for c in credit.channel]
    positions = np.arange(len(credit))
    bar_collection(ax, positions, credit.sales.to_numpy(), colours)
    ax.set_yticks(positions, [c.replace("_", " ") for c in credit.channel])
    ax.set(xlabel="sales credited", title=f"{view.model}-touch credit, {view.window_days}-day window"
           if view.model != "linear" else f"linear credit, {view.window_days}-day window")


def draw_campaign(data: CampaignData, campaign_id: int, model: str = "last", window_days: int = 30,
                  ax=None) -> CampaignView:
    """Draw one campaign in two panels and return its :class:`CampaignView`.

    Left: response of the contacted members and of the control group, the uplift estimate
    (their difference) with its 95% interval, and the true uplift (synthetic truth).
    Right: the sales of the campaign's people during the campaign credited to each channel
    (the campaign's own channel in orange). A campaign without a control group shows its
    acquisitions instead.
    """
    view = data(campaign_id, model, window_days)
    axes = two_panels(ax, (13, 4), width_ratios=(1.2, 1.0))
    (_draw_response_and_uplift if view.has_control_group else _draw_no_control)(view, axes[0])
    _draw_credit(view, axes[1])
    n = view.numbers
    incremental = "" if pd.isna(n.incremental_roi) else f", incremental ROI {n.incremental_roi:+.0%}"
    axes[0].figure.suptitle(f"{view.name} ({view.channel.replace('_', ' ')}, {view.objective.replace('_', ' ')}): "
                            f"cost {n.cost:,.0f}, revenue {n.revenue:,.0f}, ROI {n.roi:+.0%}{incremental} "
                            "(synthetic data)", fontsize=10)
    return view


def campaign_explorer(world, campaign_id: int | None = None, model: str = "last", window_days: int = 30):
    """Choose a campaign, an attribution model and a window; see response, uplift, ROI and credit.

    ``widget.result`` is the current :class:`CampaignView`; the controls are
    ``campaign_id``, ``model`` and ``window_days``. Everything is computed once when the
    explorer is built (:func:`campaign_data`), so a change only reads and redraws.
    """
    import ipywidgets as widgets

    data = campaign_data(world)
    table = data.table
    if campaign_id is None:  # start with the campaign that contacted the most people
        campaign_id = int(table.sort_values(["treated", "campaign_id"], ascending=[False, True]).campaign_id.iloc[0])
    options = [(f"{row.campaign_id} · {row.name} ({row.channel})", int(row.campaign_id)) for row in table.itertuples()]

    def draw(ax, campaign_id, model, window_days):
        return draw_campaign(data, campaign_id, model, window_days, ax=ax)

    return explorer(draw, figsize=(13, 4),
                    campaign_id=widgets.Dropdown(options=options, value=campaign_id, description="campaign",
                                                 layout={"width": "32em"}),
                    model=widgets.ToggleButtons(options=[("first touch", "first"), ("last touch", "last"),
                                                         ("linear", "linear")], value=model, description="model"),
                    window_days=widgets.SelectionSlider(options=list(ATTRIBUTION_WINDOWS), value=window_days,
                                                        description="window (days)"))
