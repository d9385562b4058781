"""The CRM flow model as a pipeline: collect, store centrally, share, identify the best
customers, segment, profile, predict value.

Each stage is a small function whose output can be inspected (and plotted) on its own;
:func:`run_flow` runs them all in one call and returns a :class:`Flow` holding every
stage's output.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmkit._pages import ordinary_pages, running_in
# The store and share stages live in their own module; imported here so the whole flow can
# be imported from this one.
from crmkit.analytics.flow_store import check_store, share, store_centrally
from crmkit.analytics.rfm import rfm_scores
from crmkit.analytics.rfm_fast import rfm_fast
from crmkit.analytics.segments import behaviour_features, segment_customers, segment_profiles
from crmkit.analytics.value import probabilistic_clv
from crmkit.errors import DataError

__all__ = ["STAGES", "Flow", "collect", "store_centrally", "share", "identify_best", "run_flow"]

STAGES = ("collect", "store", "share", "identify", "segment", "profile", "predict")


@dataclass(frozen=True)
class Flow:
    """Every stage's output of one run of the flow model (synthetic data).

    Attributes
    ----------
    collected : DataFrame
        Records per source system (``source_system``, ``records``, ``first``, ``last``).
    database : Path
        The central store, a DuckDB warehouse (``.duckdb``, see
        :mod:`crmkit.analytics.warehouse`) or a SQLite file (``.db``): the observed tables
        plus ``customer_master``.
    master : DataFrame
        The customer master built by identity resolution over ``source_records``.
    views : dict of str to DataFrame
        What marketing, sales and service each get from the store.
    best : DataFrame
        RFM scores and segment names; the best customers are ``best[best.is_best]``.
    segments, profiles : DataFrame
        Behavioural segments of the buyers, and one profile row per segment.
    predictions : DataFrame
        Each buyer's predicted value over the horizon (BG/NBD with Gamma-Gamma).
    seconds : dict of str to float
        How long each stage took on this machine (wall clock). It varies from run to run
        and no result depends on it; it shows where the time goes (the store, mostly).
    cpu_seconds : dict of str to float
        The processor time (user plus system) of each stage: on a shared machine, where
        wall time grows with the other jobs, this is what the stage itself cost.
    """

    collected: pd.DataFrame
    database: Path
    master: pd.DataFrame
    views: dict = field(repr=False)
    best: pd.DataFrame = field(repr=False)
    segments: pd.DataFrame = field(repr=False)
    profiles: pd.DataFrame = field(repr=False)
    predictions: pd.DataFrame = field(repr=False)
    seconds: dict = field(default_factory=dict, repr=False, compare=False)
    cpu_seconds: dict = field(default_factory=dict, repr=False, compare=False)

    def summary(self) -> pd.DataFrame:
        """One row per stage: what it produced and how many rows."""
        rows = [
            ("collect", "records by source system", int(self.collected["records"].sum())),
            ("store", "people in the customer master", len(self.master)),
            ("share", "rows in the departments' views", sum(len(v) for v in self.views.values())),
            ("identify", "best customers", int(self.best["is_best"].sum())),
            ("segment", "segments", int(self.segments["segment"].nunique())),
            ("profile", "profile rows", len(self.profiles)),
            ("predict", "customers with a predicted value", len(self.predictions)),
        ]
        return pd.DataFrame(rows, columns=["stage", "output", "rows"])


def collect(source_records: pd.DataFrame) -> pd.DataFrame:
    """Collect: how many records each touchpoint's source system captured, and when.

    Columns in: ``source_system``, ``captured_at``. Columns out: ``source_system``,
    ``records``, ``first``, ``last``.

    >>> raw = pd.DataFrame({"source_system": ["web_shop", "web_shop", "call_centre"],
    ...                     "captured_at": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-01-20"])})
    >>> collect(raw)["records"].tolist()
    [1, 2]
    """
    grouped = source_records.groupby("source_system", observed=True)["captured_at"]
    return grouped.agg(records="size", first="min", last="max").reset_index()


def identify_best(orders: pd.DataFrame, as_of, top_share: float = 0.2, summary: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """Identify: RFM scores, and the ``top_share`` of buyers by spend flagged ``is_best``.

    Columns out: those of :func:`~crmkit.analytics.rfm.rfm_scores` plus ``is_best`` (true
    for every buyer whose spend reaches the ``1 - top_share`` quantile, so ties at the cut
    are all in). ``summary``, the RFM table of these orders (``rfm_fast(orders, as_of)``), may be
    passed when it is already computed.

    >>> orders = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5], "net_amount": [50.0, 10.0, 20.0, 5.0, 8.0],
    ...                        "ordered_at": pd.to_datetime(["2024-03-01"] * 5)})
    >>> best = identify_best(orders, "2024-12-31", top_share=0.2)
    >>> best.loc[best["is_best"], "customer_id"].tolist()
    [1]
    """
    if not 0 < top_share <= 1:
        raise DataError(f"top_share = {top_share!r}: must be above 0 and at most 1 (0.2 = the top fifth)")
    scores = rfm_scores(rfm_fast(orders, as_of) if summary is None else summary)
    cut = scores["total_spend"].quantile(1 - top_share)
    return scores.assign(is_best=scores["total_spend"] >= cut)


class _Stopwatch:
    """Runs the stages one by one, noting each one's seconds and moving a progress bar."""

    def __init__(self, progress: bool):
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.bar = None
        if progress:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=len(STAGES), unit="stage", desc="flow")

    def run(self, stage: str, function, *args, **kwargs):
        if self.bar is not None:
            self.bar.set_description(f"flow: {stage}")
        start, cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        self.seconds[stage] = time.perf_counter() - start
        self.cpu[stage] = time.process_time() - cpu
        if self.bar is not None:
            self.bar.update()
        return result

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@running_in(ordinary_pages)  # faster on large worlds: see crmkit._pages
def run_flow(world, as_of=None, segments: int = 4, horizon_days: int = 365, seed: int = 0,
             database: str | Path | None = None, threshold: float = 85.0, progress: bool = False,
             store: str | None = None) -> Flow:
    """Run the whole flow model on a world, stage by stage.

    Parameters
    ----------
    world : World
        A simulated world (only its observed tables are used).
    as_of : date-like, optional
        The analysis date of the identify, segment, profile and predict stages (default:
        the end of the observation window); collect and store take every record.
    segments : int
        Number of behavioural segments.
    horizon_days : int
        Horizon of the value prediction.
    seed : int
        Seed of the clustering.
    database : path, optional
        Where to write the central store (default: a new temporary folder).
    store : {"duckdb", "sqlite"}, optional
        The central store: a DuckDB warehouse (the default unless ``database`` ends in
        ``.db``; seconds even for a million customers) or the SQLite relational store
        (minutes for a large world).
    threshold : float
        Identity-resolution match threshold (0-100).
    progress : bool, default False
        Show a progress bar over the stages (worth it from about 100,000 customers, where
        the store alone takes minutes in SQLite).
    """
    if not isinstance(segments, int) or segments < 2:  # checked before the slow store is written
        raise DataError(f"segments = {segments!r}: must be a whole number of at least 2")
    store = check_store(store, database)
    as_of = world.observed_until if as_of is None else pd.Timestamp(as_of)
    suffix = ".duckdb" if store == "duckdb" else ".db"
    path = Path(database) if database else Path(tempfile.mkdtemp(prefix="crmkit-flow-")) / f"central{suffix}"
    known = world.customers[world.customers["signup_date"] <= as_of]  # nobody who signs up later
    clock = _Stopwatch(progress)
    try:
        collected = clock.run("collect", collect, world.source_records)
        central, master = clock.run("store", store_centrally, world, path, threshold, store)
        views = clock.run("share", share, central)
        def identify():  # one RFM table (the fast kernel, the same table as analytics.rfm) for identify and predict
            summary = rfm_fast(world.orders, as_of)
            return summary, identify_best(world.orders, as_of, summary=summary)

        summary, best = clock.run("identify", identify)

        def segment():
            features = behaviour_features(known, world.orders, world.order_items, world.products,
                                          world.interactions, as_of)
            return features, segment_customers(features, k=segments, seed=seed)

        features, groups = clock.run("segment", segment)
        profiles = clock.run("profile", segment_profiles, groups, features, known, as_of)
        predictions = clock.run("predict", probabilistic_clv, summary, horizon_days)
    finally:
        clock.close()
    return Flow(collected=collected, database=central, master=master, views=views, best=best, segments=groups,
                profiles=profiles, predictions=predictions, seconds=clock.seconds, cpu_seconds=clock.cpu)
