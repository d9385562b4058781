"""A learner's own journey with a company: checked as written, read with the world engine's phase rule,
and placed among a world's buyers by RFM computed by hand."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.my_journey import (
    EXAMPLE_JOURNEY,
    journey_frame,
    journey_phase,
    journey_phases,
    journey_rfm,
    with_journey,
)
from crmkit.errors import ConfigError


def order(date, amount, channel="web"):
    return {"date": date, "channel": channel, "kind": "order", "amount": amount}


def event(date, kind, channel="web"):
    return {"date": date, "channel": channel, "kind": kind}


def rule(expansion, commitment):
    return types.SimpleNamespace(config=types.SimpleNamespace(phases=types.SimpleNamespace(
        expansion_after_orders=expansion, commitment_after_orders=commitment)))


# --- checking what the learner wrote --------------------------------------------------------------


@pytest.mark.parametrize(("bad", "field", "says"), [
    ({"channel": "pigeon"}, "events[1].channel = 'pigeon'", "'point_of_sale'"),
    ({"kind": "purchase"}, "events[1].kind = 'purchase'", "'order'"),
    ({"date": "2024-13-40"}, "events[1].date = '2024-13-40'", "YYYY-MM-DD"),
    ({"date": "today"}, "events[1].date = 'today'", "YYYY-MM-DD"),
    ({"amount": -5.0}, "events[1].amount = -5.0", "above 0"),
    ({"amount": "12"}, "events[1].amount = '12'", "a number"),
    ({"amount": None}, "events[1].amount = None", "an order needs an amount"),
    ({"colour": "red"}, "events[1] has the field 'colour'", "'amount'"),
    ({"date": None}, "events[1].date is missing", "a date, a channel and a kind"),
])
def test_a_bad_field_is_refused_naming_the_event_the_field_the_value_and_what_is_allowed(bad, field, says):
    events = [event("2024-01-01", "visit"), {**order("2024-01-02", 10.0), **bad}]
    with pytest.raises(ConfigError) as error:
        journey_frame(events)
    assert field in str(error.value) and says in str(error.value)


def test_only_an_order_carries_an_amount_and_an_empty_journey_is_refused():
    with pytest.raises(ConfigError, match=r"events\[0\]\.amount = 3\.0 on a 'visit': only an order"):
        journey_frame([{**event("2024-01-01", "visit"), "amount": 3.0}])
    with pytest.raises(ConfigError, match="at least one event"):
        journey_frame([])


def test_the_touchpoints_allowed_are_the_worlds_own_channels():
    stall = types.SimpleNamespace(config=types.SimpleNamespace(codes=types.SimpleNamespace(channel=["market_stall"])))
    assert journey_frame([order("2024-01-01", 5.0, "market_stall")], stall)["channel"].tolist() == ["market_stall"]
    with pytest.raises(ConfigError, match="one of 'market_stall'$"):
        journey_frame([order("2024-01-01", 5.0, "web")], stall)


def test_the_table_is_tidy_in_time_order_and_a_dataframe_is_read_like_a_list():
    events = [order("2024-03-01", 20.0), event("2024-01-01", "visit"), event("2024-03-01", "complaint")]
    table = journey_frame(events)
    assert table.columns.tolist() == ["occurred_at", "channel", "kind", "amount", "note"]
    assert table["kind"].tolist() == ["visit", "order", "complaint"]  # one day's events keep their order
    assert table["amount"].isna().tolist() == [True, False, True] and str(table["occurred_at"].dtype) == "datetime64[s]"
    pd.testing.assert_frame_equal(journey_frame(pd.DataFrame(events)), table)


# --- the phases, by the world engine's rule --------------------------------------------------------


def phases_of(events, expansion=2, commitment=4):
    return journey_phases(journey_frame(events), expansion, commitment)["phase"].tolist()


def test_the_threshold_order_itself_moves_the_phase_as_in_the_engine():
    orders = [order(f"2024-0{m}-01", 10.0) for m in range(1, 5)]
    assert phases_of(orders[:1]) == ["awareness", "exploration"]
    assert phases_of(orders[:2]) == ["awareness", "exploration", "expansion"]
    assert phases_of(orders[:3]) == ["awareness", "exploration", "expansion"]
    assert phases_of(orders) == ["awareness", "exploration", "expansion", "commitment"]


def test_visits_alone_stay_in_awareness_and_a_sign_up_opens_the_relationship():
    assert phases_of([event("2024-01-01", "visit"), event("2024-02-01", "message")]) == ["awareness"]
    table = journey_phases(journey_frame([event("2024-01-01", "visit"), event("2024-02-01", "signup")]), 2, 4)
    assert table["started_at"].dt.strftime("%m").tolist() == ["01", "02"]
    assert table["ended_at"].isna().tolist() == [False, True]


def test_leaving_dissolves_and_an_order_after_it_wins_back_counting_orders_anew():
    events = [order("2024-01-01", 10.0), order("2024-02-01", 10.0), event("2024-03-01", "left"),
              order("2024-06-01", 10.0), order("2024-07-01", 10.0)]
    table = journey_phases(journey_frame(events), 2, 4)
    assert table["phase"].tolist() == ["awareness", "exploration", "expansion", "dissolution", "exploration", "expansion"]
    assert table["is_winback"].tolist() == [False, False, False, False, True, False]
    # leaving before the relationship began ends nothing
    assert phases_of([event("2024-01-01", "visit"), event("2024-02-01", "left")]) == ["awareness"]


def test_the_phase_reached_is_read_on_the_day_asked_with_the_worlds_thresholds():
    journey = journey_frame([order(f"2024-0{m}-01", 10.0) for m in range(1, 6)])
    assert journey_phase(journey, rule(2, 5)) == "commitment"
    assert journey_phase(journey, rule(3, 12)) == "expansion"
    assert journey_phase(journey, rule(2, 5), as_of="2024-01-31") == "exploration"
    with pytest.raises(ConfigError, match="before the journey's first event"):
        journey_phase(journey, rule(2, 5), as_of="2023-12-31")
    with pytest.raises(ConfigError, match="expansion_after_orders < commitment_after_orders"):
        journey_phases(journey, 5, 5)


# --- where the journey sits among a world's buyers -------------------------------------------------


def test_the_percentiles_match_a_hand_computation_on_a_world(world):
    journey = journey_frame(EXAMPLE_JOURNEY, world)
    as_of = pd.Timestamp("2025-01-31")
    table = journey_rfm(journey, world, as_of).set_index("measure")
    orders = world.orders[world.orders["ordered_at"] < world.observed_until + pd.Timedelta(days=1)]
    spend = orders.groupby("customer_id")["net_amount"].sum()
    count = orders.groupby("customer_id").size()
    days = (world.observed_until - orders.groupby("customer_id")["ordered_at"].max().dt.normalize()).dt.days
    mine = sum(e.get("amount", 0.0) for e in EXAMPLE_JOURNEY)
    last = max(pd.Timestamp(e["date"]) for e in EXAMPLE_JOURNEY if e["kind"] == "order")
    assert table.loc["total_spend", "journey"] == pytest.approx(mine)
    assert table.loc["total_spend", "percentile"] == pytest.approx(100 * (spend < mine).mean())
    assert table.loc["total_spend", "world_median"] == pytest.approx(spend.median())
    assert table.loc["orders", "percentile"] == pytest.approx(100 * (count < 5).mean())
    assert table.loc["days_since_last_order", "journey"] == (as_of - last).days
    assert table.loc["days_since_last_order", "percentile"] == pytest.approx(100 * (days > (as_of - last).days).mean())


def test_ties_are_not_beaten_and_a_journey_without_an_order_has_no_recency():
    world = types.SimpleNamespace(observed_until=pd.Timestamp("2025-12-31"), orders=pd.DataFrame({
        "customer_id": [1, 2, 3], "net_amount": [10.0, 20.0, 30.0],
        "ordered_at": pd.to_datetime(["2025-12-21", "2025-12-11", "2025-12-01"])}))
    table = journey_rfm(journey_frame([order("2024-01-01", 20.0)]), world, "2024-01-21").set_index("measure")
    assert table["percentile"].tolist() == [pytest.approx(100 / 3), 0.0, pytest.approx(100 / 3)]
    browsing = journey_rfm(journey_frame([event("2024-01-01", "visit")]), world).set_index("measure")
    assert np.isnan(browsing.loc["days_since_last_order", "percentile"])
    assert browsing.loc["total_spend", "journey"] == 0.0 and browsing.loc["total_spend", "percentile"] == 0.0


def test_a_world_with_a_journey_reads_like_the_world_with_the_journey_as_a_table(world):
    journey = journey_frame(EXAMPLE_JOURNEY, world)
    bound = with_journey(world, journey)
    assert bound.observed_until == world.observed_until and bound.orders is world.orders
    assert set(bound.tables) == {*world.tables, "my_journey"} and bound.tables["my_journey"].equals(journey)
    with pytest.raises(ConfigError, match="column 'occurred_at' is missing"):
        with_journey(world, pd.DataFrame({"date": ["2024-01-01"]}))
