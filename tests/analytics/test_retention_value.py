"""The economics of keeping customers: the retention sliders' formulas."""

import pytest

from crmkit.analytics.retention_value import (
    acquisition_vs_retention,
    customer_base_projection,
    retention_economics,
)
from crmkit.analytics.value import simple_clv
from crmkit.errors import ConfigError


def test_retention_economics_follow_the_clv_formula():
    table = retention_economics(120, 0.7, 0.08, extra_points=5).set_index("scenario")
    assert table.loc["improved", "retention_rate"] == pytest.approx(0.75)
    assert table.loc["current", "clv"] == pytest.approx(simple_clv(120, 0.7, 0.08))
    assert table.loc["improved", "clv_change_pct"] == pytest.approx(100 * (simple_clv(120, 0.75, 0.08) / simple_clv(120, 0.7, 0.08) - 1))
    assert table.loc["improved", "expected_periods"] == pytest.approx(4.0)
    with pytest.raises(ConfigError, match="must stay below 1"):
        retention_economics(120, 0.97, 0.08, extra_points=5)


def test_the_customer_base_levels_off_where_retention_puts_the_ceiling():
    base = customer_base_projection(1000, 0.8, periods=80)
    assert base.customers.iloc[-1] == pytest.approx(1000 / (1 - 0.8), rel=1e-6)
    assert base.customers.is_monotonic_increasing
    assert customer_base_projection(10, 1.0, periods=3, start_customers=5).customers.tolist() == [15, 25, 35]


def test_acquisition_against_retention_adds_up():
    result = acquisition_vs_retention(1000, acquisition_cost=150, retention_cost=3, margin=80, retention_rate=0.75,
                                      discount_rate=0.1, extra_points=4)
    assert result.customers_lost == pytest.approx(250) and result.replacement_cost == pytest.approx(250 * 150)
    assert result.customers_saved == pytest.approx(40) and result.cost_per_saved_customer == pytest.approx(75)
    assert result.acquisition_multiple == pytest.approx(2)
    assert result.net_benefit == pytest.approx(40 * (80 + simple_clv(80, 0.79, 0.1)) - 3000)
