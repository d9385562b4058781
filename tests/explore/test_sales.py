"""The sales explorer driven from a test: the date slider and vendor dropdown give the pipeline
that ``pipeline_as_of`` rebuilds for that day, the vendor's weighted forecast and what those deals
really won. The computations are tested in tests/analytics/test_pipeline_days.py; here, the wrapper:
its controls, that it shows its board's figures and what it draws."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crmkit.analytics import deal_outcomes, pipeline_as_of, weighted_forecast  # noqa: E402
from crmkit.analytics.pipeline import VENDORS  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.sales import draw_pipeline_forecast, pipeline_forecast_explorer, vendor_probabilities  # noqa: E402


@pytest.fixture(scope="module")
def widget(world):
    return pipeline_forecast_explorer(world)


@pytest.mark.parametrize("vendor", VENDORS)
def test_widget_shows_the_days_pipeline_weighted_by_the_vendor_and_what_it_won(widget, world, vendor):
    widget.control("vendor").value = vendor
    day = widget.board.days[len(widget.board.days) // 2]
    widget.control("as_of").value = day
    result = widget.result
    pipe = pipeline_as_of(world.opportunities, world.opportunity_history, day)
    assert result["as_of"] == day and result["vendor"] == vendor
    assert result["open_deals"] == len(pipe)
    assert result["forecast"] == pytest.approx(weighted_forecast(pipe, vendor)["weighted_amount"].sum())
    assert result["all_open_closes"] == pytest.approx(pipe["amount"].sum())
    outcomes = deal_outcomes(world.opportunity_history, world.truth.opportunities).set_index("opportunity_id")
    assert result["actual"] == pytest.approx(outcomes.loc[pipe["opportunity_id"], "won_amount"].sum())
    assert result["error"] == pytest.approx(result["forecast"] - result["actual"])


def test_moving_the_controls_moves_the_figures(widget):
    widget.control("as_of").value = widget.board.days[-1]
    widget.control("vendor").value = "crmkit"
    kit = widget.result
    widget.control("vendor").value = "hubspot"
    hubspot = widget.result
    # HubSpot's probability is at least the kit's at every open stage, so its forecast is higher
    assert (vendor_probabilities()["hubspot"] >= vendor_probabilities()["crmkit"]).all()
    assert hubspot["forecast"] > kit["forecast"]
    assert hubspot["actual"] == kit["actual"]  # what happened does not depend on the convention
    assert kit["all_open_closes"] >= hubspot["forecast"]
    widget.control("as_of").value = widget.board.days[0]
    assert widget.result["as_of"] == widget.board.days[0] and widget.result["as_of"] < hubspot["as_of"]


def test_the_widget_shows_its_boards_figures_and_draws_them(widget):
    board = widget.board
    widget.control("as_of").value = board.days[3]
    widget.control("vendor").value = "salesforce"
    assert widget.result.equals(board(board.days[3], "salesforce"))
    figure, ax = matplotlib.pyplot.subplots()
    figures = draw_pipeline_forecast(board, board.days[3], "salesforce", ax=ax)
    stages, totals = figure.axes
    amounts = board.stage_amounts(board.days[3], "salesforce")
    heights = [p.get_height() for p in stages.patches]
    assert heights == pytest.approx(amounts["open"].tolist() + amounts["weighted"].tolist())
    assert [p.get_height() for p in totals.patches] == pytest.approx(
        [figures["all_open_closes"], figures["forecast"], figures["actual"]])
    matplotlib.pyplot.close(figure)
    with pytest.raises(ConfigError, match="vendor"):
        draw_pipeline_forecast(board, board.days[3], vendor="excel")
