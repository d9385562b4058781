"""What a customer has lived through at a given time: alive or not, phase, grievance, churn risk.

The service desk and the surveys read these so that cases and scores follow what the
lifecycle really did (:mod:`crmkit.world.lifecycle` drives churn with the same grievance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crmkit.world.arrays import KEY_SPREAD, TINY, last_time_before, next_time_after
from crmkit.world.people import PersonaTable
from crmkit.world.timeline import DAYS_PER_MONTH
from crmkit.world.vocabulary import code_of, terms

EXPLORATION, DISSOLUTION = code_of("phase", "exploration"), code_of("phase", "dissolution")


def value_at(event_customer, event_time, event_value, customer, time, default=-1) -> np.ndarray:
    """For each (customer, time), the value of that customer's latest event at or before it.

    >>> value_at(np.array([0, 0, 1]), np.array([1.0, 5.0, 2.0]), np.array([7, 8, 9]), np.array([0, 0, 1]), np.array([4.0, 6.0, 1.0])).tolist()
    [7, 8, -1]
    """
    key = np.asarray(event_customer) * KEY_SPREAD + np.asarray(event_time)
    order = np.argsort(key, kind="stable")
    pos = np.searchsorted(key[order], customer * KEY_SPREAD + time, side="right") - 1
    safe = order[np.maximum(pos, 0)] if len(order) else np.zeros(len(customer), dtype=np.int64)
    found = (pos >= 0) & (np.asarray(event_customer)[safe] == customer) if len(order) else np.zeros(len(customer), bool)
    return np.where(found, np.asarray(event_value)[safe] if len(order) else default, default)


@dataclass(frozen=True)
class History:
    """The block's relationship spells and service failures, for look-ups at any time."""

    open_cust: np.ndarray
    open_time: np.ndarray
    end_cust: np.ndarray
    end_time: np.ndarray
    phases: dict
    orders: dict
    config: object

    @classmethod
    def of(cls, context) -> History:
        ph = context.phases
        opened, ended = ph["phase"] == EXPLORATION, ph["phase"] == DISSOLUTION
        cust = ph["customer"].astype(np.int64)
        return cls(cust[opened], ph["time"][opened], cust[ended], ph["time"][ended], ph, context.orders, context.config)

    def alive(self, customer, time) -> np.ndarray:
        """True where the relationship is alive at that time (after a sign-up or win-back, before a dissolution)."""
        opened = last_time_before(self.open_cust, self.open_time, customer, time)
        return opened > last_time_before(self.end_cust, self.end_time, customer, time)

    def spells(self, until: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every live spell cut at ``until``: (customer, start, end) in days."""
        end = np.minimum(next_time_after(self.end_cust, self.end_time, self.open_cust, self.open_time), until)
        keep = end > self.open_time
        return self.open_cust[keep], self.open_time[keep], end[keep]

    def phase_at(self, customer, time) -> np.ndarray:
        ph = self.phases
        return value_at(ph["customer"].astype(np.int64), ph["time"], ph["phase"].astype(np.int64), customer, time, default=EXPLORATION)

    def grievance_at(self, customer, time) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fading weight of issues not put right before each time (since the spell began, as the
        lifecycle resets it at a win-back); whether an issue was ever put right well; and the
        service issue code of the latest unrecovered failure (0 when none)."""
        o = self.orders
        decay = self.config.service.dissatisfaction_decay
        since = last_time_before(self.open_cust, self.open_time, customer, time)
        since = np.where(np.isfinite(since), since, time)  # not yet signed up: nothing counts
        bad = np.flatnonzero((o["issue"] > 0) & ~o["recovered"])  # orders are sorted by customer, time
        key = o["customer"][bad] * KEY_SPREAD + o["time"][bad]
        lo = np.searchsorted(key, customer * KEY_SPREAD + since, side="left")
        hi = np.searchsorted(key, customer * KEY_SPREAD + time, side="left")
        count = np.maximum(hi - lo, 0)
        pair = np.repeat(np.arange(len(customer)), count)
        row = bad[np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + lo[pair]] if count.sum() else np.zeros(0, np.int64)
        age = (time[pair] - o["time"][row]) / DAYS_PER_MONTH
        grievance = np.bincount(pair, weights=decay ** age, minlength=len(customer))
        latest = np.where(count > 0, o["issue"][bad[np.maximum(hi - 1, 0)]] if len(bad) else 0, 0)
        good = np.flatnonzero(o["recovered"])
        gkey = o["customer"][good] * KEY_SPREAD + o["time"][good]
        recovered = np.searchsorted(gkey, customer * KEY_SPREAD + time) > np.searchsorted(gkey, customer * KEY_SPREAD)
        return grievance, recovered, latest

    def satisfaction(self, people, customer, time) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """How well the relationship stands: minus the log of the customer's true monthly churn
        hazard at that time, relative to the case's average persona (0 = average, higher =
        happier). Returns it with the recovered flag and the latest unrecovered issue code."""
        cfg = self.config
        personas = PersonaTable.of(cfg)
        hazard = personas.param(cfg, "churn_hazard")
        reference = np.log(max(float(np.sum(personas.weights * hazard)), TINY))
        phase_churn = np.ones(len(terms("phase")))
        for name, value in cfg.phases.churn_multiplier.items():
            phase_churn[code_of("phase", name)] = max(value, TINY)
        grievance, recovered, latest = self.grievance_at(customer, time)
        log_hazard = (np.log(np.maximum(hazard[people["persona"][customer]] * people["true_churn_factor"][customer], TINY))
                      + np.log(phase_churn[self.phase_at(customer, time)])
                      + np.where(recovered, np.log(cfg.service.recovery_churn_multiplier), 0.0)
                      + people["true_sensitivity"][customer] * grievance)
        return reference - log_hazard, recovered, latest
