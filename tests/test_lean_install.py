"""A student's set-up (`make lab`) holds only what the lessons need: none of the grading, test
or browser tools, not even pulled in by another package."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
NOT_FOR_STUDENTS = {"nbgrader", "playwright", "hypothesis", "mpxj", "jpype1", "pytest", "nbval", "lifetimes"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


def _reachable(requirements: list[str]) -> set[str]:
    """The packages ``requirements`` install, following each installed package's own
    requirements (markers evaluated for this machine, no extras)."""
    seen, todo = set(), list(requirements)
    while todo:
        requirement = Requirement(todo.pop())
        name = _name(str(requirement))
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        try:
            todo += [r for r in metadata.requires(name) or [] if "extra ==" not in r]
        except metadata.PackageNotFoundError:
            pass
    return seen


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_lab_extra_names_no_grading_test_or_browser_tool():
    lab = {_name(r) for r in _project()["optional-dependencies"]["lab"]}
    assert lab & NOT_FOR_STUDENTS == set()
    assert {"jupyterlab", "ipykernel"} <= lab


@pytest.mark.parametrize("tool", sorted(NOT_FOR_STUDENTS))
def test_nothing_the_student_installs_pulls_in(tool):
    project = _project()
    assert tool not in _reachable(project["dependencies"] + project["optional-dependencies"]["lab"])


def test_make_lab_installs_the_lab_extra_only_and_make_test_everything():
    makefile = (ROOT / "Makefile").read_text()
    lab_stamp = makefile[makefile.index("$(LAB_STAMP): "):].split("\n\n")[0]
    assert '".[lab]"' in lab_stamp
    assert re.search(r"^lab: \$\(LAB_STAMP\)$", makefile, re.M)
    full = makefile[makefile.index("$(STAMP): "):].split("\n\n")[0]
    assert '".[lab,lecture,instructor,test]"' in full
    assert re.search(r"^test: \$\(STAMP\)$", makefile, re.M)
