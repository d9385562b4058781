"""The KPI dashboard explorer, driven from tests: set the controls, read the result, and check
it is the prepared table of those choices drawn as tiles."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmkit.analytics.kpis import KpiTables  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.payne import KPIS, draw_kpi_dashboard, kpi_dashboard_explorer  # noqa: E402


@pytest.fixture(scope="module")
def widget(world):
    return kpi_dashboard_explorer(world)


def choose(widget, **values):
    for name, value in values.items():
        widget.control(name).value = value
    return widget.result.set_index("kpi")["value"]


def expected(world, period, region="all", channel="all"):
    table = KpiTables.from_world(world)(period, region, channel)
    return table.set_index("period").loc[period, list(KPIS)].astype(float)


def test_default_view_is_the_last_year_for_everyone(widget, world):
    kpis = choose(widget)
    year = str(world.observed_until.year)
    assert widget.control("period").value == year
    pd.testing.assert_series_equal(kpis, expected(world, year), check_names=False)
    assert list(widget.result["kpi"]) == list(KPIS)


@pytest.mark.parametrize("period, region, channel", [("2025", "West", "all"), ("2025 Q4", "all", "web"),
                                                     ("2023 Q1", "Northeast", "all")])
def test_the_controls_choose_the_table(widget, world, period, region, channel):
    kpis = choose(widget, period=period, region=region, channel=channel)
    pd.testing.assert_series_equal(kpis, expected(world, period, region, channel), check_names=False)
    assert widget.board.table(period, region, channel).equals(widget.board(period, region, channel))


def test_the_first_period_has_no_change_to_show(widget):
    choose(widget, period="2023 Q1", region="Northeast", channel="all")
    assert widget.result.set_index("kpi").loc["retention", "change"] == "no earlier period"


def test_bad_choices_raise_clear_errors(widget):
    with pytest.raises(ConfigError, match="region"):
        widget.board.table("2025", region="Atlantis")
    with pytest.raises(ConfigError, match="period"):
        widget.board.draw("1999")
    with pytest.raises(ConfigError, match="period = '1999'"):
        draw_kpi_dashboard(widget.board("2025"), "1999")
