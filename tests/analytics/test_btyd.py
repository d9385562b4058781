"""The BG/NBD + Gamma-Gamma models: fits recover their parameters and agree with lifetimes."""

import warnings

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.btyd import (
    expected_order_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
)
from crmkit.analytics.rfm import rfm
from crmkit.errors import DataError


def lifetimes_fitters():
    with warnings.catch_warnings():  # lifetimes warns at import that pandas 4 will break it
        warnings.simplefilter("ignore")
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    return BetaGeoFitter, GammaGammaFitter


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


def test_predictions_grow_with_the_horizon_and_p_alive_is_a_probability(world):
    summary = rfm(world.orders, world.observed_until)
    params = fit_bgnbd(summary)
    short, long = expected_purchases(summary, params, 90), expected_purchases(summary, params, 365)
    assert (long.expected_purchases > short.expected_purchases).all()
    assert long.p_alive.between(0, 1).all()
    repeaters = summary.frequency > 0  # BG/NBD gives P(alive) = 1 until a first repeat purchase
    assert (long.p_alive[~repeaters] == 1).all() and long.p_alive[repeaters].lt(1).all()


def _plain_bgnbd_loglik(log_params, x, t_x, T):
    """The BG/NBD likelihood as first written, one term per customer (the reference)."""
    from scipy.special import betaln, gammaln

    r, alpha, a, b = np.exp(log_params)
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    with np.errstate(divide="ignore"):
        died = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return -np.sum(common + np.logaddexp(-(r + x) * np.log(alpha + T), died))


def _plain_gamma_gamma_loglik(log_params, x, m):
    from scipy.special import gammaln

    p, q, v = np.exp(log_params)
    return -np.sum(gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(m)
                   + p * x * np.log(x) - (p * x + q) * np.log(x * m + v))


def _plain_fit(loglik, data, start):
    from scipy.optimize import minimize

    found = minimize(loglik, np.log(start), args=data, method="Nelder-Mead",
                     options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-9})
    return np.exp(minimize(loglik, found.x, args=data, method="L-BFGS-B").x)


@pytest.mark.parametrize("customers", [3000, 40_000])  # 40,000: past the size where the search runs on a sample
def test_the_grouped_likelihoods_and_sampled_search_find_the_plain_fit(customers):
    summary = simulate_bgnbd(customers, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=2)
    x, t_x, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    scale = T.max() / 10
    plain = _plain_fit(_plain_bgnbd_loglik, (x, t_x / scale, T / scale), [1, 1, 1, 1]) * [1, scale, 1, 1]
    np.testing.assert_allclose(fit_bgnbd(summary)[["r", "alpha", "a", "b"]], plain, rtol=5e-5)
    rng = np.random.default_rng(2)
    x = np.maximum(x, 1)
    spends = summary.assign(frequency=x, monetary_value=rng.gamma(6.0 * x, 1 / (rng.gamma(3.0, 1 / 50.0, len(x)) * x)))
    m = spends["monetary_value"].to_numpy()
    plain = _plain_fit(_plain_gamma_gamma_loglik, (x, m / m.mean()), [1, 2, 1]) * [1, 1, m.mean()]
    np.testing.assert_allclose(fit_gamma_gamma(spends)[["p", "q", "v"]], plain, rtol=5e-5)
