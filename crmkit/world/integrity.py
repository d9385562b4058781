"""What a saved world promises about itself, and the checks that hold it to that on load.

The manifest of a saved world records each table's rows and (for CSV and Parquet) a
checksum of its files. Loading compares both, then checks that every primary key is
unique and every foreign key points at a row, so a cut, doubled or edited file is refused
with a message naming the table, the column and the first bad key, never loaded quietly.

The kit checks the keys of every block it writes (:func:`check_keys`), and a CSV or
Parquet world's manifest says so (``keys_checked``). A load whose checksums all match has
the very files that were checked, so it need not look up every foreign key again: that
look-up is the costliest check (54M keys in the 1M-customer world), and it stays for any
world whose files are not sealed that way (a database, or a manifest without checksums).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from crmkit.errors import DataError
from crmkit.world.dictionary import Table, observed_tables, truth_tables

_CHUNK = 1 << 20  # fixed: files are hashed a mebibyte at a time
# Foreign keys are looked up this many rows at a time. On virtual machines a fresh page of
# memory costs more than the look-up itself; blocks this size reuse the same memory. On the
# 1M-customer world (160M keys), 1.3 s instead of 5.7 s for whole columns (4 s of it page faults).
_BLOCK_ROWS = 1 << 20  # fixed: a speed setting, no result depends on it


def files_digest(files: Iterable[Path]) -> str:
    """A SHA-256 over the files' names and bytes, in the order given.

    In CSV files carriage returns are left out, so a CSV whose line ends a Git checkout
    turned into CRLF still matches (binary Parquet parts are hashed as they are).

    >>> import tempfile, pathlib
    >>> unix, windows = pathlib.Path(tempfile.mkdtemp()), pathlib.Path(tempfile.mkdtemp())
    >>> _ = (unix / "a.csv").write_bytes(b"x,y\\n1,2\\n")
    >>> _ = (windows / "a.csv").write_bytes(b"x,y\\r\\n1,2\\r\\n")
    >>> files_digest([unix / "a.csv"]) == files_digest([windows / "a.csv"])
    True
    """
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0")
        with open(file, "rb") as handle:
            text = file.suffix == ".csv"
            while chunk := handle.read(_CHUNK):
                digest.update(chunk.replace(b"\r", b"") if text else chunk)
    return digest.hexdigest()


def check_rows(name: str, found: int, manifest_rows: Mapping[str, int], where: str) -> None:
    """Refuse a table whose row count differs from the one its manifest recorded."""
    if name in manifest_rows and manifest_rows[name] != found:
        raise DataError(f"{where}: table {name!r} has {found:,} rows but the manifest says {manifest_rows[name]:,}; "
                        "the file was cut, doubled or edited after it was saved")


def check_digest(name: str, found: str, manifest_digests: Mapping[str, str], where: str) -> None:
    """Refuse a table whose files changed after the kit saved them."""
    if name in manifest_digests and manifest_digests[name] != found:
        raise DataError(f"{where}: table {name!r} was changed after it was saved (its checksum differs from the "
                        "manifest's); save the world again, or load it with verify=False to read it unchecked")


def check_primary_key(df: pd.DataFrame, table: Table, where: str) -> None:
    """Refuse a table in which a primary key value appears twice."""
    key = df[table.primary_key]
    values = key.to_numpy()
    if len(values) < 2 or bool((values[1:] > values[:-1]).all()):
        return  # strictly increasing, as the kit writes them: unique without a hash table
    if not key.is_unique:
        first = key[key.duplicated()].iloc[0]
        raise DataError(f"{where}: table {table.name!r} repeats primary key {table.primary_key} = {first}; "
                        "each row needs its own key")


def check_foreign_keys(frames: Mapping[str, pd.DataFrame], specs: Mapping[str, Table], where: str,
                       parents: Mapping[str, pd.DataFrame] | None = None) -> None:
    """Refuse tables with a key that points at no row of the table it refers to.

    ``specs`` describes ``frames``; references are looked up in ``parents`` (by default
    ``frames`` themselves: the truth's references point at the observed tables). A
    reference to a table not in ``parents`` is not checked.
    """
    parents = frames if parents is None else parents
    for name, df in frames.items():
        for column in specs[name].columns:
            if not column.references:
                continue
            parent, key = column.references.split(".")
            if parent not in parents:
                continue
            values = df[column.name]
            missing = pointing_at_nothing(values, parents[parent][key])
            if missing.any():
                bad = values[missing].iloc[0]
                raise DataError(f"{where}: table {name!r} column {column.name!r} has {bad}, which is not a "
                                f"{key} of table {parent!r} ({int(missing.sum()):,} rows point at nothing)")


def pointing_at_nothing(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """True where ``values`` holds a key that is not among ``keys`` (a missing value points at nothing, rightly).

    Integer keys spanning a range not much wider than their number (a world's ids) are
    looked up in a table of that range, one flag per id: no hashing, a block of rows at a time.

    >>> pointing_at_nothing(pd.Series([3, None, 7], dtype="Int64"), pd.Series([1, 2, 3])).tolist()
    [False, False, True]
    """
    found = _id_flags(keys) if values.dtype.kind == "i" else None
    if found is None:  # text keys, or ids too sparse for a table: a hash look-up
        return (~values.isin(keys) & values.notna()).to_numpy(dtype=bool)
    flags, lowest = found
    out = np.empty(len(values), dtype=bool)
    for start in range(0, len(values), _BLOCK_ROWS):
        block = values.iloc[start:start + _BLOCK_ROWS]
        at = block.to_numpy(dtype=np.int64, na_value=lowest) - lowest
        at[(at < 0) | (at >= len(flags))] = len(flags) - 1  # the last flag is always False
        out[start:start + len(block)] = ~flags[at] & block.notna().to_numpy()
    return out


def _id_flags(keys: pd.Series) -> tuple[np.ndarray, int] | None:
    """One flag per integer from the lowest key to the highest (true: a key), plus a false one
    at the end; None when the keys are not integers or too sparse for such a table."""
    if keys.dtype.kind != "i" or keys.hasnans:
        return None
    ids = keys.to_numpy(dtype=np.int64)
    if not len(ids):
        return np.zeros(1, dtype=bool), 0
    lowest, span = int(ids.min()), int(ids.max()) - int(ids.min()) + 1
    if span > max(8 * len(ids), 1 << 20):  # fixed: a table at most 8 flags per key (or 1 MiB), else hashing
        return None
    flags = np.zeros(span + 1, dtype=bool)
    flags[ids - lowest] = True
    return flags, lowest


def check_keys(tables: Mapping[str, pd.DataFrame], truth: Mapping[str, pd.DataFrame], where: str,
               shared: Mapping[str, pd.DataFrame] | None = None, foreign_keys: bool = True) -> None:
    """Refuse repeated primary keys and (unless ``foreign_keys`` is off) foreign keys that point at nothing.

    ``tables`` and ``truth`` are a whole world or one block of it; ``shared`` holds the
    tables a block may refer to without holding them (the world's global tables: products,
    campaigns, staff...). The truth's references point at the observed tables.
    """
    for frames, specs in ((tables, observed_tables()), (truth, truth_tables())):
        for name, df in frames.items():
            check_primary_key(df, specs[name], where)
    if not foreign_keys:
        return
    parents = {**(shared or {}), **tables}
    check_foreign_keys(tables, observed_tables(), where, parents=parents)
    check_foreign_keys(truth, truth_tables(), f"{where} (truth)", parents=parents)


def check_customer_count(config_customers: int, found: int, where: str) -> None:
    """Refuse a world whose config promises another number of customers than it holds."""
    if config_customers != found:
        raise DataError(f"{where}: world.yaml says customers = {config_customers:,} but the customers table has "
                        f"{found:,} rows; the world's files do not belong together")
