"""Value predictions scored against the hold-out: top-decile capture, and the models beat the naive baselines."""

import numpy as np
import pytest

from crmkit.analytics.btyd import probabilistic_clv
from crmkit.analytics.rfm import rfm
from crmkit.analytics.value import retention_clv
from crmkit.analytics.value_scoring import (
    score_value,
    top_decile_capture,
    value_baselines,
)
from tests.analytics.conftest import SEEDS


def test_top_decile_capture_shares_ties_and_rewards_a_perfect_ranking():
    actual = np.arange(1.0, 101.0)
    assert top_decile_capture(np.ones(100), actual) == pytest.approx(0.1)
    assert top_decile_capture(actual, actual) == pytest.approx(actual[-10:].sum() / actual.sum())
    assert top_decile_capture(-actual, actual) == pytest.approx(actual[:10].sum() / actual.sum())


def _scores(world):
    as_of, horizon = world.observed_until, (world.holdout_until - world.observed_until).days
    predictions = value_baselines(world.orders, as_of, horizon).merge(
        probabilistic_clv(rfm(world.orders, as_of), horizon)[["customer_id", "predicted_value"]], on="customer_id").merge(
        retention_clv(world.orders, as_of, period_days=horizon)[["customer_id", "clv"]], on="customer_id")
    return score_value(predictions, world.truth.customers).set_index("prediction")


@pytest.mark.parametrize("seed", SEEDS)
def test_predictions_beat_the_naive_baselines_on_the_holdout(make_world, seed):
    scores = _scores(make_world("pschse", 4000, seed))
    average, last, bgnbd, clv = (scores.loc[k] for k in ("average", "last_period", "predicted_value", "clv"))
    # against "everyone's value is the average" (Spearman 0, capture 0.10): measured Spearman 0.66-0.69,
    # MAE 0.59-0.62 of the average's, top-decile capture 0.46-0.50
    for model in (bgnbd, clv):
        assert model.spearman >= average.spearman + 0.5
        assert model.mae <= 0.7 * average.mae
        assert model.top_decile_capture >= average.top_decile_capture + 0.25
    # against each customer's own last-year value PSCHSE leaves little room: its buyers are steady
    # and the deals' lumpy orders are no BG/NBD process. Measured (world version 2, seeds 1-3,
    # 4,000 customers): Spearman +0.007 to +0.030, capture +0.007 to +0.015, MAE 5 % to 2 % lower.
    assert bgnbd.spearman >= last.spearman
    assert bgnbd.top_decile_capture >= last.top_decile_capture - 0.01
    assert bgnbd.mae <= 1.02 * last.mae


@pytest.mark.parametrize("seed", SEEDS)
def test_bgnbd_beats_last_year_where_customers_drop_out_as_in_real_data(make_world, seed):
    # The retailer world is calibrated to CDNOW's heterogeneity and dropout, where "next year =
    # last year" misses both the quiet customers who come back and the active ones who leave.
    # Measured (world version 2, seeds 1-3, 4,000 customers): Spearman +0.055 to +0.069,
    # top-decile capture +0.036 to +0.066, MAE 7 % to 13 % lower.
    scores = _scores(make_world("retailer", 4000, seed))
    last, bgnbd = scores.loc["last_period"], scores.loc["predicted_value"]
    assert bgnbd.spearman >= last.spearman + 0.03
    assert bgnbd.top_decile_capture >= last.top_decile_capture + 0.02
    assert bgnbd.mae <= 0.97 * last.mae
