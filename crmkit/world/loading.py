"""Loading a saved world, checked against what its manifest promises.

Every column's type is restored from the data dictionary; then (unless ``verify=False``)
row counts and checksums are compared with the manifest, primary keys must be unique,
foreign keys must resolve and the config's customer count must match. Whatever goes wrong
(a cut or binary file, a stray part, a damaged database, a truth from another world) ends
in one :class:`DataError` naming the file, the table and what is wrong.
"""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import yaml

from crmkit import _yaml
from crmkit._pages import ordinary_pages, running_in, system_arrow_allocator
from crmkit.errors import CrmkitError, DataError
from crmkit.world import integrity as check
from crmkit.world import duckdb_store as duck
from crmkit.world import sqlite as sql
from crmkit.world import world_version as versions
from crmkit.world.cases import load_config
from crmkit.world.codes import lists_of
from crmkit.world.dictionary import Table, conform, observed_tables, truth_tables
from crmkit.world.layout import (CONFIG_FILE, DATABASES, MANIFEST, PART_NAME, TRUTH_FOLDER, check_format,
                                 database_paths, detect_format)

# What pandas, pyarrow, SQLite and YAML raise on a damaged file; each becomes a DataError.
_READ_ERRORS = (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError, sqlite3.Error, yaml.YAMLError)


@running_in(ordinary_pages, system_arrow_allocator)  # faster on large worlds: see crmkit._pages
def read_world(path, format: str | None = None, verify: bool = True, truth: bool = True) -> tuple:
    """Read a saved world's ``(config, tables, truth)`` (see :func:`crmkit.load_world`).

    With ``truth=False`` the truth is left on disk (an empty dict comes back): a large
    world's analyses that only read the observed tables need half the memory.
    """
    path = Path(path)
    format = check_format(format) if format else detect_format(path)
    if format in DATABASES:
        return _load_database(path, format, verify, truth)
    return _load_folder(path, format, verify, truth)


def _load_folder(path: Path, format: str, verify: bool, with_truth: bool = True):
    if not (path / CONFIG_FILE).is_file():
        raise DataError(f"{path}: missing {CONFIG_FILE}, so this is not a saved crmkit world")
    manifest = _read_manifest(path / MANIFEST)
    versions.warn_if_other(manifest, str(path))
    config = load_config(path / CONFIG_FILE)
    jobs = [(path, spec, False) for spec in observed_tables().values()]
    if with_truth and (path / TRUTH_FOLDER).is_dir():
        if verify and not manifest.get("truth_rows"):
            raise DataError(f"{path / TRUTH_FOLDER}: the manifest records no truth for this world, so this truth "
                            "folder belongs to another one; remove it or save the world again")
        jobs += [(path / TRUTH_FOLDER, spec, True) for spec in truth_tables().values()]
    try:
        frames, sealed = _read_folder_tables(jobs, format, manifest, verify, lists_of(config))
    except DataError as exc:
        raise versions.with_version_hint(exc, manifest) from None
    tables = {name: df for (truth, name), df in frames.items() if not truth}
    truth = {name: df for (truth, name), df in frames.items() if truth}
    if verify:
        # Files that match the checksums of a writer that checked their keys need no second
        # look-up of every foreign key (see crmkit.world.integrity).
        check_world(config, tables, truth, str(path), foreign_keys=not (sealed and manifest.get("keys_checked") is True))
    return config, tables, truth


def _read_folder_tables(jobs, format: str, manifest: dict, verify: bool, lists: dict) -> tuple[dict, bool]:
    """Read every table of ``jobs``; return them by ``(truth, name)``, and whether every one
    had its checksum compared with the manifest.

    The checksums are computed in a thread beside the parsing (file reads and hashlib release
    the GIL), so on two cores they cost little of the load's time. ``lists``: the world's own
    vocabulary lists (its codes).
    """
    frames, pending = {}, []
    hasher = ThreadPoolExecutor(max_workers=1)
    try:
        for folder, spec, truth in jobs:
            files = _table_files(folder, spec, format)
            where = str(files[0] if format == "csv" else folder / spec.name)
            expected = manifest.get("truth_checksums" if truth else "checksums", {})
            if verify and spec.name in expected:
                pending.append((spec.name, hasher.submit(check.files_digest, files), expected, where))
            frames[truth, spec.name] = _read_folder_table(files, spec, format, manifest, verify, truth, where, lists)
        for name, digest, expected, where in pending:
            check.check_digest(name, digest.result(), expected, where)
    finally:
        hasher.shutdown(wait=True, cancel_futures=True)
    return frames, len(pending) == len(jobs)


def _read_manifest(file: Path) -> dict:
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{file.parent}: missing {MANIFEST}, so this is not a saved crmkit world") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"{file}: not a readable crmkit manifest ({_short(exc)})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("rows"), dict):
        raise DataError(f"{file}: not a crmkit manifest (it lacks the 'rows' of each table)")
    return manifest


def _table_files(folder: Path, spec: Table, format: str) -> list[Path]:
    file = folder / (f"{spec.name}.csv" if format == "csv" else spec.name)
    if not file.exists():
        raise DataError(f"{folder}: table {spec.name!r} is missing (no {file.name})")
    if format == "csv":
        return [file]
    parts = sorted(file.iterdir())
    stray = [p.name for p in parts if not PART_NAME.fullmatch(p.name)]
    if stray:
        raise DataError(f"{file}: stray file {stray[0]!r} in table {spec.name!r}; a table folder holds only "
                        "part-NNNNN.parquet files written by crmkit")
    return parts


def _read_folder_table(files: list[Path], spec: Table, format: str, manifest: dict, verify: bool, truth: bool,
                       where: str, lists: dict) -> pd.DataFrame:
    try:
        if format == "csv":
            text = {c.name: "str" for c in spec.columns if c.type in ("text", "category")}
            df = pd.read_csv(files[0], dtype=text, keep_default_na=False, na_values=[""])
        else:
            df = pd.read_parquet(Path(where))  # the table's folder of parts
    except CrmkitError:
        raise
    except _READ_ERRORS as exc:
        raise DataError(f"{where}: table {spec.name!r} cannot be read ({_short(exc)})") from None
    df = conform(df, spec, where, lists=lists)
    if verify:
        check.check_rows(spec.name, len(df), manifest.get("truth_rows" if truth else "rows", {}), where)
    return df


def check_world(config, tables: dict, truth: dict, where: str, foreign_keys: bool = True) -> None:
    """Refuse repeated primary keys, foreign keys that point at nothing (unless ``foreign_keys``
    is off: the files were sealed by checksums) and a customer count other than the config's."""
    check.check_keys(tables, truth, where, foreign_keys=foreign_keys)
    check.check_customer_count(config.customers, len(tables["customers"]), where)


def _load_database(path: Path, format: str, verify: bool, with_truth: bool = True):
    db, truth_db = database_paths(path, format)
    if not db.is_file():
        raise DataError(f"{db}: no such database file")
    read = _read_database if format == "sqlite" else _read_duckdb
    config, manifest, tables = read(db, observed_tables())
    versions.warn_if_other(manifest, str(db))
    truth = {}
    if with_truth and truth_db.is_file():
        _, truth_manifest, truth = read(truth_db, truth_tables())
        if verify and truth_manifest.get("world_id") != manifest.get("world_id"):
            raise DataError(f"{truth_db}: this truth belongs to another world than {db.name} (their world ids "
                            "differ: one was replaced without the other); save the world again")
    if verify:
        for name, df in tables.items():
            check.check_rows(name, len(df), manifest["rows"], f"{db}:{name}")
        check_world(config, tables, truth, str(db))
    return config, tables, truth


def _read_database(db: Path, specs: dict[str, Table]):
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DataError(f"{db}: cannot open the database ({_short(exc)})") from None

    def read_meta(con) -> dict:
        return dict(con.execute("SELECT key, value FROM _crmkit").fetchall())

    return _read_store(db, con, specs, read_meta, sql.read_table, sqlite3.Error)


def _read_duckdb(db: Path, specs: dict[str, Table]):
    import duckdb  # loaded only when a DuckDB world is read

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise DataError(f"{db}: cannot open the database ({_short(exc)})") from None
    return _read_store(db, con, specs, duck.read_meta, duck.read_table, duckdb.Error)


def _read_store(db: Path, con, specs: dict[str, Table], read_meta, read_table, store_error):
    """A database world's config, manifest and tables (SQLite or DuckDB: they differ only in
    how they are opened and read); every damage becomes one DataError. Closes ``con``."""
    errors = (*_READ_ERRORS, store_error)
    try:
        meta = read_meta(con)
        config = load_config(_yaml.safe_load(meta["config"]))
        manifest = json.loads(meta["manifest"])
        if not isinstance(manifest, dict) or not isinstance(manifest.get("rows"), dict):
            raise DataError(f"{db}: the _crmkit manifest row is damaged (it lacks the 'rows' of each table)")
        tables = {}
        for name, spec in specs.items():
            where = f"{db}:{name}"
            try:
                tables[name] = conform(read_table(con, spec), spec, where, lists=lists_of(config))
            except DataError as exc:
                raise versions.with_version_hint(exc, manifest) from None
            except CrmkitError:
                raise
            except errors as exc:
                raise DataError(f"{where}: table {name!r} cannot be read ({_short(exc)})") from None
    except CrmkitError:
        raise
    except errors as exc:
        raise DataError(f"{db}: not a crmkit world database ({_short(exc)})") from None
    finally:
        con.close()
    return config, manifest, tables


def _short(exc: BaseException) -> str:
    """The first line of a library's error, with its type: enough to act on, no traceback."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__  # fixed: one line of message
