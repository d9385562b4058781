"""Retention: cohorts, churn flags, Kaplan-Meier survival, retention economics and profitability."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from crmkit.analytics.profitability import customer_profitability, profitability_summary
from crmkit.analytics.retention import churn_flags, cohort_retention, customer_lifetimes, score_churn_flags
from crmkit.analytics.retention_value import acquisition_vs_retention, customer_base_projection, retention_economics
from crmkit.analytics.survival import kaplan_meier, survival_at, survival_by_group
from crmkit.analytics.value import simple_clv
from crmkit.errors import ConfigError, DataError
from tests.analytics.conftest import SEEDS


def test_cohort_table_matches_a_direct_count(world):
    as_of = world.observed_until
    table = cohort_retention(world.orders, as_of)
    assert (table.loc[table.months_since == 0, "retention"] == 1).all()
    assert table.retention.between(0, 1).all()
    orders = world.orders.assign(month=world.orders.ordered_at.dt.to_period("M"))
    first = orders.groupby("customer_id").month.transform("min")
    march_2023 = orders[first == pd.Period("2023-03", "M")]
    row = table[(table.cohort == "2023-03-01") & (table.months_since == 4)].iloc[0]
    assert row.cohort_size == march_2023.customer_id.nunique()
    assert row.active_customers == march_2023[march_2023.month == pd.Period("2023-07", "M")].customer_id.nunique()
    last_cohort = table[table.cohort == table.cohort.max()]
    assert last_cohort.months_since.tolist() == [0]  # no month after as_of is reported


def test_signup_cohorts_count_customers_who_never_bought(world):
    table = cohort_retention(world.orders, world.observed_until, customers=world.customers)
    sizes = table.drop_duplicates("cohort").cohort_size
    assert sizes.sum() == len(world.customers)
    assert table.retention.max() < 1  # some customers sign up and never buy in their first month


@pytest.mark.parametrize("seed", SEEDS)
def test_churn_flags_find_churners_far_better_than_random_flags(make_world, seed):
    world = make_world("pschse", 4000, seed)
    scores = score_churn_flags(churn_flags(world.orders, world.observed_until, 180), world.truth.customers)
    flags, random = scores.set_index("rule").loc["flags"], scores.set_index("rule").loc["random"]
    # measured on seeds 1-3: F1 0.69-0.72 against 0.31-0.33 for random flags at the same rate,
    # precision 0.60-0.62 against 0.27-0.28, accuracy 0.80-0.82
    assert flags.f1 >= random.f1 + 0.25
    assert flags.precision >= random.precision + 0.2
    assert flags.accuracy <= 0.95  # silence is only a proxy: some quiet customers are still alive


def test_churn_flags_follow_the_rule_and_refuse_a_bad_window():
    orders = pd.DataFrame({"customer_id": [1, 2, 3], "ordered_at": pd.to_datetime(["2024-01-01", "2024-03-02", "2024-03-03"])})
    flags = churn_flags(orders, "2024-05-31", inactive_days=90)
    assert flags.days_since_last_order.tolist() == [151, 90, 89]
    assert flags.churned.tolist() == [True, True, False]
    with pytest.raises(ConfigError, match="inactive_days: 0 is not allowed"):
        churn_flags(orders, "2024-05-31", inactive_days=0)


def test_kaplan_meier_without_censoring_is_one_minus_the_empirical_distribution():
    durations = np.random.default_rng(3).integers(0, 50, 300)
    curve = kaplan_meier(durations, np.ones(300, bool))
    empirical = 1 - np.searchsorted(np.sort(durations), curve.time, side="right") / 300
    np.testing.assert_allclose(curve.survival, empirical)


def test_kaplan_meier_keeps_censored_customers_at_risk_until_they_leave():
    curve = kaplan_meier([2, 3, 3, 5, 8], [True, False, True, True, False])
    assert curve.at_risk.tolist() == [5, 4, 2, 1]
    np.testing.assert_allclose(curve.survival, [0.8, 0.6, 0.3, 0.3])  # 4/5, then 3/4, then 1/2, then 1/1
    with pytest.raises(DataError, match="non-negative durations"):
        kaplan_meier([1, -2], [True, True])


@pytest.mark.parametrize("seed", SEEDS)
def test_survival_by_persona_from_orders_ranks_personas_like_the_truth(make_world, seed):
    world = make_world("pschse", 4000, seed)
    truth = world.truth.customers
    lifetimes = customer_lifetimes(world.orders, world.observed_until, 180).merge(truth[["customer_id", "persona"]])
    observed = survival_at(survival_by_group(lifetimes, "persona"), 365, "persona")
    # the truth: signup to first dissolution, censored at the end of the observation window
    people = world.customers[["customer_id", "signup_date"]].merge(truth)
    ended = people.first_churned_at.notna() & (people.first_churned_at <= world.observed_until)
    people["duration_days"] = (people.first_churned_at.where(ended, world.observed_until) - people.signup_date).dt.days
    people["churned"] = ended
    true = survival_at(survival_by_group(people, "persona"), 365, "persona").reindex(observed.index)
    shuffled = lifetimes.assign(persona=np.random.default_rng(seed).permutation(lifetimes.persona.to_numpy()))
    baseline = survival_at(survival_by_group(shuffled, "persona"), 365, "persona")
    # measured: rank correlation 0.9-1.0; spread between personas 0.49-0.63 against 0.06-0.11 for random labels
    assert spearmanr(observed, true).statistic >= 0.7
    assert np.ptp(observed) >= 3 * np.ptp(baseline)
    assert observed.between(0.1, 0.97).all()  # personas overlap: none is all churned or all kept


def test_retention_economics_follow_the_clv_formula():
    table = retention_economics(120, 0.7, 0.08, extra_points=5).set_index("scenario")
    assert table.loc["improved", "retention_rate"] == pytest.approx(0.75)
    assert table.loc["current", "clv"] == pytest.approx(simple_clv(120, 0.7, 0.08))
    assert table.loc["improved", "clv_change_pct"] == pytest.approx(100 * (simple_clv(120, 0.75, 0.08) / simple_clv(120, 0.7, 0.08) - 1))
    assert table.loc["improved", "expected_periods"] == pytest.approx(4.0)
    with pytest.raises(ConfigError, match="must stay below 1"):
        retention_economics(120, 0.97, 0.08, extra_points=5)


def test_the_customer_base_levels_off_where_retention_puts_the_ceiling():
    base = customer_base_projection(1000, 0.8, periods=80)
    assert base.customers.iloc[-1] == pytest.approx(1000 / (1 - 0.8), rel=1e-6)
    assert base.customers.is_monotonic_increasing
    assert customer_base_projection(10, 1.0, periods=3, start_customers=5).customers.tolist() == [15, 25, 35]


def test_acquisition_against_retention_adds_up():
    result = acquisition_vs_retention(1000, acquisition_cost=150, retention_cost=3, margin=80, retention_rate=0.75,
                                      discount_rate=0.1, extra_points=4)
    assert result.customers_lost == pytest.approx(250) and result.replacement_cost == pytest.approx(250 * 150)
    assert result.customers_saved == pytest.approx(40) and result.cost_per_saved_customer == pytest.approx(75)
    assert result.acquisition_multiple == pytest.approx(2)
    assert result.net_benefit == pytest.approx(40 * (80 + simple_clv(80, 0.79, 0.1)) - 3000)


def test_profitability_reconciles_with_the_cost_columns(world):
    table = customer_profitability(world.customer_costs)
    rebuilt = table.gross_margin - table.refunds - table.written_off - table.cost_to_serve
    np.testing.assert_allclose(rebuilt, table.contribution, atol=0.02)
    assert table.contribution.is_monotonic_decreasing
    assert table.cumulative_share_of_profit.iloc[-1] == pytest.approx(1)
    assert len(customer_profitability(world.customer_costs, buyers_only=False)) == len(world.customers)


@pytest.mark.parametrize("seed", SEEDS)
def test_not_all_customers_are_worth_keeping(make_world, seed):
    world = make_world("pschse", 4000, seed)
    table = customer_profitability(world.customer_costs).merge(world.truth.customers[["customer_id", "holdout_value"]])
    summary = profitability_summary(table)
    assert 0.01 <= summary.unprofitable_share <= 0.5  # measured 4.9-5.6 % of buyers
    assert summary.peak_share_of_profit > 1  # the whale curve rises above 100 % of profit
    losers = table.contribution < 0
    ratio = table.holdout_value[losers].mean() / table.holdout_value[~losers].mean()
    picked = np.random.default_rng(seed).permutation(losers.to_numpy())  # baseline: a random group of the same size
    random_ratio = table.holdout_value[picked].mean() / table.holdout_value[~picked].mean()
    # measured on seeds 1-3: unprofitable buyers bring 0.13-0.24 of the profitable buyers' hold-out value
    assert ratio <= 0.5 and random_ratio >= ratio + 0.3
