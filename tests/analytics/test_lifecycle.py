"""The relationship life cycle on a world (phases, orders by phase, customer stories) and the
retention calculator, checked against the world counted another way and against the formulas."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics import retention_economics, simple_clv
from crmkit.analytics.lifecycle import (
    PATHS, PHASES, CustomerHistories, customer_paths, orders_by_phase, phase_at, phase_counts,
)
from crmkit.analytics.retention_what_if import retention_what_if
from crmkit.errors import ConfigError


@pytest.fixture(scope="module")
def histories(world):
    return CustomerHistories.from_world(world)


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


def test_each_kind_of_history_gives_customers_of_that_kind_with_their_own_history(histories, world):
    flags = customer_paths(world.truth.phases, world.observed_until).set_index("customer_id")
    assert set(histories.members) <= set(PATHS) and histories.members
    for path in histories.members:
        for number in (1, 2):
            story = histories(path, number)
            assert bool(PATHS[path](flags.loc[[story.customer_id]]).iloc[0]), (path, story.customer_id)
            mine = world.orders[world.orders["customer_id"] == story.customer_id]
            assert len(story.orders) == len(mine) > 0
            assert story.orders["net_amount"].sum() == pytest.approx(mine["net_amount"].sum())
            assert story.phases["phase"].iloc[0] == "awareness"
    first = histories("reached commitment", 1).customer_id
    assert histories("reached commitment", 2).customer_id != first
    assert "commitment" in set(histories("reached commitment", 2).phases["phase"].astype(str))
    size = len(histories.members["reached commitment"])
    assert histories("reached commitment", size + 1).customer_id == first  # counting round again


def test_an_unknown_kind_of_history_is_refused_by_name(histories):
    with pytest.raises(ConfigError, match="path = 'lost at sea'"):
        histories("lost at sea")


def test_the_calculator_is_the_retention_economics():
    result = retention_what_if(0.75, 20.0, 120.0, 0.08)
    economics = retention_economics(120.0, 0.75, 0.08).set_index("scenario")
    assert result["clv_now"] == pytest.approx(economics.loc["current", "clv"])
    assert result["clv_now"] == pytest.approx(simple_clv(120.0, 0.75, 0.08))
    assert result["acquisition_spend"] == pytest.approx(20 * result["retention_spend"])


def test_the_figures_move_the_way_the_formulas_say():
    low = retention_what_if(0.5, 5.0, 50.0, 0.1)
    high = retention_what_if(0.85, 5.0, 50.0, 0.1)
    assert high["clv_now"] > low["clv_now"]
    assert high["clv_change_pct"] > low["clv_change_pct"]  # five points are worth more when retention is high
    assert high["base_improved"] > high["base_now"] == pytest.approx(1000)
    dearer = retention_what_if(0.85, 25.0, 50.0, 0.1)
    assert dearer["acquisition_spend"] == pytest.approx(5 * high["acquisition_spend"])
    assert dearer["retention_spend"] == high["retention_spend"]
    richer = retention_what_if(0.85, 25.0, 100.0, 0.1)
    assert richer["clv_now"] == pytest.approx(2 * dearer["clv_now"])
    patient = retention_what_if(0.85, 25.0, 100.0, 0.0)
    assert patient["clv_now"] > richer["clv_now"]


@pytest.mark.parametrize("args, words", [((0.6, 0.5, 50, 0.1), "acquisition_multiple"),
                                         ((0.97, 5, 50, 0.1), "retention_rate")])
def test_the_calculator_checks_its_inputs(args, words):
    with pytest.raises(ConfigError, match=words):
        retention_what_if(*args)
