"""The account's history on one timeline, the repeat deal by history, and sales, marketing and
service on the same account."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics.account_history import (HISTORY_GROUPS, account_history, deals_during_service,
                                              department_months, repeat_deal_rates)
from crmkit.errors import DataError
from tests.analytics.conftest import SEEDS


def day(text):
    return pd.Timestamp(text)


def test_the_timeline_holds_every_record_of_the_account_and_nothing_else(make_world):
    world = make_world("pschse", 1000, 1)
    host = int(world.opportunities["customer_id"].value_counts().index[0])
    history = account_history(world.tables, host)
    counts = history["source"].value_counts()
    assert counts["order"] == (world.orders["customer_id"] == host).sum()
    assert counts["deal opened"] == (world.opportunities["customer_id"] == host).sum()
    assert counts.get("activity", 0) == (world.activities["customer_id"] == host).sum()
    assert counts.get("service case", 0) == (world.cases["customer_id"] == host).sum()
    assert history["at"].is_monotonic_increasing
    orders = history[history["source"] == "order"]
    assert set(orders["record_id"]) == set(world.orders.loc[world.orders["customer_id"] == host, "order_id"])


def test_an_unknown_account_is_refused_by_name(make_world):
    world = make_world("pschse", 1000, 1)
    with pytest.raises(DataError, match="customer_id = -5"):
        account_history(world.tables, -5)


def test_each_account_lands_in_the_group_of_its_richest_history():
    customers = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5], "signup_date": [day("2024-01-01")] * 4 + [day("2025-02-01")]})
    deals = pd.DataFrame({"customer_id": [1, 2, 1, 2, 5], "is_won": [True, False, False, True, False],
                          "created_at": [day("2024-02-01"), day("2024-02-01"), day("2025-03-01"), day("2024-12-01"), day("2025-03-01")],
                          "close_date": [day("2024-03-01"), day("2024-03-01"), day("2025-04-01"), day("2025-02-01"), day("2025-04-01")]})
    orders = pd.DataFrame({"customer_id": [3, 1], "ordered_at": [day("2024-05-01"), day("2024-05-01")]})
    table = repeat_deal_rates(customers, deals, orders, "2025-01-01")
    assert list(table.index) == list(HISTORY_GROUPS)
    # 1 won before; 2 won only after the cut-off (not known on it); 3 ordered; 4 nothing; 5 signed up later
    assert table["accounts"].tolist() == [1, 1, 1, 1]
    assert table["with_new_deal"].tolist() == [1, 0, 0, 0]
    assert repeat_deal_rates(customers, deals, orders, "2025-01-01", until="2025-02-01")["with_new_deal"].sum() == 0
    with pytest.raises(DataError, match="until"):
        repeat_deal_rates(customers, deals, orders, "2025-01-01", until="2024-01-01")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_won_deal_in_the_history_marks_the_accounts_that_open_the_next_one(make_world, seed):
    # What lesson 08 says of every learner's world: accounts with a won deal open a new deal far
    # more often than accounts with orders only, or none.
    world = make_world("pschse", 3000, seed)
    table = repeat_deal_rates(world.customers, world.opportunities, world.orders, "2025-01-01")
    assert table["accounts"].sum() == (world.customers["signup_date"] < "2025-01-01").sum()
    rate = table["rate"]
    assert rate["won deal before"] > 0.5 > 0.2 > max(rate["orders, no deal"], rate["no order"])
    assert rate["won deal before"] > rate["deals, none won"] > rate["orders, no deal"]


def test_department_months_leaves_out_the_control_group_and_marks_each_department():
    tables = {
        "activities": pd.DataFrame({"customer_id": [1, 2], "status": ["done", "done"], "case_id": [None, 7],
                                    "done_at": [day("2024-01-05"), day("2024-01-06")]}),
        "opportunities": pd.DataFrame({"customer_id": [3], "created_at": [day("2024-02-01")]}),
        "campaign_members": pd.DataFrame({"customer_id": [1, 4], "in_control_group": [False, True],
                                          "added_at": [day("2024-01-20"), day("2024-01-20")]}),
        "cases": pd.DataFrame({"customer_id": [1], "opened_at": [day("2024-01-30")]}),
    }
    months = department_months(tables).set_index("customer_id")
    assert months.index.tolist() == [1, 3]  # the case activity is service work, not sales; 4 was not contacted
    assert months.loc[1, ["sales", "marketing", "service"]].tolist() == [True, True, True]
    assert months.loc[3, ["sales", "marketing", "service"]].tolist() == [True, False, False]


def test_a_case_overlaps_a_deal_only_while_both_are_open():
    deals = pd.DataFrame({"opportunity_id": [1, 2, 3], "customer_id": [7, 7, 8], "kind": ["bulk_order"] * 3,
                          "created_at": [day("2024-03-01"), day("2024-06-01"), day("2024-03-01")]})
    history = pd.DataFrame({"opportunity_id": [1, 2, 3], "stage": ["closed_won", "closed_lost", "proposal"],
                            "amount": [1.0] * 3, "changed_at": [day("2024-04-01"), day("2024-07-01"), day("2024-03-01")]})
    cases = pd.DataFrame({"customer_id": [7, 8], "opened_at": [day("2024-02-01"), day("2024-11-01")],
                          "closed_at": [day("2024-03-10"), None]})
    out = deals_during_service(deals, history, cases, "2025-01-01").set_index("opportunity_id")
    # 1: the case opened before the deal and was still open; 2: it was closed before; 3: open deal
    assert out["case_open"].tolist() == [True, False, True]
    assert out["outcome"].tolist() == ["won", "lost", "open"]
