"""numpy's huge-page advice and Arrow's allocator are changed inside the kit's heavy calls
and restored after them."""

import threading

import pyarrow as pa
import pytest

from crmkit import _pages
from crmkit._pages import ordinary_pages, running_in, system_arrow_allocator

switch = _pages._setter()
needs_switch = pytest.mark.skipif(switch is None, reason="this numpy has no huge-page switch")


def advice() -> bool:
    """numpy's current setting (reading it means setting it: set it straight back)."""
    now = switch(True)
    switch(now)
    return now


@needs_switch
@pytest.mark.parametrize("before", [True, False])
def test_the_advice_is_off_inside_and_as_it_was_after(before):
    previous = switch(before)
    try:
        with ordinary_pages():
            assert advice() is False
            with ordinary_pages():  # nested
                assert advice() is False
            assert advice() is False
        assert advice() is before
    finally:
        switch(previous)


@needs_switch
def test_an_error_inside_still_restores_the_advice():
    previous = switch(True)
    try:
        with pytest.raises(ZeroDivisionError), ordinary_pages():
            1 / 0
        assert advice() is True
    finally:
        switch(previous)


@needs_switch
def test_two_threads_overlapping_restore_the_advice_once_both_are_done():
    previous = switch(True)
    inside, release = threading.Barrier(2), threading.Event()
    seen = []

    def work():
        with ordinary_pages():
            inside.wait()
            seen.append(advice())
            release.wait()

    first = threading.Thread(target=work)
    first.start()
    try:
        with ordinary_pages():
            inside.wait()  # both are inside now
            release.set()
            first.join()  # the other thread left: still off for this one
            assert advice() is False
        assert advice() is True and seen == [False]
    finally:
        switch(previous)


def test_arrow_allocates_with_the_system_allocator_inside_and_as_before_after():
    before = pa.default_memory_pool().backend_name
    with system_arrow_allocator():
        assert pa.default_memory_pool().backend_name == "system"
        with system_arrow_allocator():
            table = pa.table({"x": list(range(1000))})
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == before
    assert table.column("x").to_pylist()[-1] == 999  # what was made inside outlives the block


@needs_switch
def test_the_decorator_runs_the_function_inside_every_setting_and_keeps_its_name():
    @running_in(ordinary_pages, system_arrow_allocator)
    def double(x):
        """Twice x."""
        return 2 * x, advice(), pa.default_memory_pool().backend_name

    before = pa.default_memory_pool().backend_name
    assert double(4) == (8, False, "system") and double.__name__ == "double" and double.__doc__ == "Twice x."
    assert pa.default_memory_pool().backend_name == before
