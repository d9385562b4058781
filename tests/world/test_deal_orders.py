"""Deals become revenue: each deal won inside the window books one order, billed like any other."""

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError


def _booked(world):
    orders = world.orders[world.orders.opportunity_id.notna()]
    deals = world.opportunities.set_index("opportunity_id")
    return orders, deals


def test_every_won_deal_books_one_order_of_its_amount_on_the_day_it_was_won(world):
    orders, deals = _booked(world)
    won = deals[deals.is_won]
    assert len(won) > 50
    assert orders.opportunity_id.is_unique and set(orders.opportunity_id) == set(won.index)
    deal = won.loc[orders.opportunity_id.to_numpy()]
    assert np.allclose(orders.net_amount, deal.amount, atol=0.005)
    assert (orders.customer_id.to_numpy() == deal.customer_id.to_numpy()).all()
    history = world.opportunity_history
    won_at = history[history.stage.astype(str) == "closed_won"].set_index("opportunity_id").changed_at
    assert (orders.ordered_at.to_numpy() == won_at.loc[orders.opportunity_id.to_numpy()].to_numpy()).all()
    assert np.allclose(orders.net_amount, orders.gross_amount - orders.discount_amount, atol=0.005)


def test_deal_orders_keep_their_case_channel_and_one_line(world):
    orders, deals = _booked(world)
    kind = deals.loc[orders.opportunity_id.to_numpy(), "kind"].astype(str).to_numpy()
    channel = orders.channel.astype(str).to_numpy()
    assert (channel[kind == "home_party_booking"] == "home_sales_event").all()
    assert (channel[kind != "home_party_booking"] == "call_centre").all()
    lines = world.order_items[world.order_items.order_id.isin(orders.order_id)]
    assert len(lines) == len(orders) and (lines.groupby("order_id").quantity.sum() == orders.set_index("order_id").item_count).all()
    sold = lines.merge(orders[["order_id", "ordered_at"]]).merge(world.products[["product_id", "launched_on"]])
    assert (sold.launched_on <= sold.ordered_at).all()  # only products on sale that day


def test_their_invoices_carry_the_deal_and_no_other_invoice_does(world):
    invoices = world.tables["invoices"]
    by_order = world.orders.set_index("order_id").opportunity_id
    expected = by_order.reindex(invoices.order_id).to_numpy()
    got = invoices.opportunity_id.to_numpy()
    assert (pd.isna(expected) == pd.isna(got)).all()
    assert (got[~pd.isna(got)] == expected[~pd.isna(expected)]).all()
    assert invoices.opportunity_id.notna().sum() > 50


def test_no_deal_is_won_after_its_customer_lapsed(world):
    truth = world.truth.opportunities.merge(world.opportunities[["opportunity_id", "customer_id"]], on="opportunity_id")
    assert not (truth.is_won & truth.lost_to_churn).any()
    from crmkit.world.validate import check_world

    assert check_world(world) == []


def test_a_world_without_deals_has_the_column_but_no_deal_orders(retail_world):
    assert "opportunity_id" in retail_world.orders.columns
    tesco = ck.simulate("tesco", customers=300, seed=1, progress=False)
    assert tesco.orders.opportunity_id.isna().all() and tesco.tables["invoices"].opportunity_id.isna().all()


def test_an_unknown_order_channel_is_refused_by_name():
    config = ck.load_config("pschse")
    raw = config.model_dump()
    raw["sales"]["opportunities"]["kinds"]["bulk_order"]["order_channel"] = "carrier_pigeon"
    with pytest.raises((ConfigError, ValueError), match="order_channel.*carrier_pigeon"):
        ck.simulate(raw, customers=100, seed=1, progress=False)
