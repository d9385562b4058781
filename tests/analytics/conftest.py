"""Worlds shared by the analytics tests.

``make_world(case, customers, seed)`` is cached per test process, so tests that need the
same world (for example three seeds of a truth-recovery test) build it once. Treat the
returned world as read-only.
"""

from functools import lru_cache

import pytest

SEEDS = (1, 2, 3)  # truth-recovery tests run on at least three seeds


@lru_cache(maxsize=16)
def _world(case: str, customers: int, seed: int):
    import crmkit as ck

    return ck.simulate(case, customers=customers, seed=seed, progress=False)


@pytest.fixture(scope="session")
def make_world():
    return _world
