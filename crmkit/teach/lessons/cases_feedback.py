"""Exercise of the model-company comparison (notebooks/13_model_companies_compared.ipynb, the
section on customer feedback as evidence), listed in :mod:`crmkit.teach.lessons.cases`.

Where is a company weak, in its customers' words? The topic with the highest share of negative
comments (tone from the score, topic from the feedback team's tag), among the topics with
enough comments to say something. Each typical mistake reproduces one wrong step; the answer
is a topic code, so each mistake is recognised by the topic it leads to (``matches``), and
only once the answer is known to be wrong.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.feedback import comment_sentiment
from crmkit.analytics.feedback_loop import rating_tone
from crmkit.teach import Exercise, Mistake

__all__ = ["WEAKEST_TOPIC", "MIN_COMMENTS", "weakest_topic"]

#: The fewest comments a topic needs to count: a share of two or three comments says little.
MIN_COMMENTS = 20


def _comments(w) -> pd.DataFrame:
    s = w.surveys
    return s[s["comment"].notna() & (s["comment"].astype(str).str.strip() != "")]


def _per_topic(w, negative=None, floor: int = MIN_COMMENTS) -> pd.DataFrame:
    """Per tagged topic: comments, negative comments and their share (topics with ``floor`` comments or more)."""
    rows = _comments(w)
    negative = rating_tone(rows).eq("negative") if negative is None else negative
    g = negative.groupby(rows["topic"].astype(str))
    table = pd.DataFrame({"comments": g.size(), "negative": g.sum(), "share": g.mean()})
    return table[table["comments"] >= floor]


def weakest_topic(w) -> str:
    """The tagged topic with the highest share of negative comments (by the score), among the
    topics with at least :data:`MIN_COMMENTS` comments; ties go to the first alphabetically."""
    return str(_per_topic(w)["share"].idxmax())


def _is(topic_of):
    """A mistake test: the answer is the topic ``topic_of(world)`` picks."""
    return lambda answer, w: str(answer).strip() == topic_of(w)


def _tied(answer, w) -> bool:
    """The answer is another topic with the same highest share (a tie broken the other way)."""
    shares = _per_topic(w)["share"]
    return str(answer).strip() in shares.index and shares[str(answer).strip()] == shares.max()


def _thin_topic(answer, w) -> bool:
    """The answer is a topic with comments, but fewer than :data:`MIN_COMMENTS` of them."""
    counts = _per_topic(w, floor=1)["comments"]
    return str(answer).strip() in counts.index and counts[str(answer).strip()] < MIN_COMMENTS


def _words_negative(w) -> pd.Series:
    rows = _comments(w)
    tone = rows["survey_id"].map(comment_sentiment(w.surveys).set_index("survey_id")["sentiment"])
    return tone.eq("negative")


WEAKEST_TOPIC = Exercise(
    "weakest_topic",
    "Where is your company weak, in its customers' words? Take every survey answer **with a comment**, its topic as "
    "the feedback team tagged it (the `topic` column) and its tone from the score, on its own scale (NPS 0-6, "
    "CSAT 1-2 negative: `ck.analytics.rating_tone`). Among the topics with **at least "
    f"{MIN_COMMENTS} comments**, which has the **highest share of negative comments**? Give the topic code as text "
    "(e.g. `\"delivery\"`); a tie goes to the first in alphabetical order.",
    reference=weakest_topic,
    mistakes=[
        Mistake("tie", "Your topic ties with another for the highest share of negative comments: the question gives a "
                "tie to the topic first in alphabetical order.", matches=_tied),
        Mistake("most_negative_comments", "You took the topic with the most negative comments. A topic many "
                "customers write about has many complaints just by its size: compare the share of its comments that "
                "are negative.", matches=_is(lambda w: str(_per_topic(w)["negative"].idxmax()))),
        Mistake("no_floor", f"You kept topics with fewer than {MIN_COMMENTS} comments, where one or two unhappy "
                "customers make the share. Keep only the topics with enough comments.", matches=_thin_topic),
        Mistake("strongest", "That is the topic with the lowest share of negative comments, the company's strength. "
                "The question asks for the highest share.", matches=_is(lambda w: str(_per_topic(w)["share"].idxmin()))),
        Mistake("most_comments", "You took the topic customers write about most. Being talked about is not being "
                "weak: take the share of the topic's comments that are negative.",
                matches=_is(lambda w: str(_per_topic(w)["comments"].idxmax()))),
        Mistake("nps_scale_for_all", "You used the NPS cut-off (6 or less) for the CSAT answers too: every CSAT answer "
                "(1-5) then counts as negative. CSAT is negative at 1-2.",
                matches=_is(lambda w: str(_per_topic(w, negative=_comments(w)["score"] <= 6)["share"].idxmax()))),
        Mistake("tone_from_words", "You read the tone from the words (comment_sentiment), whose word lists were "
                "written for a retailer's comments. The question reads it from the score, which means the same in "
                "every business.", matches=_is(lambda w: str(_per_topic(w, negative=_words_negative(w))["share"].idxmax()))),
    ],
    hint="group the commented answers by topic, take the mean of (tone == 'negative'), keep topics with enough "
         "comments and take idxmax().")
