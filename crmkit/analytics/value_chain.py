"""The figures that Buttle's CRM value chain and Gartner's eight building blocks quote about a world.

:func:`value_chain_figures` gathers them, computed once, from the kit's analyses
(profitability, revenue concentration, NPS, touchpoints, campaign uplift, repeat rate) and
:func:`profile_completeness`; :mod:`crmkit.explore.value_chain` writes them into sentences.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.profitability import cost_to_serve_concentration, customer_profitability, profitability_summary
from crmkit.analytics.retention import repeat_rate
from crmkit.analytics.value import revenue_concentration

__all__ = ["profile_completeness", "value_chain_figures"]


def profile_completeness(customers: pd.DataFrame, fields=("email", "phone", "birth_year")) -> float:
    """Share of customer records in which every one of ``fields`` is filled in.

    >>> customers = pd.DataFrame({"email": ["a@x.org", None, "c@x.org"], "phone": ["555", "555", None],
    ...                           "birth_year": [1980, 1990, 1970]})
    >>> round(profile_completeness(customers), 3)
    0.333
    """
    require_columns(customers, list(fields), "customers")
    return float(customers[list(fields)].notna().all(axis=1).mean())


def value_chain_figures(world) -> dict:
    """Every figure that Buttle's value chain and Gartner's building blocks quote about ``world``.

    Returns a dict: ``unprofitable`` (share of buyers), ``buyers``, ``top20_revenue`` (the top
    20% of buyers' share of revenue), ``cost_magnets`` (:func:`cost_to_serve_concentration`),
    ``nps``, ``several_channels`` (share of orders after contacts on two or more channels),
    ``leads``, ``converted`` (share of leads), ``complete`` (:func:`profile_completeness`),
    ``members`` (share of loyalty members), ``records``, ``systems``, ``customers``, ``year``
    (the last observed), ``repeat`` (:func:`crmkit.analytics.repeat_rate` of that year),
    ``partners``, ``partner_kinds``, ``beat_control`` and ``with_control`` (campaigns).
    """
    from crmkit.analytics import campaign_uplift, nps, order_touchpoints
    from crmkit.analytics.crm_types import channels_before_orders

    profit = profitability_summary(customer_profitability(world.customer_costs))
    uplift = campaign_uplift(world.campaign_members)
    records = world.source_records
    return {
        "unprofitable": profit["unprofitable_share"], "buyers": int(profit["customers"]),
        "top20_revenue": revenue_concentration(world.orders, shares=(0.2,)).iloc[0],
        "cost_magnets": cost_to_serve_concentration(world.customer_costs),
        "nps": float(nps(world.surveys)["nps"].iloc[0]),
        "several_channels": float((channels_before_orders(order_touchpoints(world.interactions, world.orders),
                                                          world.orders)["channels"] >= 2).mean()),
        "leads": len(world.leads), "converted": float((world.leads["status"] == "converted").mean()),
        "complete": profile_completeness(world.customers),
        "members": float((world.customers["loyalty_tier"].astype(str) != "none").mean()),
        "records": len(records), "systems": records["source_system"].nunique(), "customers": len(world.customers),
        "year": world.observed_until.year, "repeat": repeat_rate(world.orders, world.observed_until.year),
        "partners": len(world.partners), "partner_kinds": ", ".join(world.partners["kind"].astype(str)),
        "beat_control": int((uplift["uplift"] > 0).sum()), "with_control": len(uplift),
    }
