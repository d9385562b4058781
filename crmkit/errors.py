"""The kit's own exceptions: one clear message naming the field, the value and what is allowed."""

from __future__ import annotations


class CrmkitError(Exception):
    """Base class of every error the kit raises on purpose."""


class ConfigError(CrmkitError, ValueError):
    """A world configuration (YAML file, case name or override) is not valid."""


class DataError(CrmkitError, ValueError):
    """A saved world or a table does not match the data dictionary."""


class WorkerError(CrmkitError, RuntimeError):
    """A worker process of a parallel simulation stopped before finishing its part."""


def describe_allowed(values) -> str:
    """Format a collection of allowed values for an error message.

    >>> describe_allowed(["csv", "parquet"])
    "one of 'csv', 'parquet'"
    """
    return "one of " + ", ".join(repr(v) for v in values)
