"""The critical path method on working days, with FS, SS, FF and SF links and lags.

A link says: a time point Q of the successor (its start, or its finish for FF and SF)
comes at least ``lag`` working days after a time point P of the predecessor (its
finish for FS and FF, its start for SS and SF). The forward pass takes, for every
task in topological order, the latest of these bounds (and the project start); the
backward pass mirrors it from the project finish. Both work on numpy arrays whose last
axis is the task, so the Monte Carlo simulation runs the same code over many runs at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from crmkit.errors import ConfigError
from crmkit.planning.checks import find_cycle
from crmkit.planning.model import Plan

DURATIONS = ("most_likely", "expected", "optimistic", "pessimistic")


@dataclass(frozen=True)
class Network:
    """The leaves of a plan in topological order, with their links as index arrays."""

    codes: tuple[str, ...]
    pred: np.ndarray
    succ: np.ndarray
    lag: np.ndarray
    from_finish: np.ndarray
    to_finish: np.ndarray

    @property
    def size(self) -> int:
        return len(self.codes)


def network(plan: Plan) -> Network:
    """Compile a plan's leaves and links, refusing cycles and links to unknown tasks.

    >>> from crmkit.planning.io import load_plan
    >>> net = network(load_plan("pschse"))
    >>> net.codes[0], net.size == len(load_plan("pschse").leaves)
    ('1.1.1', True)
    """
    leaves = [task.code for task in plan.leaves]
    known = set(leaves)
    for link in plan.links:
        if link.predecessor not in known or link.successor not in known:
            raise ConfigError(f"link {link} to {link.successor} names a task that is not a leaf of the plan; "
                              f"allowed: {', '.join(leaves[:5])}, ...")
    cycle = find_cycle(plan.links)
    if cycle:
        raise ConfigError(f"links form a dependency cycle {' -> '.join(cycle)}; "
                          "allowed: links that never lead back to the same task")
    graph = nx.DiGraph()
    graph.add_nodes_from(leaves)
    graph.add_edges_from((link.predecessor, link.successor) for link in plan.links)
    # Ties broken by outline order, so the order (and so float rounding) never depends on hashing.
    order = list(nx.lexicographical_topological_sort(graph, key=leaves.index))
    index = {code: i for i, code in enumerate(order)}
    return Network(
        codes=tuple(order),
        pred=np.array([index[link.predecessor] for link in plan.links], dtype=int),
        succ=np.array([index[link.successor] for link in plan.links], dtype=int),
        lag=np.array([link.lag for link in plan.links], dtype=float),
        from_finish=np.array([link.from_finish for link in plan.links], dtype=bool),
        to_finish=np.array([link.to_finish for link in plan.links], dtype=bool),
    )


def forward_pass(net: Network, durations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Early start and early finish offsets; ``durations`` has the tasks on its last axis.

    >>> net = Network(("a", "b"), np.array([0]), np.array([1]), np.array([2.0]),
    ...               np.array([True]), np.array([False]))          # a FS+2 b
    >>> forward_pass(net, np.array([3.0, 4.0]))
    (array([0., 5.]), array([3., 9.]))
    """
    durations = np.asarray(durations, dtype=float)
    early_start = np.zeros_like(durations)
    early_finish = np.zeros_like(durations)
    incoming = _links_by(net.succ, net.size)
    for j in range(net.size):
        for k in incoming[j]:
            i = net.pred[k]
            point = early_finish[..., i] if net.from_finish[k] else early_start[..., i]
            bound = point + net.lag[k] - (durations[..., j] if net.to_finish[k] else 0)
            early_start[..., j] = np.maximum(early_start[..., j], bound)
        early_finish[..., j] = early_start[..., j] + durations[..., j]
    return early_start, early_finish


def backward_pass(net: Network, durations: np.ndarray, finish) -> tuple[np.ndarray, np.ndarray]:
    """Late start and late finish offsets, given the project finish offset(s)."""
    durations = np.asarray(durations, dtype=float)
    late_finish = np.broadcast_to(np.asarray(finish, dtype=float)[..., None], durations.shape).copy()
    late_start = np.zeros_like(durations)
    outgoing = _links_by(net.pred, net.size)
    for i in reversed(range(net.size)):
        for k in outgoing[i]:
            j = net.succ[k]
            point = late_finish[..., j] if net.to_finish[k] else late_start[..., j]
            bound = point - net.lag[k] + (0 if net.from_finish[k] else durations[..., i])
            late_finish[..., i] = np.minimum(late_finish[..., i], bound)
        late_start[..., i] = late_finish[..., i] - durations[..., i]
    return late_start, late_finish


def free_float(net: Network, early_start, early_finish, finish) -> np.ndarray:
    """How far each task can slip without moving any successor's early date."""
    slack = np.broadcast_to(np.asarray(finish, dtype=float)[..., None], early_finish.shape) - early_finish
    for k in range(len(net.lag)):
        i, j = net.pred[k], net.succ[k]
        point_j = early_finish[..., j] if net.to_finish[k] else early_start[..., j]
        point_i = early_finish[..., i] if net.from_finish[k] else early_start[..., i]
        slack[..., i] = np.minimum(slack[..., i], point_j - net.lag[k] - point_i)
    return slack


def _links_by(ends: np.ndarray, size: int) -> list[list[int]]:
    by_task: list[list[int]] = [[] for _ in range(size)]
    for k, task in enumerate(ends):
        by_task[task].append(k)
    return by_task


def leaf_durations(plan: Plan, net: Network, durations: str = "most_likely") -> np.ndarray:
    """Whole working days per leaf in network order (fractions round up, as a day plan does).

    >>> from crmkit.planning.io import load_plan
    >>> plan = load_plan("pschse")
    >>> leaf_durations(plan, network(plan))[:3]
    array([5., 4., 6.])
    """
    if durations not in DURATIONS:
        raise ConfigError(f"durations is {durations!r}; allowed: one of {', '.join(DURATIONS)}")
    estimates = {task.code: task.estimate for task in plan.leaves}
    days = np.array([getattr(estimates[code], durations) for code in net.codes], dtype=float)
    return np.ceil(days - 1e-9) + 0.0  # + 0.0 turns the -0.0 of a milestone into 0.0


def cpm_table(net: Network, durations: np.ndarray) -> pd.DataFrame:
    """Early and late offsets, total and free float and criticality, one row per leaf.

    >>> net = Network(("a", "b", "c"), np.array([0, 0]), np.array([1, 2]), np.zeros(2),
    ...               np.array([True, True]), np.array([False, False]))  # a -> b, a -> c
    >>> cpm_table(net, np.array([2.0, 3.0, 1.0]))[["es", "ef", "total_float", "critical"]]  # doctest: +NORMALIZE_WHITESPACE
               es   ef  total_float  critical
    wbs_code
    a         0.0  2.0          0.0      True
    b         2.0  5.0          0.0      True
    c         2.0  3.0          2.0     False
    """
    es, ef = forward_pass(net, durations)
    finish = ef.max(initial=0.0)
    ls, lf = backward_pass(net, durations, finish)
    total = ls - es
    return pd.DataFrame(
        {
            "duration": durations, "es": es, "ef": ef, "ls": ls, "lf": lf,
            "total_float": total, "free_float": free_float(net, es, ef, finish),
            "critical": np.isclose(total, 0.0),
        },
        index=pd.Index(net.codes, name="wbs_code"),
    )
