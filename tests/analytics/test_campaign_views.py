"""The prepared campaign views (CampaignData): their figures are the analytics functions' at
the same settings."""

import types

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import attribution, campaign_results, campaign_uplift, order_touchpoints, uplift_vs_truth
from crmkit.errors import ConfigError
from crmkit.analytics.campaign_views import (
    ATTRIBUTION_WINDOWS, CampaignData, campaign_data, campaign_view, credit_by_channel,
)


@pytest.fixture(scope="module")
def data(world):
    return campaign_data(world)


def _with_control(world) -> list[int]:
    table = campaign_uplift(world.campaign_members).dropna(subset=["uplift"])
    return table.campaign_id.astype(int).tolist()


def _people_orders(world, campaign_id: int) -> pd.DataFrame:
    """The test's own route to the orders a campaign's contacted members placed while it ran."""
    plan = world.campaigns.set_index("campaign_id").loc[campaign_id]
    members = world.campaign_members
    people = members.loc[(members.campaign_id == campaign_id) & ~members.in_control_group, "customer_id"]
    orders = world.orders[world.orders.customer_id.isin(people)]
    return orders[(orders.ordered_at.dt.normalize() >= plan.start_date) & (orders.ordered_at.dt.normalize() <= plan.end_date)]


def test_response_uplift_and_roi_are_those_of_the_analytics(world, data):
    results = campaign_results(world.campaigns, world.campaign_members, world.orders, world.customers).set_index("campaign_id")
    truth = uplift_vs_truth(results.reset_index(), world.campaign_members, world.truth.campaign_uplift).set_index("campaign_id")
    for campaign_id in _with_control(world):
        view = campaign_view(data, campaign_id)
        expected = results.loc[campaign_id]
        for name in ("response_rate", "control_response_rate", "uplift", "uplift_low", "uplift_high", "roi",
                     "incremental_roi", "cost", "revenue"):
            assert getattr(view, name) == pytest.approx(expected[name]), name
        assert view.true_uplift == pytest.approx(truth.loc[campaign_id, "true_uplift"])
        assert view.naive_uplift == pytest.approx(expected["response_rate"])
        assert view.uplift_low <= view.uplift <= view.uplift_high


@pytest.mark.parametrize("model", ["first", "last", "linear"])
@pytest.mark.parametrize("window_days", [7, 30, 90])
def test_channel_credit_equals_attribution_of_the_campaign_people_orders(world, data, model, window_days):
    campaign_id = max(_with_control(world), key=lambda c: (campaign_view(data, c).treated, -c))
    view = campaign_view(data, campaign_id, model, window_days)
    expected = attribution(world.interactions, _people_orders(world, campaign_id), model, window_days)
    pd.testing.assert_frame_equal(view.credit.sort_values("channel", ignore_index=True),
                                  expected.sort_values("channel", ignore_index=True), check_dtype=False)
    assert view.credited_to_channel == pytest.approx(expected.set_index("channel").sales.get(view.channel, 0.0))


def test_a_longer_window_credits_at_least_as_many_orders_and_models_share_the_same_sales(world, data):
    campaign_id = _with_control(world)[-1]
    credited = [campaign_view(data, campaign_id, "last", w).credit.orders.sum() for w in ATTRIBUTION_WINDOWS]
    assert credited == sorted(credited) and credited[-1] > credited[0]
    totals = [campaign_view(data, campaign_id, m, 30).credit.sales.sum() for m in ("first", "last", "linear")]
    assert totals == pytest.approx([totals[0]] * 3)
    first, last = (campaign_view(data, campaign_id, m, 30).credit.set_index("channel").sales for m in ("first", "last"))
    assert not np.allclose(first.sort_index(), last.reindex(first.index).sort_index())  # the model matters


def test_credit_by_channel_groups_like_attribution_for_each_key(world):
    touches = order_touchpoints(world.interactions, world.orders, 14)
    touches = touches.assign(half=touches.order_id % 2)
    credit = credit_by_channel(touches, by=["half"])
    for half in (0, 1):
        mine = credit[(credit.half == half) & (credit.model == "linear")].drop(columns=["half", "model"])
        orders = world.orders[world.orders.order_id % 2 == half]
        expected = attribution(world.interactions, orders, "linear", 14)
        pd.testing.assert_frame_equal(mine.sort_values("channel", ignore_index=True),
                                      expected.sort_values("channel", ignore_index=True), check_dtype=False)


def test_an_acquisition_campaign_shows_its_customers_won_instead_of_a_control_group(world, data):
    acquisition = world.campaigns.loc[world.campaigns.objective == "acquisition", "campaign_id"].iloc[0]
    view = data(int(acquisition))
    won = int(world.customers.acquisition_campaign_id.eq(acquisition).sum())
    assert not view.has_control_group
    assert view.acquisitions == won
    assert "no control group" in str(view)


def test_a_world_without_its_truth_still_explores_without_the_true_uplift(world):
    handout = types.SimpleNamespace(**world.tables, tables=world.tables, truth={})
    view = campaign_view(campaign_data(handout, windows=(30,)), _with_control(world)[0], window_days=30)
    assert np.isnan(view.true_uplift) and not np.isnan(view.uplift)


def test_unknown_choices_are_refused_by_name(data):
    with pytest.raises(ConfigError, match="campaign_id = 999"):
        campaign_view(data, 999)
    with pytest.raises(ConfigError, match="model = 'middle'"):
        campaign_view(data, int(data.table.campaign_id.iloc[0]), model="middle")
    with pytest.raises(ConfigError, match="window_days = 45"):
        campaign_view(data, int(data.table.campaign_id.iloc[0]), window_days=45)


def test_calling_the_prepared_data_reads_the_view(world, data):
    campaign = _with_control(world)[0]
    view, called = campaign_view(data, campaign, "linear", 60), data(campaign, "linear", 60)
    assert str(view) == str(called)
    pd.testing.assert_frame_equal(view.credit, called.credit)
    assert CampaignData.from_world(world, windows=(30,))(campaign).uplift == pytest.approx(view.uplift)
