"""Exercises of the service lesson on feedback management as an information loop
(notebooks/10_service_complaints_feedback.ipynb, section 8), listed in
:mod:`crmkit.teach.lessons.service`.

Customer comments as evidence: do customers who wrote a negative comment (by the score that
came with it) order again less often within a year? And the loop: how many negative comments
point at each CRM process (topics read from the words, routed by
:data:`crmkit.analytics.FEEDBACK_ROUTES`). Each typical mistake reproduces one wrong step.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.feedback import comment_sentiment, comment_topics
from crmkit.analytics.feedback_loop import FEEDBACK_ROUTES, comments_and_return, rating_tone
from crmkit.teach import Exercise, Mistake

__all__ = ["RETURN_GAP", "BY_PROCESS", "WINDOW_DAYS"]

#: The window after a comment in which the writer counts as having come back.
WINDOW_DAYS = 365


def _end(w) -> pd.Timestamp:
    return pd.Timestamp(w.observed_until).normalize() + pd.Timedelta(days=1)


# --- comments as evidence: do negative writers come back less? -------------------------------------------


def _answers(w, commented: bool = True, whole_window: bool = True) -> pd.DataFrame:
    s = w.surveys
    keep = s["comment"].notna() if commented else pd.Series(True, index=s.index)
    if whole_window:
        keep &= s["responded_at"] <= _end(w) - pd.Timedelta(days=WINDOW_DAYS)
    return s[keep]


def _returned(w, answers: pd.DataFrame, days: float | None = WINDOW_DAYS) -> pd.Series:
    """Whether each answer's customer ordered strictly after it (within ``days``, or ever if None)."""
    both = answers[["survey_id", "customer_id", "responded_at"]].merge(w.orders[["customer_id", "ordered_at"]],
                                                                      on="customer_id")
    later = both["ordered_at"] > both["responded_at"]
    if days is not None:
        later &= both["ordered_at"] <= both["responded_at"] + pd.Timedelta(days=days)
    return answers["survey_id"].isin(both.loc[later, "survey_id"])


def _gap(w, answers=None, negative=None, days=WINDOW_DAYS, how=lambda a, b: a - b) -> float:
    answers = _answers(w) if answers is None else answers
    negative = rating_tone(answers).eq("negative") if negative is None else negative
    returned = _returned(w, answers, days)
    return float(how(returned[negative].mean(), returned[~negative].mean()))


def negative_comment_return_gap(w) -> float:
    c = comments_and_return(w.surveys, w.orders, as_of=_end(w), days=WINDOW_DAYS)
    negative = c["tone"] == "negative"
    return float(c.loc[negative, "returned"].mean() - c.loc[~negative, "returned"].mean())


RETURN_GAP = Exercise(
    "negative_comment_return_gap",
    f"Comments as evidence: take the survey answers **with a comment** given at least {WINDOW_DAYS} days before "
    "`end`. A comment is **negative** when its score is low on its own scale: NPS 0-6, CSAT 1-2. Its writer "
    f"**came back** when they ordered after the answer, at most {WINDOW_DAYS} days later. What is the share that "
    "came back after negative comments **minus** the share after the other comments?",
    reference=negative_comment_return_gap,
    mistakes=[
        Mistake("all_answers", "You kept every survey answer, also those without a comment. The question is "
                "about what customers wrote: keep the answers with a comment.",
                answer=lambda w: _gap(w, answers=_answers(w, commented=False))),
        Mistake("no_whole_year", f"You kept the comments of the last {WINDOW_DAYS} days too. Their writers did not "
                "have a whole year to come back yet, so they look lost: keep the answers given at least "
                f"{WINDOW_DAYS} days before end.", answer=lambda w: _gap(w, answers=_answers(w, whole_window=False))),
        Mistake("nps_scale_for_all", "You used the NPS cut-off (6 or less) for the CSAT answers too: every CSAT "
                "answer (1-5) then counts as negative. CSAT is negative at 1-2.",
                answer=lambda w: _gap(w, negative=_answers(w)["score"] <= 6)),
        Mistake("csat_scale_for_all", "You used the CSAT cut-off (2 or less) for the NPS answers too: an NPS of 3 "
                "is a detractor, negative. NPS is negative at 0-6.",
                answer=lambda w: _gap(w, negative=_answers(w)["score"] <= 2)),
        Mistake("any_later_order", f"You counted an order at any time after the comment. Count only orders within "
                f"{WINDOW_DAYS} days, so every comment has the same window.", answer=lambda w: _gap(w, days=None)),
        Mistake("reversed", "Right size, wrong sign: take the share after negative comments minus the share after "
                "the others, so a loss shows as a negative number.", answer=lambda w: -negative_comment_return_gap(w)),
        Mistake("ratio_not_difference", "You divided the two shares; the question asks for their difference.",
                answer=lambda w: _gap(w, how=lambda a, b: a / b)),
    ],
    rtol=1e-6, atol=1e-9,
    hint="merge the comments with orders on customer_id, keep orders after responded_at and within the window.")


# --- the loop: negative comments routed to the process that can act ----------------------------------------


def _by_process(w, topic: str = "keywords", tone: str = "score", how: str = "count") -> pd.Series:
    commented = w.surveys[w.surveys["comment"].notna()]
    if topic == "keywords":
        topics = commented["survey_id"].map(comment_topics(w.surveys).set_index("survey_id")["topic"])
    else:
        topics = commented["topic"].astype(object)
    if tone == "score":
        negative = rating_tone(commented).eq("negative")
    else:
        negative = commented["survey_id"].map(comment_sentiment(w.surveys).set_index("survey_id")["sentiment"]).eq(
            "negative")
    process = topics.map({t: route[0] for t, route in FEEDBACK_ROUTES.items()})
    known = process.notna()
    grouped = negative[known].groupby(process[known])
    values = {"count": grouped.sum(), "share": grouped.mean(), "all": grouped.size()}[how]
    if how == "count":  # a process that no negative comment reaches has no row, as a count of rows gives
        values = values[values > 0]
    return pd.Series(values.to_numpy(dtype=float), index=pd.Index(values.index.astype(str), name="process"))


def negative_comments_by_process(w) -> pd.Series:
    return _by_process(w)


BY_PROCESS = Exercise(
    "negative_comments_by_process",
    "Close the loop: read the topic of **every comment** with `ck.analytics.comment_topics(world.surveys)` and its "
    "tone from the score (NPS 0-6, CSAT 1-2 negative; `ck.analytics.rating_tone`). Route each topic to the process "
    "that can act on it (`ck.analytics.FEEDBACK_ROUTES[topic][0]`). How many **negative** comments reach each "
    "process? Give a Series indexed by process (only processes that negative comments reach; comments without a topic left out).",
    reference=negative_comments_by_process,
    mistakes=[
        Mistake("team_tags", "You routed the feedback team's tags (the surveys' topic column), which are sometimes "
                "wrong. The question reads the topic from the words with comment_topics.",
                answer=lambda w: _by_process(w, topic="tags")),
        Mistake("every_comment", "You counted every comment per process. The loop passes on the complaints: count "
                "only the negative ones.", answer=lambda w: _by_process(w, how="all")),
        Mistake("share_not_count", "You gave the share of each process's comments that are negative. The question "
                "asks how many negative comments each process receives (sum, not mean).",
                answer=lambda w: _by_process(w, how="share")),
        Mistake("tone_from_words", "You read the tone from the words (comment_sentiment). The question reads it from "
                "the score that came with the comment, on its own scale.",
                answer=lambda w: _by_process(w, tone="words")),
    ],
    hint="map each comment's topic to FEEDBACK_ROUTES[topic][0], then sum the negative ones per process.")
