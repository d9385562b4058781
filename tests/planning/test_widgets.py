"""The launch-risk widget, driven from a test: set a value, read the result."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from crmkit.planning import launch_risk, launch_risk_explorer  # noqa: E402


def test_the_widget_exposes_its_current_result():
    explorer = launch_risk_explorer(runs=1_000, seed=2)
    buffer, uncertainty, method = explorer.children[:3]
    assert explorer.result.committed > explorer.result.single_point
    low = explorer.result.p_committed
    buffer.value = 30
    assert explorer.result.p_committed > low
    uncertainty.value = 0.0
    assert explorer.result.p_single_point == 1.0
    method.value = "triangular"
    assert explorer.result.simulation.method == "triangular"
    uncertainty.value = 1.0
    narrow = explorer.result.simulation.spread()
    explorer.children[3].value = 0.6
    assert explorer.result.simulation.correlation == 0.6 and explorer.result.simulation.spread() > narrow


def test_launch_risk_buffers_and_uncertainty():
    tight = launch_risk("pschse", buffer_days=0, runs=2_000, seed=1)
    padded = launch_risk("pschse", buffer_days=20, runs=2_000, seed=1)
    assert tight.p_single_point == tight.p_committed < padded.p_committed
    assert tight.p_launch == padded.p_launch
    assert padded.percentiles[50] <= padded.percentiles[80] <= padded.percentiles[95]
    assert "chance" in tight.summary() and tight.ax is not None
