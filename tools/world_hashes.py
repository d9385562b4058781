"""Print a hash of every table of a few small worlds, to prove a refactor moved no data.

Run: .venv/bin/python tools/world_hashes.py > before.txt   (then again after the change and diff)

A change that only moves code must leave every line the same; a change of behaviour shows
which tables it moved. Hashes cover the observed tables and the truth, as saved to CSV.
"""

from __future__ import annotations

import hashlib
import sys

import crmkit as ck
from crmkit.world.dictionary import observed_tables, truth_tables
from crmkit.world.store import to_csv_frame

WORLDS = [(case, seed) for case in ck.cases() for seed in (1, 2)]
CUSTOMERS = 600


def table_hash(df, spec) -> str:
    return hashlib.sha256(to_csv_frame(df, spec).to_csv(index=False, lineterminator="\n").encode()).hexdigest()[:16]


def main() -> None:
    for case, seed in WORLDS:
        world = ck.simulate(case, customers=CUSTOMERS, seed=seed, progress=False)
        for name, df in world.tables.items():
            print(case, seed, name, table_hash(df, observed_tables()[name]))
        for name, df in world.truth.items():
            print(case, seed, f"truth.{name}", table_hash(df, truth_tables()[name]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
