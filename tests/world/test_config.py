"""Configuration: cases load, overrides apply, and every mistake gets one clear message."""

import pytest
import yaml

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.cases import _case_root, load_config


def test_cases_lists_both_shipped_cases():
    assert {"pschse", "retailer"} <= set(ck.cases())


@pytest.mark.parametrize("case", ["pschse", "retailer"])
def test_every_numeric_section_says_where_its_numbers_come_from(case):
    raw = yaml.safe_load(_case_root().joinpath(case, "world.yaml").read_text())
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
        if section not in ("customers", "seed"):  # sizes, not claims about the world
            visit(value, section, False)
    assert not missing, f"numbers without a remark: {missing[:5]}"


def test_overrides_by_keyword_and_by_dotted_path():
    config = load_config("pschse", customers=10, loyalty__enabled=False, **{"service.level": "premium"})
    assert (config.customers, config.loyalty.enabled, config.service.level) == (10, False, "premium")


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"customers": -5}, "customers = -5"),
        ({"personas.party_host.share": -1}, "personas.party_host.share = -1"),
        ({"service.level": "gold"}, "level 'gold' is not one of the levels: basic, standard, premium"),
        ({"campaigns.targeting_rule": "everyone"}, "'everyone' is not allowed; allowed: random, best_customers"),
        ({"calendar.seasonality": [1.0] * 11}, "calendar.seasonality"),
        ({"loyalty.tiers": {"gold": 0, "silver": 10}}, "tiers must start at 0 points and rise"),
    ],
)
def test_bad_values_are_named_with_what_is_allowed(overrides, needle):
    with pytest.raises(ConfigError) as info:
        load_config("pschse", **overrides)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_setting_is_refused():
    raw = yaml.safe_load(_case_root().joinpath("pschse", "world.yaml").read_text())
    raw["loyalty"]["stamp_card"] = True
    with pytest.raises(ConfigError, match=r"loyalty.stamp_card = True: is not a known setting"):
        load_config(raw)


def test_unknown_override_section_names_the_allowed_ones():
    with pytest.raises(ConfigError, match="no section 'loyal'"):
        load_config("pschse", loyal__enabled=False)


def test_unknown_case_lists_the_cases():
    with pytest.raises(ConfigError, match="unknown case 'acme': one of 'harrahs', 'pschse', 'retailer'"):
        ck.simulate("acme")


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "world.yaml"
    path.write_text("name: x\npersonas: [unclosed\n")
    with pytest.raises(ConfigError, match=r"malformed YAML at line \d+"):
        load_config(path)


def test_missing_yaml_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


def test_yaml_path_loads_like_the_case(tmp_path):
    text = _case_root().joinpath("retailer", "world.yaml").read_text()
    (tmp_path / "mine.yaml").write_text(text)
    assert load_config(tmp_path / "mine.yaml") == load_config("retailer")


def test_config_is_immutable():
    config = load_config("pschse")
    with pytest.raises(Exception):
        config.customers = 3


@pytest.mark.parametrize("bad", [-1, 0, "many", 1.5])
def test_simulate_refuses_bad_sizes_and_workers(bad):
    with pytest.raises((ConfigError, TypeError, ValueError)) as info:
        ck.simulate("pschse", customers=bad)
    assert "customers" in str(info.value)
    with pytest.raises(ConfigError, match="workers"):
        ck.simulate("pschse", customers=5, workers=bad if bad != 1.5 else "two")
