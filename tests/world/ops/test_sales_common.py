"""Unit tier: the row helpers of crmkit.world.ops.sales_common."""

from __future__ import annotations

import numpy as np

from crmkit.world.ops.sales_common import flatten_steps, last_in_group, previous_in_group, region_codes


def test_region_codes_mark_unknown_regions():
    assert region_codes(np.array(["South", "Mars", "North"]), ["North", "South"]).tolist() == [1, -1, 0]


def test_flatten_steps_keeps_only_the_steps_that_happen():
    valid = np.array([[True, True, False], [False, True, True]])
    times = np.arange(6.0).reshape(2, 3)
    codes = np.array([[10, 11, 12], [20, 21, 22]])
    rows = flatten_steps(valid, times, codes)
    assert rows["object"].tolist() == [0, 0, 1, 1] and rows["step"].tolist() == [0, 1, 1, 2]
    assert rows["time"].tolist() == [0.0, 1.0, 4.0, 5.0] and rows["code"].tolist() == [10, 11, 21, 22]


def test_previous_and_last_in_runs_of_keys():
    keys, values = np.array([3, 3, 3, 5, 7, 7]), np.array([1, 2, 3, 4, 5, 6])
    assert previous_in_group(keys, values, -1).tolist() == [-1, 1, 2, -1, -1, 5]
    assert last_in_group(keys).tolist() == [False, False, True, True, False, True]


def test_empty_inputs_give_empty_rows():
    empty = np.zeros(0, np.int64)
    assert previous_in_group(empty, empty, -1).tolist() == [] and last_in_group(empty).tolist() == []
