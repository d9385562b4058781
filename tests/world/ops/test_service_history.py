"""Unit tier: looking up a customer's latest event with crmkit.world.ops.service_history.value_at."""

from __future__ import annotations

import numpy as np

from crmkit.world.ops.service_history import value_at


def test_latest_event_at_or_before_each_time():
    customer = np.array([1, 0, 1, 0])  # unsorted on purpose
    time = np.array([4.0, 2.0, 1.0, 8.0])
    value = np.array([14, 2, 11, 8])
    asked_customer, asked_time = np.array([0, 0, 0, 1, 1, 2]), np.array([1.0, 2.0, 9.0, 3.0, 4.0, 5.0])
    assert value_at(customer, time, value, asked_customer, asked_time).tolist() == [-1, 2, 8, 11, 14, -1]


def test_another_customers_event_never_leaks():
    assert value_at(np.array([0]), np.array([1.0]), np.array([5]), np.array([1]), np.array([9.0]), default=-7).tolist() == [-7]


def test_no_events_gives_the_default():
    none = np.zeros(0)
    assert value_at(none, none, none, np.array([0, 1]), np.array([1.0, 2.0]), default=-1).tolist() == [-1, -1]
