"""The prepared service desk and comment readings: their figures are those of the plain
analytics functions at the same settings, on more than one world."""

import types

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import (
    comment_sentiment, comment_topics, complaint_rates, feedback_accuracy, retention_after_orders,
    service_and_retention, service_levels,
)
from crmkit.analytics.feedback_comments import CommentReadings
from crmkit.analytics.service_desk import ServiceDesk, data_end, retention_by_experience
from crmkit.errors import ConfigError

SETTINGS = [(48, "all", None, None), (24, "phone", "2023-06", "2024-06"), (4, "chat", "2024-01", "2025-12"),
            (168, "email", "2023-01", "2023-12"), (8, "event", "2025-03", "2025-03")]
OTHER_WORLD = ("retailer", 1500, 2)  # a second case, so the pin does not rest on one world


@pytest.fixture(scope="module")
def desk(world):
    return ServiceDesk.from_world(world)


@pytest.fixture(scope="module")
def other(make_world):
    w = make_world(*OTHER_WORLD)
    return w, ServiceDesk.from_world(w)


@pytest.fixture(scope="module")
def readings(world):
    return CommentReadings.from_world(world)


def _in_months(times: pd.Series, desk: ServiceDesk, first, last) -> pd.Series:
    month = times.dt.to_period("M")
    return (month >= pd.Period(first or desk.months[0], "M")) & (month <= pd.Period(last or desk.months[-1], "M"))


def _check_levels_and_complaints(world, desk, hours, origin, first, last):
    view = desk(hours, origin, first, last)
    cases = world.cases if origin == "all" else world.cases[world.cases.origin == origin]
    cases = cases[_in_months(cases.opened_at, desk, first, last)]
    expected = service_levels(cases.assign(everyone=1), by="everyone", target_days=hours / 24,
                              as_of=data_end(world)).iloc[0]
    for name in ("cases", "within_target", "first_contact_resolution", "escalation_rate", "mean_csat"):
        assert view.levels[name] == pytest.approx(expected[name], nan_ok=True), name
    rates = complaint_rates(cases, world.orders[_in_months(world.orders.ordered_at, desk, first, last)])
    rates = rates.assign(reason=rates.reason.astype(str)).set_index("reason")[view.complaints.columns[1:]]
    pd.testing.assert_frame_equal(view.complaints.set_index("reason").sort_index(), rates.sort_index(),
                                  check_dtype=False)


def _check_retention(world, desk, hours, origin, first, last):
    view = desk(hours, origin, first, last)
    cases = world.cases if origin == "all" else world.cases[world.cases.origin == origin]
    r = retention_after_orders(world.orders, cases, as_of=data_end(world), target_days=hours / 24)
    if origin != "all":  # orders whose only complaints came in another way are left out
        complaints = world.cases[world.cases.is_complaint]
        elsewhere = (set(complaints.order_id[complaints.origin != origin])
                     - set(complaints.order_id[complaints.origin == origin]))
        r = r[~r.order_id.isin(elsewhere)]
    r = r[_in_months(r.ordered_at, desk, first, last)]
    expected = r.groupby("experience", observed=False).retained.agg(["size", "mean"])
    assert view.retention.orders.tolist() == expected["size"].tolist()
    np.testing.assert_allclose(view.retention.retention_rate, expected["mean"].astype(float))


@pytest.mark.parametrize("hours, origin, first, last", SETTINGS)
def test_levels_and_complaints_are_those_of_the_analytics(world, desk, hours, origin, first, last):
    _check_levels_and_complaints(world, desk, hours, origin, first, last)


@pytest.mark.parametrize("hours, origin, first, last", SETTINGS)
def test_retention_is_that_of_retention_after_orders(world, desk, hours, origin, first, last):
    _check_retention(world, desk, hours, origin, first, last)


@pytest.mark.parametrize("hours, which, months", [(48, "all", (None, None)), (12, 0, (2, -3)), (120, -1, (3, -1))])
def test_the_desk_of_another_case_matches_the_analytics_too(other, hours, which, months):
    world, desk = other
    used = [o for o in desk.origins if (world.cases.origin == o).any()]  # an origin with cases
    origin = which if which == "all" else used[which]
    first, last = (None if m is None else str(desk.months[m]) for m in months)
    _check_levels_and_complaints(world, desk, hours, origin, first, last)
    _check_retention(world, desk, hours, origin, first, last)


def test_the_whole_desk_matches_service_and_retention_with_its_interval(world, desk):
    expected = service_and_retention(world.orders, world.cases, as_of=data_end(world), target_days=2.0)
    expected = expected.assign(experience=expected.experience.astype(str))
    pd.testing.assert_frame_equal(desk(48).retention, expected, check_dtype=False)
    mine = retention_by_experience(np.array([2, 2, 1, 0]), np.array([True, False, True, False]))
    assert mine.orders.tolist() == [2, 1, 1] and mine.difference.tolist() == [0.0, 0.5, -0.5]


def test_a_longer_target_is_met_more_often_and_judges_more_complaints_well(desk):
    views = [desk(hours) for hours in (1, 8, 24, 72, 168)]
    within = [v.levels.within_target for v in views]
    assert within == sorted(within) and within[-1] > within[0] + 0.2
    well = [v.retention.set_index("experience").loc["resolved_well", "orders"] for v in views]
    assert well == sorted(well) and well[-1] > well[0]
    assert len({v.retention.orders.sum() for v in views}) == 1  # the target moves orders between experiences only


def test_origin_and_months_select_the_cases(world, desk):
    view = desk(24, "phone", "2024-01", "2024-12")
    chosen = world.cases[(world.cases.origin == "phone") & (world.cases.opened_at.dt.year == 2024)]
    assert view.levels.cases == len(chosen)
    assert desk(24, "phone", "2024-12", "2024-01").levels.equals(view.levels)  # reversed range
    monthly = view.monthly.set_index("month")
    assert monthly.due.sum() == desk(24, "phone").levels.due


@pytest.mark.parametrize("settings, words", [
    ({"target_hours": 0}, "target_hours = 0"), ({"target_hours": "soon"}, "target_hours = 'soon'"),
    ({"origin": "fax"}, "origin = 'fax'"), ({"first_month": "2019-01"}, "first_month = '2019-01'"),
    ({"last_month": "2099-12"}, "last_month = '2099-12'"),
])
def test_bad_settings_are_refused_by_name(desk, settings, words):
    with pytest.raises(ConfigError, match=words):
        desk(**settings)


def test_comments_carry_the_kits_reading_and_the_teams_tag(world, readings):
    topics = comment_topics(world.surveys).set_index("survey_id").topic
    tone = comment_sentiment(world.surveys).set_index("survey_id").sentiment
    view = readings("delivery", "negative")
    assert len(view.comments) == int(((topics == "delivery") & (tone == "negative")).sum()) > 0
    assert set(view.comments.topic) == {"delivery"} and set(view.comments.sentiment) == {"negative"}
    assert view.comments.responded_at.is_monotonic_decreasing
    tagged = readings("delivery", "all", reading="tag").comments
    assert set(tagged.survey_id) == set(world.surveys.survey_id[world.surveys.topic == "delivery"])
    expected = feedback_accuracy(comment_topics(world.surveys), world.truth.surveys)["accuracy"]
    assert view.accuracy == expected
    assert readings.accuracy["tag"] < readings.accuracy["keyword_topic"]  # the team's tags are sometimes wrong
    assert view.counts.loc["delivery", "negative"] == len(view.comments)


@pytest.mark.parametrize("settings, words", [
    ({"reading": "stars"}, "reading = 'stars'"), ({"topic": "weather"}, "topic = 'weather'"),
    ({"sentiment": "angry"}, "sentiment = 'angry'"),
])
def test_comments_of_a_world_without_truth_have_no_accuracy(world, settings, words):
    handout = CommentReadings.from_world(types.SimpleNamespace(surveys=world.surveys, truth={}))
    assert handout().accuracy is None
    with pytest.raises(ConfigError, match=words):
        handout(**settings)
