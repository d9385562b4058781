"""Exercises with instant, specific feedback, and student editions of notebooks.

Lesson writers declare an :class:`Exercise` (a question, a ``reference(world)`` computation
and the typical :class:`Mistake` s, each with the message naming the wrong step) and bind
their exercises to the learner's world with an :class:`ExerciseSet`, choosing what checks
may read: ``source="truth"`` in lessons, ``source="observed"`` in graded assignments.

>>> import crmkit.teach as teach
>>> sorted(teach.SOURCES)
['observed', 'truth']

:mod:`crmkit.teach.editions` builds student editions (solutions removed) and collapses
solution cells for the instructor.
"""

from __future__ import annotations

from crmkit.teach.diagnose import Verdict, compare
from crmkit.teach.editions import (
    CODE_STUB,
    INSTRUCTOR_TAG,
    TEXT_STUB,
    clear_solutions,
    collapse_solutions,
    find_leaks,
    solution_cells,
    student_edition,
)
from crmkit.teach.exercise_set import ExerciseSet
from crmkit.teach.exercises import Exercise, Mistake
from crmkit.teach.notebook_files import build_student_editions, collapse_solutions_in_files, read_notebook, write_notebook
from crmkit.teach.results import STATUSES, Result
from crmkit.teach.views import SOURCES, TruthWithheld, WorldView

from crmkit.teach import lessons  # noqa: E402 - `ck.teach.lessons.checks(topic, world)` in every lesson

__all__ = [
    "Exercise", "Mistake", "ExerciseSet", "Result", "STATUSES", "SOURCES", "WorldView", "TruthWithheld",
    "compare", "Verdict",
    "student_edition", "build_student_editions", "clear_solutions", "collapse_solutions", "find_leaks",
    "solution_cells", "collapse_solutions_in_files", "read_notebook", "write_notebook",
    "CODE_STUB", "TEXT_STUB", "INSTRUCTOR_TAG",
]
