"""The grouping column shared by the service and feedback tables: a calendar month or a column."""

from __future__ import annotations

__all__ = ["group_key"]

import pandas as pd

from crmkit.errors import DataError


def group_key(df: pd.DataFrame, by: str, time_column: str, table: str) -> pd.Series:
    """The grouping column: calendar month of ``time_column`` for ``by="month"``, else ``df[by]``.

    ``table`` names ``df`` in the error raised when ``by`` is neither "month" nor a column.

    >>> cases = pd.DataFrame({"opened_at": pd.to_datetime(["2024-01-31", "2024-02-01"]), "origin": ["web", "phone"]})
    >>> group_key(cases, "month", "opened_at", "cases").dt.strftime("%Y-%m").tolist()
    ['2024-01', '2024-02']
    >>> group_key(cases, "origin", "opened_at", "cases").tolist()
    ['web', 'phone']
    >>> group_key(cases, "colour", "opened_at", "cases")
    Traceback (most recent call last):
    ...
    crmkit.errors.DataError: cases: by = 'colour' is not a column; use 'month' or one of: opened_at, origin
    """
    if by == "month":
        return df[time_column].dt.to_period("M").dt.to_timestamp().rename("month")
    if by not in df.columns:
        raise DataError(f"{table}: by = {by!r} is not a column; use 'month' or one of: {', '.join(map(str, df.columns))}")
    return df[by]
