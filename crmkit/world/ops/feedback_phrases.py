"""The comment builder: survey comments from the world's phrase pools, by topic and sentiment.

The phrases are data (the case's ``words.comments``, see :mod:`crmkit.world.words`). A
comment is an optional opener, one phrase about the topic and an optional closer, all of
the same sentiment; some are typed in lower case or with a typo. Pools are built once per
set of phrases and sampled with numpy.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from crmkit.world.codes import default_codes
from crmkit.world.parameters import parameter
from crmkit.world.words import SENTIMENTS, Words, default_words

TYPO_LONGER_THAN = parameter("feedback", "typo_longer_than")

def _typo(text: str) -> str:
    """The same phrase with two neighbouring letters swapped in its longest word."""
    words = text.split(" ")
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) > TYPO_LONGER_THAN:
        j = len(w) // 2
        words[i] = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
    return " ".join(words)


def phrase_pool(words: Words, topics) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(phrases, typo variants, first index, count) with the index arrays laid out topic x sentiment
    (``topics``: the world's feedback topic codes, in order)."""
    return _pool(tuple(words.comments[t].by_sentiment() for t in topics))


@cache
def _pool(phrases: tuple[tuple[tuple[str, ...], ...], ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    flat, start, count = [], np.zeros((len(phrases), len(SENTIMENTS)), np.int64), np.zeros((len(phrases), len(SENTIMENTS)), np.int64)
    for t, by_sentiment in enumerate(phrases):
        for s in range(len(SENTIMENTS)):
            start[t, s], count[t, s] = len(flat), len(by_sentiment[s])
            flat += by_sentiment[s]
    return np.array(flat, dtype=object), np.array([_typo(p) for p in flat], dtype=object), start, count


def _pick(rng, pools, sentiment: np.ndarray) -> np.ndarray:
    out = np.empty(len(sentiment), dtype=object)
    for s, pool in enumerate(pools):
        rows = sentiment == s
        out[rows] = np.array(pool, dtype=object)[rng.integers(0, len(pool), rows.sum())]
    return out


def build_comments(rng, topic: np.ndarray, sentiment: np.ndarray, lowercase: float, typo: float,
                   words: Words | None = None, topics=None) -> np.ndarray:
    """One comment per row from its topic code and sentiment code (0 negative, 1 neutral, 2 positive),
    in the given words and topic codes (the package's defaults when none are given).

    >>> c = build_comments(np.random.default_rng(0), np.array([0, 3]), np.array([0, 2]), 0.0, 0.0)
    >>> len(c), all(isinstance(x, str) and x for x in c)
    (2, True)
    """
    words = words or default_words()
    phrases, typos, start, count = phrase_pool(words, topics or default_codes().feedback_topic)
    row = start[topic, sentiment] + (rng.random(len(topic)) * count[topic, sentiment]).astype(np.int64)
    body = np.where(rng.random(len(topic)) < typo, typos[row], phrases[row])
    parts = pd.DataFrame({"a": _pick(rng, words.openers.by_sentiment(), sentiment), "b": body,
                          "c": _pick(rng, words.closers.by_sentiment(), sentiment)})
    text = (parts["a"] + " " + parts["b"] + ". " + parts["c"]).str.strip()
    text = text.where(parts["a"] != "", text.str[:1].str.upper() + text.str[1:])
    text = text.where(rng.random(len(topic)) >= lowercase, text.str.lower())
    return text.to_numpy(dtype=object)
