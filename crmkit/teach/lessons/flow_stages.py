"""Exercises on the later stages of the flow-model lesson (notebooks/01_crm_flow_model.ipynb).

Segment (which segments hold the best customers), profile (what each segment's customers say
in their NPS answers: the feedback collected at the start of the chain, carried through) and
a challenge shown on data (silos: how many master rows several systems each saw a part of).
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.flow import identify_best
from crmkit.analytics.flow_chain import segment_stage
from crmkit.analytics.identity import customer_master, resolve_identities
from crmkit.teach import Exercise, Mistake

__all__ = ["SEGMENT_BEST_SHARE", "SEGMENT_NPS", "MASTER_SILO_SHARE"]

_SEGMENTS: dict = {}  # one segmentation per world: k-means is the slow part of these checks


def _segments(w) -> pd.DataFrame:
    key = id(w.tables["orders"])
    if key not in _SEGMENTS or _SEGMENTS[key][0] is not w.tables["orders"]:
        _SEGMENTS.clear()
        _SEGMENTS[key] = (w.tables["orders"], segment_stage(w, seed=int(w.config.seed)))
    return _SEGMENTS[key][1]


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


# --- a challenge: silos --------------------------------------------------------------------------------


def _master_systems(w) -> pd.Series:
    master = customer_master(w.source_records, resolve_identities(w.source_records))
    return master["systems"].str.count(",") + 1


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
