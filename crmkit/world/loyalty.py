"""The loyalty ledger: enrolment bonus, points per purchase, vouchers redeemed, tiers."""

from __future__ import annotations

import numpy as np

from crmkit.world.arrays import group_cumsum
from crmkit.world.vocabulary import code_of

ENROLMENT, PURCHASE, REDEMPTION = (code_of("ledger_reason", r) for r in ("enrolment", "purchase", "redemption"))


def build_ledger(block, joins: dict, orders: dict, observed: np.ndarray) -> dict[str, np.ndarray]:
    """Ledger rows of the block, sorted by customer and time, with balances and tiers.

    A voucher is earned each time lifetime points pass a multiple of the redemption
    threshold, and redeemed (with the configured probability) at the member's next order,
    so a balance never goes negative.
    """
    loyalty = block.config.loyalty
    rng = block.rng("loyalty")
    join_time = np.full(block.size, np.inf)
    join_time[joins["customer"].astype(int)] = joins["time"]
    cust, time = orders["customer"][observed], orders["time"][observed]
    member_order = time >= join_time[cust]
    rows_cust = np.r_[joins["customer"].astype(np.int64), cust[member_order]]
    rows_time = np.r_[joins["time"], time[member_order]]
    reason = np.r_[np.full(len(joins["customer"]), ENROLMENT), np.full(member_order.sum(), PURCHASE)]
    points = np.r_[np.full(len(joins["customer"]), loyalty.enrolment_bonus),
                   np.floor(orders["net"][observed][member_order] * loyalty.points_per_currency)].astype(np.int64)
    order_row = np.r_[np.full(len(joins["customer"]), -1), np.flatnonzero(observed)[member_order]]
    keep = rows_time < block.timeline.observed_end
    rows_cust, rows_time, reason, points, order_row = (a[keep] for a in (rows_cust, rows_time, reason, points, order_row))
    sort = np.lexsort((reason, rows_time, rows_cust))
    rows_cust, rows_time, reason, points, order_row = (a[sort] for a in (rows_cust, rows_time, reason, points, order_row))

    if not len(rows_cust):  # no members (programme off, or nobody joined yet)
        empty = np.zeros(0, dtype=np.int64)
        return {"customer": empty, "time": np.zeros(0), "reason": empty, "points": empty, "order": empty,
                "balance": empty, "tier": empty}
    earned = group_cumsum(rows_cust, points)
    vouchers = earned // loyalty.redeem_threshold
    new_vouchers = vouchers - np.r_[0, vouchers[:-1]] * _same_as_previous(rows_cust)
    # Redeem at the next purchase row of the same member, if there is one.
    nxt = np.r_[np.arange(1, len(rows_cust)), 0]
    has_next = np.r_[rows_cust[1:] == rows_cust[:-1], False] & (reason[nxt] == PURCHASE)
    redeemed = np.where(has_next, rng.binomial(new_vouchers.clip(0), loyalty.redeem_probability), 0)
    at = np.flatnonzero(redeemed > 0)
    red = {"customer": rows_cust[nxt[at]], "time": rows_time[nxt[at]], "reason": np.full(len(at), REDEMPTION),
           "points": -redeemed[at] * loyalty.redeem_threshold, "order": order_row[nxt[at]]}
    rows = {"customer": rows_cust, "time": rows_time, "reason": reason, "points": points, "order": order_row}
    rows = {k: np.r_[rows[k], red[k]] for k in rows}
    sort = np.lexsort((rows["reason"], rows["time"], rows["customer"]))
    rows = {k: v[sort] for k, v in rows.items()}
    rows["balance"] = group_cumsum(rows["customer"], rows["points"])
    lifetime = group_cumsum(rows["customer"], np.maximum(rows["points"], 0))
    rows["tier"] = tier_codes(loyalty.tiers, lifetime)
    return rows


def tier_codes(tiers: dict[str, int], lifetime_points: np.ndarray) -> np.ndarray:
    """Vocabulary codes of the tier reached with the given lifetime points.

    >>> tier_codes({"bronze": 0, "gold": 1000}, np.array([0, 999, 1000])).tolist()
    [1, 1, 3]
    """
    names = list(tiers)
    thresholds = np.array(list(tiers.values()))
    codes = np.array([code_of("loyalty_tier", n) for n in names])
    return codes[np.searchsorted(thresholds, lifetime_points, side="right") - 1]


def _same_as_previous(keys: np.ndarray) -> np.ndarray:
    return np.r_[False, keys[1:] == keys[:-1]].astype(np.int64)
