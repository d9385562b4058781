"""Configs that could exhaust the machine, and seeds and overrides typed wrong: each gets
one line naming the field, the value and what is allowed, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

import crmkit as ck
from crmkit import cli
from crmkit.errors import ConfigError
from crmkit.world import budget
from crmkit.world.cases import _case_root, cases, load_config
from crmkit.world.stream import generate

HOST = "personas.party_host"


@pytest.mark.parametrize(("overrides", "words"), [
    # the issue's own examples
    ({f"{HOST}.purchase_rate": 1e6}, [f"{HOST}.purchase_rate = 1000000.0", "0 < value <= 60"]),
    ({f"{HOST}.purchase_rate": "1e6"}, ["purchase_rate = '1e6'", "0 < value <= 60"]),  # YAML reads 1e6 as text
    ({"calendar.observed_until": dt.date(2999, 1, 1)}, ["calendar.observed_until", "2999-01-01", "<= 2100-12-31"]),
    ({"calendar.observed_until": dt.date(2060, 1, 1)}, ["calendar", "2060-01-01", "at most 30 years"]),
    ({f"{HOST}.lines_per_order": 1e9}, [f"{HOST}.lines_per_order", "1000000000.0", "1 <= value <= 50"]),
    ({f"{HOST}.age_range": [90, 20]}, [f"{HOST}.age_range", "[90, 20]", "youngest age (90)", "oldest (20)"]),
    ({f"{HOST}.age_range": [90, 10]}, [f"{HOST}.age_range.1", "10", "16 <= value <= 110"]),
    ({f"{HOST}.age_range": [-5, 400]}, [f"{HOST}.age_range.0", "-5", "16 <= value <= 110"]),
    ({"customers": True}, ["customers = True", "not true/false"]),
    ({"customers": 10**9}, ["customers = 1000000000", "1 <= value <= 50000000"]),
    ({"seed": True}, ["seed = True", "not true/false"]),
    # the rest of the ranges: a sample of each kind
    ({"calendar.holdout_months": 1000}, ["calendar.holdout_months = 1000", "1 <= value <= 36"]),
    ({"calendar.start_date": dt.date(1800, 1, 1)}, ["calendar.start_date", "1800-01-01", "1950-01-01 <="]),
    ({"calendar.seasonality": [1.0] * 11 + [float("inf")]}, ["calendar.seasonality.11 = inf", "finite"]),
    ({f"{HOST}.share": float("nan")}, [f"{HOST}.share = nan", "finite"]),
    ({f"{HOST}.channel_mix.web": True}, [f"{HOST}.channel_mix.web = True", "not true/false"]),
    ({f"{HOST}.visits_per_order": 1e4}, ["visits_per_order", "0 <= value <= 50"]),
    ({f"{HOST}.rate_shape": 0.001}, ["rate_shape = 0.001", "0.1 <= value <= 100"]),
    ({"phases.purchase_multiplier.commitment": 1e3}, ["phases.purchase_multiplier.commitment", "0 < value <= 10"]),
    ({"loyalty.purchase_rate_multiplier": 50}, ["loyalty.purchase_rate_multiplier = 50", "0 < value <= 10"]),
    ({"loyalty.tiers.gold": 10**12}, ["loyalty.tiers.gold", "0 <= value <= 1000000000"]),
    ({"products.items.0.list_price": 1e300}, ["products.items.0.list_price", "0 <= value <= 10000000"]),
    ({"campaigns.plan.0.days": 1e9}, ["campaigns.plan.0.days", "1 <= value <= 31"]),
    ({"products.items.0.launched_on": "1900-01-01"}, ["launched_on = '1900-01-01'", "1950-01-01 <= value"]),
    ({"service_desk.surveys.nps_mean": 20}, ["service_desk.surveys.nps_mean = 20", "0 <= value <= 10"]),
    # overrides through a number, or into a section that is not there
    ({"customers.x": 3}, ["override 'customers.x'", "'customers' is a setting (5000)", "not a section"]),
    ({"calendar.holdout_months.x": 3}, ["override 'calendar.holdout_months.x'", "not a section"]),
    ({"calendar.seasonality.12": 3}, ["override 'calendar.seasonality.12'", "has 12 items", "0 to 11"]),
    ({"calendar.seasonality.x": 3}, ["override 'calendar.seasonality.x'", "is a setting (list)"]),
])
def test_hostile_settings_are_refused_in_one_line(overrides, words):
    with pytest.raises(ConfigError) as info:
        load_config("pschse", **overrides)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize("seed", [-1, 1.5, "abc", True, 2**63, [7]])
def test_bad_seeds_are_refused_in_one_line(seed):
    with pytest.raises(ConfigError) as info:
        ck.simulate("pschse", customers=5, seed=seed)
    message = str(info.value)
    assert message == f"seed = {seed!r}: must be an int from 0 to 2**63-1 or a numpy.random.Generator"
    assert isinstance(info.value, ValueError)  # callers that caught ValueError still do


def test_the_largest_seed_is_accepted():
    assert load_config("pschse", seed=2**63 - 1).seed == 2**63 - 1


@pytest.mark.parametrize("case", cases())
def test_every_shipped_case_validates_and_fits_the_budget(case):
    config = load_config(case)
    budget.check_budget(config, streamed=False)
    # the 1M-customer benchmark world streams to disk without --force
    budget.check_budget(load_config(case, customers=1_000_000), streamed=True)


def test_the_estimate_is_on_the_high_side_of_the_real_count():
    config = load_config("pschse", customers=budget.BLOCK)
    world = ck.simulate(config, progress=False)
    real = sum(len(t) for t in world.tables.values()) + sum(len(t) for t in world.truth.values())
    assert real <= budget.estimate_rows(config) <= 3 * real


def _greedy() -> dict:
    """A config whose every number is inside its range, but whose product is far too big."""
    raw = yaml.safe_load(_case_root().joinpath("pschse", "world.yaml").read_text())
    for persona in raw["personas"].values():
        persona.update(purchase_rate=60, lines_per_order=50, visits_per_order=50, churn_hazard=0.0)
    return raw


def test_an_in_memory_world_past_the_memory_bound_is_refused_before_simulating():
    with pytest.raises(ConfigError) as info:
        ck.simulate("pschse", customers=1_000_000)
    message = str(info.value)
    for words in ("customers = 1000000", "rows", "GiB in memory", "bound: 8 GiB", "crmkit generate", "force=True"):
        assert words in message
    assert "\n" not in message


def test_a_block_past_its_bound_is_refused_and_force_lets_it_through():
    config = load_config(_greedy())
    with pytest.raises(ConfigError, match=r"rows per customer.*bound: 30,000,000.*force=True \(--force"):
        budget.check_budget(config, streamed=True)
    budget.check_budget(config, streamed=True, force=True)  # the caller takes the risk


def test_generate_refuses_before_writing_anything(tmp_path):
    out = tmp_path / "world"
    with pytest.raises(ConfigError, match="force"):
        generate(_greedy(), out=out, customers=100, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_streamed_worlds_past_the_row_bound_are_refused():
    config = load_config("retailer", customers=50_000_000)
    with pytest.raises(ConfigError, match=r"customers = 50000000: the world would make about [\d,]+ rows \(bound: 500,000,000\)"):
        budget.check_budget(config, streamed=True)


@pytest.mark.parametrize(("argv", "words"), [
    (["--seed", "1.5"], ["seed = '1.5'", "2**63-1"]),
    (["--seed", "abc"], ["seed = 'abc'"]),
    (["--seed", "-1"], ["seed = -1"]),
    (["--customers", "0"], ["customers = 0", "1 <= value <= 50000000"]),
    (["--customers", "60000000"], ["customers = 60000000"]),
])
def test_the_command_line_prints_one_line_and_writes_nothing(tmp_path, capsys, argv, words):
    out = tmp_path / "w"
    assert cli.main(["generate", "pschse", "--out", str(out), "--quiet", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmkit: error: ") and err.count("\n") == 1
    for word in words:
        assert word in err
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_refuses_a_greedy_world_and_names_force(tmp_path, capsys):
    path = tmp_path / "greedy.yaml"
    path.write_text(yaml.safe_dump(_greedy(), sort_keys=False))
    out = tmp_path / "w"
    assert cli.main(["generate", str(path), "--out", str(out), "--quiet", "--customers", "100"]) == 2
    assert "--force" in capsys.readouterr().err
    assert not out.exists()
    assert cli.build_parser().parse_args(["generate", "pschse", "--out", "x", "--force"]).force is True
