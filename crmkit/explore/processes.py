"""The CRM processes on a world, drawn: pick a process and see its place in the flow of
processes or its records per month.

What each process writes and feeds is counted in :mod:`crmkit.analytics.processes`
(:func:`process_records`, :func:`process_views`, :func:`feed_volumes`, :func:`crm_life_cycle`,
:func:`what_crm_adds`, imported here for the lesson); this module draws one process's view
(:func:`draw_process`) and wires the widget (:func:`process_flow_explorer`).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from crmkit.analytics.processes import (  # noqa: F401  (the lesson reads these from here)
    ERP_TABLES, PROCESS_FEEDS, ProcessView, crm_life_cycle, feed_volumes, process_records, process_stages,
    process_views, what_crm_adds,
)
from crmkit.errors import ConfigError, describe_allowed
from crmkit.explore._base import explorer

# Only the explorers: crmkit.explore collects every module's __all__ into one namespace and the widget
# benchmark builds each name in it. The pure pieces below are imported from this module by name.
__all__ = ["process_flow_explorer"]

GROUP_X = {"delivery": 0.0, "support": 1.0, "analysis": 2.0}
GROUP_COLOURS = {"delivery": "#c6dbef", "support": "#fdd0a2", "analysis": "#c7e9c0"}


@cache
def _nodes() -> tuple[tuple[str, str, str, float, float], ...]:
    """(key, name, group, x, y) of each process in the flow picture: a column per group."""
    nodes = []
    for group, members in process_stages().groupby("group", sort=False):
        ys = np.linspace(1, 0, len(members) + 2)[1:-1]
        nodes += [(key, name, group, GROUP_X[group], y) for key, name, y in zip(members["key"], members["stage"], ys)]
    return tuple(nodes)


def _draw_flow(view: ProcessView, ax) -> None:
    where = {key: (x, y) for key, _, _, x, y in _nodes()}
    for source, target, *_ in PROCESS_FEEDS:
        mine, into = source == view.key, target == view.key
        colour, width, alpha = ("#cb181d", 1.8, 1) if mine else ("#2171b5", 1.6, 1) if into else ("grey", 0.6, 0.3)
        same_column = where[source][0] == where[target][0]  # bend wide round the boxes in between
        ax.annotate("", xy=where[target], xytext=where[source], zorder=3 if mine or into else 1,
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": width, "alpha": alpha, "shrinkA": 22,
                                "shrinkB": 22, "connectionstyle": f"arc3,rad={0.6 if same_column else 0.12}"})
    for key, name, group, x, y in _nodes():
        chosen = key == view.key
        ax.text(x, y, name.replace(" management", "\nmanagement"), ha="center", va="center",
                fontsize=8, fontweight="bold" if chosen else "normal", zorder=4,
                bbox={"boxstyle": "round", "fc": GROUP_COLOURS[group], "ec": "black" if chosen else "grey",
                      "lw": 2 if chosen else 0.5})
    for group, x in GROUP_X.items():
        ax.text(x, 1.02, f"{group.upper()} PROCESSES", ha="center", fontsize=9, color="grey")
    ax.set(xlim=(-0.45, 2.45), ylim=(-0.05, 1.08),
           title=f"{view.name}: red arrows = what it feeds, blue = what feeds it, grey = the other hand-overs")
    ax.axis("off")


def _draw_volumes(view: ProcessView, ax) -> None:
    for column in view.monthly.columns:
        ax.plot(view.monthly.index, view.monthly[column], label=column)
    ax.set(ylabel="rows per month", title=f"{view.name}: its records per month (synthetic data)")
    ax.legend(fontsize=8)


def draw_process(views: dict[str, ProcessView], process: str = "campaign_management", show: str = "flow",
                 ax=None) -> ProcessView:
    """Draw one process (from :func:`process_views`): its place in the flow of processes
    (``show="flow"``) or its records per month (``show="volumes"``); return its view."""
    from crmkit.plots._base import new_axes

    if process not in views:
        raise ConfigError(f"process = {process!r}: {describe_allowed(views)}")
    if show not in ("flow", "volumes"):
        raise ConfigError(f"show = {show!r}: {describe_allowed(('flow', 'volumes'))}")
    view = views[process]
    ax = new_axes(ax, (9, 4.5))
    _draw_flow(view, ax) if show == "flow" else _draw_volumes(view, ax)
    return view


def process_flow_explorer(world, process: str = "campaign_management", show: str = "flow"):
    """Choose a CRM process; see its tables, its volumes per month and what it feeds.

    ``widget.result`` is the current :class:`ProcessView`; the controls are ``process``
    (a dropdown of the nine processes) and ``show`` (``"flow"`` or ``"volumes"``). Every
    view is computed once, when the explorer is built, so a change only redraws.
    """
    import ipywidgets as widgets

    views = process_views(world.tables)
    options = [(f"{view.name} ({view.group})", key) for key, view in views.items()]

    def draw(ax, process, show):
        return draw_process(views, process, show, ax=ax)

    return explorer(draw, figsize=(9, 4.5),
                    process=widgets.Dropdown(options=options, value=process, description="process", layout={"width": "30em"}),
                    show=widgets.ToggleButtons(options=[("flow of processes", "flow"), ("records per month", "volumes")],
                                               value=show, description="show"))
