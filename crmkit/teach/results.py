"""The outcome of one check: a frozen :class:`Result` that shows itself in Jupyter.

A result is both feedback (a short green or amber box under the learner's cell) and a
record a grader can keep: the exercise, whether it was right, which known mistake it
matched and the exact message the learner saw.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["Result", "STATUSES"]

#: Every status a result can have, with what it means (also the grader's vocabulary).
STATUSES = {
    "correct": "the answer matches the reference",
    "mistake": "the answer matches a known typical mistake; the message names the wrong step",
    "wrong_form": "wrong type, shape, index or columns",
    "wrong_value": "right form, but values differ",
    "partial": "partly right: a share of the points (a forecast scored against the naive forecast)",
    "no_answer": "the answer was None",
    "recorded": "not checked here: scored from the instructor's answer key",
    "for_instructor": "not graded automatically: the instructor grades it by the rubric in the message (0 points until then)",
}

_STYLE = {  # background, border, symbol, heading
    True: ("#e8f5e9", "#2e7d32", "\u2714", "Correct"),
    False: ("#fff8e1", "#f9a825", "\u2716", "Not yet"),
    None: ("#e3f2fd", "#1565c0", "\u2709", "Recorded"),
}


@dataclass(frozen=True, repr=False)
class Result:
    """What a check found.

    Attributes
    ----------
    exercise : str
        The exercise's name.
    correct : bool or None
        True or False; None when the answer could not be checked here (``status ==
        "recorded"``: in an assignment a question scored against the truth is graded
        from the instructor's key).
    status : str
        One of :data:`STATUSES`.
    message : str
        The feedback the learner sees.
    mistake : str or None
        The name of the known mistake the answer matched.
    detail : mapping
        Figures behind the message (relative difference, extra labels...), read-only.

    Examples
    --------
    >>> r = Result("aov", True, "correct", "Correct.")
    >>> str(r)
    '\u2714 aov: Correct.'
    >>> r.as_record()["status"]
    'correct'
    """

    exercise: str
    correct: bool | None
    status: str
    message: str
    mistake: str | None = None
    detail: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(STATUSES)}")
        if not isinstance(self.detail, MappingProxyType):
            object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))

    def __str__(self) -> str:
        return f"{_STYLE[self.correct][2]} {self.exercise}: {self.message}"

    __repr__ = __str__  # what a console or a notebook without HTML shows the learner

    def as_record(self) -> dict:
        """The result as a flat dict (one row of :meth:`ExerciseSet.results`)."""
        return {"exercise": self.exercise, "status": self.status, "correct": self.correct,
                "mistake": self.mistake, "message": self.message}

    def _repr_markdown_(self) -> str:
        symbol, heading = _STYLE[self.correct][2:]
        return f"**{symbol} {heading}** ({self.exercise}): {self.message}"

    def _repr_html_(self) -> str:
        background, border, symbol, heading = _STYLE[self.correct]
        return (f'<div style="background:{background};border-left:4px solid {border};padding:6px 10px;'
                f'margin:4px 0;color:#212121;font-family:sans-serif"><b>{symbol} {heading}</b> '
                f'<span style="color:#616161">({html.escape(self.exercise)})</span>: '
                f"{html.escape(self.message)}</div>")
