"""The relationship life cycle and the economics of retention, drawn, with two explorers.

The phases and stories are computed in :mod:`crmkit.analytics.lifecycle` (:func:`phase_counts`,
:func:`orders_by_phase`... imported here for the lesson) and the retention calculator in
:mod:`crmkit.analytics.retention_what_if`; this module draws one customer's story
(:func:`draw_customer_story`, :func:`customer_story_explorer`) and the calculator's three panels
(:func:`draw_retention_what_if`, :func:`retention_economics_explorer`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics._checks import check_choice
from crmkit.analytics.lifecycle import (  # noqa: F401  (the lesson reads these from here)
    PATHS, PHASES, CustomerHistories, CustomerStory, customer_paths, customer_story, orders_by_phase, phase_at,
    phase_counts,
)
from crmkit.analytics.retention import customer_base_projection
from crmkit.analytics.retention_what_if import retention_what_if
from crmkit.analytics.value import simple_clv
from crmkit.explore._base import explorer

# Only the explorers: the benchmark builds every name listed here as a widget.
__all__ = ["customer_story_explorer", "retention_economics_explorer"]

PHASE_COLOURS = {"awareness": "#d9d9d9", "exploration": "#9ecae1", "expansion": "#4292c6",
                 "commitment": "#08519c", "dissolution": "#fc9272"}


def draw_customer_story(story: CustomerStory, observed_until, holdout_until, ax=None):
    """A time line of one customer: a band per phase, a dot per order (its size the amount), a
    red cross per complaint, and the hold-out period shaded (what the CRM has not seen yet)."""
    from crmkit.plots._base import new_axes

    ax = new_axes(ax, (10, 2.8))
    end = pd.Timestamp(holdout_until) + pd.Timedelta(days=1)
    spans = story.phases.assign(ended_at=story.phases["ended_at"].fillna(end))
    for phase, rows in spans.groupby(spans["phase"].astype(str), sort=False):  # five phases at most
        ax.broken_barh(list(zip(rows["started_at"], rows["ended_at"] - rows["started_at"])), (0, 1),
                       color=PHASE_COLOURS[phase], label=phase)
    sizes = 15 + 150 * story.orders["net_amount"] / max(float(story.orders["net_amount"].max() or 1), 1)
    ax.scatter(story.orders["ordered_at"], np.full(len(story.orders), 1.5), s=sizes, color="black", label="order")
    ax.scatter(story.complaints["opened_at"], np.full(len(story.complaints), 1.9), marker="x", color="#cb181d",
               label="complaint")
    ax.axvspan(pd.Timestamp(observed_until) + pd.Timedelta(days=1), end, color="white", alpha=0.6, hatch="//", lw=0)
    ax.set(ylim=(-0.1, 2.2), yticks=[], xlim=(spans["started_at"].min() - pd.Timedelta(days=20), end),
           title=f"{story}\n(synthetic data; hatched: the hold-out year, after the CRM's observation window)")
    ax.legend(ncols=7, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    return ax


def customer_story_explorer(world, path: str = "reached commitment", number: int = 1):
    """Choose a kind of history and a customer of that kind; see their phases, orders and complaints.

    ``widget.result`` is the :class:`CustomerStory` shown. The kinds (:data:`PATHS`) are judged
    at the end of the observation window; ``number`` picks the n-th customer of the kind who
    ordered (counting round again past the last): :class:`CustomerHistories` of the world.
    """
    import ipywidgets as widgets

    histories = CustomerHistories.from_world(world)
    check_choice("path", path, histories.members)

    def draw(ax, path, number):
        story = histories(path, number)
        draw_customer_story(story, world.observed_until, world.holdout_until, ax=ax)
        return story

    return explorer(draw, figsize=(10, 2.8),
                    path=widgets.Dropdown(options=list(histories.members), value=path, description="history"),
                    number=widgets.IntSlider(value=number, min=1, max=30, description="customer no."))


# --- retention economics ------------------------------------------------------------------------------


def _panels(ax, n: int) -> list:
    """Split ``ax`` into ``n`` axes side by side (for a figure with several panels)."""
    figure, spec = ax.figure, ax.get_subplotspec()
    ax.remove()
    return [figure.add_subplot(cell) for cell in spec.subgridspec(1, n)]


def draw_retention_what_if(retention_rate: float = 0.6, acquisition_multiple: float = 5.0, margin: float = 50.0,
                           discount_rate: float = 0.1, ax=None, **options) -> pd.Series:
    """Draw :func:`retention_what_if` in three panels and return it: the value of a customer
    against the retention rate, what keeping or winning the same customers costs, and the
    customer base over ten periods."""
    from crmkit.plots._base import new_axes

    what_if = retention_what_if(retention_rate, acquisition_multiple, margin, discount_rate, **options)
    curve, costs, base = _panels(new_axes(ax, (12, 3.8)), 3)
    rates = np.linspace(0.05, 0.94, 60)
    curve.plot(rates, simple_clv(margin, rates, discount_rate), color="#2171b5")
    curve.plot([retention_rate, what_if["improved_rate"]], [what_if["clv_now"], what_if["clv_improved"]], "o",
               color="#cb181d")
    points = 100 * (what_if["improved_rate"] - retention_rate)
    curve.set(xlabel="retention rate per period", ylabel="value of a customer (CLV)",
              title=f"+{points:.0f} points: CLV {what_if['clv_change_pct']:+.0f}%")
    kept = int(round(what_if["customers_kept"]))
    costs.bar(["keep them", "win new ones"], [what_if["retention_spend"], what_if["acquisition_spend"]],
              color=["#41ab5d", "#fd8d3c"])
    costs.axhline(what_if["value_of_kept"], color="black", lw=1, ls="--", label="what they are worth")
    costs.set(ylabel="money", title=f"{kept} more customers (acquisition {acquisition_multiple:g}x)")
    costs.legend(fontsize=7, loc="upper left")
    options.setdefault("customers", 1000)
    inflow = options["customers"] * (1 - retention_rate)
    for rate, colour in ((retention_rate, "#969696"), (what_if["improved_rate"], "#2171b5")):
        grown = customer_base_projection(inflow, rate, 10, options["customers"])
        base.plot(grown["period"], grown["customers"], marker="o", ms=3, color=colour, label=f"retention {rate:.0%}")
    base.set(xlabel="period", ylabel="customers", title="Customer base, same new customers")
    base.legend(fontsize=7)
    return what_if


def retention_economics_explorer(retention_rate: float = 0.6, acquisition_multiple: float = 5.0, margin: float = 50.0,
                                 discount_rate: float = 0.1):
    """Sliders for the retention rate, the acquisition cost multiple, the margin per customer per
    period and the discount rate; ``widget.result`` is :func:`retention_what_if` at those values."""
    import ipywidgets as widgets

    def draw(ax, retention_rate, acquisition_multiple, margin, discount_rate):
        return draw_retention_what_if(retention_rate, acquisition_multiple, margin, discount_rate, ax=ax)

    slider = {"continuous_update": False, "style": {"description_width": "initial"}}
    return explorer(draw, figsize=(12, 3.8),
                    retention_rate=widgets.FloatSlider(value=retention_rate, min=0.3, max=0.9, step=0.01,
                                                       description="retention rate", **slider),
                    acquisition_multiple=widgets.FloatSlider(value=acquisition_multiple, min=1, max=30, step=1,
                                                             description="acquisition cost multiple", **slider),
                    margin=widgets.FloatSlider(value=margin, min=10, max=500, step=10, description="margin", **slider),
                    discount_rate=widgets.FloatSlider(value=discount_rate, min=0, max=0.3, step=0.01,
                                                      description="discount rate", **slider))
