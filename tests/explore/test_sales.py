"""The sales explorer driven from a test: the date slider and vendor dropdown give the pipeline
that ``pipeline_as_of`` rebuilds for that day, the vendor's weighted forecast and what those deals
really won; the precomputed snapshots agree with the analytics functions day by day."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics import deal_outcomes, forecast_error, pipeline_as_of, weighted_forecast  # noqa: E402
from crmkit.analytics.pipeline import VENDORS  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.sales import (  # noqa: E402
    pipeline_forecast_explorer, pipeline_snapshots, snapshot_forecasts, vendor_probabilities,
)

DAYS = ["2023-05-31", "2024-03-15", "2024-11-30", "2025-06-30", "2025-12-31"]


@pytest.fixture(scope="module")
def widget(world):
    return pipeline_forecast_explorer(world)


def test_snapshots_are_the_pipelines_pipeline_as_of_rebuilds(world):
    snaps = pipeline_snapshots(world.opportunity_history, DAYS)
    for day in DAYS:
        ours = snaps[snaps["as_of"] == pd.Timestamp(day)].reset_index(drop=True)
        theirs = pipeline_as_of(world.opportunities, world.opportunity_history, day)
        assert ours["opportunity_id"].tolist() == theirs["opportunity_id"].tolist()
        assert ours["stage"].tolist() == theirs["stage"].astype(str).tolist()
        assert ours["amount"].tolist() == pytest.approx(theirs["amount"].tolist())
    assert snaps["stage"].isin(["closed_won", "closed_lost"]).sum() == 0


def test_snapshot_forecasts_agree_with_forecast_error(world):
    outcomes = deal_outcomes(world.opportunity_history, world.truth.opportunities)
    ours = snapshot_forecasts(pipeline_snapshots(world.opportunity_history, DAYS[1:4]), outcomes)
    theirs = forecast_error(world.opportunities, world.opportunity_history, DAYS[1:4], world.truth.opportunities)
    assert ours["method"].tolist() == theirs["method"].tolist()
    for column in ("open_deals", "unresolved_deals", "forecast", "actual", "error"):
        assert ours[column].to_numpy(float) == pytest.approx(theirs[column].to_numpy(float)), column


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


def test_days_snap_to_the_slider_and_bad_vendors_are_refused(widget):
    board = widget.board
    assert board.nearest_day(board.days[3] + pd.Timedelta(days=2)) == board.days[3]
    assert board.nearest_day("1990-01-01") == board.days[0]
    with pytest.raises(ConfigError, match="vendor"):
        board.draw(board.days[3], vendor="excel")
    with pytest.raises(ConfigError, match="increasing"):
        history = pd.DataFrame({"opportunity_id": [1], "stage": ["proposal"], "amount": [10.0],
                                "changed_at": pd.to_datetime(["2024-01-01"])})
        pipeline_snapshots(history, ["2024-02-01", "2024-01-01"])
