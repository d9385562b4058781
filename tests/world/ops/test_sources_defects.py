"""Unit tier: the keyboard slips and retyping of crmkit.world.ops.sources_defects."""

from __future__ import annotations

from collections import Counter

import numpy as np

from crmkit.world.ops.sources_defects import digits_only, shout_or_pad, typo


def test_a_typo_is_one_swap_drop_or_double():
    names = np.array(["Robert", "Smith", "Annabelle", "Li"] * 50)
    slipped = typo(np.random.default_rng(3), names)
    for before, after in zip(names, slipped):
        if len(before) < 3:
            continue
        grew = len(after) - len(before)
        if grew == 0:  # a swap: the same letters, two neighbours exchanged
            assert Counter(after) == Counter(before)
            assert sum(a != b for a, b in zip(before, after)) in (0, 2)  # 0: the two neighbours were alike
        elif grew == 1:  # a doubled character
            assert any(after[:i] + after[i + 1:] == before for i in range(len(after)))
        else:  # a dropped character
            assert grew == -1 and any(before[:i] + before[i + 1:] == after for i in range(len(before)))


def test_all_three_kinds_of_slip_happen():
    slipped = typo(np.random.default_rng(0), np.array(["Margaret"] * 300))
    assert {len(s) - len("Margaret") for s in slipped} == {-1, 0, 1}


def test_one_letter_is_left_alone_and_nothing_is_nothing():
    assert typo(np.random.default_rng(1), np.array(["A", ""])).tolist() == ["A", ""]
    assert typo(np.random.default_rng(1), np.array([], dtype=str)).tolist() == []


def test_retyping_shouts_whispers_or_pads():
    out = shout_or_pad(np.random.default_rng(2), np.array(["Ann"] * 200))
    assert set(out.tolist()) == {"ANN", "ann", " Ann "}


def test_digits_only_strips_the_mask():
    assert digits_only(np.array(["(201) 555-0123", "020 7946 0000"])).tolist() == ["2015550123", "02079460000"]
