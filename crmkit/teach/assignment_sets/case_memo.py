"""Checks of ``case-memo``: three model companies compared, with a recommendation backed by PSCHSE figures.

The memo follows ``case_studies/assignment_model_companies.md`` (its template and rubric).
Three parts: the PSCHSE figures the recommendation rests on, computed on the student's own
world and graded from the key (:data:`EVIDENCE`); the memo's structure and evidence, graded
automatically (:class:`~crmkit.teach.memo_checks.MemoExercise`: sections, length, sources,
the figures quoted); and its content, which a program cannot grade honestly: 0 points and
the rubric in the feedback, for the instructor (:class:`~crmkit.teach.memo_checks.RubricExercise`).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from crmkit.teach.exercises import Exercise, Mistake
from crmkit.teach.lessons.payne import retention_last_year
from crmkit.teach.memo_checks import MemoExercise, RubricExercise, rubric_from_markdown

__all__ = ["EXERCISES", "pschse_figures", "SECTIONS"]

#: The headings the template asks for once per company, and the closing section.
SECTIONS = ("What the company does", "CRM types and IDIC", "Why it is a model", "Limits and critiques",
            "My experience as a customer", "Voices of other customers", "Sources")
CLOSING = "Comparison and lessons"
COMPANIES = 3
#: 600-900 words per company and 300-500 for the comparison, with a fifth of slack either way.
WORDS = (int(0.8 * (COMPANIES * 600 + 300)), int(1.2 * (COMPANIES * 900 + 500)))


def pschse_figures(w, amount: str = "net_amount") -> pd.Series:
    """Top-decile share of spend, repeat rate and last year's retention of a PSCHSE world (shares 0-1)."""
    spend = w.orders.groupby("customer_id")[amount].sum().sort_values(ascending=False)
    per_buyer = w.orders.groupby("customer_id").size()
    values = {"top_decile_share": float(spend.head(int(0.1 * len(spend))).sum() / spend.sum()),
              "repeat_rate": float((per_buyer >= 2).mean()), "retention": float(retention_last_year(w))}
    return pd.Series(values, index=pd.Index(list(values), name="figure"))


EVIDENCE = Exercise(
    "pschse_figures",
    "The evidence for your recommendation, from **your own** PSCHSE world: a Series indexed by `figure` with three "
    "shares between 0 and 1: `top_decile_share` (the share of all spend, `net_amount`, from the 10 % of buyers who "
    "spent most: `int(0.1 * buyers)` of them), `repeat_rate` (the share of buyers with two or more orders) and "
    "`retention` (of the buyers of the year before the last observed year, the share who ordered in the last one).",
    reference=pschse_figures, rtol=1e-3,
    mistakes=[
        Mistake("gross", "You measured spend with gross_amount (list prices); spend is what customers paid, net_amount.",
                answer=lambda w: pschse_figures(w, "gross_amount")),
        Mistake("percentages", "You gave percentages (e.g. 41.3); the figures are shares between 0 and 1.",
                answer=lambda w: 100 * pschse_figures(w)),
    ])

MEMO = MemoExercise(
    "memo",
    f"Your memo, as one Markdown text (a str): the template of `case_studies/assignment_model_companies.md` once per "
    f"company (its sections {', '.join(repr(s) for s in SECTIONS)}, as `###` headings), for {COMPANIES} companies, "
    f"then a section `## {CLOSING}` whose recommendation for PSCHSE quotes your three figures as percentages with one "
    f"decimal (e.g. `41.3 %`). Graded automatically on five parts of equal weight: the sections, the closing section, "
    f"the length ({WORDS[0]}-{WORDS[1]} words outside the sources), at least two sources per company, your figures "
    "quoted. The content is graded by your instructor (next question).",
    reference=lambda w: "; ".join(SECTIONS), required=SECTIONS, copies=COMPANIES, closing=CLOSING, words=WORDS,
    evidence=lambda view: pschse_figures(view).to_dict())


def _rubric() -> tuple:
    text = resources.files("crmkit._case_studies").joinpath("assignment_model_companies.md").read_text(encoding="utf-8")
    return rubric_from_markdown(text)


RUBRIC = RubricExercise(
    "memo_rubric",
    "The content of the same memo (hand it in again here): graded by your instructor with the rubric of "
    "`case_studies/assignment_model_companies.md`, not by the grader, which gives these points as 0 until then.",
    reference=lambda w: "graded by the instructor", rubric=_rubric())

EXERCISES = (EVIDENCE, MEMO, RUBRIC)
