"""Input checks shared by the analytics modules."""

from __future__ import annotations

import pandas as pd

from crmkit.errors import DataError


def require_columns(df: pd.DataFrame, columns, table: str) -> None:
    """Raise one clear :class:`DataError` when ``df`` lacks one of ``columns``.

    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "orders")
    Traceback (most recent call last):
    ...
    crmkit.errors.DataError: orders: column 'b' is missing; needed: a, b
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{table}: column {missing[0]!r} is missing; needed: {', '.join(columns)}")
