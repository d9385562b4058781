"""Returns and refunds, and the cost to serve each customer (activity-based costing).

Every cost in ``customer_costs`` is observed: a real ERP knows what it spent on deliveries,
service contacts, returns, payment handling and campaign contacts, and what the goods
cost. What it does not know (the customer's hidden late-payment propensity) is truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.codes import codes_of
from crmkit.world.dictionary import round_money
from crmkit.world.ops.finance_billing import CARD, TRANSFER, observed_orders
from crmkit.world.ops.model_numbers import model_number
from crmkit.world.vocabulary import category_dtype

CENT = 0.01  # fixed: the smallest amount of money; a gross amount is at least this when it divides


def refunds(context, config) -> pd.DataFrame:
    """One refund per returned order: the value of one of its lines, after the order's discount.

    Columns out: refund_id, order_id, customer_id, refunded_at, amount, reason, _customer.
    The chance of a return follows the order's service issue (``returns.rate``).
    """
    rng = context.rng("refunds")
    o = observed_orders(context)
    codes = codes_of(context.config)  # the world's own service issues and refund reasons
    issues = codes.service_issue
    rate = np.array([config.returns.rate.get(i, 0.0) for i in issues])
    returned = np.flatnonzero(rng.random(len(o["time"])) < rate[o["issue"]])
    items = context.frames["order_items"]
    item_order = items["order_id"].to_numpy()
    first = np.searchsorted(item_order, returned)
    count = np.searchsorted(item_order, returned, side="right") - first
    line = first + np.floor(rng.random(len(returned)) * count).astype(np.int64)
    share = o["net"][returned] / np.maximum(o["gross"][returned], CENT)
    amount = np.minimum(round_money(items["line_amount"].to_numpy()[line] * share), o["net"][returned])
    wait = model_number("refund_min_days")  # the goods come back first
    when = o["time"][returned] + wait + rng.exponential(max(config.returns.mean_days - wait, model_number("refund_min_spread_days")), len(returned))
    keep = when < context.timeline.observed_end
    returned, amount, when = returned[keep], amount[keep], when[keep]
    order = np.argsort(when, kind="stable")
    returned, amount, when = returned[order], amount[order], when[order]
    reason_codes = np.array([codes.code("refund_reason", codes.refund_of_issue[i]) for i in issues])
    customer = o["customer"][returned]
    return pd.DataFrame({
        "refund_id": np.arange(len(returned)), "order_id": returned, "customer_id": customer,
        "refunded_at": context.to_timestamps(when), "amount": amount,
        "reason": pd.Categorical.from_codes(reason_codes[o["issue"][returned]], dtype=category_dtype("refund_reason", codes.lists)),
        "_customer": customer,
    })


def _per_customer(n, customer, weights=None) -> np.ndarray:
    return np.bincount(np.asarray(customer, dtype=np.int64), weights=weights, minlength=n)


def service_contacts(frames, n: int, service_kind: str) -> np.ndarray:
    """Service contacts per customer: the service desk's cases when it made any, otherwise the
    interactions of the world's ``service_kind`` (its service contacts)."""
    cases = frames.get("cases")
    if cases is not None and len(cases) and "customer_id" in cases:
        who = cases["customer_id"].to_numpy()
        return _per_customer(n, who[who >= 0])
    inter = frames["interactions"]
    rows = (inter["kind"] == service_kind).to_numpy()
    return _per_customer(n, inter["_customer"].to_numpy()[rows])


def _marketing(context, n) -> tuple[np.ndarray, np.ndarray]:
    members = context.frames["campaign_members"]
    treated = ~members["in_control_group"].to_numpy()
    cost = np.array([c.cost_per_contact for c in context.config.campaigns.plan] + [0.0])
    who = members["_customer"].to_numpy()[treated]
    return _per_customer(n, who), _per_customer(n, who, cost[members["campaign_id"].to_numpy()[treated]])


def _payment_cost(invoices, payments, unit, n, window_end) -> np.ndarray:
    """Card fees, invoice handling, a reminder for every invoice paid late or still owed
    past its due date, and collection work on every write-off."""
    method = invoices["payment_method"].cat.codes.to_numpy()
    cust = invoices["_customer"].to_numpy()
    status = invoices["status"].astype(str).to_numpy()
    late_invoice = np.zeros(len(invoices), bool)
    late_invoice[payments["invoice_id"].to_numpy()[payments["days_late"].to_numpy() > 0]] = True
    past_due = (invoices["due_at"] < window_end).to_numpy() & (status != "paid")
    dunned = late_invoice | past_due
    per_invoice = (unit.card_fee_rate * invoices["amount"].to_numpy() * (method == CARD)
                   + unit.invoice_handling * (method == TRANSFER) + unit.reminder * dunned
                   + unit.collection * (status == "written_off"))
    return _per_customer(n, cust, per_invoice)


def customer_costs(context, config, billed) -> pd.DataFrame:
    """Revenue, margin, cost to serve and contribution of every customer of the block.

    Reads orders, order_items, products (config), interactions or cases, campaign_members
    and the block's invoices, payments and refunds. ``contribution`` is the gross margin
    less refunds, write-offs and every cost to serve; it is negative for customers who
    cost more than they bring.
    """
    n, unit = context.block.size, config.unit_costs
    o = observed_orders(context)
    items = context.frames["order_items"]
    unit_cost = np.array([p.unit_cost for p in context.config.products.items])
    goods = _per_customer(n, items["_customer"], items["quantity"].to_numpy() * unit_cost[items["product_id"].to_numpy()])
    delivery = np.array([unit.delivery.get(c, 0.0) for c in codes_of(context.config).order_channel])
    contacts = service_contacts(context.frames, n, codes_of(context.config).roles.service_kind)
    refund = billed["refunds"] if "refunds" in billed else context.frames.get("refunds")
    members, marketing = _marketing(context, n)
    invoices = billed["invoices"]
    costs = {
        "orders": _per_customer(n, o["customer"]),
        "revenue": _per_customer(n, o["customer"], o["net"]),
        "cost_of_goods": goods,
        "refunds": _per_customer(n, refund["_customer"], refund["amount"]),
        "delivery_cost": _per_customer(n, o["customer"], delivery[o["channel"]]),
        "service_contacts": contacts, "service_cost": contacts * unit.service_contact,
        "returns": _per_customer(n, refund["_customer"]),
        "payment_cost": _payment_cost(invoices, billed["payments"], unit, n, context.to_timestamps([context.timeline.observed_end])[0]),
        "marketing_contacts": members, "marketing_cost": marketing,
        "written_off": _per_customer(n, invoices["_customer"], invoices["written_off_amount"]),
    }
    costs["returns_cost"] = costs["returns"] * unit.return_handling
    costs["gross_margin"] = costs["revenue"] - goods
    spent = sum(costs[k] for k in ("refunds", "delivery_cost", "service_cost", "returns_cost", "payment_cost",
                                   "marketing_cost", "written_off"))
    costs["contribution"] = costs["gross_margin"] - spent
    frame = pd.DataFrame({"customer_id": np.arange(n)})
    for name, values in costs.items():
        frame[name] = values.astype(np.int64) if name in ("orders", "service_contacts", "returns", "marketing_contacts") else round_money(values)
    frame["_customer"] = np.arange(n)
    return frame
