"""Input checks shared by the analytics modules."""

from __future__ import annotations

import pandas as pd

from crmkit.errors import ConfigError, DataError, describe_allowed


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


def check_choice(name: str, value, allowed) -> None:
    """Raise one clear :class:`ConfigError` when a setting is not one of ``allowed``.

    >>> check_choice("origin", "fax", ("all", "phone"))
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: origin = 'fax': one of 'all', 'phone'
    """
    if value not in allowed:
        raise ConfigError(f"{name} = {value!r}: {describe_allowed(allowed)}")
