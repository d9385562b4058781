"""Exercises of lesson 08 that follow the pipeline to money and score the leads.

The pipeline of 30 June reconciled with the revenue its won deals booked as orders, and a
lead score fitted on the leads decided before 1 January of the last observed year, judged
against the hidden chance each newer lead had to convert (the world's truth).
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.deal_revenue import reconcile_forecast
from crmkit.analytics.lead_scoring import fit_lead_scorer, score_leads, source_rate_scores
from crmkit.analytics.pipeline import pipeline_as_of, weighted_forecast
from crmkit.teach import Exercise, Mistake

__all__ = ["BOOKED", "LEAD_LIFT", "scoring_cutoff"]

TOP_SHARE = 0.1  # the tenth of the new leads a score would send to consultants first


def _day(w) -> pd.Timestamp:
    return pd.Timestamp(year=w.observed_until.year, month=6, day=30)


def booked_revenue(w) -> float:
    table = reconcile_forecast(w.opportunities, w.opportunity_history, w.orders, _day(w), w.observed_until)
    return float(table.set_index("stage").loc["total", "booked"])


def _pipeline_ids(w) -> pd.Series:
    return pipeline_as_of(w.opportunities, w.opportunity_history, _day(w)).opportunity_id


def _every_deal_order(w) -> float:
    return float(w.orders.loc[w.orders["opportunity_id"].notna(), "net_amount"].sum())


def _customers_orders(w) -> float:
    customers = w.opportunities.set_index("opportunity_id").loc[_pipeline_ids(w), "customer_id"].unique()
    orders = w.orders[w.orders["customer_id"].isin(customers) & (w.orders["ordered_at"] > _day(w) + pd.Timedelta(days=1))]
    return float(orders["net_amount"].sum())


def _booked_by_day(w) -> float:
    orders = w.orders[w.orders["opportunity_id"].isin(_pipeline_ids(w))]
    return float(orders.loc[orders["ordered_at"] < _day(w) + pd.Timedelta(days=1), "net_amount"].sum())


def _paid(w) -> float:
    invoices = w.tables["invoices"]
    return float(invoices.loc[invoices["opportunity_id"].isin(_pipeline_ids(w)), "amount_paid"].sum())


def _forecast(w) -> float:
    pipe = weighted_forecast(pipeline_as_of(w.opportunities, w.opportunity_history, _day(w)), "crmkit")
    return float(pipe["weighted_amount"].sum())


BOOKED = Exercise(
    "booked_from_pipeline",
    "Follow the forecast to money: the deals open at the end of 30 June of the last observed year (exercise 1) "
    "were later won, lost or left open. How much **revenue did their orders book** by the end of the "
    "observation window? A won deal books an order that carries its `opportunity_id`: sum the `net_amount` "
    "of those orders.",
    reference=booked_revenue,
    mistakes=[
        Mistake("every_deal_order", "You summed the orders of every won deal, also those opened after 30 June or "
                "closed before it. Keep the orders whose opportunity_id is one of the deals open that day.",
                answer=_every_deal_order),
        Mistake("customers_orders", "You summed all later orders of the customers behind those deals; most of "
                "them are their own everyday purchases. Keep only the orders that carry one of the deals' "
                "opportunity_id.", answer=_customers_orders),
        Mistake("booked_by_the_day", "You stopped counting on 30 June itself, before any of the open deals could "
                "be won. Count their orders up to the end of the observation window.", answer=_booked_by_day),
        Mistake("paid_not_booked", "You summed what the invoices of those orders had been paid. Revenue is "
                "booked when the order is placed; some invoices are still open or late.", answer=_paid),
        Mistake("forecast", "That is the weighted forecast of 30 June, not what the deals booked. Sum the "
                "net_amount of their orders.", answer=_forecast),
    ])


def scoring_cutoff(w) -> pd.Timestamp:
    """The day the lead score is trained up to: 1 January of the last observed year."""
    return pd.Timestamp(year=w.observed_until.year, month=1, day=1)


def _new(w) -> pd.DataFrame:
    return w.leads[w.leads["created_at"] >= scoring_cutoff(w)]


def _model_scores(w, leads: pd.DataFrame) -> pd.DataFrame:
    scorer = fit_lead_scorer(w.leads, w.lead_history, w.activities, scoring_cutoff(w))
    return score_leads(scorer, leads, w.activities)


def _lift(w, scores: pd.DataFrame, column: str = "conversion_probability", bottom: bool = False,
          ratio: bool = True) -> float:
    truth = w.truth.leads.set_index("lead_id")[column]
    value = truth.reindex(scores["lead_id"]).to_numpy()
    score = scores["score"].to_numpy()
    chosen = score <= pd.Series(score).quantile(TOP_SHARE) if bottom else score >= pd.Series(score).quantile(1 - TOP_SHARE)
    return float(value[chosen].mean() / (value.mean() if ratio else 1.0))


def _source_rates(w) -> pd.DataFrame:
    scores = source_rate_scores(w.leads, w.lead_history, scoring_cutoff(w))  # rates learnt from the older leads
    return scores[scores["lead_id"].isin(_new(w)["lead_id"])]


def lead_lift(w) -> float:
    return _lift(w, _model_scores(w, _new(w)))


def _observed_lift(w) -> float:
    scores = _model_scores(w, _new(w))
    converted = w.leads.set_index("lead_id")["status"].astype(str).eq("converted").reindex(scores["lead_id"]).to_numpy()
    chosen = scores["score"].to_numpy() >= scores["score"].quantile(1 - TOP_SHARE)
    return float(converted[chosen].mean() / converted.mean())


LEAD_LIFT = Exercise(
    "lead_score_lift",
    "Score the leads: fit `ck.analytics.fit_lead_scorer` on the leads decided before **1 January of the last "
    "observed year** (`cutoff`), score the leads **created on or after that day** with `score_leads`, and "
    "keep the top tenth (`score >= score.quantile(0.9)`). Against the truth (`world.truth.leads`), what is "
    "their **lift**: the mean true `conversion_probability` of the top tenth divided by that of all the new "
    "leads?",
    # 1e-4: a learner repeats the same deterministic fit, so a right answer matches far closer; at 1e-3,
    # scoring every lead came within 0.08% of the right lift on pschse seed 2 (world version 3).
    reference=lead_lift, uses_truth=True, rtol=1e-4,
    mistakes=[
        Mistake("bottom_tenth", "You kept the lowest scores (a lift below 1). The consultants call the highest "
                "scores first: keep score >= score.quantile(0.9).",
                answer=lambda w: _lift(w, _model_scores(w, _new(w)), bottom=True)),
        Mistake("every_lead_scored", "You scored every lead, also those the model learnt from. Judge a score on "
                "the leads created on or after the cut-off only.", answer=lambda w: _lift(w, _model_scores(w, w.leads))),
        Mistake("source_rate", "You ranked the leads by their source's past conversion rate: that is the naive "
                "baseline. Rank them by the fitted score.",
                answer=lambda w: _lift(w, _source_rates(w))),
        Mistake("observed_outcome", "You used whether the lead converted in the window. The question asks for the "
                "truth's conversion_probability, which also judges leads still being worked.", answer=_observed_lift),
        Mistake("quality_not_probability", "You used the truth's quality column; the question asks for "
                "conversion_probability.", answer=lambda w: _lift(w, _model_scores(w, _new(w)), "quality")),
        Mistake("no_ratio", "You gave the top tenth's mean conversion probability. Divide it by the mean of all "
                "the new leads to get the lift.", answer=lambda w: _lift(w, _model_scores(w, _new(w)), ratio=False)),
    ])
