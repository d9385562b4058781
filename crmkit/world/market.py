"""The market a world's customers are part of: a synthetic external source for market research.

A CRM holds *internal* data: the firm's own customers and what they bought. Market research
adds *external* data about everyone else. This module gives a world a synthetic market,
consistent with it, and a census-style market panel that reports on it:

- :func:`market_truth` is the market itself, per region: how many households it has (the
  firm's customers are a part of them: a region's households are its customers divided by a
  region's customer share) and their true mean yearly spend in the category;
- :func:`market_panel` is what a researcher buys: the census count of households per region
  (a full count) and, from a **sample** of households, their mean yearly spend in the category
  and its spread (a sample, so with sampling error).

Both are functions of the world, not tables saved with it: the market is drawn from child
generators of the world's seed (keyed ``"market"`` and ``"market_panel"``), so no table of the
world moves, and the same world always has the same market. The numbers that shape the market
(customer share, spend, panel size, spread) are in ``data/parameters.yaml`` under ``market``.
Everything here is **synthetic**: no real market, census or panel is described.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from crmkit._random import SeedLike, child_generator, master_entropy
from crmkit.world.parameters import parameter

__all__ = ["MarketPanel", "market_truth", "market_panel", "PANEL_COLUMNS"]

#: What each column of a market panel's table means (each says it is synthetic).
PANEL_COLUMNS = MappingProxyType({
    "region": "The synthetic world's sales region (customers.region).",
    "households": "Synthetic census count: every household of the region's market for the category, "
                  "the firm's customers among them. A full count, not a sample.",
    "panel_households": "Synthetic panel: how many households of the region the panel sampled.",
    "panel_mean_spend": "Synthetic panel: the sampled households' mean spend in the category over the "
                        "year (at every firm, not only this one), in the world's currency.",
    "panel_sd_spend": "Synthetic panel: the standard deviation of the sampled households' spend "
                      "(n - 1 in the denominator), for the sampling error of the mean.",
})


@dataclass(frozen=True)
class MarketPanel:
    """A synthetic market panel of one world and one year.

    Attributes
    ----------
    year : int
        The calendar year the panel reports on (the world's last observed year).
    table : pandas.DataFrame
        One row per region, the columns of :data:`PANEL_COLUMNS`.
    columns : mapping
        What each column means (:data:`PANEL_COLUMNS`); every figure is labelled synthetic.
    """

    year: int
    table: pd.DataFrame

    @property
    def columns(self) -> MappingProxyType:
        """What each column of ``table`` means."""
        return PANEL_COLUMNS

    def describe(self) -> pd.DataFrame:
        """The columns and what each means, as a table."""
        return pd.DataFrame({"column": list(self.columns), "description": list(self.columns.values())})

    def __repr__(self) -> str:
        return (f"<MarketPanel (synthetic) {self.year}: {len(self.table)} regions, "
                f"{int(self.table['households'].sum()):,} households, "
                f"{int(self.table['panel_households'].sum()):,} in the panel>")


def _entropy(world, seed: SeedLike | None) -> int:
    return master_entropy(world.config.seed if seed is None else seed)


def _internal(world) -> pd.DataFrame:
    """Per region: the customers known by the end of the last observed year and that year's revenue."""
    end = world.observed_until
    known = world.customers[world.customers["signup_date"] <= end]
    orders = world.orders[world.orders["ordered_at"].dt.year == end.year]
    region = known.set_index("customer_id")["region"].astype(str)
    revenue = orders["net_amount"].groupby(orders["customer_id"].map(region).to_numpy()).sum()
    table = region.value_counts().rename("customers").sort_index().to_frame()
    return table.assign(revenue=revenue.reindex(table.index).fillna(0.0).to_numpy()).rename_axis("region")


def _region_draws(entropy: int, regions: pd.Index) -> np.ndarray:
    """Two standard normal draws per region (customer share, spend), each region from its own
    child generator: adding a region does not move the others' draws."""
    return np.array([child_generator(entropy, "market", region).standard_normal(2) for region in regions])


def market_truth(world, seed: SeedLike | None = None) -> pd.DataFrame:
    """The true synthetic market of a world, per region, in its last observed year.

    Parameters
    ----------
    world : crmkit.World
        Any world (or a lesson's view of one): reads ``customers``, ``orders``,
        ``observed_until`` and ``config.seed``.
    seed : int or numpy.random.Generator, optional
        The market's seed; by default the world's own, so a world always has the same market.

    Returns
    -------
    pandas.DataFrame
        Indexed by region (the regions with customers): ``customers`` (known by the year's end),
        ``revenue`` (the firm's net revenue in the year), ``customer_share`` (the true share of
        the region's households that are customers), ``households``, ``mean_spend`` (a household's
        true mean yearly spend in the category), ``market_spend`` (households times mean spend)
        and ``value_share`` (revenue over market spend: the firm's true market share).

    Examples
    --------
    >>> import crmkit as ck
    >>> truth = market_truth(ck.simulate("retailer", customers=300, seed=1, progress=False))
    >>> bool((truth["households"] >= truth["customers"]).all() and (truth["value_share"] < 1).all())
    True
    """
    entropy = _entropy(world, seed)
    table = _internal(world)
    draws = _region_draws(entropy, table.index)
    share = np.minimum(parameter("market", "customer_share")
                       * np.exp(parameter("market", "customer_share_spread") * draws[:, 0]), 1.0)
    per_customer = table["revenue"].sum() / table["customers"].sum()
    spend = (parameter("market", "spend_ratio") * per_customer
             * np.exp(parameter("market", "spend_spread") * draws[:, 1]))
    households = np.maximum(np.round(table["customers"].to_numpy() / share), table["customers"].to_numpy())
    table = table.assign(customer_share=share, households=households.astype("int64"), mean_spend=spend)
    table["market_spend"] = table["households"] * table["mean_spend"]
    table["value_share"] = table["revenue"] / table["market_spend"]
    return table


def market_panel(world, seed: SeedLike | None = None) -> MarketPanel:
    """A synthetic census-style market panel of a world's market, for its last observed year.

    The census gives every region's households (a full count). The panel samples households
    from the whole market (each region in proportion to its households) and reports their mean
    yearly spend in the category and its standard deviation: a sample, so the mean carries
    sampling error, and another panel seed gives another sample of the same market.

    Parameters
    ----------
    world : crmkit.World
        The world whose market is sampled (see :func:`market_truth`).
    seed : int or numpy.random.Generator, optional
        The panel's sample; by default drawn from the world's own seed (child key
        ``"market_panel"``), so a world always comes with the same panel.

    Returns
    -------
    MarketPanel
        ``.table`` per region with the columns of :data:`PANEL_COLUMNS`; ``.columns`` says what
        each means.

    Examples
    --------
    >>> import crmkit as ck
    >>> panel = market_panel(ck.simulate("retailer", customers=300, seed=1, progress=False))
    >>> list(panel.table.columns) == list(PANEL_COLUMNS)
    True
    """
    truth = market_truth(world)  # the market is the world's; only the sample follows ``seed``
    rng = child_generator(_entropy(world, seed), "market_panel")
    households = truth["households"].to_numpy()
    sampled = rng.multinomial(parameter("market", "panel_households"), households / households.sum())
    shape = 1.0 / parameter("market", "spend_cv") ** 2  # gamma: cv = 1 / sqrt(shape)
    spends = [rng.gamma(shape, mean / shape, size=n) for mean, n in zip(truth["mean_spend"], sampled)]
    table = pd.DataFrame({
        "region": truth.index.to_numpy(),
        "households": households,
        "panel_households": sampled.astype("int64"),
        "panel_mean_spend": [s.mean() if len(s) else np.nan for s in spends],
        "panel_sd_spend": [s.std(ddof=1) if len(s) > 1 else np.nan for s in spends],
    })
    return MarketPanel(year=int(world.observed_until.year), table=table)
