"""Where a saved world lives on disk, and which paths the kit may replace.

A world is a folder (CSV or Parquet) holding a ``manifest.json``, or a SQLite ``.db`` or
DuckDB ``.duckdb`` file holding a ``_crmkit`` table; its truth sits in ``truth/`` or in a
``.truth.db`` / ``.truth.duckdb`` beside it.
The kit replaces only what it wrote itself (a folder or file with that marker, or an empty
folder); anything else is refused unless the caller passes ``overwrite=True``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

from crmkit.errors import DataError, describe_allowed

FORMATS = ("csv", "parquet", "sqlite", "duckdb")
# The formats that are one database file (plus a truth database beside it), and their suffix.
DATABASES = {"sqlite": ".db", "duckdb": ".duckdb"}
MANIFEST = "manifest.json"
CONFIG_FILE = "world.yaml"
TRUTH_FOLDER = "truth"
PART_NAME = re.compile(r"part-\d{5}\.parquet")
# Temporary names beside the target: ".<name>.tmp-<pid>" while writing, ".<name>.old-<pid>"
# for the world being replaced. The pid tells a live writer's files from a dead one's.
# DuckDB may leave its write-ahead log beside a killed save's file, as "<that name>.wal".
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)(?:\.wal)?")


def check_format(format: str) -> str:
    """Return ``format`` if the kit can write it, else raise :class:`DataError`.

    >>> check_format("csv")
    'csv'
    """
    if format not in FORMATS:
        raise DataError(f"format = {format!r}: {describe_allowed(FORMATS)}")
    return format


def sqlite_paths(target: Path) -> tuple[Path, Path]:
    """The database of a SQLite world and its truth database.

    >>> [p.name for p in sqlite_paths(Path("w"))]
    ['w.db', 'w.truth.db']
    """
    db = target if target.suffix == ".db" else target.with_suffix(".db")
    return db, db.with_suffix(".truth.db")


def database_paths(target: Path, format: str) -> tuple[Path, Path]:
    """The database of a SQLite or DuckDB world and its truth database.

    >>> [p.name for p in database_paths(Path("w"), "duckdb")]
    ['w.duckdb', 'w.truth.duckdb']
    """
    suffix = DATABASES[format]
    db = target if target.suffix == suffix else target.with_suffix(suffix)
    return db, db.with_suffix(".truth" + suffix)


def temporary_name(target: Path, kind: str = "tmp") -> Path:
    """The name a save writes to before renaming it into place (``kind`` is tmp or old)."""
    return target.with_name(f".{target.name}.{kind}-{os.getpid()}")


def detect_format(path: Path) -> str:
    """The format of the world saved at ``path`` (``x`` also finds ``x.db`` or ``x.duckdb``)."""
    if path.suffix == ".duckdb" or (path.is_file() and is_duckdb_file(path)) or (
            not path.exists() and database_paths(path, "duckdb")[0].is_file()):
        return "duckdb"
    if path.is_file() or path.suffix == ".db" or (not path.exists() and sqlite_paths(path)[0].is_file()):
        return "sqlite"
    if (path / "customers.csv").is_file():
        return "csv"
    if (path / "customers").is_dir():
        return "parquet"
    raise DataError(f"{path}: no saved world here (expected customers.csv, a customers/ folder of Parquet parts, "
                    "a .db or a .duckdb file)")


def is_world_folder(path: Path) -> bool:
    """True when ``path`` is a folder the kit wrote (its manifest says so)."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "crmkit_version" in manifest


def is_world_database(path: Path) -> bool:
    """True when ``path`` is a SQLite file the kit wrote (it has a ``_crmkit`` manifest row)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT 1 FROM _crmkit WHERE key = 'manifest'").fetchone() is not None
        finally:
            con.close()
    except sqlite3.Error:
        return False


def check_replaceable(target: Path, format: str, overwrite: bool = False) -> None:
    """Refuse to save over anything the kit did not write, unless ``overwrite`` is set.

    Raises
    ------
    DataError
        Naming the path, what is there and how to replace it on purpose.
    """
    if format in DATABASES:
        written_by_kit = is_world_database if format == "sqlite" else is_world_duckdb
        for file in database_paths(target, format):
            if file.is_dir():
                raise DataError(f"path = {str(file)!r} is a folder; a {format} world is a {DATABASES[format]} file: "
                                "choose a file name")
            if file.exists() and not overwrite and not written_by_kit(file):
                raise _refusal(file, "a file that is not a crmkit world database")
        return
    if target.exists() and not target.is_dir():
        raise DataError(f"path = {str(target)!r} is a file; a {format} world is a folder: choose a folder name")
    if target.is_dir() and not overwrite and any(target.iterdir()) and not is_world_folder(target):
        raise _refusal(target, "a folder that is not a crmkit world (it has no crmkit manifest.json)")


def _refusal(path: Path, what: str) -> DataError:
    return DataError(f"path = {str(path)!r} is {what}; refusing to replace it: choose another path, "
                     "or pass --overwrite (overwrite=True) to replace it")


def sweep_leftovers(target: Path) -> list[Path]:
    """Remove temporary files and folders that a killed save of ``target`` left beside it.

    Only names of the kit's own pattern (``.<name>.tmp-<pid>``, ``.<name>.old-<pid>``)
    whose process is gone are removed; a save still running elsewhere keeps its files.
    """
    names = {p.name for p in (target, *sqlite_paths(target), *database_paths(target, "duckdb"))}
    removed = []
    if not target.parent.is_dir():
        return removed
    for entry in target.parent.iterdir():
        match = _LEFTOVER.fullmatch(entry.name)
        if not match or match["name"] not in names or _alive(int(match["pid"])):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def is_world_duckdb(path: Path) -> bool:
    """True when ``path`` is a DuckDB file the kit wrote (it has a ``_crmkit`` manifest row)."""
    if not is_duckdb_file(path):
        return False
    import duckdb  # loaded only when a DuckDB world is in play

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return con.execute("SELECT 1 FROM _crmkit WHERE key = 'manifest'").fetchone() is not None
    except duckdb.Error:
        return False
    finally:
        con.close()


def is_duckdb_file(path: Path) -> bool:
    """True when ``path`` starts like a DuckDB file (the magic bytes ``DUCK`` at offset 8)."""
    try:
        with open(path, "rb") as file:
            return file.read(12)[8:12] == b"DUCK"  # fixed: DuckDB's file header
    except OSError:
        return False


def make_private(path: Path) -> None:
    """Make ``path`` (a file, or a folder and all it holds) readable by its owner only."""
    if path.is_dir():
        for folder, _, files in os.walk(path):
            os.chmod(folder, 0o700)  # fixed: owner only
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)  # fixed: owner only
    elif path.exists():
        os.chmod(path, 0o600)  # fixed: owner only
