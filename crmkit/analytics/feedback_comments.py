"""What customers write, read once and browsed by topic and tone.

:class:`CommentReadings` reads every comment of a world once (:meth:`CommentReadings.from_world`):
its topic by keywords (:func:`crmkit.analytics.comment_topics`) and its tone
(:func:`~crmkit.analytics.comment_sentiment`), beside the feedback team's tag. Calling it with a
topic, a tone and a reading returns a :class:`CommentView` at once.

>>> readings = CommentReadings.from_world(world)  # doctest: +SKIP
>>> readings(topic="delivery", sentiment="negative").comments  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["SENTIMENTS", "READINGS", "CommentReadings", "CommentView"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics._checks import check_choice
from crmkit.analytics.feedback import comment_sentiment, comment_topics, feedback_accuracy

#: The tones a comment is read as, in the order a chart stacks them.
SENTIMENTS = ("negative", "neutral", "positive")
#: The two ways to read a comment's topic, with the words a learner sees.
READINGS = {"keyword_topic": "topic from keywords", "tag": "feedback team's tag"}


@dataclass(frozen=True, eq=False)
class CommentView:
    """The comments of one ``topic`` and ``sentiment`` as read one way (``reading``):
    ``comments`` (most recent first) and ``counts`` (comments per topic and tone)."""

    topic: str
    sentiment: str
    reading: str
    comments: pd.DataFrame
    counts: pd.DataFrame
    accuracy: float | None

    def __str__(self) -> str:
        return f"{len(self.comments)} {self.sentiment} comments on {self.topic} ({self.reading.replace('_', ' ')})"

    def _repr_html_(self) -> str:
        return f"<p>{self}</p>" + self.comments.head(10).to_html(index=False)


@dataclass(frozen=True, eq=False)
class CommentReadings:
    """Every comment of a world with its kit-read topic and tone (from :meth:`from_world`):
    ``comments`` (survey_id, responded_at, kind, trigger, score, comment, tag, keyword_topic,
    sentiment), ``counts`` per reading and ``accuracy`` of each reading against the truth."""

    comments: pd.DataFrame
    counts: dict
    accuracy: dict

    @classmethod
    def from_world(cls, world) -> CommentReadings:
        """Read every comment's topic and tone once, beside the feedback team's tag."""
        surveys = world.surveys
        topics = comment_topics(surveys)[["survey_id", "topic"]].rename(columns={"topic": "keyword_topic"})
        tone = comment_sentiment(surveys)[["survey_id", "sentiment"]]
        columns = ["survey_id", "responded_at", "kind", "trigger", "score", "comment", "topic"]
        comments = (surveys.loc[surveys.comment.notna(), columns]
                    .rename(columns={"topic": "tag"}).merge(topics, on="survey_id").merge(tone, on="survey_id"))
        for column in ("kind", "trigger", "tag", "keyword_topic"):
            comments[column] = comments[column].astype(object).where(comments[column].notna(), "none").astype(str)
        counts = {reading: pd.crosstab(comments[reading], comments.sentiment).reindex(columns=list(SENTIMENTS),
                                                                                       fill_value=0)
                  for reading in ("keyword_topic", "tag")}
        truth = getattr(world, "truth", None)
        accuracy = {}
        if truth is not None and "surveys" in truth:  # a hand-out world has no truth to score against
            for reading in ("keyword_topic", "tag"):
                scored = feedback_accuracy(comments.rename(columns={reading: "topic"}), truth["surveys"])
                accuracy[reading] = scored["accuracy"]
        return cls(comments.sort_values("responded_at", ascending=False, ignore_index=True), counts, accuracy)

    def __call__(self, topic: str = "all", sentiment: str = "all", reading: str = "keyword_topic") -> CommentView:
        """The comments of one topic (or ``"all"``) and tone (or ``"all"``), topics read by
        keywords (``"keyword_topic"``) or by the feedback team's tags (``"tag"``)."""
        check_choice("reading", reading, tuple(READINGS))
        counts = self.counts[reading]
        check_choice("topic", topic, ("all", *counts.index))
        check_choice("sentiment", sentiment, ("all", *SENTIMENTS))
        c = self.comments
        keep = np.ones(len(c), bool)
        if topic != "all":
            keep &= c[reading].to_numpy() == topic
        if sentiment != "all":
            keep &= c.sentiment.to_numpy() == sentiment
        chosen = c.loc[keep, ["survey_id", "responded_at", "kind", "trigger", "score", reading, "sentiment", "comment"]]
        return CommentView(topic, sentiment, reading, chosen.rename(columns={reading: "topic"}).reset_index(drop=True),
                           counts, self.accuracy.get(reading))
