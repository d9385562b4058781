"""The model-company explorers, driven from a test: each control is moved and the result read,
and it is the prepared table of the analytics (CaseWorlds called, compare_companies) drawn."""

from __future__ import annotations

from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmkit as ck  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.cases import (  # noqa: E402
    CASE_LEVERS, company_comparison_explorer, compare_companies, draw_company_comparison, draw_strategy_effect,
    strategy_explorer,
)

SIZE, SEED = 2000, 1


@lru_cache(maxsize=1)
def tesco():
    return ck.explore.case_worlds("tesco", customers=SIZE, seed=SEED)


def test_the_strategy_explorer_shows_the_kpi_with_and_without_the_chosen_lever():
    worlds = tesco()
    widget = strategy_explorer(worlds)
    levers = list(CASE_LEVERS[worlds.case])
    assert widget.control("lever").value == levers[0] and widget.control("kpi").value == "orders per customer"
    pd.testing.assert_frame_equal(widget.result, worlds(levers[0], "orders per customer"))
    widget.control("lever").value = levers[1]
    widget.control("kpi").value = "problem orders (%)"
    pd.testing.assert_frame_equal(widget.result, worlds(levers[1], "problem orders (%)"))
    pd.testing.assert_frame_equal(widget.result, draw_strategy_effect(worlds, levers[1], "problem orders (%)"))


def test_the_comparison_explorer_shows_each_companys_kpi(world):
    table = compare_companies({"tesco": tesco().on, "pschse": world})
    widget = company_comparison_explorer(table)
    pd.testing.assert_series_equal(widget.result, table["orders per customer"])
    widget.control("kpi").value = "top-10% revenue share (%)"
    pd.testing.assert_series_equal(widget.result, table["top-10% revenue share (%)"])
    assert widget.result.idxmax() == draw_company_comparison(table, "top-10% revenue share (%)").idxmax()


def test_bad_choices_get_one_clear_message(world):
    with pytest.raises(ConfigError, match="kpi = 'profit'"):
        draw_strategy_effect(tesco(), kpi="profit")
    with pytest.raises(ConfigError, match="kpi = 'profit'"):
        company_comparison_explorer(compare_companies({"pschse": world}), kpi="profit")
