"""``crmkit plan ...``: export a plan for MS Project or Excel, or print its schedule summary.

``crmkit/cli.py`` calls :func:`register` with its argparse sub-parsers.
"""

from __future__ import annotations

import argparse

from crmkit.errors import ConfigError
from crmkit.planning.io import load_plan
from crmkit.planning.model import Plan
from crmkit.planning.msproject_csv import write_msproject_csv
from crmkit.planning.mspdi import write_mspdi
from crmkit.planning.risk import pert_completion, simulate
from crmkit.planning.scheduling import schedule

WRITERS = {"mspdi": write_mspdi, "csv": write_msproject_csv}


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``plan`` command (with ``export`` and ``summary``) to ``subparsers``.

    >>> parser = argparse.ArgumentParser(prog="crmkit")
    >>> _ = register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["plan", "export", "pschse", "--format", "csv", "--out", "p.csv"])
    >>> args.format, args.func.__name__
    ('csv', 'run_export')
    """
    plan = subparsers.add_parser("plan", help="the PSCHSE implementation plan: schedule, risk, MS Project export")
    commands = plan.add_subparsers(dest="plan_command", required=True)
    export = commands.add_parser("export", help="write the scheduled plan as MS Project XML or CSV")
    export.add_argument("plan", help="a case name (pschse) or a folder holding plan.yaml")
    export.add_argument("--format", choices=sorted(WRITERS), default="mspdi")
    export.add_argument("--out", required=True, help="the file to write")
    export.set_defaults(func=run_export)
    summary = commands.add_parser("summary", help="print the finish date, critical path and launch odds")
    summary.add_argument("plan", help="a case name (pschse) or a folder holding plan.yaml")
    summary.add_argument("--runs", type=int, default=10_000)
    summary.add_argument("--seed", type=int, default=0)
    summary.set_defaults(func=run_summary)
    return plan


def run_export(args) -> int:
    """Write the plan; print where. Returns 0, or 2 with a message for a bad plan."""
    try:
        path = WRITERS[args.format](load_plan(args.plan), args.out)
    except ConfigError as error:
        print(f"crmkit plan export: {error}")
        return 2
    print(f"wrote {path}")
    return 0


def run_summary(args) -> int:
    """Print :func:`summary_text`. Returns 0, or 2 with a message for a bad plan."""
    try:
        print(summary_text(load_plan(args.plan), runs=args.runs, seed=args.seed))
    except ConfigError as error:
        print(f"crmkit plan summary: {error}")
        return 2
    return 0


def summary_text(plan: Plan, runs: int = 10_000, seed: int = 0) -> str:
    """The schedule in a few lines: finish, critical path, PERT and Monte Carlo dates.

    >>> print(summary_text(load_plan("pschse"), runs=1_000).splitlines()[0])
    PSCHSE Manufacturing - CRM application implementation
    """
    sched = schedule(plan)
    sim = simulate(plan, runs=runs, seed=seed)
    percentiles = sim.percentile_dates((50, 80, 95))
    lines = [
        plan.title or plan.name,
        f"start                 {plan.start}",
        f"finish (most likely)  {sched.finish:%Y-%m-%d}",
        f"{sim.target + ' (most likely)':<22}{sched.finish_of(sim.target):%Y-%m-%d}  {plan.task(sim.target).name}",
        "critical path         " + " > ".join(sched.critical_path),
        f"P50 / P80 / P95       {percentiles[50]} / {percentiles[80]} / {percentiles[95]}  ({runs:,} runs, seed {seed})",
    ]
    if plan.launch is not None:
        pert = pert_completion(plan)
        lines += [
            f"launch date           {plan.launch}",
            f"chance of the launch  {sim.probability_by(plan.launch):.0%} (Monte Carlo); "
            f"{pert['probability']:.0%} (PERT, critical path only)",
        ]
    return "\n".join(lines)
