"""Pools of cosmetic strings (names, places), built once from Faker's word lists.

Where customers live is the world's data (``words.geography``: a Faker locale, sales
regions with their states or counties, e-mail domains); this module only builds pools.

Strings are sampled from these pools with numpy, never generated row by row: Faker's
per-row calls manage a few thousand rows a second, numpy indexing millions. The pools
depend only on Faker's pinned version and a fixed seed, so they are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crmkit.world.parameters import parameter
from crmkit.world.words import Geography, default_words

# The default e-mail domains (reserved example domains); a world's own are in its pools.
EMAIL_DOMAINS = np.array(default_words().geography.email_domains)
POOL_SEED = 20261123  # fixed: the name pools' own seed, part of every world's identity
CITIES = parameter("names", "towns")
TOWN_SIZE_SHAPE = parameter("names", "town_size_shape")


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
    email_domains: np.ndarray


def _weighted(names) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(names, dict):
        values = np.array(list(names.keys()))
        weights = np.array(list(names.values()), dtype=float)
    else:
        values = np.array(sorted(set(names)))
        weights = np.ones(len(values))
    return values, weights / weights.sum()


def name_pools(geography: Geography | None = None) -> NamePools:
    """Build the pools of a geography (the default one when none is given).

    About a tenth of a second, once per process and geography.

    >>> pools = name_pools()
    >>> len(pools.cities) == len(pools.city_states) == len(pools.city_regions)
    True
    """
    g = geography or default_words().geography
    return _pools(g.locale, tuple((r, tuple(areas)) for r, areas in g.regions.items()), tuple(g.email_domains))


@cache
def _pools(locale: str, regions: tuple[tuple[str, tuple[str, ...]], ...], domains: tuple[str, ...]) -> NamePools:
    from importlib import import_module

    from faker import Faker  # imported here: Faker is slow to import and only cosmetic

    people = import_module(f"faker.providers.person.{locale}").Provider
    first, first_w = _weighted(_first_names(people))
    last, last_w = _weighted(people.last_names)
    fake = Faker(locale)
    fake.seed_instance(POOL_SEED)
    cities = np.array([fake.city() for _ in range(CITIES)])
    rng = np.random.default_rng(POOL_SEED)
    all_states = np.array([s for _, areas in regions for s in areas])
    states = rng.choice(all_states, size=CITIES)
    region_of_state = {s: r for r, areas in regions for s in areas}
    city_regions = np.array([region_of_state[s] for s in states])
    city_w = rng.pareto(TOWN_SIZE_SHAPE, size=CITIES) + 1  # a few big cities, many small towns
    return NamePools(first, first_w, last, last_w, cities, states, city_regions, city_w / city_w.sum(), np.array(domains))


def _first_names(people) -> dict | list:
    """A locale's first names, with their weights where Faker has them."""
    female, male = people.first_names_female, people.first_names_male
    if isinstance(female, dict) and isinstance(male, dict):
        return {**female, **male}
    return [*female, *male]


def arrow_pools(geography: Geography | None = None) -> dict[str, pa.Array]:
    """The name pools as Arrow arrays (taking from Arrow is many times faster than from numpy)."""
    g = geography or default_words().geography
    return _arrow(g.locale, tuple((r, tuple(areas)) for r, areas in g.regions.items()), tuple(g.email_domains))


@cache
def _arrow(locale, regions, domains) -> dict[str, pa.Array]:
    pools = _pools(locale, regions, domains)
    return {
        "first": pa.array(pools.first_names), "last": pa.array(pools.last_names),
        "first_lower": pa.array(np.char.lower(pools.first_names)),
        "last_lower": pa.array(np.char.lower(pools.last_names)),
        "city": pa.array(pools.cities), "state": pa.array(pools.city_states), "domain": pa.array(pools.email_domains),
    }


def phone_numbers(rng: np.random.Generator, n: int, geography: Geography | None = None) -> pa.Array:
    """``n`` fictional phone numbers in the geography's format (two draws: area, then line).

    >>> phone_numbers(np.random.default_rng(0), 1).to_pylist()[0].startswith("(")
    True
    """
    phone = (geography or default_words().geography).phone
    area, line = rng.integers(*phone.area, n), rng.integers(*phone.line, n)
    before, after = phone.format.split("{line}", 1)
    if "{area}" in before:  # the usual case: the area code comes first
        head, tail = before.split("{area}", 1)
        parts = [head, pa.array(area).cast(pa.string()), tail, pa.array(line).cast(pa.string()), after]
    else:
        parts = [before, pa.array(line).cast(pa.string()), after]
    return pc.binary_join_element_wise(*parts, "")


def draw_index(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Draw ``size`` indices with the given weights, by inverse CDF (fast for big pools).

    >>> draw_index(np.random.default_rng(0), np.array([0.0, 1.0]), 3).tolist()
    [1, 1, 1]
    """
    cdf = np.cumsum(weights)
    return np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right"), len(weights) - 1)
