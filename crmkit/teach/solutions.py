"""Worked solutions a learner opens after a first attempt (``checks.solution(name)``).

The lessons mark their solutions (``### BEGIN SOLUTION`` ... ``### END SOLUTION``) and the
student edition blanks them. :func:`gather_solutions` collects each marked region with the
exercise whose check follows it (the next ``checks.check("name", ...)``), per lesson topic
(named by ``ck.teach.lessons.checks("topic", world)``); ``crmkit student-edition --solutions
FILE`` writes them as JSON, and the kit ships that file (:data:`SOLUTIONS_FILE`), so a
lesson's :class:`~crmkit.teach.ExerciseSet` can show a solution without the instructor's
notebooks. The set shows it only once the learner checked an answer of their own: the
checks' feedback teaches more than a solution read first.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from crmkit.teach.editions import BEGIN, END, source_of

__all__ = ["SOLUTIONS_FILE", "WorkedSolution", "notebook_solutions", "gather_solutions", "solutions_json",
           "shipped_solutions"]

#: Where the kit keeps the lessons' solutions, inside the package.
SOLUTIONS_FILE = ("crmkit.teach.data", "solutions.json")
_TOPIC = re.compile(r"""lessons\.checks\(\s*["'](\w+)["']""")
_CHECK = re.compile(r"""\.check\(\s*["'](\w+)["']""")


@dataclass(frozen=True, repr=False)
class WorkedSolution:
    """The worked solution to one exercise, or why it is not shown (``code`` is then None).

    >>> print(WorkedSolution("aov", "aov = orders.net_amount.mean()"))
    aov = orders.net_amount.mean()
    """

    exercise: str
    code: str | None
    note: str = ""

    def __str__(self) -> str:
        return self.code if self.code is not None else self.note

    def __repr__(self) -> str:  # what a console shows: the code itself, not a record of it
        return f"Worked solution to {self.exercise!r}:\n{self.code}" if self.code is not None else self.note

    def _repr_markdown_(self) -> str:
        if self.code is None:
            return self.note
        return f"**Worked solution to `{self.exercise}`**\n\n```python\n{self.code}\n```"


def notebook_solutions(notebook: dict) -> dict[str, dict[str, str]]:
    """The solutions of one notebook: ``{topic: {exercise: code}}``.

    A marked region belongs to the next checked exercise; regions before one check are joined.

    >>> cell = lambda s: {"cell_type": "code", "source": s}
    >>> nb = {"cells": [cell('checks = ck.teach.lessons.checks("start", world)'),
    ...                 cell("### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION\\nx"), cell('checks.check("x", x)')]}
    >>> notebook_solutions(nb)
    {'start': {'x': 'x = 1'}}
    """
    found: dict[str, dict[str, str]] = {}
    topic, pending, region = None, [], None
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        for line in source_of(cell).split("\n"):
            if BEGIN in line:
                region = []
            elif END in line and region is not None:
                pending.append(textwrap.dedent("\n".join(region)).strip("\n"))
                region = None
            elif region is not None:
                region.append(line)
            elif match := _TOPIC.search(line):
                topic = match.group(1)
            elif (match := _CHECK.search(line)) and pending and topic:
                solutions = found.setdefault(topic, {})
                solutions[match.group(1)] = "\n\n".join(filter(None, [solutions.get(match.group(1)), *pending]))
                pending = []
    return found


def gather_solutions(notebooks: Iterable[tuple[str, dict]]) -> dict[str, dict[str, str]]:
    """The solutions of several ``(name, notebook)`` pairs, as written to JSON.

    A topic may span notebooks; where they solve one exercise differently (each on its own
    worlds), every variant is kept under a comment naming its notebooks.

    >>> cell = lambda s: {"cell_type": "code", "source": s}
    >>> lesson = lambda code: {"cells": [cell('c = ck.teach.lessons.checks("cases", w)'),
    ...     cell(f"### BEGIN SOLUTION\\n{code}\\n### END SOLUTION"), cell('c.check("x", x)')]}
    >>> print(gather_solutions([("a.ipynb", lesson("x = 1")), ("b.ipynb", lesson("x = 2"))])["cases"]["x"])
    # in a.ipynb
    x = 1
    <BLANKLINE>
    # in b.ipynb
    x = 2
    """
    variants: dict[str, dict[str, dict[str, list[str]]]] = {}
    for name, notebook in notebooks:
        for topic, solutions in notebook_solutions(notebook).items():
            for exercise, code in solutions.items():
                variants.setdefault(topic, {}).setdefault(exercise, {}).setdefault(code, []).append(name)
    return {topic: {exercise: _one_text(by_code) for exercise, by_code in sorted(exercises.items())}
            for topic, exercises in sorted(variants.items())}


def _one_text(by_code: dict[str, list[str]]) -> str:
    if len(by_code) == 1:
        return next(iter(by_code))
    return "\n\n".join(f"# in {', '.join(names)}\n{code}" for code, names in by_code.items())


def solutions_json(solutions: dict) -> str:
    """The text of the solutions file (stable: sorted keys, one-space indent)."""
    return json.dumps(solutions, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def shipped_solutions(topic: str) -> dict[str, str]:
    """The shipped worked solutions of one lesson topic, by exercise name ({} if none)."""
    package, name = SOLUTIONS_FILE
    try:
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(text).get(topic, {})
