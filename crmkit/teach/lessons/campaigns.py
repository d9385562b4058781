"""Exercises of the lesson on campaigns and attribution (notebooks/09_campaigns_and_attribution.ipynb).

Return on investment per campaign, uplift against the control group, and last-touch
attribution of sales to channels. Each typical mistake reproduces one wrong step (the
control group's sales counted as revenue, the naive response rate taken as the effect,
every touchpoint given the whole order...) and its message names that step.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.campaigns import TOUCH_KINDS, attribution, campaign_results, campaign_uplift, order_touchpoints
from crmkit.teach import Exercise, Mistake

__all__ = ["EXERCISES", "ATTRIBUTION_WINDOW_DAYS"]

#: The attribution window of the attribution exercise, in days before the order.
ATTRIBUTION_WINDOW_DAYS = 30


def _by_campaign(values: pd.Series) -> pd.Series:
    values = values.astype(float)
    values.index = values.index.astype("int64").rename("campaign_id")
    return values.rename(None)


# --- return on investment per campaign ---------------------------------------------------------------


def _treated(w) -> pd.DataFrame:
    return w.campaign_members[~w.campaign_members["in_control_group"].astype(bool)]


def _revenue(members: pd.DataFrame, orders: pd.DataFrame, amount: str = "net_amount") -> pd.Series:
    value = members["response_order_id"].map(orders.set_index("order_id")[amount]).astype(float)
    return value.groupby(members["campaign_id"]).sum()


def _roi(w, members_for_revenue=None, contacted=None, fixed: bool = True, minus_cost: bool = True) -> pd.Series:
    """ROI per campaign with members, each argument reproducing one way of getting it wrong."""
    treated = _treated(w)
    revenue = _revenue(treated if members_for_revenue is None else members_for_revenue, w.orders)
    plan = w.campaigns.set_index("campaign_id")
    counted = (treated if contacted is None else contacted).groupby("campaign_id").size()
    fixed_cost = plan["fixed_cost"].reindex(counted.index) if fixed else 0
    cost = plan["cost_per_contact"].reindex(counted.index) * counted + fixed_cost
    revenue = revenue.reindex(counted.index, fill_value=0.0)
    return _by_campaign(((revenue - cost) if minus_cost else revenue) / cost)


def roi_per_campaign(w) -> pd.Series:
    results = campaign_results(w.campaigns, w.campaign_members, w.orders)
    results = results[results["treated"] > 0]
    return _by_campaign(results.set_index("campaign_id")["roi"])


ROI = Exercise(
    "roi_per_campaign",
    "For each campaign **with members**, its return on investment: (revenue - cost) / cost. The **cost** is "
    "`fixed_cost` plus `cost_per_contact` times the members actually contacted (not the control group); the "
    "**revenue** is the `net_amount` of the response orders (`response_order_id`) of the contacted members. "
    "Give a Series indexed by `campaign_id`.",
    reference=roi_per_campaign,
    mistakes=[
        Mistake("control_revenue", "You counted the control group's purchases as revenue. The control group was "
                "never contacted, so its sales are not the campaign's: keep the members with in_control_group False "
                "before summing the response orders.",
                answer=lambda w: _roi(w, members_for_revenue=w.campaign_members)),
        Mistake("control_contact_cost", "You paid a contact cost for the control group too. Nobody sends anything "
                "to the control group: multiply cost_per_contact by the contacted members only.",
                answer=lambda w: _roi(w, contacted=w.campaign_members)),
        Mistake("no_fixed_cost", "You left out the fixed cost (creative and set-up). The cost is fixed_cost plus "
                "cost_per_contact times the members contacted.", answer=lambda w: _roi(w, fixed=False)),
        Mistake("revenue_over_cost", "You divided revenue by cost, which is 1 more than the ROI. ROI is the profit "
                "per unit of cost: (revenue - cost) / cost.", answer=lambda w: _roi(w, minus_cost=False)),
    ],
    hint="build cost and revenue per campaign_id first, then combine them.")


# --- uplift against the control group -------------------------------------------------------------------


def _responded(members: pd.DataFrame, statuses=("responded",)) -> pd.Series:
    return members["status"].astype(str).isin(statuses)


def _rates(w, statuses=("responded",)) -> pd.DataFrame:
    m = w.campaign_members
    return _responded(m, statuses).groupby([m["campaign_id"], m["in_control_group"].astype(bool)]).mean().unstack()


def _with_both_groups(values: pd.Series, w) -> pd.Series:
    both = campaign_uplift(w.campaign_members).dropna(subset=["uplift"])["campaign_id"]
    return _by_campaign(values.reindex(both.to_numpy()))


def uplift_per_campaign(w) -> pd.Series:
    table = campaign_uplift(w.campaign_members).dropna(subset=["uplift"])
    return _by_campaign(table.set_index("campaign_id")["uplift"])


def _everyone_minus_control(w) -> pd.Series:
    m = w.campaign_members
    everyone = _responded(m).groupby(m["campaign_id"]).mean()
    return _with_both_groups(everyone - _rates(w)[True], w)


UPLIFT = Exercise(
    "uplift_per_campaign",
    "For each campaign with both contacted members and a control group, the **uplift**: the response rate "
    "(share with status `responded`) of the contacted members minus that of the control group. Give a Series "
    "indexed by `campaign_id` (drop campaigns without a control group, e.g. with `.dropna()`).",
    reference=uplift_per_campaign,
    mistakes=[
        Mistake("naive_response_rate", "You gave the response rate of the contacted members. Some of them would "
                "have bought anyway: subtract the control group's response rate to get what the campaign added.",
                answer=lambda w: _with_both_groups(_rates(w)[False], w)),
        Mistake("control_minus_contacted", "You subtracted the wrong way round (control minus contacted), so a "
                "campaign that helps shows a negative uplift: take contacted minus control.",
                answer=lambda w: _with_both_groups(_rates(w)[True] - _rates(w)[False], w)),
        Mistake("everyone_minus_control", "Your first rate includes the control group. Compare the contacted "
                "members (in_control_group False) with the control group (True), not everyone with the control "
                "group.", answer=_everyone_minus_control),
        Mistake("clicks_as_responses", "You counted clicks as responses. A response is a purchase in the "
                "campaign window: status 'responded' only (clicked means the member clicked but did not buy).",
                answer=lambda w: _with_both_groups(_rates(w, ("clicked", "responded"))[False]
                                                   - _rates(w, ("clicked", "responded"))[True], w)),
    ],
    rtol=1e-6, atol=1e-9,
    hint="group campaign_members by campaign_id and in_control_group and average a True/False 'responded' column.")


# --- last-touch attribution ----------------------------------------------------------------------------


def _by_channel(values: pd.Series) -> pd.Series:
    values = values[values > 0].astype(float)
    values.index = values.index.astype(str).rename("channel")
    return values.rename(None)


def _pairs(w, touch_kinds=TOUCH_KINDS) -> pd.DataFrame:
    return order_touchpoints(w.interactions, w.orders, ATTRIBUTION_WINDOW_DAYS, touch_kinds)


def last_touch_sales(w) -> pd.Series:
    table = attribution(w.interactions, w.orders, "last", ATTRIBUTION_WINDOW_DAYS)
    return _by_channel(table.set_index("channel")["sales"])


def _credited(pairs: pd.DataFrame, weight) -> pd.Series:
    return _by_channel((pairs["net_amount"] * weight).groupby(pairs["channel"]).sum())


ALL_KINDS = ("site_visit", "app_session", "account_signup", "purchase", "email_sent", "email_opened", "email_clicked",
             "mail_received", "social_engagement", "service_contact", "product_registration", "event_attendance",
             "loyalty_enrolment")

ATTRIBUTION = Exercise(
    "last_touch_sales",
    f"Last-touch attribution: give each order's `net_amount` to the channel of the **last** touchpoint in the "
    f"{ATTRIBUTION_WINDOW_DAYS} days before it. Start from "
    f"`pairs = ck.analytics.order_touchpoints(world.interactions, world.orders, window_days={ATTRIBUTION_WINDOW_DAYS})` "
    "(one row per order and touchpoint, with `is_first`, `is_last` and `touches`). Give the sales credited per "
    "channel, a Series indexed by `channel` (channels with credit only).",
    reference=last_touch_sales,
    mistakes=[
        Mistake("first_touch", "You credited the first touchpoint. Last-touch attribution gives the order to the "
                "latest touchpoint before it: keep the rows with is_last.",
                answer=lambda w: _credited(_pairs(w), _pairs(w)["is_first"])),
        Mistake("every_touch_full_order", "You gave the whole order to every touchpoint, so an order with three "
                "touchpoints is counted three times and the credits add up to more than the sales. Keep one "
                "touchpoint per order (is_last).", answer=lambda w: _credited(_pairs(w), 1.0)),
        Mistake("linear", "You split each order equally among its touchpoints (linear attribution). The question "
                "asks for last touch: the whole order to the row with is_last.",
                answer=lambda w: _credited(_pairs(w), 1.0 / _pairs(w)["touches"])),
        Mistake("orders_not_sales", "You counted the orders credited to each channel; the question asks for the "
                "sales: sum net_amount.",
                answer=lambda w: _by_channel(_pairs(w).loc[_pairs(w)["is_last"]].groupby("channel").size())),
        Mistake("every_interaction_kind", "You counted every kind of interaction as a touchpoint, sends, purchases, "
                "sign-ups and service calls too. Only engagements that can lead to a sale count (the default "
                "touch_kinds of order_touchpoints).",
                answer=lambda w: (lambda p: _credited(p, p["is_last"]))(_pairs(w, ALL_KINDS))),
    ],
    hint="filter the pairs to the last touchpoint of each order, then sum net_amount per channel.")


EXERCISES = [ROI, UPLIFT, ATTRIBUTION]
