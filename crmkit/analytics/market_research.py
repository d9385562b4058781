"""Market research: the firm's own (internal) data set against an external market source.

The CRM counts the firm's buyers and revenue exactly; it cannot see the market they are part
of. An external source gives the market: a census count of households per region and a panel
that samples households for their spend in the category (see :func:`crmkit.world.market.market_panel`,
a synthetic one). Joining the two gives, per region,

- **penetration**: the share of the region's households that bought from the firm in the year
  (internal buyers over the census count: no sampling error, both are full counts);
- **market share** (by value): the firm's revenue over the market's spend, which is the
  census households times the panel's mean spend: the panel is a sample, so the share is an
  interval, not a number;
- **headroom**: where the share is lowest, and what the firm would gain at its best region's share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError

__all__ = ["internal_by_region", "panel_spend_interval", "market_shares", "headroom"]

PANEL_NEEDS = ("region", "households", "panel_households", "panel_mean_spend", "panel_sd_spend")


def _panel_table(panel) -> pd.DataFrame:
    """A panel's table (a :class:`~crmkit.world.market.MarketPanel` or its table), indexed by region."""
    table = getattr(panel, "table", panel)
    if not isinstance(table, pd.DataFrame):
        raise DataError(f"panel: expected a MarketPanel or its table (a DataFrame), got {type(panel).__name__}")
    require_columns(table, PANEL_NEEDS, "panel")
    return table.assign(region=table["region"].astype(str)).set_index("region")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise DataError(f"confidence = {confidence!r}: must be between 0 and 1 (e.g. 0.95)")


def internal_by_region(customers: pd.DataFrame, orders: pd.DataFrame, year: int) -> pd.DataFrame:
    """The firm's own figures per region for one calendar year: buyers and revenue.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id`` and ``region``.
    orders : pandas.DataFrame
        ``customer_id``, ``ordered_at`` and ``net_amount``.
    year : int
        The calendar year of the orders counted.

    Returns
    -------
    pandas.DataFrame
        Indexed by region (every region of ``customers``): ``buyers`` (distinct customers with an
        order in the year) and ``revenue`` (their orders' ``net_amount``).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["N", "N", "S"]})
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 3], "net_amount": [5.0, 7.0, 4.0],
    ...                        "ordered_at": pd.to_datetime(["2025-02-01", "2025-03-01", "2024-05-01"])})
    >>> internal_by_region(customers, orders, 2025)  # doctest: +NORMALIZE_WHITESPACE
            buyers  revenue
    region                 
    N            1     12.0
    S            0      0.0
    """
    require_columns(customers, ["customer_id", "region"], "customers")
    require_columns(orders, ["customer_id", "ordered_at", "net_amount"], "orders")
    region = customers.set_index("customer_id")["region"].astype(str)
    in_year = orders[orders["ordered_at"].dt.year == year]
    where = in_year["customer_id"].map(region).to_numpy()
    regions = pd.Index(sorted(region.unique()), name="region")
    return pd.DataFrame({
        "buyers": in_year["customer_id"].groupby(where).nunique().reindex(regions, fill_value=0),
        "revenue": in_year["net_amount"].groupby(where).sum().reindex(regions, fill_value=0.0),
    })


def panel_spend_interval(panel, confidence: float = 0.95) -> pd.DataFrame:
    """The panel's mean spend per household, with its sampling error, per region.

    A panel is a sample: its mean spend is an estimate whose standard error is the spread of
    the households' spend over the square root of the sample size. The interval uses Student's
    t with ``n - 1`` degrees of freedom.

    Parameters
    ----------
    panel : MarketPanel or pandas.DataFrame
        The panel (columns ``region``, ``households``, ``panel_households``,
        ``panel_mean_spend``, ``panel_sd_spend``).
    confidence : float
        The interval's confidence, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        Indexed by region: ``n``, ``mean_spend``, ``standard_error``, ``low``, ``high``.

    Examples
    --------
    >>> panel = pd.DataFrame({"region": ["N"], "households": [1000], "panel_households": [100],
    ...                       "panel_mean_spend": [50.0], "panel_sd_spend": [20.0]})
    >>> panel_spend_interval(panel).round(2)  # doctest: +NORMALIZE_WHITESPACE
              n  mean_spend  standard_error    low   high
    region                                              
    N       100        50.0             2.0  46.03  53.97
    """
    _check_confidence(confidence)
    table = _panel_table(panel)
    n = table["panel_households"].astype(float)
    error = table["panel_sd_spend"] / np.sqrt(n)
    half = student_t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)) * error
    return pd.DataFrame({"n": table["panel_households"], "mean_spend": table["panel_mean_spend"],
                         "standard_error": error, "low": table["panel_mean_spend"] - half,
                         "high": table["panel_mean_spend"] + half})


def market_shares(panel, customers: pd.DataFrame, orders: pd.DataFrame, confidence: float = 0.95,
                  year: int | None = None) -> pd.DataFrame:
    """Penetration and market share per region: internal figures over the external market.

    Parameters
    ----------
    panel : MarketPanel or pandas.DataFrame
        The external source (a :class:`~crmkit.world.market.MarketPanel` or its table).
    customers, orders : pandas.DataFrame
        The firm's own data (see :func:`internal_by_region`).
    confidence : float
        The confidence of the share's interval.
    year : int, optional
        The year of the orders; by default the panel's ``year`` (required for a bare table).

    Returns
    -------
    pandas.DataFrame
        Indexed by the panel's regions: ``households``, ``buyers``, ``penetration`` (buyers over
        households), ``revenue``, ``market_spend`` (households times the panel's mean spend) with
        ``market_spend_low`` and ``market_spend_high``, and ``share`` (revenue over market spend)
        with ``share_low`` and ``share_high`` (the market's interval turned over; ``inf`` when the
        panel's interval reaches zero spend).
    """
    year = getattr(panel, "year", None) if year is None else year
    if year is None:
        raise DataError("year: a panel table without its year needs year=... (the year of its survey)")
    spend = panel_spend_interval(panel, confidence)
    households = _panel_table(panel)["households"]
    internal = internal_by_region(customers, orders, year).reindex(households.index, fill_value=0)
    table = pd.DataFrame({"households": households, "buyers": internal["buyers"],
                          "penetration": internal["buyers"] / households, "revenue": internal["revenue"]})
    for column, mean in (("market_spend", "mean_spend"), ("market_spend_low", "low"), ("market_spend_high", "high")):
        table[column] = households * spend[mean]
    table["share"] = table["revenue"] / table["market_spend"]
    table["share_low"] = table["revenue"] / table["market_spend_high"]
    table["share_high"] = (table["revenue"] / table["market_spend_low"]).where(table["market_spend_low"] > 0, np.inf)
    return table


def headroom(shares: pd.DataFrame) -> pd.DataFrame:
    """Where the firm's market share is lowest, and what it would gain at its best region's share.

    Parameters
    ----------
    shares : pandas.DataFrame
        The result of :func:`market_shares`.

    Returns
    -------
    pandas.DataFrame
        The regions from the lowest share to the highest: ``share``, ``share_low``, ``share_high``,
        ``untapped_spend`` (the market's spend the firm does not take), ``gain_at_best_share``
        (extra revenue at the best region's share) and ``behind_best`` (True when the region's
        whole interval lies below the best region's: the panel can tell them apart).

    Examples
    --------
    >>> shares = pd.DataFrame({"share": [0.02, 0.05], "share_low": [0.015, 0.04], "share_high": [0.025, 0.06],
    ...                        "revenue": [20.0, 50.0], "market_spend": [1000.0, 1000.0]}, index=["N", "S"])
    >>> headroom(shares)[["gain_at_best_share", "behind_best"]]
       gain_at_best_share  behind_best
    N                30.0         True
    S                 0.0        False
    """
    require_columns(shares, ["share", "share_low", "share_high", "revenue", "market_spend"], "shares")
    best = shares["share"].idxmax()
    table = shares[["share", "share_low", "share_high"]].assign(
        untapped_spend=shares["market_spend"] - shares["revenue"],
        gain_at_best_share=(shares.loc[best, "share"] - shares["share"]) * shares["market_spend"],
        behind_best=shares["share_high"] < shares.loc[best, "share_low"])
    return table.sort_values("share")
