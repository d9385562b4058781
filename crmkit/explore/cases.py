"""Model companies on their synthetic worlds, drawn: what a strategy does, and the companies side by side.

The worlds and their KPIs come from :mod:`crmkit.analytics.case_worlds` (:func:`case_worlds`,
:func:`model_company_worlds`, :func:`compare_companies`) and :mod:`crmkit.analytics.case_kpis`
(:func:`customer_outcomes`, :func:`kpi_table`, :func:`company_kpis`, :func:`strategy_effect`),
imported here for the lessons; this module draws them (:func:`draw_strategy_effect`,
:func:`draw_company_comparison`) and puts controls around the pictures
(:func:`strategy_explorer`, :func:`company_comparison_explorer`).

Every world here is synthetic: its numbers say nothing about the real companies.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from crmkit.analytics._checks import check_choice
from crmkit.analytics.case_kpis import KPIS, company_kpis, customer_outcomes, kpi_table, strategy_effect
from crmkit.analytics.case_worlds import (
    CASE_LEVERS, MODEL_COMPANIES, CaseWorlds, case_worlds, compare_companies, model_company_worlds,
)
from crmkit.explore._base import explorer
from crmkit.plots._base import new_axes

# The lessons reach the worlds and KPIs through ck.explore, so they are listed here too.
__all__ = ["KPIS", "CASE_LEVERS", "MODEL_COMPANIES", "CaseWorlds", "case_worlds", "model_company_worlds",
           "customer_outcomes", "kpi_table", "company_kpis", "strategy_effect", "compare_companies",
           "draw_strategy_effect", "strategy_explorer", "draw_company_comparison", "company_comparison_explorer"]


def draw_strategy_effect(worlds: CaseWorlds, lever: str | None = None, kpi: str = "orders per customer",
                         ax=None) -> pd.DataFrame:
    """Bars of ``kpi`` per persona and for all customers, as run against without ``lever``.

    Returns the table drawn: per persona (and ``"all customers"``) the KPI ``as run``,
    ``without lever`` and their ``difference``.
    """
    lever = worlds.main_lever if lever is None else lever
    table = worlds(lever, kpi)
    total = table.loc["all customers"]
    ax = new_axes(ax, (9, 4))
    positions = np.arange(len(table))
    ax.bar(positions - 0.2, table["as run"].fillna(0).to_numpy(), width=0.4, color="#2c7fb8",
           label=f"as run (all customers {total['as run']:,.2f})")
    ax.bar(positions + 0.2, table["without lever"].fillna(0).to_numpy(), width=0.4, color="#bdbdbd",
           label=f"without {lever} ({total['without lever']:,.2f})")
    ax.set_xticks(positions, [textwrap.fill(str(name).replace("_", " "), 12) for name in table.index])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(ylabel=kpi, title=f"{MODEL_COMPANIES.get(worlds.case, worlds.case)} (synthetic world): {kpi}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, fontsize=8, frameon=False)
    return table


def strategy_explorer(worlds: CaseWorlds, kpi: str = "orders per customer"):
    """Choose a lever and a KPI; see the KPI per persona as run and with the lever off.

    ``widget.result`` is the table :func:`draw_strategy_effect` returns; the controls are
    ``lever`` and ``kpi``. The KPIs of every scenario are computed once, when it is built.
    """
    import ipywidgets as widgets

    check_choice("kpi", kpi, KPIS)
    worlds.persona_kpis  # noqa: B018  (computed now, so that an update only reads and draws)

    def draw(ax, lever, kpi):
        return draw_strategy_effect(worlds, lever, kpi, ax=ax)

    return explorer(draw, figsize=(9, 4),
                    lever=widgets.Dropdown(options=list(worlds.levers), value=worlds.main_lever, description="without"),
                    kpi=widgets.Dropdown(options=list(KPIS), value=kpi, description="KPI", layout={"width": "28em"}))


def draw_company_comparison(table: pd.DataFrame, kpi: str = "orders per customer", ax=None) -> pd.Series:
    """Bars of one ``kpi`` of :func:`compare_companies` per company; returns that column.

    >>> table = pd.DataFrame({"NPS": [12.0, 40.0]}, index=["A", "B"])
    >>> draw_company_comparison(table, "NPS").to_dict()
    {'A': 12.0, 'B': 40.0}
    """
    check_choice("kpi", kpi, table.columns)
    values = table[kpi]
    ax = new_axes(ax, (8, 3.5))
    positions = np.arange(len(values))
    ax.barh(positions, values.fillna(0).to_numpy(), color="#2c7fb8")
    ax.set_yticks(positions, list(values.index))
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    for y, value in zip(positions, values):
        ax.annotate("n/a" if pd.isna(value) else f"{value:,.2f}", (0 if pd.isna(value) else value, y),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set(xlabel=kpi, title=f"{kpi} in each company's synthetic world")
    return values


def company_comparison_explorer(table: pd.DataFrame, kpi: str = "orders per customer"):
    """Choose a KPI; see it for each company of ``table`` (:func:`compare_companies`).

    ``widget.result`` is the KPI's column (a Series by company); the control is ``kpi``.
    """
    import ipywidgets as widgets

    check_choice("kpi", kpi, table.columns)

    def draw(ax, kpi):
        return draw_company_comparison(table, kpi, ax=ax)

    return explorer(draw, figsize=(8, 3.5),
                    kpi=widgets.Dropdown(options=list(table.columns), value=kpi, description="KPI",
                                         layout={"width": "28em"}))
