"""Checks of a world's consistency contract, usable on any world (simulated or loaded).

>>> import crmkit as ck
>>> check_world(ck.load_dataset("pschse"))
[]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.codes import codes_of, lists_of
from crmkit.world.dictionary import observed_tables, truth_tables
from crmkit.world.spells import active_spells, within_spells
from crmkit.world.vocabulary import terms

MONEY_TOLERANCE = 0.011  # fixed: amounts are rounded to cents, so sums may differ by a cent


def _keys_and_values(world) -> list[str]:
    problems = []
    frames = {**world.tables, **{f"truth.{k}": v for k, v in world.truth.items()}}
    specs = {**observed_tables(), **{f"truth.{k}": v for k, v in truth_tables().items()}}
    for name, df in frames.items():
        spec = specs[name]
        if not df[spec.primary_key].is_unique:
            problems.append(f"{name}.{spec.primary_key} has duplicate keys")
        for column in spec.columns:
            values = df[column.name]
            if not column.nullable and values.isna().any():
                problems.append(f"{name}.{column.name} has empty values but is not nullable")
            if column.references:
                target, key = column.references.split(".")
                unknown = ~values.dropna().isin(world.tables[target][key])
                if unknown.any():
                    problems.append(f"{name}.{column.name} has {unknown.sum()} values not in {column.references}")
            if column.lower_bound is not None and (values.dropna() < column.lower_bound).any():
                problems.append(f"{name}.{column.name} has values below {column.lower_bound}")
            if column.max is not None and (values.dropna() > column.max).any():
                problems.append(f"{name}.{column.name} has values above {column.max}")
            if column.type == "category":
                bad = set(values.dropna().astype(str)) - set(terms(column.vocabulary, lists_of(world.config)))
                if bad:
                    problems.append(f"{name}.{column.name} has values outside its vocabulary: {sorted(bad)[:3]}")  # fixed: a few examples
    return problems


def _chronology(world) -> list[str]:
    if "phases" not in world.truth:
        return []
    problems = []
    spells = active_spells(world.truth.phases)
    customer_events = world.interactions[world.interactions.customer_id.notna() &
                                         ~world.interactions.kind.isin(codes_of(world.config).roles.company_kinds)]
    for name, df, col in (("orders", world.orders, "ordered_at"), ("interactions", customer_events, "occurred_at"),
                          ("loyalty_ledger", world.loyalty_ledger, "occurred_at")):
        outside = ~within_spells(df, col, spells)
        if outside.any():
            problems.append(f"{name}: {outside.sum()} events outside the customer's active relationship")
    signup = world.customers.set_index("customer_id").signup_date
    first_order = world.orders.groupby("customer_id").ordered_at.min()
    early = first_order < signup.reindex(first_order.index)
    if early.any():
        problems.append(f"orders: {early.sum()} customers ordered before their sign-up day")
    ends = world.observed_until + pd.Timedelta(days=1)
    for name, df, col in (("orders", world.orders, "ordered_at"), ("interactions", world.interactions, "occurred_at")):
        if (df[col] >= ends).any():
            problems.append(f"{name}: events after the observation window")
    return problems


def _amounts(world) -> list[str]:
    problems = []
    items = world.order_items.groupby("order_id").line_amount.sum()
    gross = world.orders.set_index("order_id").gross_amount
    if not np.allclose(items.reindex(gross.index).fillna(0), gross, atol=MONEY_TOLERANCE):
        problems.append("orders.gross_amount differs from the sum of its lines")
    o = world.orders
    if not np.allclose(o.gross_amount - o.discount_amount, o.net_amount, atol=MONEY_TOLERANCE):
        problems.append("orders.net_amount is not gross minus discount")
    ledger = world.loyalty_ledger.sort_values(["customer_id", "occurred_at", "entry_id"], kind="stable")
    if (ledger.groupby("customer_id").points.cumsum() != ledger.balance_after).any():
        problems.append("loyalty_ledger.balance_after is not the running total of points")
    return problems


def check_world(world) -> list[str]:
    """Every breach of the consistency contract, in words (an empty list means none).

    Checks keys, foreign keys, vocabularies and bounds of every table; that customers
    act only while their relationship is alive (win-backs open a new spell); that order
    amounts add up; and that loyalty balances are running totals.
    """
    from crmkit.world.ops.components import CHECKS

    problems = _keys_and_values(world) + _chronology(world) + _amounts(world)
    for check in CHECKS:
        problems += check(world)
    return problems
