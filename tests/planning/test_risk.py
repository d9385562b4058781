"""PERT and the Monte Carlo simulation."""

from __future__ import annotations

import numpy as np
import pytest

from crmkit.errors import ConfigError
from crmkit.planning import Estimate, load_plan, pert_completion, pert_table, schedule, simulate
from crmkit.planning.risk import correlate, draw_durations
from tests.planning.planning_helpers import network_plan


def test_pert_expected_duration_and_variance():
    estimate = Estimate(3, 6, 15)
    assert estimate.expected == pytest.approx((3 + 24 + 15) / 6)
    assert estimate.variance == pytest.approx(4.0)
    table = pert_table(load_plan("pschse"))
    assert table.loc["5.4.1", "expected"] == pytest.approx((12 + 4 * 17 + 30) / 6)


def test_the_same_seed_gives_the_same_runs_and_no_global_state_is_touched():
    plan = load_plan("pschse")
    before = np.random.get_state()[1].copy()
    a, b = simulate(plan, runs=500, seed=4), simulate(plan, runs=500, seed=4)
    assert np.array_equal(a.offsets, b.offsets)
    assert not np.array_equal(a.offsets, simulate(plan, runs=500, seed=5).offsets)
    assert np.array_equal(np.random.get_state()[1], before)
    assert simulate(plan, runs=50, seed=np.random.default_rng(1)).offsets.shape == (50,)


def test_fixed_estimates_reproduce_the_critical_path_method():
    plan = load_plan("pschse")
    sim = simulate(plan, runs=20, seed=1, uncertainty=0)
    assert np.allclose(sim.offsets, schedule(plan).offset_of("9.2.2"))


@pytest.mark.parametrize("method", ["pert", "triangular"])
def test_draws_stay_in_range_and_have_the_right_mean(method):
    low, mode, high = np.array([2.0]), np.array([4.0]), np.array([12.0])
    draws = draw_durations(low, mode, high, 20_000, np.random.default_rng(0), method)[:, 0]
    mean = (2 + 4 * 4 + 12) / 6 if method == "pert" else (2 + 4 + 12) / 3
    assert draws.min() >= 2 and draws.max() <= 12
    assert draws.mean() == pytest.approx(mean, abs=4 * draws.std() / np.sqrt(draws.size))


def test_a_chain_matches_pert_and_merging_paths_make_it_later():
    chain = network_plan(("1", 0, ""), ("2", 0, "1"))
    chain = chain.with_estimates(lambda e: Estimate(2, 4, 12))
    sim = simulate(chain, runs=20_000, seed=2, target="2")
    assert sim.offsets.mean() == pytest.approx(2 * 5.0, abs=4 * sim.offsets.std() / np.sqrt(20_000))
    merge = network_plan(("1", 0, ""), ("2", 0, ""), ("3", 0, "1, 2")).with_estimates(lambda e: Estimate(2, 4, 12))
    assert simulate(merge, runs=20_000, seed=2, target="3").offsets.mean() > 5.0 + 0.5  # merge bias


def test_probabilities_grow_with_the_date_and_percentiles_are_ordered():
    plan = load_plan("pschse")
    sim = simulate(plan, runs=5_000, seed=3)
    p50, p80, p95 = sim.percentile_dates().values()
    assert p50 <= p80 <= p95
    assert sim.probability_by(p80) >= 0.8 > sim.probability_by(p50) >= 0.5
    assert sim.criticality["1.1.1"] == 1.0 and sim.criticality["2.2.1"] == 0.0


def test_classic_pert_follows_the_critical_path_to_the_launch_milestone():
    result = pert_completion(load_plan("pschse"))
    assert result["path"][0] == "1.1.1" and result["path"][-1] == "9.2.2"
    assert 0 < result["probability"] < 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"runs": 0}, "runs is 0"), ({"uncertainty": -1}, "uncertainty is -1"),
    ({"method": "normal"}, "method is 'normal'"), ({"target": "42"}, "wbs_code '42'"),
])
def test_bad_simulation_settings_are_refused(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        simulate(load_plan("pschse"), **kwargs)


@pytest.mark.parametrize("seed", [1, 7])
def test_positive_correlation_widens_the_p10_to_p90_spread(seed):
    plan = load_plan("pschse")
    spreads = [simulate(plan, runs=4_000, seed=seed, correlation=c).spread() for c in (0.0, 0.3, 0.8)]
    assert spreads[0] < spreads[1] < spreads[2]
    assert spreads[2] > 1.5 * spreads[0]  # independent draws understate the risk by a wide margin here


def test_correlation_keeps_each_tasks_durations_and_is_seeded():
    low, mode, high = np.array([2.0, 1.0]), np.array([4.0, 3.0]), np.array([12.0, 9.0])
    draws = draw_durations(low, mode, high, 5_000, np.random.default_rng(0))
    linked = correlate(draws, 0.7, np.random.default_rng(1))
    assert np.array_equal(np.sort(linked, axis=0), np.sort(draws, axis=0))
    assert np.corrcoef(linked.T)[0, 1] > 0.5 > abs(np.corrcoef(draws.T)[0, 1])
    assert np.array_equal(linked, correlate(draws, 0.7, np.random.default_rng(1)))
    assert correlate(draws, 0.0, np.random.default_rng(1)) is draws
    plan = load_plan("pschse")
    a, b = simulate(plan, runs=300, seed=4, correlation=0.5), simulate(plan, runs=300, seed=4, correlation=0.5)
    assert np.array_equal(a.offsets, b.offsets) and a.correlation == 0.5


@pytest.mark.parametrize("value", [-0.2, 1.5, "high", True])
def test_a_bad_correlation_is_one_clear_line(value):
    with pytest.raises(ConfigError, match=r"correlation is .*; allowed: a number from 0 \(independent durations\) to 1"):
        simulate(load_plan("pschse"), runs=10, correlation=value)
