"""Consistency over random valid configurations (property-based), and the checker itself."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmkit as ck
from crmkit.world.validate import check_world

levers = st.fixed_dictionaries({
    "customers": st.integers(1, 400),
    "seed": st.integers(0, 2**32),
    "loyalty__enabled": st.booleans(),
    "service__level": st.sampled_from(["basic", "standard", "premium"]),
    "campaigns__targeting_rule": st.sampled_from(["random", "best_customers", "at_risk", "all"]),
    "personalisation__enabled": st.booleans(),
    "acquisition__budget_multiplier": st.floats(0, 3),
    "phases__winback_monthly": st.floats(0, 0.3),
    "calendar__holdout_months": st.integers(1, 18),
})


@given(case=st.sampled_from(["pschse", "retailer"]), settings=levers)
def test_every_valid_world_keeps_the_contract(case, settings):
    world = ck.simulate(case, progress=False, **settings)
    assert check_world(world) == []
    assert len(world.customers) == settings["customers"]


def test_the_checker_sees_a_broken_foreign_key(world):
    broken = ck.World(world.config, {**world.tables, "orders": world.orders.assign(customer_id=world.orders.customer_id + 10**6)},
                      dict(world.truth))
    assert any("orders.customer_id" in p and "not in customers.customer_id" in p for p in check_world(broken))


def test_the_checker_sees_an_order_after_churn(world):
    t = world.truth.customers
    gone = t[~t.won_back & (t.churned_at < world.observed_until - pd.Timedelta(days=30))].iloc[0]
    late = world.orders.iloc[[0]].assign(customer_id=gone.customer_id, ordered_at=world.observed_until, order_id=10**7)
    broken = ck.World(world.config, {**world.tables, "orders": pd.concat([world.orders, late], ignore_index=True)}, dict(world.truth))
    assert any("orders: 1 events outside the customer's active relationship" in p for p in check_world(broken))


def test_the_checker_sees_negative_amounts_and_bad_balances(world):
    orders = world.orders.assign(net_amount=-world.orders.net_amount)
    ledger = world.loyalty_ledger.assign(balance_after=world.loyalty_ledger.balance_after + 1)
    problems = check_world(ck.World(world.config, {**world.tables, "orders": orders, "loyalty_ledger": ledger}, dict(world.truth)))
    assert any("orders.net_amount has values below 0" in p for p in problems)
    assert any("running total" in p for p in problems)


@pytest.mark.parametrize("case", ["pschse", "retailer"])
def test_win_backs_happen_and_are_marked(case, world, retail_world):
    w = world if case == "pschse" else retail_world
    phases = w.truth.phases
    assert phases.is_winback.any()
    assert set(phases[phases.is_winback].phase.astype(str)) == {"exploration"}
    back = w.truth.customers[w.truth.customers.won_back]
    assert back.first_churned_at.notna().all()
