"""Blocking, step 2 of identity resolution: which pairs of records are worth comparing.

Comparing every record with every other one takes n * (n - 1) / 2 comparisons: 15.7
billion for 177,000 records. Blocking only compares records that share a cheap key (the
same email, phone or name, or a name start in the same city), a few million pairs. In a
big world a phone, a name or a town is shared by many strangers: a crowded key is split by
one more field (``CROWDED``), so the pairs grow with the records, not with their square.
:mod:`crmkit.analytics.identity` re-exports :func:`candidate_pairs`.
"""

from __future__ import annotations

__all__ = ["candidate_pairs", "CodeBook", "value_codes"]

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


class CodeBook:
    """Integer codes (:func:`value_codes`) of a normalised table's columns, each made once.

    Blocking, scoring and the chance check all compare records by codes; factorising a
    million strings takes a good part of a second, so they share one book instead of
    each coding the same column again. ``book["email"]`` codes a column of ``norm``;
    ``book["parts"]`` codes the first names followed by the last names, in ONE space; ``book["start4"]`` codes their first four letters (any count),
    made from the distinct names rather than from every record.
    """

    def __init__(self, norm: pd.DataFrame):
        self.norm, self._made = norm, {}

    def __getitem__(self, column: str) -> np.ndarray:
        return self._coded(column)[0]

    def distinct(self, column: str) -> pd.Index:
        """The distinct values of ``column``, in code order (code 0 first)."""
        return self._coded(column)[1]

    def _coded(self, column: str) -> tuple:
        if column not in self._made:
            self._made[column] = self._make(column)
        return self._made[column]

    def _make(self, column: str) -> tuple:
        if column == "parts":
            return pd.factorize(pd.concat([self.norm["first_name"], self.norm["last_name"]], ignore_index=True))
        if column.startswith("start"):
            # A start is the same for every record with the same name: slice each name once.
            starts = pd.factorize(pd.Series(self.distinct("parts")).str[:int(column[5:])])
            return np.append(starts[0], -1)[self["parts"]], starts[1]
        return pd.factorize(self.norm[column])


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


def _starts(book: CodeBook, letters: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``letters`` letters of the first and of the last name, coded in ONE space
    (-1: no name), so that a first name can meet a last name (swapped names)."""
    codes = book[f"start{letters}"]
    return codes[:len(codes) // 2], codes[len(codes) // 2:]


def _place_keys(book: CodeBook) -> list:
    """Each record's two "name start in the same city" keys, as codes (-1: no key).

    First-name and last-name starts share ONE code space: a record whose first name starts
    like another record's last name shares a key with it, which is how swapped first and
    last names are caught. A crowded name start in a city is split by the first two letters
    of the other name (swapped names still agree: each start goes with the other name's).
    """
    starts = book["start4"]
    n = len(starts) // 2
    city = np.tile(book["city"] + 1, 2)  # 0: no city, which is a place of its own
    place = np.where(starts < 0, -1, value_codes(starts * (city.max(initial=0) + 1) + city))
    first, last = place[:n], place[n:]
    other_first, other_last = _starts(book, 2)
    return _split_crowded([first, last], [other_last, other_first])


def _phone_keys(book: CodeBook) -> list:
    """Each record's phone key; a crowded phone is split by name initial (first or last,
    in one space: a person whose first name or last name changed still meets their other
    records, and so do swapped names)."""
    phone = book["phone"]
    return _split_crowded([phone, phone], list(_starts(book, 1)))


def _name_keys(book: CodeBook) -> list:
    """Each record's full-name key; a crowded name is split by city (no city: a place of its own)."""
    return _split_crowded([book["full_name"]], [book["city"] + 1])


def _blocking_keys(book: CodeBook) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) as two integer arrays: each record's cheap keys, each (row, key) once.

    Integer codes instead of strings: joining millions of keys is then plain numpy.
    Each kind of key gets its own range of codes, so an email never meets a phone.
    """
    kinds = [(book["email"],), _phone_keys(book), _name_keys(book), _place_keys(book)]
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
    # By key, then row (inside a block, later rows are larger): one sort of one int64 code
    # is much faster than a lexsort of two arrays.
    both = np.sort(keys.astype(np.int64) * max(n, 1) + rows)
    rows, keys = both % max(n, 1), both // max(n, 1)
    start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    size = np.diff(np.r_[start, len(keys)])
    # Blocks ordered by size, once: each size's blocks are then one slice, not a scan of all.
    by_size = np.argsort(size, kind="stable")
    start, size = start[by_size], size[by_size]
    bounds = np.searchsorted(size, np.arange(size.max(initial=1) + 2))
    counts = size * (size - 1) // 2
    codes, end = np.empty(int(counts.sum()), dtype=np.int64), 0
    # All blocks of one size pair up their rows the same way: one numpy step per size
    # (at most MAX_BLOCK of them) rather than one per block.
    for block_size in range(2, len(bounds) - 1):
        first = start[bounds[block_size]:bounds[block_size + 1]][:, None]
        if len(first):
            i, j = np.triu_indices(block_size, k=1)
            part = (rows[first + i] * n + rows[first + j]).ravel()
            codes[end:end + len(part)], end = part, end + len(part)
    return codes


def candidate_pairs(norm: pd.DataFrame, book: CodeBook | None = None) -> pd.DataFrame:
    """Pairs of records worth comparing: those that share at least one blocking key.

    Parameters
    ----------
    norm : DataFrame
        The output of :func:`~crmkit.analytics.identity.normalise_records` (reads
        first_name, last_name, full_name, email, phone, city).
    book : CodeBook, optional
        The codes of ``norm``'s columns, when they are already made (or are to be reused).

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
    rows, keys = _blocking_keys(CodeBook(norm) if book is None else book)
    size = np.bincount(keys, minlength=1)[keys]
    useful = (size > 1) & (size <= MAX_BLOCK)
    # One int64 code per pair: sorting it sorts by (left, right) and puts repeats side by
    # side (np.sort, not np.unique: numpy 2's hash-based unique is ten times slower here).
    code = _pair_codes(rows[useful], keys[useful], n)
    del rows, keys, size, useful  # hundreds of megabytes at millions of records, no longer needed
    code.sort()  # in place: a second copy of every pair is the stage's peak otherwise
    first = np.ones(len(code), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    code = code[first]
    return pd.DataFrame({"left": code // max(n, 1), "right": code % max(n, 1)})
