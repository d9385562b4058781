"""Feedback management as a loop: tone from the score, coming back after a comment, the truth's
lapses, and each topic routed to a CRM process that exists in the framework data."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit import frameworks
from crmkit.analytics.feedback import comment_topics
from crmkit.analytics.feedback_loop import (FEEDBACK_ROUTES, comments_and_return, feedback_loop, rating_tone,
                                            truly_lapsed)
from crmkit.errors import DataError
from tests.analytics.conftest import SEEDS

CASE, SIZE = "pschse", 3000


def _surveys():
    return pd.DataFrame({
        "survey_id": [1, 2, 3, 4, 5], "customer_id": [1, 2, 3, 4, 5], "kind": ["csat", "nps", "nps", "csat", "nps"],
        "score": [2, 7, 3, 5, 10], "comment": ["late", "ok", "  ", "lovely", "great"],
        "topic": ["delivery", "price", "price", "loyalty", "loyalty"],
        "responded_at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01", "2025-06-01"])})


def test_rating_tone_uses_each_scale_and_rejects_an_unknown_one():
    s = pd.DataFrame({"kind": ["nps"] * 4 + ["csat"] * 4, "score": [0, 6, 7, 9, 1, 2, 3, 4]})
    assert rating_tone(s).tolist() == ["negative", "negative", "neutral", "positive",
                                       "negative", "negative", "neutral", "positive"]
    with pytest.raises(DataError, match="surveys.kind = 'ces'"):
        rating_tone(pd.DataFrame({"kind": ["ces"], "score": [3]}))


def test_comments_and_return_keeps_whole_windows_and_counts_orders_inside_them():
    orders = pd.DataFrame({"customer_id": [1, 2, 2, 4], "ordered_at": pd.to_datetime(
        ["2024-01-01", "2025-03-01", "2024-06-01", "2023-12-01"])})
    out = comments_and_return(_surveys(), orders, as_of="2025-12-31").set_index("survey_id")
    assert out.index.tolist() == [1, 2, 4]  # 3: blank comment; 5: less than a year before as_of
    assert out["tone"].tolist() == ["negative", "neutral", "positive"]
    # 1: an order at the same moment is not "after"; 2: one within the year; 4: only an earlier order
    assert out["returned"].tolist() == [False, True, False]
    own = comments_and_return(_surveys(), orders, as_of="2025-12-31", topics=pd.DataFrame(
        {"survey_id": [1], "topic": ["wrong_item"]})).set_index("survey_id")
    assert own.loc[1, "topic"] == "wrong_item" and pd.isna(own.loc[2, "topic"])
    with pytest.raises(DataError, match="days = 0"):
        comments_and_return(_surveys(), orders, as_of="2025-12-31", days=0)


def test_truly_lapsed_reads_the_next_dissolution_within_the_window():
    comments = pd.DataFrame({"customer_id": [1, 2, 3], "responded_at": pd.to_datetime(["2024-01-01"] * 3)})
    phases = pd.DataFrame({"customer_id": [1, 2, 3, 3], "phase": ["dissolution", "dissolution", "commitment", "dissolution"],
                           "started_at": pd.to_datetime(["2024-05-01", "2025-05-01", "2024-02-01", "2023-06-01"])})
    assert truly_lapsed(comments, phases)["lapsed"].tolist() == [True, False, False]


def test_feedback_loop_counts_by_hand_and_routes_unknown_topics_apart():
    c = pd.DataFrame({"topic": ["delivery", "delivery", "delivery", "mystery", None],
                      "tone": ["negative", "negative", "positive", "negative", "negative"],
                      "returned": [False, True, True, False, False]})
    loop = feedback_loop(c).set_index("topic")
    assert loop.loc["delivery", ["comments", "negative"]].tolist() == [3, 2]
    assert loop.loc["delivery", "returned_after_negative"] == pytest.approx(0.5)
    assert loop.loc["mystery", "process"] == "unrouted" and pd.isna(loop.loc["mystery", "returned_after_other"])
    assert loop.index.tolist() == ["delivery", "mystery"]  # most negative first; no topic, no row


def test_every_route_names_a_crm_process_of_its_group():
    stages = {stage.key: stage.group for stage in frameworks.load("crm_processes").stages}
    for topic, (process, group) in FEEDBACK_ROUTES.items():
        assert stages.get(process) == group, (topic, process, group)
    assert {group for _, group in FEEDBACK_ROUTES.values()} == {"delivery", "support"}


@pytest.mark.parametrize("seed", SEEDS)
def test_negative_writers_come_back_less_and_the_truth_agrees(make_world, seed):
    """Truth recovery: in the simulated world unhappy customers churn more, and the observed
    sign (fewer come back after a negative comment) matches the truth's lapses."""
    w = make_world(CASE, SIZE, seed)
    end = w.observed_until + pd.Timedelta(days=1)
    c = truly_lapsed(comments_and_return(w.surveys, w.orders, as_of=end, topics=comment_topics(w.surveys)),
                     w.truth.phases)
    negative = c["tone"] == "negative"
    assert negative.sum() >= 30 and (~negative).sum() >= 30
    assert c.loc[negative, "returned"].mean() < c.loc[~negative, "returned"].mean() - 0.1
    assert c.loc[negative, "lapsed"].mean() > c.loc[~negative, "lapsed"].mean() + 0.1
    loop = feedback_loop(c)
    assert set(loop["process"]) <= {process for process, _ in FEEDBACK_ROUTES.values()}
    assert loop["negative"].sum() == int((negative & c["topic"].notna()).sum())
