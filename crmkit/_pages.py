"""Large arrays on ordinary memory pages while the kit's heaviest work runs.

numpy asks Linux for 2 MiB "huge" pages for every array of 4 MiB or more
(``madvise(MADV_HUGEPAGE)``). On the virtual machines the kit is measured on, that made
the work on a million-customer world slower, not faster: the flow model took 62-72 s with
huge pages and 53-57 s without, loading the world 39-49 s against 25-29 s (two runs each
of ``NUMPY_MADVISE_HUGEPAGE=0|1 python benchmarks/bench_analytics.py --world W --flow-only``;
the process's CPU time fell from 102-111 s to 85-91 s). :func:`ordinary_pages` turns the
advice off for the duration of one call and puts the previous setting back afterwards, so
nothing outside the kit's own heavy calls changes.
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager

import numpy as np

__all__ = ["ordinary_pages", "on_ordinary_pages"]

_lock = threading.Lock()
_users = 0  # calls inside ordinary_pages now (they may nest, or run on several threads)
_before = True  # numpy's setting when the first of them began


def _setter():
    """numpy's switch of the advice (``numpy._core.multiarray._set_madvise_hugepage``), if it has one."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    return getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)


@contextmanager
def ordinary_pages():
    """Within the block, numpy allocates large arrays on ordinary pages.

    >>> with ordinary_pages():
    ...     ordinary = _setter() is None or _setter()(False) is False  # reading the switch sets it
    >>> ordinary
    True
    """
    global _users, _before
    switch = _setter()
    if switch is None:  # another numpy: nothing to change
        yield
        return
    with _lock:
        if _users == 0:
            _before = switch(False)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                switch(_before)


def on_ordinary_pages(function):
    """Decorator: run ``function`` inside :func:`ordinary_pages`."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with ordinary_pages():
            return function(*args, **kwargs)
    return wrapper
