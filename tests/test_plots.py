"""Pictures of a world: each takes ax=None, draws on a given axes and returns it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.plots import monthly_counts, plot_orders_by_month  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_monthly_counts_add_up_to_the_table_and_leave_no_month_out(world):
    counts = monthly_counts(world.orders, "ordered_at", "channel")
    assert counts["rows"].sum() == len(world.orders)
    months = counts["month"].drop_duplicates()
    assert len(months) == len(pd.period_range(months.min(), months.max(), freq="M"))
    used = set(world.orders["channel"].dropna().unique())
    assert set(counts["channel"]) == used  # channels never used (no line to draw) are left out


def test_orders_by_month_draws_one_line_per_channel_on_the_given_axes(world):
    fig, ax = plt.subplots()
    assert plot_orders_by_month(world.orders, ax=ax) is ax
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(labels) == sorted(set(world.orders["channel"].dropna().unique()))
    assert len(ax.get_lines()) >= len(labels)
    plt.close(fig)


def test_orders_by_month_makes_its_own_figure_and_can_split_by_another_column(world):
    ax = plot_orders_by_month(world.orders, by="service_issue")
    assert ax.figure is not None
    assert "service_issue" in ax.get_title()


def test_plotting_does_not_change_the_global_style(world):
    before = dict(matplotlib.rcParams)
    plot_orders_by_month(world.orders)
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()
