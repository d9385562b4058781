"""Student and instructor editions of lesson notebooks.

Lessons mark solutions with nbgrader's markers, inside any code or Markdown cell::

    ### BEGIN SOLUTION
    aov = recent.net_amount.mean()
    ### END SOLUTION

The **student edition** replaces each marked region with nbgrader's default stub
(:data:`CODE_STUB`: ``# YOUR CODE HERE`` then ``raise NotImplementedError()``;
:data:`TEXT_STUB` in Markdown). We keep nbgrader's stub rather than a bare comment because
an unanswered exercise then stops with a clear error instead of passing an undefined or
stale variable to the check, and because nbgrader's autograder recognises it. The
rules are those of nbgrader's ``ClearSolutions`` preprocessor with
``enforce_metadata=False`` (a test proves the two agree), written here in plain Python so
the kit needs neither nbgrader nor nbformat at run time. It also drops cells tagged
:data:`INSTRUCTOR_TAG`, clears outputs (all of them by default: an output can show an
answer), shows the (collapsed) solution cells again, keeps all other metadata, checks that
no solution line survives, and writes each file whole (temporary file, then rename).

The **instructor edition** is the lesson itself, with its solution cells collapsed in
JupyterLab (``metadata.jupyter.source_hidden``): :func:`collapse_solutions`.
"""

from __future__ import annotations

import copy
import re

from crmkit.errors import ConfigError

__all__ = [
    "CODE_STUB", "TEXT_STUB", "INSTRUCTOR_TAG", "solution_cells", "clear_solutions", "student_edition",
    "collapse_solutions", "secret_lines", "find_leaks",
]

BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"  # nbgrader's delimiters, matched anywhere in a line
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
#: Cells with this tag are for the instructor only and are dropped from the student edition.
INSTRUCTOR_TAG = "instructor-only"


def source_of(cell: dict) -> str:
    """A cell's source as one string (notebook files may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_solution_cell(cell: dict) -> bool:
    """Whether a cell holds a solution: a marked region, or nbgrader's ``solution`` metadata."""
    return BEGIN in source_of(cell) or bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def solution_cells(notebook: dict) -> list[int]:
    """Positions of the cells that hold a solution.

    >>> nb = {"cells": [_cell("x = 1"), _cell("### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION")]}
    >>> solution_cells(nb)
    [1]
    """
    return [i for i, cell in enumerate(notebook["cells"]) if is_solution_cell(cell)]


def clear_solutions(notebook: dict, where: str = "notebook") -> dict:
    """A copy of ``notebook`` with every solution region replaced by the stub.

    Follows nbgrader's ``ClearSolutions``: the stub keeps the indentation of the BEGIN line;
    a cell with nbgrader ``solution`` metadata and no region becomes the stub entirely.
    Unbalanced markers raise :class:`ConfigError` naming ``where`` and the cell.

    >>> nb = {"cells": [_cell("def f():\\n    ### BEGIN SOLUTION\\n    return 42\\n    ### END SOLUTION")]}
    >>> print(source_of(clear_solutions(nb)["cells"][0]))
    def f():
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    _check_language(notebook, where)
    result = copy.deepcopy(notebook)
    for number, cell in enumerate(result["cells"], start=1):
        stub = CODE_STUB if cell["cell_type"] == "code" else TEXT_STUB
        source, replaced = _replace_regions(source_of(cell), stub, f"{where}, cell {number}")
        if not replaced and is_solution_cell(cell):
            source = stub
        cell["source"] = source
    return result


def student_edition(notebook: dict, clear_outputs: bool = True, where: str = "notebook") -> dict:
    """The student edition of a lesson notebook (see the module docstring).

    >>> nb = {"metadata": {"kernelspec": {"language": "python"}}, "cells": [
    ...     _cell("### BEGIN SOLUTION\\nanswer = 42\\n### END SOLUTION", jupyter={"source_hidden": True}),
    ...     _cell("print('key')", tags=[INSTRUCTOR_TAG])]}
    >>> student = student_edition(nb)
    >>> [source_of(c) for c in student["cells"]], student["cells"][0]["metadata"]
    (['# YOUR CODE HERE\\nraise NotImplementedError()'], {})
    """
    kept = [c for c in notebook["cells"] if INSTRUCTOR_TAG not in c.get("metadata", {}).get("tags", [])]
    flags = [is_solution_cell(c) for c in kept]
    result = clear_solutions({**notebook, "cells": kept}, where)
    result.get("metadata", {}).pop("celltoolbar", None)  # as nbgrader does
    if clear_outputs:  # saved widget state only serves the outputs just cleared
        result.get("metadata", {}).pop("widgets", None)
    for cell, was_solution in zip(result["cells"], flags):
        if was_solution:
            _show_source(cell)
        if cell["cell_type"] == "code" and (clear_outputs or was_solution):
            cell["outputs"], cell["execution_count"] = [], None
            cell.get("metadata", {}).pop("execution", None)
    return result


def collapse_solutions(notebook: dict) -> dict:
    """A copy of ``notebook`` whose solution cells are collapsed in JupyterLab (the instructor edition).

    >>> nb = {"cells": [_cell("### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION")]}
    >>> collapse_solutions(nb)["cells"][0]["metadata"]
    {'jupyter': {'source_hidden': True}}
    """
    result = copy.deepcopy(notebook)
    for index in solution_cells(result):
        result["cells"][index].setdefault("metadata", {}).setdefault("jupyter", {})["source_hidden"] = True
    return result


def secret_lines(notebook: dict) -> set[str]:
    """The lines a student must not see: inside solution regions, in solution-metadata cells
    and in instructor-only cells; lines that also appear in the public part are not secret.

    >>> nb = {"cells": [_cell("import pandas as pd"),
    ...                 _cell("### BEGIN SOLUTION\\nimport pandas as pd\\nanswer = 42\\n### END SOLUTION")]}
    >>> sorted(secret_lines(nb))
    ['answer = 42']
    """
    secret, public = set(), set()
    for cell in notebook["cells"]:
        lines = source_of(cell).split("\n")
        instructor_only = INSTRUCTOR_TAG in cell.get("metadata", {}).get("tags", [])
        whole_cell = instructor_only or (is_solution_cell(cell) and BEGIN not in source_of(cell))
        inside = False
        for line in lines:
            if BEGIN in line or END in line:
                inside = BEGIN in line
                continue
            (secret if inside or whole_cell else public).add(line.strip())
    return secret - public - {""}


def find_leaks(student: dict, instructor: dict) -> list[str]:
    """Secret lines of ``instructor`` found in ``student`` (in a cell's source or text output), sorted.

    >>> nb = {"cells": [_cell("### BEGIN SOLUTION\\nanswer = 42\\n### END SOLUTION")]}
    >>> find_leaks(nb, nb), find_leaks(clear_solutions(nb), nb)
    (['answer = 42'], [])
    """
    seen = {line.strip() for text in _texts(student) for line in text.split("\n")}
    return sorted(secret_lines(instructor) & seen)


def _replace_regions(source: str, stub: str, where: str) -> tuple[str, bool]:
    """Replace each BEGIN ... END region by ``stub``, indented like its BEGIN line."""
    lines, inside, replaced = [], False, False
    for line in source.split("\n"):
        if BEGIN in line:
            if inside:
                raise ConfigError(f"{where}: a second '### {BEGIN}' before '### {END}' (regions cannot nest)")
            inside = replaced = True
            indent = re.match(r"\s*", line).group(0)
            lines += [indent + stub_line for stub_line in stub.split("\n")]
        elif END in line:
            if not inside:
                raise ConfigError(f"{where}: '### {END}' without a '### {BEGIN}' before it")
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise ConfigError(f"{where}: '### {BEGIN}' without a matching '### {END}'")
    return "\n".join(lines), replaced


def _show_source(cell: dict) -> None:
    """Undo the instructor edition's collapse, so the student sees where to write."""
    jupyter = cell.get("metadata", {}).get("jupyter")
    if isinstance(jupyter, dict):
        jupyter.pop("source_hidden", None)
        if not jupyter:
            del cell["metadata"]["jupyter"]


def _texts(notebook: dict):
    """Every source and every text output of a notebook."""
    for cell in notebook["cells"]:
        yield source_of(cell)
        for output in cell.get("outputs", []):
            for value in [output.get("text", ""), *output.get("data", {}).values(), *output.get("traceback", [])]:
                if isinstance(value, (str, list)):
                    yield "".join(value) if isinstance(value, list) else value


def _check_language(notebook: dict, where: str) -> None:
    language = notebook.get("metadata", {}).get("kernelspec", {}).get("language", "python")
    if language != "python":
        raise ConfigError(f"{where}: kernel language {language!r} is not supported; the solution stub is Python ('python')")


def _cell(source: str, cell_type: str = "code", tags=None, **metadata) -> dict:
    """A minimal cell (for the examples above)."""
    cell = {"cell_type": cell_type, "metadata": {**metadata, **({"tags": tags} if tags else {})}, "source": source}
    return {**cell, "outputs": [], "execution_count": None} if cell_type == "code" else cell
