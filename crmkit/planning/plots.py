"""Pictures of a plan: Gantt chart, WBS tree, activity network and completion curve.

Every function takes ``ax=None`` (a new figure is made) and returns the axes it drew on.
Nothing here changes matplotlib's global style.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from crmkit.planning.cpm import network
from crmkit.planning.model import Plan
from crmkit.planning.scheduling import Schedule

CRITICAL, NORMAL, SUMMARY, FAINT = "#c0392b", "#5b7fa6", "#333333", "#bbbbbb"


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _within(table: pd.DataFrame, within: str | None, max_level: int | None) -> pd.DataFrame:
    if within:
        table = table[(table["wbs_code"] == within) | table["wbs_code"].str.startswith(within + ".")]
    if max_level:
        table = table[table["level"] <= max_level]
    return table.reset_index(drop=True)


def plot_gantt(sched: Schedule, within: str | None = None, max_level: int | None = None, ax=None):
    """Gantt chart with WBS codes; critical tasks in red, summaries black, milestones as diamonds.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from crmkit.planning import load_plan, schedule
    >>> ax = plot_gantt(schedule(load_plan("pschse")), within="6.2")
    >>> ax.get_yticklabels()[0].get_text().strip()
    '6.2  Data migration'
    """
    table = _within(sched.table, within, max_level)
    ax = _axes(ax, (10, 0.28 * len(table) + 1.2))
    starts, finishes = mdates.date2num(table["start"]), mdates.date2num(table["finish"])
    for y, row in table.iterrows():
        color = CRITICAL if row["critical"] else NORMAL
        if row["milestone"]:
            ax.plot(finishes[y], y, marker="D", color=color, markersize=7)
        elif row["summary"]:
            ax.barh(y, finishes[y] - starts[y], left=starts[y], height=0.3, color=SUMMARY)
        else:
            ax.barh(y, finishes[y] - starts[y], left=starts[y], height=0.6, color=color)
    labels = [f"{'  ' * (level - 1)}{code}  {name}" for code, name, level in table[["wbs_code", "name", "level"]].values]
    ax.set_yticks(range(len(table)), labels)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_title(f"Gantt chart of {sched.plan.name} (red: critical path)")
    return ax


def plot_wbs(plan: Plan, max_level: int = 2, ax=None):
    """The WBS as a chart: the project on top, phases across, their elements below.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from crmkit.planning import load_plan
    >>> ax = plot_wbs(load_plan("pschse"))
    >>> any(t.get_text().startswith("6.2\\n") for t in ax.texts)
    True
    """
    phases = [t for t in plan.tasks if t.level == 1]
    ax = _axes(ax, (1.6 * len(phases) + 1, 1.2 * max(4, max_level * 3)))
    box = {"boxstyle": "round,pad=0.3", "facecolor": "#f4f6f8", "edgecolor": SUMMARY}
    ax.text((len(phases) - 1) / 2, 1.3, plan.title or plan.name, ha="center", va="center", bbox=box, fontsize=9)
    ax.plot([0, len(phases) - 1], [0.85, 0.85], color=SUMMARY, lw=0.8)
    depth = 0
    for x, phase in enumerate(phases):
        ax.plot([x, x, (len(phases) - 1) / 2], [0.5, 0.85, 0.85], color=SUMMARY, lw=0.8)
        below = [t for t in plan.tasks if t.code.startswith(phase.code + ".") and t.level <= max_level]
        for y, task in enumerate([phase, *below]):
            indent = 0.12 * (task.level - 1)
            label = f"{task.code}\n" + textwrap.fill(task.name, 16)
            ax.text(x + indent, -1.1 * y, label, ha="center", va="top", fontsize=7, bbox=box)
        depth = max(depth, len(below))
    ax.set_xlim(-0.7, len(phases) - 0.3)
    ax.set_ylim(-1.1 * depth - 1.4, 1.7)
    ax.set_axis_off()
    return ax


def plot_network(sched: Schedule, within: str | None = None, ax=None):
    """Activity-on-node diagram of the leaves (under ``within``), critical ones in red.

    Each box shows the WBS code and its early start and finish (working days); a link
    other than a plain FS is labelled with its type and lag.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from crmkit.planning import load_plan, schedule
    >>> ax = plot_network(schedule(load_plan("pschse")), within="6.2")
    >>> len(ax.texts) > 10
    True
    """
    leaves = sched.table[~sched.table["summary"]]
    leaves = _within(leaves, within, None).set_index("wbs_code")
    graph = nx.DiGraph()
    graph.add_nodes_from(leaves.index)
    links = [link for link in sched.plan.links if link.predecessor in graph and link.successor in graph]
    graph.add_edges_from((link.predecessor, link.successor) for link in links)
    position = _layered_positions(graph, network(sched.plan).codes)
    width = max(x for x, _ in position.values()) + 1
    height = max(-y for _, y in position.values()) + 1
    ax = _axes(ax, (1.7 * width + 1, 1.0 * height + 1))
    for link in links:
        critical = leaves.at[link.predecessor, "critical"] and leaves.at[link.successor, "critical"]
        ax.annotate("", position[link.successor], position[link.predecessor],
                    arrowprops={"arrowstyle": "->", "color": CRITICAL if critical else FAINT, "shrinkA": 22, "shrinkB": 22})
        if str(link) != f"{link.predecessor}FS":
            middle = np.mean([position[link.predecessor], position[link.successor]], axis=0)
            ax.text(*middle, str(link)[len(link.predecessor):], fontsize=7, ha="center", color=SUMMARY)
    for code, (x, y) in position.items():
        row = leaves.loc[code]
        ax.text(x, y, f"{code}\n{row['es']:g} - {row['ef']:g}", ha="center", va="center", fontsize=7,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": CRITICAL if row["critical"] else NORMAL})
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-height + 0.4, 0.6)
    ax.set_axis_off()
    ax.set_title("Activity network (box: WBS code, early start - early finish in working days)")
    return ax


def _layered_positions(graph: nx.DiGraph, order) -> dict:
    """x = the node's layer (longest chain of links before it), y = its place in the layer."""
    rank = {code: i for i, code in enumerate(order)}
    layer = {}
    for node in sorted(graph, key=rank.get):
        layer[node] = max((layer[p] + 1 for p in graph.predecessors(node)), default=0)
    position, used = {}, {}
    for node in sorted(graph, key=rank.get):
        used[layer[node]] = used.get(layer[node], -1) + 1
        position[node] = (layer[node], -used[layer[node]])
    return position


def plot_completion(sim, marks: dict | None = None, ax=None):
    """The chance of reaching the target by each date, with dates of interest marked.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from crmkit.planning import load_plan, simulate
    >>> ax = plot_completion(simulate(load_plan("pschse"), runs=500, seed=1))
    >>> ax.get_ylabel()
    'chance of being done by then'
    """
    ax = _axes(ax, (9, 4))
    days = np.sort(sim.dates())
    ax.step(mdates.date2num(days), np.arange(1, len(days) + 1) / len(days), where="post", color=NORMAL)
    colors = ("#7f8c8d", "#e67e22", CRITICAL, SUMMARY)
    for height, ((label, day), color) in enumerate(zip((marks or {}).items(), colors, strict=False)):
        ax.axvline(mdates.date2num(day), color=color, ls="--")
        # Stacked labels stay readable when the marked dates lie a few days apart.
        ax.text(mdates.date2num(day), 0.9 - 0.13 * height, f" {label}\n {day:%d %b}: {sim.probability_by(day):.0%}",
                color=color, fontsize=8, backgroundcolor="white")
    for percent in (0.5, 0.8, 0.95):
        ax.axhline(percent, color=FAINT, lw=0.8, ls=":")
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("chance of being done by then")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_title(f"{sim.target} over {len(sim.offsets):,} simulated runs ({sim.method})")
    return ax
