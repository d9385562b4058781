"""Checking where a world is to be saved, before anything is simulated or written.

A save writes beside its target and renames the result into place, so a target that
names no folder of its own (``/``, ``.``, ``x/..``), sits under a file, or cannot be
written to must be refused up front, in one line, rather than fail half-way with a raw
``OSError`` (or, worse, replace the folder the user is working in).
"""

from __future__ import annotations

import os
from pathlib import Path

from crmkit.errors import DataError
from crmkit.world.layout import DATABASES, check_format, database_paths


def check_output_path(path, format: str, field: str = "path") -> Path:
    """Refuse a save target that cannot hold a world; return the path the world will take.

    Parameters
    ----------
    path : str or Path
        Where to save: a folder (csv, parquet) or a database file (sqlite ``.db``, duckdb
        ``.duckdb``; the suffix is added if missing). Missing parent folders are fine: the
        save creates them.
    format : {"csv", "parquet", "sqlite", "duckdb"}
        The format to save in.
    field : str, default "path"
        The name the user typed the path under, for the message (``--out`` on the
        command line).

    Returns
    -------
    Path
        ``path`` as a Path; for a database format, the database file that will be written.

    Raises
    ------
    DataError
        One line naming ``field``, the value and what is allowed. Whether an existing
        target is a crmkit world that may be replaced is left to the save itself.

    Examples
    --------
    >>> check_output_path("worlds/w7", "sqlite").as_posix()
    'worlds/w7.db'
    >>> check_output_path("/", "csv")
    Traceback (most recent call last):
    crmkit.errors.DataError: path = '/' is the root folder; allowed: a folder to create (or a saved crmkit world's folder to replace)
    """
    check_format(format)
    database = format in DATABASES
    text = os.fspath(path)
    allowed = _allowed(format)
    if "\0" in text:
        raise DataError(f"{field} = {text!r} contains a NUL character; allowed: {allowed}")
    if not text.strip():
        raise DataError(f"{field} = {text!r} is empty; allowed: {allowed}")
    target = Path(text)
    _check_names_a_place(target, text, field, allowed)
    if database:
        target = database_paths(target, format)[0]
    _check_not_above_here(target, text, field, allowed)
    _check_parents(target, text, field)
    if database and target.is_dir():
        raise DataError(f"{field} = {text!r}: {target} is a folder, and a {format} world is a file; allowed: {allowed}")
    if not database and target.exists() and not target.is_dir():
        raise DataError(f"{field} = {text!r} is a file, and a {format} world is a folder; allowed: {allowed}")
    return target


def _allowed(format: str) -> str:
    if format in DATABASES:
        return f"a {DATABASES[format]} file to create (or a saved crmkit world's {DATABASES[format]} file to replace)"
    return "a folder to create (or a saved crmkit world's folder to replace)"


def _check_names_a_place(target: Path, text: str, field: str, allowed: str) -> None:
    """Refuse targets whose temporary twin and final rename make no sense."""
    # pathlib reads "x/." as "x" (a fine target) but keeps "..", and "." has no name at all.
    if target.name in ("", ".."):
        if target.anchor and target == Path(target.anchor):
            raise DataError(f"{field} = {text!r} is the root folder; allowed: {allowed}")
        raise DataError(f"{field} = {text!r} ends in '.' or '..', which names no folder of its own; allowed: {allowed}")


def _check_not_above_here(target: Path, text: str, field: str, allowed: str) -> None:
    """Replacing the working folder (or a folder above it) would pull the floor away."""
    try:
        resolved, here = target.resolve(), Path.cwd().resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop, a vanished working folder
        raise DataError(f"{field} = {text!r} cannot be resolved ({exc}); allowed: {allowed}") from None
    if resolved == Path(resolved.anchor):
        raise DataError(f"{field} = {text!r} is the root folder; allowed: {allowed}")
    if resolved == here or resolved in here.parents:
        raise DataError(f"{field} = {text!r} is the folder you are working in (or one above it); allowed: {allowed}")


def _check_parents(target: Path, text: str, field: str) -> None:
    """The nearest existing parent must be a folder this process may create files in."""
    parent = target.absolute().parent
    try:
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        is_folder = parent.is_dir()
    except OSError as error:  # a folder on the way that this process may not look into
        raise DataError(f"{field} = {text!r}: {error.filename} cannot be looked into ({error.strerror}); "
                        "allowed: a place you can write to") from None
    if not is_folder:
        raise DataError(f"{field} = {text!r}: {parent} is a file, not a folder; allowed: a path under folders only")
    # The effective ids are the ones the save writes with (they differ under sudo-like tools).
    effective = os.access in os.supports_effective_ids
    if not os.access(parent, os.W_OK | os.X_OK, effective_ids=effective):
        raise DataError(f"{field} = {text!r}: no permission to create files in {parent} (or it is read-only); "
                        "allowed: a place you can write to")
