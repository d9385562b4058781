"""Pools of cosmetic strings (names, places), built once from Faker's word lists.

Strings are sampled from these pools with numpy, never generated row by row: Faker's
per-row calls manage a few thousand rows a second, numpy indexing millions. The pools
depend only on Faker's pinned version and a fixed seed, so they are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from crmkit.world.vocabulary import terms

# US census regions, used as the sales regions of the simulated companies.
STATE_REGIONS = {
    "Northeast": "CT ME MA NH RI VT NJ NY PA",
    "Midwest": "IL IN MI OH WI IA KS MN MO NE ND SD",
    "South": "DE FL GA MD NC SC VA WV AL KY MS TN AR LA OK TX",
    "West": "AZ CO ID MT NV NM UT WY AK CA HI OR WA",
}
EMAIL_DOMAINS = np.array(["example.com", "example.net", "example.org", "mail.example.com"])
POOL_SEED = 20261123
CITIES = 600


@dataclass(frozen=True)
class NamePools:
    """Arrays of cosmetic strings with sampling weights."""

    first_names: np.ndarray
    first_weights: np.ndarray
    last_names: np.ndarray
    last_weights: np.ndarray
    cities: np.ndarray
    city_states: np.ndarray
    city_regions: np.ndarray
    city_weights: np.ndarray


def _weighted(names) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(names, dict):
        values = np.array(list(names.keys()))
        weights = np.array(list(names.values()), dtype=float)
    else:
        values = np.array(sorted(set(names)))
        weights = np.ones(len(values))
    return values, weights / weights.sum()


@cache
def name_pools() -> NamePools:
    """Build the pools (about a tenth of a second, once per process).

    >>> pools = name_pools()
    >>> len(pools.cities) == len(pools.city_states) == len(pools.city_regions)
    True
    """
    from faker import Faker  # imported here: Faker is slow to import and only cosmetic

    from faker.providers.person.en_US import Provider as People

    first, first_w = _weighted({**People.first_names_female, **People.first_names_male})
    last, last_w = _weighted(People.last_names)
    fake = Faker("en_US")
    fake.seed_instance(POOL_SEED)
    cities = np.array([fake.city() for _ in range(CITIES)])
    rng = np.random.default_rng(POOL_SEED)
    state_of_region = {r: s.split() for r, s in STATE_REGIONS.items()}
    all_states = np.array([s for r in terms("region") for s in state_of_region[r]])
    states = rng.choice(all_states, size=CITIES)
    region_of_state = {s: r for r, ss in state_of_region.items() for s in ss}
    regions = np.array([region_of_state[s] for s in states])
    city_w = rng.pareto(1.2, size=CITIES) + 1  # a few big cities, many small towns
    return NamePools(first, first_w, last, last_w, cities, states, regions, city_w / city_w.sum())


def draw_index(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Draw ``size`` indices with the given weights, by inverse CDF (fast for big pools).

    >>> draw_index(np.random.default_rng(0), np.array([0.0, 1.0]), 3).tolist()
    [1, 1, 1]
    """
    cdf = np.cumsum(weights)
    return np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right"), len(weights) - 1)
