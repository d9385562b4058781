"""Generating a world on a Dask cluster beside the kit's own process pool (prints figures).

Both write the same Parquet world (the script checks that every table's checksum is equal);
the figures show what running the blocks as Dask tasks costs or gains on one machine. On a
real cluster, pass the scheduler's address with --scheduler (the workers must see --scratch
at the same path, as for ``crmkit generate --scheduler``).

Run: .venv/bin/python benchmarks/bench_dask.py [--customers 1000000] [--workers 2]
     .venv/bin/python benchmarks/bench_dask.py --scheduler tcp://HOST:8786 --scratch /shared/folder
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from crmkit.world.stream import generate  # noqa: E402


def timed_generate(out: Path, customers: int, **how) -> tuple[float, dict]:
    start = time.perf_counter()
    path = generate("pschse", out=out, customers=customers, seed=1, progress=False, **how)
    seconds = time.perf_counter() - start
    return seconds, json.loads((path / "manifest.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="processes of the pool, and workers of the LocalCluster")
    parser.add_argument("--scheduler", help="an existing Dask scheduler (default: a LocalCluster on this machine)")
    parser.add_argument("--scratch", type=Path, help="where to write the two worlds (default: a temporary folder)")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        scratch = Path(scratch)
        print(f"pschse, {args.customers:,} customers, seed 1, Parquet; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"  {'how':<44} {'wall s':>8} {'customers/s':>12}")
        pool_s, pool = timed_generate(scratch / "pool", args.customers, workers=args.workers)
        print(f"  {f'process pool, {args.workers} workers':<44} {pool_s:>8.1f} {args.customers / pool_s:>12,.0f}")
        if args.scheduler:
            client, label = Client(args.scheduler), f"Dask cluster at {args.scheduler}"
        else:
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client, label = Client(cluster), f"Dask LocalCluster, {args.workers} worker processes"
        with client:
            dask_s, dask = timed_generate(scratch / "dask", args.customers, client=client)
        if not args.scheduler:
            cluster.close()
        print(f"  {label:<44} {dask_s:>8.1f} {args.customers / dask_s:>12,.0f}")
        same = pool["checksums"] == dask["checksums"] and pool["truth_checksums"] == dask["truth_checksums"]
        print(f"  the two worlds hold the same bytes (every table's checksum): {same}")


if __name__ == "__main__":
    main()
