"""The ``World``: observed tables, the hidden truth kept apart, and the config that made them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from crmkit.world.config import WorldConfig


class Truth(Mapping):
    """What really happened, table by table (``truth["customers"]`` or ``truth.customers``).

    Kept apart from the observed tables so an instructor can withhold it.
    """

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self._tables = dict(tables)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):  # e.g. while unpickling, before _tables exists
            raise AttributeError(name)
        try:
            return self._tables[name]
        except KeyError:
            raise AttributeError(f"no truth table {name!r}; there are: {', '.join(self._tables)}") from None

    def __dir__(self):
        return [*super().__dir__(), *self._tables]

    def __repr__(self) -> str:
        return f"Truth({', '.join(f'{k}: {len(v):,} rows' for k, v in self._tables.items())})"


class World:
    """A simulated CRM world (synthetic data).

    Attributes
    ----------
    config : WorldConfig
        Everything needed to make the world again.
    tables : dict of str to DataFrame
        The observed tables; each is also an attribute (``world.customers``).
    truth : Truth
        What really happened (personas, phases, churn, hold-out value, true uplift...).
    """

    def __init__(self, config: WorldConfig, tables: dict[str, pd.DataFrame], truth: dict[str, pd.DataFrame] | None):
        self.config = config
        self.tables = dict(tables)
        self.truth = Truth(truth or {})

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"World has no table or attribute {name!r}; tables: {', '.join(tables)}")

    def __dir__(self):
        return [*super().__dir__(), *self.tables]

    @property
    def observed_until(self) -> pd.Timestamp:
        """The last day of the observation window (the pinned reference date)."""
        return pd.Timestamp(self.config.calendar.observed_until)

    @property
    def holdout_until(self) -> pd.Timestamp:
        """The last day of the hold-out period whose outcomes only the truth knows."""
        return self.observed_until + pd.DateOffset(months=self.config.calendar.holdout_months)

    def row_counts(self) -> pd.Series:
        """Rows per observed table."""
        return pd.Series({name: len(df) for name, df in self.tables.items()}, name="rows")

    def save(self, path: str | Path, format: str = "csv", include_truth: bool = True, overwrite: bool = False) -> Path:
        """Save the world to ``path`` as ``csv``, ``parquet`` (folders), ``sqlite`` (a .db file) or ``duckdb``.

        The truth goes to a ``truth/`` folder (or a separate ``.truth.db`` / ``.truth.duckdb``) so it can
        be withheld, readable by the owner only; ``include_truth=False`` leaves it out, and
        the seed with it (a hand-out). A world saved before at ``path`` is replaced; any
        other file or folder there is refused unless ``overwrite=True``. Returns the path
        written.
        """
        from crmkit.world.store import save_world

        return save_world(self, path, format=format, include_truth=include_truth, overwrite=overwrite)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k} {len(v):,}" for k, v in self.tables.items())
        return (f"<World {self.config.name!r} (synthetic): {len(self.tables['customers']):,} customers, "
                f"observed {self.config.calendar.start_date} to {self.config.calendar.observed_until}; {counts}>")


def load_world(path: str | Path, format: str | None = None, verify: bool = True) -> World:
    """Load a world saved with :meth:`World.save` (the format is detected when not given).

    With ``verify`` (the default) the load checks row counts and checksums against the
    world's manifest, unique primary keys, foreign keys and the customer count, and
    raises :class:`crmkit.errors.DataError` naming the table and the first bad key.
    A world made by another world version (see ``docs/world_model.md``) loads with a
    :class:`crmkit.world.world_version.WorldVersionWarning`.
    """
    from crmkit.world.loading import read_world

    return World(*read_world(path, format=format, verify=verify))
