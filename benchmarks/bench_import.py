"""How long importing the kit takes (prints figures; the target is under 1 s for each).

Each figure is the median of 5 fresh interpreters (``python -X importtime``, the cumulative
time of the imported package), so the interpreter's own start is left out. Using an
explorer imports its topic module and the libraries it draws with; that is shown too.

Run: .venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

STATEMENTS = {
    "import crmkit": "crmkit",
    "import crmkit.explore": "crmkit.explore",
    "import crmkit.analytics": "crmkit.analytics",
    "import crmkit.explore.start (first use of an explorer)": "crmkit.explore.start",
}
RUNS = 5


def import_seconds(module: str) -> float:
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True,
                         text=True, check=True)
    line = next(line for line in reversed(run.stderr.splitlines()) if line.rstrip().endswith(f"| {module}"))
    return int(line.split("|")[1]) / 1e6  # cumulative microseconds


def main() -> None:
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; median of {RUNS} fresh interpreters")
    for label, module in STATEMENTS.items():
        seconds = statistics.median(import_seconds(module) for _ in range(RUNS))
        print(f"  {label:<56} {seconds:>6.2f} s")


if __name__ == "__main__":
    main()
