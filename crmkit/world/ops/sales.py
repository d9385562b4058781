"""The sales pipeline: leads that become customers (or not), deals that move through stages,
and the calls, emails, meetings and tasks staff log on both.

Converted leads are some of the world's customers: a share of the customers won through a
source arrived as a lead of that source days or weeks before signing up; the other leads of
each source are prospects who never converted, so many that the source converts at its
configured rate. Conversion is proportional to a hidden lead quality. Deals are opened by
the customers of chosen personas while their relationship is alive and move through the
kit's canonical stages; a deal at a stage is won with that stage's canonical probability, so
a weighted pipeline forecasts what will be won (the kit's map is calibrated to this company).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["simulate", "check"]

_STAFF: dict[tuple, pd.DataFrame] = {}  # staff tables by what they depend on (configs are unhashable)


def _staff(config) -> pd.DataFrame:
    from crmkit.world.ops.staff import tables

    words = config.words.geography.model_dump_json() if config.words else ""  # staff names and regions
    key = (config.seed, config.calendar.start_date, config.staff.model_dump_json(), words)
    if key not in _STAFF:
        _STAFF.clear()  # keep one: a process makes one world at a time
        _STAFF[key] = tables(config)["staff"]
    return _STAFF[key]


def simulate(context) -> dict[str, pd.DataFrame]:
    """The block's leads, deals, their histories, activities and truth (local ids, ``_customer``).

    Returns nothing when the config has no ``sales`` section.
    """
    from crmkit.world.ops.sales_activities import build_activities
    from crmkit.world.ops.sales_deals import build_deals
    from crmkit.world.ops.sales_leads import build_leads

    config = context.config
    if config.sales is None:
        return {}
    staff = _staff(config)
    leads = build_leads(context, staff)
    deals = build_deals(context, staff)
    out = {**leads.tables, **deals.tables}
    out["activities"] = build_activities(context, leads, deals)
    return out


def check(world) -> list[str]:
    """Breaches of the sales pipeline's consistency rules, in words."""
    from crmkit.world.ops.sales_checks import sales_problems

    return sales_problems(world)
