"""Writing a world block by block, so a world larger than memory streams to disk."""

from __future__ import annotations

from pathlib import Path

from crmkit._random import SeedLike, master_entropy
from crmkit.world.cases import load_config
from crmkit.world.engine import _check_workers, global_tables, iter_world
from crmkit.world.store import WorldWriter


def generate(source="pschse", out: str | Path = "world", customers: int | None = None, seed: SeedLike | None = None,
             format: str = "parquet", workers: int = 1, include_truth: bool = True, progress: bool | None = None,
             **overrides) -> Path:
    """Simulate a world straight to disk (the files equal those of ``simulate(...).save(...)``).

    Returns the path written. Nothing is left half-written if it fails or is interrupted.
    """
    workers = _check_workers(workers)
    if seed is not None:
        overrides["seed"] = master_entropy(seed)
    config = load_config(source, customers=customers, **overrides)
    writer = WorldWriter(out, format, config, include_truth)
    try:
        first = True
        for block in iter_world(config, workers, progress):
            observed = {k: v for k, v in block.items() if not k.startswith("truth.")}
            if first:
                observed.update(global_tables(config))
                first = False
            truth = {k.removeprefix("truth."): v for k, v in block.items() if k.startswith("truth.")}
            writer.write(observed, truth)
        return writer.finish()
    except BaseException:
        writer.abort()
        raise
