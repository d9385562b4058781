"""Grades out: gradebook files Canvas and Moodle import, and one feedback file per student.

``crmkit assignment grade`` writes, beside ``grades.csv`` and ``totals.csv`` in
``out/instructor/grades/`` (readable by their owner only):

``canvas_grades.csv``
    Canvas's gradebook import layout: ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
    ``Section``, then one column named after the assignment holding each student's points.
    Canvas needs one of Student, ID or SIS User ID to find the student; ``SIS User ID`` is the
    roster's ``student_id``, the others come from roster columns ``name``, ``canvas_id``,
    ``sis_login_id`` and ``section`` when the roster has them (else they are left empty).
    A column name Canvas does not know becomes a new assignment; rename it to the header of
    an existing one (``Name (id)``, as Canvas exports it) to fill that one instead.
``moodle_grades.csv``
    For Moodle's "Import > CSV file": ``ID number`` (the roster's ``student_id``), ``Email
    address`` (the roster's ``email`` column, else empty), the points column and
    ``<assignment> feedback``. On import, map "ID number" (or "Email address") to the
    user's field of that name, the points column to the grade item and the feedback column
    to its feedback.
``feedback/<student_id>.md``
    For the student: every question with its points, status and the grader's message, the
    run's outcome, and the rubric of any part the instructor grades by hand.

Points are the grader's: a question only the instructor can grade (a memo's rubric) is 0
in both files until the instructor adds it, and the feedback says so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crmkit.teach.target_folder import private_folder, write_private

__all__ = ["write_grades_out", "canvas_table", "moodle_table", "feedback_text", "CANVAS_COLUMNS", "MOODLE_COLUMNS"]

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["ID number", "Email address"]
_ROSTER_FIELDS = {"Student": ("name", "student", "student_name"), "ID": ("canvas_id", "id"),
                  "SIS Login ID": ("sis_login_id", "login_id", "login"), "Section": ("section",),
                  "Email address": ("email", "email_address")}


def _roster_column(roster: pd.DataFrame, field: str) -> pd.Series:
    """The roster column a gradebook field comes from (matched ignoring case), or empty text."""
    by_name = {str(c).strip().casefold(): c for c in roster.columns}
    for candidate in _ROSTER_FIELDS[field]:
        if candidate in by_name:
            return roster[by_name[candidate]].fillna("").astype(str)
    return pd.Series("", index=roster.index)


def canvas_table(totals: pd.DataFrame, roster: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per roster student in Canvas's import layout, ``column`` holding the points."""
    roster = roster.reset_index(drop=True)
    points = totals.set_index("student_id")["points"]
    table = pd.DataFrame({field: _roster_column(roster, field) for field in ("Student", "ID")})
    table["SIS User ID"] = roster["student_id"].astype(str)
    table["SIS Login ID"], table["Section"] = _roster_column(roster, "SIS Login ID"), _roster_column(roster, "Section")
    table[column] = roster["student_id"].map(points).fillna(0.0).round(2)
    return table[CANVAS_COLUMNS + [column]]


def moodle_table(totals: pd.DataFrame, roster: pd.DataFrame, column: str, rubric_points: float = 0.0) -> pd.DataFrame:
    """One row per roster student for Moodle's CSV grade import: identifiers, points, a one-line feedback
    (saying how many points the instructor still grades by hand, if any)."""
    pending = f" ({rubric_points:g} of them graded by your instructor, not included yet)" if rubric_points else ""
    roster = roster.reset_index(drop=True)
    by_student = totals.set_index("student_id")
    table = pd.DataFrame({"ID number": roster["student_id"].astype(str),
                          "Email address": _roster_column(roster, "Email address")})
    table[column] = roster["student_id"].map(by_student["points"]).fillna(0.0).round(2)
    table[f"{column} feedback"] = roster["student_id"].map(
        lambda s: f"{by_student.loc[s, 'points']:g} of {by_student.loc[s, 'max_points']:g} points{pending}; run: "
                  f"{by_student.loc[s, 'run_status']}. Details in your feedback file." if s in by_student.index else "")
    return table


def feedback_text(student: str, title: str, grades: pd.DataFrame, total: pd.Series, rubric_points: float) -> str:
    """The Markdown feedback of one student: points, the run, and each question's check and message."""
    auto = total["max_points"] - rubric_points
    lines = [f"# {title}: feedback for {student}", "",
             f"**Points: {total['points']:g} of {auto:g}** graded automatically"
             + (f"; {rubric_points:g} more are graded by your instructor with a rubric (not included yet; the "
                f"rubric is in the message of that question when your notebook handed it in)."
                if rubric_points else "."), "",
             f"Your notebook was run from the top: {total['run_status']}"
             + (f" ({total['run_message']})." if total["run_message"] else "."), ""]
    for number, row in enumerate(grades.itertuples(index=False), start=1):
        lines += [f"## Question {number}: `{row.question}`: {row.points:g} of {row.max_points:g} points ({row.status})",
                  "", str(row.message) or "(no message)", ""]
        if row.student_message and row.student_message != row.message:
            lines += [f"What the check in your notebook said: {row.student_message}", ""]
    return "\n".join(lines)


def write_grades_out(target: Path, report_grades: pd.DataFrame, report_totals: pd.DataFrame, roster: pd.DataFrame,
                     assignment: str, title: str, rubric_points: float) -> list[Path]:
    """Write ``canvas_grades.csv``, ``moodle_grades.csv`` and ``feedback/<id>.md`` into ``target``; returns the paths."""
    written = [write_private(target / "canvas_grades.csv",
                             canvas_table(report_totals, roster, assignment).to_csv(index=False).encode()),
               write_private(target / "moodle_grades.csv",
                             moodle_table(report_totals, roster, assignment, rubric_points).to_csv(index=False).encode())]
    folder = private_folder(target / "feedback")
    for total in report_totals.itertuples(index=False):
        total = pd.Series(total._asdict())
        grades = report_grades[report_grades["student_id"] == total["student_id"]]
        text = feedback_text(total["student_id"], title, grades, total, rubric_points)
        written.append(write_private(folder / f"{total['student_id']}.md", text.encode()))
    return written
