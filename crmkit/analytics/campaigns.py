"""Campaign management: response, cost, ROI, uplift against the control group, attribution.

A campaign's responders include people who would have bought anyway. The control group
(members selected but deliberately not contacted) shows how many: the **uplift** is the
response rate of the contacted members minus that of the control group, the effect the
campaign really had. Multi-channel **attribution** shares each sale's value among the
touchpoints that came before it (first touch, last touch or all equally).
"""

from __future__ import annotations

__all__ = [
    "TOUCH_KINDS", "campaign_uplift", "campaign_results", "uplift_vs_truth", "order_touchpoints",
    "attribution", "compare_attribution",
]

import numpy as np
import pandas as pd
from scipy.stats import norm

from crmkit.analytics._checks import require_columns
from crmkit.errors import DataError, describe_allowed

# Engagement events that can lead to a sale; sends, purchases and service contacts are not.
TOUCH_KINDS = ("site_visit", "app_session", "email_opened", "email_clicked", "mail_received",
               "social_engagement", "event_attendance")
MODELS = ("first", "last", "linear")


def campaign_uplift(campaign_members: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Response of contacted members against the control group, per campaign.

    The interval is Agresti and Caffo's (add one response and one non-response to each
    group), which behaves well even for the small control groups of small worlds.

    Parameters
    ----------
    campaign_members : DataFrame
        ``campaign_id``, ``in_control_group`` and ``status`` (``responded`` = bought in the window).
    confidence : float
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row per campaign with members: ``campaign_id``, ``treated``, ``control``,
        ``responders`` (treated), ``response_rate``, ``control_response_rate``, ``uplift``
        (their difference), ``uplift_low`` and ``uplift_high``.

    Examples
    --------
    >>> members = pd.DataFrame({"campaign_id": 1, "in_control_group": [False] * 4 + [True] * 4,
    ...     "status": ["responded", "responded", "sent", "sent", "responded", "not_contacted",
    ...                "not_contacted", "not_contacted"]})
    >>> campaign_uplift(members)[["response_rate", "control_response_rate", "uplift"]].values.tolist()
    [[0.5, 0.25, 0.25]]
    """
    require_columns(campaign_members, ["campaign_id", "in_control_group", "status"], "campaign_members")
    if not 0 < confidence < 1:
        raise DataError(f"confidence = {confidence!r}: must be between 0 and 1")
    table = campaign_members.assign(responded=campaign_members.status.astype(str).eq("responded"),
                                    control=campaign_members.in_control_group.astype(bool))
    groups = table.groupby(["campaign_id", "control"]).responded.agg(["size", "sum"]).unstack(fill_value=0)
    # A table without any control (or treated) member still gets both groups, empty.
    groups = groups.reindex(columns=pd.MultiIndex.from_product([["size", "sum"], [False, True]]), fill_value=0)
    n1, x1 = groups[("size", False)], groups[("sum", False)]
    n0, x0 = groups[("size", True)], groups[("sum", True)]
    p1, p0 = (x1 + 1) / (n1 + 2), (x0 + 1) / (n0 + 2)
    half = norm.ppf(0.5 + confidence / 2) * np.sqrt(p1 * (1 - p1) / (n1 + 2) + p0 * (1 - p0) / (n0 + 2))
    out = pd.DataFrame({"treated": n1, "control": n0, "responders": x1,
                        "response_rate": x1 / n1.where(n1 > 0), "control_response_rate": x0 / n0.where(n0 > 0)})
    out["uplift"] = out.response_rate - out.control_response_rate
    both = (n1 > 0) & (n0 > 0)  # no interval without both a treated and a control group
    out["uplift_low"], out["uplift_high"] = ((p1 - p0) - half).where(both), ((p1 - p0) + half).where(both)
    return out.reset_index()


def _first_order_value(orders: pd.DataFrame, customers: pd.DataFrame, days: int) -> pd.Series:
    # Net amount each acquired customer bought in their first `days` days, per campaign.
    acquired = customers[customers.acquisition_campaign_id.notna()]
    bought = orders.merge(acquired[["customer_id", "signup_date", "acquisition_campaign_id"]], on="customer_id")
    early = bought[bought.ordered_at < bought.signup_date + pd.Timedelta(days=days)]
    return early.groupby(early.acquisition_campaign_id.astype(int)).net_amount.sum()


def campaign_results(campaigns: pd.DataFrame, campaign_members: pd.DataFrame, orders: pd.DataFrame,
                     customers: pd.DataFrame | None = None, acquired_value_days: int = 365) -> pd.DataFrame:
    """One row per campaign: reach, response, uplift, cost, cost per acquisition and ROI.

    Parameters
    ----------
    campaigns : DataFrame
        ``campaign_id``, ``name``, ``objective``, ``channel``, ``fixed_cost``, ``cost_per_contact``.
    campaign_members : DataFrame
        As for :func:`campaign_uplift`, plus ``response_order_id``.
    orders : DataFrame
        ``order_id``, ``customer_id``, ``ordered_at``, ``net_amount``.
    customers : DataFrame, optional
        ``customer_id``, ``signup_date``, ``acquisition_campaign_id``: with it, acquisition
        campaigns (which have no members) count the customers they won.
    acquired_value_days : int
        An acquired customer's revenue is what they bought in this many days after sign-up.

    Returns
    -------
    DataFrame
        The columns of :func:`campaign_uplift` plus ``campaign_id``, ``name``,
        ``objective``, ``channel``, ``acquisitions`` (treated responders, or customers won),
        ``cost`` (fixed cost plus cost per contact times members contacted), ``revenue``
        (responders' first order in the window, or acquired customers' early orders),
        ``cost_per_acquisition``, ``roi`` ((revenue - cost) / cost), and for campaigns with
        a control group ``incremental_revenue`` (uplift x treated x revenue per responder)
        and ``incremental_roi``. ROI here is on revenue, before the cost of the goods.

    Examples
    --------
    >>> campaigns = pd.DataFrame({"campaign_id": [1], "name": ["Spring"], "objective": ["cross_sell"],
    ...     "channel": ["email"], "fixed_cost": [10.0], "cost_per_contact": [1.0]})
    >>> members = pd.DataFrame({"campaign_id": 1, "in_control_group": [False, False, True, True],
    ...     "status": ["responded", "sent", "responded", "not_contacted"], "response_order_id": [9, None, 8, None]})
    >>> orders = pd.DataFrame({"order_id": [8, 9], "customer_id": [3, 4], "net_amount": [50.0, 60.0],
    ...     "ordered_at": pd.to_datetime(["2024-03-01", "2024-03-02"])})
    >>> campaign_results(campaigns, members, orders)[["cost", "revenue", "roi", "incremental_roi"]].values.tolist()
    [[12.0, 60.0, 4.0, -1.0]]
    """
    require_columns(campaigns, ["campaign_id", "name", "objective", "channel", "fixed_cost", "cost_per_contact"],
             "campaigns")
    require_columns(campaign_members, ["campaign_id", "response_order_id"], "campaign_members")
    require_columns(orders, ["order_id", "customer_id", "ordered_at", "net_amount"], "orders")
    uplift = campaign_uplift(campaign_members)
    table = campaigns[["campaign_id", "name", "objective", "channel", "fixed_cost", "cost_per_contact"]].merge(
        uplift, on="campaign_id", how="left")
    table[["treated", "control", "responders"]] = table[["treated", "control", "responders"]].fillna(0).astype(int)
    treated = campaign_members[~campaign_members.in_control_group.astype(bool)]
    value = treated.response_order_id.map(orders.set_index("order_id").net_amount).astype(float)
    revenue = value.groupby(treated.campaign_id).sum()
    table["acquisitions"] = table.responders
    if customers is not None:
        require_columns(customers, ["customer_id", "signup_date", "acquisition_campaign_id"], "customers")
        won = customers.acquisition_campaign_id.dropna().astype(int).value_counts()
        table["acquisitions"] += table.campaign_id.map(won).fillna(0).astype(int)
        revenue = revenue.add(_first_order_value(orders, customers, acquired_value_days), fill_value=0)
    table["cost"] = table.fixed_cost + table.cost_per_contact * table.treated
    table["revenue"] = table.campaign_id.map(revenue).astype(float).fillna(0.0)
    table["cost_per_acquisition"] = table.cost / table.acquisitions.where(table.acquisitions > 0)
    table["roi"] = (table.revenue - table.cost) / table.cost.where(table.cost > 0)
    per_responder = table.revenue / table.responders.where(table.responders > 0)
    table["incremental_revenue"] = table.uplift * table.treated * per_responder
    table["incremental_roi"] = (table.incremental_revenue - table.cost) / table.cost.where(table.cost > 0)
    return table.drop(columns=["fixed_cost", "cost_per_contact"])


def uplift_vs_truth(uplift: pd.DataFrame, campaign_members: pd.DataFrame, truth_uplift: pd.DataFrame) -> pd.DataFrame:
    """Set each campaign's estimated uplift beside its true average uplift.

    Parameters
    ----------
    uplift : DataFrame
        :func:`campaign_uplift` or :func:`campaign_results`.
    campaign_members : DataFrame
        ``member_id``, ``campaign_id``.
    truth_uplift : DataFrame
        ``truth.campaign_uplift`` (``member_id``, ``true_uplift``).

    Returns
    -------
    DataFrame
        ``campaign_id``, ``uplift``, ``uplift_low``, ``uplift_high``, ``true_uplift`` (mean
        over all members, the average effect a randomised control group estimates),
        ``naive_uplift`` (the treated response rate, taking every responder as won by the
        campaign) and ``covered`` (the truth lies in the interval).

    Examples
    --------
    >>> est = pd.DataFrame({"campaign_id": [1], "uplift": [0.1], "uplift_low": [0.0], "uplift_high": [0.2],
    ...     "response_rate": [0.3]})
    >>> truth = pd.DataFrame({"member_id": [1, 2], "true_uplift": [0.05, 0.15]})
    >>> uplift_vs_truth(est, pd.DataFrame({"member_id": [1, 2], "campaign_id": [1, 1]}), truth).covered.tolist()
    [True]
    """
    require_columns(uplift, ["campaign_id", "uplift", "uplift_low", "uplift_high", "response_rate"], "uplift")
    require_columns(campaign_members, ["member_id", "campaign_id"], "campaign_members")
    require_columns(truth_uplift, ["member_id", "true_uplift"], "truth_uplift")
    true = campaign_members[["member_id", "campaign_id"]].merge(truth_uplift, on="member_id")
    table = uplift[["campaign_id", "uplift", "uplift_low", "uplift_high", "response_rate"]].dropna(subset=["uplift"])
    table = table.merge(true.groupby("campaign_id").true_uplift.mean().reset_index(), on="campaign_id")
    table = table.rename(columns={"response_rate": "naive_uplift"})
    table["covered"] = table.true_uplift.between(table.uplift_low, table.uplift_high)
    return table


def order_touchpoints(interactions: pd.DataFrame, orders: pd.DataFrame, window_days: int = 30,
                      touch_kinds=TOUCH_KINDS) -> pd.DataFrame:
    """Every touchpoint of a known customer in the ``window_days`` days before each of their orders.

    Reads ``interactions`` (``interaction_id``, ``customer_id``, ``occurred_at``,
    ``channel``, ``kind``) and ``orders`` (``order_id``, ``customer_id``, ``ordered_at``,
    ``net_amount``). Anonymous events cannot be linked to an order and are left out.

    Returns ``order_id``, ``net_amount``, ``interaction_id``, ``channel``, ``occurred_at``,
    ``touches`` (of the order), ``is_first`` and ``is_last``.
    """
    require_columns(interactions, ["interaction_id", "customer_id", "occurred_at", "channel", "kind"], "interactions")
    require_columns(orders, ["order_id", "customer_id", "ordered_at", "net_amount"], "orders")
    if window_days <= 0:
        raise DataError(f"window_days = {window_days!r}: must be more than 0")
    touches = interactions[interactions.kind.astype(str).isin(touch_kinds) & interactions.customer_id.notna()]
    touches = touches[["interaction_id", "customer_id", "occurred_at", "channel"]].astype({"customer_id": "int64"})
    pairs = orders[["order_id", "customer_id", "ordered_at", "net_amount"]].merge(touches, on="customer_id")
    gap = pairs.ordered_at - pairs.occurred_at
    pairs = pairs[(gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=window_days))]
    pairs = pairs.sort_values(["order_id", "occurred_at", "interaction_id"], ignore_index=True)
    by_order = pairs.groupby("order_id")
    pairs["touches"] = by_order.order_id.transform("size")
    pairs["is_first"] = by_order.cumcount() == 0
    pairs["is_last"] = by_order.cumcount(ascending=False) == 0
    pairs["channel"] = pairs.channel.astype(str)
    return pairs[["order_id", "net_amount", "interaction_id", "channel", "occurred_at", "touches",
                  "is_first", "is_last"]]


def attribution(interactions: pd.DataFrame, orders: pd.DataFrame, model: str = "last", window_days: int = 30,
                touch_kinds=TOUCH_KINDS) -> pd.DataFrame:
    """Share each sale among the channels that touched the customer before it.

    ``first`` gives the whole order to the earliest touchpoint in the window, ``last`` to
    the latest, ``linear`` splits it equally among all. Orders without a touchpoint in the
    window are not attributed; the credits add up to the attributed sales. A channel that
    touched customers but gets no credit under the model is listed with 0.

    Returns
    -------
    DataFrame
        One row per channel: ``channel``, ``orders`` (credited, fractional for linear),
        ``sales`` (credited net amount) and ``share`` of the attributed sales.

    Examples
    --------
    >>> touches = pd.DataFrame({"interaction_id": [1, 2], "customer_id": [5, 5],
    ...     "kind": ["social_engagement", "email_clicked"], "channel": ["social", "email"],
    ...     "occurred_at": pd.to_datetime(["2024-01-01", "2024-01-03"])})
    >>> orders = pd.DataFrame({"order_id": [1], "customer_id": [5], "net_amount": [100.0],
    ...     "ordered_at": pd.to_datetime(["2024-01-04"])})
    >>> attribution(touches, orders, "first").sales.tolist()
    [100.0, 0.0]
    >>> attribution(touches, orders, "linear").sales.tolist()
    [50.0, 50.0]
    """
    if model not in MODELS:
        raise DataError(f"model = {model!r}: {describe_allowed(MODELS)}")
    pairs = order_touchpoints(interactions, orders, window_days, touch_kinds)
    weight = {"first": pairs.is_first.astype(float), "last": pairs.is_last.astype(float),
              "linear": 1.0 / pairs.touches}[model]
    credit = pairs.assign(orders=weight, sales=weight * pairs.net_amount)
    table = credit.groupby("channel")[["orders", "sales"]].sum()
    table["share"] = table.sales / table.sales.sum()
    return table.sort_values("sales", ascending=False).reset_index()


def compare_attribution(interactions: pd.DataFrame, orders: pd.DataFrame, window_days: int = 30,
                        touch_kinds=TOUCH_KINDS) -> pd.DataFrame:
    """Credited sales per channel under each model: ``channel`` and one column per model.

    >>> touches = pd.DataFrame({"interaction_id": [1], "customer_id": [5], "kind": ["site_visit"],
    ...     "channel": ["web"], "occurred_at": pd.to_datetime(["2024-01-01"])})
    >>> orders = pd.DataFrame({"order_id": [1], "customer_id": [5], "net_amount": [10.0],
    ...     "ordered_at": pd.to_datetime(["2024-01-04"])})
    >>> compare_attribution(touches, orders).columns.tolist()
    ['channel', 'first', 'last', 'linear']
    """
    tables = [attribution(interactions, orders, m, window_days, touch_kinds).set_index("channel").sales.rename(m)
              for m in MODELS]
    return pd.concat(tables, axis=1).fillna(0.0).rename_axis("channel").reset_index()
