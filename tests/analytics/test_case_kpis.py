"""The model companies' KPIs, recomputed another way (from the analytics functions or by hand),
the case worlds as run and with each lever off, and each strategy lever moving the business the
way its case world was built to."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import csat, nps
from crmkit.analytics.case_kpis import KPIS, company_kpis, customer_outcomes, case_kpi_table, strategy_effect
from crmkit.analytics.case_worlds import (
    CASE_LEVERS, CaseWorlds, case_worlds, compare_companies, model_company_worlds,
)
from crmkit.errors import ConfigError, DataError
from crmkit.world.world import World

SIZE, SEED = 2000, 1


@lru_cache(maxsize=3)
def worlds_of(case: str) -> CaseWorlds:
    return case_worlds(case, customers=SIZE, seed=SEED)


@pytest.fixture(scope="module", params=sorted(CASE_LEVERS))
def worlds(request):
    return worlds_of(request.param)


def _retention_by_hand(world) -> float:
    year = world.orders.ordered_at.dt.year
    last = world.observed_until.year
    before = set(world.orders.customer_id[year == last - 1])
    return len(before & set(world.orders.customer_id[year == last])) / len(before)


def _top_share_by_hand(world) -> float:
    spend = world.orders.groupby("customer_id").net_amount.sum().sort_values(ascending=False)
    return spend.head(int(0.1 * len(spend))).sum() / spend.sum()


def test_the_kpis_of_a_world_are_its_own_figures_computed_another_way(worlds):
    world = worlds.on
    kpis = company_kpis(world)
    costs, truth = world.customer_costs, world.truth
    contacted = world.campaign_members[~world.campaign_members.in_control_group]
    expected = {
        "orders per customer": len(world.orders) / len(world.customers),
        "revenue per customer": world.orders.net_amount.sum() / len(world.customers),
        "contribution per customer": costs.contribution.mean(),
        "contribution margin (%)": 100 * costs.contribution.sum() / costs.revenue.sum(),
        "retention (%)": 100 * _retention_by_hand(world),
        "next-year orders per customer": truth.customers.holdout_orders.mean(),
        "loyalty members (%)": 100 * (world.customers.loyalty_tier != "none").mean(),
        "campaign uplift (points)": 100 * contacted.merge(truth.campaign_uplift, on="member_id").true_uplift.mean(),
        "problem orders (%)": 100 * (world.orders.service_issue != "none").mean(),
        "satisfied (%)": 100 * csat(world.surveys)["satisfied"].item(),
        "NPS": nps(world.surveys)["nps"].item(),
        "top-10% revenue share (%)": 100 * _top_share_by_hand(world),
    }
    assert list(kpis.index) == list(KPIS) == list(expected)
    for kpi, value in expected.items():
        assert kpis[kpi] == pytest.approx(value, rel=1e-9), kpi


def test_the_persona_rows_add_up_to_the_whole_and_match_a_direct_groupby(worlds):
    outcomes = customer_outcomes(worlds.on)
    by_persona = case_kpi_table(outcomes, by="persona")
    truth = worlds.on.truth.customers.set_index("customer_id")
    orders = worlds.on.orders.assign(persona=worlds.on.orders.customer_id.map(truth.persona))
    people = truth.persona.value_counts()
    direct = orders.groupby("persona").size() / people
    pd.testing.assert_series_equal(by_persona["orders per customer"], direct.reindex(by_persona.index),
                                   check_names=False)
    weights = people.reindex(by_persona.index)
    whole = (by_persona["revenue per customer"] * weights).sum() / weights.sum()
    assert whole == pytest.approx(company_kpis(worlds.on)["revenue per customer"])
    assert len(outcomes) == len(worlds.on.customers) and outcomes.customer_id.is_unique


def test_each_main_lever_raises_orders_per_customer(worlds):
    """The case worlds are built so (tests/world/test_case_worlds.py: 5-20% at 6,000 customers)."""
    effect = strategy_effect(worlds.on, worlds.off).loc["orders per customer"]
    assert effect["difference"] > 0 and effect["with lever"] > effect["without lever"]
    assert effect["change (%)"] == pytest.approx(100 * effect["difference"] / effect["without lever"])
    assert np.isnan(strategy_effect(worlds.on, worlds.off).loc["retention (%)", "change (%)"])  # points, not percent


def test_case_worlds_read_like_the_world_as_run_with_the_off_world_beside_it(worlds):
    assert worlds.on is worlds.scenarios["as run"] and worlds.off is worlds.without(worlds.main_lever)
    assert worlds.orders is worlds.on.orders and worlds.observed_until == worlds.on.observed_until
    assert worlds.tables["off_orders"] is worlds.off.orders and worlds.tables["orders"] is worlds.on.orders
    assert len(worlds.scenarios) == 1 + len(CASE_LEVERS[worlds.case])
    first_lever_off = CASE_LEVERS[worlds.case][worlds.main_lever]
    setting, value = next(iter(first_lever_off.items()))
    section, key = setting.split(".")
    assert getattr(getattr(worlds.off.config, section), key) == value
    assert getattr(getattr(worlds.on.config, section), key) != value
    with pytest.raises(ConfigError, match="lever = 'points'"):
        worlds.without("points")


def test_targeted_coupons_raise_the_campaign_uplift_in_the_tesco_world():
    """Personalisation doubles the uplift in the Tesco world (uplift_multiplier 2.0)."""
    table = worlds_of("tesco")("targeted coupons", "campaign uplift (points)")
    assert table.loc["all customers", "as run"] > 1.5 * table.loc["all customers", "without lever"]


def test_premium_service_means_fewer_problems_and_more_satisfied_guests_at_the_ritz():
    ritz = worlds_of("ritz_carlton")
    effect = strategy_effect(ritz.on, ritz.without("premium service recovery"))
    assert effect.loc["problem orders (%)", "difference"] < 0 < effect.loc["satisfied (%)", "difference"]


def test_calling_the_worlds_gives_the_kpi_per_persona_with_and_without_a_lever(worlds):
    levers = list(CASE_LEVERS[worlds.case])
    table = worlds()
    assert table.index[0] == "all customers" and set(table.index[1:]) == set(worlds.on.truth.customers.persona)
    assert table.loc["all customers", "as run"] == pytest.approx(company_kpis(worlds.on)["orders per customer"])
    assert table.loc["all customers", "without lever"] == pytest.approx(company_kpis(worlds.off)["orders per customer"])
    other = worlds(levers[1], "problem orders (%)")
    expected = company_kpis(worlds.without(levers[1]))["problem orders (%)"]
    assert other.loc["all customers", "without lever"] == pytest.approx(expected)
    assert (other["difference"] == other["as run"] - other["without lever"]).all()


def test_companies_side_by_side_are_each_worlds_kpis(world):
    companies = {case: worlds_of(case).on for case in sorted(CASE_LEVERS)} | {"pschse": world}
    table = compare_companies(companies)
    assert list(table.index) == ["Harrah's Total Rewards", "Ritz-Carlton", "Tesco Clubcard", "PSCHSE Manufacturing"]
    assert table.loc["PSCHSE Manufacturing", "NPS"] == pytest.approx(nps(world.surveys)["nps"].item())
    pd.testing.assert_series_equal(table.loc["Ritz-Carlton"], company_kpis(worlds_of("ritz_carlton").on),
                                   check_names=False)


def test_a_world_without_its_truth_gets_unknown_personas_and_no_truth_kpis():
    ritz = worlds_of("ritz_carlton").on
    bare = World(ritz.config, ritz.tables, None)
    outcomes = customer_outcomes(bare)
    assert set(outcomes.persona) == {"unknown"} and outcomes.next_year_orders.isna().all()
    kpis = company_kpis(bare)
    assert np.isnan(kpis["campaign uplift (points)"]) and np.isnan(kpis["next-year orders per customer"])
    assert kpis["orders per customer"] == pytest.approx(company_kpis(ritz)["orders per customer"])


@pytest.mark.parametrize("call, error, words", [
    (lambda: case_worlds("pschse"), ConfigError, "case = 'pschse': one of 'tesco'"),
    (lambda: model_company_worlds(cases=("amazon",)), ConfigError, "case = 'amazon'"),
    (lambda: worlds_of("tesco")(kpi="profit"), ConfigError, "kpi = 'profit'"),
    (lambda: worlds_of("tesco")("points"), ConfigError, "lever = 'points'"),
    (lambda: case_kpi_table(pd.DataFrame({"customer_id": [1]})), DataError, "column 'customers' is missing"),
])
def test_bad_input_gets_one_clear_message(call, error, words):
    with pytest.raises(error, match=words):
        call()
