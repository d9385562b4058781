"""Export a built assignment to nbgrader's layout, for courses that already grade with nbgrader.

``crmkit assignment export-nbgrader out/ --course-dir course/`` writes
``course/source/<assignment>/<assignment>.ipynb``: the notebook with solutions, where

- the set-up cell is read-only (``locked``);
- each answer cell is an autograded answer (``solution``), its check moved to a locked
  autograder test cell worth the question's points. The student's checks judge only the
  form and known mistakes (they hold no right answer), so the cell asserts that much in the
  open, and the values in nbgrader's hidden tests, which the release does not contain and
  the autograder puts back;
- the question scored against the truth is a manually graded answer: nbgrader runs tests
  in the student's kernel, which must never see the truth, so the instructor scores it from
  ``out/instructor/answer_key.csv``.

nbgrader hands every student the same release, so each student also needs their own
``world/`` folder from ``out/students/<id>/``, unzipped beside the notebook. nbgrader's
autograder runs submissions without this kit's sandbox: use ``crmkit assignment grade``
when submissions cannot be trusted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from crmkit.errors import ConfigError
from crmkit.teach.assignment_library import get_assignment
from crmkit.teach.assignments import INSTRUCTOR, MANIFEST_FILE
from crmkit.teach.editions import END, source_of
from crmkit.teach.notebook_files import write_notebook

__all__ = ["nbgrader_notebook", "export_nbgrader"]

_CHECK = re.compile(r'^checks\.check\(\s*"(?P<name>[\w-]+)"\s*,\s*(?P<answer>.+)\)\s*$')


def _metadata(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    return {"nbgrader": {**meta, "points": points} if grade else meta}


def nbgrader_notebook(notebook: dict, points: dict, truth_questions=(), template: str = "rfm-basics") -> dict:
    """The notebook with nbgrader metadata (see the module docstring).

    >>> nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "import crmkit"},
    ...     {"cell_type": "code", "metadata": {}, "source": '### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION\\nchecks.check("q", x)'}]}
    >>> out = nbgrader_notebook(nb, {"q": 2})
    >>> [c["metadata"]["nbgrader"]["grade_id"] for c in out["cells"]], out["cells"][2]["source"].splitlines()[0]
    (['setup', 'q_answer', 'q_test'], 'assert checks.check("q", x).correct is not False, "not yet right: read the message above"')
    """
    cells, setup_done = [], False
    for cell in notebook["cells"]:
        source = source_of(cell)
        check = _CHECK.match(source.rsplit("\n", 1)[-1]) if END in source else None
        base = {key: value for key, value in cell.items() if key not in ("metadata", "source", "id")}
        if check is None:
            metadata = {}
            if cell["cell_type"] == "code" and not setup_done:
                metadata, setup_done = _metadata("setup", locked=True), True
            cells.append({**base, "metadata": metadata, "source": source})
            continue
        name, answer = check["name"], check["answer"]
        if name not in points:
            raise ConfigError(f"the notebook checks {name!r}, which has no points")
        solution = source.rsplit("\n", 1)[0]
        if name in truth_questions:
            cells.append({**base, "metadata": _metadata(f"{name}_answer", solution=True, grade=True, points=points[name]),
                          "source": f"{solution}\nchecks.check(\"{name}\", {answer})"})
            continue
        cells.append({**base, "metadata": _metadata(f"{name}_answer", solution=True), "source": solution})
        cells.append({"cell_type": "code", "execution_count": None, "outputs": [],
                      "metadata": _metadata(f"{name}_test", grade=True, locked=True, points=points[name]),
                      "source": _test_source(name, answer, template)})
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:02d}"
    return {**notebook, "cells": cells}


def _test_source(name: str, answer: str, template: str) -> str:
    return (f'assert checks.check("{name}", {answer}).correct is not False, "not yet right: read the message above"\n'
            "### BEGIN HIDDEN TESTS\n"
            "from crmkit.teach.assignment_library import get_assignment\n"
            "from crmkit.teach.exercise_set import ExerciseSet\n"
            f'_exercises = get_assignment("{template}").exercises\n'
            f'assert ExerciseSet(world, _exercises, source="observed").check("{name}", {answer}).correct\n'
            "### END HIDDEN TESTS")


def export_nbgrader(folder: str | Path, course_dir: str | Path) -> Path:
    """Write the nbgrader source notebook of the assignment built in ``folder`` into
    ``course_dir/source/<assignment>/``; returns its path."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / INSTRUCTOR / MANIFEST_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{folder}: no {INSTRUCTOR}/{MANIFEST_FILE}; build the assignment first") from None
    spec = get_assignment(manifest["template"])
    truth = {e.name for e in spec.exercises if e.uses_truth}
    notebook = nbgrader_notebook(spec.template(), dict(spec.points), truth, template=spec.name)
    assignment = manifest["assignment"]
    return write_notebook(notebook, Path(course_dir) / "source" / assignment / f"{assignment}.ipynb")
