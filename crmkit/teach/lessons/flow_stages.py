"""Exercises on the later stages of the flow-model lesson (notebooks/01_crm_flow_model.ipynb).

Segment (which segments hold the best customers), profile (what each segment's customers say
in their NPS answers: the feedback collected at the start of the chain, carried through) and
a challenge shown on data (silos: how many master rows several systems each saw a part of).
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.flow import identify_best
from crmkit.analytics.flow_chain import master_chain, segment_stage
from crmkit.analytics.rfm_fast import rfm_fast
from crmkit.analytics.value import probabilistic_clv
from crmkit.analytics.value_scoring import score_value, value_baselines
from crmkit.analytics.identity import customer_master, resolve_identities
from crmkit.teach import Exercise, Mistake

__all__ = ["SEGMENT_BEST_SHARE", "SEGMENT_NPS", "MASTER_VALUE_GAP", "MASTER_SILO_SHARE"]

_CACHE: dict = {}  # per world, the slow steps (k-means, identity resolution), computed once for all checks


def _once(w, name: str, compute):
    orders = w.tables["orders"]
    if _CACHE.get("orders") is not orders:
        _CACHE.clear()
        _CACHE["orders"] = orders
    if name not in _CACHE:
        _CACHE[name] = compute(w)
    return _CACHE[name]


def _segments(w) -> pd.DataFrame:
    return _once(w, "segments", lambda w: segment_stage(w, seed=int(w.config.seed)))


def _master(w) -> pd.DataFrame:
    return _once(w, "master", lambda w: customer_master(w.source_records, resolve_identities(w.source_records)))


# --- segment: where the best customers are ------------------------------------------------------------


def _best_by_segment(w, how: str = "mean", buyers_only: bool = False) -> pd.Series:
    best = identify_best(w.orders, w.observed_until)[["customer_id", "is_best"]]
    joined = _segments(w).merge(best, on="customer_id", how="inner" if buyers_only else "left")
    flags = joined["is_best"].fillna(False).astype(bool)
    return flags.groupby(joined["segment"]).agg(how).rename_axis("segment").rename("best_share")


SEGMENT_BEST_SHARE = Exercise(
    "segment_best_share",
    "Segment: for each segment in `flow.segments`, what **share of its customers are best customers** "
    "(`is_best` in `flow.best`; a customer who never bought is not a best customer)? Give a Series indexed "
    "by segment.",
    reference=_best_by_segment,
    mistakes=[
        Mistake("count", "You counted the best customers of each segment; the question asks for their share of "
                "the segment's customers: take the mean of is_best per segment.",
                answer=lambda w: _best_by_segment(w, "sum")),
        Mistake("buyers_only", "Your shares leave out the segment's customers who never bought (an inner merge "
                "with flow.best drops them). They are customers of the segment too, and not best ones: merge "
                "with how='left' and count them as not best.", answer=lambda w: _best_by_segment(w, buyers_only=True)),
        Mistake("share_of_best", "You divided each segment's best customers by all best customers (where the best "
                "customers are), not by the segment's own customers (how rich in best customers it is).",
                answer=lambda w: _best_by_segment(w, "sum").pipe(lambda s: s / s.sum())),
        Mistake("segment_size", "That is each segment's share of all customers, its size: the question asks, "
                "within each segment, for the share who are best customers.",
                answer=lambda w: _segments(w)["segment"].value_counts(normalize=True).sort_index()),
    ])


# --- profile: what each segment says ------------------------------------------------------------------


def _nps_by_segment(w, how: str = "mean", kinds=("nps",), per_customer: bool = False) -> pd.Series:
    answers = w.surveys[w.surveys["kind"].astype(str).isin(kinds)].merge(_segments(w), on="customer_id")
    if per_customer:
        answers = answers.groupby(["segment", "customer_id"], as_index=False)["score"].mean()
    return answers.groupby("segment")["score"].agg(how).rename_axis("segment").rename("nps_score")


SEGMENT_NPS = Exercise(
    "segment_nps",
    "Profile: what do each segment's customers say? Take the **NPS answers** in `world.surveys` "
    "(`kind == 'nps'`), attach each answer to its customer's segment (`flow.segments`) and give the **mean "
    "score of each segment**, every answer counting once. A Series indexed by segment.",
    reference=_nps_by_segment,
    mistakes=[
        Mistake("all_kinds", "You averaged every survey answer, NPS (0 to 10) and CSAT (1 to 5) together: two "
                "scales in one mean. Keep kind == 'nps' only.",
                answer=lambda w: _nps_by_segment(w, kinds=("nps", "csat"))),
        Mistake("count", "You counted the answers of each segment; the question asks for their mean score.",
                answer=lambda w: _nps_by_segment(w, "size")),
        Mistake("median", "That is the median score; the profile asks for the mean (.mean()).",
                answer=lambda w: _nps_by_segment(w, "median")),
        Mistake("per_customer", "You averaged each customer's answers first, so a customer who answered five "
                "times counts as much as one who answered once. Every answer counts once: the mean over answers.",
                answer=lambda w: _nps_by_segment(w, per_customer=True)),
    ])


# --- predict: BG/NBD against last year, on the master's rows --------------------------------------------


def _gap(scores: pd.DataFrame, metric: str = "top_decile_capture", model: str = "predicted_value",
         baseline: str = "last_period") -> float:
    scores = scores.set_index("prediction")[metric]
    return float(scores[model] - scores[baseline])


def _master_scores(w) -> pd.DataFrame:
    return _once(w, "master_scores", lambda w: master_chain(w, _master(w)).scores())


def _true_id_scores(w) -> pd.DataFrame:
    predicted = probabilistic_clv(rfm_fast(w.orders, w.observed_until), 365)[["customer_id", "predicted_value"]]
    predicted = predicted.merge(value_baselines(w.orders, w.observed_until, 365), on="customer_id")
    return score_value(predicted, w.truth.customers)


MASTER_VALUE_GAP = Exercise(
    "master_value_gap",
    "Predict, on the master's rows: score the chain's predictions (`chain.scores()`) and give **by how much "
    "BG/NBD's `top_decile_capture` beats the naive 'next year = last year' (`last_period`)**: BG/NBD's "
    "figure minus last_period's, one number (negative if it does worse).",
    reference=lambda w: _gap(_master_scores(w)),
    uses_truth=True,
    mistakes=[
        Mistake("reversed", "You took last_period's capture minus BG/NBD's: the question asks how much BG/NBD "
                "beats the naive rule, BG/NBD minus last_period.",
                answer=lambda w: -_gap(_master_scores(w))),
        Mistake("against_average", "You compared BG/NBD with 'everyone is average' (which any ranking beats); "
                "the question's rival is next year = last year, the last_period row.",
                answer=lambda w: _gap(_master_scores(w), baseline="average")),
        Mistake("spearman", "That is the gap in Spearman rank agreement; the question asks for the gap in "
                "top_decile_capture.", answer=lambda w: _gap(_master_scores(w), "spearman")),
        Mistake("true_ids", "That gap is scored on customer_id (flow.predictions), the clean key a company "
                "does not have; the question asks for the chain on the master's rows: chain.scores().",
                answer=lambda w: _gap(_true_id_scores(w))),
    ])


# --- a challenge: silos --------------------------------------------------------------------------------


def _master_systems(w) -> pd.Series:
    return _master(w)["systems"].str.count(",") + 1


def _true_systems(w) -> pd.Series:
    records = w.source_records[["source_record_id", "source_system"]].merge(w.truth.source_links, on="source_record_id")
    return records.groupby("customer_id")["source_system"].nunique()


def _is_true_share(answer, w) -> bool:
    # A test on the answer, not a precomputed one: it reads the truth, which graded assignments withhold.
    return abs(float(answer) - float((_true_systems(w) >= 2).mean())) < 1e-9


MASTER_SILO_SHARE = Exercise(
    "master_silo_share",
    "Silos: what **share of the master's rows** (`flow.master`) hold records from **two or more source "
    "systems**? (Each of those people was, before the master, two or more partial customers.) Give one "
    "number between 0 and 1.",
    reference=lambda w: float((_master_systems(w) >= 2).mean()),
    mistakes=[
        Mistake("count", "You counted the rows seen by two or more systems; the question asks for their share "
                "of all master rows.", answer=lambda w: float((_master_systems(w) >= 2).sum())),
        Mistake("three_or_more", "You counted rows with more than two systems; 'two or more' means systems >= 2 "
                "(one comma or more in `systems`).", answer=lambda w: float((_master_systems(w) >= 3).mean())),
        Mistake("one_system", "That is the share of rows held by a single system, the people no silo shares: "
                "the question asks for the others, 1 minus your figure.",
                answer=lambda w: float((_master_systems(w) == 1).mean())),
        Mistake("true_people", "You counted the real people (from the truth's source_links), not the master's "
                "rows. The CRM knows only its master: a person the master split looks like two single-system "
                "customers there.", matches=_is_true_share),
    ])
