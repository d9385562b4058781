"""Billing: invoices, payments, write-offs, refunds and the cost to serve; contract and signal."""

import numpy as np
import pandas as pd
import pytest

from crmkit.errors import ConfigError
from crmkit.world.cases import load_config
from crmkit.world.ops.finance import check

COST_COLUMNS = ["refunds", "delivery_cost", "service_cost", "returns_cost", "payment_cost", "marketing_cost", "written_off"]


@pytest.fixture(params=["pschse", "retailer"])
def any_world(request, world, retail_world):
    return world if request.param == "pschse" else retail_world


def _on_account_lateness(world) -> pd.DataFrame:
    """Invoices on account with the days late of their last payment, in issue order."""
    inv = world.invoices[world.invoices.payment_method == "bank_transfer"]
    late = world.payments.groupby("invoice_id").days_late.max()
    return inv.assign(late=inv.invoice_id.map(late)).dropna(subset=["late"]).sort_values("issued_at")


def test_billing_keeps_its_contract(any_world):
    assert check(any_world) == []
    inv, pay = any_world.invoices, any_world.payments
    assert (pay.amount > 0).all() and (pay.days_late >= 0).all()
    assert inv.order_id.is_unique and len(inv) >= 0.98 * len(any_world.orders)
    paid = pay.groupby("invoice_id").amount.sum().reindex(inv.invoice_id, fill_value=0).to_numpy()
    assert np.allclose(paid, inv.amount_paid, atol=0.011)
    written = inv.status == "written_off"
    assert inv.written_off_at.notna().eq(written).all()
    assert (inv.written_off_amount[~written] == 0).all() and (inv.written_off_amount[written] > 0).all()
    on_till = inv.payment_method != "bank_transfer"
    assert (inv.due_at[on_till] == inv.issued_at[on_till]).all()


def test_outstanding_balances_stay_open_at_the_end(world):
    status = world.invoices.status.astype(str)
    assert {"paid", "written_off", "overdue", "open"} <= set(status)
    end = world.observed_until + pd.Timedelta(days=1)
    assert (world.invoices.due_at[status == "open"] >= end).all()
    assert (world.invoices.due_at[status == "overdue"] < end).all()


def test_late_payers_are_persistent(world):
    acct = _on_account_lateness(world)
    turn = acct.groupby("customer_id").cumcount()
    halves = pd.concat([acct[turn % 2 == k].groupby("customer_id").late.mean() for k in (0, 1)], axis=1).dropna()
    assert len(halves) > 100
    assert halves.corr().iloc[0, 1] > 0.3  # a customer's lateness on one invoice predicts the next


def test_lateness_follows_the_hidden_propensity(world):
    acct = _on_account_lateness(world)
    per_customer = acct.groupby("customer_id").late.apply(lambda s: (s > 0).mean())
    propensity = world.truth.payment_behaviour.set_index("customer_id").late_payment_propensity
    assert np.corrcoef(per_customer, propensity.reindex(per_customer.index))[0, 1] > 0.5


def test_write_offs_concentrate_on_late_payers(world):
    propensity = world.truth.payment_behaviour.set_index("customer_id").late_payment_propensity
    inv = world.invoices
    debtors = inv[inv.status == "written_off"].customer_id.unique()
    on_account = inv[inv.payment_method == "bank_transfer"].customer_id.unique()
    assert len(debtors) >= 10
    assert propensity[debtors].mean() > 3 * propensity[on_account].mean()


def test_refunds_follow_damaged_and_wrong_items(any_world):
    orders = any_world.orders.set_index("order_id")
    refunded = orders.index.isin(any_world.refunds.order_id)
    by_issue = pd.Series(refunded, index=orders.index).groupby(orders.service_issue.astype(str)).mean()
    assert by_issue["damaged_item"] > 10 * by_issue["none"] and by_issue["wrong_item"] > 10 * by_issue["none"]
    assert (any_world.refunds.amount <= orders.net_amount.reindex(any_world.refunds.order_id).to_numpy() + 0.005).all()
    reasons = any_world.refunds.merge(orders.reset_index()[["order_id", "service_issue"]], on="order_id")
    faults = reasons.service_issue.isin(["damaged_item", "wrong_item"])
    assert (reasons.reason.astype(str)[faults] == reasons.service_issue.astype(str)[faults]).all()


def test_customer_costs_add_up(any_world):
    cc = any_world.customer_costs
    assert len(cc) == len(any_world.customers) and cc.customer_id.is_unique
    assert np.allclose(cc.gross_margin, cc.revenue - cc.cost_of_goods, atol=0.011)
    assert np.allclose(cc.contribution, cc.gross_margin - cc[COST_COLUMNS].sum(axis=1), atol=0.05)
    revenue = any_world.orders.groupby("customer_id").net_amount.sum()
    assert np.allclose(cc.set_index("customer_id").revenue.reindex(revenue.index), revenue, atol=0.011)
    config = any_world.config.finance.unit_costs
    assert np.allclose(cc.service_cost, cc.service_contacts * config.service_contact)


def test_not_every_customer_is_worth_keeping(world):
    buyers = world.customer_costs[world.customer_costs.orders > 0]
    losing = buyers.contribution < 0
    assert 0.005 < losing.mean() < 0.3
    assert (losing & (buyers.revenue > buyers.revenue.median())).any()  # big spenders can lose money too
    assert buyers.contribution.sum() > 0


@pytest.mark.parametrize(("path", "value", "needle"), [
    ("finance.billing.web.methods", {"cheque": 1.0}, "methods has key 'cheque'; allowed keys: card, bank_transfer"),
    ("finance.returns.rate", {"broken": 0.5}, "rate has key 'broken'"),
    ("finance.late_payment.default_rate", 1.5, "finance.late_payment.default_rate = 1.5"),
    ("finance.unit_costs.delivery", {"drone": 1.0}, "delivery has key 'drone'"),
])
def test_bad_finance_config_is_refused_clearly(path, value, needle):
    with pytest.raises(ConfigError, match=needle.replace("(", r"\(")):
        load_config("pschse", **{path: value})


def test_every_channel_needs_terms():
    raw = load_config("pschse").model_dump(mode="python")
    del raw["finance"]["billing"]["call_centre"]
    with pytest.raises(ConfigError, match="billing lacks channel 'call_centre'"):
        load_config(raw)
