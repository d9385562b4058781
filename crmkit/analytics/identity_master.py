"""The customer master: one clean row per person found by identity resolution.

Built from the result of :mod:`crmkit.analytics.identity` (importable from there too):
each field's best value is the one most of the person's records agree on.
"""

from __future__ import annotations

__all__ = ["customer_master"]

import gc
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmkit.analytics._checks import require_columns
from crmkit.analytics.identity_normalise import IDENTITY_FIELDS, normalise_records
from crmkit.errors import DataError


def _joined_systems(source_system: pd.Series, starts: np.ndarray) -> pd.Series:
    """The systems holding each entity's records, sorted and comma-separated (the records
    are sorted by entity; each entity's first record is at ``starts``)."""
    codes, systems = pd.factorize(source_system, sort=True)
    # One bit per system: OR-ing the bits of an entity's records gives the set of its systems.
    held = pd.Series(np.bitwise_or.reduceat(np.left_shift(1, codes.astype(np.int64)), starts))
    # At most 2**systems different sets: name each once.
    names = {mask: ", ".join(systems[[bool(mask >> i & 1) for i in range(len(systems))]]) for mask in held.unique()}
    return held.map(names)


def _earliest(captured: np.ndarray, starts: np.ndarray, times) -> np.ndarray:
    """Each entity's first capture time (NaT when none of its records has one)."""
    if not len(starts):
        return np.zeros(0, dtype=times.dtype)
    first = np.minimum.reduceat(np.where(captured < 0, len(times), captured), starts)
    return np.asarray(times.append(pd.Index([pd.NaT], dtype=times.dtype)))[first]


@contextmanager
def _no_collection():
    """Pause Python's garbage collector (while making a million lists that hold no cycles)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _segment_max(values: np.ndarray, segment: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each element's segment maximum (segments: consecutive runs, starting at ``starts``)."""
    return np.maximum.reduceat(values, starts)[segment]


def sorted_codes(values) -> tuple[np.ndarray, object]:
    """``pd.factorize(values, sort=True)``, sorting only the distinct values, in Arrow.

    pandas sorts the distinct values of a text column as Python strings (seconds for a
    million e-mail addresses); Arrow sorts them by their UTF-8 bytes, which is the same
    order.

    >>> codes, uniques = sorted_codes(pd.Series(["b", None, "a", "b"], dtype="str"))
    >>> codes.tolist(), list(uniques)
    ([1, -1, 0, 1], ['a', 'b'])
    """
    codes, uniques = pd.factorize(values)
    order = np.asarray(pc.sort_indices(pa.array(uniques)))
    rank = np.empty(len(order) + 1, dtype=np.intp)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # a missing value keeps its -1
    return rank[codes], uniques.take(order)


def _best_code(codes: np.ndarray, size: int, entity: np.ndarray, captured: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each entity's most frequent value code (ties: the latest captured, then the lowest code)
    and the entity (its code) it belongs to; entities without a value are left out.

    ``codes`` are ranks of the values in sort order (-1: missing), ``size`` how many values
    there are; ``entity`` and ``captured`` are integer codes in sort order (captured -1:
    missing, oldest). One sort and running maxima instead of grouping millions of strings.
    """
    has = codes >= 0  # a missing value does not vote
    if not has.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key = entity[has].astype(np.int64) * size + codes[has]  # one code per (entity, value)
    order = np.argsort(key)
    key, captured = key[order], captured[has][order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])  # one run per (entity, value)
    votes, latest = np.diff(np.r_[starts, len(key)]), np.maximum.reduceat(captured, starts)
    run_entity, run_code = key[starts] // size, key[starts] % size
    new_entity = np.r_[True, run_entity[1:] != run_entity[:-1]]
    segment, entity_starts = np.cumsum(new_entity) - 1, np.flatnonzero(new_entity)
    top = votes == _segment_max(votes, segment, entity_starts)  # most votes...
    latest = np.where(top, latest, -2)  # (-2: below any time, so only the top runs compete)
    top &= latest == _segment_max(latest, segment, entity_starts)  # ...then the latest...
    best = np.flatnonzero(top)
    best = best[np.r_[True, segment[best][1:] != segment[best][:-1]]]  # ...then the first value
    return run_code[best], run_entity[best]


def _rows_by_entity(record_ids: pd.Series, links: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """The rows of the linked records, ordered by entity then record id, and each one's entity.

    The rows an inner merge of the records with the links, then a sort, would give: as
    integer positions, so that no column of text is merged or sorted.
    """
    linked = links.loc[links["entity_id"].notna(), ["source_record_id", "entity_id"]]
    try:
        at = pd.Index(record_ids).get_indexer(linked["source_record_id"])
    except pd.errors.InvalidIndexError:
        first = record_ids[record_ids.duplicated()].iloc[0]
        raise DataError(f"source_records repeats source_record_id = {first}; each record needs its own id") from None
    kept = at >= 0  # a link to no record is left out
    entity = pd.Index(linked["entity_id"].array[kept], name="entity_id")
    order = np.lexsort((linked["source_record_id"].to_numpy()[kept], entity.to_numpy()))
    return at[kept][order], entity.take(order)


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
    norm = normalise_records(source_records) if norm is None else norm
    rows, entity_of_row = _rows_by_entity(norm["source_record_id"], links)
    new_entity = np.r_[True, entity_of_row[1:] != entity_of_row[:-1]] if len(rows) else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new_entity)  # each entity's first row in ``rows``
    entity = np.cumsum(new_entity) - 1  # codes 0, 1, ... in entity order
    captured, times = sorted_codes(source_records["captured_at"])
    captured = captured[rows]
    master = pd.DataFrame({"records": np.diff(np.r_[starts, len(rows)])}, index=entity_of_row[starts])
    master["first_captured_at"] = _earliest(captured, starts, times)
    master["systems"] = _joined_systems(source_records["source_system"].astype(str).to_numpy()[rows], starts).to_numpy()
    # Slices of one list of the sorted ids: no numpy call per entity (and no garbage
    # collection passes over the million small lists while they are made).
    ids, ends = norm["source_record_id"].to_numpy()[rows].tolist(), np.r_[starts[1:], len(rows)].tolist()
    with _no_collection():
        master["source_record_ids"] = [ids[start:end] for start, end in zip(starts.tolist(), ends)]
    for field in IDENTITY_FIELDS:
        codes, uniques = sorted_codes(norm[field])
        best, holder = _best_code(codes[rows], len(uniques), entity, captured)
        master[field] = pd.Series(uniques.take(best), index=master.index[holder])
    for name in ("first_name", "last_name", "city"):
        master[name] = master[name].str.title()
    master["birth_year"] = master["birth_year"].astype("Int64")
    columns = ["first_name", "last_name", "email", "phone", "city", "birth_year", "records", "systems",
               "first_captured_at", "source_record_ids"]
    return master[columns].reset_index()
