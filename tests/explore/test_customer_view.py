"""The customer-view explorer: it steps through the unprofitable buyers, least profitable first."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from crmkit.analytics import customer_view, unprofitable_buyers  # noqa: E402
from crmkit.explore.customer_view import customer_view_explorer, draw_customer_view  # noqa: E402


def test_the_explorer_shows_the_nth_least_profitable_buyer(world):
    lost = unprofitable_buyers(world.customer_costs)
    widget = customer_view_explorer(world)
    assert widget.result.customer_id == lost["customer_id"].iloc[0]
    widget.control("number").value = 3
    assert widget.result.customer_id == lost["customer_id"].iloc[2]
    assert widget.result.value["contribution"] < 0


def test_the_drawing_titles_the_headline(world):
    customer = int(world.orders["customer_id"].iloc[0])
    figure, ax = plt.subplots()
    view = draw_customer_view(customer_view(world, customer), ax=ax)
    assert f"customer {customer}:" in ax.get_title() and "contribution" in ax.get_title()
    assert view.customer_id == customer
    plt.close(figure)
