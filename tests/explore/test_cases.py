"""The model-company explorers and KPI tables, driven from a test: each KPI is recomputed another way
(from the analytics functions or by hand), each control is moved and the result read, and each
strategy lever moves the business the way its case world was built to."""

from __future__ import annotations

from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmkit as ck  # noqa: E402
from crmkit.analytics import csat, nps  # noqa: E402
from crmkit.errors import ConfigError, DataError  # noqa: E402
from crmkit.explore.cases import (  # noqa: E402
    CASE_LEVERS, KPIS, CaseWorlds, company_comparison_explorer, company_kpis, compare_companies, customer_outcomes,
    draw_company_comparison, draw_strategy_effect, kpi_table, strategy_effect, strategy_explorer,
)
from crmkit.world.world import World  # noqa: E402

SIZE, SEED = 2000, 1


@lru_cache(maxsize=3)
def worlds_of(case: str) -> CaseWorlds:
    return ck.explore.case_worlds(case, customers=SIZE, seed=SEED)


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
    by_persona = kpi_table(outcomes, by="persona")
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


def test_the_strategy_explorer_shows_the_kpi_with_and_without_the_chosen_lever(worlds):
    widget = strategy_explorer(worlds)
    levers = list(CASE_LEVERS[worlds.case])
    assert widget.control("lever").value == levers[0] and widget.control("kpi").value == "orders per customer"
    table = widget.result
    assert table.index[0] == "all customers" and set(table.index[1:]) == set(worlds.on.truth.customers.persona)
    assert table.loc["all customers", "as run"] == pytest.approx(company_kpis(worlds.on)["orders per customer"])
    assert table.loc["all customers", "without lever"] == pytest.approx(company_kpis(worlds.off)["orders per customer"])
    widget.control("lever").value = levers[1]
    widget.control("kpi").value = "problem orders (%)"
    other = company_kpis(worlds.without(levers[1]))["problem orders (%)"]
    assert widget.result.loc["all customers", "without lever"] == pytest.approx(other)
    assert (widget.result["difference"] == widget.result["as run"] - widget.result["without lever"]).all()
    pd.testing.assert_frame_equal(widget.result, draw_strategy_effect(worlds, levers[1], "problem orders (%)"))


def test_targeted_coupons_raise_the_campaign_uplift_in_the_tesco_world():
    """Personalisation doubles the uplift in the Tesco world (uplift_multiplier 2.0)."""
    table = draw_strategy_effect(worlds_of("tesco"), "targeted coupons", "campaign uplift (points)")
    assert table.loc["all customers", "as run"] > 1.5 * table.loc["all customers", "without lever"]


def test_premium_service_means_fewer_problems_and_more_satisfied_guests_at_the_ritz():
    ritz = worlds_of("ritz_carlton")
    effect = strategy_effect(ritz.on, ritz.without("premium service recovery"))
    assert effect.loc["problem orders (%)", "difference"] < 0 < effect.loc["satisfied (%)", "difference"]


def test_the_comparison_explorer_shows_each_companys_kpi(world):
    companies = {case: worlds_of(case).on for case in sorted(CASE_LEVERS)} | {"pschse": world}
    table = compare_companies(companies)
    assert list(table.index) == ["Harrah's Total Rewards", "Ritz-Carlton", "Tesco Clubcard", "PSCHSE Manufacturing"]
    assert table.loc["PSCHSE Manufacturing", "NPS"] == pytest.approx(nps(world.surveys)["nps"].item())
    widget = company_comparison_explorer(table)
    pd.testing.assert_series_equal(widget.result, table["orders per customer"])
    widget.control("kpi").value = "top-10% revenue share (%)"
    pd.testing.assert_series_equal(widget.result, table["top-10% revenue share (%)"])
    assert widget.result.idxmax() == draw_company_comparison(table, "top-10% revenue share (%)").idxmax()


def test_a_world_without_its_truth_gets_unknown_personas_and_no_truth_kpis():
    ritz = worlds_of("ritz_carlton").on
    bare = World(ritz.config, ritz.tables, None)
    outcomes = customer_outcomes(bare)
    assert set(outcomes.persona) == {"unknown"} and outcomes.next_year_orders.isna().all()
    kpis = company_kpis(bare)
    assert np.isnan(kpis["campaign uplift (points)"]) and np.isnan(kpis["next-year orders per customer"])
    assert kpis["orders per customer"] == pytest.approx(company_kpis(ritz)["orders per customer"])


def test_bad_input_gets_one_clear_message():
    with pytest.raises(ConfigError, match="case = 'pschse': one of 'tesco'"):
        ck.explore.case_worlds("pschse")
    with pytest.raises(ConfigError, match="case = 'amazon'"):
        ck.explore.model_company_worlds(cases=("amazon",))
    with pytest.raises(ConfigError, match="kpi = 'profit'"):
        draw_strategy_effect(worlds_of("tesco"), kpi="profit")
    with pytest.raises(DataError, match="column 'customers' is missing"):
        kpi_table(pd.DataFrame({"customer_id": [1]}))
