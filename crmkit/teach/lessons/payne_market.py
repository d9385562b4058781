"""Exercises on market research with internal and external data (lesson 05, information management).

The learner joins the firm's own orders (internal) with the world's synthetic market panel
(external, :func:`crmkit.world.market.market_panel`): the market share by value per region, then
the panel's sampling error as an interval on the share of the region with the most headroom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.teach import Exercise, Mistake
from crmkit.world.market import market_panel

__all__ = ["MARKET_SHARE", "SHARE_INTERVAL"]

Z95 = 1.96  # the normal approximation's 95 % quantile, as the question gives it to the learner


def _panel(w) -> pd.DataFrame:
    return market_panel(w).table.set_index("region")


def _revenue(w, same_year: bool = True) -> pd.Series:
    orders = w.orders[w.orders["ordered_at"].dt.year == w.observed_until.year] if same_year else w.orders
    region = w.customers.set_index("customer_id")["region"].astype(str)
    return orders["net_amount"].groupby(orders["customer_id"].map(region).to_numpy()).sum()


def _buyers(w) -> pd.Series:
    orders = w.orders[w.orders["ordered_at"].dt.year == w.observed_until.year]
    region = w.customers.set_index("customer_id")["region"].astype(str)
    return orders["customer_id"].groupby(orders["customer_id"].map(region).to_numpy()).nunique()


def _share(w, revenue: pd.Series | None = None, households: str = "households") -> pd.Series:
    panel = _panel(w)
    revenue = _revenue(w) if revenue is None else revenue
    return (revenue.reindex(panel.index, fill_value=0.0) / (panel[households] * panel["panel_mean_spend"])).rename(
        "share")


def market_share_by_region(w) -> pd.Series:
    return _share(w)


MARKET_SHARE = Exercise(
    "market_share_by_region",
    "Market research joins internal and external data: the firm's **market share by value** in each region, for "
    "the panel's year (`panel.year`, the last observed year). Internal: the firm's revenue, the `net_amount` of "
    "the orders of that year by the customer's region. External: the market's spend, the census `households` "
    "times the panel's `panel_mean_spend`. Give a Series indexed by region, shares between 0 and 1.",
    reference=market_share_by_region,
    mistakes=[
        Mistake("penetration", "You divided buyers by households: that is the firm's penetration (the share of "
                "households that bought from it). The market share by value divides revenue by the market's spend.",
                answer=lambda w: (_buyers(w).reindex(_panel(w).index, fill_value=0) / _panel(w)["households"])),
        Mistake("per_household", "You divided the revenue by the households only: that is the firm's revenue per "
                "household of the market. Divide by the market's spend, households times the panel's mean spend.",
                answer=lambda w: _revenue(w).reindex(_panel(w).index, fill_value=0.0) / _panel(w)["households"]),
        Mistake("panel_size", "You scaled the panel's mean spend by the panel's own households: the panel is a "
                "sample. The market is the census count of households (`households`) times the mean spend.",
                answer=lambda w: _share(w, households="panel_households")),
        Mistake("all_years", "You took the revenue of every year; the panel reports one year. Keep the orders of "
                "the panel's year first.", answer=lambda w: _share(w, _revenue(w, same_year=False))),
        Mistake("percent", "Right figures, wrong unit: give shares between 0 and 1, not percentages.",
                answer=lambda w: 100 * _share(w)),
    ],
    hint="map each order to its customer's region, sum net_amount per region, then divide by "
         "households * panel_mean_spend of the same region.")


def _lowest(w) -> str:
    return str(market_share_by_region(w).idxmin())


def _interval(w, error: str = "se", z: float = Z95) -> pd.Series:
    """The share's interval in the lowest-share region: the panel's mean spend +/- z standard errors,
    turned into shares (the lower share from the higher spend). Computed as a learner would, with no
    guard for a spend interval reaching below zero: only the too-wide ``"sd"`` mistake gets there."""
    row, region = _panel(w).loc[_lowest(w)], _lowest(w)
    n = {"se": row["panel_households"], "sd": 1, "census": row["households"]}[error]
    half = z * row["panel_sd_spend"] / np.sqrt(n)
    revenue = _revenue(w).get(region, 0.0)
    spend_low, spend_high = row["households"] * (row["panel_mean_spend"] - half), row["households"] * (
        row["panel_mean_spend"] + half)
    return pd.Series({"low": revenue / spend_high, "high": revenue / spend_low})


def share_interval(w) -> pd.Series:
    return _interval(w)


def _spend_interval(w) -> pd.Series:
    row = _panel(w).loc[_lowest(w)]
    half = Z95 * row["panel_sd_spend"] / np.sqrt(row["panel_households"])
    return pd.Series({"low": row["panel_mean_spend"] - half, "high": row["panel_mean_spend"] + half})


SHARE_INTERVAL = Exercise(
    "share_interval",
    "A panel is a sample, so the market share is an interval. In the region where your share is **lowest** (the "
    "most headroom), give the 95 % interval of the share: the panel's mean spend plus or minus 1.96 standard "
    "errors (the standard error is `panel_sd_spend` over the square root of `panel_households`), each end turned "
    "into a share as above. Give a Series with the index `low`, `high`.",
    reference=share_interval,
    rtol=0.01, mistake_rtol=0.01,  # Student's t (the kit's market_shares) differs from 1.96 in the third digit
    mistakes=[
        Mistake("sd_not_se", "Your interval is far too wide: you used the households' standard deviation. The "
                "sampling error of a mean is the standard deviation over the square root of the panel's size.",
                answer=lambda w: _interval(w, error="sd")),
        Mistake("census_size", "Your interval is far too narrow: you divided by the square root of the census "
                "households, but only the panel's households were sampled (`panel_households`).",
                answer=lambda w: _interval(w, error="census")),
        Mistake("spend_not_share", "That is the interval of the panel's mean spend per household. Turn each end into "
                "a share: revenue over households times that spend (the higher spend gives the lower share).",
                answer=_spend_interval),
        Mistake("ends_swapped", "Your ends are swapped: the higher market spend gives the lower share.",
                answer=lambda w: pd.Series({"low": _interval(w)["high"], "high": _interval(w)["low"]})),
    ],
    hint="first find the region with the lowest share (your previous answer's idxmin()).")
