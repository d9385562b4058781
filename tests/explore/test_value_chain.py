"""The value chain and the Gartner self-assessment explorer, driven from a test: move sliders, read
the weakest blocks, and check that the evidence quotes the world's figures (``value_chain_figures``,
tested against the world in tests/analytics/test_value_chain.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crmkit import frameworks  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.analytics.value_chain import value_chain_figures  # noqa: E402
from crmkit.explore.value_chain import (  # noqa: E402
    EXAMPLE_SCORES, building_block_evidence, draw_self_assessment, gartner_assessment_explorer, value_chain_on_data,
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


def test_the_evidence_quotes_the_worlds_figures(world, evidence):
    f = value_chain_figures(world)
    assert evidence.loc["vision", "value"] == f["top20_revenue"]
    assert evidence.loc["strategy", "value"] == f["unprofitable"]
    assert evidence.loc["valued_customer_experience", "value"] == f["nps"]
    assert evidence.loc["processes", "value"] == f["converted"]
    assert evidence.loc["information", "value"] == f["complete"]
    assert evidence.loc["technology", "value"] == f["records"] / f["customers"]
    assert evidence.loc["metrics", "value"] == f["repeat"]
    assert f"{f['complete']:.0%}" in evidence.loc["information", "says"]
    assert f"{f['repeat']:.0%} of {f['year'] - 1}'s buyers" in evidence.loc["metrics", "says"]


def test_value_chain_has_a_finding_with_figures_for_each_of_buttles_five_stages(world):
    table = value_chain_on_data(world)
    assert table["key"].tolist() == frameworks.load("buttle_value_chain").stage_keys
    assert table["finding"].str.contains(r"\d").all()
    f = value_chain_figures(world)
    assert f"absorb {f['cost_magnets']:.0%}" in table.set_index("key").loc["customer_portfolio_analysis", "finding"]


def test_draw_self_assessment_checks_the_scores(evidence):
    result = draw_self_assessment(evidence.reset_index(), {**EXAMPLE_SCORES, "technology": 1}, chart="bar")
    assert result.weakest == ["CRM technology", "Organisational collaboration", "CRM information"]
    with pytest.raises(ConfigError, match="'metrics'"):
        draw_self_assessment(evidence.reset_index(), {k: v for k, v in EXAMPLE_SCORES.items() if k != "metrics"})
