"""The life-cycle lesson's explorers driven from tests: the customer story explorer shows the
customer its controls pick, with that customer's own phases and orders; the retention sliders give
the calculator's figures, moving the way the formulas say they must."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics import retention_economics, simple_clv  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.lifecycle import (  # noqa: E402
    PATHS, PHASES, customer_paths, customer_story_explorer, draw_retention_what_if, orders_by_phase, phase_at,
    phase_counts, retention_economics_explorer, retention_what_if,
)


@pytest.fixture(scope="module")
def stories(world):
    return customer_story_explorer(world)


@pytest.fixture(scope="module")
def sliders():
    return retention_economics_explorer()


def end_of(world):
    return world.observed_until.normalize() + pd.Timedelta(days=1)


def test_phase_at_gives_each_customer_the_phase_in_force_then(world):
    current = phase_at(world.truth.phases, world.observed_until)
    assert current["customer_id"].is_unique
    # another way: the last phase begun before the cut-off, kept when it had not ended by then
    begun = world.truth.phases[world.truth.phases["started_at"] < end_of(world)].sort_values("started_at")
    last = begun.groupby("customer_id").tail(1)
    last = last[last["ended_at"].isna() | (last["ended_at"] >= end_of(world))]
    assert sorted(current["customer_id"]) == sorted(last["customer_id"])
    assert (current.set_index("customer_id")["phase"].sort_index()
            == last.set_index("customer_id")["phase"].astype(str).sort_index()).all()
    counts = phase_counts(world.truth.phases, [world.observed_until])
    assert counts[list(PHASES)].sum(axis=1).iloc[0] == len(current)


def test_orders_by_phase_counts_every_order_and_shows_the_phases_in_the_data(world):
    table = orders_by_phase(world.orders, world.truth.phases, "2023-01-01", world.observed_until).set_index("phase")
    assert table["orders"].sum() == len(world.orders)
    rate = table["orders_per_customer_month"]
    # the phases are visible in behaviour: committed customers buy far more often than explorers,
    # and dissolved relationships bring (almost) no orders
    assert rate["commitment"] > 3 * rate["exploration"]
    assert rate["expansion"] > rate["exploration"]
    assert rate["dissolution"] < 0.1 * rate["commitment"]
    assert table["share_of_revenue"].sum() == pytest.approx(1)


def test_story_explorer_shows_a_customer_of_the_chosen_kind_with_their_own_history(stories, world):
    flags = customer_paths(world.truth.phases, world.observed_until).set_index("customer_id")
    for path in stories.control("path").options:
        stories.control("path").value = path
        for number in (1, 2):
            stories.control("number").value = number
            story = stories.result
            assert bool(PATHS[path](flags.loc[[story.customer_id]]).iloc[0]), (path, story.customer_id)
            mine = world.orders[world.orders["customer_id"] == story.customer_id]
            assert len(story.orders) == len(mine) > 0
            assert story.orders["net_amount"].sum() == pytest.approx(mine["net_amount"].sum())
            assert story.phases["phase"].iloc[0] == "awareness"
    stories.control("path").value = "reached commitment"
    stories.control("number").value = 1
    first = stories.result.customer_id
    stories.control("number").value = 2
    assert stories.result.customer_id != first
    assert "commitment" in set(stories.result.phases["phase"].astype(str))


def test_story_explorer_rejects_an_unknown_kind(world):
    with pytest.raises(ConfigError, match="path"):
        customer_story_explorer(world, path="lost at sea")


def test_sliders_give_the_calculator_at_their_values(sliders):
    settings = {"retention_rate": 0.75, "acquisition_multiple": 20.0, "margin": 120.0, "discount_rate": 0.08}
    for name, value in settings.items():
        sliders.control(name).value = value
    result = sliders.result
    expected = retention_what_if(**settings)
    pd.testing.assert_series_equal(result, expected)
    economics = retention_economics(120.0, 0.75, 0.08).set_index("scenario")
    assert result["clv_now"] == pytest.approx(economics.loc["current", "clv"])
    assert result["clv_now"] == pytest.approx(simple_clv(120.0, 0.75, 0.08))
    assert result["acquisition_spend"] == pytest.approx(20 * result["retention_spend"])


def test_sliders_move_the_figures_the_way_the_formulas_say(sliders):
    def read(**values):
        for name, value in values.items():
            sliders.control(name).value = value
        return sliders.result

    low = read(retention_rate=0.5, acquisition_multiple=5.0, margin=50.0, discount_rate=0.1)
    high = read(retention_rate=0.85)
    assert high["clv_now"] > low["clv_now"]
    assert high["clv_change_pct"] > low["clv_change_pct"]  # five points are worth more when retention is high
    assert high["base_improved"] > high["base_now"] == pytest.approx(1000)
    dearer = read(acquisition_multiple=25.0)
    assert dearer["acquisition_spend"] == pytest.approx(5 * high["acquisition_spend"])
    assert dearer["retention_spend"] == high["retention_spend"]
    richer = read(margin=100.0)
    assert richer["clv_now"] == pytest.approx(2 * dearer["clv_now"])
    patient = read(discount_rate=0.0)
    assert patient["clv_now"] > richer["clv_now"]


def test_what_if_checks_its_inputs_and_draws_three_panels():
    with pytest.raises(ConfigError, match="acquisition_multiple"):
        retention_what_if(0.6, 0.5, 50, 0.1)
    with pytest.raises(ConfigError, match="retention_rate"):
        retention_what_if(0.97, 5, 50, 0.1)
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(12, 3.8), layout="constrained")
    result = draw_retention_what_if(0.6, 5, 50, 0.1, ax=ax)
    assert len(figure.axes) == 3
    assert np.isclose(result["clv_now"], 60.0)
    plt.close(figure)
