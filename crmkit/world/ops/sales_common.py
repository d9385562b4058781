"""Helpers shared by the sales pipeline's parts: who owns what, and step matrices to rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.words import default_words


def assign_owners(rng, staff: pd.DataFrame, roles: list[str], region: np.ndarray, regions=None) -> np.ndarray:
    """Draw an owner for each row: a member of staff of one of ``roles`` in the row's region.

    Falls back to those roles in any region, then to anyone, when a region has none
    (e.g. a retailer without event consultants).

    Parameters
    ----------
    staff : DataFrame
        The ``staff`` table (columns ``role``, ``region``); row i has world id i + 1.
    roles : list of str
        Allowed roles (vocabulary ``staff_role``).
    region : array of int
        Region code of each row: its position in ``regions``.
    regions : sequence of str, optional
        The world's sales regions (``words.geography.regions``); the kit's default ones when absent.

    Returns
    -------
    array of int
        Local staff ids (0-based row numbers of ``staff``).

    Examples
    --------
    >>> staff = pd.DataFrame({"role": ["event_consultant", "sales_consultant"], "region": ["West", "West"]})
    >>> assign_owners(np.random.default_rng(0), staff, ["sales_consultant"], np.array([3, 2])).tolist()
    [1, 1]
    """
    out = np.zeros(len(region), dtype=np.int64)
    role_ok = np.isin(staff.role.astype(str).to_numpy(), roles)
    fallback = np.flatnonzero(role_ok) if role_ok.any() else np.arange(len(staff))
    regions = list(default_words().geography.regions) if regions is None else list(regions)
    staff_region = region_codes(staff.region.astype(str).to_numpy(), regions)
    for code in range(len(regions)):
        rows = np.flatnonzero(region == code)
        if not len(rows):
            continue
        pool = np.flatnonzero(role_ok & (staff_region == code))
        pool = pool if len(pool) else fallback
        out[rows] = pool[rng.integers(0, len(pool), len(rows))]
    return out


def region_codes(names: np.ndarray, regions) -> np.ndarray:
    """Positions of region names in the world's list of ``regions`` (-1 for none of them).

    >>> region_codes(np.array(["West", "North"]), ["North", "South", "West"]).tolist()
    [2, 0]
    """
    return pd.Index(list(regions)).get_indexer(np.asarray(names)).astype(np.int64)


def flatten_steps(valid: np.ndarray, times: np.ndarray, codes: np.ndarray) -> dict[str, np.ndarray]:
    """Turn per-object step matrices (objects x steps) into rows: object, step, time, code.

    >>> v = np.array([[True, False, True]]); t = np.array([[1.0, 2.0, 3.0]]); c = np.array([[4, 5, 6]])
    >>> {k: x.tolist() for k, x in flatten_steps(v, t, c).items()}
    {'object': [0, 0], 'step': [0, 2], 'time': [1.0, 3.0], 'code': [4, 6]}
    """
    obj, step = np.nonzero(valid)
    return {"object": obj, "step": step, "time": times[obj, step], "code": codes[obj, step]}


def previous_in_group(keys: np.ndarray, values: np.ndarray, missing) -> np.ndarray:
    """The previous row's value within runs of equal ``keys`` (``missing`` on a run's first row).

    >>> previous_in_group(np.array([0, 0, 1]), np.array([7, 8, 9]), -1).tolist()
    [-1, 7, -1]
    """
    out = np.r_[missing, values[:-1]] if len(values) else values.copy()
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
    return np.where(first, missing, out)


def last_in_group(keys: np.ndarray) -> np.ndarray:
    """True on the last row of each run of equal ``keys``.

    >>> last_in_group(np.array([0, 0, 1])).tolist()
    [False, True, True]
    """
    return np.r_[keys[1:] != keys[:-1], True] if len(keys) else np.zeros(0, bool)
