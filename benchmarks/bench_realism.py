"""How real do the worlds look? CDNOW and each case, side by side, on the same cohort statistics.

Run: .venv/bin/python benchmarks/bench_realism.py [customers]

CDNOW is the real 1997 Q1 cohort of an online music shop (23,570 customers, 78 weeks), as the
``lifetimes`` package ships it (``CDNOW_master.txt``); it is read here only to compare, never
used as the kit's data. Each world is ``ck.simulate(case, customers, seed=1)``, its first-12-
weeks cohort followed 78 weeks (:mod:`crmkit.analytics.realism`).
"""

from __future__ import annotations

import importlib.resources
import sys
import warnings

import pandas as pd

import crmkit as ck
from crmkit.analytics.market_basket import category_repeat, pair_lift
from crmkit.analytics.realism import (
    STATISTICS,
    cohort_purchases,
    realism_statistics,
    world_realism,
)


def cdnow() -> dict[str, float]:
    """The statistics of lifetimes' shipped CDNOW cohort (its own file; lifetimes.datasets needs pkg_resources)."""
    path = importlib.resources.files("lifetimes") / "datasets" / "CDNOW_master.txt"
    df = pd.read_csv(path, sep=r"\s+", dtype={"date": str})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    # The whole file is the 1997 Q1 cohort: 13 weeks of first purchases.
    purchases = cohort_purchases(df, "1997-01-01", 13, 78, time="date", value="dollar_value")
    return realism_statistics(purchases)


def baskets(world) -> dict[str, float]:
    """Lasting taste and designed pairs: the second order's category repeat against chance, and
    the best lift of a subcategory pair (CDNOW's file has no products, so it has no column here)."""
    repeat = category_repeat(world.orders, world.order_items, world.products)
    lifts = pair_lift(world.order_items, world.products, level="subcategory", min_orders=50)
    return {"category_repeat_ratio": repeat["ratio"], "best_pair_lift": float(lifts["lift"].max())}


def table(customers: int = 20_000, seed: int = 1) -> pd.DataFrame:
    columns = {"CDNOW (real)": {**cdnow(), "category_repeat_ratio": float("nan"), "best_pair_lift": float("nan")}}
    for case in ck.cases():
        world = ck.simulate(case, customers=customers, seed=seed, progress=False)
        columns[case] = {**world_realism(world), **baskets(world)}
    return pd.DataFrame(columns).loc[[*STATISTICS, "category_repeat_ratio", "best_pair_lift"]]


def main() -> None:
    warnings.simplefilter("ignore")
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    out = table(customers)
    fmt = out.copy().astype(object)
    for name in out.index:
        fmt.loc[name] = ["-" if pd.isna(v) else f"{v:,.0f}" if name == "customers" else f"{v:.3g}" if abs(v) < 1000
                         else f"{v:,.0f}" for v in out.loc[name]]
    print(f"Realism: first-12-weeks cohort, 78 weeks; worlds of {customers:,} customers, seed 1")
    header = ["statistic", *fmt.columns]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, row in fmt.iterrows():
        print("| " + " | ".join([name, *row]) + " |")


if __name__ == "__main__":
    main()
