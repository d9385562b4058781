"""Exercises of the service lesson on why CRM lifts satisfaction
(notebooks/10_service_complaints_feedback.ipynb, section 1), listed in
:mod:`crmkit.teach.lessons.service`.

The course's first reason (customisation): how much happier the customers who get customised
offers answer, and how many more of them still buy. Its second (reliable processing): what an
order that went wrong costs in CSAT. Its third (managing the relationship over initiation, maintenance and termination):
the mean CSAT in each of Dwyer's phases, the phase in force when the customer answered.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.customisation import customisation_effect, customisation_outcomes
from crmkit.teach import Exercise, Mistake

__all__ = ["CUSTOMISED_NPS_GAP", "CUSTOMISED_RETENTION_GAP", "CSAT_GAP", "CSAT_BY_PHASE"]


def _labelled(values: pd.Series, name: str) -> pd.Series:
    """Float values on a text index called ``name`` (a categorical index sorts in its own order)."""
    return pd.Series(values.to_numpy(dtype=float), index=pd.Index(values.index.astype(str), name=name))


# --- customisation and satisfaction: customised offers against relationship NPS and retention ---------


def _end(w) -> pd.Timestamp:
    return pd.Timestamp(w.observed_until).normalize() + pd.Timedelta(days=1)


def _effect(w, measure: str, **options) -> float:
    outcomes = customisation_outcomes(w.customers, w.surveys, w.orders, as_of=_end(w), **options)
    return float(customisation_effect(outcomes).set_index("measure").loc[measure, "difference"])


def customised_nps_gap(w) -> float:
    return _effect(w, "satisfaction")


def _per_answer_gap(w) -> float:
    answers = w.surveys[(w.surveys["kind"] == "nps") & (w.surveys["trigger"] == "relationship")]
    customised = answers["customer_id"].map(w.customers.set_index("customer_id")["customised_offers"]).astype(bool)
    return float(answers.loc[customised, "score"].mean() - answers.loc[~customised, "score"].mean())


CUSTOMISED_NPS_GAP = Exercise(
    "customised_nps_gap",
    "Customisation and satisfaction: take the **relationship** NPS answers (`surveys` of kind 'nps' and trigger "
    "'relationship'), one mean score per customer. What is the mean of those customer means among the customers "
    "who get customised offers (`customers.customised_offers`) **minus** that among the others?",
    reference=customised_nps_gap,
    mistakes=[
        Mistake("answers_not_customers", "You averaged the answers, so a customer who answered in many waves counts "
                "many times. Take one mean score per customer first.", answer=_per_answer_gap),
        Mistake("every_trigger", "You kept every NPS answer. Answers after an order or a case come from customers "
                "who just bought or complained; keep the periodic relationship survey (trigger 'relationship').",
                answer=lambda w: _effect(w, "satisfaction", trigger=None)),
        Mistake("reversed", "Right size, wrong sign: you took the others minus the customised. The question asks "
                "customised minus the others.", answer=lambda w: -customised_nps_gap(w)),
    ],
    hint="group the answers by customer_id for the mean score, then map each customer's customised_offers.")


def customised_retention_gap(w) -> float:
    return _effect(w, "retention")


def _retention_of_everyone(w) -> float:
    """The gap with the newcomers kept: every customer counts, however recently they signed up."""
    recent = w.orders.loc[w.orders["ordered_at"] >= _end(w) - pd.Timedelta(days=180), "customer_id"]
    retained = w.customers["customer_id"].isin(recent)
    customised = w.customers["customised_offers"].astype(bool)
    return float(retained[customised].mean() - retained[~customised].mean())


CUSTOMISED_RETENTION_GAP = Exercise(
    "customised_retention_gap",
    "Customisation and loyalty: of the customers who signed up at least 365 days before the end of the data "
    "(`signup_date <= end - 365 days`), what share ordered in the last 180 days (`ordered_at >= end - 180 days`)? "
    "Give that share among the customers with customised offers **minus** the share among the others.",
    reference=customised_retention_gap,
    mistakes=[
        Mistake("newcomers_kept", "You kept the customers who signed up in the last year. They have not had the "
                "time to leave; judge only those who signed up at least 365 days before the end.",
                answer=_retention_of_everyone),
        Mistake("reversed", "Right size, wrong sign: you took the others minus the customised. The question asks "
                "customised minus the others.", answer=lambda w: -customised_retention_gap(w)),
    ],
    hint="end = world.observed_until + pd.Timedelta(days=1); a customer is retained when one of their orders is "
         "on or after end - 180 days.")


# --- reliable processing and satisfaction: the CSAT gap after orders that went wrong ---------------------


def _after_order(w, kinds=("csat",)) -> pd.DataFrame:
    answers = w.surveys[w.surveys["kind"].isin(kinds) & w.surveys["order_id"].notna()]
    return answers.merge(w.orders[["order_id", "service_issue"]], on="order_id")


def _gap(answers: pd.DataFrame) -> float:
    went_wrong = answers["service_issue"].astype(str) != "none"
    return float(answers.loc[went_wrong, "score"].mean() - answers.loc[~went_wrong, "score"].mean())


def csat_gap_after_issues(w) -> float:
    return _gap(_after_order(w))


def _mean_of_issue_means(w) -> float:
    answers = _after_order(w)
    went_wrong = answers["service_issue"].astype(str) != "none"
    per_issue = answers[went_wrong].groupby(answers.loc[went_wrong, "service_issue"].astype(str))["score"].mean()
    return float(per_issue.mean() - answers.loc[~went_wrong, "score"].mean())


CSAT_GAP = Exercise(
    "csat_gap_after_issues",
    "Reliable processing and satisfaction: take the **CSAT** answers about an order (`surveys` of kind 'csat' "
    "with an `order_id`) and the order's `service_issue`. What is the mean score after orders that **went wrong** "
    "(any issue other than 'none') **minus** the mean score after orders without an issue?",
    reference=csat_gap_after_issues,
    mistakes=[
        Mistake("nps_mixed", "You mixed in the NPS answers (scored 0 to 10) with the CSAT ones (1 to 5). Keep the "
                "kind 'csat' first.", answer=lambda w: _gap(_after_order(w, kinds=("csat", "nps")))),
        Mistake("reversed", "Right size, wrong sign: you took the orders without an issue minus those that went "
                "wrong. The question asks went-wrong minus fine, so the gap is negative when issues cost "
                "satisfaction.", answer=lambda w: -csat_gap_after_issues(w)),
        Mistake("mean_of_means", "You averaged the means of the three kinds of issue, so a rare issue weighs as "
                "much as a common one. Take the mean over all the answers after orders that went wrong.",
                answer=_mean_of_issue_means),
    ],
    hint="merge the surveys with orders[['order_id', 'service_issue']] on order_id.")


# --- satisfaction over the relationship's phases (initiation, maintenance, termination) ------------------

PHASES = ["awareness", "exploration", "expansion", "commitment", "dissolution"]


def _csat(w, kinds=("csat",)) -> pd.DataFrame:
    return w.surveys[w.surveys["kind"].isin(kinds)][["survey_id", "customer_id", "responded_at", "score"]]


def _phase_at_answer(w, kinds=("csat",)) -> pd.DataFrame:
    """Each answer with the phase its customer was in when answering (the truth's phases)."""
    both = _csat(w, kinds).merge(w.truth.phases[["customer_id", "phase", "started_at", "ended_at"]], on="customer_id")
    inside = (both["started_at"] <= both["responded_at"]) & (both["ended_at"].isna() | (both["responded_at"] < both["ended_at"]))
    return both[inside]


def _by_phase(answers: pd.DataFrame, how: str = "mean") -> pd.Series:
    grouped = answers.groupby(answers["phase"].astype(str))["score"]
    table = grouped.mean() if how == "mean" else grouped.size().astype(float)
    return _labelled(table.reindex([p for p in PHASES if p in table.index]), "phase")


def csat_by_phase(w) -> pd.Series:
    return _by_phase(_phase_at_answer(w))


def _phase_at_end(w) -> pd.Series:
    last = w.truth.phases.sort_values("started_at").groupby("customer_id")["phase"].last().astype(str)
    answers = _csat(w)
    return _by_phase(answers.assign(phase=answers["customer_id"].map(last)).dropna(subset=["phase"]))


CSAT_BY_PHASE = Exercise(
    "csat_by_phase",
    "Managing the relationship over its phases: for each **CSAT** answer (`surveys` of kind 'csat'), find the phase "
    "its customer was in **when answering** (`world.truth.phases`: a row is in force from `started_at` until "
    "`ended_at`, empty = still in force). What is the mean score per phase? Give a Series indexed by phase, only "
    "the phases with answers.",
    reference=csat_by_phase,
    mistakes=[
        Mistake("phase_at_end", "You used each customer's last phase, the one at the end of the data. An answer "
                "given during exploration belongs to exploration: take the phase in force at responded_at.",
                answer=_phase_at_end),
        Mistake("nps_mixed", "You mixed in the NPS answers (0 to 10) with the CSAT ones (1 to 5). Keep kind 'csat'.",
                answer=lambda w: _by_phase(_phase_at_answer(w, kinds=("csat", "nps")))),
        Mistake("count_not_mean", "You counted the answers per phase; the question asks for their mean score.",
                answer=lambda w: _by_phase(_phase_at_answer(w), how="size")),
    ],
    uses_truth=True,
    hint="merge the answers with the phases on customer_id, then keep the rows where started_at <= responded_at "
         "and (ended_at is empty or responded_at < ended_at).")
