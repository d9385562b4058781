"""Invoices and payments of one block, driven by a hidden late-payment propensity per customer."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.arrays import TINY, TRUTH_DECIMALS
from crmkit.world.codes import codes_of
from crmkit.world.ops.model_numbers import model_number
from crmkit.world.vocabulary import code_of, labels_of, terms

CARD, TRANSFER = code_of("payment_method", "card"), code_of("payment_method", "bank_transfer")
INVOICE_DECISIONS = ("method", "late", "settled", "default", "split", "first_share")  # one uniform draw each
HALF_CENT = 0.005  # fixed: amounts are rounded to cents, so two equal amounts differ by less than half a cent
CENT_ROUNDING = 0.006  # fixed: half a cent and a little, for the float error of summed amounts


def observed_orders(context) -> dict[str, np.ndarray]:
    """The block's observed orders as arrays aligned with ``frames["orders"]`` (by local id).

    Keys: ``customer``, ``time`` (days), ``channel`` and ``issue`` (codes), ``net``, ``gross``,
    ``opportunity`` (the won deal that booked the order, -1 for none). The orders booked by
    won deals come after the order process's own, as in ``frames["orders"]``.
    """
    from crmkit.world.ops.deal_orders import deal_order_arrays

    rows = np.flatnonzero(context.order_id >= 0)
    rows = rows[np.argsort(context.order_id[rows], kind="stable")]
    own = {k: context.orders[k][rows] for k in ("customer", "time", "channel", "issue", "net", "gross")}
    own["opportunity"] = np.full(len(rows), -1, dtype=np.int64)
    deals = deal_order_arrays(context)
    return {k: np.concatenate([v, deals[k].astype(v.dtype)]) for k, v in own.items()}


def _channel_arrays(config, channels):
    """Payment terms, issue lags and method CDFs by the world's own order ``channels``."""
    methods = terms("payment_method")
    mix = np.array([[config.billing[c].methods.get(m, 0.0) for m in methods] for c in channels])
    cdf = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    return (np.array([config.billing[c].terms_days for c in channels], dtype=float),
            np.array([config.billing[c].issue_lag_days for c in channels]), cdf)


def propensities(rng, config, n: int) -> np.ndarray:
    """Hidden late-payment propensity per customer: Beta with the configured mean; a small
    concentration makes it U-shaped, so most pay on time and a few are chronic late payers."""
    late = config.late_payment
    k = late.concentration
    # (a beta needs both parameters above 0: a mean of 0 or 1 is kept just inside)
    return rng.beta(max(late.mean_propensity * k, TINY), max((1 - late.mean_propensity) * k, TINY), n)


def _schedule(rng, config, o, propensity, channels):
    """Issue, due and settlement times, method and fate of every invoice (in days)."""
    late_cfg = config.late_payment
    terms_days, lag, cdf = _channel_arrays(config, channels)
    n = len(o["time"])
    # One uniform per invoice for each decision, drawn together (the columns of one block of draws).
    u_method, u_late, u_settle, u_default, u_split, u_share = rng.random((n, len(INVOICE_DECISIONS))).T
    method = (u_method[:, None] > cdf[o["channel"]]).sum(axis=1).clip(0, cdf.shape[1] - 1)
    shape = model_number("issue_lag_shape")
    issued = o["time"] + lag[o["channel"]] * rng.gamma(shape, 1 / shape, n)
    on_account = method == TRANSFER
    due = issued + np.where(on_account, terms_days[o["channel"]], 0.0)
    p = propensity[o["customer"]]
    late = on_account & (u_late < p)
    days_late = 1 + rng.exponential(late_cfg.mean_days_late * 2 * p)
    settled = np.where(late, due + days_late, issued + u_settle * (due - issued))
    defaulted = _debt_spiral(o["customer"], issued, on_account & (u_default < late_cfg.default_rate * p**2),
                             on_account, late_cfg.credit_stop_days)
    write_off = due + late_cfg.write_off_after_days
    # A defaulter may pay a part late before giving up; that part lands before the write-off.
    settled = np.where(defaulted, np.minimum(settled, write_off - 1), settled)
    split = on_account & ((u_split < late_cfg.instalment_rate) | defaulted)
    low, high = model_number("instalment_first_share_low"), model_number("instalment_first_share_high")
    first_share = np.where(defaulted, model_number("defaulter_paid_share_max") * u_share, low + (high - low) * u_share)
    return dict(method=method, issued=issued, due=due, settled=settled, defaulted=defaulted,
                write_off=write_off, split=split, first_share=first_share)


def _debt_spiral(customer, issued, first_default, on_account, credit_days) -> np.ndarray:
    """A customer who defaults stops paying: every invoice on account from the first unpaid one
    until the company stops giving credit (``credit_days`` later) goes unpaid too."""
    start = np.full(customer.max() + 1 if len(customer) else 0, np.inf)
    np.minimum.at(start, customer[first_default], issued[first_default])
    since = issued - start[customer]
    return on_account & (since >= 0) & (since <= credit_days)


def _payments(s, cents, end):
    """Payment rows: one per settled invoice, two for instalments, the part of a defaulter."""
    first = np.where(s["split"], np.floor(cents * s["first_share"]).astype(np.int64), cents)
    first_time = np.where(s["split"] & ~s["defaulted"], s["issued"] + (s["settled"] - s["issued"]) * s["first_share"], s["settled"])
    second = np.flatnonzero(s["split"] & ~s["defaulted"])
    invoice = np.r_[np.arange(len(cents)), second]
    amount = np.r_[first, cents[second] - first[second]]
    time = np.r_[first_time, s["settled"][second]]
    keep = (amount > 0) & (time < end)
    return invoice[keep], amount[keep], time[keep]


def bill(context, config) -> dict[str, pd.DataFrame]:
    """The ``invoices`` and ``payments`` of a block, and ``truth.payment_behaviour``.

    Reads the observed orders; each order is billed once, unless its invoice would fall
    after the window. Statuses are as of the
    end of the observation window: payments after it are not seen, debts stay open.
    """
    n, end, ts = context.block.size, context.timeline.observed_end, context.to_timestamps
    propensity = propensities(context.rng("late_payers"), config, n)
    o = observed_orders(context)
    s = _schedule(context.rng("invoices"), config, o, propensity, codes_of(context.config).order_channel)
    billed = s["issued"] < end  # an order of the last days may not be invoiced yet
    order_id = np.flatnonzero(billed)
    o, s = _subset(o, billed), _subset(s, billed)
    cents = np.round(o["net"] * 100).astype(np.int64)
    invoice, amount, time = _payments(s, cents, end)
    paid = np.bincount(invoice, weights=amount, minlength=len(cents)).astype(np.int64)
    written = s["defaulted"] & (s["write_off"] < end)
    status = np.select(
        [paid >= cents, written, paid > 0, s["due"] < end],
        [code_of("invoice_status", x) for x in ("paid", "written_off", "partly_paid", "overdue")],
        code_of("invoice_status", "open"))
    order = np.argsort(time, kind="stable")
    invoice, amount, time = invoice[order], amount[order], time[order]
    customer = o["customer"]
    late_days = np.floor(np.maximum(time - s["due"][invoice], 0)).astype(np.int64)
    invoices = pd.DataFrame({
        "invoice_id": np.arange(len(cents)), "customer_id": customer, "order_id": order_id,
        "opportunity_id": o["opportunity"],
        "issued_at": ts(s["issued"]), "due_at": ts(s["due"]), "amount": cents / 100,
        "payment_method": _labels("payment_method", s["method"]), "status": _labels("invoice_status", status),
        "amount_paid": paid / 100, "written_off_at": ts(np.where(written, s["write_off"], np.nan)),
        "written_off_amount": np.where(written, cents - paid, 0) / 100, "_customer": customer,
    })
    payments = pd.DataFrame({
        "payment_id": np.arange(len(invoice)), "invoice_id": invoice, "customer_id": customer[invoice],
        "paid_at": ts(time), "amount": amount / 100, "method": _labels("payment_method", s["method"][invoice]),
        "days_late": late_days, "_customer": customer[invoice],
    })
    truth = pd.DataFrame({
        "customer_id": np.arange(n), "late_payment_propensity": np.round(propensity, TRUTH_DECIMALS),
        "default_probability": np.round(config.late_payment.default_rate * propensity**2, TRUTH_DECIMALS), "_customer": np.arange(n),
    })
    return {"invoices": invoices, "payments": payments, "truth.payment_behaviour": truth}


def _subset(arrays: dict, mask) -> dict:
    return {k: v[mask] for k, v in arrays.items()}


def _labels(vocab, codes) -> pd.Categorical:
    return labels_of(vocab, codes)


def billing_problems(world) -> list[str]:
    """Payments within their invoice, after it; paid means paid in full; refunds within their order."""
    problems = []
    inv = world.tables["invoices"].set_index("invoice_id")
    pay = world.tables["payments"]
    received = pay.groupby("invoice_id").amount.sum().reindex(inv.index, fill_value=0.0)
    if (received > inv.amount + HALF_CENT).any():
        problems.append("payments: more received than invoiced")
    if ((received - inv.amount).abs() > HALF_CENT)[inv.status == "paid"].any():
        problems.append("invoices: a paid invoice is not paid in full")
    if (pay.paid_at < inv.issued_at.reindex(pay.invoice_id).to_numpy()).any():
        problems.append("payments: paid before the invoice was issued")
    orders = world.orders.set_index("order_id")
    if (inv.issued_at < orders.ordered_at.reindex(inv.order_id).to_numpy()).any():
        problems.append("invoices: issued before the order")
    if not np.allclose(inv.amount, orders.net_amount.reindex(inv.order_id).to_numpy(), atol=CENT_ROUNDING):
        problems.append("invoices: amount differs from the order's net amount")
    refunds = world.tables.get("refunds")
    if refunds is not None and len(refunds):
        if (refunds.amount > orders.net_amount.reindex(refunds.order_id).to_numpy() + HALF_CENT).any():
            problems.append("refunds: more refunded than the order's net amount")
        if (refunds.refunded_at < orders.ordered_at.reindex(refunds.order_id).to_numpy()).any():
            problems.append("refunds: refunded before the order")
    window_end = world.observed_until + pd.Timedelta(days=1)
    for name, col in (("payments", "paid_at"), ("refunds", "refunded_at"), ("invoices", "issued_at")):
        df = world.tables.get(name)
        if df is not None and (df[col] >= window_end).any():
            problems.append(f"{name}: rows after the observation window")
    return problems
