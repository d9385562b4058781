"""Exercises declared as data: a question, a reference computation and the typical mistakes.

An :class:`Exercise` computes its expected answer on the learner's own world with
``reference(world)``. Each :class:`Mistake` reproduces one typical wrong answer (a sum
instead of a mean, the wrong date cut-off, the wrong grouping...) and carries the message
that names the wrong step. A check compares the answer with the reference first, then with
each known mistake in order, and otherwise says what differs (see
:mod:`crmkit.teach.diagnose`): never only "wrong".

Exercises hold no state; :class:`crmkit.teach.ExerciseSet` binds them to a world and keeps
the results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crmkit.errors import ConfigError
from crmkit.teach.describe import kind_of
from crmkit.teach.diagnose import SUPPORTED_ANSWERS, Verdict, compare
from crmkit.teach.results import Result
from crmkit.teach.views import TruthWithheld, WorldView

__all__ = ["Mistake", "Exercise", "as_view"]

RECORDED_MESSAGE = ("Your answer is recorded. This question is scored against what really happened, "
                    "which only your instructor's answer key knows.")


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and the message that names the wrong step.

    Give exactly one of ``answer`` (a function of the world returning the wrong answer the
    mistake produces, compared with the learner's answer using the exercise's tolerance)
    or ``matches`` (a test ``matches(answer, world) -> bool`` for mistakes with many
    possible values; an exception inside it counts as "no match", since learners' answers
    can be anything).

    Examples
    --------
    >>> m = Mistake("sum", "You summed the amounts: average them with .mean().", answer=lambda w: 30.0)
    >>> m.name
    'sum'
    """

    name: str
    message: str
    answer: Callable | None = None
    matches: Callable | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise ConfigError(f"Mistake name = {self.name!r}: must be a non-empty text (e.g. 'sum_instead_of_mean')")
        if not isinstance(self.message, str) or not self.message.strip():
            raise ConfigError(f"Mistake {self.name!r}: message must be a non-empty text naming the wrong step")
        given = [f for f in (self.answer, self.matches) if f is not None]
        if len(given) != 1 or not callable(given[0]):
            raise ConfigError(f"Mistake {self.name!r}: give exactly one function, answer=f(world) or "
                              "matches=f(answer, world)")


@dataclass(frozen=True)
class Exercise:
    """A question whose answer is computed on the learner's own world.

    Parameters
    ----------
    name : str
        A short unique id (``"aov_2025"``); results and the grader use it.
    question : str
        The question as the learner reads it (Markdown).
    reference : callable
        ``reference(world) -> answer``: a single value, a Series or a DataFrame. It receives
        a :class:`~crmkit.teach.views.WorldView`, read like a world.
    mistakes : sequence of Mistake
        Typical wrong answers, tried in order; names and messages must be distinct.
    rtol, atol : float
        Numbers match when ``|answer - expected| <= atol + rtol * |expected|``.
    ordered : bool
        Whether the order of the entries matters (a top-10 list).
    uses_truth : bool
        Whether ``reference`` reads ``world.truth``. Such an exercise is checked instantly
        only with ``source="truth"`` (lessons); with ``source="observed"`` (assignments) the
        answer is recorded and graded from the instructor's key.
    hint : str
        Added to messages for wrong answers that match no known mistake.
    mistake_rtol : float
        The relative tolerance for matching a known mistake (the smaller of it and ``rtol``
        is used). Tighter than ``rtol`` on purpose: a wrong answer that only happens to lie
        near a mistake's value must not be told it made that mistake; 1e-4 still matches a
        mistake's value rounded to cents.

    Examples
    --------
    >>> import types, pandas as pd
    >>> world = types.SimpleNamespace(tables={"orders": pd.DataFrame({"net_amount": [10.0, 20.0]})},
    ...                               observed_until=pd.Timestamp("2025-12-31"))
    >>> mean = Exercise("mean", "Average order value?", reference=lambda w: w.orders.net_amount.mean(),
    ...                 mistakes=[Mistake("sum", "You summed instead of averaging.", answer=lambda w: w.orders.net_amount.sum())])
    >>> mean.check(15.0, world, source="observed").correct
    True
    >>> print(mean.check(30.0, world, source="observed"))
    \u2716 mean: You summed instead of averaging.
    >>> print(mean.check(16.5, world, source="observed").message)
    Your value 16.50 is 10.0% higher than the expected one.
    """

    name: str
    question: str
    reference: Callable
    mistakes: tuple = field(default=())
    rtol: float = 1e-3
    atol: float = 1e-6
    ordered: bool = False
    uses_truth: bool = False
    hint: str = ""
    mistake_rtol: float = 1e-4

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise ConfigError(f"Exercise name = {self.name!r}: must be a non-empty text")
        if not callable(self.reference):
            raise ConfigError(f"Exercise {self.name!r}: reference must be a function reference(world) -> answer")
        object.__setattr__(self, "mistakes", tuple(self.mistakes))
        for mistake in self.mistakes:
            if not isinstance(mistake, Mistake):
                raise ConfigError(f"Exercise {self.name!r}: mistakes must be Mistake objects, got {type(mistake).__name__}")
        for attribute in ("name", "message"):
            values = [getattr(m, attribute) for m in self.mistakes]
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ConfigError(f"Exercise {self.name!r}: two mistakes share the {attribute} {repeated[0]!r}; "
                                  "each mistake needs its own")
        for tolerance in ("rtol", "atol", "mistake_rtol"):
            value = getattr(self, tolerance)
            if not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"Exercise {self.name!r}: {tolerance} = {value!r}, must be a number >= 0")

    def expected(self, world, *, source: str | None = None):
        """The reference answer on ``world`` (a World with ``source``, or a WorldView)."""
        view = as_view(world, source)
        value = self._run(self.reference, view, "reference")
        if kind_of(value) == "other":
            raise ConfigError(f"Exercise {self.name!r}: reference returned a {type(value).__name__}; "
                              f"it must return {SUPPORTED_ANSWERS}")
        return value

    def mistake_answers(self, world, *, source: str | None = None) -> dict:
        """The wrong answer each value-type mistake produces on ``world``, by mistake name."""
        view = as_view(world, source)
        return {m.name: self._run(m.answer, view, f"mistake {m.name!r}") for m in self.mistakes if m.answer is not None}

    def check(self, answer, world, *, source: str | None = None) -> Result:
        """Check ``answer`` on ``world`` and return a :class:`Result` (nothing is recorded)."""
        view = as_view(world, source)
        if self.uses_truth and view.source == "observed":
            return Result(self.name, None, "recorded", RECORDED_MESSAGE)
        return self.judge(answer, self.expected(view), self.mistake_answers(view), view)

    def judge(self, answer, expected, mistake_answers: dict, view: WorldView) -> Result:
        """Compare ``answer`` with precomputed reference and mistake answers (for callers that cache them)."""
        verdict = _safe_compare(expected, answer, self.rtol, self.atol, self.ordered)
        if verdict.ok:
            return Result(self.name, True, "correct", "Correct.")
        if verdict.status == "no_answer":
            return Result(self.name, False, verdict.status, verdict.message)
        for mistake in self.mistakes:
            if self._matches(mistake, answer, mistake_answers, view):
                return Result(self.name, False, "mistake", mistake.message, mistake=mistake.name)
        message = verdict.message + (f" Hint: {self.hint}" if self.hint else "")
        return Result(self.name, False, verdict.status, message, detail=verdict.detail)

    def same_answer(self, expected, answer, for_mistake: bool = False) -> bool:
        """Whether ``answer`` matches ``expected`` within this exercise's tolerance (the
        mistake tolerance with ``for_mistake=True``)."""
        rtol = min(self.rtol, self.mistake_rtol) if for_mistake else self.rtol
        return _safe_compare(expected, answer, rtol, self.atol, self.ordered).ok

    def _matches(self, mistake: Mistake, answer, mistake_answers: dict, view: WorldView) -> bool:
        if mistake.answer is not None:
            return self.same_answer(mistake_answers[mistake.name], answer, for_mistake=True)
        try:
            return bool(mistake.matches(answer, view))
        except Exception:  # a learner's answer can be anything; a test that cannot read it does not match
            return False

    def _run(self, function: Callable, view: WorldView, what: str):
        """Call an exercise author's function; turn its failure into a clear error naming the exercise."""
        try:
            return function(view)
        except TruthWithheld as error:
            if self.uses_truth:
                raise
            raise ConfigError(f"Exercise {self.name!r}: the {what} reads world.truth but the exercise does not say "
                              f"uses_truth=True ({error})") from error
        except Exception as error:
            raise ConfigError(f"Exercise {self.name!r}: the {what} failed on this world: "
                              f"{type(error).__name__}: {error}") from error

    def _repr_markdown_(self) -> str:
        return f"**Exercise `{self.name}`.** {self.question}"

    def __repr__(self) -> str:
        return f"<Exercise {self.name!r}: {self.question} ({len(self.mistakes)} known mistake{'s' * (len(self.mistakes) != 1)})>"


def _safe_compare(expected, answer, rtol: float, atol: float, ordered: bool) -> Verdict:
    """:func:`compare`, but an answer too odd to compare gets a message instead of a traceback."""
    try:
        return compare(expected, answer, rtol=rtol, atol=atol, ordered=ordered)
    except Exception as error:  # learners' answers can be anything (unhashable labels, mixed types...)
        return Verdict(False, "wrong_form", f"Your answer could not be compared with the expected one "
                       f"({type(error).__name__}: {error}); the question asks for {SUPPORTED_ANSWERS}.")


def as_view(world, source: str | None) -> WorldView:
    """Wrap ``world`` in a :class:`WorldView` for ``source``; a view passes through.

    >>> as_view(object(), None)
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: source is required with a world: 'truth' (lessons) or 'observed' (assignments)
    """
    if isinstance(world, WorldView):
        if source is not None and source != world.source:
            raise ConfigError(f"source = {source!r} but the view given has source {world.source!r}")
        return world
    if source is None:
        raise ConfigError("source is required with a world: 'truth' (lessons) or 'observed' (assignments)")
    return WorldView(world, source)
