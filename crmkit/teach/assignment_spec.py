"""What an assignment is: its case, its questions and their points, and its notebook.

An :class:`Assignment` is either written in Python with a notebook file of its own (the
first one, ``rfm-basics``) or declared as data: a folder ``crmkit/teach/data/assignments/
<name>/`` holding ``assignment.yaml`` (see :mod:`crmkit.teach.assignment_folders`), from
which :meth:`Assignment.template` writes the notebook: a title and the common
introduction, a set-up cell, then per question its text, a solution region and the check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from crmkit.errors import ConfigError

__all__ = ["Assignment", "INTRO"]

#: The first paragraphs of every generated notebook: what the student's world is and how to hand in.
INTRO = (
    "This notebook works on **your own** synthetic CRM world, in the folder `world/` beside it: nobody else has "
    "the same customers, so nobody else has the same answers. All data are synthetic.\n\n"
    "Run the cells from the top. After each question, `checks.check(...)` tells you at once when your answer has "
    "the wrong form (a list instead of a Series, the wrong labels...) or matches a typical mistake, and names the "
    "step. It does not know the right values: your instructor grades them from the answer key.\n\n"
    "Every check also records your answer in `answers.json` beside this notebook. To hand in, submit this "
    "notebook: your instructor re-runs it from the top, so make sure it runs without errors "
    "(Kernel > Restart and Run All).")


@dataclass(frozen=True)
class Assignment:
    """A gradable assignment: a notebook, its exercises and their points.

    ``benchmarks`` maps a question scored against the truth to its naive forecast
    ``f(world) -> answer`` on the observed tables: the question is scored by its error
    relative to that forecast's on each student's world (:mod:`crmkit.teach.forecast_score`).
    ``topic`` and ``hand_in`` are what ``crmkit assignment list`` shows; ``layout`` (from a
    folder's ``assignment.yaml``: ``intro``, ``setup`` and each question's ``solution`` and
    ``answer`` variable) makes the notebook, when there is no notebook file.
    ``instructor_points`` are the points of questions the grader cannot score (a memo's
    rubric): they are in ``points`` and the feedback, but the grader gives them 0 and says so.
    """

    name: str
    title: str
    case: str
    customers: int
    notebook: str
    exercises: tuple
    points: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    benchmarks: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    topic: str = ""
    hand_in: str = "the notebook, run from the top"
    layout: MappingProxyType | None = None
    min_customers: int = 100

    def __post_init__(self):
        names = [e.name for e in self.exercises]
        if sorted(names) != sorted(self.points):
            raise ConfigError(f"assignment {self.name!r}: points must name each exercise once ({', '.join(names)})")
        object.__setattr__(self, "points", MappingProxyType({n: float(self.points[n]) for n in names}))
        unknown = set(self.benchmarks) - {e.name for e in self.exercises if e.uses_truth}
        if unknown:
            raise ConfigError(f"assignment {self.name!r}: benchmarks are for questions scored against the truth, "
                              f"not {sorted(unknown)[0]!r}")
        object.__setattr__(self, "benchmarks", MappingProxyType(dict(self.benchmarks)))

    @property
    def max_points(self) -> float:
        """The points of all questions together."""
        return float(sum(self.points.values()))

    @property
    def instructor_points(self) -> float:
        """The points only the instructor can give (questions graded by a rubric)."""
        return float(sum(self.points[e.name] for e in self.exercises if getattr(e, "for_instructor", False)))

    def template(self) -> dict:
        """The notebook with its solutions (the instructor's edition), as a dict."""
        if self.layout is not None:
            return _generated_notebook(self)
        text = resources.files("crmkit.teach").joinpath("data", "assignments", self.notebook).read_text(encoding="utf-8")
        notebook = json.loads(text)
        for cell in notebook["cells"]:
            cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        return notebook


def _generated_notebook(spec: Assignment) -> dict:
    """The notebook of a folder-declared assignment, from its ``layout``."""
    layout = spec.layout
    lines = ["import pandas as pd", "", "import crmkit as ck", "from crmkit.teach.assignments import assignment_checks",
             "", 'world = ck.load_world("world")', f"checks = assignment_checks(world, {spec.name!r})"]
    extra = (layout.get("setup") or "").strip()
    setup = "\n".join(lines + ([extra] if extra else []) + ["world"])
    cells = [_markdown(f"# Assignment: {spec.title}\n\n{INTRO}\n\n{(layout.get('intro') or '').strip()}".strip()),
             _code(setup)]
    for number, exercise in enumerate(spec.exercises, start=1):
        question = layout["questions"][exercise.name]
        points = spec.points[exercise.name]
        cells.append(_markdown(f"## Question {number} ({points:g} points)\n\n{exercise.question}"
                               + (f"\n\n{question['note'].strip()}" if question.get("note") else "")))
        solution = (question["solution"] or "").strip()  # none: the answer of an earlier question is handed in again
        region = f"### BEGIN SOLUTION\n{solution}\n### END SOLUTION\n" if solution else ""
        cells.append(_code(f"{region}checks.check({exercise.name!r}, {question['answer']})"))
    cells.append(_markdown("## Your progress\n\nThe table below lists what you answered. Your instructor's grader runs "
                           "this notebook again and grades every answer itself from the key."))
    cells.append(_code("checks"))
    for index, cell in enumerate(cells):
        cell["id"] = f"{spec.name}-{index:02d}"
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                                        "name": "python3"}, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def _code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
