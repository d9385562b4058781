"""The course's 78 seed topics, kept as data in the kit: every taught topic resolves to a lesson
section, importable functions and an exercise checked in that lesson; the rest are on an explicit
``not_yet`` list that may only shrink."""

from __future__ import annotations

import importlib
import json
import re
from functools import cache
from pathlib import Path

import pytest

from crmkit.frameworks.seed_topics import seed_topics, not_yet
from crmkit.teach import lessons

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TOPICS = seed_topics()
TAUGHT = [topic for topic in TOPICS if topic.id not in not_yet()]
# The ceiling of the not_yet list: lower it when a topic becomes taught, never raise it.
NOT_YET_CEILING = 0


@cache
def _cells(lesson: str) -> tuple[list[str], str]:
    notebook = json.loads((NOTEBOOKS / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    headings = [line.lstrip("#").strip() for cell in notebook["cells"] if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if line.startswith("#")]
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    return headings, code


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_the_list_has_the_78_topics_of_the_course_in_order():
    assert [topic.id for topic in TOPICS] == list(range(1, 79))
    assert all(topic.topic.strip() for topic in TOPICS)


def test_not_yet_names_known_topics_with_a_reason_and_only_shrinks():
    ids = {topic.id for topic in TOPICS}
    assert set(not_yet()) <= ids
    assert all(reason.strip() for reason in not_yet().values())
    print(f"\nnot yet taught ({len(not_yet())} of {len(TOPICS)}):")
    for key, reason in sorted(not_yet().items()):
        print(f"  {key:2d}. {reason}")
    assert len(not_yet()) <= NOT_YET_CEILING, "the not_yet list grew: teach the topic instead"


def test_a_topic_on_not_yet_has_no_half_link_and_a_taught_one_is_complete():
    for topic in TOPICS:
        if topic.id in not_yet():
            assert not (topic.lesson or topic.section or topic.exercises), f"topic {topic.id} is on not_yet but linked"
        else:
            assert topic.is_taught and topic.functions, f"topic {topic.id} has no lesson section or exercise"


@pytest.mark.parametrize("topic", TAUGHT, ids=lambda topic: f"topic{topic.id}")
def test_a_taught_topic_resolves_to_a_section_functions_and_a_checked_exercise(topic):
    headings, code = _cells(topic.lesson)
    assert topic.section in headings, f"topic {topic.id}: no heading {topic.section!r} in {topic.lesson}"
    for dotted in topic.functions:
        assert callable(_resolve(dotted)), f"topic {topic.id}: {dotted} is not a function"
    for reference in topic.exercises:
        lesson_topic, _, name = reference.partition(".")
        assert name in [exercise.name for exercise in lessons.exercises(lesson_topic)], reference
        assert re.search(rf"\.check\(\s*[\"']{name}[\"']", code), f"topic {topic.id}: {name} is not checked in {topic.lesson}"
