"""Uncertainty: PERT expected durations and variances, and Monte Carlo completion dates.

The Monte Carlo simulation draws every leaf's duration for all runs at once (a
``runs x tasks`` array) and pushes the whole array through the same forward pass as the
critical path method, so 10,000 runs of the PSCHSE plan take a few milliseconds.

Independent draws assume that one task running late says nothing about another. On a real
project the same causes (a vague requirement, a busy integrator) stretch many tasks at once,
so independent durations understate the spread of the finish date. ``correlation`` links
the draws through one shared factor (see :func:`correlate`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit._random import SeedLike, as_generator
from crmkit.errors import ConfigError
from crmkit.planning.cpm import Network, backward_pass, forward_pass, network
from crmkit.planning.model import Plan

# A percentile from 100,000 runs is already within a few hundredths of a day; a million is
# the most that can matter. Each run holds a few float arrays over the scheduled tasks, about
# 55 bytes per run and task (measured: 200,000 runs of the 49-task PSCHSE plan, 550 MB), so
# runs x tasks is bounded too: 50 million cells is about 3 GB.
MAX_RUNS = 1_000_000
MAX_CELLS = 50_000_000
MAX_UNCERTAINTY = 10  # ten times every range: past it the estimates say nothing

METHODS = ("pert", "triangular")


def pert_table(plan: Plan) -> pd.DataFrame:
    """Three-point estimates of the leaves with PERT expected duration, variance and sd.

    >>> from crmkit.planning import load_plan
    >>> pert_table(load_plan("pschse")).loc["1.1.2", ["expected", "variance"]].round(3).tolist()
    [4.167, 0.25]
    """
    rows = {
        task.code: {
            "name": task.name, "optimistic": task.estimate.optimistic, "most_likely": task.estimate.most_likely,
            "pessimistic": task.estimate.pessimistic, "expected": task.estimate.expected,
            "variance": task.estimate.variance,
        }
        for task in plan.leaves
    }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("wbs_code")
    table["sd"] = np.sqrt(table["variance"])
    return table


def target_of(plan: Plan, target: str | None = None) -> str:
    """The task whose finish is tracked: ``target``, else the launch milestone, else the last leaf."""
    code = target or plan.launch_milestone or network(plan).codes[-1]
    plan.task(code)  # raises a clear error for an unknown code
    return code


def deadline_offset(plan: Plan, day: dt.date) -> int:
    """Working days from the plan's start up to and including ``day``: finishing by
    ``day`` means an early-finish offset no later than this."""
    return plan.calendar.offset_of(plan.start, day + dt.timedelta(days=1))


def pert_completion(plan: Plan, target: str | None = None) -> dict:
    """Classic PERT: mean and sd of the target's finish along its critical path (normal law).

    It ignores the other paths that may overtake the critical one (merge bias), so it is
    optimistic next to :func:`simulate`.

    >>> from crmkit.planning import load_plan
    >>> result = pert_completion(load_plan("pschse"))
    >>> sorted(result)
    ['mean', 'path', 'probability', 'sd']
    """
    net = network(plan)
    table = pert_table(plan).loc[list(net.codes)]
    durations = table["expected"].to_numpy()
    es, ef = forward_pass(net, durations)
    path = driving_path(net, es, ef, durations, net.codes.index(target_of(plan, target)))
    mean, sd = float(ef[net.codes.index(path[-1])]), math.sqrt(table.loc[list(path), "variance"].sum())
    probability = None
    if plan.launch is not None:
        z = (deadline_offset(plan, plan.launch) - mean) / sd if sd else math.inf
        probability = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    return {"mean": mean, "sd": sd, "path": path, "probability": probability}


def driving_path(net: Network, es, ef, durations, target: int) -> tuple[str, ...]:
    """Walk back from ``target`` along links whose bound sets the early start."""
    path, j = [net.codes[target]], target
    while True:
        driving = [
            k for k in np.flatnonzero(net.succ == j)
            if math.isclose(_bound(net, k, es, ef, durations), es[j], abs_tol=1e-9)
        ]
        if not driving or es[j] <= 1e-9:
            return tuple(reversed(path))
        j = int(net.pred[driving[0]])
        path.append(net.codes[j])


def _bound(net: Network, k: int, es, ef, durations) -> float:
    i, j = net.pred[k], net.succ[k]
    point = ef[i] if net.from_finish[k] else es[i]
    return point + net.lag[k] - (durations[j] if net.to_finish[k] else 0)


def draw_durations(low, mode, high, runs: int, rng: np.random.Generator, method: str = "pert") -> np.ndarray:
    """Draw ``runs`` durations per task from triangular or PERT-beta laws (tasks last).

    >>> rng = np.random.default_rng(1)
    >>> d = draw_durations(np.array([0.0, 2]), np.array([0.0, 4]), np.array([0.0, 12]), 1000, rng)
    >>> d.shape, d[:, 0].max(), bool(2 <= d[:, 1].min() and d[:, 1].max() <= 12)
    ((1000, 2), np.float64(0.0), True)
    """
    if method not in METHODS:
        raise ConfigError(f"method is {method!r}; allowed: one of {', '.join(METHODS)}")
    width = high - low
    # A fixed duration (low == high) has no spread; a dummy width keeps the maths finite.
    mode_share = (mode - low) / np.where(width > 0, width, 1.0)
    if method == "pert":
        unit = rng.beta(1 + 4 * mode_share, 1 + 4 * (1 - mode_share), size=(runs, len(low)))
    else:
        u = rng.random((runs, len(low)))
        unit = np.where(u < mode_share, np.sqrt(u * mode_share), 1 - np.sqrt((1 - u) * (1 - mode_share)))
    return low + unit * width


def correlate(durations: np.ndarray, correlation: float, rng: np.random.Generator) -> np.ndarray:
    """Reorder each task's draws so that tasks run long or short together.

    Every run gets one shared normal factor; a task's latent score is
    ``sqrt(c) * shared + sqrt(1 - c) * own``, and each task's own draws are handed out in
    the order of its scores (a Gaussian copula built by ranks). Each task keeps exactly the
    durations it had, so its range and mean do not change: only which runs are long
    together does. ``correlation`` 0 returns the draws as they are.

    >>> rng = np.random.default_rng(3)
    >>> d = rng.random((2000, 2))
    >>> linked = correlate(d, 0.9, rng)
    >>> bool(np.allclose(np.sort(linked, axis=0), np.sort(d, axis=0))), bool(np.corrcoef(linked.T)[0, 1] > 0.8)
    (True, True)
    """
    if not correlation:
        return durations
    runs, tasks = durations.shape
    shared = rng.standard_normal((runs, 1))
    scores = np.sqrt(correlation) * shared + np.sqrt(1 - correlation) * rng.standard_normal((runs, tasks))
    ranks = np.argsort(np.argsort(scores, axis=0, kind="stable"), axis=0, kind="stable")
    return np.take_along_axis(np.sort(durations, axis=0), ranks, axis=0)


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo finish offsets (working days from the start) of a plan's target."""

    plan: Plan
    target: str
    offsets: np.ndarray
    project_offsets: np.ndarray
    criticality: pd.Series
    method: str
    correlation: float = 0.0

    def dates(self, offsets=None) -> np.ndarray:
        """Finish dates (numpy ``datetime64[D]``): work up to offset t ends on day ceil(t) - 1."""
        offsets = self.offsets if offsets is None else np.asarray(offsets, dtype=float)
        days = np.maximum(np.ceil(offsets - 1e-9) - 1, 0).astype(int)
        cal = self.plan.calendar
        return np.busday_offset(np.datetime64(self.plan.start, "D"), days, roll="forward", busdaycal=cal._busdays())

    def probability_by(self, day: dt.date) -> float:
        """Share of runs in which the target is done by the end of ``day``."""
        return float(np.mean(self.offsets <= deadline_offset(self.plan, day) + 1e-9))

    def spread(self, low: int = 10, high: int = 90) -> float:
        """Working days between the ``low`` and ``high`` percentiles of the target's finish."""
        return float(np.diff(np.percentile(self.offsets, [low, high]))[0])

    def percentile_dates(self, percents=(50, 80, 95)) -> dict[int, dt.date]:
        """The dates by which the target is done in ``percents`` % of runs."""
        offsets = np.percentile(self.offsets, percents, method="higher")
        return {p: d.astype(object) for p, d in zip(percents, self.dates(offsets), strict=True)}


def simulate(plan: Plan, runs: int = 10_000, seed: SeedLike = 0, method: str = "pert",
             uncertainty: float = 1.0, target: str | None = None, correlation: float = 0.0) -> Simulation:
    """Simulate the plan ``runs`` times with random durations.

    Parameters
    ----------
    plan : Plan
    runs : int
    seed : int or numpy.random.Generator
    method : {"pert", "triangular"}
        PERT-beta or triangular draws between optimistic and pessimistic.
    uncertainty : float
        Stretches every range around its most likely value (1 keeps the estimates).
    target : str, optional
        WBS code whose finish is tracked; defaults to the plan's launch milestone.
    correlation : float
        From 0 (independent durations) to 1 (every task long or short together); see
        :func:`correlate`. The same seed gives the same draws, reordered.

    Examples
    --------
    >>> from crmkit.planning import load_plan
    >>> sim = simulate(load_plan("pschse"), runs=2_000, seed=1)
    >>> sim.offsets.shape, 0 < sim.probability_by(sim.plan.launch) < 1
    ((2000,), True)
    """
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or not 1 <= runs <= MAX_RUNS:
        raise ConfigError(f"runs is {runs!r}; allowed: a whole number from 1 to {MAX_RUNS:,}")
    runs = int(runs)
    if isinstance(uncertainty, bool) or not isinstance(uncertainty, (int, float, np.number)) \
            or not 0 <= uncertainty <= MAX_UNCERTAINTY:
        raise ConfigError(f"uncertainty is {uncertainty!r}; allowed: a number from 0 to {MAX_UNCERTAINTY} "
                          "(1 keeps the estimates)")
    if isinstance(correlation, bool) or not isinstance(correlation, (int, float, np.number)) \
            or not 0 <= correlation <= 1:
        raise ConfigError(f"correlation is {correlation!r}; allowed: a number from 0 (independent durations) to 1")
    plan = plan.with_estimates(lambda e: e.widened(uncertainty))
    net = network(plan)
    if runs * len(net.codes) > MAX_CELLS:
        raise ConfigError(f"runs is {runs:,}; allowed for this plan of {len(net.codes)} scheduled tasks: at most "
                          f"{MAX_CELLS // len(net.codes):,} (each run of each task takes memory)")
    table = pert_table(plan).loc[list(net.codes)]
    rng = as_generator(seed)
    durations = draw_durations(*(table[c].to_numpy() for c in ("optimistic", "most_likely", "pessimistic")),
                               runs, rng, method)
    durations = correlate(durations, float(correlation), rng)
    es, ef = forward_pass(net, durations)
    finish = ef.max(axis=1)
    ls, _ = backward_pass(net, durations, finish)
    code = target_of(plan, target)
    criticality = pd.Series(np.isclose(ls, es).mean(axis=0), index=pd.Index(net.codes, name="wbs_code"))
    return Simulation(plan, code, ef[:, net.codes.index(code)], finish, criticality, method, float(correlation))
