"""Checks of ``pschse-wbs``: a work package sized from the student's own records, in the kit's WBS layout.

The PSCHSE plan (:func:`crmkit.planning.load_plan`) gets one more work package, 6.1.2,
the review of the duplicate groups the fuzzy matcher (:func:`crmkit.analytics.resolve_identities`)
finds in the student's ``source_records``, done in the data freeze before the production
load. Its effort therefore differs per student, and so does the project's length.

The table is graded in four parts, a quarter of its points each (:class:`WbsExercise`):
the kit's layout with no error from :func:`crmkit.planning.check_table`; the row 6.1.2 as
a work package; its effort and most likely duration; its links (after the data freeze
6.2.3.1, before the production load 6.2.3.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from crmkit.analytics.identity import exact_email_links, resolve_identities
from crmkit.planning.checks import check_table
from crmkit.planning.io import load_plan, plan_from_table
from crmkit.planning.scheduling import schedule
from crmkit.planning.table import COLUMNS, parse_predecessors, plan_to_table
from crmkit.teach.exercises import Exercise, Mistake
from crmkit.teach.results import Result

__all__ = ["EXERCISES", "WbsExercise", "review_hours", "wbs_with_review"]

#: Hours a data steward spends on one group of merged records, and on loading checks per record (invented for teaching).
HOURS_PER_GROUP, HOURS_PER_RECORD, HOURS_PER_DAY = 0.25, 0.02, 8
CODE, AFTER, BEFORE = "6.1.2", "6.2.3.1", "6.2.3.2"


def _groups(links) -> pd.Series:
    return links.groupby("entity_id").size()


def review_hours(w, links=None, every_group: bool = False, loading: bool = True) -> float:
    groups = _groups(resolve_identities(w.source_records) if links is None else links)
    reviewed = len(groups) if every_group else int((groups > 1).sum())
    return round(HOURS_PER_GROUP * reviewed + (HOURS_PER_RECORD * len(w.source_records) if loading else 0.0), 2)


REVIEW_HOURS = Exercise(
    "review_hours",
    f"Size a work package from your data. A data steward reviews **every group of two or more records** that "
    f"`ck.analytics.resolve_identities(world.source_records)` (its defaults) puts together, {HOURS_PER_GROUP} hours "
    f"per group, and checks the loading of every source record, {HOURS_PER_RECORD} hours per record. How many "
    f"**hours** is that? One number (rounded to 2 decimals).",
    reference=review_hours, rtol=1e-3, atol=0.006,
    mistakes=[
        Mistake("every_group", "You reviewed every group, the single records too; only groups of two or more records "
                "hold merges to review.", answer=lambda w: review_hours(w, every_group=True)),
        Mistake("exact_email_groups", "You took the groups of the exact-email baseline; the review is of what the "
                "fuzzy matcher (resolve_identities) merged.",
                answer=lambda w: review_hours(w, links=exact_email_links(w.source_records))),
        Mistake("no_loading", "You left out the loading checks, the hours per source record.",
                answer=lambda w: review_hours(w, loading=False)),
    ])


def wbs_with_review(w) -> pd.DataFrame:
    """The PSCHSE WBS table with the review work package of ``w`` added and linked."""
    table = plan_to_table(load_plan("pschse"))
    hours = review_hours(w)
    days = float(math.ceil(hours / HOURS_PER_DAY))
    row = {"wbs_code": CODE, "name": "Review merged duplicate records", "kind": "work_package", "optimistic": days,
           "most_likely": days, "pessimistic": days, "predecessors": f"{AFTER}FS", "milestone": "no",
           "effort_hours": hours, "resources": "Data analyst", "remark": "Sized from the student's own records."}
    table.loc[table["wbs_code"] == BEFORE, "predecessors"] += f", {CODE}FS"
    at = int(table.index[table["wbs_code"] == "6.1.1"][0]) + 1
    return pd.concat([table.iloc[:at], pd.DataFrame([row]), table.iloc[at:]], ignore_index=True).astype(table.dtypes)


@dataclass(frozen=True)
class WbsExercise(Exercise):
    """A WBS table graded in four parts (see the module docstring); ``detail["score"]`` is the share earned."""

    def judge(self, answer, expected, mistake_answers, view) -> Result:
        if not isinstance(answer, pd.DataFrame) or "wbs_code" not in answer.columns:
            return Result(self.name, False, "wrong_form", "Your answer is not a table (DataFrame) in the kit's WBS "
                          f"layout: the columns {', '.join(COLUMNS)}, one row per WBS element.")
        rows = answer.assign(wbs_code=answer["wbs_code"].astype(str)).set_index("wbs_code")
        want = expected.set_index("wbs_code")
        parts = [_layout(answer), _is_work_package(rows), _sized(rows, want.loc[CODE]), _linked(rows)]
        score = sum(ok for ok, _ in parts) / len(parts)
        message = " ".join(f"{'[ok]' if ok else '[missing]'} {text}" for ok, text in parts)
        status = "correct" if score == 1 else "partial" if score > 0 else "wrong_value"
        return Result(self.name, score == 1, status, message, detail={"score": score})


def _layout(table: pd.DataFrame) -> tuple[bool, str]:
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        return False, f"The kit's layout: the column {missing[0]!r} is missing."
    try:
        errors = [f for f in check_table(table) if f.severity == "error"]
    except Exception as error:  # a table the checker cannot read at all
        return False, f"The kit's layout: check_table could not read it ({type(error).__name__})."
    return not errors, "The kit's layout, no errors from check_table." if not errors else f"check_table: {errors[0]}"


def _is_work_package(rows: pd.DataFrame) -> tuple[bool, str]:
    try:
        ok = rows.index.is_unique and CODE in rows.index and str(rows.loc[CODE, "kind"]) == "work_package"
    except Exception:  # no kind column: said by the layout part; here the row is simply not found
        ok = False
    return ok, f"Row {CODE} is a work package under 6.1." if ok else f"No work package with wbs_code {CODE}."


def _sized(rows: pd.DataFrame, want) -> tuple[bool, str]:
    try:
        row = rows.loc[CODE]
        ok = (math.isclose(float(row["effort_hours"]), float(want["effort_hours"]), rel_tol=0.01, abs_tol=0.01)
              and float(row["most_likely"]) == float(want["most_likely"]))
    except Exception:
        ok = False
    return ok, (f"Its effort_hours are your review hours and its most_likely duration is those hours over "
                f"{HOURS_PER_DAY} per working day, rounded up.") if ok else (
        f"Row {CODE}'s effort_hours or most_likely duration is not what your review hours give.")


def _linked(rows: pd.DataFrame) -> tuple[bool, str]:
    try:
        after = {link.predecessor for link in parse_predecessors(rows.loc[CODE, "predecessors"], CODE)}
        before = {link.predecessor for link in parse_predecessors(rows.loc[BEFORE, "predecessors"], BEFORE)}
        ok = AFTER in after and CODE in before
    except Exception:
        ok = False
    return ok, (f"It starts after the data freeze {AFTER} and the production load {BEFORE} waits for it." if ok
                else f"Link it after the data freeze {AFTER} and make the production load {BEFORE} wait for it.")


WBS_TABLE = WbsExercise(
    "wbs_table",
    f"Add the review to the kit's PSCHSE WBS (`ck.planning.plan_to_table(ck.planning.load_plan('pschse'))`), in the "
    f"kit's table layout: a **work package {CODE}** named as you like under 6.1 Data cleansing, with `effort_hours` "
    f"your review hours and a most likely duration of those hours over {HOURS_PER_DAY} per working day, **rounded up** "
    f"(optimistic and pessimistic as you judge). It starts after the data freeze ({AFTER}FS) and the production load "
    f"({BEFORE}) must wait for it: add `{CODE}FS` to {BEFORE}'s predecessors. Give the whole table (a DataFrame, one "
    "row per WBS element, a fresh 0, 1, 2... index). Graded in four parts: the layout without errors "
    f"(`ck.planning.check_table`), the row {CODE}, its size, its links.",
    reference=wbs_with_review)


def project_days(table: pd.DataFrame) -> float:
    return float(schedule(plan_from_table(table)).table["ef"].max())


PROJECT_DAYS = Exercise(
    "project_days",
    "With your table, how many **working days** does the whole project take? "
    "`ck.planning.schedule(ck.planning.plan_from_table(table))`: the largest `ef` of its `.table`.",
    reference=lambda w: project_days(wbs_with_review(w)),
    mistakes=[
        Mistake("kit_plan", "That is the kit's plan without your work package: schedule your own table.",
                answer=lambda w: project_days(plan_to_table(load_plan("pschse")))),
        Mistake("hours_as_days", f"Your work package lasts its effort in hours, not in working days: the duration "
                f"is the hours over {HOURS_PER_DAY}, rounded up.",
                answer=lambda w: project_days(plan_to_table(load_plan("pschse"))) + review_hours(w)),
    ])

EXERCISES = (REVIEW_HOURS, WBS_TABLE, PROJECT_DAYS)
