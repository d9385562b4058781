"""The plan as values: estimates, tasks, links and the plan itself (frozen dataclasses).

A plan is a WBS in outline order. Its leaves (work packages without activities, and
activities) carry a three-point duration estimate in working days and are what the
schedule computes; phases, deliverables and work packages with activities are summaries
whose dates roll up from their children. A milestone is an event, not work: it has its own
kind, sits under a phase or a deliverable, lasts 0 days and takes no effort.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from crmkit.errors import ConfigError
from crmkit.planning.calendar import WorkCalendar

KINDS = ("phase", "deliverable", "work_package", "activity", "milestone")
# 2,500 working days is ten years: a task longer than that is a programme of its own, and
# the bound keeps every date a plan computes (even a chain of a thousand such tasks) within
# the calendar. The longest task of the PSCHSE plan takes 35 days.
MAX_DAYS = 2_500
LINK_TYPES = ("FS", "SS", "FF", "SF")
# A rate above 10,000 an hour or more than ten full-time people in one resource is a typing
# slip (an annual salary typed as a rate, a percentage typed as units), not a plan.
MAX_RATE = 10_000
MAX_UNITS = 10


@dataclass(frozen=True)
class Estimate:
    """A three-point duration estimate in working days.

    >>> e = Estimate(2, 4, 12)
    >>> e.expected, round(e.variance, 3)
    (5.0, 2.778)
    """

    optimistic: float
    most_likely: float
    pessimistic: float

    def __post_init__(self):
        o, m, p = self.optimistic, self.most_likely, self.pessimistic
        if min(o, m, p) < 0 or not o <= m <= p <= MAX_DAYS:  # (NaN fails every comparison)
            raise ConfigError(
                f"estimate (optimistic, most_likely, pessimistic) is ({o:g}, {m:g}, {p:g}); allowed: working days "
                f"from 0 to {MAX_DAYS:,} with optimistic <= most_likely <= pessimistic"
            )

    @property
    def expected(self) -> float:
        """PERT expected duration, (o + 4m + p) / 6."""
        return (self.optimistic + 4 * self.most_likely + self.pessimistic) / 6

    @property
    def variance(self) -> float:
        """PERT variance, ((p - o) / 6) ** 2."""
        return ((self.pessimistic - self.optimistic) / 6) ** 2

    def widened(self, factor: float) -> Estimate:
        """Stretch both tails around the most likely value by ``factor``, never below zero.

        >>> Estimate(4, 5, 8).widened(2)
        Estimate(optimistic=3, most_likely=5, pessimistic=11)
        """
        m = self.most_likely
        low = max(0, m - (m - self.optimistic) * factor)
        return Estimate(low, m, m + (self.pessimistic - m) * factor)


@dataclass(frozen=True)
class Link:
    """A typed dependency: ``successor`` waits on ``predecessor`` (lag in working days).

    >>> str(Link("1.2", "1.3", "SS", 2)), str(Link("1.2", "1.3"))
    ('1.2SS+2', '1.2FS')
    """

    predecessor: str
    successor: str
    type: str = "FS"
    lag: int = 0

    def __post_init__(self):
        if self.type not in LINK_TYPES:
            raise ConfigError(f"link type of {self.successor} is {self.type!r}; allowed: one of FS, SS, FF, SF")
        if not -MAX_DAYS <= self.lag <= MAX_DAYS:
            raise ConfigError(f"lag of {self.predecessor} before {self.successor} is {self.lag:,} days; "
                              f"allowed: -{MAX_DAYS:,} to {MAX_DAYS:,} working days")

    @property
    def from_finish(self) -> bool:
        """Whether the link starts at the predecessor's finish (FS, FF) rather than its start."""
        return self.type in ("FS", "FF")

    @property
    def to_finish(self) -> bool:
        """Whether the link constrains the successor's finish (FF, SF) rather than its start."""
        return self.type in ("FF", "SF")

    def __str__(self) -> str:
        lag = f"{self.lag:+d}" if self.lag else ""
        return f"{self.predecessor}{self.type}{lag}"


def code_key(code: str) -> tuple[int, ...]:
    """Sort key that puts WBS codes in outline order ("1.10" after "1.9").

    >>> sorted(["1.10", "1.9", "2", "1"], key=code_key)
    ['1', '1.9', '1.10', '2']
    """
    return tuple(int(part) for part in code.split("."))


@dataclass(frozen=True)
class Task:
    """One WBS row: a phase, deliverable, work package or activity.

    >>> t = Task("6.2.1", "Migration design", "work_package")
    >>> t.level, t.parent
    (3, '6.2')
    """

    code: str
    name: str
    kind: str
    estimate: Estimate | None = None
    milestone: bool = False
    effort_hours: float | None = None
    resources: tuple[str, ...] = ()
    remark: str = ""

    @property
    def level(self) -> int:
        """Outline level: 1 for a phase code like "6", 3 for "6.2.1"."""
        return self.code.count(".") + 1

    @property
    def parent(self) -> str | None:
        """The parent's WBS code, or None at the top level."""
        return self.code.rpartition(".")[0] or None


@dataclass(frozen=True)
class Resource:
    """A person (or role) who does the work, with an hourly rate and availability.

    ``max_units`` is the share of a full working day the person gives the project (1 is
    full time), as in MS Project's Max. Units.

    >>> Resource("Ben", rate=95).capacity_hours(5, 8)
    40.0
    """

    name: str
    role: str = ""
    rate: float = 0.0
    max_units: float = 1.0

    def __post_init__(self):
        if not (isinstance(self.rate, (int, float)) and not isinstance(self.rate, bool) and 0 <= self.rate <= MAX_RATE):
            raise ConfigError(f"rate of {self.name} is {self.rate!r}; allowed: a number of currency units per hour "
                              f"from 0 to {MAX_RATE:,}")
        if not (isinstance(self.max_units, (int, float)) and not isinstance(self.max_units, bool)
                and 0 < self.max_units <= MAX_UNITS):
            raise ConfigError(f"max_units of {self.name} is {self.max_units!r}; allowed: a share of a working day "
                              f"above 0 and at most {MAX_UNITS} (1 is full time)")

    def capacity_hours(self, days: float, hours_per_day: float) -> float:
        """Hours this resource can work in ``days`` working days."""
        return float(days * hours_per_day * self.max_units)


@dataclass(frozen=True)
class Plan:
    """A project plan: tasks in outline order, links, calendar, start and launch dates.

    Build one with :func:`crmkit.planning.load_plan` or
    :func:`crmkit.planning.plan_from_table`, which check it first.
    """

    tasks: tuple[Task, ...]
    links: tuple[Link, ...] = ()
    start: dt.date = dt.date(2026, 1, 5)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    launch: dt.date | None = None
    launch_milestone: str | None = None
    name: str = "plan"
    title: str = ""
    resources: tuple[str, ...] = ()
    people: tuple[Resource, ...] = ()
    reserve_share: float = 0.0

    def person(self, name: str) -> Resource:
        """The resource called ``name``; a name without a row in plan.yaml costs nothing."""
        for person in self.people:
            if person.name == name:
                return person
        return Resource(name)

    def task(self, code: str) -> Task:
        """The task with WBS code ``code``."""
        for task in self.tasks:
            if task.code == code:
                return task
        raise ConfigError(f"wbs_code {code!r} is not in plan {self.name!r}; allowed: one of its WBS codes")

    def is_summary(self, code: str) -> bool:
        """Whether ``code`` has children (its dates roll up from them)."""
        prefix = code + "."
        return any(t.code.startswith(prefix) for t in self.tasks)

    @property
    def leaves(self) -> tuple[Task, ...]:
        """The tasks the schedule computes: those without children, in outline order."""
        return tuple(t for t in self.tasks if not self.is_summary(t.code))

    def with_estimates(self, transform) -> Plan:
        """A copy whose leaf estimates are ``transform(estimate)``."""
        tasks = tuple(replace(t, estimate=transform(t.estimate)) if t.estimate else t for t in self.tasks)
        return replace(self, tasks=tasks)
