"""The world's clock: days since the start date, month boundaries, and conversion to timestamps.

Inside the engine every time is a float number of days since ``calendar.start_date``;
only the final tables carry timestamps (to the second).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from crmkit.world.config import Calendar
from crmkit.world.units import DAYS_PER_MONTH, SECONDS_PER_DAY

__all__ = ["DAYS_PER_MONTH", "Timeline"]


@dataclass(frozen=True)
class Timeline:
    """Month grid of a world: the observation window, then the hold-out period.

    >>> from crmkit.world.cases import load_config
    >>> t = Timeline.of(load_config("pschse").calendar)
    >>> t.observed_months, t.months
    (36, 48)
    """

    start: dt.date
    month_starts: np.ndarray  # days since start of each month's first day, plus the end
    month_of_year: np.ndarray  # 1..12 for each month
    observed_end: float  # days: the first instant after the observation window
    observed_months: int

    @classmethod
    def of(cls, calendar: Calendar) -> Timeline:
        first = pd.Timestamp(calendar.start_date).to_period("M")
        end = pd.Timestamp(calendar.observed_until) + pd.Timedelta(days=1)
        last_observed = (end - pd.Timedelta(seconds=1)).to_period("M")
        observed_months = (last_observed - first).n + 1
        periods = pd.period_range(first, periods=observed_months + calendar.holdout_months + 1, freq="M")
        base = pd.Timestamp(calendar.start_date)
        starts = np.array([(p.start_time - base).days for p in periods], dtype=float)
        starts[0] = 0.0
        return cls(
            start=calendar.start_date,
            month_starts=starts,
            month_of_year=np.array([p.month for p in periods[:-1]]),
            observed_end=float((end - base).days),
            observed_months=observed_months,
        )

    @property
    def months(self) -> int:
        return len(self.month_of_year)

    @property
    def end(self) -> float:
        """End of the hold-out period, in days."""
        return float(self.month_starts[-1])

    @cached_property
    def base_seconds(self) -> np.int64:
        return np.datetime64(self.start, "s").astype(np.int64)

    def to_timestamps(self, days: np.ndarray) -> np.ndarray:
        """Turn days since the start into ``datetime64[s]`` (NaN becomes NaT)."""
        days = np.asarray(days, dtype=float)
        seconds = np.floor(np.nan_to_num(days) * SECONDS_PER_DAY).astype(np.int64) + self.base_seconds
        out = seconds.astype("datetime64[s]")
        out[np.isnan(days)] = np.datetime64("NaT")
        return out

    def days_of(self, date: dt.date) -> float:
        return float((pd.Timestamp(date) - pd.Timestamp(self.start)).days)
