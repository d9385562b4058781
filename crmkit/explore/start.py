"""The start-here explorer: a first widget over a world's orders."""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from crmkit.plots.orders import monthly_counts

__all__ = ["orders_explorer"]

SPLITS = ("channel", "campaign", "service_issue")


def _orders_with_splits(orders: pd.DataFrame) -> pd.DataFrame:
    campaign = orders["campaign_id"].notna().map({True: "campaign offer", False: "no offer"})
    return orders.assign(campaign=campaign)


def draw_monthly(counts: pd.DataFrame, by: str, year: str = "all", ax=None) -> pd.DataFrame:
    """Draw precomputed monthly counts (from :func:`monthly_counts`) of one split, for one
    year or all; return the rows drawn (``month``, ``by``, ``rows``)."""
    from crmkit.plots._base import new_axes

    shown = counts if year == "all" else counts[counts["month"].dt.year == int(year)]
    ax = new_axes(ax, (9, 3.6))
    sns.lineplot(data=shown, x="month", y="rows", hue=by, marker="o", markersize=3, ax=ax)
    ax.set(xlabel="month", ylabel="orders per month", title=f"Orders per month by {by} (synthetic data)")
    ax.set_ylim(bottom=0)
    return shown.reset_index(drop=True)


def orders_explorer(world):
    """Orders per month, split by channel, campaign offer or service issue, for one year or all.

    ``widget.result`` is the table drawn: one row per month and value of the split.
    """
    import ipywidgets as widgets

    from crmkit.explore._base import explorer

    orders = _orders_with_splits(world.orders)
    counts = {by: monthly_counts(orders, "ordered_at", by) for by in SPLITS}  # once, not per update
    years = ["all", *map(str, sorted(orders["ordered_at"].dt.year.unique()))]
    return explorer(lambda ax, by, year: draw_monthly(counts[by], by, year, ax=ax),
                    by=widgets.Dropdown(options=SPLITS, value="channel", description="split by"),
                    year=widgets.Dropdown(options=years, value="all", description="year"))
