"""Running a world's blocks as tasks on a Dask distributed cluster.

A block of customers depends only on the config, its index and the master seed (see
:mod:`crmkit.world.block`), so any machine can make any block: the world is the same,
byte for byte, whether one process, a process pool or a cluster of machines made it.
With Parquet each task writes its own part files straight into the world's (temporary)
folder, which the cluster's workers must therefore see under the same path (one machine,
or a shared file system); the other formats send each block back to the caller.

Needs the ``scale`` extra (``pip install "crmkit[scale]"``, which brings ``dask`` and
``distributed``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from crmkit._random import master_entropy
from crmkit.errors import ConfigError
from crmkit.world.block import BLOCK_SIZE
from crmkit.world.config import WorldConfig

__all__ = ["run_blocks_on", "dask_client"]

CONNECT_TIMEOUT = "10s"  # how long to wait for a scheduler before saying none answers


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ConfigError("client/--scheduler: Dask is not installed; install the scale extra: "
                          "pip install 'crmkit[scale]'") from None
    return distributed


def run_blocks_on(client, task, config: WorldConfig, *args) -> Iterator:
    """Yield ``task(config, index, entropy, *args)`` for every block, in block order, each
    computed as a task on the Dask cluster of ``client``.

    Only about two blocks per worker thread are in flight at once, so finished blocks never
    pile up on the cluster or in this process. If the caller stops early (an error, Ctrl-C),
    the blocks not yet made are cancelled.
    """
    if not isinstance(client, _distributed().Client):
        raise ConfigError(f"client = {client!r}: must be a dask.distributed Client (or None for this machine)")
    entropy = master_entropy(config.seed)
    count = -(-config.customers // BLOCK_SIZE)
    window = max(2, 2 * sum(client.nthreads().values()))
    pending: deque = deque()
    try:
        for index in range(count):
            # pure=False: the same block asked twice (two runs) is made twice, never taken
            # from a result the cluster kept from another world with the same arguments.
            pending.append(client.submit(task, config, index, entropy, *args, pure=False, retries=0))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        if pending:
            client.cancel(list(pending))


@contextmanager
def dask_client(client=None, scheduler: str | None = None):
    """The Dask client to run blocks on: ``client`` itself, a new client connected to the
    ``scheduler`` address (closed at the end), or None when neither is given.

    Raises
    ------
    ConfigError
        When both are given, Dask is not installed or no scheduler answers at the address.
    """
    if client is not None and scheduler is not None:
        raise ConfigError(f"scheduler = {scheduler!r} and a client: give one of them, not both")
    if client is not None or scheduler is None:
        yield client
        return
    distributed = _distributed()
    try:
        own = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ConfigError(f"scheduler = {scheduler!r}: no Dask scheduler answers there "
                          f"({type(exc).__name__}); start one with 'dask scheduler' or check the address") from None
    try:
        yield own
    finally:
        own.close()
