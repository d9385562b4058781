"""The pipeline rebuilt as of any day, weighted forecasts against real outcomes, rep activity."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics import conversion_funnel, holdout_forecast, monthly_demand  # noqa: E402
from crmkit.analytics import pipeline as P  # noqa: E402
from crmkit.errors import DataError  # noqa: E402
from crmkit.plots import sales as plots  # noqa: E402
from tests.analytics.conftest import SEEDS  # noqa: E402

CUSTOMERS = 4000
MONTH_ENDS = pd.date_range("2023-03-31", "2025-12-31", freq="ME")


def _brute_force_pipeline(history: pd.DataFrame, day: str) -> dict:
    # Row by row: keep each deal's latest change made by the end of the day, then the open ones.
    end = pd.Timestamp(day) + pd.Timedelta(days=1)
    latest = {}
    for row in history.itertuples():
        if row.changed_at < end:
            seen = latest.get(row.opportunity_id)
            if seen is None or (row.changed_at, row.history_id) > (seen.changed_at, seen.history_id):
                latest[row.opportunity_id] = row
    return {deal: (r.stage, r.amount, r.close_date) for deal, r in latest.items()
            if r.stage not in ("closed_won", "closed_lost")}


@pytest.mark.parametrize("day", ["2023-06-30", "2024-02-29", "2025-09-15"])
def test_pipeline_as_of_matches_a_brute_force_rebuild(make_world, day):
    w = make_world("pschse", CUSTOMERS, 1)
    pipe = P.pipeline_as_of(w.opportunities, w.opportunity_history, day)
    expected = _brute_force_pipeline(w.opportunity_history, day)
    got = {r.opportunity_id: (r.stage, r.amount, r.close_date) for r in pipe.itertuples()}
    assert len(got) >= 3
    assert got == expected


def test_pipeline_at_the_end_of_the_window_is_the_open_deals(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    pipe = P.pipeline_as_of(w.opportunities, w.opportunity_history, w.observed_until).set_index("opportunity_id")
    still_open = w.opportunities[~w.opportunities.is_closed].set_index("opportunity_id")
    assert sorted(pipe.index) == sorted(still_open.index)
    assert (pipe.stage.astype(str) == still_open.stage.astype(str).reindex(pipe.index)).all()
    assert pipe.amount.to_numpy() == pytest.approx(still_open.amount.reindex(pipe.index).to_numpy())


def test_vendor_maps_come_from_the_crosswalk():
    salesforce = P.stage_probability_map("salesforce").set_index("stage").probability
    # Four Salesforce stages fall under needs_analysis (20, 50, 60, 70 %): their mean.
    assert salesforce["needs_analysis"] == pytest.approx(0.5)
    assert P.stage_probability_map("crmkit").probability.tolist() == [0.1, 0.25, 0.4, 0.6, 0.8, 1.0, 0.0]
    with pytest.raises(DataError, match="'pipedrive'"):
        P.stage_probability_map("pipedrive")


def test_deal_outcomes_use_the_truth_only_for_deals_still_open(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    observed = P.deal_outcomes(w.opportunity_history)
    assert (observed.outcome == "open").sum() == (~w.opportunities.is_closed).sum()
    full = P.deal_outcomes(w.opportunity_history, w.truth.opportunities).set_index("opportunity_id")
    assert (full.outcome != "open").all()
    truth = w.truth.opportunities.set_index("opportunity_id")
    assert ((full.outcome == "won") == truth.is_won.reindex(full.index)).all()
    assert set(full.known_from) == {"observed", "truth"}


@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_forecasts_beat_all_open_pipeline_closes(make_world, seed):
    w = make_world("pschse", CUSTOMERS, seed)
    errors = P.forecast_error(w.opportunities, w.opportunity_history, MONTH_ENDS, w.truth.opportunities)
    assert (errors.unresolved_deals == 0).all()
    wape = P.compare_forecasts(errors).set_index("method").wape
    # Measured on seeds 1-3 (WAPE): crmkit 0.10-0.15, suitecrm 0.11-0.16, salesforce 0.19-0.25,
    # hubspot 0.27-0.31, all open closes 0.60-0.66.
    for vendor in P.VENDORS:
        assert wape[vendor] <= wape[P.ALL_CLOSE] - 0.25
    # The worlds are calibrated to the kit's map; HubSpot's and Salesforce's higher
    # late-stage probabilities over-forecast these deals (margin measured on seeds 1-3 of the
    # current worlds: 0.09, 0.036 and 0.067 WAPE).
    assert wape["crmkit"] <= min(wape["hubspot"], wape["salesforce"]) - 0.03


def test_weighted_forecast_multiplies_amount_by_the_vendor_probability(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    pipe = P.pipeline_as_of(w.opportunities, w.opportunity_history, "2024-06-30")
    before = pipe.copy()
    hubspot = P.weighted_forecast(pipe, "hubspot")
    pd.testing.assert_frame_equal(pipe, before)
    probability = P.stage_probability_map("hubspot").set_index("stage").probability
    expected = (pipe.amount * pipe.stage.astype(str).map(probability)).sum()
    assert hubspot.weighted_amount.sum() == pytest.approx(expected)
    by_stage = P.pipeline_by_stage(hubspot)
    assert by_stage.deals.sum() == len(pipe)
    assert by_stage.weighted_amount.sum() == pytest.approx(expected)


def test_sales_plots_draw_the_world_on_the_given_axes(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    fig, axes = plt.subplots(2, 2)
    funnel = conversion_funnel(w.leads, w.lead_history)
    assert plots.plot_funnel(funnel, ax=axes[0, 0]) is axes[0, 0]
    assert len(axes[0, 0].patches) == len(funnel)
    pipe = P.weighted_forecast(P.pipeline_as_of(w.opportunities, w.opportunity_history, "2025-06-30"), "suitecrm")
    plots.plot_pipeline_by_stage(P.pipeline_by_stage(pipe), ax=axes[0, 1])
    assert len(axes[0, 1].patches) == 2 * len(P.OPEN_STAGES)
    errors = P.forecast_error(w.opportunities, w.opportunity_history, MONTH_ENDS[-4:], w.truth.opportunities)
    plots.plot_pipeline_forecast_error(errors, ax=axes[1, 0])
    assert len(axes[1, 0].get_legend().get_texts()) == len(P.VENDORS) + 1
    demand = monthly_demand(w.orders, w.order_items, w.products)
    plots.plot_forecast_vs_actual(holdout_forecast(demand), demand, product_id=15, ax=axes[1, 1])
    assert "product 15" in axes[1, 1].get_title()
    plt.close(fig)
