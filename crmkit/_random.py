"""Seeds, normalised in one place.

Every random function of the kit takes ``seed`` (an int or a ``numpy.random.Generator``)
and turns it into a generator here. Blocks of a world get child generators derived from
the master seed and the block's number, so a block's draws never depend on how many
blocks there are, on their order, or on the worker that makes them.
"""

from __future__ import annotations

import zlib

import numpy as np

from crmkit.errors import ConfigError

SeedLike = int | np.integer | np.random.Generator
MAX_SEED = 2**63 - 1  # what a generator's own draw gives, and what saved worlds store as int64
SEED_ALLOWED = "an int from 0 to 2**63-1 or a numpy.random.Generator"


def master_entropy(seed: SeedLike) -> int:
    """Return a non-negative int that stands for ``seed``.

    A generator is consumed once (one draw), so passing the same generator twice gives
    two different worlds, as one expects of a generator.

    >>> master_entropy(7)
    7
    >>> master_entropy(-1)
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: seed = -1: must be an int from 0 to 2**63-1 or a numpy.random.Generator
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    # (bool is an int to Python: seed=True would quietly be seed 1.)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"seed = {seed!r}: must be {SEED_ALLOWED}")
    return int(seed)


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Return a generator for ``seed``; a generator passes through unchanged.

    >>> bool(as_generator(3).integers(10) == as_generator(3).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(master_entropy(seed))


def child_generator(entropy: int, *keys: int | str) -> np.random.Generator:
    """A generator for one part of a world, from the master entropy and a path of keys.

    String keys are hashed with CRC-32, which is stable across runs and machines
    (Python's ``hash`` is not).

    >>> a = child_generator(7, 0, "orders").random()
    >>> b = child_generator(7, 0, "orders").random()
    >>> a == b, a == child_generator(7, 1, "orders").random()
    (True, False)
    """
    spawn_key = tuple(zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in keys)
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=spawn_key))
