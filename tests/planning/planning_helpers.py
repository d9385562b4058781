"""Tiny plans written as compact rows, for the planning tests."""

from __future__ import annotations

import datetime as dt

from crmkit.planning import plan_from_table


def network_plan(*rows, start=dt.date(2026, 1, 5), **kwargs):
    """A flat plan of work packages from (code, duration, predecessors) triples."""
    table = [
        {"wbs_code": code, "name": f"Task {code}", "kind": "work_package", "optimistic": days,
         "most_likely": days, "pessimistic": days, "predecessors": preds, "effort_hours": 8 * max(days, 1)}
        for code, days, preds in rows
    ]
    return plan_from_table(table, start=start, **kwargs)


def run(parser, *argv):
    """Run ``crmkit plan ARGV`` with ``parser``; return its exit code."""
    args = parser.parse_args(["plan", *argv])
    return args.func(args)
