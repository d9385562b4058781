"""Small vectorised helpers over (customer, time) event arrays, shared by the engine's parts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

KEY_SPREAD = 1e6  # fixed: days, larger than any world's span, so customer * KEY_SPREAD + time sorts by both
TRUTH_DECIMALS = 6  # fixed: the printed precision of hidden truths (rates, chances), not a behaviour
TINY = 1e-9  # fixed: a guard against dividing by zero and against rounding, far below any value that matters


def mean_one_lognormal(rng, sigma, size=None) -> np.ndarray:
    """Log-normal factors of mean 1 and log-sigma ``sigma``: exp of a normal of mean -sigma²/2.

    The shift of the mean by half the variance is what makes the factors average 1, so
    they change how spread the values are and not their mean.

    >>> float(np.round(mean_one_lognormal(np.random.default_rng(0), 0.5, 200_000).mean(), 2))
    1.0
    """
    return np.exp(rng.normal(-(sigma ** 2) / 2, sigma, size))


def next_time_after(event_customer, event_time, customer, time) -> np.ndarray:
    """For each (customer, time), the first event time of that customer after it (inf if none).

    ``event_customer``/``event_time`` need not be sorted.

    >>> next_time_after(np.array([0, 0, 1]), np.array([5.0, 9.0, 2.0]), np.array([0, 0, 1]), np.array([6.0, 9.5, 1.0])).tolist()
    [9.0, inf, 2.0]
    """
    key = np.sort(event_customer * KEY_SPREAD + event_time)
    pos = np.searchsorted(key, customer * KEY_SPREAD + time, side="right")
    safe = np.minimum(pos, max(len(key) - 1, 0))
    found = (pos < len(key)) & (np.floor(key[safe] / KEY_SPREAD + TINY) == customer) if len(key) else np.zeros(len(customer), bool)
    return np.where(found, key[safe] - customer * KEY_SPREAD, np.inf) if len(key) else np.full(len(customer), np.inf)


def last_time_before(event_customer, event_time, customer, time) -> np.ndarray:
    """For each (customer, time), the latest event time of that customer at or before it (-inf if none).

    >>> last_time_before(np.array([0, 0, 1]), np.array([5.0, 9.0, 2.0]), np.array([0, 0, 1]), np.array([6.0, 4.0, 3.0])).tolist()
    [5.0, -inf, 2.0]
    """
    if not len(event_time):
        return np.full(len(customer), -np.inf)
    key = np.sort(event_customer * KEY_SPREAD + event_time)
    pos = np.searchsorted(key, customer * KEY_SPREAD + time, side="right") - 1
    safe = np.maximum(pos, 0)
    found = (pos >= 0) & (np.floor(key[safe] / KEY_SPREAD + TINY) == customer)
    return np.where(found, key[safe] - customer * KEY_SPREAD, -np.inf)


def group_cumsum(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Running total of ``values`` within runs of equal ``keys`` (keys sorted).

    >>> group_cumsum(np.array([1, 1, 2, 2, 2]), np.array([1, 2, 3, -4, 5])).tolist()
    [1, 3, 3, -1, 4]
    """
    total = np.cumsum(values)
    if not len(values):
        return total
    starts = np.r_[True, keys[1:] != keys[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
    return total - (total[first] - values[first])


def rank_in_group(keys: np.ndarray) -> np.ndarray:
    """0-based position of each row within its run of equal ``keys`` (keys sorted).

    >>> rank_in_group(np.array([4, 4, 7, 7, 7])).tolist()
    [0, 1, 0, 1, 2]
    """
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, keys[1:] != keys[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
    return np.arange(len(keys)) - first


def take_text(pool: pa.Array, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Strings ``pool[index]`` as a pandas ``str`` array, taken in Arrow (no Python objects).

    Many times faster than indexing a numpy string array and letting pandas convert it.

    >>> list(take_text(pa.array(["call", "email"]), np.array([1, 1, 0])))
    ['email', 'email', 'call']
    """
    return pd.array(pool.take(np.asarray(index, dtype=np.int64)), dtype="str")
