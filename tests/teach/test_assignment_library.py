"""The assignment library: every shipped assignment, built for a class and graded in the sandbox.

For each assignment, one module-scoped build gives 30 students their own small world (100
customers, the least the kit allows, or the assignment's own least) and notebook; then three of them hand in: the
instructor's solution, a half-wrong notebook (every other answer spoilt) and a hostile one
(it reads the key, the secret and a classmate's folder, forges its answers file and raises).
The grader must give the solution every automatic point, the half-wrong one exactly the
points of the answers it kept, the hostile one nothing, and write the gradebook files and
feedback. No student folder may hold the truth, the seed or a solution.
"""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from crmkit.teach.assignment_library import ASSIGNMENTS
from crmkit.teach.assignments import build_assignment, student_seed
from crmkit.teach.editions import find_leaks
from crmkit.teach.grade_export import CANVAS_COLUMNS
from crmkit.teach.grading import grade_assignment
from crmkit.teach.notebook_files import read_notebook, write_notebook
from crmkit.teach.sandbox import Limits
from crmkit.world.dictionary import observed_tables, truth_tables

SECRET = "5e" * 32
STUDENTS = tuple(f"s{i:03d}" for i in range(1, 31))
CUSTOMERS = 100
LIMITS = Limits(wall_seconds=240, cell_seconds=120, memory_bytes=3 * 2**30)
TRUTH_ONLY = ({c.name for t in truth_tables().values() for c in t.columns}
              - {c.name for t in observed_tables().values() for c in t.columns})


@pytest.fixture(scope="module", params=sorted(ASSIGNMENTS))
def built(request):
    """One assignment built for 30 students, in a folder others may enter (so only the kit's permissions protect it)."""
    name = request.param
    root = Path(tempfile.mkdtemp(prefix=f"crmkit-library-{name}-"))
    root.chmod(0o755)
    (root / "roster.csv").write_text("student_id,name,email,section\n" + "".join(
        f"{s},Student {s},{s}@example.edu,A\n" for s in STUDENTS))
    (root / "secret.key").write_text(SECRET + "\n")
    (root / "secret.key").chmod(0o600)  # as the kit writes it: a submission must not read it
    manifest = build_assignment("crm101", name, root / "roster.csv", root / "out", secret_file=root / "secret.key",
                                customers=max(CUSTOMERS, ASSIGNMENTS[name].min_customers))
    yield ASSIGNMENTS[name], root / "out", manifest
    shutil.rmtree(root, ignore_errors=True)


def test_every_assignment_builds_for_30_students_each_with_their_own_key(built):
    spec, out, manifest = built
    assert manifest["students"] == list(STUDENTS) and manifest["template"] == spec.name
    assert stat.S_IMODE((out / "instructor").stat().st_mode) == 0o700
    key = json.loads((out / "instructor" / "answer_key.json").read_text())
    assert sorted(key) == list(STUDENTS)
    for student in STUDENTS:
        folder = out / "students" / student
        assert sorted(p.name for p in folder.iterdir()) == [f"{spec.name}.ipynb", "world"]
        assert set(key[student]) == {e.name for e in spec.exercises}
    # Their own worlds: some answer of the key differs between classmates.
    assert any(len({json.dumps(key[s][e.name]["expected"], sort_keys=True) for s in STUDENTS}) > 1
               for e in spec.exercises)


def test_no_student_folder_holds_the_truth_the_seed_or_a_solution(built):
    spec, out, manifest = built
    solutions = spec.template()
    secret = bytes.fromhex(SECRET)
    for student in STUDENTS:
        folder, seed = out / "students" / student, student_seed(secret, "crm101", spec.name, student)
        assert manifest["seeds"][student] == seed
        forbidden = [SECRET.encode(), secret, str(seed).encode(), f"{seed:x}".encode(), seed.to_bytes(8, "big"),
                     seed.to_bytes(8, "little")]
        for path in (p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            assert not any(s in data for s in forbidden), path
            if path.suffix != ".parquet":
                assert not any(other.encode() in data for other in set(STUDENTS) - {student}), path
        assert not (folder / "world" / "truth").exists()
        columns = {c for p in (folder / "world").rglob("*.parquet") for c in pd.read_parquet(p).columns}
        assert not TRUTH_ONLY & columns
        assert find_leaks(read_notebook(folder / f"{spec.name}.ipynb"), solutions) == []


def _spoil_every_other_answer(notebook: dict, spec) -> tuple[dict, set]:
    """The solution with every other answer replaced by a wrong one (numbers x1.5 + 1, anything else None)."""
    spoilt = {e.name for i, e in enumerate(spec.exercises) if i % 2 == 1}
    wrong = ("import pandas as _pd\n\ndef _wrong(value):\n"
             "    if isinstance(value, _pd.Series) and _pd.api.types.is_numeric_dtype(value):\n"
             "        return value * 1.5 + 1\n"
             "    if isinstance(value, (int, float)) and not isinstance(value, bool):\n"
             "        return value * 1.5 + 1\n"
             "    return None")
    cells = []
    for cell in json.loads(json.dumps(notebook))["cells"]:
        for marker in (f"checks.check({q}{name}{q}, " for name in spoilt for q in "'\""):
            if marker in cell["source"]:
                head, tail = cell["source"].split(marker)
                cell["source"] = f"{head}{marker}_wrong({tail.rstrip()[:-1]}))"
        cells.append(cell)
    cells.insert(2, {"cell_type": "code", "metadata": {}, "source": wrong, "outputs": [], "execution_count": None})
    return {**notebook, "cells": cells}, spoilt


def _hostile(handout: dict, out: Path, spec) -> dict:
    targets = [out / "instructor" / "answer_key.json", out / "instructor" / "secret.key", out / "students" / "s001"]
    steal = (f"import os, json\nstolen = []\nfor path in {[str(t) for t in targets]!r}:\n"
             "    try:\n        stolen.append(str(os.listdir(path)) if os.path.isdir(path) else open(path).read())\n"
             "    except Exception as error:\n        stolen.append(type(error).__name__)\n"
             f"checks.check({spec.exercises[0].name!r}, ' | '.join(stolen))")
    first = spec.exercises[0].name
    claims = {e.name: {"kind": "scalar", "value": {"type": "float", "value": 1.0}} for e in spec.exercises[1:]}
    forge = (f"answers = {claims!r}\nanswers[{first!r}] = json.load(open('answers.json'))['answers'][{first!r}]\n"
             f"open('answers.json', 'w').write(json.dumps({{'answers': answers, 'messages': "
             f"{ {e.name: 'Correct.' for e in spec.exercises}!r}, 'points': 100}}))\nraise RuntimeError('boom')")
    code = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
            for s in (steal, forge)]
    return {**handout, "cells": handout["cells"][:2] + code}


def test_the_solution_gets_every_automatic_point_half_wrong_its_half_and_hostile_nothing(built):
    spec, out, _ = built
    submissions = out.parent / "submissions"
    solution = read_notebook(out / "instructor" / f"{spec.name}.ipynb")
    write_notebook(solution, submissions / "s001" / f"{spec.name}.ipynb")
    half, spoilt = _spoil_every_other_answer(solution, spec)
    write_notebook(half, submissions / "s002" / f"{spec.name}.ipynb")
    write_notebook(_hostile(read_notebook(out / "students" / "s003" / f"{spec.name}.ipynb"), out, spec),
                   submissions / "s003" / f"{spec.name}.ipynb")
    report = grade_assignment(out, submissions, limits=LIMITS)
    grades = report.grades.set_index(["student_id", "question"])
    totals = report.totals.set_index("student_id")
    by_hand = {e.name for e in spec.exercises if getattr(e, "for_instructor", False)}
    automatic = spec.max_points - spec.instructor_points

    assert totals.loc["s001", "run_status"] == "completed", totals.loc["s001", "run_message"]
    assert totals.loc["s001", "points"] == pytest.approx(automatic), grades.loc["s001"].message.to_dict()
    for name in by_hand:  # graded by the instructor: 0 here, the rubric in the message
        assert grades.loc[("s001", name), "status"] == "for_instructor" and grades.loc[("s001", name), "points"] == 0
        assert "rubric" in grades.loc[("s001", name), "message"]

    assert totals.loc["s002", "run_status"] == "completed", totals.loc["s002", "run_message"]
    for exercise in spec.exercises:
        row = grades.loc[("s002", exercise.name)]
        if exercise.name in spoilt and exercise.name not in by_hand:
            assert row["points"] < spec.points[exercise.name] and row["status"] != "correct", exercise.name
        elif exercise.name not in by_hand:
            assert row["points"] == spec.points[exercise.name], (exercise.name, row["message"])
    kept = sum(spec.points[n] for n in spec.points if n not in spoilt | by_hand)
    assert kept <= totals.loc["s002", "points"] < automatic

    assert totals.loc["s003", "points"] == 0 and totals.loc["s003", "run_status"] == "cell_errors"
    assert grades.loc[("s003", spec.exercises[-1].name), "student_message"] == "Correct."  # the forged claim, ignored
    if totals.loc["s003", "isolated"]:  # as root (CI): every read was refused
        stolen = json.loads((report.folder / "answers" / "s003.json").read_text())
        assert stolen["answers"][spec.exercises[0].name]["value"]["value"].count("PermissionError") == 3

    # Grades out: the gradebooks hold all 30 students, the feedback each question.
    canvas = pd.read_csv(report.folder / "canvas_grades.csv", dtype={"ID": str}, keep_default_na=False)
    assert list(canvas.columns) == CANVAS_COLUMNS + [spec.name] and len(canvas) == 30
    assert canvas.set_index("SIS User ID")[spec.name].to_dict() == pytest.approx(totals["points"].to_dict())
    assert canvas.loc[0, "Student"] == "Student s001" and canvas.loc[0, "Section"] == "A"
    moodle = pd.read_csv(report.folder / "moodle_grades.csv", keep_default_na=False)
    assert list(moodle.columns) == ["ID number", "Email address", spec.name, f"{spec.name} feedback"]
    assert moodle.loc[1, "Email address"] == "s002@example.edu"
    assert moodle.loc[1, spec.name] == pytest.approx(totals.loc["s002", "points"])
    feedback = (report.folder / "feedback" / "s002.md").read_text()
    assert len(list((report.folder / "feedback").glob("*.md"))) == 30
    for exercise in spec.exercises:
        assert f"`{exercise.name}`" in feedback and str(grades.loc[("s002", exercise.name), "message"]) in feedback
    assert stat.S_IMODE((report.folder / "feedback" / "s002.md").stat().st_mode) == 0o600
