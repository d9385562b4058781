"""The parts of the assignment library that need no class: folders read as data, the memo's
checks, the WBS table's parts, the gradebook tables and the list command."""

from __future__ import annotations

import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.teach.assignment_folders import read_folder
from crmkit.teach.assignment_library import ASSIGNMENTS
from crmkit.teach.assignment_sets import case_memo, pschse_wbs
from crmkit.teach.editions import find_leaks, student_edition
from crmkit.teach.grade_export import canvas_table, feedback_text, moodle_table
from crmkit.teach.views import WorldView

TOPICS = ("flow model and identity resolution", "RFM and segmentation", "CLV against the hold-out",
          "campaign uplift against the control group", "lead scoring and pipeline forecast", "service and NPS",
          "retention economics", "the PSCHSE WBS in the kit's table layout", "a model-company case memo with rubric")


@pytest.fixture(scope="module")
def world():
    return ck.simulate("pschse", customers=300, seed=11, progress=False)


def test_every_topic_has_an_assignment_and_the_list_command_shows_them(capsys):
    from crmkit.cli import main

    assert set(TOPICS) <= {a.topic for a in ASSIGNMENTS.values()}
    assert main(["assignment", "list"]) == 0
    out = capsys.readouterr().out
    for spec in ASSIGNMENTS.values():
        line = next(row for row in out.splitlines() if row.startswith(spec.name + " "))
        assert spec.topic in line and spec.hand_in in line and f"{spec.max_points - spec.instructor_points:g}" in line
    assert "6 + 10 by the instructor" in out  # the memo's rubric is said apart


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_each_notebook_has_one_solution_per_question_and_none_survives_in_the_handout(name):
    spec = ASSIGNMENTS[name]
    notebook = spec.template()
    code = "\n".join(c["source"] for c in notebook["cells"] if c["cell_type"] == "code")
    for exercise in spec.exercises:
        assert code.count(f"checks.check({exercise.name!r}") + code.count(f'checks.check("{exercise.name}"') == 1
    assert find_leaks(student_edition(notebook, where=name), notebook) == []


@pytest.mark.parametrize("text, match", [
    ("- 1\n", "must be a mapping"),
    ("name: x\n", "has no 'title'"),
    ("name: x\ntitle: t\ntopic: t\ncase: pschse\ncustomers: 200\nhand_in: h\nchecks: no_such\nquestions: []\n",
     "no_such does not exist"),
    ("name: x\ntitle: t\ntopic: t\ncase: pschse\ncustomers: 200\nhand_in: h\nchecks: ../x\nquestions: []\n",
     "must name a module"),
    ("name: x\ntitle: t\ntopic: t\ncase: pschse\ncustomers: 200\nhand_in: h\nchecks: case_memo\n"
     "questions: [{name: nope, points: 1, remark: r, answer: a, solution: s}]\n", "'nope' is not an exercise"),
    ("name: x\ntitle: t\ntopic: t\ncase: pschse\ncustomers: 200\nhand_in: h\nchecks: case_memo\n"
     "questions: [{name: memo, points: 1}]\n", "has no 'remark'"),
])
def test_a_bad_assignment_folder_is_refused_naming_what_is_wrong(text, match):
    with pytest.raises(ConfigError, match=match):
        read_folder(text, "broken")


def _memo(figures: pd.Series, companies: int = 3, sources: int = 2, words: int = 14) -> str:
    filler = " ".join(["Some words of the memo here."] * words)
    body = "".join(f"### {s}\n\n{filler}\n\n" for s in case_memo.SECTIONS[:-1])
    listed = "".join(f"- Source {i}: author, title, date\n" for i in range(sources))
    quoted = " and ".join(f"{name} {100 * value:.1f} %" for name, value in figures.items())
    return ("".join(f"## Company {c}\n\n{body}### Sources\n\n{listed}\n" for c in range(companies))
            + f"## Comparison and lessons\n\nOn my world: {quoted}. {filler} {filler}\n")


def test_the_memo_is_graded_on_its_parts_and_its_content_left_to_the_instructor(world):
    view = WorldView(world, "observed")
    figures = case_memo.pschse_figures(view)
    judge = case_memo.MEMO.judge
    assert judge(_memo(figures), None, {}, view).detail["score"] == 1.0
    assert judge(_memo(figures, sources=1), None, {}, view).detail["score"] == pytest.approx(0.8)
    assert judge(_memo(figures, companies=2), None, {}, view).detail["score"] == pytest.approx(0.4)  # sections, length, sources
    wrong = judge(_memo(figures * 1.1), None, {}, view)
    assert wrong.detail["score"] == pytest.approx(0.8) and "does not quote your world's" in wrong.message
    assert judge(3.0, None, {}, view).status == "wrong_form"
    rubric = case_memo.RUBRIC.judge(_memo(figures), None, {}, view)
    assert (rubric.status, rubric.correct, rubric.detail["score"]) == ("for_instructor", None, 0.0)
    assert "Choice of companies (10)" in rubric.message and "out of 100" in rubric.message


def test_the_wbs_table_earns_a_quarter_per_part(world):
    view = WorldView(world, "observed")
    right = pschse_wbs.wbs_with_review(view)
    judge = pschse_wbs.WBS_TABLE.judge
    assert judge(right, right, {}, view).detail["score"] == 1.0
    unlinked = right.copy()
    unlinked.loc[unlinked.wbs_code == "6.2.3.2", "predecessors"] = "6.2.3.1FS"
    assert judge(unlinked, right, {}, view).detail["score"] == 0.75
    resized = right.copy()
    resized.loc[resized.wbs_code == "6.1.2", ["optimistic", "most_likely", "pessimistic", "effort_hours"]] = 1.0
    assert judge(resized, right, {}, view).detail["score"] == 0.75
    looped = right.copy()
    looped.loc[looped.wbs_code == "1.1.1", "predecessors"] = "9.2.2FS"  # a cycle: check_table reports an error
    assert judge(looped, right, {}, view).detail["score"] == 0.75
    assert judge(right.drop(columns="kind"), right, {}, view).detail["score"] < 1
    assert judge("a table", right, {}, view).status == "wrong_form"
    assert pschse_wbs.project_days(right) > pschse_wbs.project_days(ck.planning.plan_to_table(ck.planning.load_plan("pschse")))


def test_the_gradebook_tables_take_what_the_roster_has():
    totals = pd.DataFrame({"student_id": ["a1", "a2"], "points": [3.5, 0.0], "max_points": [10.0, 10.0],
                           "run_status": ["completed", "not_submitted"], "run_message": ["", "no notebook handed in"]})
    bare = pd.DataFrame({"student_id": ["a1", "a2", "a3"]})
    canvas = canvas_table(totals, bare, "rfm-basics")
    assert canvas.columns.tolist() == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "rfm-basics"]
    assert canvas["rfm-basics"].tolist() == [3.5, 0.0, 0.0] and (canvas["Student"] == "").all()
    full = pd.DataFrame({"student_id": ["a1", "a2"], "Name": ["Ada", "Bo"], "Canvas_ID": ["11", "12"],
                         "section": ["B", "B"], "EMAIL": ["ada@x.edu", "bo@x.edu"]})
    canvas = canvas_table(totals, full, "rfm-basics")
    assert canvas[["Student", "ID", "Section"]].values.tolist() == [["Ada", "11", "B"], ["Bo", "12", "B"]]
    moodle = moodle_table(totals, full, "rfm-basics")
    assert moodle.columns.tolist() == ["ID number", "Email address", "rfm-basics", "rfm-basics feedback"]
    assert moodle.loc[0, "Email address"] == "ada@x.edu" and "3.5 of 10 points" in moodle.loc[0, "rfm-basics feedback"]
    grades = pd.DataFrame({"question": ["q1", "memo_rubric"], "points": [3.5, 0.0], "max_points": [4.0, 6.0],
                           "status": ["partial", "for_instructor"], "message": ["Half right.", "Rubric: A (5)."],
                           "student_message": ["Recorded.", ""]})
    text = feedback_text("a1", "T", grades, totals.iloc[0], rubric_points=6.0)
    assert "**Points: 3.5 of 4**" in text and "6 more are graded by your instructor" in text
    assert "`memo_rubric`: 0 of 6 points (for_instructor)" in text and "Rubric: A (5)." in text
