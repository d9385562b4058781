"""The engine: run a world's blocks (in one process or several), number their rows, join them.

>>> import crmkit as ck
>>> world = ck.simulate("pschse", customers=300, seed=1)
>>> len(world.customers)
300
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit._random import SeedLike, master_entropy
from crmkit.errors import ConfigError, WorkerError
from crmkit.world.block import BLOCK_SIZE, simulate_block
from crmkit.world.budget import check_budget
from crmkit.world.campaigns import campaigns_table
from crmkit.world.cases import DEFAULT_CASE, load_config
from crmkit.world.codes import lists_of
from crmkit.world.config import WorldConfig
from crmkit.world.dictionary import Table, conform, observed_tables, table_spec, truth_tables
from crmkit.world.ops.components import GLOBAL_COMPONENTS
from crmkit.world.orders import products_table
from crmkit.world.sites import sites_table

ID_STRIDE = 100_000_000  # fixed: room for the rows of one table in one block of customers


def _spec(name: str) -> Table:
    return table_spec(name.removeprefix("truth."), truth=name.startswith("truth."))


def id_offset(table: str, block: int) -> int:
    """What block ``block`` adds to the local ids of ``table``.

    Ids encode their block, so no block needs to know how many rows the others have:
    customers are numbered densely (every block has exactly ``BLOCK_SIZE``), other
    customer-scoped tables start each block at a multiple of ``ID_STRIDE`` (worlds of up
    to one block, the shipped datasets among them, are numbered 1, 2, 3...).

    >>> id_offset("customers", 2), id_offset("orders", 2), id_offset("products", 2)
    (20000, 200000000, 0)
    """
    spec = _spec(table)
    if spec.scope == "global":
        return 0
    return block * (BLOCK_SIZE if spec.primary_key == "customer_id" else ID_STRIDE)


def number_block(frames: dict[str, pd.DataFrame], index: int, keep: int) -> dict[str, pd.DataFrame]:
    """Turn a block's local ids (0-based, -1 for none) into world ids and keep the rows of
    its first ``keep`` customers (all of them but in a world's last block)."""
    out = {}
    for name, df in frames.items():
        spec = _spec(name)
        # Column by column into a new frame: no copy of the untouched columns.
        series = dict(df.items())  # (items() avoids a column-index lookup per name)
        customer = series.pop("_customer").to_numpy()
        columns = {c: s.array for c, s in series.items()}
        for column in spec.columns:
            if column.type != "id" and column.references is None:
                continue
            target = column.references.split(".")[0] if column.references else name
            values = np.asarray(series[column.name].fillna(-1), dtype=np.int64)
            if _spec(target).scope != "global" and len(values) and values.max() >= ID_STRIDE:
                raise ConfigError(f"table {name!r}: more than {ID_STRIDE:,} rows in one block of customers; lower the rates")
            numbered = np.where(values >= 0, values + id_offset(target, index) + 1, 0)
            columns[column.name] = pd.arrays.IntegerArray(numbered, values < 0) if column.nullable else numbered
        numbered_df = pd.DataFrame(columns, index=pd.RangeIndex(len(df)), copy=False)
        if keep < BLOCK_SIZE:
            numbered_df = numbered_df[customer < keep].reset_index(drop=True)
        out[name] = numbered_df
    return out


def world_block(config: WorldConfig, index: int, entropy: int) -> dict[str, pd.DataFrame]:
    """Block ``index`` of the world, numbered and cut to the world's size (runs in a worker)."""
    keep = min(config.customers - index * BLOCK_SIZE, BLOCK_SIZE)
    block = number_block(simulate_block(config, index, entropy), index, keep)
    # Every customer table in every block, empty where the config leaves a part out (a case
    # without sales has no leads): a streamed world then has the same files as a saved one.
    for prefix, specs, truth in (("", observed_tables(), False), ("truth.", truth_tables(), True)):
        block |= {prefix + name: _empty(name, config, truth=truth) for name, spec in specs.items()
                  if spec.scope == "customer" and prefix + name not in block}
    return block


def block_count(config: WorldConfig) -> int:
    return -(-config.customers // BLOCK_SIZE)


def run_blocks(task, config: WorldConfig, workers: int, *args) -> Iterator:
    """Yield ``task(config, index, entropy, *args)`` for every block, in block order."""
    entropy = master_entropy(config.seed)
    count = block_count(config)
    if workers <= 1 or count == 1:
        for index in range(count):
            yield task(config, index, entropy, *args)
        return
    # Not "fork": forking a process whose libraries already run threads (Arrow, BLAS,
    # scikit-learn...) can deadlock the child. A fork server starts clean workers.
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_ignore_interrupts)
    try:
        # Results come back in order, whatever order the workers finish in; only a few
        # blocks are in flight at once, so finished ones never pile up in memory.
        pending: deque = deque()
        for index in range(count):
            pending.append(pool.submit(task, config, index, entropy, *args))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        _stop_workers(pool, before)
        raise WorkerError(
            f"workers = {workers}: a worker process ended abruptly. From a script, put the call under "
            "'if __name__ == \"__main__\":' (each worker imports the script); otherwise the machine may "
            "be out of memory. workers=1 runs everything in this process."
        ) from None
    except BaseException:  # Ctrl-C, SIGTERM (see crmkit.cli), an error, or the consumer stopped early
        _stop_workers(pool, before)
        raise
    pool.shutdown()


def _ignore_interrupts() -> None:
    """Let only the main process see Ctrl-C (a terminal sends it to every process of the
    group): it stops the workers itself, and workers would each print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: ProcessPoolExecutor, before: set, grace: float = 2.0) -> None:
    """End ``pool`` now: drop its queued blocks and end the workers it started.

    ``shutdown`` alone would wait for every submitted block (minutes for a large world),
    and workers left behind when the main process dies keep running, re-parented to PID 1.
    """
    # (Python 3.14 has pool.kill_workers(); until then, the pool's own thread and pipe.)
    manager, results = getattr(pool, "_executor_manager_thread", None), getattr(pool, "_result_queue", None)
    workers = [p for p in multiprocessing.active_children() if p not in before]
    for process in workers:
        process.terminate()
    for process in workers:
        process.join(grace)
        if process.is_alive():
            process.kill()
            process.join(grace)
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is None:
        return
    # The pool's thread sees the workers gone and ends, unless one died half-way through
    # sending a block: then it waits for the rest of that message, which this process could
    # still send. Closing our end of the pipe turns that wait into an end of file.
    manager.join(grace)
    if manager.is_alive() and results is not None:
        results._writer.close()
        manager.join(grace)


def progress_bar(iterable, total: int, customers: int, show: bool | None):
    """``iterable`` of blocks wrapped in a tqdm bar counting customers (none for one or two blocks)."""
    if show is False or (show is None and total <= 2):
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, unit="block", desc=f"simulating {customers:,} customers")


def iter_world(config: WorldConfig, workers: int = 1, progress: bool | None = None) -> Iterator[dict[str, pd.DataFrame]]:
    """Yield the world block by block: customer-scoped tables, numbered and typed.

    Use this to stream a large world to disk without holding it in memory.
    """
    yield from progress_bar(run_blocks(world_block, config, workers), block_count(config), config.customers, progress)


def global_tables(config: WorldConfig) -> dict[str, pd.DataFrame]:
    """The tables that do not grow with the number of customers (products, campaigns, staff...)."""
    frames = {"products": products_table(config), "campaigns": campaigns_table(config), **sites_table(config)}
    for component in GLOBAL_COMPONENTS:
        frames.update(component(config))
    tables = {name: conform(df, table_spec(name), lists=lists_of(config)) for name, df in frames.items()}
    # A global table the config leaves out (a case without partners) is still written, empty:
    # a streamed world must load like a saved one.
    return tables | {name: _empty(name, config) for name, spec in observed_tables().items()
                     if spec.scope == "global" and name not in tables}


def _empty(name: str, config: WorldConfig, truth: bool = False) -> pd.DataFrame:
    """A table with no rows, for parts of the world the config leaves out."""
    spec = table_spec(name, truth=truth)
    return conform(pd.DataFrame({c: [] for c in spec.column_names}), spec, lists=lists_of(config))


def check_workers(workers: Any) -> int:
    """Return ``workers`` as an int of 1 or more, else raise :class:`ConfigError`."""
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ConfigError(f"workers = {workers!r}: must be a whole number of 1 or more")
    return int(workers)


def simulate(source: str | Path | dict | WorldConfig = DEFAULT_CASE, customers: int | None = None,
             seed: SeedLike | None = None, *, workers: int = 1, progress: bool | None = None, force: bool = False,
             client=None, **overrides):
    """Simulate a CRM world.

    Parameters
    ----------
    source : str, Path, dict or WorldConfig, default DEFAULT_CASE ("pschse")
        A case name (``crmkit.cases()``), a path to a ``world.yaml`` or a config.
    customers : int, optional
        Number of customers (default: the case's own).
    seed : int or numpy.random.Generator, optional
        Master seed (default: the case's own). The same seed gives the same world.
    workers : int, default 1
        Processes to use; the world does not depend on it.
    progress : bool, optional
        Show a progress bar (default: only for worlds of more than two blocks).
    force : bool, default False
        Simulate even a world estimated past the memory bound (see :mod:`crmkit.world.budget`).
    client : dask.distributed.Client, optional
        Make the blocks as tasks on this Dask cluster instead of ``workers`` local
        processes (see :mod:`crmkit.world.dask_blocks`); the world does not depend on it.
    **overrides
        Any config setting by path, e.g. ``loyalty__enabled=False``.

    Returns
    -------
    World
        Observed tables (``world.tables``) and the hidden truth (``world.truth``).

    Raises
    ------
    ConfigError
        A setting is out of its range, or the world would not fit in memory (without ``force``).
    """
    from crmkit.world.world import World

    workers = check_workers(workers)
    if seed is not None:
        overrides["seed"] = master_entropy(seed)
    config = load_config(source, customers=customers, **overrides)
    check_budget(config, streamed=False, force=force)
    parts: dict[str, list[pd.DataFrame]] = defaultdict(list)
    if client is None:
        blocks = iter_world(config, workers, progress)
    else:
        from crmkit.world.dask_blocks import run_blocks_on

        blocks = progress_bar(run_blocks_on(client, world_block, config), block_count(config), config.customers, progress)
    for block in blocks:
        for name, df in block.items():
            parts[name].append(df)
    joined = {name: pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else dfs[0] for name, dfs in parts.items()}
    observed = {**global_tables(config), **{k: v for k, v in joined.items() if not k.startswith("truth.")}}
    observed = {name: observed.get(name, _empty(name, config)) for name in observed_tables()}
    truth = {k.removeprefix("truth."): v for k, v in joined.items() if k.startswith("truth.")}
    truth = {name: truth.get(name, _empty(name, config, truth=True)) for name in truth_tables()}
    return World(config, observed, truth)
