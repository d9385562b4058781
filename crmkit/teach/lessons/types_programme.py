"""Exercises of lesson 02 on CRM as a whole programme: strategy, methodology and technology on one
segment (true CRM integrates the three), and the encyclopedia definition's four meanings measured
on the learner's world. Imported into :mod:`crmkit.teach.lessons.types`."""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.crm_scope import encyclopedia_channels, encyclopedia_measures, integration_evidence
from crmkit.analytics.service import DEFAULT_TARGET_DAYS
from crmkit.teach import Exercise, Mistake

__all__ = ["ENCYCLOPEDIA", "INTEGRATION", "STRATEGY_RULE"]

STRATEGY_RULE = "best_customers"  # the segment strategy chose: contacted by the campaigns aimed at the best customers


# --- strategy, methodology, technology on one segment ------------------------------------------------


def integration(w) -> pd.Series:
    return integration_evidence(w.tables, STRATEGY_RULE).loc["segment"].rename(None)


def _segment(w, control_too: bool = False, every_campaign: bool = False) -> pd.DataFrame:
    campaigns, members = w.campaigns, w.campaign_members
    chosen = campaigns["campaign_id"] if every_campaign else \
        campaigns.loc[campaigns["targeting_rule"].astype(str) == STRATEGY_RULE, "campaign_id"]
    keep = members["campaign_id"].isin(chosen) & (control_too | ~members["in_control_group"].astype(bool))
    return w.customers[w.customers["customer_id"].isin(members.loc[keep, "customer_id"])]


def _figures(w, segment: pd.DataFrame, open_cases_missed: bool = False, consent: bool = True) -> pd.Series:
    cases = w.cases[w.cases["customer_id"].isin(segment["customer_id"])]
    days = (cases["closed_at"] - cases["opened_at"]).dt.total_seconds() / 86400
    in_time = days <= cases["priority"].astype(str).map(DEFAULT_TARGET_DAYS)
    reachable = segment["email"].notna() & (segment["email_opt_in"].astype(bool) | (not consent))
    within = in_time.mean() if open_cases_missed else in_time[cases["closed_at"].notna()].mean()
    return pd.Series({"customers": float(len(segment)), "within_target": float(within),
                      "email_reachable": float(reachable.mean())})


INTEGRATION = Exercise(
    "strategy_method_technology",
    "True CRM integrates strategy, methodology and technology. **Strategy** chose a segment: the customers "
    "contacted (outside the control group) by the campaigns whose `targeting_rule` is `best_customers`. Give a "
    "Series with three entries for that segment: `customers` (how many), `within_target` (**methodology**: the "
    "share of their closed `cases` closed within the target days of the case's priority, "
    "`ck.analytics.service.DEFAULT_TARGET_DAYS`) and `email_reachable` (**technology**: the share of them with an "
    "`email` on file and `email_opt_in`).",
    reference=integration,
    mistakes=[
        Mistake("control_included", "Your segment includes the control groups: they were kept out of the campaign on "
                "purpose, so strategy did not reach them. Keep the members with in_control_group False.",
                answer=lambda w: _figures(w, _segment(w, control_too=True))),
        Mistake("every_campaign", "You took the contacts of every campaign; the strategy's segment is the customers "
                "of the campaigns aimed at the best customers (targeting_rule == 'best_customers').",
                answer=lambda w: _figures(w, _segment(w, every_campaign=True))),
        Mistake("open_cases_missed", "You counted the cases still open as missed. The process measure is over the "
                "closed cases: keep closed_at not empty before comparing the days with the target.",
                answer=lambda w: _figures(w, _segment(w), open_cases_missed=True)),
        Mistake("consent_ignored", "You counted every customer with an email on file; the email system may only "
                "write to those who agreed to it: email_opt_in too.",
                answer=lambda w: _figures(w, _segment(w), consent=False)),
    ])


# --- the encyclopedia definition, measured -----------------------------------------------------------


def _measures(w, **changes) -> pd.Series:
    measures = encyclopedia_measures(w.tables).rename(None)
    for key, value in changes.items():
        measures[key] = value(w)
    return measures


def _median_days(w, how: str = "median") -> float:
    closed = w.cases.dropna(subset=["closed_at"])
    return float(((closed["closed_at"] - closed["opened_at"]).dt.total_seconds() / 86400).agg(how))


ENCYCLOPEDIA = Exercise(
    "encyclopedia_measures",
    "The encyclopedia definition, one figure per meaning, as a Series: `service_response` (the **median days** "
    "from `opened_at` to `closed_at` of the closed `cases`), `one_to_one` (the share of campaign contacts outside "
    "the control group whose campaign's `targeting_rule` is neither `random` nor `all`), `online` (the share of "
    "all `interactions` on `web`, `mobile_app`, `email` or `social`) and `service_centre` (the share of `cases` "
    "whose `origin` is `phone`).",
    reference=lambda w: _measures(w),
    mistakes=[
        Mistake("mean_days", "Your service response is the mean; a few cases that took weeks pull the mean up. The "
                "question asks for the median.", answer=lambda w: _measures(w, service_response=lambda v: _median_days(v, "mean"))),
        Mistake("hours", "Your service response is in hours; the question asks for days (total_seconds() / 86400).",
                answer=lambda w: _measures(w, service_response=lambda v: 24 * _median_days(v))),
        Mistake("known_only", "Your online share counts only the interactions of known customers; anonymous visits "
                "to the web shop and the app are online communication too. Use every row of interactions.",
                answer=lambda w: _measures(w, online=lambda v: float(v.interactions.dropna(subset=["customer_id"])["channel"]
                                                                  .astype(str).isin(encyclopedia_channels()["online_channels"]).mean()))),
        Mistake("call_centre_interactions", "Your service-centre share is the call centre's share of interactions; "
                "the question asks how many service cases came in through the call centre: cases.origin == 'phone'.",
                answer=lambda w: _measures(w, service_centre=lambda v: float((v.interactions["channel"].astype(str) == "call_centre").mean()))),
    ])
