"""IDIC on a world, and a targeting what-if: whom to contact, through which channel, with what offer.

The four IDIC steps each have their analyses in ``crmkit.analytics`` (identity resolution;
value and segments; campaigns against a control group; recommendations). The step that joins
them is simulated in :mod:`crmkit.analytics.targeting` (:class:`IdicData`, built once from a
world and called with a target group, a channel and an offer); this module draws the result
against its control group (:func:`draw_targeting`) and wires the widget (:func:`targeting_explorer`).
"""

from __future__ import annotations

from crmkit.analytics.targeting import (
    CHANNELS, DISCOUNT_LIFT, OFFERS, WINDOW_DAYS, IdicData, TargetingResult, idic_data, simulate_targeting,
)
from crmkit.explore._base import explorer

__all__ = ["CHANNELS", "OFFERS", "DISCOUNT_LIFT", "WINDOW_DAYS", "IdicData", "idic_data", "TargetingResult",
           "simulate_targeting", "draw_targeting", "targeting_explorer"]


def draw_targeting(data: IdicData, target: str = "everyone", channel: str = "email", offer: str = "recommended",
                   discount: float = 0.1, control_share: float = 0.2, ax=None) -> TargetingResult:
    """Bars of the response of the contacted group and of the control group (95% intervals),
    with the measured and true uplift and profit; returns the :class:`TargetingResult`."""
    from crmkit.plots._base import new_axes

    result = data(target, channel, offer, discount, control_share)
    ax = new_axes(ax, (8, 4))
    rates = [result.treated_rate, result.control_rate]
    sizes = [result.treated, result.control]
    errors = list(result.response_errors())
    ax.bar([f"contacted\n({sizes[0]:,})", f"control group\n({sizes[1]:,})"], rates, yerr=errors, capsize=6,
           color=["#08519c", "#bdbdbd"], width=0.55)
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.set_ylim(0, max(0.05, max(rates) + max(errors)) * 1.35)
    ax.set(ylabel=f"bought within {WINDOW_DAYS} days",
           title=f"{target} by {CHANNELS[channel][0]}: {OFFERS[offer]}, {discount:.0%} off (simulated, synthetic data)")
    ax.title.set_fontsize(9)
    interval = f"(95%: {result.uplift_low:+.1%} to {result.uplift_high:+.1%})"
    ax.text(0.98, 0.97, f"measured uplift {result.uplift:+.1%}\n{interval}\n"
            f"true uplift {result.true_uplift:+.1%}\nprofit vs control {result.incremental_profit:,.0f}\n"
            f"expected from truth {result.true_incremental_profit:,.0f}",
            transform=ax.transAxes, ha="right", va="top", fontsize=8, bbox={"fc": "white", "ec": "grey"})
    return result


def targeting_explorer(world, target: str = "everyone", channel: str = "email", offer: str = "recommended",
                       discount: float = 0.1, seed: int = 0):
    """Choose whom to target, through which channel and with what offer; see the result
    against a randomised control group.

    Everything is computed once (:func:`idic_data`); a change only re-adds a few arrays.
    ``widget.result`` is the current :class:`TargetingResult`; controls ``target``,
    ``channel``, ``offer`` and ``discount``.
    """
    import ipywidgets as widgets

    data = idic_data(world, seed=seed)

    def draw(ax, target, channel, offer, discount):
        return draw_targeting(data, target, channel, offer, discount, ax=ax)

    sizes = data.group_sizes()
    widget = explorer(draw, figsize=(8, 4),
                      target=widgets.Dropdown(options=[(f"{name} ({sizes[name]:,})", name) for name in data.groups],
                                              value=target, description="target", layout={"width": "28em"}),
                      channel=widgets.ToggleButtons(options=[(label, key) for key, (label, _) in CHANNELS.items()],
                                                    value=channel, description="channel"),
                      offer=widgets.ToggleButtons(options=[(label, key) for key, label in OFFERS.items()],
                                                  value=offer, description="offer", style={"button_width": "16em"}),
                      discount=widgets.SelectionSlider(options=[(f"{d:.0%}", d) for d in (0.0, 0.1, 0.2, 0.3)],
                                                       value=discount, description="discount"))
    widget.data = data  # the precomputed data, for the next cell and the tests
    return widget
