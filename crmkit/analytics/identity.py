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
:mod:`crmkit.analytics.identity_scoring` and :mod:`crmkit.analytics.identity_chance`
(their functions are importable from here too);
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

from crmkit.analytics._checks import require_columns
# Steps 2 and 3 live in their own modules; imported here so that the whole resolution
# can be imported from this one.
from crmkit.analytics.identity_blocking import CodeBook, candidate_pairs
from crmkit.analytics.identity_chance import MAX_CHANCE
from crmkit.analytics.identity_scoring import FIELD_WEIGHTS, match_mask, score_pairs
from crmkit.errors import DataError

IDENTITY_FIELDS = ("first_name", "last_name", "email", "phone", "city", "birth_year")


def _clean_text(values: pd.Series) -> pd.Series:
    """Lower case, accents and punctuation removed, single spaces; empty becomes missing."""
    # Names and cities repeat a lot: clean each distinct value once, then map back.
    codes, uniques = pd.factorize(values.astype("str"))
    text = pd.Series(uniques, dtype="string").str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    text = text.astype("string").str.lower().str.replace(r"[^a-z0-9 ]+", " ", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    return pd.Series(text.mask(text == "").astype("str").array.take(codes, allow_fill=True))


def _clean_email(values: pd.Series) -> pd.Series:
    """Lower case, no white space at all; empty becomes missing."""
    email = values.astype("str").str.lower().reset_index(drop=True)
    # Removing Python's \s (any Unicode space) runs in Python, value by value: only do it
    # where a value has a character outside printable ASCII, the only place a space can be.
    odd = email.str.contains(r"[^!-~]", regex=True).to_numpy(dtype=bool)
    if odd.any():
        email[odd] = email[odd].str.replace(r"\s+", "", regex=True)
    return email.mask(email == "")


def normalise_records(records: pd.DataFrame) -> pd.DataFrame:
    """Comparable identity fields: lower case, no accents or stray spaces, phone digits.

    Parameters
    ----------
    records : DataFrame
        ``source_records`` (columns source_record_id, first_name, last_name, email,
        phone, city, birth_year).

    Returns
    -------
    DataFrame
        One row per record, same order: source_record_id, first_name, last_name,
        full_name (first and last, sorted, so swapped names agree), email, phone (the last
        ten digits), city, birth_year (float, NaN when missing).

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1], "first_name": [" JOSÉ "], "last_name": ["Smith"],
    ...                     "email": [" Jose.Smith@Example.com"], "phone": ["(201) 555-0123"],
    ...                     "city": ["Lake  Ann"], "birth_year": [None]})
    >>> normalise_records(raw).loc[0, ["full_name", "email", "phone", "city"]].tolist()
    ['jose smith', 'jose.smith@example.com', '2015550123', 'lake ann']
    """
    require_columns(records, ("source_record_id", *IDENTITY_FIELDS), "source_records")
    first, last = _clean_text(records["first_name"]), _clean_text(records["last_name"])
    first_or_blank, last_or_blank = first.fillna(""), last.fillna("")
    in_order = first_or_blank <= last_or_blank
    full_name = first_or_blank.where(in_order, last_or_blank) + " " + last_or_blank.where(in_order, first_or_blank)
    phone = records["phone"].astype("string").str.replace(r"\D", "", regex=True).str[-10:]
    return pd.DataFrame({
        "source_record_id": records["source_record_id"].to_numpy(),
        "first_name": first.array, "last_name": last.array, "full_name": full_name.str.strip().array,
        "email": _clean_email(records["email"]).array,
        "phone": phone.mask(phone.str.len() < 7).astype("str").to_numpy(),
        "city": _clean_text(records["city"]).array,
        "birth_year": pd.to_numeric(records["birth_year"], errors="coerce").astype(float).to_numpy(),
    })


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


def _joined_systems(source_system: pd.Series, starts: np.ndarray) -> pd.Series:
    """The systems holding each entity's records, sorted and comma-separated (the records
    are sorted by entity; each entity's first record is at ``starts``)."""
    codes, systems = pd.factorize(source_system, sort=True)
    # One bit per system: OR-ing the bits of an entity's records gives the set of its systems.
    held = pd.Series(np.bitwise_or.reduceat(np.left_shift(1, codes.astype(np.int64)), starts))
    # At most 2**systems different sets: name each once.
    names = {mask: ", ".join(systems[[bool(mask >> i & 1) for i in range(len(systems))]]) for mask in held.unique()}
    return held.map(names)


def _segment_max(values: np.ndarray, segment: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each element's segment maximum (segments: consecutive runs, starting at ``starts``)."""
    return np.maximum.reduceat(values, starts)[segment]


def _best_value(values: pd.Series, entity: np.ndarray, captured: np.ndarray) -> tuple[pd.Index, np.ndarray]:
    """Each entity's most frequent value (ties: the latest captured, then the first in sort
    order) and the entity (its code) it belongs to; entities without a value are left out.

    ``entity`` and ``captured`` are integer codes in sort order (captured -1: missing, oldest).
    """
    # Integer codes in the values' sort order, one sort and running maxima, instead of
    # grouping millions of strings: the same votes and tie-breaks, many times faster.
    codes, uniques = pd.factorize(values, sort=True)
    has = codes >= 0  # a missing value does not vote
    if not has.any():
        return uniques, np.zeros(0, dtype=np.int64)
    key = entity[has].astype(np.int64) * len(uniques) + codes[has]  # one code per (entity, value)
    order = np.argsort(key)
    key, captured = key[order], captured[has][order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])  # one run per (entity, value)
    votes, latest = np.diff(np.r_[starts, len(key)]), np.maximum.reduceat(captured, starts)
    run_entity, run_code = key[starts] // len(uniques), key[starts] % len(uniques)
    new_entity = np.r_[True, run_entity[1:] != run_entity[:-1]]
    segment, entity_starts = np.cumsum(new_entity) - 1, np.flatnonzero(new_entity)
    top = votes == _segment_max(votes, segment, entity_starts)  # most votes...
    latest = np.where(top, latest, -2)  # (-2: below any time, so only the top runs compete)
    top &= latest == _segment_max(latest, segment, entity_starts)  # ...then the latest...
    best = np.flatnonzero(top)
    best = best[np.r_[True, segment[best][1:] != segment[best][:-1]]]  # ...then the first value
    return uniques.take(run_code[best]), run_entity[best]


def customer_master(source_records: pd.DataFrame, links: pd.DataFrame, norm: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """One clean row per entity: the best value of each field and the records behind it.

    The best value is the one most of the entity's records agree on (after
    normalisation); a tie goes to the most recently captured, then to the first in
    alphabetical order. Names are shown in title case.

    Parameters
    ----------
    source_records : DataFrame
        ``source_records`` (source_record_id, source_system, captured_at and the identity fields).
    links : DataFrame
        Columns source_record_id and entity_id, e.g. from :func:`resolve_identities`.
    norm : DataFrame, optional
        ``normalise_records(source_records)`` when it is already made (it is not changed).

    Returns
    -------
    DataFrame
        One row per entity_id: first_name, last_name, email, phone (digits), city,
        birth_year, records (how many), systems (comma-separated), first_captured_at and
        source_record_ids (a list).

    Examples
    --------
    >>> raw = pd.DataFrame({"source_record_id": [1, 2, 3], "source_system": ["web_shop", "call_centre", "web_shop"],
    ...                     "captured_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...                     "first_name": ["ann", "Ann", "ANN"], "last_name": ["Lee", "Lee", "Lea"],
    ...                     "email": ["a@x.org", None, "a@x.org"], "phone": [None, "555-0101", None],
    ...                     "city": ["Oslo", "Oslo", None], "birth_year": [None, 1980, None]})
    >>> master = customer_master(raw, pd.DataFrame({"source_record_id": [1, 2, 3], "entity_id": [0, 0, 0]}))
    >>> master.loc[0, ["first_name", "last_name", "phone", "systems"]].tolist()
    ['Ann', 'Lee', '5550101', 'call_centre, web_shop']
    """
    require_columns(source_records, ("source_system", "captured_at"), "source_records")
    require_columns(links, ("source_record_id", "entity_id"), "links")
    norm = (normalise_records(source_records) if norm is None else norm).assign(
        captured_at=source_records["captured_at"].to_numpy(),
        source_system=source_records["source_system"].astype(str).to_numpy())
    norm = norm.merge(links[["source_record_id", "entity_id"]], on="source_record_id", how="inner")
    norm = norm.dropna(subset=["entity_id"]).sort_values(["entity_id", "source_record_id"], ignore_index=True)
    groups = norm.groupby("entity_id")
    master = pd.DataFrame({"records": groups.size(), "first_captured_at": groups["captured_at"].min()})
    ends = np.cumsum(master["records"].to_numpy())
    master["systems"] = _joined_systems(norm["source_system"], ends - master["records"].to_numpy()).to_numpy()
    # Slices of one list of the sorted ids: no numpy call per entity.
    ids, ends = norm["source_record_id"].tolist(), ends.tolist()
    master["source_record_ids"] = [ids[start:end] for start, end in zip([0, *ends[:-1]], ends)]
    entity, entity_ids = pd.factorize(norm["entity_id"])  # norm is sorted: codes follow the ids
    captured = pd.factorize(norm["captured_at"], sort=True)[0]
    for field in IDENTITY_FIELDS:
        best, holder = _best_value(norm[field], entity, captured)
        master[field] = pd.Series(best, index=entity_ids.take(holder))
    for name in ("first_name", "last_name", "city"):
        master[name] = master[name].str.title()
    master["birth_year"] = master["birth_year"].astype("Int64")
    columns = ["first_name", "last_name", "email", "phone", "city", "birth_year", "records", "systems",
               "first_captured_at", "source_record_ids"]
    return master[columns].reset_index()
