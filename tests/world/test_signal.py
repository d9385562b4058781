"""The behaviour the lessons will discover is really in the data (checked against the truth)."""

import numpy as np
import pandas as pd

import crmkit as ck


def orders_per_customer(world):
    t = world.truth.customers
    return world.orders.groupby("customer_id").size().reindex(t.customer_id, fill_value=0).to_numpy()


def test_personas_differ_in_frequency_and_spend(world):
    t = world.truth.customers.assign(orders=orders_per_customer(world))
    by = t.groupby("persona")[["orders", "observed_value"]].mean()
    rates = {name: p.purchase_rate for name, p in world.config.personas.items()}
    # The persona with the highest configured rate buys most often; the lowest, least often.
    assert by.orders.idxmax() == max(rates, key=rates.get)
    assert by.orders.idxmin() in sorted(rates, key=rates.get)[:2]
    assert by.observed_value.max() > 5 * by.observed_value.min()


def test_a_few_customers_bring_most_of_the_value(world):
    value = world.truth.customers.observed_value.sort_values(ascending=False)
    assert value.iloc[: len(value) // 5].sum() > 0.6 * value.sum()


def test_true_purchase_rate_shows_in_the_orders(world):
    t = world.truth.customers.assign(orders=orders_per_customer(world))
    assert np.corrcoef(t.purchase_rate, t.orders)[0, 1] > 0.4


def test_unresolved_service_failures_raise_churn(world):
    """Order by order: a problem not put right is followed by a dissolution more often."""
    o = world.orders.merge(world.truth.service_issues[["order_id", "recovered"]], on="order_id", how="left")
    o["group"] = np.where(o.service_issue == "none", "none", np.where(o.recovered.fillna(False).astype(bool), "recovered", "unrecovered"))
    ph = world.truth.phases
    ends = ph[ph.phase == "dissolution"][["customer_id", "started_at"]].sort_values("started_at")
    o = pd.merge_asof(o.sort_values("ordered_at"), ends, left_on="ordered_at", right_on="started_at",
                      by="customer_id", direction="forward")
    o["left_within_180_days"] = (o.started_at - o.ordered_at) < pd.Timedelta(days=180)
    early = o[o.ordered_at < world.observed_until - pd.Timedelta(days=180)]
    rate = early.groupby("group").left_within_180_days.mean()
    assert rate["unrecovered"] > 1.4 * rate["none"]
    assert rate["recovered"] < rate["unrecovered"]


def test_campaign_uplift_is_real_and_measurable_against_control(world):
    m = world.campaign_members.merge(world.truth.campaign_uplift, on="member_id")
    m["responded"] = m.status == "responded"
    treated, control = m[~m.in_control_group], m[m.in_control_group]
    measured = treated.responded.mean() - control.responded.mean()
    se = np.sqrt(treated.responded.var() / len(treated) + control.responded.var() / len(control))
    assert abs(measured - treated.true_uplift.mean()) < 3.5 * se
    # A real effect, visible in the data: the true uplift is over twice the standard error of the
    # measured one, and the measured one is positive. (Asking the measurement itself to pass 2 SE
    # fails about one world in four: with about 300 members in the control groups, on this pschse
    # world of version 3 the truth is 0.062, 2.4 SE, and the measurement 0.046, 1.8 SE; version 2 gave 0.071.)
    assert treated.true_uplift.mean() > 2 * se and measured > 0


def test_uplift_is_heterogeneous(world):
    m = world.campaign_members.merge(world.truth.campaign_uplift, on="member_id")
    persona = world.truth.customers.set_index("customer_id").persona
    by = m.assign(persona=m.customer_id.map(persona)).groupby("persona").true_uplift.mean()
    assert by.max() > 1.5 * by.min()
    assert m.true_uplift.std() > 0.3 * m.true_uplift.mean()


def test_naive_attribution_overstates_the_campaigns(world):
    """Counting every treated buyer as campaign-made exceeds the true incremental effect."""
    m = world.campaign_members.merge(world.truth.campaign_uplift, on="member_id")
    treated = m[~m.in_control_group]
    assert (treated.status == "responded").mean() > 1.5 * treated.true_uplift.mean()


def test_commitment_phase_customers_buy_more(world):
    ph = world.truth.phases
    committed = ph[ph.phase == "commitment"].customer_id.unique()
    t = world.truth.customers.assign(orders=orders_per_customer(world))
    assert t[t.customer_id.isin(committed)].orders.mean() > 3 * t[~t.customer_id.isin(committed)].orders.mean()


def _paired(lever, values, customers=8000, seed=3):
    return [ck.simulate("pschse", customers=customers, seed=seed, progress=False, **{lever: v}) for v in values]


def test_better_service_keeps_repeat_customers():
    basic, premium = _paired("service__level", ["basic", "premium"])
    alive = [w.truth.customers[orders_per_customer(w) >= 2].alive_at_end.mean() for w in (basic, premium)]
    assert alive[1] > alive[0] + 0.015
    # Kept customers buy again: more orders in the hold-out year. (Its value is a weaker test since
    # world version 2: won deals book a few large orders whose sizes swamp the service effect.)
    assert premium.truth.customers.holdout_orders.sum() > basic.truth.customers.holdout_orders.sum()


def test_loyalty_programme_raises_value_and_retention():
    off, on = _paired("loyalty__enabled", [False, True])
    assert len(off.loyalty_ledger) == 0 and (off.customers.loyalty_tier == "none").all()
    assert on.truth.customers.observed_value.sum() > 1.05 * off.truth.customers.observed_value.sum()
    assert on.truth.customers.alive_at_end.mean() > off.truth.customers.alive_at_end.mean()


def test_personalisation_raises_campaign_uplift():
    off, on = _paired("personalisation__enabled", [False, True])
    uplift = [w.truth.campaign_uplift.true_uplift.mean() for w in (off, on)]
    assert uplift[1] > 1.2 * uplift[0]


def test_acquisition_budget_buys_more_paid_customers():
    low, high = _paired("acquisition__budget_multiplier", [0.2, 3.0], customers=3000)
    share = [(w.customers.acquisition_source == "social_ad").mean() for w in (low, high)]
    assert share[1] > 2 * share[0]


def test_best_customer_campaigns_pick_bigger_spenders(world):
    members = world.campaign_members.merge(world.campaigns[["campaign_id", "targeting_rule"]], on="campaign_id")
    spend = world.truth.customers.set_index("customer_id").observed_value
    by_rule = members.assign(spend=members.customer_id.map(spend)).groupby("targeting_rule", observed=True).spend.mean()
    assert by_rule["best_customers"] > 2 * by_rule["random"]


def test_at_risk_campaigns_pick_the_long_lapsed(world):
    members = world.campaign_members.merge(world.campaigns[["campaign_id", "targeting_rule", "start_date"]], on="campaign_id")
    orders = world.orders[["customer_id", "ordered_at"]].sort_values("ordered_at")
    m = pd.merge_asof(members.sort_values("start_date"), orders, left_on="start_date", right_on="ordered_at",
                      by="customer_id", direction="backward")
    m["lapsed_days"] = (m.start_date - m.ordered_at).dt.days
    by_rule = m.groupby("targeting_rule", observed=True).lapsed_days.median()
    assert by_rule["at_risk"] > 2 * by_rule["random"]
