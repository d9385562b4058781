"""One block of customers: its generators and the simulation of all its tables.

A world is a sequence of blocks of ``BLOCK_SIZE`` customers. Each block draws from its own
generators (master seed + block number), so block k is the same whatever the world's size,
the number of workers or the order in which blocks are made; a smaller world is a prefix.
Tables come out of a block with local, 0-based ids (-1 for none); the engine numbers them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit._random import child_generator
from crmkit.world import tables
from crmkit.world.campaigns import member_status, responses
from crmkit.world.codes import lists_of
from crmkit.world.config import WorldConfig
from crmkit.world.context import BlockContext, add_frames
from crmkit.world.dictionary import conform, table_spec
from crmkit.world.lifecycle import run_lifecycle
from crmkit.world.loyalty import build_ledger
from crmkit.world.ops.components import BLOCK_COMPONENTS
from crmkit.world.orders import attribute_redemptions, build_items, build_orders, expected_order_value
from crmkit.world.people import draw_customers
from crmkit.world.sites import draw_sites
from crmkit.world.taste import Tastes, taste_frames
from crmkit.world.timeline import Timeline
from crmkit.world.touchpoints import build_interactions

BLOCK_SIZE = 10_000  # fixed: part of a world's identity: changing it changes every world


@dataclass(frozen=True)
class Block:
    """The customers ``index * BLOCK_SIZE`` to ``(index + 1) * BLOCK_SIZE - 1`` of a world."""

    config: WorldConfig
    timeline: Timeline
    index: int
    entropy: int
    size: int = BLOCK_SIZE

    @property
    def first_customer_id(self) -> int:
        return self.index * self.size + 1

    def rng(self, part: str) -> np.random.Generator:
        """The generator of one part of this block (customers, lifecycle, orders...)."""
        return child_generator(self.entropy, self.index, part)


def simulate_block(config: WorldConfig, index: int, entropy: int) -> dict[str, pd.DataFrame]:
    """Simulate one whole block; return its tables (observed and ``truth.*``) with local ids.

    Every customer-scoped table carries a ``_customer`` column (the local customer index),
    which lets the engine keep only the first customers of the last block.
    """
    block = Block(config, Timeline.of(config.calendar), index, entropy)
    people = draw_customers(block)
    # The lifecycle ranks customers by a value that knows their persona and spend, not their
    # product taste: tastes change what customers buy, not when they buy or whom campaigns pick.
    people["true_order_value"] = expected_order_value(config, people["persona"], people["true_spend_factor"])
    life = run_lifecycle(block, people)
    tastes = Tastes.draw(block, people["persona"])
    people["true_order_value"] = expected_order_value(config, people["persona"], people["true_spend_factor"], tastes)
    orders = build_orders(block, people, life)
    people["home_site"], orders["site"] = draw_sites(block, orders["customer"], orders["channel"])
    phases, joins, members = life.phases.result(), life.joins.result(), life.members.result()
    response = responses(members, orders, config, block.timeline)
    attribute_redemptions(orders, members, response)
    orders, items = build_items(block, people, orders, tastes)
    members.update(response)
    members["status"] = member_status(block.rng("members"), members, response["hit"], config)
    observed = orders["time"] < block.timeline.observed_end
    ledger = build_ledger(block, joins, orders, observed)
    interactions = build_interactions(block, people, orders, observed, phases, joins, members)
    order_id = tables.observed_order_ids(orders, observed)
    frames = tables.assemble(block, people, orders, items, observed, order_id, phases, joins, members, ledger, interactions)
    frames.update(taste_frames(block, tastes))
    context = BlockContext(block, people, orders, observed, order_id, phases, joins, members, frames)
    for component in BLOCK_COMPONENTS:  # operational CRM: leads, deals, cases, feedback, billing, sources
        add_frames(frames, component(context), primary_key)
    # Typed here, in the worker, so the main process only numbers and writes.
    return {name: conform(df, _spec(name), f"block {index}", keep=("_customer",), lists=lists_of(config)) for name, df in frames.items()}


def _spec(name: str):
    return table_spec(name.removeprefix("truth."), truth=name.startswith("truth."))


def primary_key(name: str) -> str:
    return _spec(name).primary_key
