"""Lead funnel, conversion by source and the lead score, checked against the world's truth."""

import pandas as pd
import pytest

from crmkit.analytics import lead_scoring as S
from crmkit.analytics import leads as L
from crmkit.errors import DataError

CUSTOMERS = 4000
CUTOFF = "2025-01-01"


def test_funnel_counts_every_lead_that_reached_a_step(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    funnel = L.conversion_funnel(w.leads, w.lead_history).set_index("step")
    assert funnel.leads["new"] == len(w.leads)
    assert funnel.leads["converted"] == (w.leads.status == "converted").sum()
    qualified = w.lead_history[w.lead_history.to_status == "qualified"].lead_id.nunique()
    assert funnel.leads["qualified"] == qualified
    assert funnel.leads.is_monotonic_decreasing
    assert funnel.share_of_previous["converted"] == pytest.approx(funnel.leads["converted"] / qualified)


def test_conversion_by_source_adds_up(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    table = L.conversion_by_source(w.leads)
    assert table.leads.sum() == len(w.leads)
    assert table.converted.sum() == (w.leads.status == "converted").sum()
    assert table.conversion_rate.is_monotonic_decreasing
    assert (table.median_days_to_convert >= 0).all()


def test_inputs_are_not_changed(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    leads, history, acts = w.leads.copy(), w.lead_history.copy(), w.activities.copy()
    scorer = S.fit_lead_scorer(w.leads, w.lead_history, w.activities, CUTOFF)
    S.score_leads(scorer, w.leads, w.activities)
    L.conversion_funnel(w.leads, w.lead_history)
    pd.testing.assert_frame_equal(leads, w.leads)
    pd.testing.assert_frame_equal(history, w.lead_history)
    pd.testing.assert_frame_equal(acts, w.activities)


def test_missing_column_and_unknown_step_are_named():
    with pytest.raises(DataError, match="'lead_source'"):
        S.lead_features(pd.DataFrame({"lead_id": [1], "created_at": [pd.Timestamp("2024-01-01")]}),
                        pd.DataFrame(columns=["lead_id", "due_at", "direction", "status"]))
    with pytest.raises(DataError, match="'won'"):
        L.conversion_funnel(pd.DataFrame({"lead_id": [1]}), pd.DataFrame({"lead_id": [1], "to_status": ["new"]}),
                            steps=["new", "won"])
