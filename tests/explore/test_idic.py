"""The IDIC targeting explorer driven from a test: choose target, channel, offer and discount,
and read the prepared simulation (IdicData called) at those settings."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crmkit.analytics.targeting import IdicData  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.idic import draw_targeting, targeting_explorer  # noqa: E402


@pytest.fixture(scope="module")
def widget(world):
    return targeting_explorer(world)


@pytest.fixture(scope="module")
def data(widget):
    return widget.data


def choose(widget, **values):
    for name, value in values.items():
        widget.control(name).value = value
    return widget.result


def test_the_widget_result_is_the_simulation_at_its_settings(widget, data, world):
    assert widget.result == data() == IdicData.from_world(world)()
    result = choose(widget, target="RFM: champions", channel="mail", offer="favourite_category", discount=0.2)
    assert result == data("RFM: champions", "mail", "favourite_category", 0.2)
    assert (result.target, result.channel, result.offer, result.discount) == ("RFM: champions", "mail",
                                                                              "favourite_category", 0.2)


def test_the_static_picture_and_bad_choices(data):
    figure, ax = matplotlib.pyplot.subplots()
    result = draw_targeting(data, "RFM: loyal", ax=ax)
    heights = [round(p.get_height(), 6) for p in ax.patches]
    assert heights == [round(result.treated_rate, 6), round(result.control_rate, 6)]
    matplotlib.pyplot.close(figure)
    with pytest.raises(ConfigError, match="target"):
        draw_targeting(data, "RFM: whales")
