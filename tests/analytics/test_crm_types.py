"""Each type of CRM's view of a world (analytics.crm_types), checked against the world computed
another way; the pure pieces under the views keep their inputs and name missing columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.campaigns import TOUCH_KINDS, order_touchpoints
from crmkit.analytics.crm_types import (
    CRM_TYPES, CrmTypeViews, channels_before_orders, crm_type_views, joint_campaign_orders, partner_data_matrix,
    work_by_month,
)
from crmkit.errors import ConfigError, DataError


@pytest.fixture(scope="module")
def views(world):
    return CrmTypeViews.from_world(world)


def test_every_type_has_its_view_and_an_unknown_type_is_refused(views):
    assert [views(key).key for key in CRM_TYPES] == list(CRM_TYPES)
    assert {views(key).crm_type for key in CRM_TYPES} == {"strategic", "operational", "analytical", "collaborative"}
    assert views["analytical"] is views("analytical") and "strategic" in views
    with pytest.raises(ConfigError, match="crm_type = 'collaborative'"):
        views("collaborative")


def test_strategic_view_counts_the_unprofitable_buyers(views, world):
    view = views("strategic")
    buyers = world.customer_costs[world.customer_costs["orders"] > 0]
    figures = view.table.set_index("figure")["value"]
    assert figures["customers"] == len(buyers)
    assert figures["unprofitable_share"] == pytest.approx((buyers["contribution"] < 0).mean())
    assert f"{(buyers['contribution'] < 0).mean():.0%}" in view.headline


def test_operational_view_counts_the_work_recorded(views, world):
    view = views("operational")
    totals = view.table.set_index("work")["records"]
    acts = world.activities
    assert totals["orders taken"] == len(world.orders)
    assert totals["service cases"] == len(world.cases)
    assert totals["campaign contacts"] == (~world.campaign_members["in_control_group"]).sum()
    assert totals["sales activities"] == ((acts["status"] == "done") & acts["case_id"].isna()).sum()
    assert len(view.data) == 36  # three observed years, month by month


def test_analytical_view_shares_out_the_buyers_and_their_revenue(views, world):
    view = views("analytical")
    assert view.table["customers"].sum() == world.orders["customer_id"].nunique()
    assert view.table["share_of_customers"].sum() == pytest.approx(1)
    assert view.table["share_of_revenue"].sum() == pytest.approx(1)
    assert view.table["share_of_revenue"].is_monotonic_decreasing
    champions = view.table.set_index("segment").loc["champions"]
    assert champions["share_of_revenue"] > 2 * champions["share_of_customers"]  # value is concentrated


def test_first_collaborative_reading_counts_channels_before_each_order(views, world):
    view = views("collaborative_touchpoints")
    assert view.table["orders"].sum() == len(world.orders)
    # recount a sample of orders by brute force: distinct channels in the 30 days before the order
    events = world.interactions[world.interactions["kind"].astype(str).isin(TOUCH_KINDS)]
    sample = world.orders.sample(60, random_state=0)
    counted = []
    for order in sample.itertuples():
        gap = order.ordered_at - events["occurred_at"]
        mine = events[(events["customer_id"] == order.customer_id) & (gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=30))]
        counted.append(mine["channel"].nunique())
    found = channels_before_orders(order_touchpoints(world.interactions, world.orders), world.orders).set_index("order_id")
    assert found.loc[sample["order_id"], "channels"].tolist() == counted
    share = view.table.loc[view.table["channels_touched"].isin(["2", "3", "4+"]), "share_of_orders"].sum()
    assert share == pytest.approx((found["channels"] >= 2).mean())


def test_second_collaborative_reading_lists_the_partners_and_their_joint_campaign(views, world):
    view = views("collaborative_partners")
    assert view.table["name"].tolist() == world.partners["name"].tolist()
    joint = world.partners.dropna(subset=["joint_campaign_id"])
    redeemed = world.orders[world.orders["campaign_id"].isin(joint["joint_campaign_id"])]
    row = view.table.dropna(subset=["orders"]).iloc[0]
    assert row["orders"] == len(redeemed) and row["revenue"] == pytest.approx(redeemed["net_amount"].sum())
    for partner in world.partners.itertuples():  # the grid holds exactly what each partner's row says
        shared = {item.strip() for item in partner.data_shared.split(",")}
        assert set(view.data.columns[view.data.loc[partner.name]]) == shared


def test_the_pure_pieces_do_not_change_their_inputs_and_name_missing_columns(world):
    orders = world.orders.copy()
    work_by_month(world.orders, world.cases, world.campaign_members, world.activities)
    pd.testing.assert_frame_equal(orders, world.orders)
    with pytest.raises(DataError, match="'ordered_at'"):
        work_by_month(world.orders.drop(columns="ordered_at"), world.cases, world.campaign_members, world.activities)
    with pytest.raises(DataError, match="'data_shared'"):
        partner_data_matrix(world.partners.drop(columns="data_shared"))
    assert channels_before_orders(pd.DataFrame({"order_id": [], "channel": []}), world.orders.head(3))["channels"].tolist() == [0, 0, 0]
    none_joint = world.partners.assign(joint_campaign_id=pd.array([None] * len(world.partners), dtype="Int64"))
    assert joint_campaign_orders(none_joint, world.campaigns, world.orders).empty


def test_views_differ_between_worlds_of_different_seeds():
    import crmkit as ck

    one, two = (crm_type_views(ck.simulate("pschse", customers=2000, seed=seed, progress=False)) for seed in (1, 2))
    assert not np.isclose(one["strategic"].table["value"].iloc[1], two["strategic"].table["value"].iloc[1])


def test_the_prepared_views_hold_what_the_plain_pieces_give(views, world):
    pd.testing.assert_frame_equal(views("operational").data,
                                  work_by_month(world.orders, world.cases, world.campaign_members, world.activities))
    pd.testing.assert_frame_equal(views("collaborative_partners").data, partner_data_matrix(world.partners))
    again = crm_type_views(world)
    for key in CRM_TYPES:
        assert again(key).headline == views(key).headline
        pd.testing.assert_frame_equal(again(key).table, views(key).table)
