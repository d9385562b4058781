"""What the checks on loading a world cost, against loading it unchecked (prints figures).

Run: .venv/bin/python benchmarks/bench_load.py [--customers 1000000] [--workers 2] [--format parquet]
     .venv/bin/python benchmarks/bench_load.py --world W   (a world saved before, e.g. by bench_world)

The world is generated once with ``crmkit generate`` into a temporary folder; then it is
loaded alternately with ``verify=False`` (the baseline: read and restore types) and
``verify=True`` (also row counts and checksums against the manifest, unique primary keys,
foreign keys and the customer count), each in a fresh process so neither warms the other's
caches of Python objects. Target: the checks cost under 10 % of the unchecked load. A
checked load computes the files' checksums in a thread beside the parsing, and a world
whose writer checked its keys skips the foreign-key look-up (see crmkit.world.integrity),
so the cost is the difference of the two loads; the checks one after the other are
printed too, as an upper bound.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SHARE = 0.10

LOAD = """
import sys, time
import crmkit as ck
start = time.perf_counter()
world = ck.load_world(sys.argv[1], verify=sys.argv[2] == "1")
print(time.perf_counter() - start)
"""
# The checks alone, one after the other inside one process after an unchecked load: an
# upper bound, since a checked load computes the checksums in a thread beside the parsing.
# A world sealed by its writer (``keys_checked`` and every checksum in the manifest) skips
# the foreign-key look-up, as the load does.
CHECKS = """
import json, sys, time
from pathlib import Path
import crmkit as ck
from crmkit.world.integrity import files_digest
from crmkit.world.loading import check_world
path = Path(sys.argv[1])
world = ck.load_world(path, verify=False)
sealed = path.is_dir() and json.loads((path / "manifest.json").read_text()).get("keys_checked") is True
start = time.perf_counter()
if path.is_dir():
    for folder in (path, path / "truth"):
        for table in sorted(p for p in folder.iterdir() if p.name != "truth"):
            files_digest(sorted(table.iterdir()) if table.is_dir() else [table])
check_world(world.config, world.tables, dict(world.truth), str(path), foreign_keys=not sealed)
print(time.perf_counter() - start)
"""


def seconds(script: str, *args: str) -> float:
    run = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return float(run.stdout.strip().splitlines()[-1])


def load_seconds(path: Path, verify: bool) -> float:
    return seconds(LOAD, str(path), "1" if verify else "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--format", default="parquet", choices=["csv", "parquet", "sqlite"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--world", type=Path, help="measure this saved world instead of generating one")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crmkit-bench-load-"))
    try:
        target = args.world or folder / ("world.db" if args.format == "sqlite" else "world")
        if args.world is None:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "crmkit.cli", "generate", "pschse", "--customers",
                            str(args.customers), "--seed", "1", "--format", args.format, "--workers",
                            str(args.workers), "--out", str(target), "--quiet"], check=True)
            print(f"generated {args.customers:,} customers ({args.format}) in {time.perf_counter() - start:.1f} s")
        plain, checked, alone = [], [], []
        for _ in range(args.repeats):  # alternated, so a noisy moment hits all alike
            plain.append(load_seconds(target, verify=False))
            checked.append(load_seconds(target, verify=True))
            alone.append(seconds(CHECKS, str(target)))
        base, full, checks = statistics.median(plain), statistics.median(checked), statistics.median(alone)
        print(f"load unchecked: {base:.2f} s (median of {args.repeats}: {', '.join(f'{s:.2f}' for s in plain)})")
        print(f"load checked:   {full:.2f} s (median of {args.repeats}: {', '.join(f'{s:.2f}' for s in checked)})")
        print(f"the checks alone, one after the other (an upper bound): {checks:.2f} s "
              f"(median of {args.repeats}: {', '.join(f'{s:.2f}' for s in alone)}; {checks / base:.1%} of the unchecked load)")
        share = (full - base) / base
        print(f"checks cost {share:+.1%} of the unchecked load (the difference of the two loads' medians; "
              f"target under {TARGET_SHARE:.0%}): {'met' if share < TARGET_SHARE else 'NOT met'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
