"""Checks of ``flow-identity``: collect (data quality per system), store (identity resolution), the warehouse.

Missing emails per source system and revenue per region are the flow lesson's questions
(:mod:`crmkit.teach.lessons.flow`); the two identity questions count the people the
exact-email baseline (:func:`crmkit.analytics.exact_email_links`) and the fuzzy matcher
(:func:`crmkit.analytics.resolve_identities`, its defaults) find in the student's records.
"""

from __future__ import annotations

from crmkit.analytics.identity import exact_email_links, resolve_identities
from crmkit.teach.exercises import Exercise, Mistake
from crmkit.teach.lessons.flow import MISSING_EMAIL, REGION_REVENUE

__all__ = ["EXERCISES"]


def _people(links) -> int:
    return int(links["entity_id"].nunique())


def _distinct_emails(w) -> int:
    return int(w.source_records["email"].dropna().str.strip().str.lower().nunique())


EXACT_PEOPLE = Exercise(
    "exact_email_people",
    "Store centrally, the baseline: call two records the same person when their **emails are equal after trimming "
    "spaces and lower-casing**, and a record without an email a person of its own "
    "(`ck.analytics.exact_email_links(world.source_records)` builds those links). **How many people** does it find "
    "in `source_records`? One whole number.",
    reference=lambda w: _people(exact_email_links(w.source_records)),
    mistakes=[
        Mistake("dropped_missing", "You counted distinct emails only, so the records without an email vanished. Each "
                "of them is a person of its own in this baseline: add them.", answer=_distinct_emails),
        Mistake("missing_together", "You counted all records without an email as one person (the missing value "
                "became a key of its own). Each is a person of its own.",
                answer=lambda w: _distinct_emails(w) + int(w.source_records["email"].isna().any())),
        Mistake("records", "You counted records, not people: merge the records with the same email first.",
                answer=lambda w: len(w.source_records)),
    ])

FUZZY_PEOPLE = Exercise(
    "fuzzy_people",
    "Store centrally, the fuzzy matcher: `ck.analytics.resolve_identities(world.source_records)` (its default "
    "threshold) also merges records whose names, phones and cities agree closely. **How many people** does it find? "
    "One whole number.",
    reference=lambda w: _people(resolve_identities(w.source_records)),
    mistakes=[
        Mistake("exact_baseline", "That is the exact-email baseline's count; the question asks for the fuzzy "
                "matcher's (resolve_identities).", answer=lambda w: _people(exact_email_links(w.source_records))),
        Mistake("records", "You counted records (rows of the links), not people: count the distinct entity_id.",
                answer=lambda w: len(w.source_records)),
    ])

EXERCISES = (MISSING_EMAIL, EXACT_PEOPLE, FUZZY_PEOPLE, REGION_REVENUE)
