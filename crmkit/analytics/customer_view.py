"""The single customer view: one customer on one screen, finance data included.

A CRM that stops at orders and service sees only part of a customer. Invoices, payments and
credit show whether the customer pays, and pays on time; with the cost to serve they decide
whether a customer is worth keeping at today's terms. :func:`customer_view` gathers every
table's rows about one customer; :func:`credit_summary` sums up how each customer pays, and
:func:`unprofitable_buyers` says why a buyer loses money: the cost to serve, or unpaid bills.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.errors import ConfigError

__all__ = ["CustomerView", "customer_view", "credit_summary", "unprofitable_buyers", "UNPAID", "COSTLY"]

UNPAID = "unpaid invoices"
COSTLY = "cost to serve"
# The tables of the view and the column each is sorted by (newest first).
_SECTIONS = {
    "orders": "ordered_at", "service": "opened_at", "campaigns": "added_at", "loyalty": "occurred_at",
    "invoices": "issued_at", "payments": "paid_at",
}


@dataclass(frozen=True)
class CustomerView:
    """Everything the world records about one customer (each table newest first).

    ``profile`` is the customer's row; ``credit`` one row of :func:`credit_summary`;
    ``value`` the customer's row of ``customer_costs`` (revenue, margin, cost to serve,
    contribution).
    """

    customer_id: int
    profile: pd.Series
    orders: pd.DataFrame
    service: pd.DataFrame
    campaigns: pd.DataFrame
    loyalty: pd.DataFrame
    invoices: pd.DataFrame
    payments: pd.DataFrame
    credit: pd.Series
    value: pd.Series

    def summary(self) -> pd.Series:
        """The one-screen headline: counts, money and how the customer pays."""
        return pd.Series({
            "orders": len(self.orders), "revenue": float(self.orders["net_amount"].sum()),
            "service cases": len(self.service), "complaints": int(self.service["is_complaint"].sum()),
            "campaigns": len(self.campaigns), "loyalty points": int(self.loyalty["points"].sum()),
            "invoices": len(self.invoices), "open balance": float(self.credit["open_balance"]),
            "paid late": int(self.credit["paid_late"]), "written off": float(self.credit["written_off"]),
            "cost to serve": float(self.value["cost_to_serve"]), "contribution": float(self.value["contribution"]),
        }, name=self.customer_id)


def credit_summary(invoices: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    """How each invoiced customer pays: amounts, open balance, late payments, write-offs.

    Parameters
    ----------
    invoices : DataFrame
        The ``invoices`` table (``customer_id``, ``amount``, ``amount_paid``, ``status``,
        ``written_off_amount``).
    payments : DataFrame
        The ``payments`` table (``customer_id``, ``amount``, ``days_late``).

    Returns
    -------
    DataFrame
        One row per customer with an invoice, by ``customer_id``: ``invoiced``, ``paid``,
        ``open_balance`` (invoiced, less paid and written off), ``overdue_invoices``,
        ``payments``, ``paid_late`` (payments after the due date), ``mean_days_late`` (of the
        late ones; 0 if none) and ``written_off``.

    Examples
    --------
    >>> invoices = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [100.0, 50, 80], "amount_paid": [100.0, 0, 0],
    ...     "status": ["paid", "overdue", "written_off"], "written_off_amount": [0.0, 0, 80]})
    >>> payments = pd.DataFrame({"customer_id": [1], "amount": [100.0], "days_late": [12]})
    >>> credit_summary(invoices, payments).reset_index()[["customer_id", "open_balance", "paid_late", "written_off"]]
       customer_id  open_balance  paid_late  written_off
    0            1          50.0          1          0.0
    1            2           0.0          0         80.0
    """
    require_columns(invoices, ["customer_id", "amount", "amount_paid", "status", "written_off_amount"], "invoices")
    require_columns(payments, ["customer_id", "amount", "days_late"], "payments")
    written_off = invoices["written_off_amount"].fillna(0.0)
    billed = invoices.assign(written_off=written_off, overdue=invoices["status"].eq("overdue"),
                             open=invoices["amount"] - invoices["amount_paid"].fillna(0.0) - written_off)
    table = billed.groupby("customer_id").agg(invoiced=("amount", "sum"), paid=("amount_paid", "sum"),
                                              open_balance=("open", "sum"), overdue_invoices=("overdue", "sum"),
                                              written_off=("written_off", "sum"))
    late = payments[payments["days_late"] > 0]
    table["payments"] = payments.groupby("customer_id").size().reindex(table.index, fill_value=0)
    table["paid_late"] = late.groupby("customer_id").size().reindex(table.index, fill_value=0)
    table["mean_days_late"] = late.groupby("customer_id")["days_late"].mean().reindex(table.index).fillna(0.0)
    table["open_balance"] = table["open_balance"].clip(lower=0.0).round(2)  # cents of rounding are not a debt
    columns = ["invoiced", "paid", "open_balance", "overdue_invoices", "payments", "paid_late", "mean_days_late",
               "written_off"]
    return table[columns].astype({"overdue_invoices": "int64", "payments": "int64", "paid_late": "int64"})


def _rows(table: pd.DataFrame, customer_id: int, newest: str) -> pd.DataFrame:
    rows = table[table["customer_id"] == customer_id]
    return rows.sort_values(newest, ascending=False, kind="stable", ignore_index=True)


def customer_view(world, customer_id) -> CustomerView:
    """One customer on one screen: profile, orders, service, campaigns, loyalty, invoices,
    payments, credit and value (a :class:`CustomerView`).

    An unknown ``customer_id`` raises :class:`~crmkit.errors.ConfigError` naming it.
    """
    from crmkit.analytics.profitability import customer_profitability

    customers = world.customers.set_index("customer_id")
    if customer_id not in customers.index:
        raise ConfigError(f"customer_id {customer_id!r}: no such customer in this world "
                          f"(ids run from {customers.index.min()} to {customers.index.max()})")
    tables = {"orders": world.orders, "service": world.cases, "campaigns": world.campaign_members,
              "loyalty": world.loyalty_ledger, "invoices": world.invoices, "payments": world.payments}
    sections = {name: _rows(table, customer_id, _SECTIONS[name]) for name, table in tables.items()}
    credit = credit_summary(sections["invoices"], sections["payments"])
    value = customer_profitability(world.customer_costs, buyers_only=False).set_index("customer_id")
    empty_credit = pd.Series(0.0, index=credit.columns)
    return CustomerView(int(customer_id), customers.loc[customer_id], **sections,
                        credit=credit.loc[customer_id] if customer_id in credit.index else empty_credit,
                        value=value.loc[customer_id])


def unprofitable_buyers(customer_costs: pd.DataFrame) -> pd.DataFrame:
    """The buyers who cost more than they bring, and why.

    A buyer's contribution is negative either because serving them costs more than their
    margin (``cost to serve``: delivery, service, payment handling, marketing, returns), or
    only because they did not pay (``unpaid invoices``: with the written-off amount paid,
    the contribution would not be negative). Retention economics: not every customer is
    worth keeping at today's terms, and the remedy differs (change the terms of service, or
    the terms of credit).

    Returns
    -------
    DataFrame
        ``customer_id``, ``gross_margin``, ``cost_to_serve``, ``written_off``,
        ``contribution`` and ``reason`` (:data:`COSTLY` or :data:`UNPAID`), least
        profitable first.

    Examples
    --------
    >>> costs = pd.DataFrame({"customer_id": [1, 2, 3, 4], "orders": [2, 1, 3, 0], "revenue": [90.0, 60, 300, 0],
    ...     "gross_margin": [30.0, 20, 120, 0], "refunds": 0.0, "written_off": [0.0, 30, 0, 0],
    ...     "contribution": [-10.0, -15, 80, -2], "delivery_cost": [40.0, 5, 40, 0], "service_cost": 0.0,
    ...     "payment_cost": 0.0, "marketing_cost": [0.0, 0, 0, 2], "returns_cost": 0.0})
    >>> unprofitable_buyers(costs)[["customer_id", "reason"]]
       customer_id           reason
    0            2  unpaid invoices
    1            1    cost to serve
    """
    from crmkit.analytics.profitability import customer_profitability

    table = customer_profitability(customer_costs)
    lost = table[table["contribution"] < 0].sort_values(["contribution", "customer_id"], ignore_index=True)
    unpaid = lost["contribution"] + lost["written_off"] >= 0
    lost["reason"] = np.where(unpaid, UNPAID, COSTLY)
    return lost[["customer_id", "gross_margin", "cost_to_serve", "written_off", "contribution", "reason"]]
