"""The pipeline on many days at once: the snapshots are the pipelines ``pipeline_as_of`` rebuilds day
by day, their forecasts agree with ``forecast_error``, and the prepared form only looks figures up."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics import deal_outcomes, forecast_error, pipeline_as_of, weighted_forecast
from crmkit.analytics.pipeline import OPEN_STAGES, VENDORS
from crmkit.analytics.pipeline_days import PipelineForecasts, pipeline_snapshots, snapshot_forecasts, vendor_probabilities
from crmkit.errors import ConfigError

DAYS = ["2023-05-31", "2024-03-15", "2024-11-30", "2025-06-30", "2025-12-31"]


@pytest.fixture(scope="module")
def board(world):
    return PipelineForecasts.build(world.opportunity_history, pd.DatetimeIndex(DAYS), world.truth.opportunities)


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
def test_a_call_gives_the_days_pipeline_weighted_by_the_vendor_and_what_it_won(board, world, vendor):
    day = board.days[2]
    figures = board(day + pd.Timedelta(days=3), vendor)  # a day between two of the board's snaps to the earlier
    pipe = pipeline_as_of(world.opportunities, world.opportunity_history, day)
    assert figures["as_of"] == day and figures["vendor"] == vendor and figures["open_deals"] == len(pipe)
    assert figures["forecast"] == pytest.approx(weighted_forecast(pipe, vendor)["weighted_amount"].sum())
    assert figures["all_open_closes"] == pytest.approx(pipe["amount"].sum())
    outcomes = deal_outcomes(world.opportunity_history, world.truth.opportunities).set_index("opportunity_id")
    assert figures["actual"] == pytest.approx(outcomes.loc[pipe["opportunity_id"], "won_amount"].sum())
    assert figures["error"] == pytest.approx(figures["forecast"] - figures["actual"])
    stages = board.stage_amounts(day, vendor)
    open_amounts = pipe.groupby(pipe["stage"].astype(str))["amount"].sum().reindex(list(OPEN_STAGES), fill_value=0.0)
    assert stages["open"].to_numpy() == pytest.approx(open_amounts.to_numpy())
    assert stages["weighted"].sum() == pytest.approx(figures["forecast"])


def test_days_snap_to_the_board_and_bad_input_is_refused(board):
    assert board.nearest_day(board.days[3] + pd.Timedelta(days=2)) == board.days[3]
    assert board.nearest_day("1990-01-01") == board.days[0]
    assert (vendor_probabilities()["hubspot"] >= vendor_probabilities()["crmkit"]).all()
    with pytest.raises(ConfigError, match="vendor"):
        board(board.days[3], vendor="excel")
    with pytest.raises(ConfigError, match="vendor"):
        board.stage_amounts(board.days[3], vendor="excel")
    with pytest.raises(ConfigError, match="increasing"):
        history = pd.DataFrame({"opportunity_id": [1], "stage": ["proposal"], "amount": [10.0],
                                "changed_at": pd.to_datetime(["2024-01-01"])})
        pipeline_snapshots(history, ["2024-02-01", "2024-01-01"])
