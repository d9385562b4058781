"""Grade submitted notebooks against the instructor's key (``crmkit assignment grade``).

For each student on the roster, :func:`grade_assignment` finds the submitted notebook,
runs it from the top in the sandbox (:mod:`crmkit.teach.sandbox`: another user, CPU,
memory and time limits, a folder holding only that student's observed tables), reads back
the ``answers.json`` the notebook's checks wrote, and grades **every answer itself** from
the key: a student's notebook could claim anything, so it is never asked whether an answer
was right. Each answer is judged with the exercise's own rules (tolerance, known mistakes),
so the grader's message is the one the checks give; the message the student saw is kept
beside it. A notebook that raises, loops, dies or was never handed in gets zero for the
answers it did not record and a status naming what happened; the grader itself goes on.

Writes ``out/instructor/grades/`` (readable by its owner only): ``grades.csv`` (one row per
student and question), ``totals.csv`` (one row per student; ``flags`` notes code that
reaches into the checker, see :mod:`crmkit.teach.submission_scan`), and each run's
``executed/<id>.ipynb`` and ``answers/<id>.json``; and for the gradebook and the students
(:mod:`crmkit.teach.grade_export`) ``canvas_grades.csv`` (Student, ID, SIS User ID, SIS Login
ID, Section, then the assignment's points), ``moodle_grades.csv`` (ID number, Email address,
the points, a feedback line) and ``feedback/<id>.md`` (each question's points, status and
message). A question only the instructor can grade (a memo's rubric) gets 0 points and the
status ``for_instructor``, its rubric in the message, until the instructor adds them.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmkit.errors import ConfigError, CrmkitError, DataError
from crmkit.teach.answer_codec import decode_answer
from crmkit.teach.assignment_library import get_assignment
from crmkit.teach.assignments import ANSWERS_FILE, INSTRUCTOR, KEY_FILE, MANIFEST_FILE, STUDENTS, WORLD
from crmkit.teach.diagnose import compare
from crmkit.teach.forecast_score import score_forecast
from crmkit.teach.grade_export import write_grades_out
from crmkit.teach.results import Result
from crmkit.teach.sandbox import EXECUTED_NAME, Limits, read_untrusted, run_notebook
from crmkit.teach.submission_scan import suspicious_calls
from crmkit.teach.target_folder import private_folder, write_private
from crmkit.teach.views import WorldView

__all__ = ["grade_assignment", "GradeReport", "find_submission", "read_answers", "judge_answer", "GRADE_COLUMNS",
           "TOTAL_COLUMNS"]

GRADE_COLUMNS = ["student_id", "question", "points", "max_points", "status", "message", "student_message", "uses_truth"]
TOTAL_COLUMNS = ["student_id", "points", "max_points", "run_status", "run_message", "isolated", "seconds", "warning",
                 "flags"]
MAX_NOTEBOOK_BYTES = 20 * 2**20
NOT_ISOLATED = ("not isolated: the grader is not running as root, so this notebook ran as the grader's own user "
                "with limits only and could read whatever that user can")


@dataclass(frozen=True)
class GradeReport:
    """The grade tables (``grades``: per student and question; ``totals``: per student) and
    the folder they were written to."""

    grades: pd.DataFrame
    totals: pd.DataFrame
    folder: Path


def grade_assignment(folder: str | Path, submissions: str | Path, *, limits: Limits | None = None,
                     require_isolation: bool = False, progress: bool = False) -> GradeReport:
    """Run and grade every roster student's submission in ``submissions``.

    A submission is ``submissions/<id>/<notebook>`` (or the only ``.ipynb`` in
    ``submissions/<id>/``, or ``submissions/<id>/<assignment>/<notebook>`` as nbgrader
    collects them, or ``submissions/<id>.ipynb``). Raises :class:`ConfigError` only for what
    the instructor must fix (a folder that is not a built assignment, a sandbox that cannot
    be set up); nothing in a submission makes it fail. ``progress=True`` shows a progress
    bar, one step per student (on stderr).
    """
    folder, submissions = Path(folder), Path(submissions)
    manifest, key = (_read_json(folder / INSTRUCTOR / name) for name in (MANIFEST_FILE, KEY_FILE))
    if not submissions.is_dir():
        raise ConfigError(f"submissions {str(submissions)!r} is not a folder")
    spec = get_assignment(manifest["template"])
    target = folder / INSTRUCTOR / "grades"
    grades, totals = [], []
    from tqdm.auto import tqdm

    for student in tqdm(manifest["students"], desc="grading", unit="student", disable=not progress):
        rows, total = _grade_student(student, folder, submissions, manifest, key[student], spec, target,
                                     limits or Limits(), require_isolation)
        grades += rows
        totals.append(total)
    report = GradeReport(pd.DataFrame(grades, columns=GRADE_COLUMNS), pd.DataFrame(totals, columns=TOTAL_COLUMNS), target)
    write_private(private_folder(target) / "grades.csv", report.grades.to_csv(index=False).encode())
    write_private(target / "totals.csv", report.totals.to_csv(index=False).encode())
    roster = pd.read_csv(folder / INSTRUCTOR / "roster.csv", dtype=str, keep_default_na=False)
    write_grades_out(target, report.grades, report.totals, roster, manifest["assignment"], spec.title,
                     spec.instructor_points)
    return report


def _grade_student(student, folder, submissions, manifest, key, spec, target, limits, require_isolation):
    total = {"student_id": student, "max_points": spec.max_points, "isolated": False, "seconds": 0.0, "warning": ""}
    notebook, status, message = find_submission(submissions, student, manifest["notebook"], manifest["assignment"])
    total["flags"] = "; ".join(suspicious_calls(notebook)) if notebook is not None else ""
    answers, messages = {}, {}
    if notebook is not None:
        try:
            outcome = run_notebook(notebook, inputs={"world": folder / STUDENTS / student / WORLD},
                                   collect=[ANSWERS_FILE], limits=limits, require_isolation=require_isolation)
        except CrmkitError:  # the sandbox cannot be set up: the instructor's to fix, for every student
            raise
        except Exception as error:  # a grader bug must not cost the other students their grades
            status, message = "grader_error", f"{type(error).__name__}: {error}"
        else:
            status, message = outcome.status, outcome.message
            total.update(isolated=outcome.isolated, seconds=outcome.seconds,
                         warning="" if outcome.isolated else NOT_ISOLATED)
            for name, data in outcome.files.items():
                subfolder, suffix = ("executed", ".ipynb") if name == EXECUTED_NAME else ("answers", ".json")
                write_private(private_folder(target / subfolder) / f"{student}{suffix}", data)
            answers, messages, problem = read_answers(outcome.files.get(ANSWERS_FILE))
            message += f"; {problem}" if problem else ""
    world = _observed_world(folder / STUDENTS / student / WORLD)
    rows = [_grade_question(student, exercise, spec.points[exercise.name], key[exercise.name], answers, messages,
                            world, status) for exercise in spec.exercises]
    mismatches = _key_mismatches(world, spec, key)
    if mismatches:
        total["warning"] = "; ".join(filter(None, [total["warning"], f"the key and this student's tables disagree on "
                                                   f"{', '.join(mismatches)}: was the folder rebuilt after the key?"]))
    total.update(points=float(sum(r["points"] for r in rows)), run_status=status, run_message=message)
    return rows, total


def find_submission(submissions: Path, student: str, notebook: str, assignment: str = "") -> tuple:
    """``(notebook dict or None, status, message)`` for ``student``'s submission; status is
    ``"submitted"``, ``"not_submitted"`` or ``"rejected"`` (a link, too big, not a notebook)."""
    own = submissions / student
    candidates = [own / notebook, own / assignment / notebook, submissions / f"{student}.ipynb"]
    if own.is_dir() and not own.is_symlink():
        found = sorted(p for p in own.glob("*.ipynb"))
        candidates += found if len(found) == 1 else []
    for path in candidates:
        if not (path.is_symlink() or path.exists()):
            continue
        if any(p.is_symlink() for p in (path, path.parent)):
            return None, "rejected", f"{path.name} is a symbolic link; hand in the notebook file itself"
        data = read_untrusted(path, MAX_NOTEBOOK_BYTES)
        if data is None:
            return None, "rejected", f"{path.name} is not a regular file of at most {MAX_NOTEBOOK_BYTES // 2**20} MiB"
        notebook_dict = _clean_notebook(data)
        if notebook_dict is None:
            return None, "rejected", f"{path.name} is not a Jupyter notebook (nbformat 4 JSON with a list of cells)"
        return notebook_dict, "submitted", ""
    return None, "not_submitted", "no notebook handed in"


def _clean_notebook(data: bytes) -> dict | None:
    """Only what running needs: each cell's type and source (metadata and outputs dropped)."""
    try:
        raw = json.loads(data)
        cells = []
        for cell in raw["cells"]:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) and all(isinstance(s, str) for s in source) else source
            if cell.get("cell_type") in ("code", "markdown", "raw") and isinstance(source, str):
                cells.append({"cell_type": cell["cell_type"], "metadata": {}, "source": source})
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def read_answers(data: bytes | None) -> tuple[dict, dict, str]:
    """``(answers, messages, problem)`` from the bytes of a student's ``answers.json``.

    Untrusted: anything unreadable gives empty answers and a problem to report.

    >>> read_answers(b'{"answers": {"q": {"kind": "none"}}, "messages": {"q": "Correct."}}')
    ({'q': {'kind': 'none'}}, {'q': 'Correct.'}, '')
    >>> read_answers(b"not json")[2]
    'answers.json is not readable JSON'
    """
    if data is None:
        return {}, {}, "no answers.json was written (no check ran, or it was not a plain file)"
    try:
        payload = json.loads(data)
        answers, messages = payload["answers"], payload.get("messages", {})
        if not isinstance(answers, dict) or not isinstance(messages, dict):
            raise TypeError
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return {}, {}, "answers.json is not readable JSON"
    return answers, {str(k): str(v)[:500] for k, v in messages.items()}, ""


def _grade_question(student, exercise, max_points, entry, answers, messages, world, run_status) -> dict:
    row = {"student_id": student, "question": exercise.name, "points": 0.0, "max_points": max_points,
           "student_message": messages.get(exercise.name, ""), "uses_truth": exercise.uses_truth}
    if exercise.name not in answers:
        why = {"not_submitted": "no notebook was handed in", "rejected": "the submission was rejected"}.get(
            run_status, "no answer was recorded for this question")
        return {**row, "status": "not_answered", "message": why}
    try:
        answer = decode_answer(answers[exercise.name])
        expected = decode_answer(entry["expected"])
        mistakes = {name: decode_answer(value) for name, value in entry["mistakes"].items()}
    except DataError as error:
        return {**row, "status": "unreadable", "message": str(error)}
    try:
        baseline = decode_answer(entry["baseline"]) if "baseline" in entry else None
        result = judge_answer(exercise, answer, expected, mistakes, entry.get("rtol", exercise.rtol), world, baseline)
    except Exception as error:  # an answer no check can read gets a message, not a crash
        return {**row, "status": "wrong_form", "message": f"the answer could not be checked ({type(error).__name__})"}
    share = result.detail.get("score", 1.0 if result.correct else 0.0)
    return {**row, "points": round(max_points * share, 2), "status": result.status, "message": result.message}


def judge_answer(exercise, answer, expected, mistakes: dict, rtol: float, world, baseline=None) -> Result:
    """Judge ``answer`` as the exercise's check does, with the key's tolerance ``rtol``. For a
    question scored against the truth (a forecast), an answer equal to a known mistake's
    value is that mistake; with a ``baseline`` (the naive forecast on this world) the answer
    is scored by its error relative to the baseline's (:func:`score_forecast`), and
    ``detail["score"]`` holds the share of the points."""
    view = WorldView(world, "observed")
    if exercise.uses_truth:
        for mistake in exercise.mistakes:
            if mistake.name in mistakes and exercise.same_answer(mistakes[mistake.name], answer, for_mistake=True):
                return Result(exercise.name, False, "mistake", mistake.message, mistake=mistake.name)
    if baseline is not None:
        return score_forecast(exercise.name, answer, expected, baseline, "each customer's spend in the last "
                              f"{world.config.calendar.holdout_months} months of the window")
    return dataclasses.replace(exercise, rtol=float(rtol)).judge(answer, expected, mistakes, view)


def _key_mismatches(world, spec, key) -> list[str]:
    """Questions on observed tables whose answer, recomputed on the student's tables, is not the key's."""
    view = WorldView(world, "observed")
    return [e.name for e in spec.exercises if not e.uses_truth
            and not compare(decode_answer(key[e.name]["expected"]), e.expected(view), rtol=0, atol=0).ok]


def _observed_world(path: Path):
    from crmkit.world.world import load_world

    return load_world(path)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing: is {path.parent.parent} a folder built by `crmkit assignment build`?") from None
    except ValueError as error:
        raise ConfigError(f"{path} is not valid JSON: {error}") from None
