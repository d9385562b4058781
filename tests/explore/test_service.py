"""The service and comment explorers: their figures are the analytics functions' at the same
settings, and their controls move them the right way."""

import types

import matplotlib
import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import (
    comment_sentiment, comment_topics, complaint_rates, feedback_accuracy, retention_after_orders,
    service_and_retention, service_levels,
)
from crmkit.errors import ConfigError
from crmkit.explore.service import (
    comment_data, comment_explorer, comment_view, data_end, draw_comments, draw_service, retention_by_experience,
    service_data, service_explorer, service_view,
)

matplotlib.use("Agg")

SETTINGS = [(48, "all", None, None), (24, "phone", "2023-06", "2024-06"), (4, "chat", "2024-01", "2025-12"),
            (168, "email", "2023-01", "2023-12"), (8, "event", "2025-03", "2025-03")]


@pytest.fixture(scope="module")
def data(world):
    return service_data(world)


@pytest.fixture(scope="module")
def comments(world):
    return comment_data(world)


def _in_months(times: pd.Series, first, last) -> pd.Series:
    month = times.dt.to_period("M")
    return (month >= pd.Period(first or "2023-01", "M")) & (month <= pd.Period(last or "2025-12", "M"))


@pytest.mark.parametrize("hours, origin, first, last", SETTINGS)
def test_levels_and_complaints_are_those_of_the_analytics(world, data, hours, origin, first, last):
    view = service_view(data, hours, origin, first, last)
    cases = world.cases if origin == "all" else world.cases[world.cases.origin == origin]
    cases = cases[_in_months(cases.opened_at, first, last)]
    expected = service_levels(cases.assign(everyone=1), by="everyone", target_days=hours / 24, as_of=data_end(world)).iloc[0]
    for name in ("cases", "within_target", "first_contact_resolution", "escalation_rate", "mean_csat"):
        assert view.levels[name] == pytest.approx(expected[name], nan_ok=True), name
    rates = complaint_rates(cases, world.orders[_in_months(world.orders.ordered_at, first, last)])
    rates = rates.assign(reason=rates.reason.astype(str)).set_index("reason")[view.complaints.columns[1:]]
    pd.testing.assert_frame_equal(view.complaints.set_index("reason").sort_index(), rates.sort_index(), check_dtype=False)


@pytest.mark.parametrize("hours, origin, first, last", SETTINGS)
def test_retention_is_that_of_retention_after_orders(world, data, hours, origin, first, last):
    view = service_view(data, hours, origin, first, last)
    cases = world.cases if origin == "all" else world.cases[world.cases.origin == origin]
    r = retention_after_orders(world.orders, cases, as_of=data_end(world), target_days=hours / 24)
    if origin != "all":  # orders whose only complaints came in another way are left out
        complaints = world.cases[world.cases.is_complaint]
        elsewhere = set(complaints.order_id[complaints.origin != origin]) - set(complaints.order_id[complaints.origin == origin])
        r = r[~r.order_id.isin(elsewhere)]
    r = r[_in_months(r.ordered_at, first, last)]
    expected = r.groupby("experience", observed=False).retained.agg(["size", "mean"])
    assert view.retention.orders.tolist() == expected["size"].tolist()
    np.testing.assert_allclose(view.retention.retention_rate, expected["mean"].astype(float))


def test_the_whole_desk_matches_service_and_retention_with_its_interval(world, data):
    expected = service_and_retention(world.orders, world.cases, as_of=data_end(world), target_days=2.0)
    expected = expected.assign(experience=expected.experience.astype(str))
    pd.testing.assert_frame_equal(service_view(data, 48).retention, expected, check_dtype=False)
    mine = retention_by_experience(np.array([2, 2, 1, 0]), np.array([True, False, True, False]))
    assert mine.orders.tolist() == [2, 1, 1] and mine.difference.tolist() == [0.0, 0.5, -0.5]


def test_a_longer_target_is_met_more_often_and_judges_more_complaints_well(data):
    views = [service_view(data, hours) for hours in (1, 8, 24, 72, 168)]
    within = [v.levels.within_target for v in views]
    assert within == sorted(within) and within[-1] > within[0] + 0.2
    well = [v.retention.set_index("experience").loc["resolved_well", "orders"] for v in views]
    assert well == sorted(well) and well[-1] > well[0]
    assert len({v.retention.orders.sum() for v in views}) == 1  # the target moves orders between experiences only


def test_origin_and_months_select_the_cases(world, data):
    view = service_view(data, 24, "phone", "2024-01", "2024-12")
    chosen = world.cases[(world.cases.origin == "phone") & (world.cases.opened_at.dt.year == 2024)]
    assert view.levels.cases == len(chosen)
    assert service_view(data, 24, "phone", "2024-12", "2024-01").levels.equals(view.levels)  # reversed range
    monthly = view.monthly.set_index("month")
    assert monthly.due.sum() == service_view(data, 24, "phone").levels.due


def test_bad_settings_are_refused_by_name(data):
    with pytest.raises(ConfigError, match="target_hours = 0"):
        service_view(data, 0)
    with pytest.raises(ConfigError, match="origin = 'fax'"):
        service_view(data, 24, "fax")
    with pytest.raises(ConfigError, match="first_month = '2019-01'"):
        service_view(data, 24, "all", "2019-01")


def test_the_service_explorer_follows_its_controls(world, data):
    widget = service_explorer(world)
    assert widget.result.levels.equals(service_view(data, 48).levels)
    widget.control("target_hours").value = 12
    widget.control("origin").value = "email"
    widget.control("first_month").value = "2024-03"
    widget.control("last_month").value = "2025-02"
    view = widget.result
    expected = service_view(data, 12, "email", "2024-03", "2025-02")
    assert (view.target_hours, view.origin, str(view.first_month), str(view.last_month)) == (12, "email", "2024-03", "2025-02")
    assert view.levels.equals(expected.levels)
    pd.testing.assert_frame_equal(view.retention, expected.retention)
    assert draw_service(data, 12, "email", "2024-03", "2025-02").levels.equals(expected.levels)


def test_comments_carry_the_kits_reading_and_the_teams_tag(world, comments):
    topics = comment_topics(world.surveys).set_index("survey_id").topic
    tone = comment_sentiment(world.surveys).set_index("survey_id").sentiment
    view = comment_view(comments, "delivery", "negative")
    assert len(view.comments) == int(((topics == "delivery") & (tone == "negative")).sum()) > 0
    assert set(view.comments.topic) == {"delivery"} and set(view.comments.sentiment) == {"negative"}
    assert view.comments.responded_at.is_monotonic_decreasing
    tagged = comment_view(comments, "delivery", "all", reading="tag").comments
    assert set(tagged.survey_id) == set(world.surveys.survey_id[world.surveys.topic == "delivery"])
    expected = feedback_accuracy(comment_topics(world.surveys), world.truth.surveys)["accuracy"]
    assert view.accuracy == expected
    assert comments.accuracy["tag"] < comments.accuracy["keyword_topic"]  # the team's tags are sometimes wrong
    assert view.counts.loc["delivery", "negative"] == len(view.comments)


def test_comments_of_a_world_without_truth_have_no_accuracy(world):
    handout = types.SimpleNamespace(surveys=world.surveys, truth={})
    assert comment_view(comment_data(handout)).accuracy is None
    with pytest.raises(ConfigError, match="reading = 'stars'"):
        comment_view(comment_data(handout), reading="stars")


def test_the_comment_explorer_follows_its_controls(world, comments):
    widget = comment_explorer(world)
    assert set(widget.result.comments.sentiment) == {"negative"}
    widget.control("topic").value = "price"
    widget.control("sentiment").value = "positive"
    widget.control("reading").value = "tag"
    view = widget.result
    assert (view.topic, view.sentiment, view.reading) == ("price", "positive", "tag")
    pd.testing.assert_frame_equal(view.comments, comment_view(comments, "price", "positive", "tag").comments)
    assert len(draw_comments(comments, "price", "positive", "tag").comments) == len(view.comments)
