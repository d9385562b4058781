"""Your own experience as data: one customer's relationship with a company, read like a synthetic one.

A learner writes down their relationship with one company as a short list of events (the
day, the touchpoint, what happened and, for an order, its amount); :func:`journey_frame`
checks it and makes a tidy table. The kit then reads it the way it reads a synthetic
customer of a world: :func:`journey_phases` gives the Dwyer phases it went through, by the
rule the world's engine uses (a sign-up or first order starts exploration; the world's
``phases.expansion_after_orders``-th and ``commitment_after_orders``-th orders of the
relationship start expansion and commitment; leaving dissolves it; an order after leaving
wins it back), :func:`journey_phase` the phase reached on a day, and :func:`journey_rfm` its
recency, frequency and monetary value beside the world's buyers (the kit's RFM on both),
with the percentage of the world's buyers the journey beats on each.

The kit checks the analysis, never whether a journey is true; what it means to the learner
stays theirs to write. :data:`EXAMPLE_JOURNEY` is an invented example, not a real person's.
"""

from __future__ import annotations

__all__ = ["EXAMPLE_JOURNEY", "JOURNEY_KINDS", "JourneyWorld", "journey_frame", "journey_phases", "journey_phase",
           "journey_rfm", "with_journey"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.analytics._journey_events import COLUMNS, EXAMPLE_JOURNEY, JOURNEY_KINDS, journey_frame
from crmkit.analytics.lifecycle import PHASE_COLUMNS, phase_at
from crmkit.analytics.rfm import rfm
from crmkit.analytics.rfm_fast import rfm_fast
from crmkit.errors import ConfigError

OPENS = ("signup", "order")  # the kinds that make a person a known customer, as a sign-up does in a world
JOURNEY_ID = 0  # the journey's customer_id in its phase and order tables (a world's ids start at 1)


def journey_phases(journey: pd.DataFrame, expansion_after_orders: int, commitment_after_orders: int) -> pd.DataFrame:
    """The Dwyer phases a journey went through, by the world engine's rule, in the format of ``truth.phases``.

    The first event starts awareness; a sign-up or order starts exploration; the
    ``expansion_after_orders``-th and ``commitment_after_orders``-th orders of the
    relationship start expansion and commitment (a world's are in its ``config.phases``);
    ``left`` starts dissolution (before the relationship began it means nothing); a sign-up
    or order after it wins the relationship back (``is_winback``), its orders counted anew.

    Returns
    -------
    DataFrame
        ``customer_id`` (0), ``phase``, ``started_at``, ``ended_at`` (NaT for the last),
        ``is_winback``: read it with :func:`crmkit.analytics.lifecycle.phase_at`.

    Examples
    --------
    >>> journey = journey_frame([{"date": f"2024-0{m}-01", "channel": "web", "kind": "order", "amount": 9.0}
    ...                          for m in range(1, 5)] + [{"date": "2024-06-01", "channel": "web", "kind": "left"}])
    >>> journey_phases(journey, 2, 4)[["phase", "started_at"]]
             phase started_at
    0    awareness 2024-01-01
    1  exploration 2024-01-01
    2    expansion 2024-02-01
    3   commitment 2024-04-01
    4  dissolution 2024-06-01
    """
    if not 1 <= expansion_after_orders < commitment_after_orders:
        raise ConfigError(f"expansion_after_orders = {expansion_after_orders!r}, commitment_after_orders = "
                          f"{commitment_after_orders!r}: need 1 <= expansion_after_orders < commitment_after_orders")
    steps, phase, orders = [], None, 0
    for event in journey.itertuples(index=False):  # a person's own events: a handful of rows
        if phase is None:
            phase = _step(steps, "awareness", event.occurred_at)
        if event.kind in OPENS and phase in ("awareness", "dissolution"):
            phase, orders = _step(steps, "exploration", event.occurred_at, winback=phase == "dissolution"), 0
        if event.kind == "order":
            orders += 1
            for threshold, reached in ((expansion_after_orders, "expansion"), (commitment_after_orders, "commitment")):
                if orders == threshold:
                    phase = _step(steps, reached, event.occurred_at)
        elif event.kind == "left" and phase in ("exploration", "expansion", "commitment"):
            phase = _step(steps, "dissolution", event.occurred_at)
    table = pd.DataFrame(steps, columns=["phase", "started_at", "is_winback"])
    table["ended_at"] = table["started_at"].shift(-1)
    return table.assign(customer_id=JOURNEY_ID)[PHASE_COLUMNS]


def _step(steps: list, phase: str, when, winback: bool = False) -> str:
    steps.append((phase, when, winback))
    return phase


def journey_phase(journey: pd.DataFrame, world, as_of=None) -> str:
    """The Dwyer phase a journey had reached at the end of the day ``as_of`` (default: its
    last event's day), read with the thresholds of ``world``'s ``config.phases``.

    >>> journey = journey_frame([{"date": "2024-01-05", "channel": "web", "kind": "order", "amount": 9.0}])
    >>> import types
    >>> world = types.SimpleNamespace(config=types.SimpleNamespace(phases=types.SimpleNamespace(
    ...     expansion_after_orders=2, commitment_after_orders=5)))
    >>> journey_phase(journey, world)
    'exploration'
    """
    rule = world.config.phases
    phases = journey_phases(journey, rule.expansion_after_orders, rule.commitment_after_orders)
    day = _as_of(journey, as_of)
    now = phase_at(phases, day)
    if now.empty:
        raise ConfigError(f"as_of = {str(as_of)!r}: before the journey's first event ({journey['occurred_at'].min():%Y-%m-%d})")
    return str(now["phase"].iloc[-1])


def _as_of(journey: pd.DataFrame, as_of) -> pd.Timestamp:
    return journey["occurred_at"].max().normalize() if as_of is None else pd.Timestamp(as_of)


def journey_rfm(journey: pd.DataFrame, world, as_of=None) -> pd.DataFrame:
    """A journey's recency, frequency and monetary value beside the buyers of ``world``.

    The journey is read as of ``as_of`` (default: its last event's day), the world's buyers
    (customers with an observed order) as of ``world.observed_until``, both with the kit's
    :func:`~crmkit.analytics.rfm`. The world covers its observation window (two or three
    years): a journey much longer than that spends more only by being longer.

    Returns
    -------
    DataFrame
        One row per ``measure`` (``days_since_last_order``, ``orders``, ``total_spend``):
        ``journey``, ``world_median`` and ``percentile``, the percentage of the world's
        buyers the journey beats (who spent less, ordered less often, or last ordered
        longer ago; ties are not beaten). A journey without an order has no recency.

    Examples
    --------
    >>> import types
    >>> orders = pd.DataFrame({"customer_id": [1, 2, 3, 4], "net_amount": [10.0, 50.0, 90.0, 130.0],
    ...     "ordered_at": pd.to_datetime(["2025-12-01", "2025-11-01", "2025-06-01", "2025-12-20"])})
    >>> world = types.SimpleNamespace(orders=orders, observed_until=pd.Timestamp("2025-12-31"))
    >>> journey = journey_frame([{"date": "2024-05-01", "channel": "web", "kind": "order", "amount": 60.0},
    ...                          {"date": "2024-05-31", "channel": "email", "kind": "message"}])
    >>> journey_rfm(journey, world)
                     measure  journey  world_median  percentile
    0  days_since_last_order     30.0          45.0        50.0
    1                 orders      1.0           1.0         0.0
    2            total_spend     60.0          70.0        50.0
    """
    day = _as_of(journey, as_of)
    buyers = rfm_fast(world.orders, world.observed_until)
    mine = _own_rfm(journey, day)
    rows = []
    for measure, beats in (("days_since_last_order", np.greater), ("orders", np.less), ("total_spend", np.less)):
        theirs, value = buyers[measure].to_numpy(dtype=float), float(mine[measure])
        known = len(theirs) > 0 and not np.isnan(value)
        rows.append({"measure": measure, "journey": value,
                     "world_median": float(np.median(theirs)) if len(theirs) else np.nan,
                     "percentile": 100 * float(beats(theirs, value).mean()) if known else np.nan})
    return pd.DataFrame(rows)


def _own_rfm(journey: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """The journey's marketer's R, F and M as of ``day``, by the kit's :func:`rfm`."""
    bought = journey.loc[journey["kind"].eq("order") & (journey["occurred_at"] < day + pd.Timedelta(days=1))]
    if bought.empty:
        return pd.Series({"days_since_last_order": np.nan, "orders": 0.0, "total_spend": 0.0})
    orders = pd.DataFrame({"customer_id": JOURNEY_ID, "ordered_at": bought["occurred_at"], "net_amount": bought["amount"]})
    return rfm(orders, day).iloc[0]


@dataclass(frozen=True, eq=False)
class JourneyWorld:
    """A world with a learner's journey beside it, for the lesson's checks.

    It reads like ``world`` (``orders``, ``observed_until``, ``config``, ``truth``...); its
    ``tables`` add the journey as ``my_journey``.
    """

    world: object
    journey: pd.DataFrame

    @property
    def tables(self) -> dict:
        return {**self.world.tables, "my_journey": self.journey}

    def __getattr__(self, name: str):
        if name.startswith("_") or name in ("world", "journey"):  # not found while being built or copied
            raise AttributeError(name)
        return getattr(self.world, name)


def with_journey(world, journey: pd.DataFrame) -> JourneyWorld:
    """``world`` with ``journey`` (the table :func:`journey_frame` returns) beside it.

    Bind the lesson's checks to it (``ck.teach.lessons.checks("cases", with_journey(world, journey))``)
    so that they read your journey; checks bound to a world alone read :data:`EXAMPLE_JOURNEY`.
    """
    missing = [column for column in COLUMNS if column not in getattr(journey, "columns", ())]
    if missing:
        raise ConfigError(f"journey: column {missing[0]!r} is missing; pass the table journey_frame(events) returns")
    return JourneyWorld(world, journey.reset_index(drop=True))
