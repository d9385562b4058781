"""Blocking, step 2 of identity resolution: which pairs of records are worth comparing.

Comparing every record with every other one takes n * (n - 1) / 2 comparisons: 15.7
billion for 177,000 records. Blocking only compares records that share a cheap key (the
same email, phone or name, or a name start in the same city), a few million pairs.
:mod:`crmkit.analytics.identity` re-exports :func:`candidate_pairs`.
"""

from __future__ import annotations

__all__ = ["candidate_pairs"]

import numpy as np
import pandas as pd

MAX_BLOCK = 200  # a key shared by more records than this is too vague to be worth its pairs


def value_codes(values) -> np.ndarray:
    """Integer code of each value: equal values get equal codes, a missing value gets -1."""
    return pd.factorize(values)[0]


def _place_keys(norm: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each record's two "name start in the same city" keys, as codes (-1: no key).

    First-name and last-name starts share ONE code space: a record whose first name starts
    like another record's last name shares a key with it, which is how swapped first and
    last names are caught.
    """
    n = len(norm)
    starts = value_codes(pd.concat([norm["first_name"].str[:4], norm["last_name"].str[:4]], ignore_index=True))
    city = np.tile(value_codes(norm["city"]) + 1, 2)  # 0: no city, which is a place of its own
    place = np.where(starts < 0, -1, value_codes(starts * (city.max(initial=0) + 1) + city))
    first, last = place[:n], place[n:]
    return first, np.where(last == first, -1, last)  # the same key twice counts once


def _blocking_keys(norm: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) as two integer arrays: each record's cheap keys, each (row, key) once.

    Integer codes instead of strings: joining millions of keys is then plain numpy.
    Each kind of key gets its own range of codes, so an email never meets a phone.
    """
    kinds = [(value_codes(norm["email"]),), (value_codes(norm["phone"]),), (value_codes(norm["full_name"]),),
             _place_keys(norm)]
    rows, keys, offset = [], [], 0
    for kind in kinds:
        for codes in kind:
            has = codes >= 0
            rows.append(np.flatnonzero(has))
            keys.append(codes[has] + offset)
        offset += max(codes.max(initial=-1) for codes in kind) + 1
    return np.concatenate(rows), np.concatenate(keys)


def _pair_codes(rows: np.ndarray, keys: np.ndarray, n: int) -> np.ndarray:
    """``left * n + right`` for every pair (left < right) of rows sharing a key; a pair
    sharing two keys comes twice."""
    order = np.lexsort((rows, keys))  # by key, then row: inside a block, later rows are larger
    rows, keys = rows[order], keys[order]
    start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    size = np.diff(np.r_[start, len(keys)])
    codes = [np.zeros(0, dtype=np.int64)]
    # All blocks of one size pair up their rows the same way: one numpy step per size
    # (at most MAX_BLOCK of them) rather than one per block.
    for block_size in np.flatnonzero(np.bincount(size, minlength=2)[2:]) + 2:
        i, j = np.triu_indices(block_size, k=1)
        first = start[size == block_size][:, None]
        codes.append((rows[first + i] * n + rows[first + j]).ravel())
    return np.concatenate(codes)


def candidate_pairs(norm: pd.DataFrame) -> pd.DataFrame:
    """Pairs of records worth comparing: those that share at least one blocking key.

    Parameters
    ----------
    norm : DataFrame
        The output of :func:`~crmkit.analytics.identity.normalise_records` (reads
        first_name, last_name, full_name, email, phone, city).

    Returns
    -------
    DataFrame
        Columns ``left`` and ``right``: row positions in ``norm`` (left < right), each
        pair once, sorted by left then right. Keys shared by more than 200 records are
        skipped as too vague.

    Examples
    --------
    >>> norm = pd.DataFrame({"first_name": ["ann", "lee", "bob"], "last_name": ["lee", "ann", "ray"],
    ...                      "full_name": ["ann lee", "ann lee", "bob ray"], "email": [None, None, "b@x.org"],
    ...                      "phone": [None, None, None], "city": ["oslo", None, "rome"]})
    >>> candidate_pairs(norm).values.tolist()
    [[0, 1]]
    """
    n = len(norm)
    rows, keys = _blocking_keys(norm)
    size = np.bincount(keys, minlength=1)[keys]
    useful = (size > 1) & (size <= MAX_BLOCK)
    # One int64 code per pair: sorting it sorts by (left, right) and puts repeats side by
    # side (np.sort, not np.unique: numpy 2's hash-based unique is ten times slower here).
    code = np.sort(_pair_codes(rows[useful], keys[useful], n))
    first = np.ones(len(code), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    code = code[first]
    return pd.DataFrame({"left": code // max(n, 1), "right": code % max(n, 1)})
