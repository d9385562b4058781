"""The service and comment explorers: thin wrappers whose controls reach the prepared
analytics (:class:`ServiceDesk`, :class:`CommentReadings`) and whose result is theirs."""

import matplotlib
import pandas as pd
import pytest

from crmkit.analytics.feedback_comments import CommentReadings
from crmkit.analytics.service_desk import ServiceDesk
from crmkit.explore.service import (
    comment_data, comment_explorer, draw_comments, draw_service, service_data, service_explorer,
)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def desk(world):
    return ServiceDesk.from_world(world)


@pytest.fixture(scope="module")
def readings(world):
    return CommentReadings.from_world(world)


def test_the_service_explorer_follows_its_controls(world, desk):
    widget = service_explorer(world)
    assert widget.result.levels.equals(desk(48).levels)
    widget.control("target_hours").value = 12
    widget.control("origin").value = "email"
    widget.control("first_month").value = "2024-03"
    widget.control("last_month").value = "2025-02"
    view = widget.result
    expected = desk(12, "email", "2024-03", "2025-02")
    assert (view.target_hours, view.origin, str(view.first_month), str(view.last_month)) == (12, "email", "2024-03", "2025-02")
    assert view.levels.equals(expected.levels)
    pd.testing.assert_frame_equal(view.retention, expected.retention)
    assert draw_service(desk, 12, "email", "2024-03", "2025-02").levels.equals(expected.levels)


def test_the_prepared_forms_are_the_analytics_ones(world, desk, readings):
    assert service_data(world)(24, "phone").levels.equals(desk(24, "phone").levels)
    pd.testing.assert_frame_equal(comment_data(world)("price").comments, readings("price").comments)


def test_the_comment_explorer_follows_its_controls(world, readings):
    widget = comment_explorer(world)
    assert set(widget.result.comments.sentiment) == {"negative"}
    widget.control("topic").value = "price"
    widget.control("sentiment").value = "positive"
    widget.control("reading").value = "tag"
    view = widget.result
    assert (view.topic, view.sentiment, view.reading) == ("price", "positive", "tag")
    pd.testing.assert_frame_equal(view.comments, readings("price", "positive", "tag").comments)
    assert len(draw_comments(readings, "price", "positive", "tag").comments) == len(view.comments)
