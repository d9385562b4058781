"""The course's seed topics as data: which lesson section, functions and exercises teach each.

The CRM course material the kit is built from asks for 78 topics. ``seed_topics.yaml`` lists
them in the course's order; a topic is taught when a learner runs a lesson section on it and an
exercise checked against their own world tests it. A topic not taught yet would sit on an explicit
``not_yet`` list with what is missing (tests/frameworks/test_seed_topics.py resolves every link
and lets that list only shrink).

>>> from crmkit.frameworks.seed_topics import seed_topics, not_yet
>>> len(seed_topics())
78
>>> seed_topics()[4].section
'3. Collect at every touchpoint'
>>> not_yet()  # every topic is taught now
{}
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files


from crmkit import _yaml
from crmkit.errors import DataError

__all__ = ["SEED_TOPICS_FILE", "SeedTopic", "seed_topics", "not_yet"]

SEED_TOPICS_FILE = "seed_topics.yaml"
_WHERE = f"crmkit/frameworks/data/{SEED_TOPICS_FILE}"


@dataclass(frozen=True)
class SeedTopic:
    """One topic of the course and where the kit teaches it (empty fields: not taught yet)."""

    id: int
    topic: str
    lesson: str = ""
    section: str = ""
    functions: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()

    @property
    def is_taught(self) -> bool:
        """Whether the entry names a lesson section and at least one exercise."""
        return bool(self.lesson and self.section and self.exercises)


@cache
def _raw() -> dict:
    raw = _yaml.safe_load(files("crmkit.frameworks.data").joinpath(SEED_TOPICS_FILE).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("topics"), list):
        raise DataError(f"{_WHERE}: expected a mapping with a list 'topics'")
    return raw


def _topic(entry) -> SeedTopic:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), int) or not entry.get("topic"):
        raise DataError(f"{_WHERE}: topic {entry!r}: every topic needs an integer 'id' and a 'topic'")
    lists = {field: tuple(entry.get(field) or ()) for field in ("functions", "exercises")}
    return SeedTopic(entry["id"], str(entry["topic"]), str(entry.get("lesson") or ""),
                     str(entry.get("section") or ""), **lists)


def seed_topics() -> tuple[SeedTopic, ...]:
    """Every seed topic, in the course's order."""
    return tuple(_topic(entry) for entry in _raw()["topics"])


def not_yet() -> dict[int, str]:
    """The topics not taught yet: id -> what is missing."""
    listed = _raw().get("not_yet") or {}
    if not isinstance(listed, dict):
        raise DataError(f"{_WHERE}: 'not_yet' must map a topic id to what is missing")
    return {int(key): str(reason) for key, reason in listed.items()}
