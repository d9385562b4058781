"""Types of CRM, each shown by what it does with the same world.

Strategic CRM decides whom to serve (who is worth keeping), operational CRM runs the
day-to-day work that touches customers, analytical CRM turns the records into knowledge,
and collaborative CRM, in the course's two readings, shares one picture of the customer
across touchpoints or aligns partner firms in the supply chain. :class:`CrmTypeViews`
computes each type's view of a world once (:meth:`CrmTypeViews.from_world`) and is called
with a type to give its :class:`CrmTypeView`; the pure pieces below each view
(:func:`work_by_month`, :func:`channels_before_orders`, :func:`partner_data_matrix`,
:func:`joint_campaign_orders`) are tables in and a table out.

>>> views = CrmTypeViews.from_world(world)  # doctest: +SKIP
>>> views("analytical").headline  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["CRM_TYPES", "CrmTypeView", "CrmTypeViews", "crm_type_views", "work_by_month", "channels_before_orders",
           "partner_data_matrix", "joint_campaign_orders"]

from dataclasses import dataclass, field

import pandas as pd

from crmkit.analytics._checks import check_choice
from crmkit.analytics._checks import require_columns as _require
from crmkit.analytics.campaigns import order_touchpoints
from crmkit.analytics.profitability import customer_profitability, profitability_summary
from crmkit.analytics.rfm import rfm_scores
from crmkit.analytics.rfm_fast import rfm_fast

#: The views, in the order an explorer offers them; collaborative CRM has one per reading of the course.
CRM_TYPES = ("strategic", "operational", "analytical", "collaborative_touchpoints", "collaborative_partners")


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


def _strategic(world) -> CrmTypeView:
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
    scores = rfm_scores(rfm_fast(world.orders, world.observed_until))
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


@dataclass(frozen=True, eq=False)
class CrmTypeViews:
    """Every type's view of one world (keys :data:`CRM_TYPES`), computed once; call it with a
    type for that type's :class:`CrmTypeView` (switching types then costs nothing)."""

    views: dict

    @classmethod
    def from_world(cls, world) -> CrmTypeViews:
        """Compute every view. Reads ``customer_costs``, ``orders``, ``cases``,
        ``campaign_members``, ``activities``, ``interactions``, ``partners`` and ``campaigns``."""
        return cls({key: build(world) for key, build in _BUILDERS.items()})

    def __call__(self, crm_type: str = "strategic") -> CrmTypeView:
        """The view of ``crm_type`` (one of :data:`CRM_TYPES`)."""
        check_choice("crm_type", crm_type, self.views)
        return self.views[crm_type]

    def __getitem__(self, crm_type: str) -> CrmTypeView:
        return self(crm_type)

    def __contains__(self, crm_type) -> bool:
        return crm_type in self.views


def crm_type_views(world) -> CrmTypeViews:
    """Every type's view of ``world``, computed once: :meth:`CrmTypeViews.from_world`."""
    return CrmTypeViews.from_world(world)
