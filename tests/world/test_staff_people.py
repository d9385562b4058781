"""The people side of the CRM (issue 20): training on the CRM, drawn per employee, and its
declared effect on the service cases an untrained agent handles (none unless declared)."""

from __future__ import annotations

import numpy as np
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.cases import load_config
from crmkit.world.world_version import fingerprint

PEOPLE = {"remark": "Test.", "trained_share": 0.5}
EFFECT = {**PEOPLE, "untrained_first_contact": 0.4, "untrained_close_days": 3.0}


def _world(people, customers=1500, seed=4):
    config = load_config("retailer", customers=customers, seed=seed, **{"staff.people": people})
    return ck.simulate(config, progress=False)


@pytest.fixture(scope="module")
def plain():
    return ck.simulate("retailer", customers=1500, seed=4, progress=False)


def test_training_without_an_effect_moves_no_other_table(plain):
    world = _world(PEOPLE)
    training = world.tables["staff_training"]
    assert len(training) == len(world.staff) and training.staff_id.tolist() == world.staff.staff_id.tolist()
    assert 0 < training.trained_on_crm.mean() < 1
    assert plain.tables["staff_training"].empty
    for name in plain.tables:
        if name != "staff_training":
            assert plain.tables[name].equals(world.tables[name]), name
    assert fingerprint(plain) != fingerprint(world)  # the new table counts where the case declares it


def _by_training(world):
    cases = world.cases.merge(world.tables["staff_training"], left_on="owner_staff_id", right_on="staff_id")
    return cases.groupby("trained_on_crm")


def test_untrained_agents_solve_fewer_cases_at_the_first_contact_and_close_later(plain):
    world = _world(EFFECT)
    fcr = _by_training(world).first_contact_resolution.mean()
    assert fcr[False] < 0.6 * fcr[True]
    days = (world.cases.closed_at - world.cases.opened_at).dt.total_seconds() / 86400
    slow = world.cases.assign(days=days)[~world.cases.first_contact_resolution]
    slow = slow.merge(world.tables["staff_training"], left_on="owner_staff_id", right_on="staff_id")
    median = slow.groupby("trained_on_crm").days.median()
    assert median[False] > 2 * median[True]
    assert world.cases.owner_staff_id.tolist() == plain.cases.owner_staff_id.tolist()  # same agents, other outcomes


def test_without_an_effect_training_makes_no_difference_beyond_noise():
    fcr = _by_training(_world(PEOPLE, customers=3000)).first_contact_resolution.agg(["mean", "count"])
    p, n = fcr["mean"], fcr["count"]
    se = np.sqrt((p * (1 - p) / n).sum())
    assert abs(p[False] - p[True]) < 3 * se


@pytest.mark.parametrize("field, value", [("trained_share", 1.5), ("untrained_close_days", 0.5), ("untrained_first_contact", -0.1)])
def test_a_bad_setting_names_the_field(field, value):
    with pytest.raises(ConfigError, match=field):
        load_config("retailer", **{"staff.people": {**EFFECT, field: value}})


def test_training_draws_do_not_depend_on_the_size():
    a = _world(PEOPLE, customers=200).tables["staff_training"]
    b = _world(PEOPLE, customers=900).tables["staff_training"]
    assert np.array_equal(a.trained_on_crm, b.trained_on_crm)
