"""Unit tier: crmkit.world.ops.service_activities on a few hand-built cases."""

from __future__ import annotations

import numpy as np
import pytest

from crmkit.world.ops.service_activities import REVIEW_AFTER, activity_rows
from crmkit.world.vocabulary import code_of

END = 100.0  # days: the end of the observed window


def _cases():
    """Case 0: solved at first contact. 1: escalated, closed late, not at first contact. 2: still open."""
    reason = [code_of("case_reason", r) for r in ("billing", "late_delivery", "account")]
    return {
        "time": np.array([10.0, 20.0, 50.0]), "closed": np.array([10.5, 30.0, np.nan]),
        "origin": np.array([code_of("case_origin", "phone"), code_of("case_origin", "email"), code_of("case_origin", "web")]),
        "reason": np.array(reason), "escalated": np.array([False, True, False]),
        "fcr": np.array([True, False, False]), "complaint": np.array([False, True, False]),
    }


@pytest.fixture
def rows():
    return activity_rows(_cases(), END, np.random.default_rng(0))


def test_every_case_opens_with_one_inbound_contact(rows):
    inbound = rows["direction"] == "inbound"
    assert sorted(rows["case"][inbound].tolist()) == [0, 1, 2]
    assert (rows["due"][inbound] == np.array([10.0, 20.0, 50.0])[rows["case"][inbound]]).all()


def test_a_complaint_reads_as_one_and_a_request_as_a_request(rows):
    opening = {int(c): s for c, s, d in zip(rows["case"], rows["subject"], rows["direction"]) if d == "inbound"}
    assert opening[1].startswith("Complaint: ") and opening[0].startswith("Request: ")


def test_only_the_escalated_case_gets_a_review_at_least_an_hour_in(rows):
    review = np.array([s.startswith("Escalation review") for s in rows["subject"]])
    assert rows["case"][review].tolist() == [1]
    assert rows["due"][review][0] >= 20.0 + REVIEW_AFTER


def test_follow_ups_only_for_cases_not_solved_at_first_contact(rows):
    resolution = np.array([s.startswith("Resolution") for s in rows["subject"]])
    assert rows["case"][resolution].tolist() == [1]
    assert rows["kind"][resolution][0] in ("call", "email") and rows["done"][resolution][0] == 30.0


def test_an_open_case_has_a_planned_follow_up_a_day_later(rows):
    planned = rows["status"] == "planned"
    assert rows["case"][planned].tolist() == [2]
    assert rows["due"][planned][0] == 51.0 and np.isnan(rows["done"][planned][0])


def test_no_follow_up_is_planned_past_the_window():
    late = activity_rows(_cases(), 50.5, np.random.default_rng(0))  # case 2's follow-up would fall at 51
    assert not (late["status"] == "planned").any()


def test_rows_come_sorted_by_due_time(rows):
    assert (np.diff(rows["due"]) >= 0).all()
