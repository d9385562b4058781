"""Identity resolution: which source records are the same person, and a customer master.

Every source system (web shop, tills, call centre, product registration, event sheets)
keeps its own record of a person, with typos, nicknames, old emails and missing fields.
Resolving identities takes four steps, each a small function here:

1. **normalise** the fields (case, accents, spaces, phone punctuation);
2. **block**: only compare records that share a cheap key (same email, same phone, same
   name, or same name start in the same city), instead of every pair;
3. **score** each candidate pair with string similarity (rapidfuzz) and keep the pairs
   whose score reaches a threshold, unless their agreement is common enough to happen by
   chance (a frequent name in a big town, with nothing else to back it);
4. **cluster** the matched pairs into entities (connected components: if A matches B and
   B matches C, all three are one person).

Steps 2 and 3 live in :mod:`crmkit.analytics.identity_blocking`,
:mod:`crmkit.analytics.identity_scoring` and :mod:`crmkit.analytics.identity_chance`, the
customer master built from the result in :mod:`crmkit.analytics.identity_master` (their
functions are importable from here too);
``match_quality`` (:mod:`crmkit.analytics.identity_quality`) grades a result against the
true links, and ``defect_sweep`` (:mod:`crmkit.analytics.identity_sweep`) repeats that on
messier data.
"""

from __future__ import annotations

__all__ = ["FIELD_WEIGHTS", "normalise_records", "candidate_pairs", "score_pairs", "resolve_identities",
           "exact_email_links", "customer_master"]

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Steps 1, 2, 3 and the master live in their own modules; imported here so that the whole
# resolution can be imported from this one.
from crmkit.analytics.identity_blocking import CodeBook, candidate_pairs
from crmkit.analytics.identity_chance import MAX_CHANCE
from crmkit.analytics.identity_master import customer_master
from crmkit.analytics.identity_normalise import normalise_records
from crmkit.analytics.identity_scoring import FIELD_WEIGHTS, match_mask, score_pairs
from crmkit.errors import DataError


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Entity number (0..) of each of ``n`` items joined by the edges left-right."""
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def resolve_identities(source_records: pd.DataFrame, threshold: float = 85.0, weights: dict | None = None,
                       max_chance: float | None = MAX_CHANCE, norm: pd.DataFrame | None = None) -> pd.DataFrame:
    """Group source records into entities (people), by blocking, scoring and clustering.

    Parameters
    ----------
    source_records : DataFrame
        The ``source_records`` table (columns source_record_id, first_name, last_name,
        email, phone, city, birth_year).
    threshold : float, default 85
        Pairs scoring at least this much (0 to 100, see :func:`score_pairs`) are the
        same person. Higher: fewer false merges, more missed links.
    weights : dict, optional
        Field weights of the score (default ``FIELD_WEIGHTS``).
    max_chance : float or None, default ``MAX_CHANCE`` (0.3)
        A pair is only linked when fewer records than this would agree with it as well by
        chance (:func:`~crmkit.analytics.identity_chance.chance_agreements`): two records
        with a common name and nothing else in common are not the same person for that. None:
        the score alone decides (what a small world gets away with, a big one does not).
    norm : DataFrame, optional
        ``normalise_records(source_records)`` when it is already made (seconds at millions of records).

    Returns
    -------
    DataFrame
        Columns ``source_record_id`` and ``entity_id`` (0, 1, ... numbered by each
        entity's first record), one row per record, in the input's order.

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [10, 11, 12], "first_name": ["Ann", "ANN", "Bob"],
    ...                     "last_name": ["Lee", "Lee ", "Ray"], "email": ["ann@x.org", None, "bob@y.org"],
    ...                     "phone": ["555-0101", "5550101", None], "city": ["Oslo"] * 3, "birth_year": [None] * 3})
    >>> resolve_identities(raw)["entity_id"].tolist()
    [0, 0, 1]
    """
    if not 0 <= threshold <= 100:
        raise DataError(f"threshold = {threshold!r}: must be between 0 and 100")
    norm = normalise_records(source_records) if norm is None else norm
    book = CodeBook(norm)  # each column coded once, for blocking and scoring alike
    pairs = candidate_pairs(norm, book)
    match = pairs[match_mask(norm, pairs, threshold, weights, max_chance, book)]  # score and chance both pass
    labels = _components(len(norm), match["left"].to_numpy(), match["right"].to_numpy())
    # Numbered by first appearance, so entity ids read in record order.
    return pd.DataFrame({"source_record_id": norm["source_record_id"], "entity_id": pd.factorize(labels)[0]})


def exact_email_links(source_records: pd.DataFrame) -> pd.DataFrame:
    """The naive baseline: records are the same person only when their normalised emails are equal.

    Returns the same columns as :func:`resolve_identities`; a record without an email is
    a person of its own.

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1, 2, 3], "first_name": ["A"] * 3, "last_name": ["B"] * 3,
    ...                     "email": ["a@x.org", "A@x.org ", None], "phone": [None] * 3,
    ...                     "city": [None] * 3, "birth_year": [None] * 3})
    >>> exact_email_links(raw)["entity_id"].tolist()
    [0, 0, 1]
    """
    norm = normalise_records(source_records)
    key = norm["email"].fillna("#" + norm["source_record_id"].astype(str))
    return pd.DataFrame({"source_record_id": norm["source_record_id"],
                         "entity_id": pd.factorize(key)[0].astype(np.int64)})
