"""The single customer view: every table's rows about one customer, the credit summary computed
another way, and the unprofitable buyers sorted by why they lose money."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics import COSTLY, UNPAID, credit_summary, customer_view, unprofitable_buyers
from crmkit.errors import ConfigError


@pytest.fixture(scope="module")
def small(make_world):
    return make_world("pschse", 1500, 2)


def test_the_view_holds_every_row_of_the_customer_and_nobody_else(small):
    customer = int(small.orders["customer_id"].value_counts().index[0])  # the most frequent buyer
    view = customer_view(small, customer)
    assert view.profile.name == customer and view.customer_id == customer
    for section, table in [("orders", small.orders), ("service", small.cases), ("campaigns", small.campaign_members),
                           ("loyalty", small.loyalty_ledger), ("invoices", small.invoices), ("payments", small.payments)]:
        rows = getattr(view, section)
        assert set(rows["customer_id"]) <= {customer}
        assert len(rows) == (table["customer_id"] == customer).sum(), section
    assert view.orders["ordered_at"].is_monotonic_decreasing
    head = view.summary()
    assert head["orders"] == len(view.orders) and head["revenue"] == pytest.approx(view.orders["net_amount"].sum())
    costs = small.customer_costs.set_index("customer_id").loc[customer]
    assert head["contribution"] == pytest.approx(costs["contribution"])


def test_an_unknown_customer_is_refused_by_id(small):
    with pytest.raises(ConfigError, match="customer_id -5"):
        customer_view(small, -5)


def test_the_credit_summary_matches_the_invoices_and_payments_counted_by_hand(small):
    summary = credit_summary(small.invoices, small.payments)
    invoices, payments = small.invoices, small.payments
    some = summary.sample(20, random_state=1).index
    for customer in some:
        mine, theirs = invoices[invoices["customer_id"] == customer], payments[payments["customer_id"] == customer]
        row = summary.loc[customer]
        assert row["invoiced"] == pytest.approx(mine["amount"].sum())
        assert row["written_off"] == pytest.approx(mine["written_off_amount"].fillna(0).sum())
        assert row["paid_late"] == (theirs["days_late"] > 0).sum()
        assert row["open_balance"] == pytest.approx(max(0.0, round(mine["amount"].sum() - mine["amount_paid"].sum()
                                                                   - mine["written_off_amount"].fillna(0).sum(), 2)))
    assert set(summary.index) == set(invoices["customer_id"])


def test_unprofitable_buyers_are_the_buyers_below_zero_each_with_one_reason(small):
    lost = unprofitable_buyers(small.customer_costs)
    costs = small.customer_costs
    expected = set(costs.loc[(costs["orders"] > 0) & (costs["contribution"] < 0), "customer_id"])
    assert set(lost["customer_id"]) == expected and len(lost) == len(expected)
    unpaid = lost[lost["reason"] == UNPAID]
    assert (unpaid["contribution"] + unpaid["written_off"] >= 0).all()
    costly = lost[lost["reason"] == COSTLY]
    assert (costly["contribution"] + costly["written_off"] < 0).all()
    assert lost["contribution"].is_monotonic_increasing


def test_the_inputs_are_not_changed(small):
    before = small.customer_costs.copy()
    unprofitable_buyers(small.customer_costs)
    pd.testing.assert_frame_equal(before, small.customer_costs)
