"""Consistency rules of the service desk's tables, usable on any world (simulated or loaded)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.world.spells import active_spells, within_spells

SCORE_RANGE = {"nps": (0, 10), "csat": (1, 5)}  # fixed: the scales of the NPS and CSAT questions


def _cases(world, cases: pd.DataFrame) -> list[str]:
    problems = []
    closed = cases[cases.closed_at.notna()]
    if (closed.closed_at <= closed.opened_at).any():
        problems.append(f"cases: {(closed.closed_at <= closed.opened_at).sum()} cases close before they open")
    if ((cases.status == "closed") != cases.closed_at.notna()).any():
        problems.append("cases: status is closed exactly when closed_at is set, but not here")
    if cases.csat.notna().gt(cases.closed_at.notna()).any():
        problems.append("cases: csat given for a case still open")
    if cases[cases.is_complaint].order_id.isna().any():
        problems.append("cases: a complaint is about no order")
    return problems


def _chronology(world, name: str, df: pd.DataFrame, col: str) -> list[str]:
    problems = []
    if "phases" in world.truth and len(df):
        outside = ~within_spells(df, col, active_spells(world.truth.phases))
        if outside.any():
            problems.append(f"{name}: {outside.sum()} rows outside the customer's active relationship")
    ends = world.observed_until + pd.Timedelta(days=1)
    if (df[col] >= ends).any():
        problems.append(f"{name}: {col} after the observation window")
    return problems


def _surveys(world, surveys: pd.DataFrame, cases: pd.DataFrame) -> list[str]:
    problems = []
    for kind, (low, high) in SCORE_RANGE.items():
        score = surveys.score[surveys.kind == kind]
        if ((score < low) | (score > high)).any():
            problems.append(f"surveys: {kind} scores outside {low} to {high}")
    answered = surveys[surveys.trigger == "after_case"]
    if answered.case_id.isna().any():
        problems.append("surveys: an after-case survey names no case")
    given = cases.dropna(subset=["csat"]).sort_values("case_id")
    said = answered.dropna(subset=["case_id"]).sort_values("case_id")
    if not (np.array_equal(given.case_id.astype("int64"), said.case_id.astype("int64"))
            and np.array_equal(given.csat.astype("int64"), said.score.astype("int64"))):
        problems.append("cases.csat differs from the after-case survey scores")
    return problems


def _activities(world, cases: pd.DataFrame) -> list[str]:
    acts = world.tables.get("activities")
    if acts is None or "case_id" not in acts or not len(acts):
        return []
    on_case = acts[acts.case_id.notna()]
    owner = cases.set_index("case_id").customer_id
    known = on_case.case_id.isin(owner.index)
    problems = []
    if not known.all():
        problems.append(f"activities.case_id has {(~known).sum()} values not in cases.case_id")
    elif (owner.reindex(on_case.case_id).to_numpy() != on_case.customer_id.to_numpy()).any():
        problems.append("activities: an activity on a case names another customer than the case")
    return problems


def check(world) -> list[str]:
    """Cases close after they open and are opened only while the relationship is alive;
    surveys are answered while alive, their scores fit their kind, and cases.csat is the
    after-case score; every activity's case_id is a case of the same customer."""
    cases, surveys = world.tables.get("cases"), world.tables.get("surveys")
    if cases is None or surveys is None:
        return []
    return (_cases(world, cases) + _chronology(world, "cases", cases, "opened_at")
            + _chronology(world, "surveys", surveys, "responded_at") + _surveys(world, surveys, cases)
            + _activities(world, cases))
