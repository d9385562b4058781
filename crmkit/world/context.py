"""What the operational components of a block get to read: the customers and their lives."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class BlockContext:
    """Everything simulated so far in one block, for the components that come after.

    Attributes
    ----------
    block : crmkit.world.block.Block
        Config, timeline, block number and ``block.rng(part)`` generators.
    people : dict of arrays
        One entry per customer of the block (index = local customer number); keys starting
        with ``true_`` are hidden traits, ``persona`` indexes ``config.personas``.
    orders : dict of arrays
        Every order, observed and hold-out, sorted by customer and time (``time`` in days
        since the start; ``issue`` a ``service_issue`` code; ``recovered``; ``net``...).
    observed : array of bool
        Which rows of ``orders`` fall in the observation window.
    order_id : array of int
        Local order id of each row of ``orders`` (-1 for hold-out orders).
    phases, joins, members : dict of arrays
        The lifecycle's logs (Dwyer phases, loyalty joins, campaign memberships).
    frames : dict of DataFrames
        The block's tables so far, local ids, with a ``_customer`` column.
    """

    block: object
    people: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    observed: np.ndarray
    order_id: np.ndarray
    phases: dict[str, np.ndarray]
    joins: dict[str, np.ndarray]
    members: dict[str, np.ndarray]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def config(self):
        return self.block.config

    @property
    def timeline(self):
        return self.block.timeline

    def rng(self, part: str) -> np.random.Generator:
        return self.block.rng(part)

    def to_timestamps(self, days) -> np.ndarray:
        return self.block.timeline.to_timestamps(days)


def add_frames(frames: dict[str, pd.DataFrame], produced: dict[str, pd.DataFrame], primary_key) -> None:
    """Add a component's tables; a table made by several components is joined, its local
    ids continuing after the earlier part's (no table points at such a shared table)."""
    for name, df in produced.items():
        if name in frames and len(frames[name]):
            key = primary_key(name)
            df = df.assign(**{key: df[key] + len(frames[name])})
            frames[name] = pd.concat([frames[name], df], ignore_index=True)
        else:
            frames[name] = df
