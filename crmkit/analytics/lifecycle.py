"""The relationship life cycle on a world's customer histories.

Dwyer, Schurr and Oh's phases (awareness, exploration, expansion, commitment, dissolution) are
recorded for every synthetic customer in the truth table ``truth.phases``. Here they meet the
observed data: which phase each customer is in on a day (:func:`phase_at`, :func:`phase_counts`),
how customers buy in each phase (:func:`orders_by_phase`), which phases each customer reached
(:func:`customer_paths`) and one customer's whole story (:func:`customer_story`).
:class:`CustomerHistories` sorts a world's buyers by kind of history once and is called with a
kind and a number to give one :class:`CustomerStory`.
"""

from __future__ import annotations

__all__ = ["PATHS", "PHASES", "PHASE_COLUMNS", "CustomerHistories", "CustomerStory", "customer_paths",
           "customer_story", "orders_by_phase", "phase_at", "phase_counts"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics._checks import check_choice, require_columns
from crmkit.errors import ConfigError

PHASES = ("awareness", "exploration", "expansion", "commitment", "dissolution")
DAYS_PER_MONTH = 365.25 / 12
PHASE_COLUMNS = ["customer_id", "phase", "started_at", "ended_at", "is_winback"]


def _end_of_day(as_of) -> np.datetime64:
    # A day means the whole day, as world.observed_until does.
    return (pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)).to_datetime64()


def phase_at(phases: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each customer's relationship phase at the end of the day ``as_of``.

    Reads ``truth.phases`` (``customer_id``, ``phase``, ``started_at``, ``ended_at``,
    ``is_winback``). Returns ``customer_id``, ``phase`` (text), ``started_at`` and
    ``is_winback`` for every customer already aware of the firm then.

    >>> phases = pd.DataFrame({"customer_id": [1, 1, 2], "phase": ["awareness", "exploration", "awareness"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...     "ended_at": pd.to_datetime(["2024-02-01", None, None]), "is_winback": False})
    >>> phase_at(phases, "2024-01-31")["phase"].tolist(), phase_at(phases, "2024-03-01")["phase"].tolist()
    (['awareness'], ['exploration', 'awareness'])
    """
    require_columns(phases, PHASE_COLUMNS, "phases")
    moment = _end_of_day(as_of)
    current = phases[(phases["started_at"] < moment) & (phases["ended_at"].isna() | (phases["ended_at"] >= moment))]
    table = current[["customer_id", "phase", "started_at", "is_winback"]].assign(phase=current["phase"].astype(str))
    return table.sort_values("customer_id", ignore_index=True)


def phase_counts(phases: pd.DataFrame, dates) -> pd.DataFrame:
    """Customers in each phase at the end of each day of ``dates``: ``date``, then one column per phase."""
    counts = {pd.Timestamp(day): phase_at(phases, day)["phase"].value_counts() for day in dates}  # a few dates
    table = pd.DataFrame(counts).T.reindex(columns=list(PHASES)).fillna(0).astype("int64")
    return table.rename_axis("date").reset_index()


def orders_by_phase(orders: pd.DataFrame, phases: pd.DataFrame, start, end) -> pd.DataFrame:
    """How customers buy in each phase: each order is put in the phase its customer was in then.

    Parameters
    ----------
    orders : DataFrame
        ``customer_id``, ``ordered_at``, ``net_amount``.
    phases : DataFrame
        ``truth.phases``.
    start, end : date-like
        The observation window (its first and last day); time in a phase outside it is not counted.

    Returns
    -------
    DataFrame
        One row per phase: ``phase``, ``customers`` (who spent time in it in the window),
        ``customer_months`` (that time), ``orders``, ``orders_per_customer_month``,
        ``average_order_value`` and ``share_of_revenue``.

    Examples
    --------
    >>> phases = pd.DataFrame({"customer_id": [1, 1], "phase": ["exploration", "expansion"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-07-01"]),
    ...     "ended_at": pd.to_datetime(["2024-07-01", None]),
    ...     "is_winback": False})
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 1], "net_amount": [10.0, 20.0, 30.0],
    ...     "ordered_at": pd.to_datetime(["2024-02-01", "2024-08-01", "2024-09-01"])})
    >>> orders_by_phase(orders, phases, "2024-01-01", "2024-12-31").set_index("phase")["orders"].tolist()
    [0, 1, 2, 0, 0]
    """
    require_columns(orders, ["customer_id", "ordered_at", "net_amount"], "orders")
    require_columns(phases, PHASE_COLUMNS, "phases")
    first, last = pd.Timestamp(start).normalize().to_datetime64(), _end_of_day(end)
    begins = phases["started_at"].to_numpy(dtype="datetime64[s]").clip(first, last)
    ends = phases["ended_at"].fillna(pd.Timestamp(last)).to_numpy(dtype="datetime64[s]").clip(first, last)
    months = (ends - begins) / np.timedelta64(1, "D") / DAYS_PER_MONTH
    spent = phases.assign(months=months, phase=phases["phase"].astype(str))
    exposure = spent[spent["months"] > 0].groupby("phase").agg(customers=("customer_id", "nunique"),
                                                              customer_months=("months", "sum"))
    ordered = orders[(orders["ordered_at"] >= first) & (orders["ordered_at"] < last)].sort_values("ordered_at")
    starts = phases[["customer_id", "started_at", "phase"]].astype({"phase": str}).sort_values("started_at")
    placed = pd.merge_asof(ordered, starts, left_on="ordered_at", right_on="started_at", by="customer_id")
    bought = placed.groupby("phase").agg(orders=("net_amount", "size"), revenue=("net_amount", "sum"))
    table = exposure.join(bought, how="outer").reindex(list(PHASES)).fillna(0)
    table["orders_per_customer_month"] = table["orders"] / table["customer_months"].where(table["customer_months"] > 0)
    table["average_order_value"] = table["revenue"] / table["orders"].where(table["orders"] > 0)
    table["share_of_revenue"] = table["revenue"] / table["revenue"].sum()
    table = table.astype({"customers": "int64", "orders": "int64"}).rename_axis("phase").reset_index()
    return table[["phase", "customers", "customer_months", "orders", "orders_per_customer_month",
                  "average_order_value", "share_of_revenue"]]


# --- one customer's story ------------------------------------------------------------------------

#: The kinds of customer history the story explorer offers, and the test that picks them.
PATHS = {
    "reached commitment": lambda f: f["commitment"],
    "expanded, never committed": lambda f: f["expansion"] & ~f["commitment"],
    "left while exploring": lambda f: f["dissolution"] & ~f["expansion"] & ~f["won_back"],
    "won back": lambda f: f["won_back"],
    "still exploring": lambda f: f["current"].eq("exploration") & ~f["dissolution"],
}


def customer_paths(phases: pd.DataFrame, as_of) -> pd.DataFrame:
    """Which phases each customer had reached by the end of the day ``as_of``.

    Returns ``customer_id``, one true/false column per phase, ``won_back`` and ``current``
    (the phase at ``as_of``); :data:`PATHS` turns them into kinds of history.

    >>> phases = pd.DataFrame({"customer_id": [1, 1, 1], "phase": ["awareness", "exploration", "dissolution"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-05-01"]),
    ...     "ended_at": pd.to_datetime(["2024-02-01", "2024-05-01", None]), "is_winback": False})
    >>> customer_paths(phases, "2024-12-31")[["dissolution", "won_back", "current"]].values.tolist()
    [[True, False, 'dissolution']]
    """
    require_columns(phases, PHASE_COLUMNS, "phases")
    begun = phases[phases["started_at"] < _end_of_day(as_of)]
    flags = pd.get_dummies(begun["phase"].astype(str)).reindex(columns=list(PHASES), fill_value=False)
    flags["won_back"] = begun["is_winback"].astype(bool)
    table = flags.groupby(begun["customer_id"].to_numpy()).max().rename_axis("customer_id").reset_index()
    table["current"] = table["customer_id"].map(phase_at(phases, as_of).set_index("customer_id")["phase"])
    return table


@dataclass(frozen=True, eq=False)
class CustomerStory:
    """One customer's history: the ``phases`` (truth), ``orders`` and ``complaints`` (observed)."""

    customer_id: int
    phases: pd.DataFrame
    orders: pd.DataFrame
    complaints: pd.DataFrame

    def __str__(self) -> str:
        path = " > ".join(self.phases["phase"].astype(str))
        return (f"customer {self.customer_id}: {path}; {len(self.orders)} orders worth "
                f"{self.orders['net_amount'].sum():,.2f}, {len(self.complaints)} complaints")


def customer_story(phases: pd.DataFrame, orders: pd.DataFrame, cases: pd.DataFrame, customer_id: int) -> CustomerStory:
    """The phases, orders and complaints of one customer (see :class:`CustomerStory`)."""
    require_columns(cases, ["customer_id", "opened_at", "is_complaint"], "cases")
    mine = phases[phases["customer_id"] == customer_id].sort_values("started_at", ignore_index=True)
    if mine.empty:
        raise ConfigError(f"customer_id = {customer_id!r}: no such customer in the phases table")
    bought = orders.loc[orders["customer_id"] == customer_id, ["ordered_at", "channel", "net_amount"]]
    mine_and_complaint = (cases["customer_id"] == customer_id) & cases["is_complaint"].astype(bool)
    complaints = cases.loc[mine_and_complaint, ["opened_at", "reason"]]
    return CustomerStory(int(customer_id), mine[["phase", "started_at", "ended_at", "is_winback"]],
                         bought.reset_index(drop=True), complaints.reset_index(drop=True))


@dataclass(frozen=True, eq=False)
class CustomerHistories:
    """A world's buyers sorted once by kind of history (:data:`PATHS`, judged at the end of the
    observation window); call it with a kind and a number for that customer's :class:`CustomerStory`."""

    phases: pd.DataFrame
    orders: pd.DataFrame
    cases: pd.DataFrame
    members: dict  # kind of history -> the ids of the buyers of that kind (kinds with none left out)

    @classmethod
    def from_world(cls, world) -> CustomerHistories:
        """Sort the buyers of ``world`` (its truth's phases, its orders and cases) by kind of history."""
        phases, orders = world.truth.phases, world.orders
        flags = customer_paths(phases, world.observed_until)
        flags = flags[flags["customer_id"].isin(orders["customer_id"])]
        members = {name: flags.loc[rule(flags).to_numpy(bool), "customer_id"].to_numpy() for name, rule in PATHS.items()}
        return cls(phases, orders, world.cases, {name: ids for name, ids in members.items() if len(ids)})

    def __call__(self, path: str = "reached commitment", number: int = 1) -> CustomerStory:
        """The story of the ``number``-th buyer of kind ``path`` (counting round again past the last)."""
        check_choice("path", path, self.members)
        ids = self.members[path]
        return customer_story(self.phases, self.orders, self.cases, int(ids[(number - 1) % len(ids)]))
