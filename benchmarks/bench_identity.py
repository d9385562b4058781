"""Accuracy and speed of identity resolution as the world grows (prints figures).

For each world size, the world's ``source_records`` are resolved with
``crmkit.analytics.resolve_identities`` and graded against the hidden truth
(``truth.source_links``) with ``crmkit.analytics.match_quality``: pairwise precision, recall,
F1, and the seconds the resolution took. In a big world many different people share a common
name and a town, so precision at scale is the figure to watch.

Run: .venv/bin/python benchmarks/bench_identity.py [--customers 20000 100000] [--workers 2]
     .venv/bin/python benchmarks/bench_identity.py --world PATH [--world PATH ...]
         (worlds saved as Parquet, e.g. by ``crmkit generate pschse --customers 1000000 --format parquet``)
     .venv/bin/python benchmarks/bench_identity.py --cases
         (F1 of every case with source systems, 3,000 customers, seeds 1-3: the small worlds the tests use)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from crmkit.analytics.identity import resolve_identities  # noqa: E402
from crmkit.analytics.identity_quality import match_quality  # noqa: E402

SEED = 7  # the seed bench_analytics.py simulates its worlds with
CASE_SEEDS = (1, 2, 3)
CASE_CUSTOMERS = 3000


def graded(records: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Precision, recall, F1 and seconds of one resolution of ``records``."""
    start = time.perf_counter()
    links = resolve_identities(records)
    seconds = time.perf_counter() - start
    quality = match_quality(links, truth)
    return {"records": len(records), **quality[["precision", "recall", "f1"]].round(4).to_dict(),
            "predicted_pairs": int(quality["predicted_pairs"]), "true_pairs": int(quality["true_pairs"]),
            "seconds": round(seconds, 1)}


def saved_world(path: Path) -> dict:
    """Grade the resolution of a world saved as Parquet."""
    records = pd.read_parquet(path / "source_records")
    truth = pd.read_parquet(path / "truth" / "source_links", columns=["source_record_id", "customer_id"])
    customers = len(pd.read_parquet(path / "customers", columns=["customer_id"]))
    return {"world": str(path), "customers": customers, **graded(records, truth)}


def generated_world(customers: int, workers: int) -> dict:
    """Simulate a pschse world of ``customers`` (seed 7) to a temporary folder and grade it."""
    from crmkit.world.stream import generate

    with tempfile.TemporaryDirectory(prefix="crmkit-bench-identity-") as tmp:
        path = generate("pschse", out=Path(tmp) / "world", customers=customers, seed=SEED, format="parquet",
                        workers=workers, progress=False)
        return {**saved_world(path), "world": f"pschse seed {SEED}"}


def case_table() -> pd.DataFrame:
    """F1 (and precision, recall) of every case with source systems, on the tests' small worlds."""
    import crmkit as ck
    from crmkit.world.cases import cases, load_config

    rows = []
    for case in cases():
        if load_config(case).sources is None:
            continue
        for seed in CASE_SEEDS:
            world = ck.simulate(case, customers=CASE_CUSTOMERS, seed=seed, progress=False)
            rows.append({"case": case, "seed": seed,
                         **graded(world.tables["source_records"], world.truth["source_links"])})
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="*", default=[20_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--world", type=Path, action="append", default=[])
    parser.add_argument("--cases", action="store_true", help="the small worlds of every case instead")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 200)
    if args.cases:
        table = case_table()
        print(table.to_string(index=False))
        print(table.groupby("case")[["precision", "recall", "f1"]].mean().round(4).to_string())
        return
    rows = [saved_world(path) for path in args.world] or [generated_world(n, args.workers) for n in args.customers]
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
