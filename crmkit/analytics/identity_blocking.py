"""Blocking, step 2 of identity resolution: which pairs of records are worth comparing.

Comparing every record with every other one takes n * (n - 1) / 2 comparisons: 15.7
billion for 177,000 records. Blocking only compares records that share a cheap key (the
same email, phone or name, or a name start in the same city), a few million pairs. In a
big world a phone, a name or a town is shared by many strangers: a crowded key is split by
one more field (``CROWDED``), so the pairs grow with the records, not with their square.
:mod:`crmkit.analytics.identity` re-exports :func:`candidate_pairs`.
"""

from __future__ import annotations

__all__ = ["candidate_pairs"]

import numpy as np
import pandas as pd

MAX_BLOCK = 200  # a key shared by more records than this is too vague to be worth its pairs
# A phone, a name or a name start in a city shared by more records than this is crowded (a
# big town, a common name, a narrow number range): its block is split by one more field, so
# that its records meet only those that also agree on it. Below it, nothing changes.
CROWDED = 12


def value_codes(values) -> np.ndarray:
    """Integer code of each value: equal values get equal codes, a missing value gets -1."""
    return pd.factorize(values)[0]


def _split_crowded(keys: list, extras: list) -> list:
    """The key codes ``keys`` (one code space), with each crowded key (on more than
    ``CROWDED`` records) replaced by the key together with the record's code in ``extras``
    (the same length; -1: none, which leaves the record without that key). Codes come back
    compact (0, 1, ...) in one space; a key a record already has from ``keys`` is dropped.
    """
    counted = [keys[0], *(np.where(key == keys[0], -1, key) for key in keys[1:])]  # each record once per key
    size = np.bincount(np.concatenate(counted) + 1, minlength=1)  # size[code + 1]: records with the key
    width, top = max(int(e.max(initial=-1)) for e in extras) + 1, max(int(k.max(initial=-1)) for k in keys) + 1
    out = []
    for key, extra in zip(keys, extras):
        crowded = (key >= 0) & (size[key + 1] > CROWDED)
        out.append(np.where(crowded, np.where(extra >= 0, top + key * width + extra, -1), key))
    joined = np.concatenate(out)
    has = joined >= 0
    joined[has] = pd.factorize(joined[has])[0]
    out = np.split(joined, len(keys))
    if len(out) == 2:  # the same key twice counts once
        out[1] = np.where(out[1] == out[0], -1, out[1])
    return out


def _starts(norm: pd.DataFrame, letters: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``letters`` letters of the first and of the last name, coded in ONE space
    (-1: no name), so that a first name can meet a last name (swapped names)."""
    n = len(norm)
    codes = value_codes(pd.concat([norm["first_name"].str[:letters], norm["last_name"].str[:letters]],
                                  ignore_index=True))
    return codes[:n], codes[n:]


def _place_keys(norm: pd.DataFrame) -> list:
    """Each record's two "name start in the same city" keys, as codes (-1: no key).

    First-name and last-name starts share ONE code space: a record whose first name starts
    like another record's last name shares a key with it, which is how swapped first and
    last names are caught. A crowded name start in a city is split by the first two letters
    of the other name (swapped names still agree: each start goes with the other name's).
    """
    n = len(norm)
    starts = np.concatenate(_starts(norm, 4))
    city = np.tile(value_codes(norm["city"]) + 1, 2)  # 0: no city, which is a place of its own
    place = np.where(starts < 0, -1, value_codes(starts * (city.max(initial=0) + 1) + city))
    first, last = place[:n], place[n:]
    other_first, other_last = _starts(norm, 2)
    return _split_crowded([first, last], [other_last, other_first])


def _phone_keys(norm: pd.DataFrame) -> list:
    """Each record's phone key; a crowded phone is split by name initial (first or last,
    in one space: a person whose first name or last name changed still meets their other
    records, and so do swapped names)."""
    phone = value_codes(norm["phone"])
    return _split_crowded([phone, phone], list(_starts(norm, 1)))


def _name_keys(norm: pd.DataFrame) -> list:
    """Each record's full-name key; a crowded name is split by city (no city: a place of its own)."""
    return _split_crowded([value_codes(norm["full_name"])], [value_codes(norm["city"]) + 1])


def _blocking_keys(norm: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) as two integer arrays: each record's cheap keys, each (row, key) once.

    Integer codes instead of strings: joining millions of keys is then plain numpy.
    Each kind of key gets its own range of codes, so an email never meets a phone.
    """
    kinds = [(value_codes(norm["email"]),), _phone_keys(norm), _name_keys(norm), _place_keys(norm)]
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
        pair once, sorted by left then right. A key shared by more than ``CROWDED``
        records is split by one more field (a phone by name initial, a name by city, a
        name start in a city by the other name's first two letters); keys still shared
        by more than 200 records are skipped as too vague.

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
