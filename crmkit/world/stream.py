"""Writing a world block by block, so a world larger than memory streams to disk.

For Parquet each worker (a process of the pool, or a task on a Dask cluster) writes its own
blocks' part files; the main process only keeps count. CSV, SQLite and DuckDB are appended
to in block order by the main process.
"""

from __future__ import annotations

from pathlib import Path

from crmkit._random import SeedLike, master_entropy
from crmkit.world.budget import check_budget
from crmkit.world.cases import DEFAULT_CASE, load_config
from crmkit.world.dask_blocks import dask_client, run_blocks_on
from crmkit.world.engine import check_workers, progress_bar, block_count, global_tables, run_blocks, world_block
from crmkit.world.integrity import check_keys
from crmkit.world.store import WorldWriter, write_parquet_parts


def split_truth(block: dict) -> tuple[dict, dict]:
    """Separate a block's observed tables from its ``truth.*`` tables."""
    observed = {k: v for k, v in block.items() if not k.startswith("truth.")}
    truth = {k.removeprefix("truth."): v for k, v in block.items() if k.startswith("truth.")}
    return observed, truth


def parquet_block(config, index: int, entropy: int, folder: Path, include_truth: bool,
                  shared: dict) -> tuple[dict, dict]:
    """Make one block, check its keys and write its Parquet parts (runs in a worker); return
    row counts. ``shared`` holds the world's global tables, which the block refers to."""
    observed, truth = split_truth(world_block(config, index, entropy))
    check_keys(observed, truth, f"{folder} (part {index + 1})", shared=shared)
    rows = write_parquet_parts(folder, observed, part=index + 1)  # part 0 holds the global tables
    truth_rows = write_parquet_parts(folder / "truth", truth, part=index + 1) if include_truth else {}
    return rows, truth_rows


def generate(source=DEFAULT_CASE, out: str | Path = "world", customers: int | None = None, seed: SeedLike | None = None,
             format: str = "parquet", workers: int = 1, include_truth: bool = True, progress: bool | None = None,
             overwrite: bool = False, force: bool = False, client=None, scheduler: str | None = None,
             **overrides) -> Path:
    """Simulate a world straight to disk (the same tables as ``simulate(...).save(...)``).

    Returns the path written. Nothing is left half-written if it fails or is interrupted.
    A world estimated past the bounds of :mod:`crmkit.world.budget` is refused unless ``force``.
    With a Dask ``client`` (or a ``scheduler`` address to connect to) the blocks run as tasks
    on that cluster instead of ``workers`` local processes; the world is the same.
    """
    workers = check_workers(workers)
    if seed is not None:
        overrides["seed"] = master_entropy(seed)
    config = load_config(source, customers=customers, **overrides)
    check_budget(config, streamed=True, force=force)
    with dask_client(client, scheduler) as dask:  # connected (or refused) before anything is written
        def run(task, *args):
            return run_blocks(task, config, workers, *args) if dask is None else run_blocks_on(dask, task, config, *args)

        writer = WorldWriter(out, format, config, include_truth, overwrite=overwrite)
        try:
            shared = global_tables(config)
            writer.write(shared)
            if format == "parquet":
                blocks = run(parquet_block, writer.tmp, include_truth, shared)
                for rows, truth_rows in progress_bar(blocks, block_count(config), config.customers, progress):
                    writer.count(rows, truth_rows)
            else:
                for block in progress_bar(run(world_block), block_count(config), config.customers, progress):
                    writer.write(*split_truth(block))
            return writer.finish()
        except BaseException:
            writer.abort()
            raise
