"""Billing: invoices, payments, write-offs, returns and refunds, and the cost to serve each customer.

Every observed order is invoiced. How it is paid follows its channel: card, cash and
voucher payments are settled at the till (due and paid at issue); bank transfers are
invoices on account, due after the channel's payment terms. A hidden per-customer
late-payment propensity (``truth.payment_behaviour``) decides how late on-account
invoices are paid and which end in default; a defaulted invoice is written off (invoice
status ``written_off``, with ``written_off_at`` and the amount) once it is long overdue.
A write-off is kept on the invoice, not as a payment row, because no money moves: the
payments table holds only money actually received, so every amount there is positive.
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field, field_validator

from crmkit.world.sections import NonNegative, Probability, Remark, Section, check_keys
from crmkit.world.vocabulary import terms


def known_keys(mapping: dict, vocab: str, field: str) -> dict:
    """Refuse keys outside a vocabulary list, naming the field and the allowed keys.

    >>> known_keys({"cheque": 1}, "payment_method", "methods")
    Traceback (most recent call last):
    ...
    ValueError: methods has key 'cheque'; allowed keys: card, bank_transfer, cash, voucher
    """
    allowed = terms(vocab)
    for key in mapping:
        if key not in allowed:
            raise ValueError(f"{field} has key {key!r}; allowed keys: {', '.join(allowed)}")
    return mapping


class ChannelBilling(Section):
    terms_days: int = Field(ge=0, le=120, description="Days between invoice and due date for invoices on account (bank transfer).")
    issue_lag_days: NonNegative = Field(0.0, description="Mean days from the order to the invoice.")
    methods: dict[str, NonNegative] = Field(description="Mix of payment methods (vocabulary payment_method).")

    _methods = field_validator("methods")(lambda v: check_keys(v, "payment_method", "methods"))


class LatePayment(Section):
    remark: Remark
    mean_propensity: Probability = Field(description="Mean chance that a customer pays an invoice on account late.")
    concentration: float = Field(gt=0, description="Beta concentration of the propensity; small values make late payers a distinct group.")
    mean_days_late: float = Field(gt=0, description="Mean days late of a late payment by a customer of propensity 0.5.")
    default_rate: Probability = Field(description="Chance that an invoice of a customer of propensity 1 is never paid in full.")
    write_off_after_days: int = Field(ge=1, description="Days past due after which an unpaid debt is written off.")
    credit_stop_days: int = Field(ge=0, description="Days after a customer's first default during which new invoices on account still go unpaid (until credit is stopped).")
    instalment_rate: Probability = Field(description="Chance that an invoice on account is paid in two parts.")


class Returns(Section):
    remark: Remark
    # Keys: the world's own codes.service_issue, checked in crmkit.world.codes.
    rate: dict[str, Probability] = Field(description="Chance that an order is returned and refunded, by its service_issue.")
    mean_days: float = Field(gt=0, description="Mean days from the order to the refund.")


class UnitCosts(Section):
    remark: Remark
    delivery: dict[str, NonNegative] = Field(description="Cost of fulfilling one order, by order channel.")
    service_contact: NonNegative = Field(description="Cost of one service contact (call, email or case).")
    return_handling: NonNegative = Field(description="Cost of handling one return (collection, inspection, restocking).")
    card_fee_rate: Probability = Field(description="Card processor fee as a share of the amount paid by card.")
    invoice_handling: NonNegative = Field(description="Cost of issuing and reconciling one invoice on account.")
    reminder: NonNegative = Field(description="Cost of dunning one late or overdue invoice.")
    collection: NonNegative = Field(description="Cost of collection work on one written-off invoice.")

    # delivery and billing are by the world's own order channels: checked with its codes (crmkit.world.channel_codes)


class FinanceConfig(Section):
    remark: Remark
    billing: dict[str, ChannelBilling] = Field(description="Payment terms and methods by order channel.")
    late_payment: LatePayment
    returns: Returns
    unit_costs: UnitCosts


def simulate(context) -> dict[str, pd.DataFrame]:
    """Invoices, payments, refunds and customer costs of one block (nothing without a config).

    Returns ``invoices``, ``payments``, ``refunds``, ``customer_costs`` and
    ``truth.payment_behaviour``, with local ids and a ``_customer`` column.
    """
    config = context.config.finance
    if config is None:
        return {}
    from crmkit.world.ops.finance_billing import bill
    from crmkit.world.ops.finance_costs import customer_costs, refunds

    out = bill(context, config)
    out["refunds"] = refunds(context, config)
    out["customer_costs"] = customer_costs(context, config, out)
    return out


def check(world) -> list[str]:
    """Breaches of billing's consistency rules, in words.

    Payments never exceed their invoice and never come before it; a paid invoice is paid
    in full; refunds never exceed their order and never come before it.
    """
    if "invoices" not in world.tables or not len(world.tables["invoices"]):
        return []
    from crmkit.world.ops.finance_billing import billing_problems

    return billing_problems(world)
