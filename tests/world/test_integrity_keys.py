"""The foreign-key look-up (``pointing_at_nothing``) against pandas' ``isin`` on hard cases."""

import numpy as np
import pandas as pd
import pytest

from crmkit.world import integrity
from crmkit.world.integrity import pointing_at_nothing


def reference(values: pd.Series, keys: pd.Series) -> np.ndarray:
    return (~values.isin(keys) & values.notna()).to_numpy(dtype=bool)


@pytest.mark.parametrize("block_rows", [1, 7, 1 << 20])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_id_table_agrees_with_isin_across_blocks(monkeypatch, block_rows, seed):
    monkeypatch.setattr(integrity, "_BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(seed)
    keys = pd.Series(rng.choice(np.arange(100, 400), size=150, replace=False))
    raw = rng.integers(-50, 500, size=1000)  # below, inside (with holes) and above the keys' range
    values = pd.Series(raw, dtype="Int64").mask(rng.random(1000) < 0.2)
    found = pointing_at_nothing(values, keys)
    assert found.dtype == bool and found.any() and not found.all()
    np.testing.assert_array_equal(found, reference(values, keys))
    plain = pd.Series(raw)  # numpy int64, no missing values
    np.testing.assert_array_equal(pointing_at_nothing(plain, keys), reference(plain, keys))


@pytest.mark.parametrize("values, keys", [
    (pd.Series([1, 10**12, 5]), pd.Series([1, 10**12])),  # ids too sparse for a table
    (pd.Series(["a", None, "c"]), pd.Series(["a", "b"])),  # text keys
    (pd.Series([1.0, np.nan, 3.0]), pd.Series([1, 2])),  # float values
    (pd.Series([1, 2], dtype="Int64"), pd.Series([], dtype="int64")),  # an empty parent
    (pd.Series([], dtype="Int64"), pd.Series([1, 2])),  # an empty child
    (pd.Series([np.iinfo(np.int64).min, 3]), pd.Series([3, 4])),  # the lowest int64
])
def test_every_other_kind_of_key_gives_the_hash_look_up_answer(values, keys):
    np.testing.assert_array_equal(pointing_at_nothing(values, keys), reference(values, keys))
