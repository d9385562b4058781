"""The value chain and the Gartner self-assessment explorer, driven from a test: move sliders, read
the weakest blocks, and check the data's evidence against the world computed another way."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit import frameworks  # noqa: E402
from crmkit.analytics import nps  # noqa: E402
from crmkit.errors import ConfigError, DataError  # noqa: E402
from crmkit.explore.value_chain import (  # noqa: E402
    EXAMPLE_SCORES, building_block_evidence, cost_to_serve_concentration, draw_self_assessment,
    gartner_assessment_explorer, profile_completeness, repeat_rate, value_chain_on_data,
)

BLOCKS = frameworks.load("gartner_building_blocks").stage_keys


@pytest.fixture(scope="module")
def evidence(world):
    return building_block_evidence(world).set_index("key")


@pytest.fixture(scope="module")
def widget(world):
    return gartner_assessment_explorer(world)


def test_the_widget_starts_from_the_example_and_names_its_weakest_blocks(widget):
    assert [widget.control(key).value for key in BLOCKS] == [EXAMPLE_SCORES[key] for key in BLOCKS]
    assert widget.result.weakest == ["Organisational collaboration", "CRM information"]
    assert widget.result.table["key"].tolist() == BLOCKS and widget.result.table["says"].str.len().min() > 20


def test_moving_a_slider_down_makes_that_block_the_weakest_and_up_removes_it(widget):
    widget.control("metrics").value = 1
    assert widget.result.weakest[0] == "CRM metrics"
    assert widget.result.table.set_index("key").loc["metrics", "score"] == 1
    widget.control("metrics").value = 5
    widget.control("information").value = 5
    assert "CRM metrics" not in widget.result.weakest and "CRM information" not in widget.result.weakest
    widget.control("chart").value = "bar"
    assert widget.result.table.set_index("key").loc["information", "weakest"] == False  # noqa: E712
    for key in BLOCKS:  # back to the example for the other tests
        widget.control(key).value = EXAMPLE_SCORES[key]
    widget.control("chart").value = "radar"


def test_the_evidence_is_the_worlds_own_figures(world, evidence):
    spend = world.orders.groupby("customer_id")["net_amount"].sum().sort_values(ascending=False)
    top = spend.iloc[: int(0.2 * len(spend))].sum() / spend.sum()
    buyers = world.customer_costs[world.customer_costs["orders"] > 0]
    assert evidence.loc["vision", "value"] == pytest.approx(top)
    assert evidence.loc["strategy", "value"] == pytest.approx((buyers["contribution"] < 0).mean())
    assert evidence.loc["valued_customer_experience", "value"] == pytest.approx(nps(world.surveys)["nps"].item())
    assert evidence.loc["processes", "value"] == pytest.approx((world.leads["status"] == "converted").mean())
    complete = world.customers["email"].notna() & world.customers["phone"].notna() & world.customers["birth_year"].notna()
    assert evidence.loc["information", "value"] == pytest.approx(complete.mean())
    assert evidence.loc["technology", "value"] == pytest.approx(len(world.source_records) / len(world.customers))
    in_2024 = set(world.orders.loc[world.orders["ordered_at"].dt.year == 2024, "customer_id"])
    in_2025 = set(world.orders.loc[world.orders["ordered_at"].dt.year == 2025, "customer_id"])
    assert evidence.loc["metrics", "value"] == pytest.approx(len(in_2024 & in_2025) / len(in_2024))
    assert f"{complete.mean():.0%}" in evidence.loc["information", "says"]


def test_value_chain_has_a_finding_with_figures_for_each_of_buttles_five_stages(world):
    table = value_chain_on_data(world)
    assert table["key"].tolist() == frameworks.load("buttle_value_chain").stage_keys
    assert table["finding"].str.contains(r"\d").all()
    buyers = world.customer_costs[world.customer_costs["orders"] > 0]
    cost = buyers[["delivery_cost", "service_cost", "payment_cost", "marketing_cost", "returns_cost"]].sum(axis=1)
    magnets = cost.nlargest(int(0.05 * len(cost))).sum() / cost.sum()
    assert f"absorb {magnets:.0%}" in table.set_index("key").loc["customer_portfolio_analysis", "finding"]
    assert magnets > 0.05 * 3  # cost to serve is concentrated: the top 5% absorb far more than 5%


def test_draw_self_assessment_checks_the_scores(evidence):
    result = draw_self_assessment(evidence.reset_index(), {**EXAMPLE_SCORES, "technology": 1}, chart="bar")
    assert result.weakest == ["CRM technology", "Organisational collaboration", "CRM information"]
    with pytest.raises(ConfigError, match="'metrics'"):
        draw_self_assessment(evidence.reset_index(), {k: v for k, v in EXAMPLE_SCORES.items() if k != "metrics"})


def test_the_small_measures_on_hand_made_tables():
    customers = pd.DataFrame({"email": ["a", None], "phone": ["1", "2"], "birth_year": [1, 2]})
    assert profile_completeness(customers) == 0.5
    assert profile_completeness(customers, fields=("phone",)) == 1.0
    orders = pd.DataFrame({"customer_id": [1], "ordered_at": pd.to_datetime(["2025-01-01"])})
    with pytest.raises(DataError, match="nobody ordered in 2024"):
        repeat_rate(orders, 2025)
    with pytest.raises(ConfigError, match="top = 0"):
        cost_to_serve_concentration(pd.DataFrame(columns=["orders", "delivery_cost", "service_cost", "payment_cost",
                                                          "marketing_cost", "returns_cost"]), top=0)


def test_another_seed_gives_other_evidence():
    import crmkit as ck

    one, two = (building_block_evidence(ck.simulate("pschse", customers=2000, seed=seed, progress=False)) for seed in (1, 2))
    assert (one["value"] != two["value"]).sum() >= 6
