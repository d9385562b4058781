"""Payne and Frow's CRM processes on a world's data, one table each.

Strategy development shows in which customers earn a profit (:func:`value_by_group`), value
creation in the value given to and received from each group (:func:`value_exchange`),
multichannel integration in how many channels customers buy through (:func:`channel_mix`) and
information management in how many records of one person the source systems hold
(:func:`records_per_customer`). Performance assessment is :mod:`crmkit.analytics.kpis`.
"""

from __future__ import annotations

__all__ = ["channel_mix", "records_per_customer", "value_by_group", "value_exchange"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns


def value_by_group(customer_costs: pd.DataFrame, customers: pd.DataFrame,
                   by: str = "acquisition_source") -> pd.DataFrame:
    """Strategy development: how much the buyers of each group bring after their cost to serve.

    Reads ``customer_costs`` (``customer_id``, ``orders``, ``revenue``, ``contribution``) and
    ``customers`` (``customer_id`` and ``by``). Returns one row per group with buyers:
    ``by``, ``buyers``, ``revenue_per_buyer``, ``contribution_per_buyer``,
    ``unprofitable_share`` (of the buyers) and ``share_of_contribution``; best first.

    >>> costs = pd.DataFrame({"customer_id": [1, 2, 3], "orders": [2, 1, 0], "revenue": [50.0, 10.0, 0.0],
    ...                       "contribution": [20.0, -5.0, -1.0]})
    >>> people = pd.DataFrame({"customer_id": [1, 2, 3], "acquisition_source": ["referral", "web_search", "referral"]})
    >>> value_by_group(costs, people)[["acquisition_source", "buyers", "contribution_per_buyer"]].values.tolist()
    [['referral', 1, 20.0], ['web_search', 1, -5.0]]
    """
    require_columns(customer_costs, ["customer_id", "orders", "revenue", "contribution"], "customer_costs")
    require_columns(customers, ["customer_id", by], "customers")
    buyers = customer_costs[customer_costs["orders"] > 0].merge(customers[["customer_id", by]], on="customer_id")
    buyers = buyers.assign(**{by: buyers[by].astype(str), "unprofitable": buyers["contribution"] < 0})
    table = buyers.groupby(by).agg(buyers=("customer_id", "size"), revenue=("revenue", "sum"),
                                   contribution=("contribution", "sum"), unprofitable_share=("unprofitable", "mean"))
    table["revenue_per_buyer"] = table["revenue"] / table["buyers"]
    table["contribution_per_buyer"] = table["contribution"] / table["buyers"]
    table["share_of_contribution"] = table["contribution"] / table["contribution"].sum()
    columns = ["buyers", "revenue_per_buyer", "contribution_per_buyer", "unprofitable_share", "share_of_contribution"]
    return table[columns].sort_values("contribution_per_buyer", ascending=False).reset_index()


def value_exchange(orders: pd.DataFrame, customer_costs: pd.DataFrame, customers: pd.DataFrame,
                   by: str = "loyalty_tier") -> pd.DataFrame:
    """Value creation: per group, the value the firm gives (discounts) and gets back (contribution).

    Reads ``orders`` (``customer_id``, ``discount_amount``), ``customer_costs``
    (``customer_id``, ``orders``, ``contribution``) and ``customers`` (``customer_id``, ``by``).
    Returns ``by``, ``buyers``, ``discount_per_buyer``, ``contribution_per_buyer`` and
    ``contribution_per_discount`` (money back per unit of discount given), in the group order.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "discount_amount": [5.0, 5.0, 0.0]})
    >>> costs = pd.DataFrame({"customer_id": [1, 2], "orders": [2, 1], "contribution": [40.0, 8.0]})
    >>> people = pd.DataFrame({"customer_id": [1, 2], "loyalty_tier": ["gold", "none"]})
    >>> table = value_exchange(orders, costs, people)
    >>> table[["loyalty_tier", "discount_per_buyer", "contribution_per_discount"]].values.tolist()
    [['gold', 10.0, 4.0], ['none', 0.0, nan]]
    """
    require_columns(orders, ["customer_id", "discount_amount"], "orders")
    require_columns(customer_costs, ["customer_id", "orders", "contribution"], "customer_costs")
    require_columns(customers, ["customer_id", by], "customers")
    discount = orders.groupby("customer_id")["discount_amount"].sum()
    buyers = customer_costs[customer_costs["orders"] > 0].merge(customers[["customer_id", by]], on="customer_id")
    buyers = buyers.assign(discount=buyers["customer_id"].map(discount).fillna(0.0))
    table = buyers.groupby(by, observed=True).agg(buyers=("customer_id", "size"), discount=("discount", "sum"),
                                                  contribution=("contribution", "sum"))
    table["discount_per_buyer"] = table["discount"] / table["buyers"]
    table["contribution_per_buyer"] = table["contribution"] / table["buyers"]
    table["contribution_per_discount"] = table["contribution"] / table["discount"].where(table["discount"] > 0)
    table.index = table.index.astype(str)
    return table[["buyers", "discount_per_buyer", "contribution_per_buyer", "contribution_per_discount"]].reset_index()


def channel_mix(orders: pd.DataFrame) -> pd.DataFrame:
    """Multichannel integration: buyers by the number of order channels they used.

    Reads ``orders`` (``customer_id``, ``channel``, ``net_amount``). Returns ``channels_used``
    (1, 2, 3 or more, as text), ``buyers``, ``share_of_buyers``, ``orders_per_buyer`` and
    ``revenue_per_buyer``.

    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "channel": ["web", "home_sales_event", "web"],
    ...                        "net_amount": [10.0, 30.0, 5.0]})
    >>> channel_mix(orders)[["channels_used", "buyers", "revenue_per_buyer"]].values.tolist()
    [['1', 1, 5.0], ['2', 1, 40.0]]
    """
    require_columns(orders, ["customer_id", "channel", "net_amount"], "orders")
    per_buyer = orders.groupby("customer_id").agg(channels=("channel", "nunique"), orders=("net_amount", "size"),
                                                  revenue=("net_amount", "sum"))
    used = np.where(per_buyer["channels"] >= 3, "3 or more", per_buyer["channels"].astype(str))
    table = per_buyer.groupby(used).agg(buyers=("orders", "size"), orders=("orders", "sum"), revenue=("revenue", "sum"))
    table["share_of_buyers"] = table["buyers"] / table["buyers"].sum()
    table["orders_per_buyer"] = table["orders"] / table["buyers"]
    table["revenue_per_buyer"] = table["revenue"] / table["buyers"]
    table = table.rename_axis("channels_used").reset_index()
    return table[["channels_used", "buyers", "share_of_buyers", "orders_per_buyer", "revenue_per_buyer"]]


def records_per_customer(source_records: pd.DataFrame, source_links: pd.DataFrame) -> pd.DataFrame:
    """Information management: how many records of one person the source systems hold.

    Reads ``source_records`` (``source_record_id``, ``source_system``) and the truth's
    ``source_links`` (``source_record_id``, ``customer_id``: who each record really is).
    Returns ``records`` (per customer: 1, 2, 3, 4 or more, as text), ``customers``,
    ``share_of_customers`` and ``systems_per_customer`` (mean number of distinct systems).

    >>> records = pd.DataFrame({"source_record_id": [1, 2, 3],
    ...                         "source_system": ["web_shop", "call_centre", "web_shop"]})
    >>> links = pd.DataFrame({"source_record_id": [1, 2, 3], "customer_id": [7, 7, 8]})
    >>> records_per_customer(records, links)[["records", "customers", "systems_per_customer"]].values.tolist()
    [['1', 1, 1.0], ['2', 1, 2.0]]
    """
    require_columns(source_records, ["source_record_id", "source_system"], "source_records")
    require_columns(source_links, ["source_record_id", "customer_id"], "source_links")
    linked = source_links[["source_record_id", "customer_id"]].merge(
        source_records[["source_record_id", "source_system"]], on="source_record_id")
    per_customer = linked.groupby("customer_id").agg(records=("source_record_id", "size"),
                                                     systems=("source_system", "nunique"))
    label = np.where(per_customer["records"] >= 4, "4 or more", per_customer["records"].astype(str))
    table = per_customer.groupby(label).agg(customers=("records", "size"), systems_per_customer=("systems", "mean"))
    table["share_of_customers"] = table["customers"] / table["customers"].sum()
    table = table.rename_axis("records").reset_index()
    return table[["records", "customers", "share_of_customers", "systems_per_customer"]]
