"""A notebook's exercises bound to one world: checks, the last result of each, a results table.

An :class:`ExerciseSet` is the explicit record of a learner's progress (nothing global):
each check keeps the last result and answer per exercise and counts attempts, and
:meth:`ExerciseSet.results` exports them as a table for a grader. Reference and mistake
answers are computed once per exercise, on first use.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from crmkit.errors import ConfigError, describe_allowed
from crmkit.teach.exercises import RECORDED_MESSAGE, Exercise
from crmkit.teach.results import Result
from crmkit.teach.solutions import WorkedSolution
from crmkit.teach.views import TruthWithheld, WorldView

__all__ = ["ExerciseSet"]

RESULT_COLUMNS = ["exercise", "status", "correct", "mistake", "message", "attempts"]


class ExerciseSet:
    """Exercises checked on one world, with a record of the results.

    Parameters
    ----------
    world : crmkit.World
        The learner's world.
    exercises : iterable of Exercise
        Names must be distinct.
    source : {"truth", "observed"}
        What checks may read: the world's truth (lessons, where the learner owns the world)
        or only its observed tables (assignments; exercises with ``uses_truth=True`` are then
        recorded, not checked, and graded from the instructor's key). No default, on purpose.
    solutions : mapping of str to str, optional
        Worked solution code by exercise name, shown by :meth:`solution` after a first check.

    Examples
    --------
    >>> import types
    >>> world = types.SimpleNamespace(tables={"orders": pd.DataFrame({"net_amount": [10.0, 20.0]})},
    ...                               observed_until=pd.Timestamp("2025-12-31"))
    >>> mean = Exercise("mean", "Average order value?", reference=lambda w: w.orders.net_amount.mean())
    >>> checks = ExerciseSet(world, [mean], source="observed")
    >>> checks.check("mean", 14.0).status
    'wrong_value'
    >>> checks.check("mean", 15).correct
    True
    >>> checks.results()[["exercise", "status", "attempts"]].to_dict("records")
    [{'exercise': 'mean', 'status': 'correct', 'attempts': 2}]
    """

    def __init__(self, world, exercises: Iterable[Exercise], *, source: str, solutions: Mapping[str, str] | None = None):
        self._view = WorldView(world, source)
        self._exercises: dict[str, Exercise] = {}
        for exercise in exercises:
            if not isinstance(exercise, Exercise):
                raise ConfigError(f"exercises: expected Exercise objects, got {type(exercise).__name__}")
            if exercise.name in self._exercises:
                raise ConfigError(f"exercises: the name {exercise.name!r} is used twice; names must be distinct")
            self._exercises[exercise.name] = exercise
        needs_truth = [e.name for e in self._exercises.values() if e.uses_truth]
        if source == "truth" and needs_truth and not self._view.has_truth:
            raise ConfigError(f"source='truth' but this world holds no truth tables, which {needs_truth[0]!r} "
                              "needs; load the world with its truth, or use source='observed'")
        self._expected: dict[str, object] = {}
        self._mistake_answers: dict[str, dict] = {}
        self._last: dict[str, Result] = {}
        self._answers: dict[str, object] = {}
        self._attempts: dict[str, int] = {}
        self._solutions = dict(solutions or {})

    @property
    def source(self) -> str:
        """``"truth"`` or ``"observed"``."""
        return self._view.source

    @property
    def names(self) -> tuple[str, ...]:
        """The exercises' names, in order."""
        return tuple(self._exercises)

    def __getitem__(self, name: str) -> Exercise:
        return self._exercises[self._known(name)]

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises.values())

    def __len__(self) -> int:
        return len(self._exercises)

    def __contains__(self, name) -> bool:
        return name in self._exercises

    def check(self, name: str, answer) -> Result:
        """Check ``answer`` to exercise ``name``, record the result and return it."""
        exercise = self[name]
        if exercise.uses_truth and self.source == "observed":
            result = Result(name, None, "recorded", RECORDED_MESSAGE)
        else:
            result = exercise.judge(answer, self._reference(name), self._mistakes(name), self._view)
        self._last[name] = result
        self._answers[name] = snapshot(answer)
        self._attempts[name] = self._attempts.get(name, 0) + 1
        return result

    def expected(self, name: str):
        """The reference answer to ``name`` on this world (a copy)."""
        return copy.deepcopy(self._reference(name))

    def solution(self, name: str) -> WorkedSolution:
        """The worked solution to ``name``, once an answer to it was checked in this set.

        Before the first check it only says how to try; ``str()`` of the result is the code.
        """
        self._known(name)
        code = self._solutions.get(name)
        if code is None:
            return WorkedSolution(name, None, f"No worked solution to {name!r} ships with the kit; ask your instructor.")
        if not self._attempts.get(name):
            return WorkedSolution(name, None, f"Try {name!r} first: check an answer with checks.check({name!r}, "
                                              "your_answer). Its worked solution opens after that.")
        return WorkedSolution(name, code)

    def answer_key(self) -> dict:
        """Every reference answer this source can compute, by exercise name (the instructor's key
        when ``source="truth"``)."""
        return {name: self.expected(name) for name, exercise in self._exercises.items()
                if not (exercise.uses_truth and self.source == "observed")}

    def last(self, name: str) -> Result | None:
        """The last result of ``name``, or None before the first check."""
        return self._last.get(self._known(name))

    def answer(self, name: str):
        """The answer last checked for ``name`` (as it was then), or None."""
        return snapshot(self._answers.get(self._known(name)))

    def results(self) -> pd.DataFrame:
        """One row per exercise: its last result (status ``not_attempted`` before any check).

        Columns: exercise, status, correct, mistake, message (the exact feedback shown),
        attempts.
        """
        rows = []
        for name in self._exercises:
            last = self._last.get(name)
            record = last.as_record() if last is not None else {"exercise": name, "status": "not_attempted", "correct": False,
                                                    "mistake": None, "message": ""}
            rows.append({**record, "attempts": self._attempts.get(name, 0)})
        return pd.DataFrame(rows, columns=RESULT_COLUMNS).astype({"correct": "boolean", "attempts": "int64"})

    def validate(self) -> pd.DataFrame:
        """Check the mistake catalogue on this world: each value-type mistake must produce an
        answer distinct from the reference and from the earlier mistakes, or its message
        could never be shown. Returns one row per mistake (exercise, mistake,
        distinguishable, same_as); raises :class:`ConfigError` naming the first clash.
        """
        rows = []
        for name, exercise in self._exercises.items():
            if exercise.uses_truth and self.source == "observed":
                continue
            reference, earlier = self._reference(name), {}
            for mistake, value in self._mistakes(name).items():
                clash = "the reference" if exercise.same_answer(reference, value) else next(
                    (label for label, other in earlier.items() if exercise.same_answer(other, value, for_mistake=True)), None)
                rows.append({"exercise": name, "mistake": mistake, "distinguishable": clash is None, "same_as": clash})
                earlier[f"mistake {mistake!r}"] = value
        table = pd.DataFrame(rows, columns=["exercise", "mistake", "distinguishable", "same_as"])
        clashes = table[~table["distinguishable"].astype(bool)]
        if len(clashes):
            first = clashes.iloc[0]
            raise ConfigError(f"Exercise {first['exercise']!r}: mistake {first['mistake']!r} gives the same answer as "
                              f"{first['same_as']} on this world, so its message could never be shown")
        return table

    def summary(self) -> str:
        """Progress in one line: ``'2 of 3 exercises correct'``; answers recorded for grading
        against the truth (not checkable here) are counted apart, as in
        ``'3 correct, 1 recorded for grading'``, since they are neither right nor wrong yet."""
        correct = sum(1 for r in self._last.values() if r.correct is True)
        recorded = sum(1 for r in self._last.values() if r.status == "recorded")
        if not recorded:
            return f"{correct} of {len(self)} exercises correct"
        checkable = len(self) - recorded
        done = f"{correct} correct" if correct == checkable else f"{correct} of {checkable} checked exercises correct"
        return f"{done}, {recorded} recorded for grading"

    def _reference(self, name: str):
        if name not in self._expected:
            exercise = self[name]
            if exercise.uses_truth and self.source == "observed":
                raise TruthWithheld(f"exercise {name!r} is scored against the truth, which this set cannot read "
                                    "(source='observed'); its answer comes from the instructor's key")
            self._expected[name] = exercise.expected(self._view)
        return self._expected[name]

    def _mistakes(self, name: str) -> dict:
        if name not in self._mistake_answers:
            self._mistake_answers[name] = self[name].mistake_answers(self._view)
        return self._mistake_answers[name]

    def _known(self, name: str) -> str:
        if name not in self._exercises:
            raise ConfigError(f"exercise {name!r} is not in this set: {describe_allowed(self._exercises)}")
        return name

    def __repr__(self) -> str:
        return f"<ExerciseSet source={self.source!r}: {', '.join(self._exercises)}; {self.summary()}>"

    def _repr_html_(self) -> str:
        return self.results().drop(columns="message").to_html(index=False)


def snapshot(answer):
    """A copy of an answer, so later changes to the learner's variable do not rewrite the record."""
    try:
        return copy.deepcopy(answer)
    except Exception:  # an object that cannot be copied is kept as it is
        return answer
