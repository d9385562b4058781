"""Exercises of lesson 03 on the customers (loyalty's duration and intensity, a channel profile, a cohort
through the processes): a learner's right answer passes on two seeds, and each typical slip, written as a
learner would write it, gets its own message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.teach.lessons import checks
from tests.teach.lessons.helpers import assert_mistakes
from tests.teach.lessons.test_processes import make_world

SEEDS = (1, 2)
PROCESSES = ["campaign_management", "sales_management", "service_management", "complaint_management",
             "loyalty_management", "feedback_management"]


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture(scope="module")
def lesson(world):
    return checks("processes", world)


def tiers_table(world, days_per_year=365.25):
    customers = world.customers.copy()
    customers["years"] = (world.observed_until - customers.signup_date).dt.days / days_per_year
    customers["orders"] = customers.customer_id.map(world.orders.customer_id.value_counts()).fillna(0)
    return customers


def test_loyalty_duration_intensity(lesson, world):
    c = tiers_table(world)
    by_tier = c.groupby("loyalty_tier", observed=True)
    right = pd.DataFrame({"duration_years": by_tier.years.mean(), "orders_per_year": by_tier.orders.sum() / by_tier.years.sum()})
    last = world.orders.groupby("customer_id").ordered_at.max()
    c["to_last"] = (c.customer_id.map(last) - c.signup_date).dt.days / 365.25
    on_orders = world.orders.merge(c, on="customer_id")
    spend = c.customer_id.map(world.orders.groupby("customer_id").net_amount.sum()).fillna(0)
    messages = assert_mistakes(lesson, "loyalty_duration_intensity", right, {
        "none_left_out": right.drop(index="none"),
        "duration_units": right.assign(duration_years=right.duration_years * 12),
        "until_last_order": right.assign(duration_years=c.groupby("loyalty_tier", observed=True).to_last.mean()),
        "mean_over_orders": right.assign(duration_years=on_orders.groupby("loyalty_tier", observed=True).years.mean()),
        "mean_of_ratios": right.assign(orders_per_year=(c.orders / c.years).groupby(c.loyalty_tier, observed=True).mean()),
        "spend_not_orders": right.assign(orders_per_year=spend.groupby(c.loyalty_tier, observed=True).sum() / by_tier.years.sum()),
    })
    assert "signup_date to observed_until" in messages["until_last_order"]
    days = right.assign(duration_years=right.duration_years * 365.25)
    assert lesson.check("loyalty_duration_intensity", days).mistake == "duration_units"
    by_source = right.iloc[:2].set_axis(["web_search", "referral"]) * 365.25  # other labels: no unit is blamed
    assert lesson.check("loyalty_duration_intensity", by_source).mistake is None
    assert right.loc["gold", "orders_per_year"] > right.loc["none", "orders_per_year"]  # the tiers do differ


def channel_shares(orders, weights=None):
    counts = orders.groupby("channel", observed=True).size() if weights is None else \
        orders.groupby("channel", observed=True)[weights].sum()
    return counts / counts.sum()


def test_profile_channel_index(lesson, world):
    members = world.customers.loc[world.customers.loyalty_tier.isin(["silver", "gold"]), "customer_id"]
    gold = world.customers.loc[world.customers.loyalty_tier == "gold", "customer_id"]
    orders = world.orders
    mine, everyone = orders[orders.customer_id.isin(members)], orders
    right = channel_shares(mine) / channel_shares(everyone) * 100
    with_empty = mine.channel.value_counts(normalize=True) / everyone.channel.value_counts(normalize=True) * 100
    assert len(with_empty) > len(right)  # value_counts keeps the unused categories: a slip of its own
    messages = assert_mistakes(lesson, "profile_channel_index", right, {
        "empty_channels": with_empty,
        "share_not_index": channel_shares(mine) * 100,
        "not_times_100": right / 100,
        "inverted": channel_shares(everyone) / channel_shares(mine) * 100,
        "base_is_rest": channel_shares(mine) / channel_shares(orders[~orders.customer_id.isin(members)]) * 100,
        "spend_weighted": channel_shares(mine, "net_amount") / channel_shares(everyone, "net_amount") * 100,
        "one_tier_only": channel_shares(orders[orders.customer_id.isin(gold)]) / channel_shares(everyone) * 100,
    })
    assert "observed=True" in messages["empty_channels"]
    assert right["home_sales_event"] > 100  # the best members buy at home sales events more than average


def cohort_shares(world, cohort, control_counts=False, complaints_in_service=False):
    t, share = world.tables, (lambda ids: cohort.isin(ids).mean())
    members = t["campaign_members"] if control_counts else t["campaign_members"][~t["campaign_members"].in_control_group]
    service = t["cases"] if complaints_in_service else t["cases"][~t["cases"].is_complaint]
    complaints = t["cases"][t["cases"].is_complaint]
    return pd.Series({
        "campaign_management": share(pd.concat([members.customer_id, t["orders"].dropna(subset=["campaign_id"]).customer_id])),
        "sales_management": share(pd.concat([t["orders"].customer_id, t["opportunities"].customer_id])),
        "service_management": share(service.customer_id),
        "complaint_management": share(pd.concat([complaints.customer_id, t["refunds"].customer_id])),
        "loyalty_management": share(t["loyalty_ledger"].customer_id),
        "feedback_management": share(t["surveys"].customer_id),
    })


def test_cohort_process_reach(lesson, world):
    year = world.observed_until.year - 1
    signed = world.customers.signup_date.dt.year
    cohort = world.customers.loc[signed == year, "customer_id"]
    right = cohort_shares(world, cohort)
    rows = right.copy()
    rows["sales_management"] = world.orders.customer_id.isin(cohort).sum() / len(cohort)
    messages = assert_mistakes(lesson, "cohort_process_reach", right, {
        "counts_not_shares": right * len(cohort),
        "percent": right * 100,
        "rows_not_customers": rows,
        "whole_base": cohort_shares(world, world.customers.customer_id),
        "wrong_year": cohort_shares(world, world.customers.loc[signed == year + 1, "customer_id"]),
        "control_group_counted": cohort_shares(world, cohort, control_counts=True),
        "complaints_as_service": cohort_shares(world, cohort, complaints_in_service=True),
    })
    assert "control group" in messages["control_group_counted"]
    for not_a_share_table in (3.0, pd.Series({"campaign_management": 2.0})):  # no rows are blamed on these
        assert lesson.check("cohort_process_reach", not_a_share_table).mistake is None
    assert np.all((right > 0) & (right < 1))  # every process reached part of the cohort, none all of it
