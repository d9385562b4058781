"""numpy's huge-page advice is off inside the kit's heavy calls and restored after them."""

import threading

import pytest

from crmkit import _pages
from crmkit._pages import on_ordinary_pages, ordinary_pages

switch = _pages._setter()
pytestmark = pytest.mark.skipif(switch is None, reason="this numpy has no huge-page switch")


def advice() -> bool:
    """numpy's current setting (reading it means setting it: set it straight back)."""
    now = switch(True)
    switch(now)
    return now


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


def test_an_error_inside_still_restores_the_advice():
    previous = switch(True)
    try:
        with pytest.raises(ZeroDivisionError), ordinary_pages():
            1 / 0
        assert advice() is True
    finally:
        switch(previous)


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


def test_the_decorator_keeps_the_function_and_its_name():
    @on_ordinary_pages
    def double(x):
        """Twice x."""
        return 2 * x, advice()

    assert double(4) == (8, False) and double.__name__ == "double" and double.__doc__ == "Twice x."
