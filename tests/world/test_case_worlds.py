"""The model-company case worlds (Tesco, Harrah's, Ritz-Carlton): listed, valid, deterministic,
labelled synthetic, every number explained, and each strategy lever moves the business outcome
the expected way (with a margin, on three seeds)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest
import yaml

import crmkit as ck
from crmkit.world.cases import _case_root, load_config
from crmkit.world.validate import check_world

NEW_CASES = ("tesco", "harrahs", "ritz_carlton")
SEEDS = (1, 2, 3)
SMALL, LEVER_SIZE = 1500, 6000  # a world costs one block of 10,000 customers whatever its size


@lru_cache(maxsize=3)
def _world(case: str, customers: int, seed: int):
    return ck.simulate(case, customers=customers, seed=seed, progress=False)


@pytest.mark.parametrize("case", NEW_CASES)
def test_case_is_listed_and_its_config_loads(case):
    assert case in ck.cases()
    config = load_config(case)
    assert config.name == case
    assert "synthetic" in config.title.lower() and "synthetic" in config.description.lower()


@pytest.mark.parametrize("case", NEW_CASES)
def test_every_number_says_where_it_comes_from(case):
    """The same rule the shipped cases follow: every numeric setting sits under a remark."""
    raw = yaml.safe_load(_case_root().joinpath(case, "world.yaml").read_text(encoding="utf-8"))
    missing = []

    def visit(node, path, inherited):
        if isinstance(node, dict):
            here = inherited or "remark" in node
            for key, value in node.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool) and not here:
                    missing.append(f"{path}.{key}")
                visit(value, f"{path}.{key}", here)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, f"{path}[{i}]", inherited)

    for section, value in raw.items():
        if section not in ("customers", "seed"):
            visit(value, section, False)
    assert not missing, f"numbers without a remark: {missing[:5]}"


@pytest.mark.parametrize("case", NEW_CASES)
def test_small_world_passes_the_engine_contracts(case):
    world = _world(case, SMALL, SEEDS[0])
    assert len(world.customers) == SMALL
    assert check_world(world) == []
    for table in ("orders", "order_items", "interactions", "campaign_members", "cases", "surveys", "invoices"):
        assert len(world.tables[table]) > 0, table


@pytest.mark.parametrize("case", NEW_CASES)
def test_same_seed_gives_the_same_world(case):
    first = _world(case, SMALL, SEEDS[0])
    again = ck.simulate(case, customers=SMALL, seed=SEEDS[0], progress=False)
    for name in first.tables:
        pd.testing.assert_frame_equal(first.tables[name], again.tables[name], obj=name)
    for name in first.truth:
        pd.testing.assert_frame_equal(first.truth[name], again.truth[name], obj=f"truth.{name}")


def _orders_per_customer(world) -> float:
    return len(world.orders) / len(world.customers)


def _holdout_orders(world) -> float:
    return float(world.truth.customers["holdout_orders"].mean())


def _true_campaign_uplift(world) -> float:
    return float(world.truth.campaign_uplift["true_uplift"].sum()) / len(world.customers)


OUTCOMES = {"orders_per_customer": _orders_per_customer, "holdout_orders": _holdout_orders,
            "true_campaign_uplift": _true_campaign_uplift}


@lru_cache(maxsize=None)
def lever_outcomes(case: str, seed: int, setting: tuple = ()) -> dict[str, float]:
    """The business outcomes of a world with the lever as set (only numbers are kept, not worlds)."""
    world = ck.simulate(case, customers=LEVER_SIZE, seed=seed, progress=False, **dict(setting))
    return {name: measure(world) for name, measure in OUTCOMES.items()}


# (case, lever switched off, outcome, smallest relative drop asserted, what was measured)
LEVERS = [
    ("tesco", {"loyalty.enabled": False}, "orders_per_customer", 0.025, "Clubcard off: 5-6% fewer shopping trips"),
    ("tesco", {"personalisation.enabled": False}, "true_campaign_uplift", 0.25,
     "coupons not targeted: about half the incremental purchases"),
    ("harrahs", {"loyalty.enabled": False}, "orders_per_customer", 0.08, "Total Rewards off: 17-18% fewer visits"),
    ("ritz_carlton", {"personalisation.enabled": False}, "orders_per_customer", 0.05,
     "no preference capture: 10-14% fewer stays"),
    ("ritz_carlton", {"service.level": "standard"}, "holdout_orders", 0.03, "weaker recovery: 5-7% fewer stays the next year"),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("case", "off", "outcome", "margin", "measured"), LEVERS,
                         ids=[f"{c}-{next(iter(o))}" for c, o, *_ in LEVERS])
def test_switching_the_strategy_lever_off_lowers_the_business_outcome(case, off, outcome, margin, measured, seed):
    with_lever = lever_outcomes(case, seed)[outcome]
    without = lever_outcomes(case, seed, tuple(off.items()))[outcome]
    drop = 1 - without / with_lever
    assert drop > margin, f"{case} {off}: outcome fell by {drop:.1%} only ({measured} when measured)"


def test_harrahs_tiers_follow_the_published_thresholds():
    """The tier thresholds are the 2013 Total Rewards figures (kit tier names mapped in the remark)."""
    tiers = load_config("harrahs").loyalty.tiers
    assert tiers == {"bronze": 0, "silver": 5000, "gold": 15000, "platinum": 150000}
    world = _world("harrahs", SMALL, SEEDS[0])
    assert world.loyalty_ledger["tier_after"].astype(str).isin(["bronze", "silver", "gold"]).any()


def test_tesco_card_holders_bring_most_sales():
    """Calibration: about four-fifths of sales on the card (80% in 2007, 82% in 2024, case_facts)."""
    world = _world("tesco", SMALL, SEEDS[0])
    joined = world.orders.merge(world.customers[["customer_id", "loyalty_joined_at"]], on="customer_id")
    on_card = joined["ordered_at"] >= joined["loyalty_joined_at"]
    share = joined.loc[on_card, "net_amount"].sum() / joined["net_amount"].sum()
    assert 0.7 < share < 0.9
