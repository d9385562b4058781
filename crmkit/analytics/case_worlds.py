"""Model companies on their synthetic worlds: each case as run and with each strategy lever off.

A case world imitates one company's CRM strategy through a few *levers* of its configuration
(each ``case_studies/<case>/world.yaml`` names them). :func:`case_worlds` simulates the company
as it runs and once more with each lever switched off, with the same seed: the same people
are drawn, so what differs is the strategy (and the chance events it sets off). Calling the
:class:`CaseWorlds` with a lever and a KPI gives that KPI per persona with and without the
lever; :func:`compare_companies` puts several companies side by side.

Every world here is synthetic: its numbers say nothing about the real companies.
"""

from __future__ import annotations

__all__ = ["AS_RUN", "CASE_LEVERS", "MODEL_COMPANIES", "CaseWorlds", "case_worlds", "compare_companies",
           "model_company_worlds"]

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from crmkit.analytics._checks import check_choice
from crmkit.analytics.case_kpis import KPIS, company_kpis, customer_outcomes, kpis_with_total



def _model_companies() -> dict:
    """Each case whose ``world.yaml`` has a ``levers:`` section -> that section, in its lesson order."""
    from crmkit.world.cases import cases, load_config

    levers = {case: load_config(case).levers for case in cases()}
    return dict(sorted(((c, v) for c, v in levers.items() if v is not None), key=lambda cv: (cv[1].order, cv[0])))


#: Each case's strategy levers (its ``levers.switch_off``): name -> the settings that switch it
#: off (the first is the main one). Read from the cases' ``world.yaml``.
CASE_LEVERS = {case: dict(v.switch_off) for case, v in _model_companies().items() if v.switch_off}
#: The companies the comparison lesson sets side by side (case name -> display name, ``levers.company``).
MODEL_COMPANIES = {case: v.company for case, v in _model_companies().items()}
AS_RUN = "as run"


@dataclass(frozen=True, eq=False)
class CaseWorlds:
    """One case simulated as the company runs it and once per strategy lever switched off.

    ``scenarios`` maps ``"as run"`` and ``"without <lever>"`` to worlds; ``on`` is the world as
    run and ``off`` the world without the main (first) lever. It reads like the world as run
    (``truth``, ``observed_until``, ``orders``...), and for exercise checks its ``tables`` are
    joined by the main-lever-off world's under ``off_<table>`` names, so one check can
    compare the two.
    """

    case: str
    levers: dict
    scenarios: dict

    @property
    def main_lever(self) -> str:
        return next(iter(self.levers))

    @property
    def on(self):
        return self.scenarios[AS_RUN]

    @property
    def off(self):
        return self.without(self.main_lever)

    def without(self, lever: str):
        """The world with ``lever`` switched off."""
        check_choice("lever", lever, self.levers)
        return self.scenarios[f"without {lever}"]

    @property
    def tables(self) -> dict:
        return {**self.on.tables, **{f"off_{name}": table for name, table in self.off.tables.items()}}

    def __getattr__(self, name: str):
        """Everything else (``truth``, ``observed_until``, ``config``, ``orders``...) of the world as run."""
        if name.startswith("_") or name == "scenarios":  # not found while being built or copied
            raise AttributeError(name)
        return getattr(self.on, name)

    @cached_property
    def persona_kpis(self) -> dict:
        """Scenario -> :func:`~crmkit.analytics.case_kpis.case_kpi_table` by persona with an "all customers" row (computed once)."""
        return {name: kpis_with_total(customer_outcomes(world)) for name, world in self.scenarios.items()}

    def __call__(self, lever: str | None = None, kpi: str = "orders per customer") -> pd.DataFrame:
        """``kpi`` per persona and for all customers, as run and without ``lever`` (default the
        main one): columns ``as run``, ``without lever`` and their ``difference``."""
        lever = self.main_lever if lever is None else lever
        check_choice("lever", lever, self.levers)
        check_choice("kpi", kpi, KPIS)
        on, off = self.persona_kpis[AS_RUN][kpi], self.persona_kpis[f"without {lever}"][kpi]
        table = pd.DataFrame({"as run": on, "without lever": off.reindex(on.index)})
        table["difference"] = table["as run"] - table["without lever"]
        return table

    def __repr__(self) -> str:
        size = len(self.on.customers)
        return (f"<CaseWorlds {self.case!r}: {size:,} synthetic customers in each of "
                f"{', '.join(repr(s) for s in self.scenarios)}>")


def case_worlds(case: str, customers: int = 2000, seed: int = 7) -> CaseWorlds:
    """Simulate ``case`` as run and once per lever of :data:`CASE_LEVERS` switched off (same seed).

    >>> case_worlds("retailer")
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: case = 'retailer': one of 'tesco', 'harrahs', 'ritz_carlton'
    """
    check_choice("case", case, CASE_LEVERS)
    from crmkit.world.engine import simulate

    levers = CASE_LEVERS[case]
    scenarios = {AS_RUN: simulate(case, customers=customers, seed=seed, progress=False)}
    for lever, setting in levers.items():
        scenarios[f"without {lever}"] = simulate(case, customers=customers, seed=seed, progress=False, **setting)
    return CaseWorlds(case, levers, scenarios)


def model_company_worlds(customers: int = 2000, seed: int = 7, cases=tuple(MODEL_COMPANIES)) -> dict:
    """Each company of :data:`MODEL_COMPANIES` (or ``cases``) as it runs: case name -> world."""
    for case in cases:
        check_choice("case", case, MODEL_COMPANIES)
    from crmkit.world.engine import simulate

    return {case: simulate(case, customers=customers, seed=seed, progress=False) for case in cases}


def compare_companies(worlds: dict) -> pd.DataFrame:
    """The KPIs of each world of ``worlds`` (case name -> world): one row per company, by display name."""
    rows = {MODEL_COMPANIES.get(case, case): company_kpis(world) for case, world in worlds.items()}
    return pd.DataFrame(rows).T.rename_axis("company")
