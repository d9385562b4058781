"""Vectorised defects of captured identity strings: typos, nicknames, case and spacing.

Every function takes an array of strings and returns a new one; none loops over records.
Typos work on the strings' code points as a 2-D integer array (one row per string), so a
swap, a drop or a double is one fancy-indexing step for the whole array.
"""

from __future__ import annotations

import numpy as np

CHAR_BYTES = np.dtype("<U1").itemsize  # numpy stores text as UCS-4
SLIPS = ("swap", "drop", "double")  # the kinds of keyboard slip, in the order of their codes
CASINGS = ("upper", "lower", "padded")  # the ways a name is retyped, in the order of their codes

# Defects that touch the same field: one of them at most, so each shows at its own rate.
# Kept here, in a module that imports nothing of the kit, because the config check, the
# damage step and the analytics' defect sweep all read it.
EXCLUSIVE = {"email": ("missing_email", "outdated_email", "email_typo"), "phone": ("missing_phone", "shared_phone")}

# Common English nicknames (a short, hand-written table): the name a person gives in
# person or on the phone rather than on a web form.
NICKNAMES = {
    "Abigail": "Abby", "Alexander": "Alex", "Alexandra": "Alex", "Andrew": "Andy", "Anthony": "Tony",
    "Barbara": "Barb", "Benjamin": "Ben", "Catherine": "Cathy", "Christina": "Chris", "Christopher": "Chris",
    "Cynthia": "Cindy", "Daniel": "Dan", "Deborah": "Debbie", "Donald": "Don", "Dorothy": "Dot",
    "Douglas": "Doug", "Edward": "Ed", "Elizabeth": "Liz", "Frederick": "Fred", "Gerald": "Jerry",
    "Gregory": "Greg", "James": "Jim", "Jacqueline": "Jackie", "Jeffrey": "Jeff", "Jennifer": "Jen",
    "Jessica": "Jess", "John": "Jack", "Jonathan": "Jon", "Joseph": "Joe", "Joshua": "Josh",
    "Katherine": "Kate", "Kathleen": "Kathy", "Kenneth": "Ken", "Kimberly": "Kim", "Lawrence": "Larry",
    "Margaret": "Peggy", "Matthew": "Matt", "Michael": "Mike", "Nathan": "Nate", "Nicholas": "Nick",
    "Pamela": "Pam", "Patricia": "Pat", "Peter": "Pete", "Philip": "Phil", "Raymond": "Ray",
    "Rebecca": "Becky", "Richard": "Rick", "Robert": "Bob", "Ronald": "Ron", "Samantha": "Sam",
    "Samuel": "Sam", "Stephanie": "Steph", "Steven": "Steve", "Susan": "Sue", "Theodore": "Ted",
    "Thomas": "Tom", "Timothy": "Tim", "Victoria": "Vicky", "Vincent": "Vince", "William": "Bill",
    "Zachary": "Zach",
}
_FORMAL = np.array(sorted(NICKNAMES))
_SHORT = np.array([NICKNAMES[k] for k in _FORMAL])


def has_nickname(names: np.ndarray) -> np.ndarray:
    """True where the name has an entry in the nickname table.

    >>> has_nickname(np.array(["Robert", "Ann"])).tolist()
    [True, False]
    """
    pos = np.searchsorted(_FORMAL, names).clip(0, len(_FORMAL) - 1)
    return _FORMAL[pos] == names


def nickname(names: np.ndarray) -> np.ndarray:
    """The nickname of each name (the name itself when it has none).

    >>> nickname(np.array(["Robert", "Elizabeth", "Ann"])).tolist()
    ['Bob', 'Liz', 'Ann']
    """
    names = np.asarray(names, dtype=str)
    pos = np.searchsorted(_FORMAL, names).clip(0, len(_FORMAL) - 1)
    return np.where(_FORMAL[pos] == names, _SHORT[pos], names)


def typo(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """One keyboard slip per string: two neighbouring characters swapped, one dropped or one
    doubled (chosen at random). Strings of one character or less are left alone.

    >>> typo(np.random.default_rng(1), np.array(["Robert", "Smith"])).tolist()
    ['Roebrt', 'Smiht']
    """
    values = np.asarray(values, dtype=str)
    if not len(values):
        return values
    width = max(values.dtype.itemsize // CHAR_BYTES, 1) + 1  # room for a doubled character
    codes = values.astype(f"<U{width}").view(np.uint32).reshape(len(values), width).copy()
    length = np.char.str_len(values)
    pos = np.floor(rng.random(len(values)) * np.maximum(length - 1, 1)).astype(np.int64)
    kind = rng.integers(0, len(SLIPS), len(values))
    rows = np.arange(len(values))[:, None]
    col = np.arange(width)[None, :]
    at = pos[:, None]
    source = np.select(
        [(kind[:, None] == 0) & (col == at), (kind[:, None] == 0) & (col == at + 1),
         (kind[:, None] == 1) & (col >= at), (kind[:, None] == 2) & (col > at)],
        [at + 1, at, col + 1, col - 1], col)
    moved = codes[rows, source.clip(0, width - 1)]
    moved[(kind[:, None] == 1) & (col == width - 1)] = 0  # a drop leaves the last cell empty
    out = np.where(length[:, None] > 1, moved, codes)
    return out.astype(np.uint32).view(f"<U{width}").ravel()


def shout_or_pad(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Different case or stray spaces, as typed into another system: UPPER CASE, lower
    case, or a leading and trailing space.

    >>> shout_or_pad(np.random.default_rng(0), np.array(["Ann", "Bob", "Eve"])).tolist()
    [' Ann ', 'bob', 'eve']
    """
    values = np.asarray(values, dtype=str)
    kind = rng.integers(0, len(CASINGS), len(values))
    padded = np.char.add(np.char.add(" ", values), " ")
    return np.select([kind == 0, kind == 1], [np.char.upper(values), np.char.lower(values)], padded)


def digits_only(phones: np.ndarray) -> np.ndarray:
    """A phone written without punctuation, as a till or a form without a mask stores it.

    >>> digits_only(np.array(["(201) 555-0123"])).tolist()
    ['2015550123']
    """
    out = np.asarray(phones, dtype=str)
    if not len(out):  # numpy's string replace fails on an empty array
        return out
    for mark in ("(", ")", " ", "-"):
        out = np.char.replace(out, mark, "")
    return out
