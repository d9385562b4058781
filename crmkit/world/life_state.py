"""What the monthly simulation of a block keeps: its event logs and each customer's state."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from crmkit.world.parameters import parameter
from crmkit.world.vocabulary import code_of

EXPLORATION, EXPANSION, COMMITMENT, DISSOLUTION = (code_of("phase", p) for p in ("exploration", "expansion", "commitment", "dissolution"))
AWARENESS = code_of("phase", "awareness")
MAX_MONTHLY_CHURN = parameter("lifecycle", "max_monthly_churn")
LEAVING_DAYS = parameter("lifecycle", "leaving_days")  # how long a relationship takes to fade


class EventLog:
    """Collects arrays month by month and joins them once at the end."""

    def __init__(self, *names: str):
        self._parts: dict[str, list[np.ndarray]] = {n: [] for n in names}

    def add(self, **arrays) -> None:
        size = next(len(v) for v in arrays.values() if np.ndim(v) > 0)
        for name, parts in self._parts.items():
            value = arrays[name]
            parts.append(np.broadcast_to(value, size) if np.ndim(value) == 0 else np.asarray(value))

    def result(self) -> dict[str, np.ndarray]:
        return {n: np.concatenate(p) if p else np.array([]) for n, p in self._parts.items()}


@dataclass
class State:
    """Where every customer of the block stands at the start of a month."""

    phase: np.ndarray
    member: np.ndarray
    grievance: np.ndarray
    recovered_once: np.ndarray
    orders_in_life: np.ndarray
    value_to_date: np.ndarray
    last_order: np.ndarray
    first_churn: np.ndarray
    # When a customer who decided to leave after a purchase dissolves (inf: not leaving);
    # until then they place no more orders of their own.
    leaving_at: np.ndarray
    new: np.ndarray  # signed up this month
    active_from: np.ndarray = field(default=None)

    @classmethod
    def new(cls, n: int) -> State:
        return cls(
            phase=np.full(n, AWARENESS, dtype=np.int8),
            member=np.zeros(n, dtype=bool),
            grievance=np.zeros(n),
            recovered_once=np.zeros(n, dtype=bool),
            orders_in_life=np.zeros(n, dtype=np.int64),
            value_to_date=np.zeros(n),
            last_order=np.full(n, -np.inf),
            first_churn=np.full(n, np.nan),
            leaving_at=np.full(n, np.inf),
            new=np.zeros(n, dtype=bool),
        )

    @property
    def active(self) -> np.ndarray:
        return (self.phase >= EXPLORATION) & (self.phase < DISSOLUTION)

    @property
    def buying(self) -> np.ndarray:
        """Active and not on the way out: these customers place orders of their own."""
        return self.active & np.isinf(self.leaving_at)


@dataclass(frozen=True)
class Month:
    index: int
    start: float
    end: float
    season: float
