"""Unit tier: survey comments built from phrase pools (crmkit.world.ops.feedback_phrases)."""

from __future__ import annotations

import numpy as np

from crmkit.world.ops.feedback_phrases import build_comments
from crmkit.world.vocabulary import code_of
from crmkit.world.words import default_words


def _comments(topic: str, sentiment: int, n=200, lowercase=0.0, typo=0.0):
    codes = np.full(n, code_of("feedback_topic", topic))
    return build_comments(np.random.default_rng(5), codes, np.full(n, sentiment), lowercase, typo)


def test_a_comment_holds_a_phrase_of_its_topic_and_tone():
    phrases = default_words().comments["price"].negative
    for comment in _comments("price", 0):
        assert any(p.lower() in comment.lower() for p in phrases), comment


def test_never_a_phrase_of_the_other_tone():
    positive = default_words().comments["price"].positive
    assert not any(p.lower() in c.lower() for c in _comments("price", 0) for p in positive)


def test_lowercase_share_one_writes_everything_in_lower_case():
    assert all(c == c.lower() for c in _comments("delivery", 2, lowercase=1.0))


def test_typos_change_some_comments_and_keep_their_length():
    clean, slipped = _comments("delivery", 0), _comments("delivery", 0, typo=1.0)
    assert (clean != slipped).any()
    assert [len(c) for c in clean] == [len(c) for c in slipped]
