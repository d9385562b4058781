"""The class roster: a CSV file with a ``student_id`` column, read strictly.

Every student id names a folder, so ids are short, made of letters, digits, ``.``, ``_``
and ``-``, and distinct **ignoring case**: ``S001`` and ``s001`` are one folder on macOS
and Windows disks. A file that is empty, not text, or not valid CSV gets one line saying so.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from crmkit.errors import DataError

__all__ = ["read_roster", "STUDENT_ID"]

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ALLOWED = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
_FORMAT = "a UTF-8 CSV file with a header line holding 'student_id' and one line per student"


def read_roster(path) -> pd.DataFrame:
    """The roster as a table: ``student_id`` (checked, unique ignoring case), other columns as they are.

    Parameters
    ----------
    path : path or file-like
        The CSV file (or an open text stream).

    Examples
    --------
    >>> read_roster(io.StringIO("student_id,name\\ns001,Ada\\ns002,Bo\\n")).student_id.tolist()
    ['s001', 's002']
    >>> read_roster(io.StringIO("student_id\\nS001\\ns001\\n"))
    Traceback (most recent call last):
    ...
    crmkit.errors.DataError: roster <stream>: student_id 'S001' and 's001' differ only in case, so they would share one folder on macOS and Windows disks; make every student_id distinct ignoring case
    """
    name, text = _read_text(path)
    try:
        roster = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except pd.errors.EmptyDataError:
        raise DataError(f"roster {name}: the file is empty; expected {_FORMAT}") from None
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        detail = " ".join(str(error).split())[:120]
        raise DataError(f"roster {name}: not valid CSV ({detail}); expected {_FORMAT}, quotes closed") from None
    if "student_id" not in roster.columns:
        raise DataError(f"roster {name}: no 'student_id' column (columns: {', '.join(map(str, roster.columns))[:200]}); "
                        f"expected {_FORMAT}")
    roster["student_id"] = roster["student_id"].str.strip()
    bad = [i for i in roster["student_id"] if not STUDENT_ID.fullmatch(i)]
    if bad:
        raise DataError(f"roster {name}: student_id {bad[0][:80]!r} is not allowed; use {ALLOWED}")
    _check_distinct(roster["student_id"], name)
    if roster.empty:
        raise DataError(f"roster {name}: no students; expected {_FORMAT}")
    return roster


def _read_text(path) -> tuple[str, str]:
    """The roster's name for messages and its text; binary files are refused here."""
    if hasattr(path, "read"):
        name, data = "<stream>", path.read()
    else:
        name = repr(str(path))
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise DataError(f"roster {name}: cannot be read ({error.strerror}); expected {_FORMAT}") from None
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DataError(f"roster {name}: holds a NUL byte at position {nul}, so it is not text; "
                        f"expected {_FORMAT}")
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"roster {name}: byte 0x{data[error.start]:02x} at position {error.start} is not UTF-8 text; "
                        f"expected {_FORMAT} (save it as 'CSV UTF-8')") from None


def _check_distinct(ids: pd.Series, name: str) -> None:
    folded = ids.str.casefold()
    repeated = ids[folded.duplicated(keep=False)]
    if repeated.empty:
        return
    first = repeated.iloc[0]
    twin = repeated[(folded[repeated.index] == first.casefold()) & (repeated.index != repeated.index[0])].iloc[0]
    if twin == first:
        raise DataError(f"roster {name}: student_id {first!r} appears more than once; each student needs one line")
    raise DataError(f"roster {name}: student_id {first!r} and {twin!r} differ only in case, so they would share one "
                    "folder on macOS and Windows disks; make every student_id distinct ignoring case")
