"""Types of CRM, each shown by what it does with the same world.

Strategic CRM decides whom to serve (who is worth keeping), operational CRM runs the
day-to-day work that touches customers, analytical CRM turns the records into knowledge,
and collaborative CRM, in the course's two readings, shares one picture of the customer
across touchpoints or aligns partner firms in the supply chain. :func:`crm_type_views`
computes each type's view of a world once; :func:`draw_crm_type` draws one of them;
:func:`crm_types_explorer` puts a dropdown in front.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, describe_allowed
from crmkit.analytics._checks import require_columns as _require
from crmkit.explore._base import explorer

# Only the explorers: crmkit.explore collects every module's __all__ into one namespace and the widget
# benchmark builds each name in it. The pure pieces below are imported from this module by name.
__all__ = ["crm_types_explorer"]

#: Dropdown label -> view key; collaborative CRM appears once per reading of the course.
CRM_TYPE_OPTIONS = (
    ("Strategic", "strategic"),
    ("Operational", "operational"),
    ("Analytical", "analytical"),
    ("Collaborative (1): interaction points", "collaborative_touchpoints"),
    ("Collaborative (2): supply-chain partners", "collaborative_partners"),
)


@dataclass(frozen=True, eq=False)
class CrmTypeView:
    """What one type of CRM does with a world: the question it answers, the answer in one
    sentence (``headline``), a small ``table`` and the ``data`` its picture is drawn from."""

    key: str
    crm_type: str
    title: str
    question: str
    headline: str
    table: pd.DataFrame
    data: pd.DataFrame = field(repr=False)

    def __str__(self) -> str:
        return f"{self.title}: {self.headline}"

    __repr__ = __str__  # one readable line, also as the text/plain output in a notebook

    def _repr_html_(self) -> str:
        return (f"<p><b>{self.title}.</b> <i>{self.question}</i><br>{self.headline}</p>"
                + self.table.to_html(index=False, float_format=lambda x: f"{x:,.3f}"))


# --- the pure pieces ---------------------------------------------------------------------------


def _month(times: pd.Series) -> pd.Series:
    return times.dt.to_period("M").dt.to_timestamp()


def work_by_month(orders: pd.DataFrame, cases: pd.DataFrame, campaign_members: pd.DataFrame,
                  activities: pd.DataFrame) -> pd.DataFrame:
    """The work operational CRM records each month: orders, service cases, campaign contacts
    and sales activities done.

    Reads ``orders.ordered_at``, ``cases.opened_at``, ``campaign_members`` (``added_at``,
    ``in_control_group``: the control group is not contacted) and ``activities``
    (``status``, ``done_at``, ``case_id``: activities on a service case are service work,
    not sales work). Returns one row per month (index ``month``, first day) and one column
    per kind of work; months without any work of a kind count 0.

    >>> orders = pd.DataFrame({"ordered_at": pd.to_datetime(["2024-01-03", "2024-02-09"])})
    >>> cases = pd.DataFrame({"opened_at": pd.to_datetime(["2024-02-01"])})
    >>> members = pd.DataFrame({"added_at": pd.to_datetime(["2024-01-05"] * 2), "in_control_group": [False, True]})
    >>> acts = pd.DataFrame({"status": ["done", "planned"], "done_at": pd.to_datetime(["2024-01-07", None]),
    ...                      "case_id": pd.array([None, None], dtype="Int64")})
    >>> work_by_month(orders, cases, members, acts).to_dict("list")
    {'orders taken': [1, 1], 'service cases': [0, 1], 'campaign contacts': [1, 0], 'sales activities': [1, 0]}
    """
    _require(orders, ["ordered_at"], "orders")
    _require(cases, ["opened_at"], "cases")
    _require(campaign_members, ["added_at", "in_control_group"], "campaign_members")
    _require(activities, ["status", "done_at", "case_id"], "activities")
    sales_work = activities[(activities["status"] == "done") & activities["case_id"].isna()]
    counts = {
        "orders taken": _month(orders["ordered_at"]).value_counts(),
        "service cases": _month(cases["opened_at"]).value_counts(),
        "campaign contacts": _month(campaign_members.loc[~campaign_members["in_control_group"].astype(bool), "added_at"]).value_counts(),
        "sales activities": _month(sales_work["done_at"]).value_counts(),
    }
    table = pd.DataFrame(counts).fillna(0).astype("int64").sort_index()
    return table.rename_axis("month")


def channels_before_orders(touchpoints: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """How many different channels each order's customer touched before the order.

    Reads ``touchpoints`` (from :func:`crmkit.analytics.order_touchpoints`: ``order_id``,
    ``channel``) and ``orders.order_id``. Returns ``order_id`` and ``channels`` (distinct
    channels touched in the window; 0 for an order with no recorded touch), one row per order.

    >>> touches = pd.DataFrame({"order_id": [1, 1, 1, 2], "channel": ["web", "email", "web", "web"]})
    >>> channels_before_orders(touches, pd.DataFrame({"order_id": [1, 2, 3]}))["channels"].tolist()
    [2, 1, 0]
    """
    _require(touchpoints, ["order_id", "channel"], "touchpoints")
    _require(orders, ["order_id"], "orders")
    distinct = touchpoints.groupby("order_id")["channel"].nunique()
    channels = distinct.reindex(orders["order_id"].to_numpy(), fill_value=0).astype("int64")
    return pd.DataFrame({"order_id": orders["order_id"].to_numpy(), "channels": channels.to_numpy()})


def partner_data_matrix(partners: pd.DataFrame) -> pd.DataFrame:
    """Which data flows between the company and each partner firm, as a true/false grid.

    Reads ``partners`` (``name``, ``data_shared``: comma-separated items). Returns one row
    per partner (index ``name``) and one column per data item, in order of first mention.

    >>> partners = pd.DataFrame({"name": ["A", "B"], "data_shared": ["sales_data, inventory", "inventory"]})
    >>> partner_data_matrix(partners).to_dict("index")
    {'A': {'sales_data': True, 'inventory': True}, 'B': {'sales_data': False, 'inventory': True}}
    """
    _require(partners, ["name", "data_shared"], "partners")
    items = partners["data_shared"].fillna("").str.split(",").explode().str.strip()
    items = items[items != ""]
    grid = pd.crosstab(partners["name"].loc[items.index].to_numpy(), items.to_numpy()) > 0  # explode repeats the index
    return grid.reindex(index=partners["name"], columns=list(dict.fromkeys(items)), fill_value=False)


def joint_campaign_orders(partners: pd.DataFrame, campaigns: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """The campaigns run jointly with a partner firm, and the orders that redeemed their offer.

    Reads ``partners`` (``name``, ``kind``, ``joint_campaign_id``), ``campaigns``
    (``campaign_id``, ``name``) and ``orders`` (``campaign_id``, ``net_amount``). Returns
    ``partner``, ``kind``, ``campaign_id``, ``campaign``, ``orders`` and ``revenue``.

    >>> partners = pd.DataFrame({"name": ["P"], "kind": ["co_marketer"], "joint_campaign_id": [2]})
    >>> campaigns = pd.DataFrame({"campaign_id": [1, 2], "name": ["Spring", "Summer"]})
    >>> orders = pd.DataFrame({"campaign_id": [2, 2, 1, None], "net_amount": [10.0, 5.0, 7.0, 3.0]})
    >>> joint_campaign_orders(partners, campaigns, orders)[["campaign", "orders", "revenue"]].values.tolist()
    [['Summer', 2, 15.0]]
    """
    _require(partners, ["name", "kind", "joint_campaign_id"], "partners")
    _require(campaigns, ["campaign_id", "name"], "campaigns")
    _require(orders, ["campaign_id", "net_amount"], "orders")
    joint = partners.dropna(subset=["joint_campaign_id"])
    redeemed = orders.groupby("campaign_id")["net_amount"].agg(["size", "sum"])
    table = pd.DataFrame({
        "partner": joint["name"].to_numpy(), "kind": joint["kind"].astype(str).to_numpy(),
        "campaign_id": joint["joint_campaign_id"].astype("int64").to_numpy(),
    })
    table["campaign"] = table["campaign_id"].map(campaigns.set_index("campaign_id")["name"])
    table["orders"] = table["campaign_id"].map(redeemed["size"]).fillna(0).astype("int64")
    table["revenue"] = table["campaign_id"].map(redeemed["sum"]).fillna(0.0)
    return table


# --- each type's view of a world -----------------------------------------------------------------


def _strategic(world) -> CrmTypeView:
    from crmkit.analytics import customer_profitability, profitability_summary

    profit = customer_profitability(world.customer_costs)
    summary = profitability_summary(profit)
    headline = (f"{summary['unprofitable_share']:.0%} of the {int(summary['customers']):,} buyers cost more to serve "
                f"than they bring; the top 20% of buyers earn {summary['top_20pct_share_of_profit']:.0%} of the profit.")
    table = summary.rename_axis("figure").reset_index(name="value")
    return CrmTypeView("strategic", "strategic", "Strategic CRM", "Which customers do we want to win and keep?",
                       headline, table, profit)


def _operational(world) -> CrmTypeView:
    work = work_by_month(world.orders, world.cases, world.campaign_members, world.activities)
    table = pd.DataFrame({"work": work.columns, "records": work.sum().to_numpy(), "per_month": work.mean().round(1).to_numpy()})
    headline = (f"Over {len(work)} months the systems recorded " + ", ".join(
        f"{n:,} {what}" for what, n in zip(table["work"], table["records"])) + ": the daily work operational CRM automates.")
    return CrmTypeView("operational", "operational", "Operational CRM", "How is the daily work with customers run and recorded?",
                       headline, table, work)


def _analytical(world) -> CrmTypeView:
    from crmkit.analytics import rfm, rfm_scores

    scores = rfm_scores(rfm(world.orders, world.observed_until))
    by_segment = scores.groupby("segment", observed=True).agg(customers=("customer_id", "size"), spend=("total_spend", "sum"))
    table = pd.DataFrame({"segment": by_segment.index.astype(str), "customers": by_segment["customers"].to_numpy(),
                          "share_of_customers": (by_segment["customers"] / by_segment["customers"].sum()).to_numpy(),
                          "share_of_revenue": (by_segment["spend"] / by_segment["spend"].sum()).to_numpy()})
    table = table.sort_values(["share_of_revenue", "segment"], ascending=[False, True], ignore_index=True)
    top = table.iloc[0]
    headline = (f"RFM scoring of {len(scores):,} buyers finds that the '{top['segment']}' ({top['share_of_customers']:.0%} "
                f"of buyers) bring {top['share_of_revenue']:.0%} of revenue.")
    return CrmTypeView("analytical", "analytical", "Analytical CRM", "What do the records tell us about our customers?",
                       headline, table, scores)


def _touchpoints(world) -> CrmTypeView:
    from crmkit.analytics import order_touchpoints

    channels = channels_before_orders(order_touchpoints(world.interactions, world.orders), world.orders)
    groups = channels["channels"].clip(upper=4).map(lambda n: "4+" if n == 4 else str(n))
    counts = groups.value_counts().reindex(["0", "1", "2", "3", "4+"], fill_value=0)
    table = pd.DataFrame({"channels_touched": counts.index, "orders": counts.to_numpy(),
                          "share_of_orders": (counts / max(len(channels), 1)).to_numpy()})
    several = (channels["channels"] >= 2).mean()
    headline = (f"{several:.0%} of the {len(channels):,} orders followed contacts on two or more channels in the 30 days "
                "before: only a record shared by every department shows the whole path.")
    return CrmTypeView("collaborative_touchpoints", "collaborative", "Collaborative CRM (1): the interaction points",
                       "Does every department see the same customer?", headline, table, table)


def _partners(world) -> CrmTypeView:
    grid = partner_data_matrix(world.partners)
    joint = joint_campaign_orders(world.partners, world.campaigns, world.orders)
    table = world.partners[["name", "kind", "region", "data_shared"]].astype({"kind": str, "region": str}).replace("nan", "")
    table = table.merge(joint[["partner", "campaign", "orders", "revenue"]].rename(columns={"partner": "name"}), on="name", how="left")
    headline = (f"The company exchanges data with {len(grid)} partner firms (" + ", ".join(grid.columns) + "); " + "; ".join(
        f"'{row.campaign}' was run with {row.partner}: {row.orders} orders redeemed its offer" for row in joint.itertuples())
        + ".")
    return CrmTypeView("collaborative_partners", "collaborative", "Collaborative CRM (2): firms in the supply chain",
                       "Are the partner firms aligned around the same customers?", headline, table, grid)


_BUILDERS = {"strategic": _strategic, "operational": _operational, "analytical": _analytical,
             "collaborative_touchpoints": _touchpoints, "collaborative_partners": _partners}


def crm_type_views(world) -> dict[str, CrmTypeView]:
    """Every type's view of ``world`` (keys of :data:`CRM_TYPE_OPTIONS`), computed once.

    Reads ``customer_costs``, ``orders``, ``cases``, ``campaign_members``, ``activities``,
    ``interactions``, ``partners`` and ``campaigns``.
    """
    return {key: build(world) for key, build in _BUILDERS.items()}


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


def draw_crm_type(views: dict[str, CrmTypeView], crm_type: str = "strategic", ax=None) -> CrmTypeView:
    """Draw one type's view (from :func:`crm_type_views`) and return it.

    The picture: the whale curve (strategic), the work recorded per month (operational),
    RFM segments' shares of customers and revenue (analytical), the channels touched
    before each order (collaborative, first reading) or the data shared with each partner
    firm (collaborative, second reading).
    """
    from crmkit.plots import plot_whale_curve
    from crmkit.plots._base import new_axes

    if crm_type not in views:
        raise ConfigError(f"crm_type = {crm_type!r}: {describe_allowed(views)}")
    view = views[crm_type]
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
