"""Exercises of lesson 08 on the account and the sales cycle (notebooks/08_sales_force_automation.ipynb).

The account's history as a predictor of the repeat deal, sales and service on the same account
at the same time, the share of the done work that was post-sales, and the revenue the closed
deals booked per done activity (the effort on lost deals included).
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.account_history import deals_during_service, repeat_deal_rates
from crmkit.analytics.pipeline import deal_outcomes
from crmkit.analytics.sales_cycle import classify_activities
from crmkit.teach import Exercise, Mistake

__all__ = ["ACCOUNT_EXERCISES", "year_start"]


def year_start(w) -> pd.Timestamp:
    """1 January of the last observed year: the day that splits history from what came next."""
    return pd.Timestamp(year=w.observed_until.year, month=1, day=1)


def _year_end(w) -> pd.Timestamp:
    return year_start(w) + pd.DateOffset(years=1)


def repeat_rate(w) -> float:
    table = repeat_deal_rates(w.customers, w.opportunities, w.orders, year_start(w))
    return float(table.loc["won deal before", "rate"])


def _rates(w) -> pd.DataFrame:
    return repeat_deal_rates(w.customers, w.opportunities, w.orders, year_start(w))


def _won_some_time(w) -> float:
    deals, cut = w.opportunities, year_start(w)
    accounts = w.customers.loc[w.customers["signup_date"] < cut, "customer_id"]
    won = deals.loc[(deals["created_at"] < cut) & deals["is_won"].astype(bool), "customer_id"]
    later = deals.loc[deals["created_at"] >= cut, "customer_id"]
    chosen = accounts[accounts.isin(won)]
    return float(chosen.isin(later).mean())


REPEAT = Exercise(
    "repeat_deal_rate",
    "Account history for repeat sales: take the accounts that signed up before **1 January of the last observed "
    "year** and had **won a deal** before that day (a deal created before it, won, with its `close_date` before "
    "it). What **share** of them opened a new deal (`created_at`) on or after that day?",
    reference=repeat_rate,
    mistakes=[
        Mistake("any_deal_before", "You kept every account with a deal before the day, also those whose deals were "
                "all lost. Keep the accounts with a won deal.",
                answer=lambda w: float(_rates(w).iloc[:2]["with_new_deal"].sum() / _rates(w).iloc[:2]["accounts"].sum())),
        Mistake("every_account", "You took the share over every account, whatever its history. The question asks "
                "about the accounts that had won a deal before the day.",
                answer=lambda w: float(_rates(w)["with_new_deal"].sum() / _rates(w)["accounts"].sum())),
        Mistake("won_later_counted", "You counted deals created before the day that were won only after it. Keep "
                "the deals whose close_date falls before the day: the history known on it.", answer=_won_some_time),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                answer=lambda w: 100 * repeat_rate(w)),
    ])


def _overlaps(w) -> pd.DataFrame:
    return deals_during_service(w.opportunities, w.opportunity_history, w.cases, w.observed_until + pd.Timedelta(days=1))


def _opened_during(w) -> int:
    deals = _overlaps(w)
    pairs = deals.merge(w.cases[["customer_id", "opened_at"]], on="customer_id")
    hit = pairs[(pairs["opened_at"] >= pairs["created_at"]) & (pairs["opened_at"] < pairs["ended_at"])]
    return int(hit["opportunity_id"].nunique())


def _never_closed(w) -> int:
    end = w.observed_until + pd.Timedelta(days=1)
    cases = w.cases.assign(case_end=w.cases["closed_at"].fillna(end))
    pairs = w.opportunities[["opportunity_id", "customer_id", "created_at"]].merge(cases, on="customer_id")
    return int(pairs.loc[(pairs["opened_at"] < end) & (pairs["case_end"] > pairs["created_at"]), "opportunity_id"].nunique())


DURING_SERVICE = Exercise(
    "deals_with_open_case",
    "Sales and service on the same account: over the whole observation window, **how many deals** had a service "
    "case of the same account open at some time while the deal was open? A deal is open from `created_at` until "
    "its closing change in `opportunity_history` (or the end of the window); a case from `opened_at` until "
    "`closed_at` (or the end of the window).",
    reference=lambda w: int(_overlaps(w)["case_open"].sum()),
    mistakes=[
        Mistake("opened_during_only", "You kept only the cases opened while the deal was open. A case opened "
                "before the deal and still open when it started overlaps it too.", answer=_opened_during),
        Mistake("never_closed", "You kept every deal open until the end of the window. A deal that was won or "
                "lost ends at its closing change in opportunity_history.", answer=_never_closed),
        Mistake("any_case_of_account", "You counted the deals of every account that ever had a case, whenever "
                "it was open. Keep the cases open while the deal was open.",
                answer=lambda w: int(w.opportunities["customer_id"].isin(w.cases["customer_id"]).sum())),
    ])


def _work(w, statuses=("done",), years: bool = True) -> pd.Series:
    acts = classify_activities(w.activities)
    if years:
        acts = acts[(acts["due_at"] >= year_start(w)) & (acts["due_at"] < _year_end(w))]
    return acts.loc[acts["status"].astype(str).isin(statuses), "phase"]


def post_sales_share(w) -> float:
    return float(_work(w).eq("post-sales").mean())


POST_SALES = Exercise(
    "post_sales_share",
    "Pre-sales and post-sales: classify the activities with `ck.analytics.classify_activities`. Of the activities "
    "**due in the last observed year and done**, what **share** was post-sales work?",
    reference=post_sales_share,
    mistakes=[
        Mistake("every_status", "You counted the cancelled and still planned activities too: keep the done ones.",
                answer=lambda w: float(_work(w, ("done", "cancelled", "planned")).eq("post-sales").mean())),
        Mistake("all_years", "You counted the activities of every year. Keep those due in the last observed year.",
                answer=lambda w: float(_work(w, years=False).eq("post-sales").mean())),
        Mistake("pre_sales_share", "That is the pre-sales share; the question asks for post-sales.",
                answer=lambda w: 1 - post_sales_share(w)),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                answer=lambda w: 100 * post_sales_share(w)),
    ])


def _closed(w, won_only: bool = False) -> pd.Series:
    outcome = deal_outcomes(w.opportunity_history)
    keep = outcome["outcome"].ne("open") & (outcome["closed_at"] >= year_start(w)) & (outcome["closed_at"] < _year_end(w))
    if won_only:
        keep &= outcome["outcome"].eq("won")
    return outcome.loc[keep, "opportunity_id"]


def _per_activity(w, deals: pd.Series, booked_deals: pd.Series | None = None, statuses=("done",)) -> float:
    booked = w.orders.loc[w.orders["opportunity_id"].isin(deals if booked_deals is None else booked_deals), "net_amount"].sum()
    acts = w.activities
    spent = acts["opportunity_id"].isin(deals) & acts["status"].astype(str).isin(statuses)
    return float(booked / spent.sum())


def booked_per_activity(w) -> float:
    return _per_activity(w, _closed(w))


def _created_in_year(w) -> pd.Series:
    deals = w.opportunities
    return deals.loc[(deals["created_at"] >= year_start(w)) & (deals["created_at"] < _year_end(w)), "opportunity_id"]


ROI = Exercise(
    "booked_per_activity",
    "ROI feedback: take the deals **closed in the last observed year** (won or lost, by their closing change in "
    "`opportunity_history`). What did their orders **book per done activity** spent on them: the `net_amount` of "
    "the orders carrying their `opportunity_id`, divided by the number of their activities with status done?",
    reference=booked_per_activity,
    mistakes=[
        Mistake("won_deals_only", "You counted only the activities on the deals that were won. The effort spent on "
                "lost deals is part of the cost of the revenue: count the activities of every closed deal.",
                answer=lambda w: _per_activity(w, _closed(w, won_only=True))),
        Mistake("every_status", "You counted the cancelled and planned activities too: keep the done ones.",
                answer=lambda w: _per_activity(w, _closed(w), statuses=("done", "cancelled", "planned"))),
        Mistake("per_deal", "You divided by the number of closed deals; the question asks per done activity.",
                answer=lambda w: float(w.orders.loc[w.orders["opportunity_id"].isin(_closed(w)), "net_amount"].sum()
                                       / len(_closed(w)))),
        Mistake("created_in_year", "You took the deals created in the year. Keep those closed in it (some were "
                "opened the year before).", answer=lambda w: _per_activity(w, _created_in_year(w))),
    ])

ACCOUNT_EXERCISES = [REPEAT, DURING_SERVICE, POST_SALES, ROI]
