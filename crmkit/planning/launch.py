"""Ben's question: with ranges instead of single dates, how likely is the launch?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from crmkit.errors import ConfigError
from crmkit.planning.io import load_plan
from crmkit.planning.model import MAX_DAYS, Plan
from crmkit.planning.risk import Simulation, simulate
from crmkit.planning.scheduling import schedule


@dataclass(frozen=True)
class LaunchRisk:
    """The single-point date, the committed date (single point + buffer) and their odds.

    ``p_single_point``, ``p_committed`` and ``p_launch`` are the shares of simulated runs
    that reach the launch milestone by the single-point date, the committed date and the
    launch date; ``percentiles`` maps 50, 80 and 95 to dates; ``buffer_for_p80`` is the
    buffer (working days) that would make the committed date the P80 date.
    """

    single_point: dt.date
    committed: dt.date
    launch: dt.date | None
    p_single_point: float
    p_committed: float
    p_launch: float | None
    percentiles: dict
    buffer_for_p80: int
    simulation: Simulation
    ax: object = None

    def summary(self) -> str:
        """A few lines a project manager can read out at a steering meeting."""
        lines = [
            f"single-point date {self.single_point} (chance {self.p_single_point:.0%})",
            f"committed date    {self.committed} (chance {self.p_committed:.0%})",
        ]
        if self.launch is not None:
            lines.append(f"launch date       {self.launch} (chance {self.p_launch:.0%})")
        lines.append("P50 / P80 / P95   " + " / ".join(str(d) for d in self.percentiles.values()))
        lines.append(f"buffer for 80%    {self.buffer_for_p80} working days after the single-point date")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"LaunchRisk(\n{self.summary()}\n)"


def launch_risk(plan: Plan | str = "pschse", buffer_days: int = 10, uncertainty: float = 1.0,
                runs: int = 10_000, seed=0, method: str = "pert", ax=None, correlation: float = 0.0) -> LaunchRisk:
    """Simulate the plan and draw the launch milestone's finish dates against three dates.

    Parameters
    ----------
    plan : Plan or str
        A plan, or a case name or folder for :func:`load_plan`.
    buffer_days : int
        Working days added to the single-point (most likely) date to get the committed date.
    uncertainty : float
        Stretches every estimate range (1 keeps the estimates; 0 is Ben's single-point plan).
    runs, seed, method, correlation
        As for :func:`crmkit.planning.simulate`.
    ax : matplotlib Axes, optional

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> risk = launch_risk("pschse", buffer_days=10, runs=2_000, seed=3)
    >>> risk.p_single_point < risk.p_committed, risk.committed > risk.single_point
    (True, True)
    """
    if isinstance(buffer_days, bool) or not isinstance(buffer_days, (int, np.integer)) or not 0 <= buffer_days <= MAX_DAYS:
        raise ConfigError(f"buffer_days is {buffer_days!r}; allowed: a whole number of working days from 0 to {MAX_DAYS:,}")
    plan = load_plan(plan) if isinstance(plan, str) else plan
    sim = simulate(plan, runs=runs, seed=seed, method=method, uncertainty=uncertainty, correlation=correlation)
    single_offset = schedule(plan).offset_of(sim.target)
    single_point, committed = sim.dates([single_offset, single_offset + buffer_days]).astype(object)
    p80_offset = np.ceil(np.percentile(sim.offsets, 80, method="higher") - 1e-9)
    marks = {"single point": single_point, f"committed (+{buffer_days} d)": committed}
    if plan.launch:
        marks["launch"] = plan.launch
    from crmkit.planning.plots import plot_completion  # matplotlib loads only when drawing

    return LaunchRisk(
        single_point=single_point,
        committed=committed,
        launch=plan.launch,
        p_single_point=sim.probability_by(single_point),
        p_committed=sim.probability_by(committed),
        p_launch=sim.probability_by(plan.launch) if plan.launch else None,
        percentiles=sim.percentile_dates((50, 80, 95)),
        buffer_for_p80=max(0, int(p80_offset - single_offset)),
        simulation=sim,
        ax=plot_completion(sim, marks=marks, ax=ax),
    )
