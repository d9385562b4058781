"""Exercises of "Using the library: research the WBS" (notebooks/14_pschse_implementation_project.ipynb).

The kit cannot check what a learner read. It checks what reading makes possible: applying a WBS
rule from the literature (the 100% rule of the PMI Practice Standard) to the plan bound to the
checks, and a reference list whose form holds up (:func:`crmkit.frameworks.reference_check.check_references`).
:mod:`crmkit.teach.lessons.project` lists them with its own.
"""

from __future__ import annotations

import pandas as pd

from crmkit.frameworks.reference_check import check_references
from crmkit.planning import Plan
from crmkit.planning.checks import rolled_up_effort
from crmkit.teach import Exercise, Mistake

__all__ = ["LIBRARY_EXERCISES", "BUSINESS_CASE_HOURS", "EXAMPLE_REFERENCES"]

#: The hours per phase that the business case (deliverable 2.2) budgeted top-down, before the
#: team built the WBS bottom-up. Invented for teaching: three phases disagree with their children.
BUSINESS_CASE_HOURS = {"1": 300.0, "2": 136.0, "3": 112.0, "4": 336.0, "5": 960.0, "6": 248.0, "7": 312.0,
                       "8": 240.0, "9": 336.0, "10": 56.0}

#: References to check for their form. Only ``pmi_practice_standard`` is a real work (it is in the
#: kit's references.yaml); every ``example_`` entry is INVENTED for this exercise and is no source.
EXAMPLE_REFERENCES = [
    {"key": "pmi_practice_standard", "authors": "Project Management Institute", "year": 2006,
     "title": "Practice Standard for Work Breakdown Structures (2nd ed.)",
     "publisher": "Project Management Institute", "isbn": "1-933890-13-4"},
    {"key": "example_isbn", "authors": "Example, A.", "year": 2015, "title": "An invented WBS handbook (example)",
     "publisher": "Example Press", "isbn": "0-12-345678-0"},
    {"key": "example_doi", "authors": ["Example, B.", "Example, C."], "year": 2019,
     "title": "An invented article on the 100% rule (example)", "journal": "Example Journal of Projects",
     "doi": "10.12/wbs.2019.1"},
    {"key": "example_shared_copy", "authors": "Example, D.", "year": 2012,
     "title": "Invented lecture notes on work packages (example)", "publisher": "Example University",
     "url": "https://www.scribd.com/document/000000/example-wbs-notes"},
    {"key": "example_no_publisher", "authors": "Example, E.", "year": 2010,
     "title": "An invented guide to WBS dictionaries (example)", "url": "https://example.com/wbs-dictionaries"},
    {"key": "example_year", "authors": "Example, F.", "year": 2106, "title": "An invented 8/80 study (example)",
     "journal": "Example Review", "doi": "10.5555/example.8080"},
    # Well formed, yet invented: the form check cannot tell a made-up reference from a real one.
    {"key": "example_web_page", "authors": "Example, G.", "year": "n.d.", "title": "Invented WBS notes (example)",
     "publisher": "example.org", "url": "https://example.org/wbs-notes"},
]


# --- the 100% rule on the plan (seed topic 49) -------------------------------------------------------------


def _phases(plan: Plan) -> list[str]:
    return [task.code for task in plan.tasks if task.level == 1 and task.code in BUSINESS_CASE_HOURS]


def _children_minus_stated(plan: Plan, children) -> pd.Series:
    phases = _phases(plan)
    return pd.Series({code: children[code] - BUSINESS_CASE_HOURS[code] for code in phases}, dtype=float,
                     name="hours").rename_axis("phase")


def _all_gaps(plan: Plan) -> pd.Series:
    return _children_minus_stated(plan, rolled_up_effort(list(plan.tasks)))


def hundred_percent_rule(w) -> pd.Series:
    gaps = _all_gaps(w.config)
    return gaps[gaps != 0]


def _children(plan: Plan) -> pd.Series:
    return _all_gaps(plan) + pd.Series(BUSINESS_CASE_HOURS)[_phases(plan)].to_numpy()


def _direct_children(plan: Plan) -> dict[str, float]:
    """Each phase's children's *stated* hours only: blank for a deliverable, which rolls up."""
    return {code: sum(t.effort_hours or 0 for t in plan.tasks if t.parent == code) for code in _phases(plan)}


HUNDRED_PERCENT_RULE = Exercise(
    "hundred_percent_rule",
    "The business case budgeted hours per phase before the WBS was built (`BUSINESS_CASE_HOURS`). Apply the "
    "**100% rule**: the children of an element account for all of its work. **Which phases' children do not add "
    "up to the budgeted hours, and by how much?** Give a Series indexed by the phase's code with the children's "
    "hours minus the budgeted hours, for the phases that break the rule only.",
    reference=hundred_percent_rule,
    mistakes=[
        Mistake("budget_minus_children", "Right phases, wrong sign. The question asks for the children's hours "
                "minus the budget: positive where the team found work the business case left out.",
                answer=lambda w: -hundred_percent_rule(w)),
        Mistake("every_phase", "You listed every phase. Keep only those whose children do not add up to the "
                "budget (a gap other than 0): the others keep the rule.", answer=lambda w: _all_gaps(w.config)),
        Mistake("direct_children_only", "You added only the hours written on each phase's direct children. The "
                "deliverables carry no hours of their own: their work is in the work packages and activities "
                "below them. Roll the leaves' effort up to the phase.",
                answer=lambda w: _children_minus_stated(w.config, _direct_children(w.config))),
        Mistake("children_only", "Those are the children's hours, not the gap. Subtract the budgeted hours "
                "and keep the phases where the difference is not 0.", answer=lambda w: _children(w.config)),
    ])


# --- the form of a reference list (seed topic 49) ----------------------------------------------------------


def reference_problems(w) -> pd.Series:
    findings = check_references(EXAMPLE_REFERENCES, latest_year=2030)
    return findings.groupby("reference", sort=True)["field"].first().rename("field")


def _keys(answer) -> set[str]:
    return {str(key) for key in pd.Series(answer).index}


def _flags(key: str):
    """A test that the answer names ``key`` among the failing references (it passes the check)."""
    return lambda answer, w: key in _keys(answer)


REFERENCE_PROBLEMS = Exercise(
    "reference_problems",
    "Run `check_references(EXAMPLE_REFERENCES)`. **Which references fail the check, and on which field?** "
    "Give a Series indexed by the reference's key with the field that fails ('isbn', 'doi', 'url', "
    "'publisher', 'year', ...).",
    reference=reference_problems,
    mistakes=[
        Mistake("flagged_the_real_one", "pmi_practice_standard passes: its ISBN-10 check digit is right "
                "(1x10 + 9x9 + 3x8 + 3x7 + 8x6 + 9x5 + 0x4 + 1x3 + 3x2 + 4x1 = 242, a multiple of 11). Name only "
                "the references the check reports.", matches=_flags("pmi_practice_standard")),
        Mistake("flagged_the_invented_web_page", "example_web_page is invented, but its form is sound, so the "
                "check does not report it. That is the limit of a form check: it cannot tell a made-up reference "
                "from a real one; only finding the work in the library can.", matches=_flags("example_web_page")),
    ])


LIBRARY_EXERCISES = [HUNDRED_PERCENT_RULE, REFERENCE_PROBLEMS]
"""The exercises of the section "Using the library: research the WBS", in the lesson's order."""
