"""The start-here explorer, driven like a learner would."""

import matplotlib

matplotlib.use("Agg")

import crmkit as ck
from crmkit.explore.start import orders_explorer


def test_orders_explorer_shows_the_orders_of_the_chosen_split_and_year(world):
    widget = orders_explorer(world)
    assert widget.result["rows"].sum() == len(world.orders)  # every order, split by channel
    widget.control("year").value = str(world.observed_until.year)
    last_year = world.orders["ordered_at"].dt.year == world.observed_until.year
    assert widget.result["rows"].sum() == int(last_year.sum())
    widget.control("by").value = "campaign"
    assert set(widget.result["campaign"]) == {"campaign offer", "no offer"}
    offers = widget.result.loc[widget.result["campaign"] == "campaign offer", "rows"].sum()
    assert offers == int((last_year & world.orders["campaign_id"].notna()).sum())


def test_the_explorer_is_collected_by_the_package():
    assert "orders_explorer" in ck.explore.__all__
