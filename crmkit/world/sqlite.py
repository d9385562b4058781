"""The central store as a real relational schema, generated from the data dictionary.

Primary keys, foreign keys (checked over the whole store when it is written, and
enforced on every later change by a connection that sets ``PRAGMA foreign_keys=ON``) and
CHECK constraints on enumerations and amounts: the database itself guards the contracts.
"""

from __future__ import annotations

import sqlite3
from graphlib import TopologicalSorter

import numpy as np
import pandas as pd

from crmkit.errors import DataError
from crmkit.world.dictionary import Column, Table
from crmkit.world.vocabulary import terms

SQL_TYPES = {"id": "INTEGER", "int": "INTEGER", "nullable_int": "INTEGER", "float": "REAL", "money": "REAL",
             "text": "TEXT", "timestamp": "TEXT", "date": "TEXT", "bool": "INTEGER", "category": "TEXT"}
TIME_FORMATS = {"timestamp": "%Y-%m-%d %H:%M:%S", "date": "%Y-%m-%d"}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _column_sql(column: Column, table: Table, with_foreign_keys: bool, lists=None) -> str:
    parts = [column.name, SQL_TYPES[column.type]]
    if column.name == table.primary_key:
        parts.append("PRIMARY KEY")
    if not column.nullable:
        parts.append("NOT NULL")
    checks = []
    if column.type == "category":
        # "a = 'x' OR a = 'y'" rather than "a IN ('x', 'y')": the same rule, but checking an
        # IN list on every row made inserts three times slower (measured on a 20,000-customer world).
        checks.append("(" + " OR ".join(f"{column.name} = {_quote(v)}" for v in terms(column.vocabulary, lists)) + ")")
    if column.type == "bool":
        checks.append(f"({column.name} = 0 OR {column.name} = 1)")
    if column.lower_bound is not None:
        checks.append(f"{column.name} >= {column.lower_bound}")
    if column.max is not None:
        checks.append(f"{column.name} <= {column.max}")
    if checks:
        parts.append(f"CHECK ({' AND '.join(checks)})")
    if column.references and with_foreign_keys:
        target, key = column.references.split(".")
        parts.append(f"REFERENCES {target}({key})")
    return " ".join(parts)


def create_table_sql(table: Table, with_foreign_keys: bool = True, lists: dict | None = None) -> str:
    """The ``CREATE TABLE`` statement of one dictionary table (category checks from the
    world's own vocabulary ``lists`` where it has them, the kit's otherwise).

    >>> from crmkit.world.dictionary import table_spec
    >>> print(create_table_sql(table_spec("products")).splitlines()[1])
      product_id INTEGER PRIMARY KEY NOT NULL,
    """
    body = ",\n  ".join(_column_sql(c, table, with_foreign_keys, lists) for c in table.columns)
    return f"CREATE TABLE {table.name} (\n  {body}\n)"


def insertion_order(tables: dict[str, Table]) -> list[str]:
    """Table names ordered so that every referenced table comes first."""
    graph = {name: {c.references.split(".")[0] for c in t.columns if c.references} & set(tables) - {name}
             for name, t in tables.items()}
    return list(TopologicalSorter(graph).static_order())


def _sql_values(df: pd.DataFrame, table: Table) -> list[tuple]:
    # Column by column into Python objects (None for missing), then rows: no per-value checks.
    columns = []
    for column in table.columns:
        s = df[column.name]
        if column.type in TIME_FORMATS:
            s = s.dt.strftime(TIME_FORMATS[column.type])
        elif column.type == "bool":
            s = s.astype(np.int64)
        columns.append(s.astype(object).where(s.notna(), None).tolist())
    return list(zip(*columns))


def create_database(path, specs: dict[str, Table], with_foreign_keys: bool, lists: dict | None = None) -> sqlite3.Connection:
    """A new database file with the schema of ``specs``; returns the open connection."""
    con = sqlite3.connect(path)
    # Foreign keys are declared in the schema but checked once, after loading (see
    # check_foreign_keys): checking them row by row made loading half as fast again.
    # The file is written under a temporary name and renamed only when complete, so a
    # crash cannot leave a half-written store behind: no need to sync every commit.
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA journal_mode=MEMORY")
    for name in insertion_order(specs):
        con.execute(create_table_sql(specs[name], with_foreign_keys, lists))
    return con


def insert(con: sqlite3.Connection, spec: Table, df: pd.DataFrame) -> None:
    """Insert rows; the schema's keys and checks refuse anything inconsistent."""
    marks = ", ".join("?" * len(spec.columns))
    con.executemany(f"INSERT INTO {spec.name} VALUES ({marks})", _sql_values(df, spec))
    con.commit()


def check_foreign_keys(con: sqlite3.Connection, where: str) -> None:
    """Refuse a store in which some row points at nothing (the whole store in one pass).

    Raises
    ------
    DataError
        Naming the first few rows whose key has no parent, and how many there are.
    """
    broken = con.execute("PRAGMA foreign_key_check").fetchall()
    if not broken:
        return
    shown = []
    for table, rowid, parent, key in broken[:3]:  # fixed: a few examples are enough
        # fixed: SQLite's PRAGMA rows: foreign_key_list (id, seq, table, from, ...), table_info (cid, name, ..., pk)
        column = next(r[3] for r in con.execute(f"PRAGMA foreign_key_list({table})") if r[0] == key)  # fixed: see above
        # An INTEGER PRIMARY KEY is the rowid: name the row by its key when there is one.
        row_key = next((r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[5]), "rowid")  # fixed: see above
        shown.append(f"{table} {row_key} {rowid}: {column} not in {parent}")
    raise DataError(f"{where}: {len(broken):,} rows point at nothing ({'; '.join(shown)}); "
                    "every key must match a row of the table it refers to")


def write_meta(con: sqlite3.Connection, config_text: str, manifest_text: str) -> None:
    con.execute("CREATE TABLE _crmkit (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.executemany("INSERT INTO _crmkit VALUES (?, ?)", [("config", config_text), ("manifest", manifest_text)])
    con.commit()


def read_table(con: sqlite3.Connection, table: Table) -> pd.DataFrame:
    """Read one table in insertion order (types are restored by the caller)."""
    return pd.read_sql_query(f"SELECT * FROM {table.name} ORDER BY rowid", con)
