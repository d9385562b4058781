"""Exercises of the value-chain lesson: the right answer passes on two seeds, and each typical
wrong answer, written as a learner would write it, gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pytest

import crmkit as ck
from crmkit.analytics import cost_to_serve_concentration, repeat_rate
from crmkit.analytics.value_chain import profile_completeness
from crmkit.explore.value_chain import building_block_evidence
from crmkit.teach.lessons import checks
from crmkit.teach.lessons.value_chain import CHAIN_EXAMPLE_SCORES, condition_gap
from tests.teach.lessons.helpers import assert_mistakes

SEEDS = (1, 2)
COSTS = ["delivery_cost", "service_cost", "payment_cost", "marketing_cost", "returns_cost"]


@lru_cache(maxsize=2)
def make_world(seed: int):
    return ck.simulate("pschse", customers=2000, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture(scope="module")
def lesson(world):
    return checks("value_chain", world)



def test_every_mistake_is_distinguishable_on_this_world(lesson):
    assert lesson.validate()["distinguishable"].all()


def test_cost_magnets(lesson, world):
    buyers = world.customer_costs[world.customer_costs.orders > 0].copy()
    buyers["cost_to_serve"] = buyers[COSTS].sum(axis=1)
    k = int(0.05 * len(buyers))
    top = buyers.nlargest(k, "cost_to_serve")
    everyone = world.customer_costs[COSTS].sum(axis=1)
    right = top.cost_to_serve.sum() / buyers.cost_to_serve.sum()
    assert right == pytest.approx(cost_to_serve_concentration(world.customer_costs))  # the lesson's own helper agrees
    assert_mistakes(lesson, "cost_magnets", right, {
        "ranked_by_revenue": buyers.nlargest(k, "revenue").cost_to_serve.sum() / buyers.cost_to_serve.sum(),
        "share_of_revenue": top.revenue.sum() / buyers.revenue.sum(),
        "everyone": everyone.nlargest(int(0.05 * len(everyone))).sum() / everyone.sum(),
        "percent": 100 * right,
    })


def test_complete_profiles(lesson, world):
    c = world.customers
    right = (c.email.notna() & c.phone.notna() & c.birth_year.notna()).mean()
    assert right == pytest.approx(profile_completeness(c))
    messages = assert_mistakes(lesson, "complete_profiles", right, {
        "any_field": (c.email.notna() | c.phone.notna() | c.birth_year.notna()).mean(),
        "email_only": c.email.notna().mean(),
        "missing_share": c[["email", "phone", "birth_year"]].isna().any(axis=1).mean(),
        "count": int((c.email.notna() & c.phone.notna() & c.birth_year.notna()).sum()),
    })
    assert "&" in messages["any_field"]


def test_repeat_rate(lesson, world):
    year = world.observed_until.year
    buyers = {y: set(world.orders.loc[world.orders.ordered_at.dt.year == y, "customer_id"]) for y in (year - 2, year - 1, year)}
    right = len(buyers[year - 1] & buyers[year]) / len(buyers[year - 1])
    assert right == pytest.approx(repeat_rate(world.orders, year))
    assert_mistakes(lesson, "repeat_rate", right, {
        "reversed": len(buyers[year - 1] & buyers[year]) / len(buyers[year]),
        "all_customers": len(buyers[year - 1] & buyers[year]) / len(world.customers),
        "wrong_years": len(buyers[year - 2] & buyers[year - 1]) / len(buyers[year - 2]),
        "percent": 100 * right,
    })


def test_customers_in_several_systems(lesson, world):
    records = world.source_records.merge(world.truth.source_links, on="source_record_id")
    systems = records.groupby("customer_id").source_system.nunique()
    right = (systems >= 2).mean()
    assert 0 < right < 1
    assert_mistakes(lesson, "customers_in_several_systems", right, {
        "records_not_systems": (records.groupby("customer_id").size() >= 2).mean(),
        "all_customers": (systems >= 2).sum() / len(world.customers),
        "record_level": records.customer_id.map(systems >= 2).mean(),
        "count": int((systems >= 2).sum()),
        "percent": 100 * right,
    })


def test_lead_conversion(lesson, world):
    leads = world.leads
    converted = (leads.status == "converted").sum()
    right = converted / len(leads)
    evidence = building_block_evidence(world).set_index("key")
    assert right == pytest.approx(evidence.loc["processes", "value"])  # the self-assessment quotes the same figure
    assert_mistakes(lesson, "lead_conversion", right, {
        "closed_only": converted / leads.status.isin(["converted", "unqualified"]).sum(),
        "per_customer": converted / len(world.customers),
        "count": int(converted),
        "percent": 100 * right,
    })


@pytest.mark.parametrize("scores, gap", [
    (CHAIN_EXAMPLE_SCORES, (3 + 3 + 4 + 4 + 3) / 5 - (3 + 2 + 2 + 3) / 4),
    ({**dict.fromkeys(CHAIN_EXAMPLE_SCORES, 4), "leadership_and_culture": 1, "processes": 5}, 4 - (1 + 4 + 4 + 5) / 4),
])
def test_condition_gap_is_the_stages_mean_minus_the_conditions_mean(scores, gap):
    assert condition_gap(scores) == pytest.approx(gap)


def test_condition_gap(lesson):
    stages, conditions = [3, 3, 4, 4, 3], [3, 2, 2, 3]
    right = sum(stages) / 5 - sum(conditions) / 4
    assert_mistakes(lesson, "condition_gap", right, {
        "reversed": -right,
        "all_nine": sum(stages) / 5 - sum(stages + conditions) / 9,
        "lowest_condition": sum(stages) / 5 - min(conditions),
        "sums": sum(stages) - sum(conditions),
    })
