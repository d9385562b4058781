"""The checks in a student's assignment notebook: the answer's form and known mistakes, never its value.

In a graded assignment the student's kernel must hold no answer a student could read or
call: anything the checks can compare with, a student can print, and a check that says
"12 % too high" hands out the answer by bisection. So :class:`AssignmentChecks` keeps only
each question's *form* (a single number, or a Series of so many values labelled by what)
and the values of the known typical mistakes (wrong answers, not the right one). A check
says at once when the form is wrong or a known mistake was made, and otherwise records the
answer: the grader (:mod:`crmkit.teach.grading`) grades every value from the instructor's
key. Every check writes the answers so far to ``answers.json``, whole or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmkit._files import write_atomically
from crmkit.errors import ConfigError, describe_allowed
from crmkit.teach.answer_codec import encode_answer
from crmkit.teach.describe import kind_of, labels_kind
from crmkit.teach.diagnose import compare
from crmkit.teach.exercise_set import snapshot
from crmkit.teach.exercises import RECORDED_MESSAGE
from crmkit.teach.results import Result
from crmkit.teach.views import WorldView

__all__ = ["AssignmentChecks", "Form", "GRADED_MESSAGE"]

GRADED_MESSAGE = ("Your answer has the form the question asks for ({form}) and is recorded; your instructor "
                  "grades its values from the answer key.")
# Verdict details that speak of the answer's form only (type, columns, repeated labels), never of values.
_FORM_DETAILS = {"expected_kind", "answer_kind", "answer_type", "missing_columns", "extra_columns",
                 "index_as_column", "duplicated_columns", "duplicated_labels"}


@dataclass(frozen=True)
class Form:
    """What an answer looks like, without its values: kind, size, index name and label kind, columns.

    >>> Form.of(pd.Series([1, 2], index=pd.Index(["a", "b"], name="month"))).describe()
    "a Series of 2 values, one per 'month'"
    >>> Form.of(3.5).describe()
    'a single number'
    """

    kind: str
    numeric: bool = True
    size: int = 1
    index_name: object = None
    labels: str = ""
    columns: tuple = ()

    @classmethod
    def of(cls, value) -> Form:
        """The form of ``value`` (a scalar, a Series or a DataFrame)."""
        kind = kind_of(value)
        if kind == "scalar":
            return cls(kind, numeric=compare(0.0, value).status != "wrong_form")
        return cls(kind, size=len(value), index_name=value.index.name, labels=labels_kind(value.index),
                   columns=tuple(value.columns) if kind == "frame" else ())

    def describe(self) -> str:
        """The form in words."""
        if self.kind == "scalar":
            return "a single number" if self.numeric else "a single value"
        per = f"one per {self.index_name!r}" if self.index_name is not None else f"labelled by {self.labels}"
        what = "Series" if self.kind == "series" else "table"
        return f"a {what} of {self.size} {'values' if self.kind == 'series' else 'rows'}, {per}"

    def skeleton(self):
        """An empty answer of this form: what :func:`compare` needs to speak of type and columns."""
        if self.kind == "scalar":
            return 0.0 if self.numeric else ""
        index = pd.Index([], name=self.index_name)
        return pd.Series([], index=index, dtype=float) if self.kind == "series" else pd.DataFrame(columns=list(self.columns), index=index)

    def problem(self, answer) -> str | None:
        """What is wrong with the form of ``answer``, in a sentence, or None."""
        verdict = compare(self.skeleton(), answer)
        if verdict.status == "no_answer" or (verdict.status == "wrong_form" and _FORM_DETAILS & set(verdict.detail)):
            return verdict.message
        if self.kind == "scalar":
            return None
        if len(answer) != self.size:
            return f"Your answer has {len(answer)} entries; the question asks for {self.describe()}."
        yours = labels_kind(answer.index)
        if yours != self.labels:
            return f"Your labels are {yours}; the question asks for {self.describe()} (labels that are {self.labels})."
        return None


class AssignmentChecks:
    """A student's checks: form and known mistakes on the observed tables; the values are graded by the instructor.

    Parameters
    ----------
    world : crmkit.World
        The student's world (only its observed tables are read).
    exercises : iterable of Exercise
        The assignment's questions.
    assignment : str
        The assignment's name, written into ``answers_file``.
    answers_file : path
        Where each check writes the answers so far.
    """

    def __init__(self, world, exercises, *, assignment: str = "", answers_file: str | Path = "answers.json"):
        self._view = WorldView(world, "observed")
        self._questions = {e.name: e for e in exercises}
        self._forms: dict[str, Form] = {}
        self._mistake_values: dict[str, dict] = {}
        self._records: dict[str, tuple] = {}  # name -> (answer, result, attempts)
        self.assignment, self.answers_file = assignment, Path(answers_file)

    @property
    def names(self) -> tuple[str, ...]:
        """The questions' names, in order."""
        return tuple(self._questions)

    def question(self, name: str) -> str:
        """The text of question ``name``."""
        return self._questions[self._known(name)].question

    def check(self, name: str, answer) -> Result:
        """Check the form of ``answer`` and the known mistakes, record it and write ``answers_file``."""
        exercise = self._questions[self._known(name)]
        result = self._judge(exercise, answer)
        attempts = self._records.get(name, (None, None, 0))[2] + 1
        self._records[name] = (snapshot(answer), result, attempts)
        self.save()
        return result

    def answer(self, name: str):
        """The answer last checked for ``name`` (as it was then), or None."""
        return snapshot(self._records.get(self._known(name), (None,))[0])

    def results(self) -> pd.DataFrame:
        """One row per question: exercise, status, correct, mistake, message, attempts."""
        rows = []
        for name in self._questions:
            _answer, result, attempts = self._records.get(name, (None, None, 0))
            record = result.as_record() if result else {"exercise": name, "status": "not_attempted", "correct": False,
                                                        "mistake": None, "message": ""}
            rows.append({**record, "attempts": attempts})
        return pd.DataFrame(rows, columns=["exercise", "status", "correct", "mistake", "message", "attempts"])

    def save(self) -> Path:
        """Write the answers and the messages shown to ``answers_file``."""
        payload = {"format": "crmkit-answers/1", "assignment": self.assignment,
                   "answers": {n: encode_answer(r[0]) for n, r in self._records.items()},
                   "messages": {n: r[1].message for n, r in self._records.items()}}
        return write_atomically(self.answers_file, json.dumps(payload, allow_nan=False))

    def summary(self) -> str:
        """Progress in one line."""
        return f"{len(self._records)} of {len(self._questions)} questions answered"

    def _judge(self, exercise, answer) -> Result:
        if exercise.uses_truth:
            return Result(exercise.name, None, "recorded", RECORDED_MESSAGE)
        mistakes = self._mistakes(exercise)
        for mistake in exercise.mistakes:  # first: a known mistake's message names the wrong step
            if mistake.name in mistakes and exercise.same_answer(mistakes[mistake.name], answer, for_mistake=True):
                return Result(exercise.name, False, "mistake", mistake.message, mistake=mistake.name)
        form = self._form(exercise)
        problem = form.problem(answer)
        if problem is not None:
            return Result(exercise.name, False, "no_answer" if answer is None else "wrong_form", problem)
        return Result(exercise.name, None, "recorded", GRADED_MESSAGE.format(form=form.describe()))

    def _form(self, exercise) -> Form:
        # The reference runs once, here; only its form is kept, so the kernel holds no answer.
        if exercise.name not in self._forms:
            self._forms[exercise.name] = Form.of(exercise.expected(self._view))
        return self._forms[exercise.name]

    def _mistakes(self, exercise) -> dict:
        if exercise.name not in self._mistake_values:
            self._mistake_values[exercise.name] = exercise.mistake_answers(self._view)
        return self._mistake_values[exercise.name]

    def _known(self, name: str) -> str:
        if name not in self._questions:
            raise ConfigError(f"question {name!r} is not in this assignment: {describe_allowed(self._questions)}")
        return name

    def __len__(self) -> int:
        return len(self._questions)

    def __contains__(self, name) -> bool:
        return name in self._questions

    def __repr__(self) -> str:
        return f"<AssignmentChecks {self.assignment}: {self.summary()}>"

    def _repr_html_(self) -> str:
        return self.results().drop(columns="message").to_html(index=False)
