"""``crmkit student-edition``: build student editions of lesson notebooks (solutions removed).

``crmkit/cli.py`` calls :func:`register` with its argparse sub-parsers::

    crmkit student-edition notebooks/ --out student/
    crmkit student-edition notebooks/03_rfm.ipynb notebooks/04_clv.ipynb --out student/ --keep-outputs
    crmkit student-edition notebooks/ --out lessons/ --solutions crmkit/teach/data/solutions.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crmkit._files import write_atomically
from crmkit.teach.notebook_files import build_student_editions, notebook_paths, read_notebook
from crmkit.teach.solutions import gather_solutions, solutions_json

__all__ = ["register", "run_student_edition"]


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``student-edition`` command to ``subparsers``.

    >>> parser = argparse.ArgumentParser(prog="crmkit")
    >>> _ = register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["student-edition", "a.ipynb", "lessons/", "--out", "student"])
    >>> args.sources, args.out, args.keep_outputs, args.solutions, args.func.__name__
    (['a.ipynb', 'lessons/'], 'student', False, None, 'run_student_edition')
    """
    command = subparsers.add_parser(
        "student-edition", help="write notebooks with every ### BEGIN SOLUTION ... ### END SOLUTION region removed",
        description="Write the student edition of each notebook: solution regions become "
                    "'# YOUR CODE HERE / raise NotImplementedError()', cells tagged instructor-only are dropped, "
                    "outputs are cleared, and the result is checked for leaked solution lines.")
    command.add_argument("sources", nargs="+", metavar="SRC", help="a notebook, or a folder of notebooks")
    command.add_argument("--out", required=True, help="the folder to write the student editions into")
    command.add_argument("--keep-outputs", action="store_true",
                         help="keep the outputs of cells other than solution cells (they may show answers)")
    command.add_argument("--solutions", metavar="FILE",
                         help="also write the solutions, by lesson topic and exercise, as JSON to FILE "
                              "(the kit's copy, crmkit/teach/data/solutions.json, feeds checks.solution(name))")
    command.set_defaults(func=run_student_edition)
    return command


def run_student_edition(args) -> int:
    """Build the editions and print each file written; errors propagate as ``CrmkitError``
    (``crmkit.cli.main`` prints them in one line and exits with 2)."""
    for path in build_student_editions(args.sources, args.out, clear_outputs=not args.keep_outputs):
        print(f"wrote {path}")
    if args.solutions:
        solutions = gather_solutions((path.name, read_notebook(path)) for path in notebook_paths(args.sources))
        print(f"wrote {write_atomically(Path(args.solutions), solutions_json(solutions))}")
    return 0
