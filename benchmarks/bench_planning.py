"""Speed of the planning code: scheduling, Monte Carlo and MS Project export (prints figures).

Run: .venv/bin/python benchmarks/bench_planning.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from crmkit.planning import load_plan, schedule, simulate, write_mspdi


def median_seconds(action, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    plan = load_plan("pschse")
    out = Path(tempfile.mkdtemp()) / "pschse.xml"
    print(f"plan: {len(plan.tasks)} tasks, {len(plan.leaves)} scheduled, {len(plan.links)} links")
    print(f"schedule (CPM + dates)        {median_seconds(lambda: schedule(plan)):.3f} s")
    for runs in (10_000, 100_000):
        seconds = median_seconds(lambda runs=runs: simulate(plan, runs=runs, seed=1))
        print(f"simulate {runs:>7,} runs (pert)  {seconds:.3f} s")
    print(f"write MSPDI                   {median_seconds(lambda: write_mspdi(plan, out)):.3f} s")


if __name__ == "__main__":
    main()
