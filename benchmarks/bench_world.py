"""Speed and memory of the world engine against a Faker per-row loop (prints figures).

Run: .venv/bin/python benchmarks/bench_world.py [--customers 1000000] [--workers 2]

Each world is generated in a fresh child process, so its peak memory is its own and not
what an earlier run (or the Faker loop) left behind. The main process's peak is its
``RUSAGE_SELF``. The workers start from a fork server (they are not the main process's
children, so ``RUSAGE_CHILDREN`` cannot see them): a thread samples the resident memory of
the main process and of every process below it every 100 ms with psutil, and keeps the peak
of each process and the peak of their sum. Resident sizes count shared pages once per
process, so the sum is on the safe side of the true total.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TARGET_SECONDS = 60  # 1M customers, 2 workers, simulated and written as Parquet
TARGET_PEAK_GB = 6
TARGET_FAKER_RATIO = 200  # crmkit customers per second over the Faker loop's rows per second
REPEATS = 3  # the row-rate figures are medians: the machines are noisy
GB = 1024**3


def peak_bytes(who: int) -> int:
    """Peak resident memory of this process or of its largest waited-for child, in bytes."""
    kib_or_bytes = resource.getrusage(who).ru_maxrss
    return kib_or_bytes if sys.platform == "darwin" else kib_or_bytes * 1024  # Linux reports KiB


class TreeMemory:
    """Peak resident memory of this process and everything below it, sampled in a thread."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self.me, self.interval = psutil.Process(), interval
        self.total_peak, self.process_peak = 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        processes, ticks = [self.me], 0
        while not self._stop.wait(self.interval):
            # Listing the children reads all of /proc: once a second is enough (workers live long).
            if ticks % 10 == 0:
                processes = [self.me, *self.me.children(recursive=True)]
            ticks += 1
            total = 0
            for process in processes:
                try:
                    rss = process.memory_info().rss
                except psutil.Error:  # it ended between the listing and the reading
                    continue
                total += rss
                self.process_peak[process.pid] = max(self.process_peak.get(process.pid, 0), rss)
            self.total_peak = max(self.total_peak, total)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def largest_other(self) -> int:
        """The largest peak of any process but this one (the workers, the fork server)."""
        return max((v for pid, v in self.process_peak.items() if pid != self.me.pid), default=0)


def child_run(customers: int, workers: int, out: Path) -> dict:
    """Simulate and save one world as Parquet; return time, peak memory and row counts."""
    from crmkit.world.stream import generate

    with TreeMemory() as memory:
        start = time.perf_counter()
        path = generate("pschse", out=out, customers=customers, seed=7, format="parquet", workers=workers,
                        progress=False)
        seconds = time.perf_counter() - start
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    rows = {**manifest["rows"], **{f"truth/{k}": v for k, v in manifest["truth_rows"].items()}}
    return {"customers": customers, "workers": workers, "seconds": seconds, "rows": rows,
            "main_peak": peak_bytes(resource.RUSAGE_SELF), "worker_peak": memory.largest_other(),
            "total_peak": memory.total_peak}


def measure_world(customers: int, workers: int, out: Path) -> dict:
    """Run :func:`child_run` in a fresh interpreter and read its JSON answer."""
    command = [sys.executable, __file__, "--child", "--customers", str(customers), "--workers", str(workers),
               "--out", str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_rate(rows: int, timed) -> float:
    """Rows per second of ``timed(rows)`` (which returns the seconds it took), median of ``REPEATS``."""
    return rows / statistics.median(timed(rows) for _ in range(REPEATS))


def faker_loop(rows: int) -> float:
    """Seconds a seeded Faker loop takes to build the customer columns one row at a time."""
    import pandas as pd
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(7)
    start = time.perf_counter()
    records = []
    for i in range(rows):
        first, last = fake.first_name(), fake.last_name()
        records.append({
            "customer_id": i + 1, "first_name": first, "last_name": last,
            "email": f"{first}.{last}{i + 1}@example.com".lower(), "phone": fake.phone_number(),
            "city": fake.city(), "state": fake.state_abbr(), "birth_year": fake.date_of_birth().year,
            "signup_date": fake.date_between("-3y", "today"),
        })
    pd.DataFrame.from_records(records)
    return time.perf_counter() - start


def crmkit_customer_draw(customers: int) -> float:
    """Seconds the engine's own customer draw (names, contacts, places, hidden traits) takes.

    The same job as the Faker loop, block by block, so the two rates compare like for like.
    """
    import pandas as pd

    from crmkit._random import master_entropy
    from crmkit.world.block import BLOCK_SIZE, Block
    from crmkit.world.cases import load_config
    from crmkit.world.names import name_pools
    from crmkit.world.people import draw_customers
    from crmkit.world.timeline import Timeline

    config = load_config("pschse")
    timeline, entropy = Timeline.of(config.calendar), master_entropy(7)
    name_pools()  # built once per process; a world pays it once too
    start = time.perf_counter()
    for index in range(max(customers // BLOCK_SIZE, 1)):
        people = draw_customers(Block(config, timeline, index, entropy))
        pd.DataFrame({k: people[k] for k in ("first_name", "last_name", "email", "phone", "city", "state",
                                             "birth_year", "signup")})
    return time.perf_counter() - start


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def report(run: dict, faker_rate: float) -> None:
    """Print one world's figures: time, memory, rows per second per table, ratio to Faker."""
    total = max(run["total_peak"], run["main_peak"])  # a single-process run has only the main
    print(f"\n== pschse, {run['customers']:,} customers, {run['workers']} worker(s), Parquet")
    print(f"time to simulate and save   {run['seconds']:8.1f} s", end="")
    print(f"   (target for 1,000,000: < {TARGET_SECONDS} s: {verdict(run['seconds'] < TARGET_SECONDS)})"
          if run["customers"] == 1_000_000 else "")
    print(f"peak memory, main process   {run['main_peak'] / GB:8.2f} GB")
    if run["workers"] > 1:
        print(f"peak memory, largest worker {run['worker_peak'] / GB:8.2f} GB   (sampled)")
    print(f"peak memory, all processes  {total / GB:8.2f} GB   (sampled sum; target < {TARGET_PEAK_GB} GB: "
          f"{verdict(total < TARGET_PEAK_GB * GB)})")
    print(f"{'table':28} {'rows':>13} {'rows/s':>13}")
    for table, rows in run["rows"].items():
        print(f"{table:28} {rows:13,} {rows / run['seconds']:13,.0f}")
    ratio = run["rows"]["customers"] / run["seconds"] / faker_rate
    print(f"customers rows/s (whole world's time) / Faker loop rows/s = {ratio:,.0f}x "
          "(the world's time also makes every other table)")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000, help="customers in the main run")
    parser.add_argument("--workers", type=int, default=2, help="worker processes in the main run")
    parser.add_argument("--single", type=int, default=200_000,
                        help="customers in an extra single-worker run (0 to skip)")
    parser.add_argument("--faker-rows", type=int, default=5_000, help="rows in the Faker loop")
    parser.add_argument("--customer-draw", type=int, default=200_000, help="rows in crmkit's customer draw")
    parser.add_argument("--out", type=Path, help="folder for the worlds (default: a temporary one, removed after)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child_run(args.customers, args.workers, args.out)))
        return
    out = args.out or Path(tempfile.mkdtemp(prefix="crmkit-bench-"))
    try:
        crmkit_customer_draw(10_000)  # warm-up: first-call imports and the name pools
        faker_rate = median_rate(args.faker_rows, faker_loop)
        own_rate = median_rate(args.customer_draw, crmkit_customer_draw)
        ratio = own_rate / faker_rate
        print(f"Faker per-row loop, {args.faker_rows:,} rows (customer columns): {faker_rate:12,.0f} rows/s (median of {REPEATS})")
        print(f"crmkit customer draw, {args.customer_draw:,} rows (same columns):  {own_rate:12,.0f} rows/s (median of {REPEATS})")
        print(f"customers table: crmkit / Faker = {ratio:,.0f}x   "
              f"(target >= {TARGET_FAKER_RATIO}x: {verdict(ratio >= TARGET_FAKER_RATIO)})")
        report(measure_world(args.customers, args.workers, out / f"w{args.workers}"), faker_rate)
        if args.single:
            report(measure_world(args.single, 1, out / "w1"), faker_rate)
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
