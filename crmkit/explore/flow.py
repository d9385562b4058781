"""The CRM flow model when the source data are messy, drawn, with an explorer.

Raise the source systems' defect rates and see the customer master and the best-customer list
degrade. The master, its best list and their scores at each defect scale and matching method
are computed in :mod:`crmkit.analytics.flow_views` (:class:`~crmkit.analytics.flow_views.DefectGrid`,
built once from a world and called with a scale and a method); this module draws one method's
sweep with the chosen scale marked (:func:`draw_flow_defects`) and wires the slider
(:func:`flow_defect_explorer`).
"""

from __future__ import annotations

from crmkit.analytics.flow_views import (
    DEFECT_SCALES, METHODS, METRICS, SYSTEM_OF_ORDER_CHANNEL, DefectGrid, DefectLevel, best_list, defect_grid,
    defect_level, entity_table, grid_table, orders_by_record,
)
from crmkit.explore._base import explorer

__all__ = ["SYSTEM_OF_ORDER_CHANNEL", "DEFECT_SCALES", "METHODS", "orders_by_record", "entity_table",
           "best_list", "DefectLevel", "defect_level", "DefectGrid", "defect_grid", "grid_table", "draw_flow_defects",
           "flow_defect_explorer"]


def draw_flow_defects(grid: DefectGrid, scale: float = 1.0, method: str = "fuzzy", ax=None) -> DefectLevel:
    """Draw precision, recall and the best list's accuracy against the defect scale for one
    method (``grid`` from :func:`defect_grid`), mark the chosen scale, and return that level."""
    from crmkit.plots._base import new_axes

    level = grid(scale, method)
    table = grid.table()
    mine = table[table["method"] == method]
    ax = new_axes(ax, (8, 4))
    labels = {"precision": "merges that are right (precision)", "recall": "duplicates found (recall)",
              "best_right": "'best customers' list that is right"}
    for metric, style in zip(METRICS, ("o-", "s-", "D--")):
        ax.plot(mine["defect_scale"], mine[metric], style, label=labels[metric])
    ax.axvline(level.scale, color="grey", linewidth=1, linestyle=":")
    m = level.metrics
    ax.set(xlabel="defect rates of the source systems (times the case's own)", ylabel="share", ylim=(0, 1.03),
           title=f"{METHODS[method]}, defects × {level.scale:g}: {m['master_rows']:,.0f} master rows for "
                 f"{m['true_people']:,.0f} people, {m['split_people']:,.0f} split (synthetic data)")
    ax.title.set_fontsize(9)
    ax.legend(loc="lower left", fontsize=8)
    return level


def flow_defect_explorer(world, scale: float = 1.0, method: str = "fuzzy", customers: int | None = 3000,
                         scales=DEFECT_SCALES):
    """Raise the source systems' defect rates; see the customer master and the best-customer list degrade.

    The levels are computed once when the explorer is built (:class:`DefectGrid`, on the
    first ``customers`` customers); the slider then only picks one. ``widget.result`` is the
    current :class:`DefectLevel`; controls ``scale`` and ``method``.
    """
    import ipywidgets as widgets

    grid = defect_grid(world, scales, customers)

    def draw(ax, scale, method):
        return draw_flow_defects(grid, scale, method, ax=ax)

    widget = explorer(draw, figsize=(8, 4),
                      scale=widgets.SelectionSlider(options=[(f"{s:g}×", float(s)) for s in scales],
                                                    value=float(scale), description="defect rates"),
                      method=widgets.ToggleButtons(options=[(label, key) for key, label in METHODS.items()],
                                                   value=method, description="matching"))
    widget.grid = grid  # the precomputed data, for the next cell and the tests
    return widget
