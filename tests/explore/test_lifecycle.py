"""The life-cycle lesson's explorers driven from tests: the customer story explorer shows the
story its controls pick (CustomerHistories called), and the retention sliders give the
calculator (retention_what_if) at their values."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics.lifecycle import CustomerHistories  # noqa: E402
from crmkit.analytics.retention_what_if import retention_what_if  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.lifecycle import (  # noqa: E402
    customer_story_explorer, draw_retention_what_if, retention_economics_explorer,
)


@pytest.fixture(scope="module")
def stories(world):
    return customer_story_explorer(world)


@pytest.fixture(scope="module")
def sliders():
    return retention_economics_explorer()


def test_story_explorer_shows_the_story_its_controls_pick(stories, world):
    histories = CustomerHistories.from_world(world)
    assert list(stories.control("path").options) == list(histories.members)
    for path in stories.control("path").options:
        stories.control("path").value = path
        for number in (1, 2):
            stories.control("number").value = number
            assert stories.result.customer_id == histories(path, number).customer_id
            assert str(stories.result) == str(histories(path, number))


def test_story_explorer_rejects_an_unknown_kind(world):
    with pytest.raises(ConfigError, match="path"):
        customer_story_explorer(world, path="lost at sea")


def test_sliders_give_the_calculator_at_their_values(sliders):
    settings = {"retention_rate": 0.75, "acquisition_multiple": 20.0, "margin": 120.0, "discount_rate": 0.08}
    for name, value in settings.items():
        sliders.control(name).value = value
    pd.testing.assert_series_equal(sliders.result, retention_what_if(**settings))
    sliders.control("discount_rate").value = 0.0
    pd.testing.assert_series_equal(sliders.result, retention_what_if(**{**settings, "discount_rate": 0.0}))


def test_what_if_draws_three_panels():
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(12, 3.8), layout="constrained")
    result = draw_retention_what_if(0.6, 5, 50, 0.1, ax=ax)
    assert len(figure.axes) == 3
    pd.testing.assert_series_equal(result, retention_what_if(0.6, 5, 50, 0.1))
