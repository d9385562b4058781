"""The lessons' exercises, one module per lesson topic, each listing its ``EXERCISES``.

In a lesson notebook::

    checks = ck.teach.lessons.checks("flow", world)   # bound to the learner's own world
    checks.check("best_customers", my_answer)          # instant, specific feedback

Lessons let checks read the world's truth (the learner owns the world); graded
assignments use :mod:`crmkit.teach.assignments` instead.
"""

from __future__ import annotations

import importlib

from crmkit.errors import ConfigError, describe_allowed

TOPICS = (
    "start", "flow", "types", "processes", "idic", "payne", "value_chain", "lifecycle", "sales",
    "campaigns", "service", "privacy", "cases", "project",
)


def exercises(topic: str) -> list:
    """The exercises of one lesson topic (a list of :class:`crmkit.teach.Exercise`)."""
    if topic not in TOPICS:
        raise ConfigError(f"unknown lesson topic {topic!r}: {describe_allowed(TOPICS)}")
    try:
        module = importlib.import_module(f"crmkit.teach.lessons.{topic}")
    except ModuleNotFoundError as error:
        if error.name != f"crmkit.teach.lessons.{topic}":
            raise
        raise ConfigError(f"lesson topic {topic!r} has no exercises yet") from None
    return list(module.EXERCISES)


def checks(topic: str, world):
    """An :class:`~crmkit.teach.ExerciseSet` of one topic's exercises bound to ``world``
    (checks may use its truth: in a lesson the learner owns the world), with the lesson's
    worked solutions for ``checks.solution(name)`` after a first attempt."""
    from crmkit.teach.exercise_set import ExerciseSet
    from crmkit.teach.solutions import shipped_solutions

    return ExerciseSet(world, exercises(topic), source="truth", solutions=shipped_solutions(topic))
