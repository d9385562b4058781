"""Deals become revenue: every deal won inside the window books one order of its amount.

The owner enters the order on the day the deal is won, through the kind's ``order_channel``
(the world's ``deal_order_channel`` role when the kind names none).
It holds one line: a product of the catalogue priced at most the deal's amount (drawn by
popularity; the cheapest product when none is), in as many units as the amount buys, with
the rest of the last unit given as a discount, so the order's net amount is the deal's
booked amount to the cent. Such orders carry the deal's ``opportunity_id``; the order
process's own orders carry none. Finance bills them like every other order, so their
invoices carry the deal too, and a won deal's revenue can be followed to the money.

This component is the one that edits a table made before it: it gives every order of the
block an ``opportunity_id`` column (empty for the order process's orders), because the
orders table is made before any deal exists.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.arrays import TINY
from crmkit.world.codes import codes_of, lists_of
from crmkit.world.dictionary import round_money
from crmkit.world.units import SECONDS_PER_DAY
from crmkit.world.vocabulary import category_dtype, labels_of

__all__ = ["simulate", "deal_order_arrays"]


def simulate(context) -> dict[str, pd.DataFrame]:
    """The ``orders`` and ``order_items`` booked by the block's won deals (local ids).

    Adds the ``opportunity_id`` column to the block's earlier orders (-1: none).
    """
    frames = context.frames
    frames["orders"] = frames["orders"].assign(opportunity_id=np.full(len(frames["orders"]), -1, dtype=np.int64))
    truth = frames.get("truth.opportunities")
    if truth is None or not len(truth):
        return {}
    won = np.flatnonzero((truth["is_won"] & ~truth["closed_after_window"]).to_numpy())
    if not len(won):
        return {}
    deals = frames["opportunities"].iloc[won]
    amount = round_money(truth["final_amount"].to_numpy()[won])
    when = truth["closed_at"].to_numpy()[won]
    launched = _launch_days(context)
    product, price = _products(context.rng("deal_orders"), context.config.products.items, amount,
                               launched[None, :] <= _days(context, when)[:, None])
    quantity = np.maximum(np.ceil(amount / price - TINY), 1).astype(np.int64)  # (an exact multiple is not one unit more)
    gross = round_money(quantity * price)
    customer = deals["_customer"].to_numpy()
    kinds = context.config.sales.opportunities.kinds
    codes, lists = codes_of(context.config), lists_of(context.config)
    channel_of = {kind: codes.code("order_channel", spec.order_channel or codes.roles.deal_order_channel) for kind, spec in kinds.items()}
    channel = np.array([channel_of[k] for k in deals["kind"].astype(str)], dtype=np.int64)
    n = len(won)
    orders = pd.DataFrame({
        "order_id": np.arange(n), "customer_id": customer, "ordered_at": when,
        "channel": labels_of("order_channel", channel, lists), "campaign_id": np.full(n, -1), "item_count": quantity,
        "gross_amount": gross, "discount_amount": round_money(gross - amount), "net_amount": amount,
        "service_issue": pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), dtype=category_dtype("service_issue", lists)),
        "opportunity_id": deals["opportunity_id"].to_numpy(), "site_id": np.full(n, -1), "_customer": customer,
    })
    first = len(frames["orders"])  # add_frames numbers these orders after the block's others
    items = pd.DataFrame({
        "item_id": np.arange(n), "order_id": first + np.arange(n), "product_id": product, "quantity": quantity,
        "unit_price": price, "line_amount": gross, "_customer": customer,
    })
    return {"orders": orders, "order_items": items}


def _days(context, timestamps) -> np.ndarray:
    seconds = np.asarray(timestamps).astype("datetime64[s]").astype(np.int64)
    return (seconds - context.timeline.base_seconds) / SECONDS_PER_DAY


def _launch_days(context) -> np.ndarray:
    timeline = context.timeline
    return np.array([timeline.days_of(p.launched_on) if p.launched_on else -np.inf for p in context.config.products.items])


def _products(rng, catalogue, amount: np.ndarray, on_sale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A product per deal among those on sale that day (``on_sale``: deals x products), by
    popularity among those priced at most its amount (else the cheapest on sale), and its price."""
    price = np.array([p.list_price for p in catalogue], dtype=float)
    weight = np.array([p.weight for p in catalogue], dtype=float) * (price > 0)
    sellable = on_sale & (weight[None, :] > 0)
    affordable = sellable & (price[None, :] <= amount[:, None])
    w = np.where(affordable, weight[None, :], 0.0)
    none = np.flatnonzero(~affordable.any(1))
    w[none, np.argmin(np.where(sellable[none], price[None, :], np.inf), axis=1)] = 1.0
    cdf = np.cumsum(w, axis=1)
    pick = (rng.random(len(amount))[:, None] * cdf[:, -1:] >= cdf).sum(1)
    return pick, price[pick]


def deal_order_arrays(context) -> dict[str, np.ndarray]:
    """The block's deal orders as arrays, as finance reads orders (time in days since the start).

    Keys: ``customer``, ``time``, ``channel``, ``issue``, ``net``, ``gross``, ``opportunity``;
    rows in local order id order, after the order process's orders.
    """
    orders = context.frames["orders"]
    deals = orders.iloc[int((context.order_id >= 0).sum()):]
    return {"customer": deals["_customer"].to_numpy(), "time": _days(context, deals["ordered_at"].to_numpy()),
            "channel": np.asarray(deals["channel"].cat.codes, dtype=np.int64),
            "issue": np.asarray(deals["service_issue"].cat.codes, dtype=np.int64),
            "net": deals["net_amount"].to_numpy(dtype=float), "gross": deals["gross_amount"].to_numpy(dtype=float),
            "opportunity": deals["opportunity_id"].to_numpy(dtype=np.int64)}
