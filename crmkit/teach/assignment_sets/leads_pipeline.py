"""Checks of ``leads-pipeline``: lead scoring by source, and the pipeline rebuilt and forecast.

The pipeline questions are the sales lesson's (:mod:`crmkit.teach.lessons.sales`); the
lead question is the naive lead score of :func:`crmkit.analytics.source_rate_scores`: each
source's conversion rate among the leads decided before a cut-off day, learnt only from
what was known that day.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.lead_scoring import source_rate_scores
from crmkit.teach.exercises import Exercise, Mistake
from crmkit.teach.lessons.sales import HUBSPOT, OPEN_PIPELINE, WIN_RATE

__all__ = ["EXERCISES", "cutoff"]


def cutoff(w) -> pd.Timestamp:
    """The cut-off of the lead question: 1 January of the last observed year."""
    return pd.Timestamp(year=w.observed_until.year, month=1, day=1)


def _by_source(values: pd.Series) -> pd.Series:
    values = values.astype(float)
    values.index = values.index.astype(str).rename("lead_source")
    return values.rename(None)


def source_rates(w) -> pd.Series:
    scores = source_rate_scores(w.leads, w.lead_history, cutoff(w))
    sources = w.leads.set_index("lead_id")["lead_source"].astype(str)
    return _by_source(scores.set_index("lead_id")["score"].groupby(sources).first())


def _final_status_rates(w) -> pd.Series:
    leads = w.leads[w.leads["created_at"] < cutoff(w)]
    decided = leads[leads["status"].astype(str).isin(["converted", "unqualified"])]
    rate = decided["status"].astype(str).eq("converted").groupby(decided["lead_source"].astype(str)).mean()
    return _by_source(rate.reindex(sorted(w.leads["lead_source"].astype(str).unique()), fill_value=0.0))


SOURCE_RATES = Exercise(
    "lead_source_rates",
    "Lead scoring's baseline: score each lead by the **conversion rate of its source**, learnt from the leads created "
    "before the cut-off `cutoff = pd.Timestamp(year=world.observed_until.year, month=1, day=1)` and decided "
    "(converted or unqualified) by then: `ck.analytics.source_rate_scores(world.leads, world.lead_history, cutoff)`. "
    "Give the rate of **each lead_source** of `world.leads` (0 for a source without decided leads), a Series indexed "
    "by lead_source.",
    reference=source_rates,
    mistakes=[
        Mistake("final_status", "You used each lead's final status (the leads table), which was not known on the "
                "cut-off day: a score must learn only from what was known then (lead_history before the cut-off).",
                answer=_final_status_rates),
    ])

EXERCISES = (SOURCE_RATES, OPEN_PIPELINE, HUBSPOT, WIN_RATE)
