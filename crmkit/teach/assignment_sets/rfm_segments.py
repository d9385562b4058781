"""Checks of ``rfm-segments``: RFM scores and named segments, and what each segment is worth.

References computed with :func:`crmkit.analytics.rfm` and :func:`crmkit.analytics.rfm_scores`
on the student's own orders, as of the end of the observation window.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.rfm import rfm, rfm_scores
from crmkit.teach.exercises import Exercise, Mistake

__all__ = ["EXERCISES"]


def scored(w, value: str = "net_amount", as_of=None) -> pd.DataFrame:
    """Every buyer's RFM scores and segment, as of ``as_of`` (default: the end of the window)."""
    return rfm_scores(rfm(w.orders, as_of=w.observed_until if as_of is None else as_of, value=value))


def _by_segment(values: pd.Series) -> pd.Series:
    values = values.astype(float)
    values.index = values.index.astype(str).rename("segment")
    return values.rename(None)


def _sizes(table: pd.DataFrame, normalize: bool = False) -> pd.Series:
    return _by_segment(table.groupby("segment").size() / (len(table) if normalize else 1))


def _spend_share(table: pd.DataFrame) -> pd.Series:
    spend = table.groupby("segment")["total_spend"].sum()
    return _by_segment(spend / spend.sum())


SEGMENT_SIZES = Exercise(
    "segment_sizes",
    "Score every buyer with `ck.analytics.rfm_scores(ck.analytics.rfm(world.orders, as_of=world.observed_until))`: "
    "**how many buyers are in each named segment**? A Series indexed by segment (segments with buyers only).",
    reference=lambda w: _sizes(scored(w)),
    mistakes=[
        Mistake("shares", "You gave each segment's share of the buyers; the question asks for the number of buyers.",
                answer=lambda w: _sizes(scored(w), normalize=True)),
        Mistake("orders_not_buyers", "You counted orders per segment; the question asks for buyers: one row of the "
                "scored table per buyer.", answer=lambda w: _by_segment(scored(w).groupby("segment")["orders"].sum())),
    ])

SPEND_SHARE = Exercise(
    "segment_spend_share",
    "What **share of all the buyers' total spend** (`total_spend`, net of discounts) does each segment bring? A "
    "Series indexed by segment, shares adding up to 1.",
    reference=lambda w: _spend_share(scored(w)),
    mistakes=[
        Mistake("buyer_share", "You gave each segment's share of the buyers; the question asks for its share of "
                "the spend: sum total_spend per segment, then divide by the total.",
                answer=lambda w: _sizes(scored(w), normalize=True)),
        Mistake("gross", "You measured spend with gross_amount (list prices); spend is what customers paid, "
                "net_amount (rfm's default value).", answer=lambda w: _spend_share(scored(w, value="gross_amount"))),
        Mistake("money_not_share", "You gave each segment's spend in money; divide by the total to get its share.",
                answer=lambda w: _by_segment(scored(w).groupby("segment")["total_spend"].sum())),
    ])


def _recency(w, how: str) -> pd.Series:
    return _by_segment(scored(w).groupby("segment")["days_since_last_order"].agg(how))


MEDIAN_RECENCY = Exercise(
    "segment_median_recency",
    "How long ago did a typical buyer of each segment last order? The **median** `days_since_last_order` per "
    "segment, a Series indexed by segment.",
    reference=lambda w: _recency(w, "median"),
    mistakes=[
        Mistake("mean", "You took the mean, which a few long-lost buyers pull up; the question asks for the median.",
                answer=lambda w: _recency(w, "mean")),
        Mistake("btyd_recency", "You used the BTYD recency column (days from the first to the last purchase); how "
                "long ago the last order was is days_since_last_order.",
                answer=lambda w: _by_segment(scored(w).groupby("segment")["recency"].median())),
    ])

EXERCISES = (SEGMENT_SIZES, SPEND_SHARE, MEDIAN_RECENCY)
