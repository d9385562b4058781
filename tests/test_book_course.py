"""The course plan and instructor pages (course/): every lesson has its page, every lesson,
section, explorer, exercise, case and assignment they name exists, and the checked-in pages
are in step with the data and the lessons' code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.lesson_facts import common_mistakes, lesson_facts
from course.pages import checked_in_pages, instructor_page, load_lessons, load_plan
from course.stage import NO_PICTURE, stage_markdown, stage_notebook, widget_pictures
from crmkit.teach.assignment_library import ASSIGNMENTS

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb"))


def facts(stem):
    return lesson_facts(REPO / "notebooks" / f"{stem}.ipynb")


def test_the_plan_has_fourteen_weeks_and_places_every_lesson_once():
    weeks = load_plan()["weeks"]
    assert [w["week"] for w in weeks] == list(range(1, 15))
    placed = [stem for w in weeks for stem in w["lessons"]]
    assert sorted(placed) == NOTEBOOKS


def test_every_week_names_existing_cases_and_known_assignments_and_has_outcomes():
    for week in load_plan()["weeks"]:
        assert week["cases"], week["week"]
        for case in week["cases"]:
            assert (REPO / "case_studies" / case / "world.yaml").exists(), (week["week"], case)
        for name in week["assignments"]:
            assert name in ASSIGNMENTS, (week["week"], name)
        assert week["lab"].strip()
        assert all(facts(stem).objectives for stem in week["lessons"]), week["week"]


def test_every_lesson_has_instructor_notes_and_nothing_else_has():
    assert sorted(load_lessons()) == NOTEBOOKS


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_a_lesson_session_is_75_minutes_of_real_sections(stem):
    notes, lesson = load_lessons()[stem], facts(stem)
    assert sum(block["minutes"] for block in notes["timing"]) == 75
    for block in notes["timing"]:
        assert block["section"] in lesson.headings, (stem, block["section"])


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_the_page_shows_each_explorer_of_the_lesson_at_a_minute_of_the_session(stem):
    notes, lesson = load_lessons()[stem], facts(stem)
    shown = [w["explorer"] for w in notes["widgets"]]
    assert sorted(shown) == sorted({name for name, _ in lesson.explorers}), stem
    assert all(0 <= w["at"] < 75 and w["show"].strip() for w in notes["widgets"])


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_prompts_come_with_model_answers(stem):
    prompts = load_lessons()[stem]["prompts"]
    assert len(prompts) >= 2
    assert all(p["question"].strip() and len(p["answer"].split()) >= 20 for p in prompts)


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_common_mistakes_are_the_exercises_own_messages(stem):
    from crmkit.teach.lessons import exercises

    lesson = facts(stem)
    mistakes = common_mistakes(lesson)
    assert mistakes, f"{stem}: no exercise with known mistakes found"
    page = instructor_page(stem)
    if lesson.topic:
        known = {e.name: e for e in exercises(lesson.topic)}
        assert set(lesson.exercises) <= set(known), stem
        for m in mistakes:
            exercise = known[m.exercise]
            assert m.message in {x.message for x in exercise.mistakes} | {exercise.hint}
    for m in mistakes:
        assert " ".join(m.message.split()).replace("|", "\\|") in page


def test_the_wbs_lesson_lists_what_the_kit_finds_in_the_draft():
    from crmkit import planning

    lesson = facts("14_pschse_implementation_project")
    draft = planning.read_table(planning.plan_folder("pschse") / "exercise_wbs.csv")
    assert [m.message for m in common_mistakes(lesson)] == [f.message for f in planning.check_table(draft)] != []


def test_the_checked_in_pages_are_in_step():
    stale = [name for name, text in checked_in_pages().items()
             if not (REPO / name).exists() or (REPO / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"run `python -m course.pages`: out of step: {stale}"
    written = {f"course/instructor/{p.name}" for p in (REPO / "course" / "instructor").glob("*.md")}
    assert written == {n for n in checked_in_pages() if n.startswith("course/instructor/")}


def test_the_syllabus_links_each_lesson_and_case_of_the_plan():
    text = (REPO / "course" / "syllabus.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(\.\./([^)#]+)\)", text):
        assert (REPO / target).exists(), target
    assert all(f"../notebooks/{stem}.ipynb" in text for stem in NOTEBOOKS)


def test_a_widget_becomes_its_saved_picture_and_a_missing_one_says_so():
    png = {"output_type": "display_data", "data": {"image/png": "iVBO"}, "metadata": {}}
    models = {"box": {"state": {"children": ["IPY_MODEL_out"]}}, "out": {"state": {"outputs": [png]}}}
    assert widget_pictures("box", models) == [png]
    assert widget_pictures("gone", models) == []
    notebook = {"metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "x", "outputs": [
        {"output_type": "execute_result", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "gone"}}}]}]}
    staged = stage_notebook(notebook, "../d/x.ipynb", instructor=True)
    assert staged["cells"][0]["cell_type"] == "markdown" and "../d/x.ipynb" in staged["cells"][0]["source"]
    assert staged["cells"][1]["outputs"] == [{"output_type": "stream", "name": "stdout", "text": NO_PICTURE}]
    assert notebook["cells"][0]["outputs"][0]["output_type"] == "execute_result"  # the input is untouched


def test_a_link_to_a_folder_goes_to_its_readme_or_becomes_text(tmp_path):
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "README.md").write_text("x")
    text = "[the plan](plan/) and [`retailer/`](retailer/) and [web](https://example.org/a/)"
    assert stage_markdown(text, tmp_path) == "[the plan](plan/README.md) and `retailer/` and [web](https://example.org/a/)"


def _code(source, text):
    return {"cell_type": "code", "metadata": {}, "source": source, "execution_count": 1,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}


def test_the_student_edition_shows_no_solution_nor_the_outputs_that_use_it():
    from course.stage import HIDDEN

    notebook = {"metadata": {}, "cells": [
        _code("### BEGIN SOLUTION\nanswer = world.orders.net_amount.mean()\n### END SOLUTION\nanswer", "31.5"),
        _code("checks.check('aov', answer)", "correct: 31.5"),
        {"cell_type": "markdown", "metadata": {}, "source": "Later on"},
        _code("checks.solution('aov')", "answer = world.orders.net_amount.mean()"),
        _code("len(world.orders)", "1200")]}
    student = stage_notebook(notebook, "x.ipynb", instructor=False)["cells"]
    assert [c["outputs"] for c in student if c["cell_type"] == "code"] == [
        [], [], [{"output_type": "stream", "name": "stdout", "text": HIDDEN}], notebook["cells"][4]["outputs"]]
    assert "BEGIN SOLUTION" not in student[1]["source"] and "mean()" not in student[1]["source"]
    teacher = stage_notebook(notebook, "x.ipynb", instructor=True)["cells"]
    assert [c["outputs"] for c in teacher if c["cell_type"] == "code"] == [c["outputs"] for c in notebook["cells"]
                                                                           if c["cell_type"] == "code"]
