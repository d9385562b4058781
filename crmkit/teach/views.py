"""What a check may look at: the world's observed tables, and its truth only when allowed.

A check's source of truth is explicit. In a **lesson** the learner owns the world, so
checks may read ``world.truth`` (``source="truth"``). In an **assignment** the truth stays
with the instructor: instant checks see only the observed tables (``source="observed"``)
and questions scored against the truth are graded from the instructor's key.
"""

from __future__ import annotations

import pandas as pd

from crmkit.errors import ConfigError, CrmkitError, describe_allowed

__all__ = ["SOURCES", "TruthWithheld", "WorldView"]

#: The sources a check can use.
SOURCES = ("truth", "observed")


class TruthWithheld(CrmkitError):
    """A check tried to read the truth where it is not available."""


class WorldView:
    """A world as exercises see it: the observed tables, ``observed_until``, ``holdout_until``,
    ``config`` and, only for ``source="truth"``, ``truth``.

    Reference and mistake functions receive a view; they read it like a world
    (``view.orders``, ``view.observed_until``, ``view.truth.customers``).

    Parameters
    ----------
    world : crmkit.World
        The world (anything with a ``tables`` dict and ``observed_until``).
    source : {"truth", "observed"}
        Whether the truth may be read.

    Examples
    --------
    >>> import types
    >>> world = types.SimpleNamespace(tables={"orders": pd.DataFrame({"net_amount": [5.0]})},
    ...                               truth={"customers": pd.DataFrame()}, observed_until=pd.Timestamp("2025-12-31"))
    >>> view = WorldView(world, source="observed")
    >>> float(view.orders.net_amount.sum())
    5.0
    >>> view.truth  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crmkit.teach.views.TruthWithheld: this check sees only the observed tables (source='observed'), ...
    """

    def __init__(self, world, source: str):
        if source not in SOURCES:
            raise ConfigError(f"source = {source!r}: must be {describe_allowed(SOURCES)} "
                              "('truth' in lessons, 'observed' in graded assignments)")
        if not isinstance(getattr(world, "tables", None), dict) or not hasattr(world, "observed_until"):
            raise ConfigError(f"world: expected a crmkit World (from ck.simulate or ck.load_world), "
                              f"got {type(world).__name__}")
        self._world = world
        self.source = source

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The observed tables by name."""
        return self._world.tables

    @property
    def observed_until(self) -> pd.Timestamp:
        """The last day of the observation window."""
        return self._world.observed_until

    @property
    def holdout_until(self) -> pd.Timestamp:
        """The last day of the hold-out period (its outcomes are truth)."""
        return self._world.holdout_until

    @property
    def config(self):
        """The world's configuration."""
        return self._world.config

    @property
    def has_truth(self) -> bool:
        """Whether this view may read truth tables and the world holds some."""
        return self.source == "truth" and len(getattr(self._world, "truth", {}) or {}) > 0

    @property
    def truth(self):
        """The world's truth; raises :class:`TruthWithheld` when not available to this check."""
        if self.source != "truth":
            raise TruthWithheld("this check sees only the observed tables (source='observed'), so it cannot read "
                                "world.truth; an exercise scored against the truth must say uses_truth=True "
                                "and is graded from the instructor's key")
        if not self.has_truth:
            raise TruthWithheld("this world holds no truth tables (it was saved or loaded without them); "
                                "load the instructor's copy with its truth/ folder")
        return self._world.truth

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("_world").tables if "_world" in self.__dict__ else {}
        if name in tables:
            return tables[name]
        raise AttributeError(f"the world has no table or attribute {name!r}; tables: {', '.join(tables)}")

    def __repr__(self) -> str:
        return f"<WorldView source={self.source!r} of {self._world!r}>"
