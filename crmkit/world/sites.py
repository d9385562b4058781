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

from crmkit.world.sections import Number, Remark, Section, Weight
from crmkit.world.vocabulary import code_of, terms

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
    kind: str = Field(description="The interaction kind recorded (vocabulary interaction_kind).")
    channel: str = Field(description="The touchpoint's channel (vocabulary channel).")

    @model_validator(mode="after")
    def _vocabulary(self):
        for field, vocab in (("kind", "interaction_kind"), ("channel", "channel")):
            if getattr(self, field) not in terms(vocab):
                raise ValueError(f"{field} {getattr(self, field)!r} is not allowed; allowed: {', '.join(terms(vocab))}")
        return self


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
        for channel in self.channels or []:
            if channel not in terms("order_channel"):
                raise ValueError(f"channels has {channel!r}; allowed: {', '.join(terms('order_channel'))}")
        return self

    def channel_codes(self) -> np.ndarray:
        names = self.channels if self.channels is not None else terms("order_channel")
        return np.array([code_of("order_channel", c) for c in names], dtype=np.int64)


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
    at_site = np.isin(channel, sites.channel_codes())
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
