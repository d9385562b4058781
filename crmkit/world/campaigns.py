"""Campaigns: the plan as a table, whom each campaign selects, and how members responded."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.arrays import KEY_SPREAD, TINY
from crmkit.world.codes import codes_of
from crmkit.world.vocabulary import code_of


def select_members(rng, eligible, rule: str, share: float, value, last_order, start: float) -> np.ndarray:
    """Indices of the customers a campaign selects, in customer order.

    ``random`` draws ``share`` of the eligible at random; ``best_customers`` takes the
    ``share`` with the most value so far; ``at_risk`` those whose last order is oldest
    (customers who never ordered come last); ``all`` takes everyone eligible.

    >>> eligible = np.array([True, True, True, False])
    >>> value = np.array([5.0, 9.0, 1.0, 99.0])
    >>> select_members(np.random.default_rng(0), eligible, "best_customers", 0.34, value, value, 0).tolist()
    [1]
    """
    idx = np.flatnonzero(eligible)
    if rule == "all":
        return idx
    k = int(round(share * len(idx)))
    if rule == "random":
        picked = rng.permutation(len(idx))[:k]
    elif rule == "best_customers":
        picked = np.argsort(-value[idx], kind="stable")[:k]
    elif rule == "at_risk":
        last = np.where(np.isfinite(last_order[idx]), last_order[idx], np.inf)
        picked = np.argsort(last, kind="stable")[:k]
    else:  # the config's validation makes this unreachable; keep the message clear anyway
        raise ValueError(f"unknown targeting rule {rule!r}")
    return np.sort(idx[picked])


def campaigns_table(config) -> pd.DataFrame:
    """The campaign plan as the ``campaigns`` table (ids from 1, in plan order)."""
    plan = config.campaigns.plan
    default = config.campaigns.targeting_rule
    return pd.DataFrame(
        {
            "campaign_id": np.arange(1, len(plan) + 1),
            "name": [c.name for c in plan],
            "objective": [c.objective for c in plan],
            "channel": [c.channel for c in plan],
            "start_date": [pd.Timestamp(c.start_date) for c in plan],
            "end_date": [pd.Timestamp(c.start_date) + pd.Timedelta(days=c.days - 1) for c in plan],
            "offer": [c.offer for c in plan],
            "discount_pct": [c.discount_pct for c in plan],
            "targeting_rule": [c.targeting_rule or default for c in plan],
            "control_share": [c.control_share for c in plan],
            "fixed_cost": [c.fixed_cost for c in plan],
            "cost_per_contact": [c.cost_per_contact for c in plan],
        }
    )


def responses(members: dict, orders: dict, config, timeline) -> dict[str, np.ndarray]:
    """Each member's first order in the campaign window, and the furthest step reached.

    ``members`` and ``orders`` are the lifecycle's logs (orders sorted by customer, time).
    Returns ``response_order`` (row in ``orders`` or -1), ``responded_at`` (days or NaN)
    and ``status`` codes of the ``member_status`` vocabulary.
    """
    plan = config.campaigns.plan
    starts = np.array([timeline.days_of(c.start_date) for c in plan])
    ends = starts + np.array([c.days for c in plan])
    camp, cust = members["campaign"].astype(int), members["customer"].astype(int)
    # Orders are sorted by (customer, time): find each member's first order at or after
    # the campaign start with one binary search over a combined key.
    key = orders["customer"] * KEY_SPREAD + orders["time"]
    pos = np.searchsorted(key, cust * KEY_SPREAD + starts[camp])
    pos_ok = pos < len(key)
    safe = np.where(pos_ok, pos, 0)
    hit = pos_ok & (orders["customer"][safe] == cust) & (orders["time"][safe] < ends[camp])
    response = np.where(hit, safe, -1)
    return {
        "response_order": response,
        "responded_at": np.where(hit, orders["time"][safe], np.nan),
        "hit": hit,
    }


def member_status(rng, members: dict, hit: np.ndarray, config) -> np.ndarray:
    """Status codes: responded, else (treated) clicked/opened/sent, else not_contacted."""
    channel = np.array([c.channel for c in config.campaigns.plan])[members["campaign"].astype(int)]
    opens = codes_of(config).roles.email_campaign_channel  # the campaign channel whose messages are opened
    is_email = (channel == opens) & members["live"].astype(bool)  # the departed do not open mail
    opened = is_email & (rng.random(len(hit)) < config.campaigns.open_rate)
    clicked = opened & (rng.random(len(hit)) < config.campaigns.click_rate / max(config.campaigns.open_rate, TINY))
    status = np.where(clicked, code_of("member_status", "clicked"), np.where(opened, code_of("member_status", "opened"), code_of("member_status", "sent")))
    status = np.where(members["control"], code_of("member_status", "not_contacted"), status)
    return np.where(hit, code_of("member_status", "responded"), status)
