"""Payne and Frow's processes on data: each table accounts for every buyer and record."""

from __future__ import annotations

import pytest

from crmkit.analytics.payne import channel_mix, records_per_customer, value_by_group, value_exchange


def test_process_tables_account_for_every_buyer_and_record(world):
    buyers = world.customer_costs[world.customer_costs["orders"] > 0]
    by_source = value_by_group(world.customer_costs, world.customers)
    assert by_source["buyers"].sum() == len(buyers)
    assert by_source["share_of_contribution"].sum() == pytest.approx(1)
    assert by_source["contribution_per_buyer"].is_monotonic_decreasing
    exchange = value_exchange(world.orders, world.customer_costs, world.customers)
    assert exchange["buyers"].sum() == len(buyers)
    discount = (exchange["discount_per_buyer"] * exchange["buyers"]).sum()
    assert discount == pytest.approx(world.orders["discount_amount"].sum())
    mix = channel_mix(world.orders)
    assert mix["buyers"].sum() == world.orders["customer_id"].nunique()
    assert mix["orders_per_buyer"].is_monotonic_increasing  # buyers of more channels order more
    records = records_per_customer(world.source_records, world.truth.source_links)
    assert records["customers"].sum() == world.truth.source_links["customer_id"].nunique()
    assert records["systems_per_customer"].iloc[0] == 1.0
