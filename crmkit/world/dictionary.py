"""The data dictionary: one description of every table that code, stores and docs all read.

Types in the dictionary map to pandas dtypes here; :func:`conform` gives a table exactly
those dtypes (used after simulation and after loading from any store), and
:func:`check_columns` refuses a table whose columns are missing or of the wrong kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmkit import _yaml
from crmkit.errors import DataError, describe_allowed
from crmkit.world.vocabulary import category_dtype, terms

TIME_UNIT = "datetime64[s]"
PANDAS_DTYPES = {
    "id": "int64",
    "int": "int64",
    "nullable_int": "Int64",
    "float": "float64",
    "money": "float64",
    "text": "str",
    "timestamp": TIME_UNIT,
    "date": TIME_UNIT,
    "bool": "bool",
}


@dataclass(frozen=True)
class Column:
    """One column of a table, as the data dictionary declares it."""

    name: str
    type: str
    description: str
    nullable: bool = False
    vocabulary: str | None = None
    references: str | None = None
    min: float | None = None
    max: float | None = None
    only_with: str | None = None  # the config section that fills it (empty in worlds without it)

    @property
    def dtype(self):
        """The pandas dtype the column has in memory (with the kit's vocabulary)."""
        return self.dtype_in()

    def dtype_in(self, lists: dict[str, tuple[str, ...]] | None = None):
        """The pandas dtype in a world whose own vocabulary ``lists`` replace the kit's."""
        if self.type == "category":
            return category_dtype(self.vocabulary, lists)
        return PANDAS_DTYPES[self.type]

    @property
    def lower_bound(self) -> float | None:
        """The smallest allowed value (money is never negative)."""
        return 0.0 if self.type == "money" and self.min is None else self.min


@dataclass(frozen=True)
class Table:
    """One table: its columns, key, scope and whether it is part of the hidden truth."""

    name: str
    description: str
    scope: str
    primary_key: str
    columns: tuple[Column, ...]
    is_truth: bool = False
    only_with: str | None = None  # the config section that fills it (empty in worlds without it)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@cache
def _load() -> dict[str, dict[str, Table]]:
    data = files("crmkit.world.data")
    raw = _yaml.safe_load(data.joinpath("data_dictionary.yaml").read_text(encoding="utf-8"))
    for fragment in raw.pop("include", []):  # one file per domain, in the listed order
        extra = _yaml.safe_load(data.joinpath(fragment).read_text(encoding="utf-8")) or {}
        for section in ("tables", "truth"):
            raw[section].update(extra.get(section) or {})
    out = {}
    for section in ("tables", "truth"):
        out[section] = {
            name: Table(
                name=name,
                description=spec["description"],
                scope=spec["scope"],
                primary_key=spec["primary_key"],
                columns=tuple(Column(**{"nullable": c["type"] == "nullable_int", **c}) for c in spec["columns"]),
                is_truth=section == "truth",
                only_with=spec.get("only_with"),
            )
            for name, spec in raw[section].items()
        }
    return out


def observed_tables() -> dict[str, Table]:
    """The observed tables, in dependency order (a table only references earlier ones... or itself).

    >>> list(observed_tables())[:3]
    ['customers', 'products', 'campaigns']
    """
    return _load()["tables"]


def truth_tables() -> dict[str, Table]:
    """The truth tables (what really happened), kept apart from the observed ones."""
    return _load()["truth"]


def table_spec(name: str, truth: bool = False) -> Table:
    """Return the dictionary entry of one table."""
    tables = truth_tables() if truth else observed_tables()
    if name not in tables:
        kind = "truth table" if truth else "table"
        raise DataError(f"unknown {kind} {name!r}: {describe_allowed(tables)}")
    return tables[name]


def _to_dtype(series: pd.Series, column: Column, lists=None) -> pd.Series:
    if series.dtype == column.dtype_in(lists):  # already right: the common case after simulation
        return series
    if column.type in ("timestamp", "date"):
        return pd.to_datetime(series).astype(TIME_UNIT)
    if column.type == "category":
        return _to_category(series, column, lists)
    if column.type == "bool":
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            return series.map({"True": True, "False": False, "1": True, "0": False, True: True, False: False}).astype(bool)
        return series.astype(bool)
    if column.type == "text":
        return series.astype("str")
    return series.astype(column.dtype)


def _to_category(series: pd.Series, column: Column, lists=None) -> pd.Series:
    # One hash lookup gives both the codes and the unknown values (faster than isin + Categorical).
    allowed = list(terms(column.vocabulary, lists))
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        found = pc.index_in(pa.array(series.array), value_set=pa.array(allowed, pa.string()))
        codes = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    else:
        codes = pd.Index(allowed, dtype=object).get_indexer(series.to_numpy(dtype=object))
    unknown = (codes < 0) & series.notna().to_numpy()
    if unknown.any():
        raise DataError(
            f"column {column.name!r} has value {series[unknown].iloc[0]!r}, not in vocabulary "
            f"{column.vocabulary!r}: {describe_allowed(allowed)}"
        )
    return pd.Series(pd.Categorical.from_codes(codes, dtype=column.dtype_in(lists)), index=series.index, name=series.name)


def conform(df: pd.DataFrame, table: Table, source: str = "table", keep: tuple[str, ...] = (),
            lists: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Return ``df`` with exactly the dictionary's columns, in order, with their dtypes.

    Raises :class:`DataError` naming the table, the column and the problem when a column
    is missing or its values cannot take the declared type. Columns named in ``keep``
    (the engine's internal ``_customer``) are allowed and kept at the end. ``lists``: the
    world's own vocabulary lists (its codes, see :func:`crmkit.world.codes.lists_of`).
    """
    kept = [c for c in keep if c in df.columns]
    check_columns(df, table, source, ignore=kept)
    if not df.index.equals(pd.RangeIndex(len(df))):
        df = df.reset_index(drop=True)
    names = [*table.column_names, *kept]
    changed = {}
    for column in [*table.columns, *(Column(c, "int", "internal") for c in kept)]:
        series = df[column.name]
        try:
            typed = _to_dtype(series, column, lists)
        except (ValueError, TypeError) as exc:
            raise DataError(
                f"{source}: column {table.name}.{column.name} cannot be read as {column.type}: {exc}"
            ) from None
        if typed is not series:
            changed[column.name] = typed.array
    # Only what differs is rebuilt: a table already right comes back without a copy.
    out = df if list(df.columns) == names else df[names]
    return out.assign(**changed) if changed else out


def check_columns(df: pd.DataFrame, table: Table, source: str = "table", ignore=()) -> None:
    """Refuse a table with missing columns or unexpected extra ones (other than ``ignore``)."""
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        raise DataError(
            f"{source}: table {table.name!r} lacks column {missing[0]!r}; "
            f"expected columns: {', '.join(table.column_names)}"
        )
    extra = [c for c in df.columns if c not in table.column_names and c not in ignore]
    if extra:
        raise DataError(
            f"{source}: table {table.name!r} has unexpected column {extra[0]!r}; "
            f"expected columns: {', '.join(table.column_names)}"
        )


def round_money(values: np.ndarray) -> np.ndarray:
    """Round amounts to cents, the way every money column is stored.

    >>> round_money(np.array([1.005, 2.499])).tolist()
    [1.0, 2.5]
    """
    return np.round(np.asarray(values, dtype=float), 2)
