"""Speed of the flow model's "segment" and "predict" stages alone, on a saved world (prints figures).

The stages of ``crmkit.analytics.run_flow`` that come after the store: the behaviour
features and k-means segments, and the BG/NBD + Gamma-Gamma fit and scoring
(``probabilistic_clv``), each with its wall and cpu seconds (user + system of this process:
on a shared machine wall time grows with the other jobs, cpu time much less). Only the five
tables these stages read are loaded, so a 1M world fits in a few GB.

Run: .venv/bin/python benchmarks/bench_flow_stages.py --world PATH [--customers 300000]
     (PATH: a world saved as Parquet, e.g. by bench_analytics.py --save; --customers keeps its
     first N customers by id, with their orders, order lines and interactions).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

TABLES = ("customers", "orders", "order_items", "products", "interactions")


def load(world: Path, customers: int | None) -> dict[str, pd.DataFrame]:
    """The five tables, cut to the first ``customers`` customers by id when given."""
    tables = {name: pd.read_parquet(world / name) for name in TABLES}
    if customers:
        keep = np.sort(tables["customers"]["customer_id"].to_numpy())[:customers]
        tables["customers"] = tables["customers"][tables["customers"]["customer_id"].isin(keep)]
        tables["orders"] = tables["orders"][tables["orders"]["customer_id"].isin(keep)]
        tables["order_items"] = tables["order_items"][tables["order_items"]["order_id"].isin(tables["orders"]["order_id"])]
        people = tables["interactions"]["customer_id"]
        tables["interactions"] = tables["interactions"][people.isin(keep) | people.isna()]
    return tables


def clock(label: str, function, *args, **kwargs):
    """Run ``function`` once and print its wall and cpu seconds."""
    start, before = time.perf_counter(), os.times()
    result = function(*args, **kwargs)
    after = os.times()
    cpu = after.user - before.user + after.system - before.system
    print(f"  {label:<34} {time.perf_counter() - start:>9.2f} {cpu:>8.2f}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True, help="a world saved as Parquet")
    parser.add_argument("--customers", type=int, help="keep only the first N customers by id")
    args = parser.parse_args()
    import sklearn.cluster  # noqa: F401  (imported before the clock starts, as in a long session)

    from crmkit.analytics import behaviour_features, probabilistic_clv, segment_customers
    from crmkit.analytics.rfm_fast import rfm_fast

    tables = load(args.world, args.customers)
    as_of = tables["orders"]["ordered_at"].max().normalize()
    known = tables["customers"][tables["customers"]["signup_date"] <= as_of]
    summary = rfm_fast(tables["orders"], as_of)
    print(f"{len(tables['customers']):,} customers, {len(tables['orders']):,} orders, as of {as_of.date()}; "
          f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"  {'stage':<34} {'wall s':>9} {'cpu s':>8}")
    features = clock("segment: behaviour_features", behaviour_features, known, tables["orders"],
                     tables["order_items"], tables["products"], tables["interactions"], as_of)
    clock("segment: segment_customers (k=4)", segment_customers, features, k=4, seed=0)
    clock("predict: probabilistic_clv", probabilistic_clv, summary, 365)


if __name__ == "__main__":
    main()
