"""Scoring, step 3 of identity resolution: how alike are the two records of each pair?

Each field of a candidate pair (from :func:`~crmkit.analytics.identity.candidate_pairs`)
gets a similarity from 0 to 1: names and emails by string similarity (rapidfuzz), phone,
city and birth year by equality. Their weighted mean is the pair's score (0 to 100). A pair
is a match when its score reaches the threshold AND its agreement is rare enough not to be
chance (:mod:`crmkit.analytics.identity_chance`: a common name alone proves little).
:mod:`crmkit.analytics.identity` re-exports :func:`score_pairs` and ``FIELD_WEIGHTS``.
"""

from __future__ import annotations

__all__ = ["FIELD_WEIGHTS", "score_pairs", "match_mask"]

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from crmkit.analytics.identity_blocking import CodeBook
from crmkit.analytics.identity_chance import EQUAL_FIELDS, MAX_CHANCE, chance_agreements, chance_codes
from crmkit.errors import DataError

# How much each field's agreement counts in a pair's score. Names and email carry most of
# the evidence; a phone can be a household's, a city is shared by many people.
FIELD_WEIGHTS = {"name": 0.4, "email": 0.3, "phone": 0.15, "city": 0.1, "birth_year": 0.05}


_CHUNK = 2_000_000  # pairs judged at a time by match_mask: small memory, and measured fastest


def _sort_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _field_codes(norm: pd.DataFrame, book: CodeBook | None = None) -> dict:
    """Each field as integer codes per record (-1: missing), with the distinct texts of the
    name and email fields (None for the fields compared by equality).

    Coding each column once, instead of pulling strings out for millions of pairs, is
    what keeps scoring fast. Names get their words sorted first, once per distinct name:
    that is how rapidfuzz defines ``token_sort_ratio``. ``book``: the codes already made.
    """
    coded, book = {}, CodeBook(norm) if book is None else book
    for field, column in (("name", "full_name"), ("email", "email")):
        codes, texts = book[column], np.asarray(book.distinct(column), dtype=object)
        if field == "name":
            merged, texts = pd.factorize(np.array([_sort_words(t) for t in texts], dtype=object))
            codes = np.append(merged, -1)[codes]  # "ann lee" and "lee ann" now share a code
        coded[field] = (codes, texts)
    for field in ("phone", "city", "birth_year"):
        coded[field] = (book[field], None)
    # int32: millions of pairs look their codes up, and half the bytes is measurably faster.
    return {field: (codes.astype(np.int32), texts) for field, (codes, texts) in coded.items()}


def _similarity(codes: np.ndarray, texts: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Similarity 0..1 (rapidfuzz ``ratio``) of each pair's two texts; NaN where either is missing."""
    a, b = codes[left], codes[right]
    both = (a >= 0) & (b >= 0)
    out = np.where(both & (a == b), 1.0, np.nan)  # identical texts score 100: no need to ask
    differ = np.flatnonzero(both & (a != b))
    if len(differ):
        # The score is symmetric and the same two texts meet in many pairs: score each
        # distinct couple of texts once.
        n = len(texts)
        which, couples = pd.factorize(np.minimum(a[differ], b[differ]).astype(np.int64) * n
                                      + np.maximum(a[differ], b[differ]))
        scores = process.cpdist(texts[couples // n], texts[couples % n], scorer=fuzz.ratio, workers=-1) / 100
        out[differ] = scores[which]
    return out


def _equal(codes: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """1 where a pair's two values agree, 0 where they differ, NaN where either is missing."""
    a, b = codes[left], codes[right]
    return np.where((a < 0) | (b < 0), np.nan, (a == b).astype(float))


def _chance_codes(norm: pd.DataFrame, coded: dict, book: CodeBook | None = None) -> dict:
    """:func:`chance_codes`, reusing the field codes of :func:`_field_codes` (the same values, coded once)."""
    return chance_codes(norm, {field: coded[field][0] for field in EQUAL_FIELDS}, book)


def _weighted_score(sims: dict, weights: dict) -> np.ndarray:
    """Weighted mean (0..100) of the similarities each pair has; 0 when it has none."""
    total, weight = np.zeros(len(sims["name"])), np.zeros(len(sims["name"]))
    for field in FIELD_WEIGHTS:  # always the same order: the same rounding everywhere
        sim = sims[field]
        has = ~np.isnan(sim)
        w = weights.get(field, 0.0) * has
        total += w * np.where(has, sim, 0.0)
        weight += w
    return 100 * np.divide(total, weight, out=np.zeros(len(total)), where=weight > 0)


# The best case of each field before any text is compared: a name or email is missing or
# (at best) equal, a phone, city or birth year is missing, different or equal.
_CASES = {"name": (np.nan, 1.0), "email": (np.nan, 1.0), "phone": (np.nan, 0.0, 1.0),
          "city": (np.nan, 0.0, 1.0), "birth_year": (np.nan, 0.0, 1.0)}


def _best_cases(coded: dict, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Number (0..107) of each pair's combination of field cases (``_CASES``, in that order)."""
    case = np.zeros(len(left), dtype=np.uint8)
    for field, values in _CASES.items():
        a, b = coded[field][0][left], coded[field][0][right]
        present = (a >= 0) & (b >= 0)
        # 0: missing; 1: present (names, emails) or different; 2: equal.
        step = present.view(np.uint8) if len(values) == 2 else present.view(np.uint8) * (1 + (a == b).view(np.uint8))
        case = case * np.uint8(len(values)) + step
    return case


def _case_table(weights: dict) -> tuple[dict, np.ndarray]:
    """Each field's similarity in every combination of cases, and the best-case score of each.

    The 108 scores go through the very same arithmetic as :func:`_weighted_score` on each
    pair, so looking a pair's score up is bit for bit what computing it would give.
    """
    grid = np.meshgrid(*(np.arange(len(values)) for values in _CASES.values()), indexing="ij")
    sims = {field: np.array(values)[g.ravel()] for (field, values), g in zip(_CASES.items(), grid)}
    return sims, _weighted_score(sims, weights)


def _checked_weights(weights: dict | None) -> dict:
    weights = dict(FIELD_WEIGHTS if weights is None else weights)
    unknown = sorted(set(weights) - set(FIELD_WEIGHTS))
    if unknown:
        raise DataError(f"weights: unknown field {unknown[0]!r}; allowed: {', '.join(FIELD_WEIGHTS)}")
    negative = [field for field, w in weights.items() if not w >= 0]
    if negative:
        raise DataError(f"weights: {negative[0]!r} = {weights[negative[0]]!r}; a weight must be 0 or more")
    return weights


def score_pairs(norm: pd.DataFrame, pairs: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """Similarity of each candidate pair, field by field, and a weighted score (0 to 100).

    Names are compared with rapidfuzz's ``token_sort_ratio`` (word order does not matter,
    a typo costs a little), emails with ``ratio``; phone, city and birth year must be equal.
    A field missing on either side does not count: the score is the weighted mean of the
    fields both records have, so a sparse record is judged on what it shows.

    Parameters
    ----------
    norm : DataFrame
        The output of :func:`~crmkit.analytics.identity.normalise_records` (reads
        source_record_id, first_name, last_name, full_name, email, phone, city, birth_year).
    pairs : DataFrame
        Columns ``left`` and ``right`` (row positions in ``norm``), e.g. from
        :func:`~crmkit.analytics.identity.candidate_pairs`.
    weights : dict, optional
        Weight of each field (keys of ``FIELD_WEIGHTS``, 0 or more); default ``FIELD_WEIGHTS``.

    Returns
    -------
    DataFrame
        ``pairs`` with the source_record_id of each side (``record_left``,
        ``record_right``), one similarity column per field (0..1, NaN when missing),
        ``score`` (0..100) and ``chance``: how many records would agree with the left one
        this well by chance (see :func:`~crmkit.analytics.identity_chance.chance_agreements`;
        a match needs it at most ``MAX_CHANCE``).

    Examples
    --------
    >>> norm = pd.DataFrame({"source_record_id": [1, 2], "first_name": ["ann", "anne"], "last_name": ["lee", "lee"],
    ...                      "full_name": ["ann lee", "anne lee"],
    ...                      "email": ["ann@x.org", "ann@x.org"], "phone": [None, "5550101"],
    ...                      "city": ["oslo", "oslo"], "birth_year": [None, 1980.0]})
    >>> scored = score_pairs(norm, pd.DataFrame({"left": [0], "right": [1]}))
    >>> scored.loc[0, ["name", "email", "city", "score"]].astype(float).round(3).tolist()
    [0.933, 1.0, 1.0, 96.667]
    """
    weights = _checked_weights(weights)
    coded = _field_codes(norm)
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    sims = {field: _equal(codes, left, right) if texts is None else _similarity(codes, texts, left, right)
            for field, (codes, texts) in coded.items()}
    ids = norm["source_record_id"]
    extra = pd.DataFrame({"record_left": ids.take(left).reset_index(drop=True),
                          "record_right": ids.take(right).reset_index(drop=True), **sims,
                          "score": _weighted_score(sims, weights),
                          "chance": chance_agreements(_chance_codes(norm, coded), left, right, sims)}, copy=False)
    # One concat of uncopied columns instead of a column insert per field: at millions of
    # pairs, copying the table is a good share of the time.
    out = pairs.reset_index(drop=True).drop(columns=extra.columns, errors="ignore")
    return pd.concat([out, extra], axis=1)


def _chunk_matches(coded: dict, left: np.ndarray, right: np.ndarray, threshold: float, weights: dict,
                   chance: tuple) -> np.ndarray:
    """Whether each pair's score reaches ``threshold`` (asking rapidfuzz only when needed)
    and its chance agreements stay within the limit (``chance``: codes and limit, or None)."""
    # Start from the best case: every name and email that both records have agrees fully.
    # Those scores take only 108 values: look them up, and drop the hopeless pairs at once.
    table, best = _case_table(weights)
    case = _best_cases(coded, left, right)
    rows = np.flatnonzero(best[case] >= threshold)  # the pairs still in question
    sims = {field: values[case[rows]] for field, values in table.items()}
    for field in ("name", "email"):
        # A pair that misses the threshold even in the best case is no match, whatever its
        # texts (the score only grows with each similarity): no need to compare them. The
        # best case goes through the very same arithmetic as the score, and rounding never
        # reverses an inequality, so no pair that reaches the threshold is dropped.
        hopeful = _weighted_score(sims, weights) >= threshold
        rows, sims = rows[hopeful], {name: sim[hopeful] for name, sim in sims.items()}
        todo = np.flatnonzero(~np.isnan(sims[field]))
        sims[field][todo] = _similarity(*coded[field], left[rows[todo]], right[rows[todo]])
    reach = _weighted_score(sims, weights) >= threshold
    rows, sims = rows[reach], {name: sim[reach] for name, sim in sims.items()}
    if chance is not None:
        codes, limit = chance
        rows = rows[chance_agreements(codes, left[rows], right[rows], sims) <= limit]
    matches = np.zeros(len(left), dtype=bool)
    matches[rows] = True
    return matches


def match_mask(norm: pd.DataFrame, pairs: pd.DataFrame, threshold: float, weights: dict | None = None,
               max_chance: float | None = MAX_CHANCE, book: CodeBook | None = None) -> np.ndarray:
    """Whether each pair is a match: it scores at least ``threshold`` and its chance
    agreements are at most ``max_chance``. The same answer as ``(scored["score"] >= threshold)
    & (scored["chance"] <= max_chance)`` with ``scored = score_pairs(norm, pairs, weights)``,
    without building the table.

    Used by :func:`~crmkit.analytics.identity.resolve_identities`: the pairs go through in
    chunks (memory stays small at millions of pairs), and a pair whose phone, city and
    birth year already settle the answer is never sent to rapidfuzz.

    Parameters
    ----------
    norm, pairs, weights
        As for :func:`score_pairs`.
    threshold : float
        The score (0 to 100) a pair needs to be a match.
    max_chance : float or None, default ``MAX_CHANCE``
        The most records that may agree with a pair this well by chance (see
        :mod:`~crmkit.analytics.identity_chance`); None: the score alone decides.
    book : CodeBook, optional
        Codes of ``norm``'s columns already made (e.g. by blocking), reused.

    Returns
    -------
    ndarray of bool
        One value per row of ``pairs``, in order.

    Examples
    --------
    >>> norm = pd.DataFrame({"source_record_id": [1, 2, 3], "first_name": ["ann", "anne", "bob"],
    ...                      "last_name": ["lee", "lee", "ray"], "full_name": ["ann lee", "anne lee", "bob ray"],
    ...                      "email": ["ann@x.org", "ann@x.org", None], "phone": [None, "5550101", "5550199"],
    ...                      "city": ["oslo", "oslo", "rome"], "birth_year": [None, 1980.0, 1970.0]})
    >>> match_mask(norm, pd.DataFrame({"left": [0, 1], "right": [1, 2]}), threshold=85).tolist()
    [True, False]
    """
    weights = _checked_weights(weights)
    if max_chance is not None and not max_chance >= 0:
        raise DataError(f"max_chance = {max_chance!r}: must be 0 or more (or None: no limit)")
    book = CodeBook(norm) if book is None else book
    coded = _field_codes(norm, book)
    chance = None if max_chance is None else (_chance_codes(norm, coded, book), max_chance)
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    matches = np.zeros(len(left), dtype=bool)
    for start in range(0, len(left), _CHUNK):
        part = slice(start, start + _CHUNK)
        matches[part] = _chunk_matches(coded, left[part], right[part], threshold, weights, chance)
    return matches
