"""``crmkit plan ...``: export a plan for MS Project or Excel, or print its schedule summary.

``crmkit/cli.py`` calls :func:`register` with its argparse sub-parsers.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from crmkit.errors import CrmkitError
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
    except CrmkitError as error:
        print(f"crmkit plan export: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


def run_summary(args) -> int:
    """Print :func:`summary_text`. Returns 0, or 2 with a message for a bad plan."""
    try:
        print(summary_text(load_plan(args.plan), runs=args.runs, seed=args.seed))
    except CrmkitError as error:
        print(f"crmkit plan summary: error: {error}", file=sys.stderr)
        return 2
    return 0


def summary_text(plan: Plan, runs: int = 10_000, seed: int = 0) -> str:
    """The schedule in a few lines, each date labelled with what it is the date of: the
    project's finish and the launch milestone's, each most likely and at P50 / P80 / P95
    (Monte Carlo), then the launch odds. The launch milestone can finish months before the
    project (training and hand-over follow it), so its percentiles and the project's differ.

    >>> lines = summary_text(load_plan("pschse"), runs=1_000).splitlines()
    >>> lines[0]
    'PSCHSE Manufacturing - CRM application implementation'
    >>> for line in lines[1:]:
    ...     print(line.split("  ")[0])
    project start
    project finish, most likely
    project finish, P50/P80/P95
    critical path to the finish
    launch milestone
    launch milestone, most likely
    launch milestone, P50/P80/P95
    launch date (the deadline)
    launch milestone by that date
    """
    sched = schedule(plan)
    sim = simulate(plan, runs=runs, seed=seed)
    project = dataclasses.replace(sim, offsets=sim.project_offsets).percentile_dates((50, 80, 95))
    target = sim.percentile_dates((50, 80, 95))
    what = "launch milestone" if sim.target == plan.launch_milestone else f"task {sim.target}"
    lines = [
        plan.title or plan.name,
        _line("project start", plan.start),
        _line("project finish, most likely", f"{sched.finish:%Y-%m-%d}  (every task at its most likely duration)"),
        _line("project finish, P50/P80/P95", f"{_dates(project)}  ({runs:,} Monte Carlo runs, seed {seed})"),
        _line("critical path to the finish", " > ".join(sched.critical_path)),
        _line(what, f"{sim.target}  {plan.task(sim.target).name}"),
        _line(f"{what}, most likely", f"{sched.finish_of(sim.target):%Y-%m-%d}"),
        _line(f"{what}, P50/P80/P95", _dates(target)),
    ]
    if plan.launch is not None:
        pert = pert_completion(plan)
        lines += [
            _line("launch date (the deadline)", plan.launch),
            _line(f"{what} by that date", f"{sim.probability_by(plan.launch):.0%} of runs (Monte Carlo); "
                                            f"{pert['probability']:.0%} (PERT, its critical path only)"),
        ]
    return "\n".join(lines)


def _line(label: str, value) -> str:
    return f"{label:<31}{value}"


def _dates(percentiles: dict) -> str:
    return " / ".join(f"{percentiles[p]}" for p in (50, 80, 95))
