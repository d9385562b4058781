"""A written memo in a graded assignment: what a machine can check, and what it cannot.

A memo's argument cannot be graded honestly by a program. :class:`MemoExercise` grades
only what can be checked: the required sections, the length, the number of sources, and
whether the memo quotes the figures of the student's own world (parts of equal weight,
``detail["score"]`` is the share passed). :class:`RubricExercise` grades nothing: it gives
0 points with the status ``"for_instructor"`` and puts the rubric in the feedback, so the
instructor grades the content and adds those points.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from crmkit.teach.exercises import Exercise
from crmkit.teach.results import Result

__all__ = ["MemoExercise", "RubricExercise", "rubric_from_markdown", "sections", "quoted_percentages"]

_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*$", re.MULTILINE)
_ENTRY = re.compile(r"^\s*(?:[-*+]|\d+[.)]|\[[^\]]+\])\s+\S", re.MULTILINE)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")


def sections(text: str) -> list[tuple[str, str]]:
    """``(heading, body)`` of every ``##`` or ``###`` section of a Markdown text, in order.

    >>> sections("## A\\none\\n### B\\ntwo")
    [('A', 'one'), ('B', 'two')]
    """
    marks = list(_HEADING.finditer(text))
    return [(m.group(2), text[m.end():(marks[i + 1].start() if i + 1 < len(marks) else len(text))].strip())
            for i, m in enumerate(marks)]


def quoted_percentages(text: str) -> list[float]:
    """Every percentage written in ``text`` (``41.3%`` or ``41.3 %``), as a number.

    >>> quoted_percentages("top decile 41.3 % and 12%")
    [41.3, 12.0]
    """
    return [float(m.group(1)) for m in _PERCENT.finditer(text)]


@dataclass(frozen=True)
class MemoExercise(Exercise):
    """A memo graded on its structure and evidence only.

    ``required`` are heading phrases each needed ``copies`` times (once per company),
    ``closing`` the heading of the final section, ``words`` the (low, high) length outside the
    ``sources_heading`` sections, each of which needs ``min_sources`` entries; ``evidence(view)``
    gives the shares (0-1) the closing section must quote as percentages with one decimal.
    """

    required: tuple = ()
    copies: int = 1
    closing: str = ""
    words: tuple = (0, 10**9)
    sources_heading: str = "Sources"
    min_sources: int = 2
    evidence: Callable | None = field(default=None)

    def judge(self, answer, expected, mistake_answers, view) -> Result:
        if not isinstance(answer, str) or not answer.strip():
            return Result(self.name, False, "wrong_form", "Your answer is not a memo: give it as one text (a str of "
                          "Markdown).")
        found = sections(answer)
        parts = [self._structure(found), self._closing(found), self._length(answer, found), self._sources(found)]
        if self.evidence is not None:
            parts.append(self._quotes(found, view))
        score = sum(ok for ok, _ in parts) / len(parts)
        message = (" ".join(f"{'[ok]' if ok else '[missing]'} {text}" for ok, text in parts)
                   + " Only the structure and evidence are graded here; the content is your instructor's to grade.")
        status = "correct" if score == 1 else "partial" if score > 0 else "wrong_value"
        return Result(self.name, score == 1, status, message, detail={"score": score})

    def _structure(self, found) -> tuple[bool, str]:
        headings = [h.casefold() for h, _ in found]
        short = [p for p in self.required if sum(p.casefold() in h for h in headings) < self.copies]
        return not short, (f"Every required section appears {self.copies} times." if not short
                           else f"The section {short[0]!r} appears fewer than {self.copies} times.")

    def _closing(self, found) -> tuple[bool, str]:
        ok = any(self.closing.casefold() in h.casefold() and body for h, body in found)
        return ok, f"A final section {self.closing!r}." if ok else f"No (non-empty) section {self.closing!r}."

    def _length(self, text: str, found) -> tuple[bool, str]:
        sources = sum(len(body.split()) for h, body in found if self.sources_heading.casefold() in h.casefold())
        count = len(text.split()) - sources
        low, high = self.words
        return low <= count <= high, f"{count} words outside the sources (allowed {low}-{high})."

    def _sources(self, found) -> tuple[bool, str]:
        lists = [len(_ENTRY.findall(body)) for h, body in found if self.sources_heading.casefold() in h.casefold()]
        ok = len(lists) >= self.copies and min(lists) >= self.min_sources
        return ok, (f"Each {self.sources_heading!r} section lists at least {self.min_sources} sources." if ok else
                    f"Every company needs a {self.sources_heading!r} section with at least {self.min_sources} entries.")

    def _quotes(self, found, view) -> tuple[bool, str]:
        try:
            shares = self.evidence(view)
        except Exception:  # the figures cannot be computed on this world: say so rather than fail
            return False, "Your world's figures could not be computed."
        closing = " ".join(body for h, body in found if self.closing.casefold() in h.casefold())
        quoted = quoted_percentages(closing)
        missing = [name for name, share in shares.items() if not any(abs(q - 100 * share) <= 0.051 for q in quoted)]
        return not missing, ("It quotes your world's figures as percentages." if not missing else
                             f"{self.closing!r} does not quote your world's {missing[0]} (as a percentage, one decimal).")


@dataclass(frozen=True)
class RubricExercise(Exercise):
    """A part only the instructor can grade: 0 points here, the rubric in the feedback."""

    rubric: tuple = ()  # (criterion, points) pairs
    for_instructor: bool = True

    def judge(self, answer, expected, mistake_answers, view) -> Result:
        total = sum(points for _, points in self.rubric)
        criteria = "; ".join(f"{name} ({points:g})" for name, points in self.rubric)
        handed = "A memo was handed in" if isinstance(answer, str) and answer.strip() else "No memo was handed in"
        return Result(self.name, None, "for_instructor", f"{handed}. Not graded automatically: your instructor grades "
                      f"its content with the rubric (out of {total:g}, scaled to this question's points): {criteria}.",
                      detail={"score": 0.0})


def rubric_from_markdown(text: str) -> tuple[tuple[str, float], ...]:
    """The ``(criterion, points)`` rows of the first Markdown table with a ``points`` column.

    >>> rubric_from_markdown("| criterion | points | x |\\n|---|---|---|\\n| Sources | 5 | all |")
    (('Sources', 5.0),)
    """
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in text.splitlines()
            if line.strip().startswith("|")]
    header = next(i for i, row in enumerate(rows) if "points" in [c.casefold() for c in row])
    column = [c.casefold() for c in rows[header]].index("points")
    return tuple((row[0], float(row[column])) for row in rows[header + 2:] if len(row) > column
                 and row[column].replace(".", "", 1).isdigit())
