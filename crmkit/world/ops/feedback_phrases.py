"""Phrase pools for survey comments, by topic and true sentiment, and the comment builder.

Written for the kit (no customer text is copied). A comment is an optional opener, one
phrase about the topic and an optional closer, all of the same sentiment; some are typed
in lower case or with a typo. Pools are built once and sampled with numpy.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from crmkit.world.vocabulary import terms

SENTIMENTS = ("negative", "neutral", "positive")
GENERAL_TOPICS = ("product_quality", "price", "product_range", "website_app", "loyalty")

PHRASES = {
    "delivery": (["my parcel arrived a week late", "still waiting for my order, very disappointed"],
                 ["delivery took about as long as they said", "the parcel came on the day promised"],
                 ["delivery was quick, arrived a day early", "fast shipping, great tracking updates"]),
    "damaged_item": (["the box arrived broken and cracked", "two pieces were damaged, really poor packaging"],
                     ["one lid had a small scratch but works", "packaging was a bit dented"],
                     ["they replaced the broken item fast, thank you", "damaged piece swapped without any fuss, great"]),
    "wrong_item": (["I got the wrong item and nobody fixed it", "sent the wrong size, annoying and useless"],
                   ["a wrong colour came but it is usable", "one item was different from what I ordered"],
                   ["wrong item was sorted out quickly, very helpful", "they fixed the mix-up fast, excellent"]),
    "customer_service": (["customer service never called back", "waited ages on the phone, terrible service"],
                         ["the agent answered my question", "service was ok, nothing special"],
                         ["the agent was friendly and helpful", "great service, problem solved on the first call"]),
    "product_quality": (["the lids crack after a few washes, poor quality", "cheap plastic, disappointed"],
                        ["quality is what you would expect", "does the job"],
                        ["excellent quality, lasts for years", "love how sturdy everything is"]),
    "price": (["far too expensive for what you get", "prices went up again, not worth it"],
              ["prices are about average", "fair price"],
              ["great value for money", "good deals, love the discounts"]),
    "product_range": (["never have what I need in stock", "the range is boring and limited"],
                      ["the range covers the basics", "found most of what I looked for"],
                      ["love the choice, always find something", "great range of sizes"]),
    "new_product": (["the new range is disappointing, broke quickly", "new line is overpriced and poor"],
                    ["tried the new range, it is ok", "the new products are fine"],
                    ["love the new range, brilliant idea", "the new products are excellent"]),
    "home_event": (["the party was badly organised and boring", "pushy selling at the event, awful"],
                   ["the event was ok", "the demonstration was fine"],
                   ["great party, the consultant was fantastic", "loved the event, fun and helpful"]),
    "website_app": (["the app keeps crashing at checkout, frustrating", "website is slow and confusing"],
                    ["the website works", "ordering online was ok"],
                    ["the app is easy and quick to use", "great website, simple checkout"]),
    "loyalty": (["my points disappeared, annoying", "the rewards are useless"],
                ["I collect the points", "the loyalty scheme is ok"],
                ["love the rewards and points", "great perks for members"]),
}
OPENERS = (["", "", "Not happy.", "Honestly,", "Very disappointed:"],
           ["", "", "Well,", "Overall"],
           ["", "", "Thanks!", "Really happy:", "Great,"])
CLOSERS = (["", "", "Will not order again.", "Fix this please."],
           ["", "", "Nothing more to say."],
           ["", "", "Keep it up!", "Will recommend to friends."])


def _typo(text: str) -> str:
    """The same phrase with two neighbouring letters swapped in its longest word."""
    words = text.split(" ")
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) > 3:
        j = len(w) // 2
        words[i] = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
    return " ".join(words)


@cache
def phrase_pool() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(phrases, typo variants, first index, count) with the index arrays laid out topic x sentiment."""
    topics = terms("feedback_topic")
    flat, start, count = [], np.zeros((len(topics), 3), np.int64), np.zeros((len(topics), 3), np.int64)
    for t, topic in enumerate(topics):
        for s in range(3):
            start[t, s], count[t, s] = len(flat), len(PHRASES[topic][s])
            flat += PHRASES[topic][s]
    return np.array(flat, dtype=object), np.array([_typo(p) for p in flat], dtype=object), start, count


def _pick(rng, pools, sentiment: np.ndarray) -> np.ndarray:
    out = np.empty(len(sentiment), dtype=object)
    for s, pool in enumerate(pools):
        rows = sentiment == s
        out[rows] = np.array(pool, dtype=object)[rng.integers(0, len(pool), rows.sum())]
    return out


def build_comments(rng, topic: np.ndarray, sentiment: np.ndarray, lowercase: float, typo: float) -> np.ndarray:
    """One comment per row from its topic code and sentiment code (0 negative, 1 neutral, 2 positive).

    >>> c = build_comments(np.random.default_rng(0), np.array([0, 3]), np.array([0, 2]), 0.0, 0.0)
    >>> len(c), all(isinstance(x, str) and x for x in c)
    (2, True)
    """
    phrases, typos, start, count = phrase_pool()
    row = start[topic, sentiment] + (rng.random(len(topic)) * count[topic, sentiment]).astype(np.int64)
    body = np.where(rng.random(len(topic)) < typo, typos[row], phrases[row])
    parts = pd.DataFrame({"a": _pick(rng, OPENERS, sentiment), "b": body, "c": _pick(rng, CLOSERS, sentiment)})
    text = (parts["a"] + " " + parts["b"] + ". " + parts["c"]).str.strip()
    text = text.where(parts["a"] != "", text.str[:1].str.upper() + text.str[1:])
    text = text.where(rng.random(len(topic)) >= lowercase, text.str.lower())
    return text.to_numpy(dtype=object)
