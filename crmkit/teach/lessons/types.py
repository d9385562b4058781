"""Exercises of the lesson on the types of CRM (notebooks/02_types_of_crm.ipynb).

One exercise per type, each answered from the learner's own world: strategic (who is not
worth serving at today's terms), operational (the sales forecast from the open pipeline),
analytical (how concentrated revenue is), collaborative in its first reading (how many
customers reach the company through more than one interaction point) and in its second
(what a campaign run with a partner firm brought in). The exercises on CRM as one programme
(strategy, methodology and technology on one segment; the encyclopedia definition measured) are
in :mod:`crmkit.teach.lessons.types_programme`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.types_programme import ENCYCLOPEDIA, INTEGRATION

__all__ = ["EXERCISES"]


def _as_percent(reference, rtol: float = 1e-3):
    """A mistake test: the answer is the right share written as a percentage (times 100),
    within the exercise's tolerance ``rtol``."""
    def matches(answer, world) -> bool:
        expected = float(reference(world))
        return expected != 0 and bool(np.isclose(float(answer), 100 * expected, rtol=rtol))
    return matches


# --- strategic: who costs more than they bring ------------------------------------------------------


def _buyers(w) -> pd.DataFrame:
    costs = w.customer_costs
    return costs[costs["orders"] > 0]


def unprofitable_share(w) -> float:
    return float((_buyers(w)["contribution"] < 0).mean())


UNPROFITABLE = Exercise(
    "unprofitable_buyers",
    "Strategic CRM chooses whom to serve. What **share of the buyers** (customers with at least one order in "
    "`customer_costs`) have a **negative contribution**, i.e. cost more to serve than they bring? "
    "Give a share between 0 and 1.",
    reference=unprofitable_share,
    mistakes=[
        Mistake("all_customers", "You took the share over every customer, including those who never ordered (whose "
                "contribution is only the marketing spent on them). Keep the buyers first: customer_costs.orders > 0.",
                answer=lambda w: float((w.customer_costs["contribution"] < 0).mean())),
        Mistake("gross_margin", "You tested gross_margin, which is revenue minus the cost of goods only. The cost to "
                "serve (delivery, service, payment, marketing, returns) shows in contribution.",
                answer=lambda w: float((_buyers(w)["gross_margin"] < 0).mean())),
        Mistake("count", "You counted the unprofitable buyers; the question asks for their share: divide by the "
                "number of buyers (or take .mean() of the true/false test).",
                answer=lambda w: float((_buyers(w)["contribution"] < 0).sum())),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(unprofitable_share)),
    ])


# --- operational: the sales forecast from the open pipeline -----------------------------------------


def _open_deals(w) -> pd.DataFrame:
    deals = w.opportunities
    return deals[~deals["is_closed"].astype(bool)]


def open_pipeline_forecast(w) -> float:
    deals = _open_deals(w)
    return float((deals["amount"] * deals["probability"]).sum())


PIPELINE = Exercise(
    "open_pipeline_forecast",
    "Operational CRM keeps every deal on record. What is the **weighted pipeline** at the end of the "
    "observation window: the sum over the **open** deals in `opportunities` of `amount` times the stage's "
    "`probability`?",
    reference=open_pipeline_forecast,
    mistakes=[
        Mistake("unweighted", "You added the open deals' amounts without weighting them: multiply each amount by "
                "its stage probability before summing.", answer=lambda w: float(_open_deals(w)["amount"].sum())),
        Mistake("closed_included", "You included the closed deals (won deals count in full, lost deals count 0). "
                "Keep only the open ones: is_closed is False.",
                answer=lambda w: float((w.opportunities["amount"] * w.opportunities["probability"]).sum())),
        Mistake("mean", "You averaged the weighted amounts; the forecast is their sum.",
                answer=lambda w: float((_open_deals(w)["amount"] * _open_deals(w)["probability"]).mean())),
    ])


# --- analytical: how concentrated revenue is --------------------------------------------------------


def _top_share(spend: pd.Series, n: int) -> float:
    top = max(int(0.2 * n), 1)
    return float(spend.sort_values(ascending=False).iloc[:top].sum() / spend.sum())


def _bottom_share(spend: pd.Series) -> float:
    bottom = max(int(0.2 * len(spend)), 1)
    return float(spend.sort_values().iloc[:bottom].sum() / spend.sum())


def top20_revenue_share(w) -> float:
    spend = w.orders.groupby("customer_id")["net_amount"].sum()
    return _top_share(spend, len(spend))


TOP20 = Exercise(
    "top20_revenue_share",
    "Analytical CRM turns records into knowledge. Sum each buyer's `net_amount` in `orders`, sort the buyers "
    "from the biggest spender down and take the first 20% of them (`int(0.2 * number_of_buyers)`). What "
    "**share of all revenue** do they bring? Give a share between 0 and 1.",
    reference=top20_revenue_share,
    rtol=5e-3,  # int() or round() for the 20% cut-off moves the share by about one customer's spend
    mistakes=[
        Mistake("smallest_first", "You took the 20% who spent least: sort from the biggest spender down "
                "(sort_values(ascending=False)) before taking the first 20%.",
                answer=lambda w: _bottom_share(w.orders.groupby("customer_id")["net_amount"].sum())),
        Mistake("all_customers", "You took 20% of every customer, including those who never ordered, so the top "
                "group is too big. Count only the buyers (customers with an order).",
                answer=lambda w: _top_share(w.orders.groupby("customer_id")["net_amount"].sum(), len(w.customers))),
        Mistake("by_orders", "You ranked and shared out the number of orders, not the money: sum net_amount per "
                "customer.", answer=lambda w: _top_share(w.orders.groupby("customer_id").size().astype(float),
                                                        w.orders["customer_id"].nunique())),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(top20_revenue_share, rtol=5e-3)),
    ])


# --- collaborative, second reading: a campaign run with a partner firm ------------------------------


def _joint_ids(w) -> list[int]:
    return [int(i) for i in w.partners["joint_campaign_id"].dropna()]


def joint_campaign_revenue(w) -> float:
    orders = w.orders
    return float(orders.loc[orders["campaign_id"].isin(_joint_ids(w)), "net_amount"].sum())


def _partner_id_as_campaign(w) -> float:
    partners = w.partners[w.partners["joint_campaign_id"].notna()]
    return float(w.orders.loc[w.orders["campaign_id"].isin(partners["partner_id"]), "net_amount"].sum())


JOINT = Exercise(
    "joint_campaign_revenue",
    "Collaborative CRM between firms: the `partners` table says which campaign was run jointly with a partner "
    "(`joint_campaign_id`). What **revenue** (`net_amount`) came from the orders that **redeemed that "
    "campaign's offer** (`orders.campaign_id`)?",
    reference=joint_campaign_revenue,
    mistakes=[
        Mistake("partner_id", "You matched the partner's own number (partner_id) with campaign_id. The link from a "
                "partner to its campaign is partners.joint_campaign_id.", answer=_partner_id_as_campaign),
        Mistake("count", "You counted the orders; the question asks for their revenue: sum net_amount.",
                answer=lambda w: float(w.orders["campaign_id"].isin(_joint_ids(w)).sum())),
        Mistake("gross_amount", "You summed gross_amount; revenue is what customers paid after the campaign's "
                "discount, net_amount.",
                answer=lambda w: float(w.orders.loc[w.orders["campaign_id"].isin(_joint_ids(w)), "gross_amount"].sum())),
        Mistake("every_campaign", "You summed the orders of every campaign. Keep only the campaign run with the "
                "partner (partners.joint_campaign_id).",
                answer=lambda w: float(w.orders.loc[w.orders["campaign_id"].notna(), "net_amount"].sum())),
    ])


# --- collaborative, first reading: the interaction points a customer uses ----------------------------


def _channels_per_customer(w) -> pd.Series:
    known = w.interactions.dropna(subset=["customer_id"])  # anonymous web visits belong to nobody known
    return known.groupby("customer_id")["channel"].nunique()


def multichannel_share(w) -> float:
    return float((_channels_per_customer(w) > 1).mean())


def _orders_after_several_channels(w) -> float:
    from crmkit.analytics import order_touchpoints
    from crmkit.analytics.crm_types import channels_before_orders

    return float((channels_before_orders(order_touchpoints(w.interactions, w.orders), w.orders)["channels"] >= 2).mean())


MULTICHANNEL = Exercise(
    "multichannel_customers",
    "Collaborative CRM in its first reading manages the interaction points between the company and its customers. "
    "In `interactions`, keep the rows with a known `customer_id` and count the **different channels** each "
    "customer has had contacts on. What **share of these customers** had contacts on **more than one channel**? "
    "Give a share between 0 and 1.",
    reference=multichannel_share,
    mistakes=[
        Mistake("interactions_not_channels", "You counted customers with more than one interaction (or more than one "
                "kind of interaction); two visits to the web shop are still one interaction point. Count the "
                "different channels: groupby('customer_id')['channel'].nunique().",
                answer=lambda w: float((w.interactions.dropna(subset=["customer_id"]).groupby("customer_id").size() > 1).mean())),
        Mistake("at_least_one", "You counted the customers with at least one channel, which is every customer in the "
                "table. The question asks for more than one: > 1.",
                answer=lambda w: float((_channels_per_customer(w) >= 1).mean())),
        Mistake("orders_not_customers", "You measured orders (the share of orders that followed contacts on two or "
                "more channels, as in the picture above); the question counts customers over their whole history.",
                answer=_orders_after_several_channels),
        Mistake("count", "You counted the customers; the question asks for their share: divide by the number of "
                "customers with an interaction (or take .mean() of the true/false test).",
                answer=lambda w: float((_channels_per_customer(w) > 1).sum())),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_as_percent(multichannel_share)),
    ])


EXERCISES = [UNPROFITABLE, PIPELINE, TOP20, MULTICHANNEL, JOINT, INTEGRATION, ENCYCLOPEDIA]
