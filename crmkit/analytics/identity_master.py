"""The customer master: one clean row per person found by identity resolution.

Step 5 of :mod:`crmkit.analytics.identity` (importable from there too): each field's best
value is the one most of the person's records agree on.
"""

from __future__ import annotations

__all__ = ["customer_master"]

import numpy as np
import pandas as pd

from crmkit.analytics._checks import require_columns
from crmkit.analytics.identity_normalise import IDENTITY_FIELDS, normalise_records


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
