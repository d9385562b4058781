"""Comments as evidence across companies: topic shares and tones per company, each company's
strongest and weakest topic, keyword counts in the business's own words, and whether the writers
of negative comments came back."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics.feedback_cases import (STOP_WORDS, comment_keywords, company_comments, frame_words,
                                             keywords_by_company, return_by_tone, strong_and_weak,
                                             topics_by_company)
from crmkit.errors import DataError
from crmkit.teach.lessons.feedback_loop import negative_comment_return_gap


def _surveys(scores, topics, comments, kind="csat"):
    return pd.DataFrame({"kind": kind, "score": scores, "topic": topics, "comment": comments})


def _world(surveys):
    return types.SimpleNamespace(surveys=surveys)


def test_topic_shares_and_tones_per_company_count_only_written_comments():
    shop = _surveys([1, 2, 5, 3, 5], ["delivery", "delivery", "delivery", "price", "price"],
                    ["late", "very late", "on time", "ok", None])
    hotel = _surveys([0, 10], ["price", "price"], ["dear", "worth it"], kind="nps")
    table = topics_by_company({"shop": _world(shop), "hotel": _world(hotel)})
    assert list(table.company) == ["shop", "shop", "hotel"]  # companies in the order given
    delivery = table[(table.company == "shop") & (table.topic == "delivery")].iloc[0]
    assert (delivery.comments, delivery.share) == (3, 0.75)
    assert delivery.negative_share == pytest.approx(2 / 3) and delivery.positive_share == pytest.approx(1 / 3)
    assert table.groupby("company").share.sum().tolist() == pytest.approx([1.0, 1.0])
    hotel_price = table[table.company == "hotel"].iloc[0]
    assert (hotel_price.negative_share, hotel_price.positive_share) == (0.5, 0.5)  # NPS 0 and 10 on their scale


def test_model_companies_are_shown_by_their_display_name():
    table = topics_by_company({"tesco": _world(_surveys([5], ["price"], ["cheap"]))})
    assert table.company.tolist() == ["Tesco Clubcard"]


def test_strong_and_weak_skips_thin_topics_and_breaks_ties_alphabetically():
    topics = pd.DataFrame({"company": "shop", "topic": ["wrong_item", "price", "delivery", "loyalty"],
                           "comments": [3, 40, 25, 30], "negative_share": [1.0, 0.2, 0.5, 0.5],
                           "positive_share": [0.0, 0.7, 0.2, 0.7]})
    row = strong_and_weak(topics, min_comments=20).iloc[0]
    assert (row.weakest, row.negative_share) == ("delivery", 0.5)  # wrong_item has too few comments
    assert (row.strongest, row.topics) == ("loyalty", 3)
    assert strong_and_weak(topics, min_comments=50).empty
    with pytest.raises(DataError, match="min_comments"):
        strong_and_weak(topics, min_comments=0)


def test_keywords_count_each_word_once_per_comment_of_the_tone():
    surveys = _surveys([1, 1, 2, 5], "delivery",
                       ["The van was late, late, late", "Van late again", "the bread was stale", "Lovely van driver"])
    counts = comment_keywords(surveys, "negative", n=3)
    assert counts.to_dict() == {"late": 2, "van": 2, "bread": 1}
    assert not set(counts.index) & STOP_WORDS
    assert comment_keywords(surveys, None, n=1).to_dict() == {"van": 3}
    with pytest.raises(DataError, match="tone"):
        comment_keywords(surveys, "angry")


def test_a_worlds_openers_and_closers_are_left_out_of_its_keywords(make_world):
    world = make_world("tesco", 800, 1)
    frames = frame_words(world)
    assert "disappointed" in frames and frame_words(types.SimpleNamespace()) == frozenset()
    words = keywords_by_company({"tesco": world}, "negative", n=8)
    assert list(words.columns) == ["Tesco Clubcard"] and len(words) == 8
    assert not set(words["Tesco Clubcard"]) & (frames | STOP_WORDS)


def test_return_by_tone_gives_the_gap_and_an_interval_around_it():
    comments = pd.DataFrame({"company": ["a"] * 6 + ["b"] * 2,
                             "tone": ["negative", "negative", "positive", "neutral", "positive", "positive",
                                      "positive", "neutral"],
                             "returned": [False, True, True, True, True, False, True, False]})
    table = return_by_tone(comments)
    a = table.loc["a"]
    assert (a.negative, a.other) == (2, 4)
    assert a.gap == pytest.approx(0.5 - 0.75)
    half = 1.96 * np.sqrt(0.5 * 0.5 / 2 + 0.75 * 0.25 / 4)
    assert (a.gap_low, a.gap_high) == pytest.approx((a.gap - half, a.gap + half))
    assert table.loc["b", "negative"] == 0 and np.isnan(table.loc["b", "gap"])  # no negative comment: no gap


def test_on_a_world_the_gap_is_the_service_lessons_return_gap(make_world):
    world = make_world("pschse", 1500, 2)
    comments = company_comments({"pschse": world})
    assert set(comments.company) == {"PSCHSE Manufacturing"}
    gap = return_by_tone(comments).loc["PSCHSE Manufacturing", "gap"]
    assert gap == pytest.approx(negative_comment_return_gap(world))
