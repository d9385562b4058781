"""The student path: the lessons a learner opens (``lessons/``, by ``make lab``) hold no
filled solution and no stored check output, stay in step with the instructor's
``notebooks/``, and open a worked solution only after a first attempt."""

from __future__ import annotations

import importlib
import re
import types
from pathlib import Path

import pandas as pd
import pytest

from crmkit.teach import Exercise, ExerciseSet
from crmkit.teach.editions import BEGIN, CODE_STUB, find_leaks, solution_cells, source_of
from crmkit.teach.lessons import TOPICS
from crmkit.teach.notebook_files import build_student_editions, read_notebook
from crmkit.teach.solutions import gather_solutions, shipped_solutions, solutions_json

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS, LESSONS = ROOT / "notebooks", ROOT / "lessons"
SOLUTIONS = ROOT / "crmkit" / "teach" / "data" / "solutions.json"
REGENERATE = "regenerate with `make student-edition`"


def _pairs():
    return [(path.name, read_notebook(path), read_notebook(LESSONS / path.name)) for path in sorted(NOTEBOOKS.glob("*.ipynb"))]


def test_the_lessons_are_the_student_editions_of_the_notebooks_as_they_are_now(tmp_path):
    fresh = build_student_editions([NOTEBOOKS], tmp_path)
    assert sorted(p.name for p in LESSONS.glob("*.ipynb")) == sorted(p.name for p in fresh), REGENERATE
    stale = [p.name for p in fresh if p.read_bytes() != (LESSONS / p.name).read_bytes()]
    assert stale == [], f"lessons/ out of step with notebooks/ for {stale}: {REGENERATE}"
    named = [(p.name, read_notebook(p)) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    assert SOLUTIONS.read_text(encoding="utf-8") == solutions_json(gather_solutions(named)), REGENERATE


def test_the_lessons_a_student_opens_hold_no_solution_and_no_stored_output():
    for name, instructor, student in _pairs():
        assert find_leaks(student, instructor) == [], name
        assert not any(BEGIN in source_of(cell) for cell in student["cells"]), name
        assert all(CODE_STUB in source_of(student["cells"][i]) or student["cells"][i]["cell_type"] == "markdown"
                   for i in solution_cells(instructor)), name
        outputs = [o for cell in student["cells"] for o in cell.get("outputs", [])]
        assert outputs == [], f"{name}: stored outputs (a check's 'Correct' among them?)"
        assert "widgets" not in student.get("metadata", {}), name


def test_the_instructor_notebooks_still_carry_their_solutions_and_checks():
    # The full version stays where nbval runs it; the student path is the generated copy.
    assert all(solution_cells(instructor) for _, instructor, _ in _pairs() if _ != "00_start_here.ipynb")
    assert any("Correct" in str(cell.get("outputs")) for _, nb, _ in _pairs() for cell in nb["cells"])


@pytest.mark.parametrize("topic", TOPICS)
def test_every_lesson_exercise_has_a_shipped_worked_solution(topic):
    names = [e.name for e in importlib.import_module(f"crmkit.teach.lessons.{topic}").EXERCISES]
    assert sorted(shipped_solutions(topic)) == sorted(names)


def _tiny_set(**kwargs):
    world = types.SimpleNamespace(tables={"orders": pd.DataFrame({"net_amount": [10.0, 20.0]})},
                                  observed_until=pd.Timestamp("2025-12-31"))
    mean = Exercise("mean", "Average order value?", reference=lambda w: w.orders.net_amount.mean())
    top = Exercise("top", "Top order?", reference=lambda w: w.orders.net_amount.max())
    return ExerciseSet(world, [mean, top], source="observed", **kwargs)


def test_a_worked_solution_opens_only_after_a_first_attempt():
    checks = _tiny_set(solutions={"mean": "aov = orders.net_amount.mean()"})
    locked = checks.solution("mean")
    assert locked.code is None and "checks.check('mean'" in str(locked) and "mean()" not in str(locked)
    checks.check("mean", 99.0)  # a wrong attempt is an attempt
    opened = checks.solution("mean")
    assert str(opened) == "aov = orders.net_amount.mean()"
    assert repr(opened) == "Worked solution to 'mean':\naov = orders.net_amount.mean()"
    assert "```python\naov = orders.net_amount.mean()\n```" in opened._repr_markdown_()
    checks.check("top", 20.0)
    assert checks.solution("top").code is None and "ask your instructor" in str(checks.solution("top"))


def test_lesson_checks_carry_the_lessons_solutions():
    code = shipped_solutions("lifecycle")["five_points_more"]
    assert re.search(r"five_more\s*=", code) and BEGIN not in code


@pytest.mark.parametrize("answers, expected", [
    ({"mean": 15.0}, "1 of 3 exercises correct"),
    ({"mean": 15.0, "top": 20.0}, "2 of 3 exercises correct"),
    ({"mean": 15.0, "recorded": 1.0}, "1 of 2 checked exercises correct, 1 recorded for grading"),
    ({"mean": 15.0, "top": 20.0, "recorded": 1.0}, "2 correct, 1 recorded for grading"),
])
def test_the_summary_counts_answers_recorded_for_grading_apart(answers, expected):
    world = types.SimpleNamespace(tables={"orders": pd.DataFrame({"net_amount": [10.0, 20.0]})},
                                  observed_until=pd.Timestamp("2025-12-31"))
    exercises = [Exercise("mean", "?", reference=lambda w: w.orders.net_amount.mean()),
                 Exercise("top", "?", reference=lambda w: w.orders.net_amount.max()),
                 Exercise("recorded", "?", reference=lambda w: w.truth.customers, uses_truth=True)]
    checks = ExerciseSet(world, exercises, source="observed")
    for name, answer in answers.items():
        checks.check(name, answer)
    assert checks.summary() == expected


def test_the_readme_student_path_opens_the_lessons():
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile[makefile.index("\nlab:"):].split("\n\n")[0]
    assert "lessons/00_start_here.ipynb" in lab
    assert "student-edition:" in makefile
    student_path = (ROOT / "README.md").read_text().split("make lab", 1)[1][:1500]
    assert "lessons/" in student_path and "checks.solution" in student_path


def test_the_lesson_map_gives_the_pandas_needed_and_a_time_for_every_lesson():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## The lessons"):].split("\n\n## ")[0]
    for word in ("groupby", "merge", "`.dt`", "to_period"):
        assert word in table
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert rows and all(re.search(r"~\d+ min", row) for row in rows)
    for path in NOTEBOOKS.glob("*.ipynb"):
        stem = path.stem if not path.stem.startswith(("12_case_", "13_")) else "12_case_*"
        assert any(f"`{stem}`" in row for row in rows), path.name
    start_text = "\n".join(source_of(c) for c in read_notebook(NOTEBOOKS / "00_start_here.ipynb")["cells"])
    assert "two small worlds" not in start_text.lower()
    assert 'ck.simulate("retailer"' in start_text and "to_period" in start_text and "min)" in start_text
