"""The engine: run a world's blocks (in one process or several), number their rows, join them.

>>> import crmkit as ck
>>> world = ck.simulate("pschse", customers=300, seed=1)
>>> len(world.customers)
300
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit._random import SeedLike, master_entropy
from crmkit.errors import ConfigError
from crmkit.world.block import BLOCK_SIZE, simulate_block
from crmkit.world.campaigns import campaigns_table
from crmkit.world.cases import load_config
from crmkit.world.config import WorldConfig
from crmkit.world.dictionary import Table, conform, observed_tables, table_spec
from crmkit.world.ops import GLOBAL_COMPONENTS
from crmkit.world.orders import products_table



def _spec(name: str) -> Table:
    return table_spec(name.removeprefix("truth."), truth=name.startswith("truth."))


class Numbering:
    """Turns each block's local ids into world ids: a table's rows are numbered after
    every row of the earlier blocks (all of them, even rows a smaller world drops)."""

    def __init__(self):
        self.offsets: dict[str, int] = defaultdict(int)

    def number(self, block: dict[str, pd.DataFrame], keep: int) -> dict[str, pd.DataFrame]:
        out = {}
        for name, df in block.items():
            spec = _spec(name)
            df = df.copy()
            for column in spec.columns:
                if column.type != "id" and column.references is None:
                    continue
                target = column.references.split(".")[0] if column.references else name
                offset = 0 if _spec(target).scope == "global" else self.offsets[target]
                values = df[column.name].to_numpy()
                numbered = np.where(values >= 0, values + offset + 1, 0)
                df[column.name] = pd.arrays.IntegerArray(numbered, values < 0) if column.nullable else numbered
            kept = df[df["_customer"] < keep] if keep < BLOCK_SIZE else df
            out[name] = kept.drop(columns="_customer")
        for name, df in block.items():
            self.offsets[name] += len(df)
        return out


def _blocks(config: WorldConfig, entropy: int, workers: int) -> Iterator[dict[str, pd.DataFrame]]:
    count = -(-config.customers // BLOCK_SIZE)
    if workers <= 1 or count == 1:
        for index in range(count):
            yield simulate_block(config, index, entropy)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # map() yields in block order, whatever order the workers finish in.
        yield from pool.map(simulate_block, [config] * count, range(count), [entropy] * count)


def _progress(iterable, total: int, customers: int, show: bool | None):
    if show is False or (show is None and total <= 2):
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, unit="block", desc=f"simulating {customers:,} customers")


def iter_world(config: WorldConfig, workers: int = 1, progress: bool | None = None) -> Iterator[dict[str, pd.DataFrame]]:
    """Yield the world block by block: customer-scoped tables, numbered and typed.

    Use this to stream a large world to disk without holding it in memory.
    """
    entropy = master_entropy(config.seed)
    numbering = Numbering()
    count = -(-config.customers // BLOCK_SIZE)
    for index, block in enumerate(_progress(_blocks(config, entropy, workers), count, config.customers, progress)):
        keep = config.customers - index * BLOCK_SIZE
        numbered = numbering.number(block, keep)
        yield {name: conform(df, _spec(name), f"block {index}") for name, df in numbered.items()}


def global_tables(config: WorldConfig) -> dict[str, pd.DataFrame]:
    """The tables that do not grow with the number of customers (products, campaigns, staff...)."""
    frames = {"products": products_table(config), "campaigns": campaigns_table(config)}
    for component in GLOBAL_COMPONENTS:
        frames.update(component(config))
    return {name: conform(df, table_spec(name)) for name, df in frames.items()}


def _empty(name: str) -> pd.DataFrame:
    """A table with no rows, for parts of the world the config leaves out."""
    spec = table_spec(name)
    return conform(pd.DataFrame({c: [] for c in spec.column_names}), spec)


def _check_workers(workers: Any) -> int:
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ConfigError(f"workers = {workers!r}: must be a whole number of 1 or more")
    return int(workers)


def simulate(source: str | Path | dict | WorldConfig = "pschse", customers: int | None = None,
             seed: SeedLike | None = None, *, workers: int = 1, progress: bool | None = None, **overrides):
    """Simulate a CRM world.

    Parameters
    ----------
    source : str, Path, dict or WorldConfig, default "pschse"
        A case name (``crmkit.cases()``), a path to a ``world.yaml`` or a config.
    customers : int, optional
        Number of customers (default: the case's own).
    seed : int or numpy.random.Generator, optional
        Master seed (default: the case's own). The same seed gives the same world.
    workers : int, default 1
        Processes to use; the world does not depend on it.
    progress : bool, optional
        Show a progress bar (default: only for worlds of more than two blocks).
    **overrides
        Any config setting by path, e.g. ``loyalty__enabled=False``.

    Returns
    -------
    World
        Observed tables (``world.tables``) and the hidden truth (``world.truth``).
    """
    from crmkit.world.world import World

    workers = _check_workers(workers)
    if seed is not None:
        overrides["seed"] = master_entropy(seed)
    config = load_config(source, customers=customers, **overrides)
    parts: dict[str, list[pd.DataFrame]] = defaultdict(list)
    for block in iter_world(config, workers, progress):
        for name, df in block.items():
            parts[name].append(df)
    joined = {name: pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else dfs[0] for name, dfs in parts.items()}
    observed = {**global_tables(config), **{k: v for k, v in joined.items() if not k.startswith("truth.")}}
    observed = {name: observed.get(name, _empty(name)) for name in observed_tables()}
    truth = {k.removeprefix("truth."): v for k, v in joined.items() if k.startswith("truth.")}
    return World(config, observed, truth)
