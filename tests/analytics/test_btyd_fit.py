"""The BTYD fit on large tables: exact gradients, packed distinct rows, small fits unchanged."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from crmkit.analytics import _btyd_fit as F
from crmkit.analytics.btyd import fit_bgnbd, fit_gamma_gamma
from tests.analytics.test_btyd import _plain_bgnbd_loglik, _plain_fit, simulate_bgnbd


def _bgnbd(summary):
    x, t_x, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    scale = T.max() / 10
    return F.bgnbd_data(x, t_x / scale, T / scale, np.ones(len(x))), (x, t_x / scale, T / scale), scale


def _spends(summary, seed=2):
    rng = np.random.default_rng(seed)
    x = np.maximum(summary["frequency"].to_numpy(), 1)
    return summary.assign(frequency=x, monetary_value=rng.gamma(6.0 * x, 1 / (rng.gamma(3.0, 1 / 50.0, len(x)) * x)))


@pytest.mark.parametrize("point", [[0.25, 0.4, 0.8, 2.5], [1.0, 1.0, 1.0, 1.0], [0.6, 2.0, 0.05, 1.1]])
def test_the_bgnbd_gradient_is_the_slope_of_the_likelihood(point):
    data, _, _ = _bgnbd(simulate_bgnbd(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=5))
    value, gradient = F.bgnbd_loglik_and_gradient(np.log(point), *data)
    assert value == pytest.approx(F.bgnbd_loglik(np.log(point), *data), rel=1e-12)
    numeric = approx_fprime(np.log(point), F.bgnbd_loglik, 1e-6, *data)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-3 * np.abs(numeric).max())


@pytest.mark.parametrize("point", [[5.0, 3.0, 1.0], [1.0, 2.0, 1.0], [0.5, 8.0, 0.2]])
def test_the_gamma_gamma_gradient_is_the_slope_of_the_likelihood(point):
    spends = _spends(simulate_bgnbd(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=5))
    x, m = spends["frequency"].to_numpy(), spends["monetary_value"].to_numpy()
    data = F.gamma_gamma_data(x, m / m.mean())
    value, gradient = F.gamma_gamma_loglik_and_gradient(np.log(point), *data)
    assert value == pytest.approx(F.gamma_gamma_loglik(np.log(point), *data), rel=1e-12)
    numeric = approx_fprime(np.log(point), F.gamma_gamma_loglik, 1e-6, *data)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-3 * np.abs(numeric).max())


@pytest.mark.parametrize("whole", [True, False])
def test_distinct_rows_are_those_of_numpy_unique(whole):
    rng = np.random.default_rng(1)
    columns = [rng.integers(0, top, 5000).astype(float) for top in (12, 300, 400)]
    if not whole:
        columns[1] = columns[1] / 7  # not whole numbers: the plain np.unique path
    rows, counts = F.distinct_rows(*columns)
    expected_rows, expected_counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(counts, expected_counts)


def test_small_fits_give_exactly_what_they_gave_before_the_large_table_path():
    # Computed with the fit of commit 806c5ad (before the gradient polish and one BLAS thread)
    # on this summary; at most SAMPLE rows the fit takes the same steps, so the same numbers.
    summary = simulate_bgnbd(3000, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=2)
    assert len(summary) <= F.SAMPLE
    np.testing.assert_allclose(fit_bgnbd(summary).to_numpy(),
                               [0.2448001581595984, 3.5501013698108665, 0.6134945663401986, 1.8957050453336424],
                               rtol=1e-12)
    np.testing.assert_allclose(fit_gamma_gamma(_spends(summary)).to_numpy(),
                               [5.201819574561017, 3.1895482071102896, 62.83387868639932], rtol=1e-12)


def test_a_large_fit_reaches_the_top_of_the_full_likelihood_and_repeats():
    summary = simulate_bgnbd(60_000, r=0.4, alpha=3.0, a=0.3, b=1.5, seed=9)
    _, plain_data, scale = _bgnbd(summary)
    fitted = fit_bgnbd(summary)
    assert fitted.equals(fit_bgnbd(summary))  # seeded sample: the same every time
    plain = np.log(_plain_fit(_plain_bgnbd_loglik, plain_data, [1, 1, 1, 1]))
    ours = np.log(fitted.to_numpy() / [1, scale, 1, 1])
    # at least as high as the plain fit on every row (within rounding of a sum of 60,000 terms)
    assert _plain_bgnbd_loglik(ours, *plain_data) <= _plain_bgnbd_loglik(plain, *plain_data) + 1e-6
    np.testing.assert_allclose(np.exp(ours), np.exp(plain), rtol=1e-4)
