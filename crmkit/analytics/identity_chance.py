"""How often would a pair's agreement happen by chance? The check behind a match's score.

The score of :mod:`crmkit.analytics.identity_scoring` says how alike two records are, not how
telling that likeness is: "David Smith in Jamesport" twice scores 100 whether the data holds
one David Smith there or five. Fellegi and Sunter's record-linkage model weighs each agreeing
field by its *u-probability*, the chance that two records of different people agree on it;
for a name, that is how common the name is. Here the u-probability of each agreeing value
comes from the data's own frequencies:

- an identical name: share of records with its first name times share with its last name
  (names are chosen independently of each other, so a rare pair of common names is still rare);
- a similar name: the share of records carrying the name part the two have in common (a typo
  of "Miller" still shares "Patrick"; "Cathy Knight" and "Amy Knight" only share "Knight");
- an equal email, phone, city or birth year: the share of records with that value
  (shares of the other records: a record does not count for its own values).

Their product times the number of other records is the pair's *chance agreements*: how many
records would agree with one of them this well without being the same person. A pair is only linked
when that is small (``MAX_CHANCE``): in a world of a million customers a common name in a big
town is no proof, and the match needs an email, a phone or a birth year to back it.
"""

from __future__ import annotations

__all__ = ["MAX_CHANCE", "EQUAL_FIELDS", "chance_codes", "chance_agreements"]

import numpy as np
import pandas as pd

from crmkit.analytics.identity_blocking import CodeBook

# The most chance agreements a linked pair may have. Measured with
# benchmarks/bench_identity.py (pschse, seed 7): at 0.3, 100k customers keep precision 0.98
# (0.59 without the check) and 3,000-customer worlds gain F1; a stricter 0.1 loses more true
# links at 100k than it saves false ones, a looser 1.0 lets precision at 100k fall to 0.94.
MAX_CHANCE = 0.3

EQUAL_FIELDS = ("email", "phone", "city", "birth_year")


def _shares(codes: np.ndarray, n: int) -> np.ndarray:
    """Share of the OTHER records (n - 1 of them) holding each code's value, as seen from a
    record that holds it (index: code; -1, missing, reads the 1.0 appended: no evidence)."""
    # Not counting the record itself: a value only two records hold is rare evidence
    # (1 in n - 1), not "2 in n", which in a small table would look common.
    counts = np.bincount(codes[codes >= 0], minlength=codes.max(initial=-1) + 1)
    return np.append((counts - 1) / max(n - 1, 1), 1.0)


def chance_codes(norm: pd.DataFrame, field_codes: dict | None = None, book: CodeBook | None = None) -> dict:
    """What :func:`chance_agreements` needs of each record, coded once for all pairs.

    ``field_codes`` may give the integer codes (-1: missing) of email, phone, city and
    birth_year already made for the scores: coding millions of strings twice is seconds;
    ``book`` (a :class:`~crmkit.analytics.identity_blocking.CodeBook` of ``norm``) the others.
    Returns a dict: ``first`` and ``last`` (name-part codes in ONE space, so a first name can
    meet a last name; -1: missing), ``part_share`` (share of records carrying each name part,
    as first or last name), ``records``, and per equality field ``(codes, shares)``.
    """
    field_codes, book = field_codes or {}, CodeBook(norm) if book is None else book
    n = len(norm)
    parts = book["parts"]
    first, last = parts[:n], parts[n:]
    # A record whose first and last names are the same part counts once for it.
    holders = np.concatenate([first, np.where(last == first, -1, last)])
    coded = {"first": first, "last": last, "part_share": _shares(holders, n), "records": n}
    for field in EQUAL_FIELDS:
        codes = field_codes[field] if field in field_codes else book[field]
        coded[field] = (codes, _shares(codes, n))
    return coded


def _name_chance(coded: dict, left: np.ndarray, right: np.ndarray, same_name: np.ndarray) -> np.ndarray:
    """u-probability of each pair's name agreement (1.0: the names share nothing)."""
    share, first, last = coded["part_share"], coded["first"], coded["last"]
    u = np.where(same_name, share[first[left]] * share[last[left]], 1.0)
    for mine in (first, last):
        for theirs in (first, last):
            common = (mine[left] == theirs[right]) & (mine[left] >= 0) & ~same_name
            u = np.where(common, np.minimum(u, share[mine[left]]), u)
    return u


def chance_agreements(coded: dict, left: np.ndarray, right: np.ndarray, sims: dict) -> np.ndarray:
    """Expected number of records agreeing with each pair's left record as well as its right
    one does, by chance: the other records times the product of the agreeing values'
    u-probabilities (each the share of the other records holding the value).

    Parameters
    ----------
    coded : dict
        From :func:`chance_codes`.
    left, right : ndarray of int
        Row positions of each pair's two records.
    sims : dict
        The pairs' similarities per field (``name``, ``email``, ``phone``, ``city``,
        ``birth_year``; 0..1, NaN where missing), as :func:`~crmkit.analytics.score_pairs`
        returns them. A field agrees where its similarity is 1; a name that is merely similar
        counts by the part the two names share.

    Returns
    -------
    ndarray of float
        One value per pair; small means the agreement is telling.

    Examples
    --------
    >>> norm = pd.DataFrame({"first_name": ["ann", "ann", "bob"], "last_name": ["lee", "lee", "lee"],
    ...                      "email": [None] * 3, "phone": [None] * 3, "city": ["oslo"] * 3,
    ...                      "birth_year": [np.nan] * 3})
    >>> sims = {"name": np.array([1.0]), "email": np.array([np.nan]), "phone": np.array([np.nan]),
    ...         "city": np.array([1.0]), "birth_year": np.array([np.nan])}
    >>> # 2 other records; of them, 1 is "ann", 2 are "lee", 2 in Oslo: 2 * 1/2 * 2/2 * 2/2
    >>> float(chance_agreements(chance_codes(norm), np.array([0]), np.array([1]), sims)[0])
    1.0
    """
    u = _name_chance(coded, left, right, sims["name"] == 1.0)
    for field in EQUAL_FIELDS:
        codes, shares = coded[field]
        u = u * np.where(sims[field] == 1.0, shares[codes[left]], 1.0)
    return (coded["records"] - 1) * u
