"""Exercises of the lesson on sales force automation (notebooks/08_sales_force_automation.ipynb).

The open pipeline rebuilt from the stage history on a past day, its weighted forecast with
HubSpot's stage probabilities, the win rate of the deals closed in the last observed year, and
(in :mod:`crmkit.teach.lessons.sales_revenue`) the revenue that pipeline booked and a lead score's lift,
and (in :mod:`crmkit.teach.lessons.sales_accounts`) the account's history and the pre- and post-sales work.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.pipeline import OPEN_STAGES, stage_probability_map
from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.sales_accounts import ACCOUNT_EXERCISES
from crmkit.teach.lessons.sales_revenue import BOOKED, LEAD_LIFT

__all__ = ["EXERCISES", "pipeline_day"]


def pipeline_day(w) -> pd.Timestamp:
    """The day the pipeline questions ask about: 30 June of the last observed year."""
    return pd.Timestamp(year=w.observed_until.year, month=6, day=30)


def _latest(history: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    known = history[history["changed_at"] < cut].sort_values(["changed_at", "history_id"], kind="stable")
    return known.groupby("opportunity_id").tail(1)


def _open_on(w, cut: pd.Timestamp | None = None) -> pd.DataFrame:
    latest = _latest(w.opportunity_history, cut if cut is not None else pipeline_day(w) + pd.Timedelta(days=1))
    return latest[latest["stage"].astype(str).isin(OPEN_STAGES)]


def open_pipeline(w) -> float:
    return float(_open_on(w)["amount"].sum())


def _current_table(w) -> float:
    deals = w.opportunities
    made = deals["created_at"] < pipeline_day(w) + pd.Timedelta(days=1)
    return float(deals.loc[made & ~deals["is_closed"].astype(bool), "amount"].sum())


def _first_rows(w) -> float:
    history = w.opportunity_history.sort_values(["changed_at", "history_id"], kind="stable")
    first = history.groupby("opportunity_id").head(1)
    return float(first.loc[first["changed_at"] < pipeline_day(w) + pd.Timedelta(days=1), "amount"].sum())


def _not_lost(w) -> float:
    latest = _latest(w.opportunity_history, pipeline_day(w) + pd.Timedelta(days=1))
    return float(latest.loc[latest["stage"].astype(str) != "closed_lost", "amount"].sum())


OPEN_PIPELINE = Exercise(
    "open_pipeline_on_day",
    "Rebuild the past: what was the **total amount of the deals open at the end of 30 June** of the last "
    "observed year? Use `opportunity_history`: each deal's latest row changed before the end of that day "
    "(`changed_at < day + 1 day`), kept when its stage is one of the open stages (not closed_won or "
    "closed_lost).",
    reference=open_pipeline,
    mistakes=[
        Mistake("current_table", "You used the opportunities table, which shows each deal as it stands at the end "
                "of the observation window: deals that were open on 30 June but have closed since are missing from "
                "its open deals. Rebuild the day from opportunity_history.", answer=_current_table),
        Mistake("first_rows", "You took each deal's first row (the stage it was opened at) and so counted deals "
                "that had closed by 30 June. Take each deal's latest row before the end of the day.",
                answer=_first_rows),
        Mistake("closed_won_kept", "You dropped the lost deals but kept the won ones. Won deals are closed: the "
                "pipeline holds only the open stages.", answer=_not_lost),
        Mistake("start_of_day", "You cut at midnight at the start of 30 June, so that day's changes are missing. "
                "A day means the whole day: keep changes before 1 July.",
                answer=lambda w: float(_open_on(w, pipeline_day(w))["amount"].sum())),
    ])


def _weighted(w, vendor: str | None) -> float:
    deals = _open_on(w)
    if vendor is None:
        return float((deals["amount"] * deals["probability"]).sum())
    probability = stage_probability_map(vendor).set_index("stage")["probability"]
    # astype(float): with no open deal the mapped column is empty text, which cannot be multiplied
    return float((deals["amount"] * deals["stage"].astype(str).map(probability).astype(float)).sum())


HUBSPOT = Exercise(
    "hubspot_forecast",
    "The same pipeline, weighted with **HubSpot's** stage probabilities "
    "(`ck.analytics.stage_probability_map('hubspot')`): what is the forecast, the sum of amount times "
    "probability over the open deals of 30 June?",
    reference=lambda w: _weighted(w, "hubspot"),
    mistakes=[
        Mistake("kit_probability", "You used the probability column of opportunity_history, which is the kit's own "
                "map. Map each stage to HubSpot's probability instead.", answer=lambda w: _weighted(w, None)),
        Mistake("salesforce", "You used Salesforce's probabilities; the question asks for HubSpot's.",
                answer=lambda w: _weighted(w, "salesforce")),
        Mistake("unweighted", "You added the amounts without weighting them: multiply each by its stage's "
                "probability first.", answer=open_pipeline),
    ])


def _closed_in_year(w) -> pd.DataFrame:
    deals = w.opportunities
    return deals[deals["is_closed"].astype(bool) & (deals["close_date"].dt.year == w.observed_until.year)]


def _rate(deals: pd.DataFrame, won: pd.Series) -> pd.Series:
    result = won.groupby(deals["kind"].astype(str)).mean()
    return result.rename_axis("kind")


def win_rate_by_kind(w) -> pd.Series:
    deals = _closed_in_year(w)
    return _rate(deals, deals["is_won"].astype(float))


def _by_amount(w) -> pd.Series:
    deals = _closed_in_year(w)
    kind = deals["kind"].astype(str)
    return (deals["amount"].where(deals["is_won"].astype(bool), 0).groupby(kind).sum()
            / deals["amount"].groupby(kind).sum()).rename_axis("kind")


def _with_open(w) -> pd.Series:
    deals = w.opportunities
    made = deals[deals["created_at"].dt.year == w.observed_until.year]
    return _rate(made, made["is_won"].astype(float))


def _as_percent(answer, w) -> bool:
    expected = win_rate_by_kind(w)
    ours = pd.Series(answer).astype(float)
    ours.index = ours.index.astype(str)  # a categorical index sorts in its own order
    return bool(np.allclose(ours.reindex(expected.index).to_numpy(), 100 * expected.to_numpy(), rtol=1e-3))


WIN_RATE = Exercise(
    "win_rate_by_kind",
    "Opportunity management's headline figure: the **win rate** per deal `kind` for the deals **closed in the "
    "last observed year** (`is_closed`, `close_date` in that year): the share of them won. Give a Series indexed "
    "by kind (only kinds with closed deals), shares between 0 and 1.",
    reference=win_rate_by_kind,
    mistakes=[
        Mistake("by_amount", "You weighted the deals by amount (won amount over closed amount). The win rate "
                "counts deals: won deals over closed deals.", answer=_by_amount),
        Mistake("open_deals_counted", "You took the deals created in the year, the open ones too (they count as "
                "not won). Keep the deals closed in the year.", answer=_with_open),
        Mistake("all_years", "You used the deals closed in every year. Keep those whose close_date falls in the "
                "last observed year.", answer=lambda w: (lambda d: _rate(d, d["is_won"].astype(float)))(
                    w.opportunities[w.opportunities["is_closed"].astype(bool)])),
        Mistake("percent", "Right figures, wrong unit: give shares between 0 and 1, not percentages.",
                matches=_as_percent),
    ])


EXERCISES = [OPEN_PIPELINE, HUBSPOT, WIN_RATE, BOOKED, LEAD_LIFT, *ACCOUNT_EXERCISES]
