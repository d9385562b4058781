"""``crmkit assignment ...``: per-student assignments from a roster to graded results.

``crmkit/cli.py`` calls :func:`register` with its argparse sub-parsers::

    crmkit assignment list
    crmkit assignment build --course crm101 --assignment rfm-basics --roster roster.csv --out rfm/
    crmkit assignment grade rfm/ submissions/
    crmkit assignment export-nbgrader rfm/ --course-dir nbgrader-course/
"""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``assignment list | build | grade | export-nbgrader`` to ``subparsers``.

    >>> parser = argparse.ArgumentParser(prog="crmkit")
    >>> _ = register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["assignment", "grade", "rfm", "subs", "--wall-seconds", "60"])
    >>> args.folder, args.submissions, args.wall_seconds, args.func.__name__
    ('rfm', 'subs', 60.0, '_grade')
    """
    command = subparsers.add_parser("assignment", help="per-student assignments: build, grade, export to nbgrader",
                                    description="Give each student their own world and notebook, then grade the "
                                                "submitted notebooks against the instructor's key.")
    actions = command.add_subparsers(dest="action", required=True)

    listing = actions.add_parser("list", help="the shipped assignments: name, topic, points, what to hand in")
    listing.set_defaults(func=_list)

    build = actions.add_parser("build", help="build each student's notebook and world, and the instructor's key")
    build.add_argument("--course", required=True, help="course id (part of every student's seed)")
    build.add_argument("--assignment", required=True, help="assignment id (part of every student's seed)")
    build.add_argument("--template", help="shipped assignment to use (default: the --assignment id); e.g. rfm-basics")
    build.add_argument("--roster", required=True, help="CSV file with a student_id column")
    build.add_argument("--out", required=True, help="folder to write students/ and instructor/ into")
    build.add_argument("--secret-file", help="instructor secret (hex); created if missing "
                                             "(default: OUT/instructor/secret.key; or set CRMKIT_ASSIGNMENT_SECRET)")
    build.add_argument("--customers", type=int, help="customers per world (default: the assignment's own)")
    build.add_argument("--format", default="parquet", choices=["parquet", "csv"], help="how the tables are written")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.set_defaults(func=_build)

    grade = actions.add_parser("grade", help="run each submitted notebook in a sandbox and grade it from the key")
    grade.add_argument("folder", help="the folder written by `crmkit assignment build`")
    grade.add_argument("submissions", help="folder with submissions/<student_id>/<notebook>.ipynb")
    grade.add_argument("--wall-seconds", type=float, default=300.0, help="time limit per notebook (default 300)")
    grade.add_argument("--cell-seconds", type=float, default=60.0, help="time limit per cell (default 60)")
    grade.add_argument("--cpu-seconds", type=int, default=300, help="CPU limit per process (default 300)")
    grade.add_argument("--memory-mb", type=int, default=4096, help="address-space limit per process (default 4096)")
    grade.add_argument("--require-sandbox", action="store_true",
                       help="fail instead of running submissions as the current user when not root")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.set_defaults(func=_grade)

    export = actions.add_parser("export-nbgrader", help="write the assignment as an nbgrader source notebook")
    export.add_argument("folder", help="the folder written by `crmkit assignment build`")
    export.add_argument("--course-dir", required=True, help="the nbgrader course folder (source/ is written into it)")
    export.set_defaults(func=_export)
    return command


def assignment_table():
    """One row per shipped assignment: name, topic, points (those the instructor grades said apart), hand in.

    >>> assignment_table().set_index("name").loc["rfm-basics", "points"]
    '10'
    """
    import pandas as pd

    from crmkit.teach.assignment_library import ASSIGNMENTS

    rows = [{"name": a.name, "topic": a.topic, "questions": len(a.exercises),
             "points": f"{a.max_points - a.instructor_points:g}" + (f" + {a.instructor_points:g} by the instructor"
                                                                    if a.instructor_points else ""),
             "hand in": a.hand_in} for a in ASSIGNMENTS.values()]
    return pd.DataFrame(rows, columns=["name", "topic", "questions", "points", "hand in"])


def _list(args) -> int:
    table = assignment_table().astype(str)
    widths = {c: max(len(c), *table[c].str.len()) for c in table.columns}
    for row in [dict(zip(table.columns, table.columns)), *table.to_dict("records")]:
        print("  ".join(row[c].ljust(widths[c]) for c in table.columns).rstrip())
    print("build one with: crmkit assignment build --course C --assignment NAME --roster roster.csv --out FOLDER")
    return 0


def _build(args) -> int:
    from crmkit.teach.assignments import build_assignment

    manifest = build_assignment(args.course, args.assignment, args.roster, args.out, template=args.template,
                                secret_file=args.secret_file, customers=args.customers, format=args.format,
                                progress=not args.quiet)
    print(f"built {len(manifest['students'])} student folders in {args.out}/students/ and the key in "
          f"{args.out}/instructor/ (keep that folder private)")
    for warning in manifest["warnings"]:
        print(f"warning: {warning}")
    return 0


def _grade(args) -> int:
    from crmkit.teach.grading import grade_assignment
    from crmkit.teach.sandbox import Limits

    limits = Limits(wall_seconds=args.wall_seconds, cell_seconds=args.cell_seconds, cpu_seconds=args.cpu_seconds,
                    memory_bytes=args.memory_mb * 2**20)
    report = grade_assignment(args.folder, args.submissions, limits=limits, require_isolation=args.require_sandbox,
                              progress=not args.quiet)
    print(report.totals[["student_id", "points", "max_points", "run_status", "seconds"]].to_string(index=False))
    for warning in sorted(set(report.totals["warning"]) - {""}):
        print(f"warning: {warning}")
    print(f"wrote {report.folder / 'grades.csv'}, {report.folder / 'totals.csv'}, the gradebook files "
          f"canvas_grades.csv and moodle_grades.csv, and feedback/<student_id>.md for each student")
    return 0


def _export(args) -> int:
    from crmkit.teach.nbgrader_export import export_nbgrader

    path = export_nbgrader(args.folder, args.course_dir)
    print(f"wrote {path}; hand each student their world/ folder from {args.folder}/students/<id>/ too")
    return 0
