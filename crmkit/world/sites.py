"""Sites: the places where a case's visits happen, as data.

A case may declare ``sites:`` in its ``world.yaml``: its places, each with a weight, and
how customers use them. Each customer has a home site, drawn once by weight; an order
placed through one of the section's ``channels`` (every channel when it names none)
happens at a site: the home one, or, with probability ``away_share``, another one drawn
by weight among the rest. With ``arrival``, each such order also has an on-site
touchpoint at its site at the moment the visit starts (the kind of touchpoint is the
case's, e.g. signing in at a reception desk). A world whose case
declares no sites has no site anywhere: its ``sites`` table is empty, ``orders.site_id``
is empty, and no random number is drawn for sites, so its other tables do not move.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from crmkit.world.codes import codes_of
from crmkit.world.sections import Number, Remark, Section, Weight

Label = Annotated[str, Field(min_length=1, max_length=80)]


class Site(Section):
    """One place of the case (its name and town are the case's, invented unless a source is cited)."""

    name: Label
    city: Label
    kind: Label = Field(description="One of the section's kinds (the case's own labels).")
    weight: Weight = Field(description="How many of the customers call it home, relative to the others.")


class Arrival(Section):
    """The touchpoint of arriving at a site for a visit."""

    remark: Remark
    # Both are codes of the world's own lists, checked with them (crmkit.world.channel_codes).
    kind: str = Field(description="The interaction kind recorded (the world's codes.interaction_kind).")
    channel: str = Field(description="The touchpoint's channel (the world's codes.channel).")


class Sites(Section):
    """Where a case's visits happen and how its customers use its places."""

    remark: Remark
    kinds: list[Label] = Field(min_length=1, max_length=20, description="The case's own labels of its kinds of site.")
    channels: list[str] | None = Field(None, description="Order channels whose orders happen at a site (all when omitted).")
    # Past nine in ten visits away from home, a home site no longer means anything.
    away_share: Annotated[Number, Field(ge=0, le=0.9)] = Field(description="Share of visits at a site other than the customer's home one.")
    arrival: Arrival | None = None
    items: list[Site] = Field(min_length=1, max_length=500)  # a national grocer has a few thousand; a teaching world needs fewer

    @model_validator(mode="after")
    def _consistent(self):
        for i, site in enumerate(self.items):
            if site.kind not in self.kinds:
                raise ValueError(f"items.{i}.kind {site.kind!r} is not one of the kinds of this case's sites; "
                                 f"allowed: {', '.join(self.kinds)}")
        names = [s.name for s in self.items]
        if len(set(names)) < len(names):
            raise ValueError(f"items: site name {next(n for n in names if names.count(n) > 1)!r} is given twice")
        if sum(s.weight for s in self.items) <= 0:
            raise ValueError("items: the weights must not all be zero")
        return self  # the channels are the world's own order channels: checked with them

    def channel_codes(self, order_channels) -> np.ndarray:
        """The codes (positions in the world's ``order_channels``) of the orders placed at a site."""
        names = self.channels if self.channels is not None else order_channels
        return np.array([list(order_channels).index(c) for c in names], dtype=np.int64)


def sites_table(config) -> dict[str, pd.DataFrame]:
    """The ``sites`` table (ids from 1, in the case's order); empty for a case without sites."""
    items = config.sites.items if config.sites is not None else []
    return {"sites": pd.DataFrame({
        "site_id": np.arange(1, len(items) + 1, dtype=np.int64), "name": [s.name for s in items],
        "city": [s.city for s in items], "kind": [s.kind for s in items],
    })}


def draw_sites(block, customers: np.ndarray, channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's home site and each order's site (local 0-based ids, -1 for none).

    ``customers`` and ``channel`` are the orders' customers and channel codes. All draws
    come from the block's own ``sites`` stream (home sites first, then one away draw and
    one site draw per order), so the other streams of the world do not move.
    """
    sites = block.config.sites
    if sites is None:
        return np.full(block.size, -1, dtype=np.int64), np.full(len(customers), -1, dtype=np.int64)
    rng = block.rng("sites")
    weights = np.array([s.weight for s in sites.items], dtype=float)
    cdf = np.cumsum(weights)
    home = np.searchsorted(cdf, rng.random(block.size) * cdf[-1], side="right").clip(0, len(weights) - 1)
    away = rng.random(len(customers)) < sites.away_share
    visited = np.where(away, _elsewhere(cdf, weights, home[customers], rng.random(len(customers))), home[customers])
    at_site = np.isin(channel, sites.channel_codes(codes_of(block.config).order_channel))
    return home.astype(np.int64), np.where(at_site, visited, -1).astype(np.int64)


def _elsewhere(cdf: np.ndarray, weights: np.ndarray, home: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A site drawn by weight among all but ``home`` (``home`` itself where no other has weight).

    The draw falls on the cumulative weights with the home site's stretch cut out: a point
    past the start of that stretch moves on by its length.
    """
    rest = cdf[-1] - weights[home]
    point = u * rest
    start = cdf[home] - weights[home]
    point = np.where(point >= start, point + weights[home], point)
    other = np.searchsorted(cdf, point, side="right").clip(0, len(weights) - 1)
    return np.where(rest > 0, other, home)
