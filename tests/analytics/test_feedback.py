"""Feedback: NPS and CSAT by hand, and comment topics and sentiment against the world's truth."""

from __future__ import annotations

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics import feedback
from crmkit.analytics.feedback import (
    comment_sentiment, comment_topics, csat, feedback_accuracy, learn_comment_topics, nps, nps_category,
)
from crmkit.errors import DataError
from tests.analytics.conftest import SEEDS

CASE, SIZE = "pschse", 5000  # the same worlds as the service tests (cached per test process)


def _surveys(comments) -> pd.DataFrame:
    return pd.DataFrame({"survey_id": range(1, len(comments) + 1), "comment": comments})


# --- scores ------------------------------------------------------------------------------
def test_nps_categories_have_the_usual_boundaries():
    scores = pd.Series(range(11))
    assert nps_category(scores).astype(str).tolist() == ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2


def test_nps_and_csat_by_hand_overall_and_by_group():
    s = pd.DataFrame({"kind": ["nps"] * 5 + ["csat"] * 3, "score": [10, 9, 8, 2, 0, 5, 3, 4],
                      "trigger": ["relationship"] * 3 + ["after_order"] * 2 + ["after_case"] * 3,
                      "responded_at": pd.to_datetime(["2024-01-05"] * 4 + ["2024-02-05"] * 4)})
    overall = nps(s).iloc[0]
    assert (overall.responses, overall.nps) == (5, pytest.approx(0.0))  # 2 promoters, 2 detractors of 5
    by_trigger = nps(s, by="trigger").set_index("trigger")["nps"]
    assert by_trigger.to_dict() == pytest.approx({"after_order": -100.0, "relationship": 200 / 3})
    by_month = nps(s, by="month")
    assert by_month["responses"].tolist() == [4, 1]
    c = csat(s).iloc[0]
    assert (c.responses, c.mean_score, c.satisfied) == (3, pytest.approx(4.0), pytest.approx(2 / 3))


def test_nps_of_a_world_lies_in_range_and_counts_only_nps_answers(make_world):
    w = make_world(CASE, SIZE, SEEDS[0])
    by_trigger = nps(w.surveys, by="trigger")
    assert by_trigger["responses"].sum() == int((w.surveys["kind"] == "nps").sum())
    assert by_trigger["nps"].between(-100, 100).all()
    shares = by_trigger[["promoters", "passives", "detractors"]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0)


# --- comments: hand-made ------------------------------------------------------------------
def test_comment_topics_match_keywords_stems_phrases_and_misspellings():
    s = _surveys(["The parcel was delivered late", "The new range is lovely", "Great valeu, cheap dleivery",
                  "Nothing to add", None])
    topics = comment_topics(s).set_index("survey_id")
    assert topics.index.tolist() == [1, 2, 3, 4]  # no comment, no row
    assert topics.loc[1, "topic"] == "delivery" and topics.loc[1, "hits"] == 3
    assert topics.loc[2, "topic"] == "new_product"  # a phrase outweighs the single word "range"
    assert topics.loc[3, "topic"] in {"price", "delivery"} and topics.loc[3, "hits"] == 1
    assert pd.isna(topics.loc[4, "topic"]) and topics.loc[4, "hits"] == 0
    own = comment_topics(s, keywords={"mood": ["lovely"]}).set_index("survey_id")
    assert own.loc[2, "topic"] == "mood"


def test_comment_sentiment_handles_negation_within_a_sentence_only():
    s = _surveys(["Not happy.", "Changed without any fuss, great", "Not happy. never again",
                  "It was fine", "Terrible, slow and confusing", "Wonderfull and excelent"])
    tone = comment_sentiment(s).set_index("survey_id")
    assert tone["sentiment"].tolist() == ["negative", "positive", "negative", "neutral", "negative", "positive"]
    assert tone.loc[3, "sentiment_score"] == -1.0  # "never" is not flipped by the "not" of the sentence before
    assert tone["sentiment_score"].between(-1, 1).all()


# --- comments: truth recovery -------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_keyword_topics_recover_the_true_topics(make_world, seed):
    """Truth recovery: beats always guessing the commonest true topic by a wide margin."""
    w = make_world(CASE, SIZE, seed)
    score = feedback_accuracy(comment_topics(w.surveys), w.truth.surveys)
    assert score["rows"] == int(w.surveys["comment"].notna().sum()) > 500
    assert score["accuracy"] > score["majority_baseline"] + 0.4  # measured: 0.99 vs 0.35


@pytest.mark.parametrize("seed", SEEDS)
def test_learned_topics_recover_the_true_topics_from_noisy_tags(make_world, seed):
    """Truth recovery: a model trained on the team's tags (about one in ten wrong) beats the
    majority guess by a wide margin, and is no worse than the tags themselves."""
    w = make_world(CASE, SIZE, seed)
    learned = learn_comment_topics(w.surveys, seed=seed)
    score = feedback_accuracy(learned, w.truth.surveys)
    tags = feedback_accuracy(learned[["survey_id", "tag"]].rename(columns={"tag": "topic"}), w.truth.surveys)
    assert score["accuracy"] > score["majority_baseline"] + 0.4  # measured: 0.99 vs 0.35
    assert score["accuracy"] >= tags["accuracy"]  # measured: 0.99 vs 0.91-0.92


@pytest.mark.parametrize("seed", SEEDS)
def test_comment_sentiment_recovers_the_true_sentiment(make_world, seed):
    """Truth recovery: beats always guessing the commonest true sentiment by a wide margin."""
    w = make_world(CASE, SIZE, seed)
    score = feedback_accuracy(comment_sentiment(w.surveys), w.truth.surveys, "sentiment")
    assert score["accuracy"] > score["majority_baseline"] + 0.25  # measured: 1.00 vs 0.51-0.53


def test_learned_topics_are_reproducible_for_a_seed(make_world):
    w = make_world(CASE, SIZE, SEEDS[0])
    first, again = learn_comment_topics(w.surveys, seed=4), learn_comment_topics(w.surveys, seed=4)
    pd.testing.assert_frame_equal(first, again)


# --- purity and bad input ----------------------------------------------------------------
def test_inputs_are_not_changed(make_world):
    w = make_world(CASE, SIZE, SEEDS[0])
    before = w.surveys.copy()
    nps(w.surveys, by="month"), csat(w.surveys, by="trigger"), comment_topics(w.surveys), comment_sentiment(w.surveys)
    pd.testing.assert_frame_equal(before, w.surveys)


def test_bad_input_gets_one_clear_error():
    with pytest.raises(DataError, match="column 'comment' is missing"):
        comment_topics(pd.DataFrame({"survey_id": [1]}))
    with pytest.raises(DataError, match="column 'score' is missing"):
        nps(pd.DataFrame({"kind": ["nps"], "responded_at": [pd.Timestamp("2024-01-01")]}))
    with pytest.raises(DataError, match="by = 'colour' is not a column"):
        csat(pd.DataFrame({"kind": ["csat"], "score": [4], "responded_at": [pd.Timestamp("2024-01-01")]}), by="colour")
    with pytest.raises(DataError, match="at least 2 comments"):
        learn_comment_topics(pd.DataFrame({"survey_id": [1, 2], "comment": ["late", "cheap"], "topic": ["delivery", "price"]}))


def test_public_names_are_listed():
    assert set(feedback.__all__) <= set(dir(ck.analytics))
