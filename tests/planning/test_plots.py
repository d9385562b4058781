"""Pictures: each takes ax=None, draws on a given axes and returns it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from crmkit.planning import load_plan, plot_completion, plot_gantt, plot_network, plot_wbs, schedule, simulate  # noqa: E402


@pytest.fixture(scope="module")
def sched():
    return schedule(load_plan("pschse"))


@pytest.mark.parametrize("draw", [
    lambda s, ax: plot_gantt(s, ax=ax),
    lambda s, ax: plot_wbs(s.plan, ax=ax),
    lambda s, ax: plot_network(s, within="6.2", ax=ax),
    lambda s, ax: plot_completion(simulate(s.plan, runs=200, seed=1), ax=ax),
])
def test_pictures_draw_on_the_given_axes(sched, draw):
    fig, ax = plt.subplots()
    assert draw(sched, ax) is ax
    plt.close(fig)


def test_the_gantt_chart_shows_wbs_codes_and_highlights_the_critical_path(sched):
    ax = plot_gantt(sched)
    labels = [t.get_text().split()[0] for t in ax.get_yticklabels()]
    assert labels == sched.table["wbs_code"].tolist()
    colors = {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches}
    assert "#c0392b" in colors
    plt.close(ax.figure)


def test_importing_the_plots_changes_no_style():
    before = dict(matplotlib.rcParams)
    import importlib

    import crmkit.planning.plots as plots

    importlib.reload(plots)
    assert dict(matplotlib.rcParams) == before
