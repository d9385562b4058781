"""Student editions: no solution text survives, the notebook still runs up to the first
exercise, the rules agree with nbgrader's ClearSolutions, and the command works."""

from __future__ import annotations

import argparse
import copy
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from crmkit.errors import ConfigError
from crmkit.teach import (
    CODE_STUB,
    INSTRUCTOR_TAG,
    TEXT_STUB,
    build_student_editions,
    clear_solutions,
    collapse_solutions,
    collapse_solutions_in_files,
    find_leaks,
    read_notebook,
    solution_cells,
    student_edition,
)
from crmkit.teach.cli import register

DEMO = Path(__file__).parent / "data" / "demo_lesson.ipynb"


def marked_lines(path: Path) -> list[str]:
    """Every non-blank line between the markers, read straight from the file (not via the kit)."""
    lines, inside = [], False
    for cell in json.loads(path.read_text())["cells"]:
        for line in "".join(cell["source"]).split("\n"):
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                inside = "BEGIN" in line
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def all_text(value) -> str:
    """Every string in a notebook (sources, outputs, metadata): all a student could read in the file."""
    if isinstance(value, dict):
        return "\n".join(all_text(v) for v in value.values())
    if isinstance(value, list):
        return "".join(all_text(v) for v in value)
    return value if isinstance(value, str) else ""


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    [path] = build_student_editions([DEMO], out)
    return path


def test_no_solution_text_survives(student):
    secrets = marked_lines(DEMO) + ["checks.answer_key()"]  # the last one is the instructor-only cell
    assert len(secrets) >= 5  # the demo has code and written solutions
    text = all_text(json.loads(student.read_text()))
    assert [line for line in secrets if line in text] == []
    for solution_output in ("116.63", "116.6292"):  # the answer the instructor's cells printed
        assert solution_output in DEMO.read_text() and solution_output not in text


def test_the_edition_keeps_the_lesson_and_its_metadata(student):
    original, edition = json.loads(DEMO.read_text()), json.loads(student.read_text())
    nbformat.validate(nbformat.reads(student.read_text(), as_version=4))
    assert edition["metadata"] == original["metadata"]
    kept = [c for c in original["cells"] if INSTRUCTOR_TAG not in c["metadata"].get("tags", [])]
    assert len(kept) == len(original["cells"]) - 1
    assert [c["id"] for c in edition["cells"]] == [c["id"] for c in kept]
    sources = ["".join(c["source"]) for c in edition["cells"]]
    assert sources.count(CODE_STUB) == 1 and any(TEXT_STUB in s for s in sources)
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in edition["cells"])
    assert not any(c["metadata"].get("jupyter", {}).get("source_hidden") for c in edition["cells"])
    unchanged = [s for s, c in zip(sources, kept) if "SOLUTION" not in "".join(c["source"])]
    assert unchanged == ["".join(c["source"]) for c in kept if "SOLUTION" not in "".join(c["source"])]
    assert not list(student.parent.glob(".*.tmp"))  # written whole, no temporary file left


def test_keep_outputs_still_clears_the_solution_cells(tmp_path):
    [path] = build_student_editions([DEMO], tmp_path, clear_outputs=False)
    cells = json.loads(path.read_text())["cells"]
    solution = next(c for c in cells if "".join(c["source"]) == CODE_STUB)
    assert solution["outputs"] == []
    assert any(c.get("outputs") for c in cells)  # other outputs were kept


def test_the_student_edition_runs_up_to_the_first_exercise(student):
    notebook = nbformat.reads(student.read_text(), as_version=4)
    first = next(i for i, c in enumerate(notebook.cells) if c.source == CODE_STUB)
    notebook.cells = notebook.cells[:first + 1]
    NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True).execute()
    errors = [(i, o.ename) for i, c in enumerate(notebook.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors == [(first, "NotImplementedError")]  # only the unanswered exercise stops


def test_the_instructor_notebook_runs_and_its_solution_passes_its_check():
    notebook = nbformat.read(DEMO, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    check = next(c for c in notebook.cells if c.source.startswith("checks.check("))
    assert "Correct" in check.outputs[0]["data"]["text/plain"]


def test_the_rules_agree_with_nbgrader_clear_solutions():
    from nbgrader.preprocessors import ClearSolutions

    notebook = nbformat.read(DEMO, as_version=4)
    theirs, _ = ClearSolutions(enforce_metadata=False).preprocess(copy.deepcopy(notebook), {})
    ours = clear_solutions(read_notebook(DEMO))
    assert [c["source"] for c in ours["cells"]] == [c.source for c in theirs.cells]
    assert any(c.source != o.source for c, o in zip(theirs.cells, notebook.cells))


def test_the_leak_check_can_fail():
    original = read_notebook(DEMO)
    assert find_leaks(original, original) == sorted({*marked_lines(DEMO), "checks.answer_key()"})
    assert find_leaks(student_edition(original), original) == []
    assert find_leaks(clear_solutions(original), original) == ["checks.answer_key()"]  # instructor-only cell kept


def test_solution_cells_are_collapsed_for_the_instructor(tmp_path):
    original = read_notebook(DEMO)
    assert all(original["cells"][i]["metadata"]["jupyter"]["source_hidden"] for i in solution_cells(original))
    opened = copy.deepcopy(original)
    for cell in opened["cells"]:
        cell["metadata"].pop("jupyter", None)
    assert collapse_solutions(opened) == original
    copy_path = tmp_path / "lesson.ipynb"
    shutil.copy(DEMO, copy_path)
    assert collapse_solutions_in_files([copy_path]) == []  # already collapsed: untouched


@pytest.mark.parametrize(("source", "error"), [
    ("x = 1\n### BEGIN SOLUTION\ny = 2", "cell 2: '### BEGIN SOLUTION' without a matching '### END SOLUTION'"),
    ("### END SOLUTION", "cell 2: '### END SOLUTION' without a '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "cannot nest"),
])
def test_unbalanced_markers_are_refused_and_nothing_is_written(tmp_path, source, error):
    broken = json.loads(DEMO.read_text())
    broken["cells"][1]["source"] = source
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "broken.ipynb").write_text(json.dumps(broken))
    shutil.copy(DEMO, tmp_path / "src" / "a_good.ipynb")
    with pytest.raises(ConfigError, match=error):
        build_student_editions([tmp_path / "src"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_edition_never_overwrites_its_source(tmp_path):
    shutil.copy(DEMO, tmp_path / "lesson.ipynb")
    with pytest.raises(ConfigError, match="would overwrite it"):
        build_student_editions([tmp_path / "lesson.ipynb"], tmp_path)
    with pytest.raises(ConfigError, match="neither a notebook"):
        build_student_editions([tmp_path / "missing.ipynb"], tmp_path / "out")


def run_cli(*argv):
    parser = argparse.ArgumentParser(prog="crmkit")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["student-edition", *argv])
    return args.func(args)


def test_the_command_writes_the_editions(tmp_path, capsys):
    (tmp_path / "lessons").mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        shutil.copy(DEMO, tmp_path / "lessons" / name)
    assert run_cli(str(tmp_path / "lessons"), "--out", str(tmp_path / "student")) == 0
    written = sorted(p.name for p in (tmp_path / "student").glob("*.ipynb"))
    assert written == ["01_a.ipynb", "02_b.ipynb"]
    assert capsys.readouterr().out.count("wrote ") == 2
    assert CODE_STUB in "".join(json.loads((tmp_path / "student" / "01_a.ipynb").read_text())["cells"][5]["source"])
    with pytest.raises(ConfigError, match="would overwrite"):
        run_cli(str(tmp_path / "lessons" / "01_a.ipynb"), "--out", str(tmp_path / "lessons"))
