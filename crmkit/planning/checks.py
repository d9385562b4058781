"""Checks of a WBS: structure errors that stop scheduling, and guideline breaches.

Errors (a plan cannot be scheduled): bad cells, duplicate or orphan WBS codes, kinds in
the wrong order, leaves without estimates, links to unknown or summary tasks, cycles.
Warnings (the plan can be scheduled, but breaks a WBS guideline): the 100% rule (children's
effort adds up to the parent's stated effort; project management is in scope), the
8/80 guideline (8 to 80 hours of effort per work package), both from PMI practice as
quoted in the kit's ``case_facts.md`` §11, and milestones written as 0-hour work packages
or activities (a milestone is an event, not work: it gets the kind ``milestone``).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from crmkit.errors import ConfigError
from crmkit.planning.model import Link, Task, code_key
from crmkit.planning.table import parse_table

PARENT_KINDS = {
    "phase": (None,),
    "deliverable": (None, "phase"),
    "work_package": (None, "phase", "deliverable"),
    "activity": ("work_package",),
    "milestone": (None, "phase", "deliverable"),
}
WORK_PACKAGE_HOURS = (8, 80)


@dataclass(frozen=True)
class Finding:
    """One problem in a WBS, with what to do about it.

    >>> print(Finding("warning", "8/80", "5.1", "row 5.1: too big"))
    warning [8/80] row 5.1: too big
    """

    severity: str
    rule: str
    wbs_code: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity} [{self.rule}] {self.message}"


def check_table(source) -> list[Finding]:
    """Every problem in a WBS table (CSV path, DataFrame or list of rows), errors first.

    This is the exercise check: it never raises for the table's content, so a notebook
    can show all findings at once. An empty list means the table is a sound WBS.

    >>> rows = [
    ...     {"wbs_code": "1", "name": "Project management", "kind": "phase"},
    ...     {"wbs_code": "1.1", "name": "Charter", "kind": "work_package", "optimistic": 2,
    ...      "most_likely": 3, "pessimistic": 5, "effort_hours": 120, "predecessors": "1.9"},
    ... ]
    >>> for finding in check_table(rows):
    ...     print(finding)
    error [links] row 1.1: predecessor '1.9' is not in the table; allowed: the WBS code of a row
    warning [8/80] row 1.1: work package effort is 120 h; allowed: 8 to 80 hours (split it into smaller work packages)
    """
    findings: list[Finding] = []
    tasks, links = parse_table(source, lambda code, message: findings.append(Finding("error", "cell", code, message)))
    findings += structure_findings(tasks, links) + guideline_findings(tasks)
    return sorted(findings, key=lambda f: (f.severity != "error", _sort_key(f.wbs_code)))


def require_no_errors(findings: list[Finding]) -> None:
    """Raise :class:`ConfigError` with the first error's message, if there is an error."""
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        more = f" ({len(errors) - 1} more errors: see check_table)" if len(errors) > 1 else ""
        raise ConfigError(errors[0].message + more)


def _sort_key(code: str):
    try:
        return (0, code_key(code))
    except ValueError:
        return (1, ())


def _error(rule: str, code: str, message: str) -> Finding:
    return Finding("error", rule, code, f"row {code}: {message}")


def _warning(rule: str, code: str, message: str) -> Finding:
    return Finding("warning", rule, code, f"row {code}: {message}")


def structure_findings(tasks: list[Task], links: list[Link]) -> list[Finding]:
    """Errors in the outline and the links (see the module docstring)."""
    by_code: dict[str, Task] = {}
    findings = []
    for task in tasks:
        if task.code in by_code:
            findings.append(_error("outline", task.code, "wbs_code appears twice; allowed: each code once"))
        by_code[task.code] = task
    summaries = {task.parent for task in tasks if task.parent}
    for task in by_code.values():
        findings += _outline_findings(task, by_code, summaries)
    findings += _link_findings(links, by_code, summaries)
    return findings


def _outline_findings(task: Task, by_code: dict, summaries: set) -> list[Finding]:
    parent = by_code.get(task.parent) if task.parent else None
    if task.parent and parent is None:
        return [_error("outline", task.code,
                       f"parent {task.parent} is not in the table; allowed: add row {task.parent} or renumber")]
    if (parent.kind if parent else None) not in PARENT_KINDS[task.kind]:
        allowed = " or ".join(k or "the top level" for k in PARENT_KINDS[task.kind])
        where = f"under {parent.code} ({parent.kind})" if parent else "at the top level"
        return [_error("outline", task.code, f"kind {task.kind} {where}; allowed: a {task.kind} sits under {allowed}")]
    if task.code in summaries:
        if task.kind == "milestone":
            return [_error("outline", task.code, "milestone with rows below it; allowed: a milestone is an event "
                           "with nothing below it (make it a deliverable, or move the rows)")]
        if task.estimate and not task.milestone:
            return [_warning("outline", task.code, "is a summary but has durations; "
                             "allowed: durations on leaves only (they are ignored here)")]
        return []
    if task.kind in ("phase", "deliverable"):
        return [_error("100% rule", task.code, f"{task.kind} with nothing below it; "
                       "allowed: break it into work packages that cover all its work")]
    if task.estimate is None:
        return [_error("estimate", task.code, "optimistic, most_likely, pessimistic are blank; "
                       "allowed: three numbers of working days for a leaf")]
    return []


def _link_findings(links: list[Link], by_code: dict, summaries: set) -> list[Finding]:
    findings = []
    for link in links:
        if link.predecessor not in by_code:
            findings.append(_error("links", link.successor, f"predecessor {link.predecessor!r} is not in the table; "
                                   "allowed: the WBS code of a row"))
        elif {link.predecessor, link.successor} & summaries:
            findings.append(_error("links", link.successor, f"link {link} touches a summary; allowed: links between "
                                   "leaves (work packages without activities, or activities)"))
    cycle = find_cycle([link for link in links if link.predecessor in by_code])
    if cycle:
        findings.append(_error("links", cycle[0], f"dependency cycle {' -> '.join(cycle)}; "
                               "allowed: links that never lead back to the same task"))
    return findings


def find_cycle(links) -> list[str]:
    """The codes along one dependency cycle (first code repeated at the end), or [].

    >>> find_cycle([Link("1", "2"), Link("2", "3"), Link("3", "1", "SS")])
    ['1', '2', '3', '1']
    """
    graph = nx.DiGraph((link.predecessor, link.successor) for link in links)
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return []
    return [edges[0][0]] + [v for _, v in edges]


def guideline_findings(tasks: list[Task]) -> list[Finding]:
    """Warnings for the 100% rule and the 8/80 work-package guideline."""
    efforts = rolled_up_effort(tasks)
    parents = {t.parent for t in tasks}
    findings = _project_management_in_scope(tasks)
    for task in tasks:
        if task.code in parents:
            findings += _children_add_up(task, efforts[task.code])
        elif task.kind in ("work_package", "activity") and task.effort_hours is None and not task.milestone:
            findings.append(_warning("effort", task.code, "effort_hours is blank; "
                                     "allowed: person-hours >= 0 (needed for the 8/80 check)"))
        if task.kind == "work_package" and not task.milestone:
            findings += _eight_eighty(task, efforts[task.code])
        findings += _milestone_kind(task)
    return findings


def _milestone_kind(task: Task) -> list[Finding]:
    # A 0-hour "work package" inflates the count of work packages and hides an event inside
    # the work; the WBS holds work, the schedule holds events.
    if task.milestone and task.kind in ("work_package", "activity"):
        return [_warning("milestone", task.code, f"{task.kind} {task.name!r} is a 0-hour milestone; allowed: kind "
                         "milestone under its phase or deliverable (a milestone is an event, not work)")]
    if task.kind == "milestone" and task.effort_hours:
        return [_warning("milestone", task.code, f"milestone with effort_hours {task.effort_hours:g}; allowed: "
                         "0 or blank (put the work in the work package before it)")]
    return []


def _project_management_in_scope(tasks: list[Task]) -> list[Finding]:
    # The 100% rule counts the project's own management work; a WBS of phases often forgets it.
    if not any(t.kind == "phase" for t in tasks):
        return []
    if any(t.level == 1 and "project management" in t.name.lower() for t in tasks):
        return []
    return [_warning("100% rule", tasks[0].code, "no top-level element is named Project management; "
                     "allowed: a WBS that includes the project management work too")]


def _children_add_up(task: Task, children_hours: float) -> list[Finding]:
    if task.effort_hours is None or abs(children_hours - task.effort_hours) <= 1e-9:
        return []
    return [_warning("100% rule", task.code, f"children's effort adds up to {children_hours:g} h but the row states "
                     f"{task.effort_hours:g} h; allowed: children that sum to their parent "
                     "(add the missing work or correct the figure)")]


def _eight_eighty(task: Task, hours: float) -> list[Finding]:
    low, high = WORK_PACKAGE_HOURS
    if low <= hours <= high:
        return []
    advice = "split it into smaller work packages" if hours > high else "merge it with a sibling"
    return [_warning("8/80", task.code, f"work package effort is {hours:g} h; allowed: {low} to {high} hours ({advice})")]


def rolled_up_effort(tasks: list[Task]) -> dict[str, float]:
    """Effort per code: a leaf's own hours, a summary's sum of its children's.

    >>> rolled_up_effort([Task("1", "A", "phase"), Task("1.1", "B", "work_package", effort_hours=8),
    ...                   Task("1.2", "C", "work_package", effort_hours=16)])
    {'1': 24.0, '1.1': 8.0, '1.2': 16.0}
    """
    parents = {t.parent for t in tasks}
    effort = {t.code: 0.0 if t.code in parents else float(t.effort_hours or 0) for t in tasks}
    for task in sorted(tasks, key=lambda t: -t.level):
        if task.parent in effort:
            effort[task.parent] += effort[task.code]
    return effort
