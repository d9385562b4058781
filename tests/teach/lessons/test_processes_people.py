"""Exercise of lesson 03 on the people side of the CRM life cycle (issue 20): the right answer,
written as a learner writes it, passes on two seeds, and each typical wrong answer gets its own message."""

from __future__ import annotations

import pandas as pd

from crmkit.teach.lessons import checks
from crmkit.teach.lessons.processes_people import fcr_by_training
from tests.teach.lessons.helpers import assert_mistakes
from tests.teach.lessons.test_processes_scope import world  # noqa: F401  (the same pschse worlds, seeds 1 and 2)


def test_first_contact_by_training(world):
    cases = world.cases.merge(world.tables["staff_training"], left_on="owner_staff_id", right_on="staff_id")
    groups = cases.groupby("trained_on_crm")["first_contact_resolution"]
    agents = cases.groupby(["trained_on_crm", "owner_staff_id"])["first_contact_resolution"].mean().groupby(level=0).mean()
    overall = world.cases["first_contact_resolution"].mean()
    messages = assert_mistakes(checks("processes", world), "first_contact_by_training", groups.mean(), {
        "case_count": groups.sum(),
        "not_solved": 1 - groups.mean(),
        "per_agent": agents,
        "no_join": pd.Series({False: overall, True: overall}),
    })
    assert "pool" in messages["per_agent"]


def test_the_world_shows_the_declared_gap(world):
    """The exercise is worth doing: in pschse the untrained agents solve clearly fewer cases at once."""
    share = fcr_by_training(world)
    assert share[False] < 0.7 * share[True]
