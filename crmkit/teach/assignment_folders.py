"""Assignments declared as data: one folder each in ``crmkit/teach/data/assignments/``.

Adding an assignment is a folder plus a checks module. The folder (named like the
assignment, ``-`` written ``_``) holds ``assignment.yaml``::

    name: campaign-uplift                # what `crmkit assignment build --template` takes
    title: ...                           # the notebook's heading
    topic: campaign uplift against the control group
    case: pschse                         # the case every student's world is simulated from
    customers: 1500                      # default world size
    customers_remark: why that many
    min_customers: 300                   # optional (default 100): the smallest world every question works on
    min_customers_remark: why
    hand_in: what the student hands in
    checks: campaign_uplift              # the module crmkit.teach.assignment_sets.<checks>
    intro: |                             # optional, Markdown after the common introduction
    setup: |                             # optional, code run after loading the world
    questions:                           # in the notebook's order
      - name: uplift_per_campaign        # an exercise of the checks module's EXERCISES
        points: 4
        remark: why it is worth that much
        answer: my_uplift                # the variable the solution sets
        solution: |                      # the instructor's solution (removed for students)
        note: ...                        # optional, Markdown after the question

The checks module lists ``EXERCISES`` (each question's reference, typical mistakes and
tolerance, computed with :mod:`crmkit.analytics` on the student's world and truth) and, for
questions scored against the truth, ``BENCHMARKS`` (the naive forecast each is scored
against). The notebook is written from the YAML (:meth:`Assignment.template`).
"""

from __future__ import annotations

import importlib
from importlib import resources
from types import MappingProxyType

import yaml

from crmkit.errors import ConfigError
from crmkit.teach.assignment_spec import Assignment

__all__ = ["folder_assignments", "read_folder"]

_REQUIRED = ("name", "title", "topic", "case", "customers", "hand_in", "checks", "questions")
_QUESTION = ("name", "points", "remark", "answer", "solution")


def folder_assignments() -> tuple[Assignment, ...]:
    """Every assignment declared by a folder, sorted by folder name."""
    root = resources.files("crmkit.teach").joinpath("data", "assignments")
    folders = sorted((entry for entry in root.iterdir() if entry.is_dir() and entry.joinpath("assignment.yaml").is_file()),
                     key=lambda entry: entry.name)
    return tuple(read_folder(entry.joinpath("assignment.yaml").read_text(encoding="utf-8"), entry.name) for entry in folders)


def read_folder(text: str, where: str) -> Assignment:
    """The :class:`Assignment` declared by the text of an ``assignment.yaml`` (``where`` names it in errors)."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ConfigError(f"assignment folder {where!r}: assignment.yaml must be a mapping of {', '.join(_REQUIRED)}")
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise ConfigError(f"assignment folder {where!r}: assignment.yaml has no {missing[0]!r}; it needs "
                          f"{', '.join(_REQUIRED)}")
    module = _checks_module(data["checks"], where)
    exercises = {e.name: e for e in module.EXERCISES}
    questions = {}
    for question in data["questions"]:
        absent = [key for key in _QUESTION if key not in question]
        if absent:
            raise ConfigError(f"assignment folder {where!r}: question {question.get('name')!r} has no {absent[0]!r}; "
                              f"each question needs {', '.join(_QUESTION)}")
        if question["name"] not in exercises:
            raise ConfigError(f"assignment folder {where!r}: question {question['name']!r} is not an exercise of "
                              f"crmkit.teach.assignment_sets.{data['checks']} ({', '.join(exercises)})")
        questions[question["name"]] = MappingProxyType(dict(question))
    layout = MappingProxyType({"intro": data.get("intro", ""), "setup": data.get("setup", ""),
                               "questions": MappingProxyType(questions)})
    return Assignment(name=data["name"], title=data["title"], case=data["case"], customers=int(data["customers"]),
                      notebook=f"{where}/assignment.yaml", exercises=tuple(exercises[n] for n in questions),
                      points={n: q["points"] for n, q in questions.items()},
                      benchmarks=getattr(module, "BENCHMARKS", {}), topic=data["topic"], hand_in=data["hand_in"],
                      layout=layout, min_customers=int(data.get("min_customers", 100)))


def _checks_module(name, where: str):
    if not isinstance(name, str) or not name.isidentifier():
        raise ConfigError(f"assignment folder {where!r}: checks = {name!r} must name a module of "
                          "crmkit.teach.assignment_sets (a Python name)")
    try:
        return importlib.import_module(f"crmkit.teach.assignment_sets.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"crmkit.teach.assignment_sets.{name}":
            raise
        raise ConfigError(f"assignment folder {where!r}: checks module crmkit.teach.assignment_sets.{name} "
                          "does not exist") from None
