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
    # world): on the current PSCHSE worlds (seeds 1-3, 4,000 and 8,000 customers) BG/NBD ranks
    # customers a little better (Spearman +0.015 to +0.024), finds the top decile about as well
    # (capture +0.002 to +0.030) and misses by about as much (MAE -2 % to +3 %).
    assert bgnbd.spearman >= last.spearman + 0.01
    assert bgnbd.top_decile_capture >= last.top_decile_capture - 0.01
    assert bgnbd.mae <= 1.05 * last.mae
