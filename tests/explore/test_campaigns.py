"""The campaign explorer: a thin wrapper whose controls reach the prepared CampaignData and
whose result is its view at those settings."""

import matplotlib
import pandas as pd
import pytest

from crmkit.analytics import campaign_uplift
from crmkit.analytics.campaign_views import CampaignData
from crmkit.explore.campaigns import campaign_explorer, draw_campaign

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data(world):
    return CampaignData.from_world(world)


def _with_control(world) -> list[int]:
    table = campaign_uplift(world.campaign_members).dropna(subset=["uplift"])
    return table.campaign_id.astype(int).tolist()


def test_the_explorer_follows_its_controls(world, data):
    widget = campaign_explorer(world)
    start = widget.result
    assert start.treated == data.table.treated.max()  # starts on the campaign that contacted the most people
    other = _with_control(world)[0]
    widget.control("campaign_id").value = other
    widget.control("model").value = "first"
    widget.control("window_days").value = 90
    view = widget.result
    assert (view.campaign_id, view.model, view.window_days) == (other, "first", 90)
    expected = data(other, "first", 90)
    pd.testing.assert_frame_equal(view.credit, expected.credit)
    assert view.uplift == pytest.approx(expected.uplift)


def test_an_acquisition_campaign_is_drawn_without_a_control_group(world, data):
    acquisition = int(world.campaigns.loc[world.campaigns.objective == "acquisition", "campaign_id"].iloc[0])
    view = draw_campaign(data, acquisition)
    assert not view.has_control_group and str(view) == str(data(acquisition))
