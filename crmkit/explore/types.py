"""Types of CRM, each shown by what it does with the same world, drawn, with a dropdown.

Each type's view (its question, a headline, a table and the data of its picture) is computed
in :mod:`crmkit.analytics.crm_types` (:class:`~crmkit.analytics.crm_types.CrmTypeViews`, built
once from a world and called with a type); this module draws one view (:func:`draw_crm_type`)
and puts a dropdown in front (:func:`crm_types_explorer`).
"""

from __future__ import annotations

import numpy as np

from crmkit.analytics.crm_types import (  # noqa: F401  (the pure pieces, imported from here by lessons)
    CrmTypeView, CrmTypeViews, channels_before_orders, crm_type_views, joint_campaign_orders, partner_data_matrix,
    work_by_month,
)
from crmkit.explore._base import explorer

# Only the explorers: crmkit.explore collects every module's __all__ into one namespace and the widget
# benchmark builds each name in it. The pure pieces are imported from this module by name.
__all__ = ["crm_types_explorer"]

#: Dropdown label -> view key (:data:`crmkit.analytics.crm_types.CRM_TYPES`).
CRM_TYPE_OPTIONS = (
    ("Strategic", "strategic"),
    ("Operational", "operational"),
    ("Analytical", "analytical"),
    ("Collaborative (1): interaction points", "collaborative_touchpoints"),
    ("Collaborative (2): supply-chain partners", "collaborative_partners"),
)


# --- pictures ------------------------------------------------------------------------------------


def _draw_operational(view: CrmTypeView, ax) -> None:
    for column in view.data.columns:
        ax.plot(view.data.index, view.data[column], label=column)
    ax.set(ylabel="records per month", title="Operational CRM: the work recorded each month (synthetic data)")
    ax.legend(fontsize=8, ncols=2)


def _draw_analytical(view: CrmTypeView, ax) -> None:
    # Plain matplotlib bars: pandas' plotting would double the update time of the explorer.
    shares = view.table.iloc[::-1]
    positions = np.arange(len(shares))
    ax.barh(positions + 0.2, shares["share_of_customers"], height=0.4, color="#9ecae1", label="customers")
    ax.barh(positions - 0.2, shares["share_of_revenue"], height=0.4, color="#08519c", label="revenue")
    ax.set_yticks(positions, shares["segment"])
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.set(xlabel="share of all buyers", title="Analytical CRM: RFM segments, customers and revenue (synthetic data)")
    ax.legend(fontsize=8, loc="lower right")


def _draw_touchpoints(view: CrmTypeView, ax) -> None:
    ax.bar(view.data["channels_touched"], view.data["share_of_orders"], color="#2171b5")
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.set(xlabel="different channels touched in the 30 days before the order", ylabel="share of orders",
           title="Collaborative CRM (1): one customer, many touchpoints (synthetic data)")


def _draw_partners(view: CrmTypeView, ax) -> None:
    grid = view.data
    ax.imshow(grid.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1.4, aspect="auto")
    ax.set_xticks(np.arange(grid.shape[1]), [c.replace("_", " ") for c in grid.columns], rotation=25, ha="right", fontsize=8)
    ax.set_yticks(np.arange(grid.shape[0]), grid.index, fontsize=8)
    for (row, column), shared in np.ndenumerate(grid.to_numpy()):
        ax.text(column, row, "shared" if shared else "", ha="center", va="center", fontsize=7)
    ax.set_title("Collaborative CRM (2): what flows to each partner firm (synthetic data)")


def draw_crm_type(views: CrmTypeViews, crm_type: str = "strategic", ax=None) -> CrmTypeView:
    """Draw one type's view (``views`` from :func:`crm_type_views`) and return it.

    The picture: the whale curve (strategic), the work recorded per month (operational),
    RFM segments' shares of customers and revenue (analytical), the channels touched
    before each order (collaborative, first reading) or the data shared with each partner
    firm (collaborative, second reading).
    """
    from crmkit.plots import plot_whale_curve
    from crmkit.plots._base import new_axes

    view = views(crm_type)
    ax = new_axes(ax, (8, 4))
    if crm_type == "strategic":
        plot_whale_curve(view.data, ax=ax).set_title("Strategic CRM: who earns the profit, the whale curve (synthetic data)")
    else:
        {"operational": _draw_operational, "analytical": _draw_analytical, "collaborative_touchpoints": _draw_touchpoints,
         "collaborative_partners": _draw_partners}[crm_type](view, ax)
    return view


def crm_types_explorer(world, crm_type: str = "strategic"):
    """A dropdown choosing a type of CRM; shows what that type does with ``world``.

    ``widget.result`` is the current :class:`CrmTypeView`; ``widget.control("crm_type")``
    the dropdown (values: the keys of :data:`CRM_TYPE_OPTIONS`). Every view is computed
    once, when the explorer is built, so switching only redraws.
    """
    import ipywidgets as widgets

    views = crm_type_views(world)

    def draw(ax, crm_type):
        return draw_crm_type(views, crm_type, ax=ax)

    dropdown = widgets.Dropdown(options=CRM_TYPE_OPTIONS, value=crm_type, description="CRM type",
                                style={"description_width": "6em"}, layout={"width": "28em"})
    return explorer(draw, figsize=(8, 4), crm_type=dropdown)
