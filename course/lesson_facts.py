"""What the course pages read from the lessons themselves, so the pages stay in step with them.

From a notebook: its title, section headings, learning objectives, the exercises it checks
and the explorers whose saved output is a widget. From the kit's code: the messages each of
those exercises gives for a typical wrong answer (its :class:`~crmkit.teach.Mistake` list and
hint), or, for the WBS exercise, the findings :func:`crmkit.planning.check_table` reports on
the draft students fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["LessonFacts", "lesson_facts", "common_mistakes", "CommonMistake"]

WIDGET = "application/vnd.jupyter.widget-view+json"
_TOPIC = re.compile(r"lessons\.checks\(\s*\"(\w+)\"")
_CHECK = re.compile(r"checks\.check\(\s*\"(\w+)\"")
_CALL = re.compile(r"(\w+)\(")
_WBS_DRAFT = re.compile(r"plan_folder\(\"(\w+)\"\)\s*/\s*\"exercise_wbs\.csv\"")


@dataclass(frozen=True)
class LessonFacts:
    """What one lesson notebook holds, as the course pages use it."""

    stem: str
    title: str
    headings: tuple
    objectives: tuple
    topic: str | None       # the lesson's exercise topic (crmkit.teach.lessons), if it checks any
    exercises: tuple        # the exercises it checks, in order of first use
    explorers: tuple        # (explorer function, the heading above it) for each widget output
    wbs_draft: str | None   # the plan whose exercise WBS it checks, if any


def _source(cell: dict) -> str:
    return "".join(cell.get("source", ""))


def _objectives(cells: list) -> tuple:
    for cell in cells:
        text = _source(cell)
        if cell["cell_type"] == "markdown" and "**Learning objectives.**" in text:
            items = re.split(r"\n\d+\.\s+", text.split("**Learning objectives.**", 1)[1].split("\n\n")[0])
            return tuple(" ".join(item.split()) for item in items[1:])
    return ()


def _explorer(source: str) -> str:
    calls = [name for name in _CALL.findall(source) if name.endswith("_explorer")]
    return calls[-1] if calls else "?"


@lru_cache(maxsize=64)
def lesson_facts(path: Path) -> LessonFacts:
    """Read one lesson notebook (``notebooks/NAME.ipynb``)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    headings, explorers, code = [], [], []
    for cell in cells:
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            headings += [line.strip() for line in text.splitlines() if re.match(r"#{1,4}\s", line)]
        elif cell["cell_type"] == "code":
            code.append(text)
            if any(WIDGET in o.get("data", {}) for o in cell.get("outputs", [])):
                explorers.append((_explorer(text), headings[-1] if headings else ""))
    program = "\n".join(code)
    topics = _TOPIC.findall(program)
    draft = _WBS_DRAFT.search(program) if "check_table(" in program else None
    return LessonFacts(Path(path).stem, headings[0].lstrip("# ").strip() if headings else Path(path).stem,
                       tuple(headings), _objectives(cells), topics[0] if topics else None,
                       tuple(dict.fromkeys(_CHECK.findall(program))), tuple(explorers),
                       draft.group(1) if draft else None)


@dataclass(frozen=True)
class CommonMistake:
    """A typical wrong answer and the message the kit gives for it."""

    exercise: str
    mistake: str
    message: str


def common_mistakes(facts: LessonFacts) -> list[CommonMistake]:
    """The diagnostic messages of the exercises a lesson checks, read from their code."""
    found = []
    if facts.topic:
        from crmkit.teach.lessons import exercises

        by_name = {e.name: e for e in exercises(facts.topic)}
        for name in facts.exercises:
            exercise = by_name[name]
            found += [CommonMistake(name, m.name, m.message) for m in exercise.mistakes]
            if exercise.hint:
                found.append(CommonMistake(name, "(any other wrong answer: the hint)", exercise.hint))
    if facts.wbs_draft:
        from crmkit import planning

        draft = planning.read_table(planning.plan_folder(facts.wbs_draft) / "exercise_wbs.csv")
        found += [CommonMistake("check_table (the draft WBS)", f"{f.severity}: {f.rule}", f.message)
                  for f in planning.check_table(draft)]
    return found
