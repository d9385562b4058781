"""Large arrays on ordinary memory pages while the kit's heaviest work runs.

numpy asks Linux for 2 MiB "huge" pages for every array of 4 MiB or more
(``madvise(MADV_HUGEPAGE)``). On the virtual machines the kit is measured on, that made
the work on a million-customer world slower, not faster: the flow model took 62-72 s with
huge pages and 53-57 s without, loading the world 39-49 s against 25-29 s (two runs each
of ``NUMPY_MADVISE_HUGEPAGE=0|1 python benchmarks/bench_analytics.py --world W --flow-only``;
the process's CPU time fell from 102-111 s to 85-91 s).

Arrow's default allocator (mimalloc in the pyarrow wheels) was slow on fresh memory in the
same way: the first hashing of a million e-mail addresses took 2.9 s with it and 0.7 s with
the system's allocator, and loading the 1M world 24-39 s against 14-15 s, with a peak of
5.1-5.2 GB instead of 5.6-5.8 GB (``ARROW_DEFAULT_MEMORY_POOL=mimalloc|system``, same
script, runs side by side).

In the flow model itself the system's allocator was no faster (56-75 s against 51-56 s),
so only loading uses it. :func:`ordinary_pages` turns numpy's advice off and
:func:`system_arrow_allocator` gives Arrow the system's allocator, each for the duration
of one call (:func:`running_in`), and puts the setting back afterwards, so nothing
outside the kit's own heavy calls changes (arrays made meanwhile keep their allocator).
"""

from __future__ import annotations

import functools
import threading
from contextlib import ExitStack, contextmanager

import numpy as np
import pyarrow as pa

__all__ = ["ordinary_pages", "system_arrow_allocator", "running_in"]


class _Setting:
    """A process-wide setting changed while any caller is inside, restored when the last leaves.

    Calls may nest or run on several threads at once: a count says when to restore.
    """

    def __init__(self, change, restore):
        self.change, self.restore = change, restore  # change() returns what restore(before) needs
        self.lock, self.users, self.before = threading.Lock(), 0, None

    @contextmanager
    def __call__(self):
        with self.lock:
            if self.users == 0:
                self.before = self.change()
            self.users += 1
        try:
            yield
        finally:
            with self.lock:
                self.users -= 1
                if self.users == 0:
                    self.restore(self.before)


def _setter():
    """numpy's switch of the advice (``numpy._core.multiarray._set_madvise_hugepage``), if it has one."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    return getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)


def _advice(enabled: bool) -> bool:
    """Set numpy's huge-page advice; return the setting before (False for a numpy without the switch)."""
    switch = _setter()
    return switch(enabled) if switch else False


def _arrow_to_system():
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    return before


ordinary_pages = _Setting(lambda: _advice(False), _advice)
ordinary_pages.__doc__ = "``with ordinary_pages():`` numpy allocates large arrays on ordinary pages."
system_arrow_allocator = _Setting(_arrow_to_system, pa.set_memory_pool)
system_arrow_allocator.__doc__ = "``with system_arrow_allocator():`` Arrow allocates with the system's allocator."


def running_in(*settings):
    """Decorator: run the function inside each of ``settings`` (e.g. ``ordinary_pages``)."""
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with ExitStack() as stack:
                for setting in settings:
                    stack.enter_context(setting())
                return function(*args, **kwargs)
        return wrapper
    return decorate
