"""Customer value: formulas, the BG/NBD + Gamma-Gamma fit, and predictions scored against the hold-out."""

import warnings

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.rfm import rfm
from crmkit.analytics.btyd import (
    expected_order_value, expected_purchases, fit_bgnbd, fit_gamma_gamma, probabilistic_clv,
)
from crmkit.analytics.value import historical_value, retention_clv, simple_clv
from crmkit.analytics.value_scoring import score_value, top_decile_capture, value_baselines
from crmkit.errors import ConfigError, DataError
from tests.analytics.conftest import SEEDS


def lifetimes_fitters():
    with warnings.catch_warnings():  # lifetimes warns at import that pandas 4 will break it
        warnings.simplefilter("ignore")
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    return BetaGeoFitter, GammaGammaFitter


def test_simple_clv_is_the_discounted_sum_of_retained_margins():
    periods = np.arange(1, 400)
    by_hand = (100 * 0.8**periods / 1.1**periods).sum()
    assert simple_clv(100, 0.8, 0.1) == pytest.approx(by_hand)
    assert simple_clv(100, 0.8, 0.1, periods=3) == pytest.approx(by_hand_sum := sum(100 * (0.8 / 1.1) ** t for t in (1, 2, 3)))
    assert by_hand_sum < simple_clv(100, 0.8, 0.1)
    np.testing.assert_allclose(simple_clv(100, np.array([0.5, 0.9]), 0.0), [100.0, 900.0])
    assert simple_clv(100, 1.0, 0.0, periods=4) == pytest.approx(400)


@pytest.mark.parametrize("kwargs, message", [
    ({"retention_rate": 1.2}, "retention_rate: 1.2 is not allowed"),
    ({"discount_rate": -1.5}, "discount_rate: -1.5 is not allowed"),
    ({"retention_rate": 1.0, "discount_rate": 0.0}, "must be below 1 \\+ discount_rate"),
])
def test_simple_clv_refuses_impossible_rates(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        simple_clv(**{"margin": 100, "retention_rate": 0.8, "discount_rate": 0.1, **kwargs})


def test_historical_value_adds_up_the_orders(world):
    as_of = world.observed_until
    total = historical_value(world.orders, as_of)
    assert total.value.sum() == pytest.approx(world.orders.net_amount.sum())
    last_year = historical_value(world.orders, as_of, days=365)
    in_window = world.orders.ordered_at.dt.normalize() > as_of - pd.Timedelta(days=365)
    assert last_year.value.sum() == pytest.approx(world.orders.net_amount[in_window].sum())
    with pytest.raises(ConfigError, match="days: 0 is not allowed"):
        historical_value(world.orders, as_of, days=0)


def simulate_bgnbd(customers, r, alpha, a, b, seed):
    """A BTYD summary drawn from the BG/NBD model itself (time in weeks)."""
    rng = np.random.default_rng(seed)
    rate, dropout = rng.gamma(r, 1 / alpha, customers), rng.beta(a, b, customers)
    T = rng.uniform(20, 52, customers).round()
    lives = rng.geometric(dropout)  # the repeat purchase after which the customer drops out
    count = rng.poisson(rate * T)  # repeat purchases if they never dropped out
    x = np.minimum(count, lives)
    # the x-th of `count` uniform purchase times is Beta(x, count - x + 1) distributed
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), count - x + 1), 0.0)
    return pd.DataFrame({"customer_id": np.arange(customers), "frequency": x.astype(float), "recency": t_x, "T": T})


def test_fits_recover_the_parameters_that_made_the_data():
    summary = simulate_bgnbd(10_000, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=1)
    fitted = fit_bgnbd(summary)
    np.testing.assert_allclose(fitted[["r", "alpha"]], [0.25, 4.0], rtol=0.1)
    np.testing.assert_allclose(fitted[["a", "b"]], [0.8, 2.5], rtol=0.2)
    rng = np.random.default_rng(1)
    x = np.maximum(summary.frequency.to_numpy(), 1)
    spend_rate = rng.gamma(3.0, 1 / 50.0, len(x))  # Gamma-Gamma with p = 6, q = 3, v = 50
    spends = summary.assign(frequency=x, monetary_value=rng.gamma(6.0 * x, 1 / (spend_rate * x)))
    np.testing.assert_allclose(fit_gamma_gamma(spends)[["p", "q", "v"]], [6.0, 3.0, 50.0], rtol=0.15)


@pytest.mark.parametrize("case", ["pschse", "retailer"])
def test_fits_and_predictions_agree_with_lifetimes(make_world, case):
    world = make_world(case, 3000, 4)
    summary = rfm(world.orders, world.observed_until)
    BetaGeoFitter, GammaGammaFitter = lifetimes_fitters()
    bg = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[summary.frequency > 0]
    gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    ours, ours_gg = fit_bgnbd(summary), fit_gamma_gamma(summary)
    np.testing.assert_allclose(ours[["r", "alpha", "a", "b"]], bg.params_[["r", "alpha", "a", "b"]], rtol=1e-3)
    np.testing.assert_allclose(ours_gg[["p", "q", "v"]], gg.params_[["p", "q", "v"]], rtol=1e-3)
    predicted = expected_purchases(summary, ours, 365)
    theirs = bg.conditional_expected_number_of_purchases_up_to_time(365, summary["frequency"], summary["recency"], summary["T"])
    np.testing.assert_allclose(predicted.expected_purchases, theirs, rtol=1e-3)
    alive = bg.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    np.testing.assert_allclose(predicted.p_alive, alive, rtol=1e-3)
    spend = gg.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
    np.testing.assert_allclose(expected_order_value(summary, ours_gg), spend, rtol=1e-3)


def test_bad_summaries_are_refused():
    with pytest.raises(DataError, match="column 'T' is missing"):
        fit_bgnbd(pd.DataFrame({"frequency": [1.0], "recency": [2.0]}))
    with pytest.raises(DataError, match="recency <= T"):
        fit_bgnbd(pd.DataFrame({"frequency": [1.0], "recency": [9.0], "T": [5.0]}))
    with pytest.raises(DataError, match="at least 3 customers with repeat purchases"):
        fit_gamma_gamma(pd.DataFrame({"frequency": [0.0, 1.0], "monetary_value": [0.0, 5.0]}))


def test_top_decile_capture_shares_ties_and_rewards_a_perfect_ranking():
    actual = np.arange(1.0, 101.0)
    assert top_decile_capture(np.ones(100), actual) == pytest.approx(0.1)
    assert top_decile_capture(actual, actual) == pytest.approx(actual[-10:].sum() / actual.sum())
    assert top_decile_capture(-actual, actual) == pytest.approx(actual[:10].sum() / actual.sum())


@pytest.mark.parametrize("seed", SEEDS)
def test_predictions_beat_the_naive_baselines_on_the_holdout(make_world, seed):
    world = make_world("pschse", 4000, seed)
    as_of, horizon = world.observed_until, (world.holdout_until - world.observed_until).days
    predictions = value_baselines(world.orders, as_of, horizon).merge(
        probabilistic_clv(rfm(world.orders, as_of), horizon)[["customer_id", "predicted_value"]], on="customer_id").merge(
        retention_clv(world.orders, as_of, period_days=horizon)[["customer_id", "clv"]], on="customer_id")
    scores = score_value(predictions, world.truth.customers).set_index("prediction")
    average, last, bgnbd, clv = (scores.loc[k] for k in ("average", "last_period", "predicted_value", "clv"))
    # against "everyone's value is the average" (Spearman 0, capture 0.10): measured Spearman 0.70,
    # MAE 0.55-0.57 of the average's, top-decile capture 0.48-0.52
    for model in (bgnbd, clv):
        assert model.spearman >= average.spearman + 0.5
        assert model.mae <= 0.7 * average.mae
        assert model.top_decile_capture >= average.top_decile_capture + 0.25
    # against each customer's own last-year value the world leaves little room (it is not a BG/NBD
    # world): BG/NBD measured +0.007 to +0.034 Spearman, +0.024 to +0.032 capture, MAE -1.5 % to +2 %
    assert bgnbd.spearman >= last.spearman - 0.01
    assert bgnbd.top_decile_capture >= last.top_decile_capture + 0.01
    assert bgnbd.mae <= 1.05 * last.mae


def test_predictions_grow_with_the_horizon_and_p_alive_is_a_probability(world):
    summary = rfm(world.orders, world.observed_until)
    params = fit_bgnbd(summary)
    short, long = expected_purchases(summary, params, 90), expected_purchases(summary, params, 365)
    assert (long.expected_purchases > short.expected_purchases).all()
    assert long.p_alive.between(0, 1).all()
    repeaters = summary.frequency > 0  # BG/NBD gives P(alive) = 1 until a first repeat purchase
    assert (long.p_alive[~repeaters] == 1).all() and long.p_alive[repeaters].lt(1).all()
