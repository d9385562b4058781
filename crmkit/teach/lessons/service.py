"""Exercises of the lesson on service, complaints and feedback
(notebooks/10_service_complaints_feedback.ipynb).

The share of cases closed within a 24-hour target per origin, complaints per 1,000 orders
per recorded reason, how much less often customers come back after an order whose
complaint was resolved badly (orders compared, not customers), whether loyal customers
(by loyalty tier) get their cases closed in time more often, what an order that went
wrong costs in satisfaction, how much happier and more loyal the customers with customised
offers are, and how satisfaction differs over the relationship's phases (the course's three
reasons why CRM lifts satisfaction), and feedback management as
an information loop (:mod:`crmkit.teach.lessons.feedback_loop`). Each typical mistake
reproduces one wrong step and its message names that step.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.service import service_levels
from crmkit.analytics.service_retention import retention_after_orders
from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.feedback_loop import BY_PROCESS, RETURN_GAP
from crmkit.teach.lessons.satisfaction import CSAT_BY_PHASE, CSAT_GAP, CUSTOMISED_NPS_GAP, CUSTOMISED_RETENTION_GAP

__all__ = ["EXERCISES", "TARGET_HOURS"]

#: The service-level target of the first exercise, in hours.
TARGET_HOURS = 24


def _end(w) -> pd.Timestamp:
    """The end of the data: midnight after the last observed day."""
    return pd.Timestamp(w.observed_until).normalize() + pd.Timedelta(days=1)


def _index(values: pd.Series, name: str) -> pd.Series:
    values = values.astype(float)
    values.index = values.index.astype(str).rename(name)
    return values.rename(None)


# --- the service level: closed within 24 hours, per origin ---------------------------------------------


def _hours(w) -> pd.Series:
    return (w.cases["closed_at"] - w.cases["opened_at"]).dt.total_seconds() / 3600


def within_target_by_origin(w) -> pd.Series:
    levels = service_levels(w.cases, by="origin", target_days=TARGET_HOURS / 24, as_of=_end(w))
    return _index(levels.set_index("origin")["within_target"], "origin")


def _share(hit: pd.Series, counted: pd.Series, w, how: str = "mean") -> pd.Series:
    """Per origin, over the ``counted`` cases: the share (or number) of ``hit`` ones."""
    table = hit[counted].groupby(w.cases.loc[counted, "origin"], observed=True)
    return _index(table.mean() if how == "mean" else table.sum(), "origin")


def _due(w) -> pd.Series:
    """Closed cases, and open ones already older than the target at the end of the data."""
    still_open_long = w.cases["closed_at"].isna() & ((_end(w) - w.cases["opened_at"]) > pd.Timedelta(hours=TARGET_HOURS))
    return w.cases["closed_at"].notna() | still_open_long


def _whole_days(w) -> pd.Series:
    days = (w.cases["closed_at"] - w.cases["opened_at"]).dt.days  # whole days: 47 hours count as 1 day
    return days <= TARGET_HOURS / 24


WITHIN_TARGET = Exercise(
    "within_target_by_origin",
    f"The service-level target is to close a case within **{TARGET_HOURS} hours**. Per `origin`, what share of the "
    "cases met it? A case still open at the end of the data (`end = world.observed_until + pd.Timedelta(days=1)`) "
    f"that has been open more than {TARGET_HOURS} hours has **missed** the target; one opened less than "
    f"{TARGET_HOURS} hours before the end is not yet due and is left out. Give a Series indexed by origin.",
    reference=within_target_by_origin,
    mistakes=[
        Mistake("closed_cases_only", "You left out the cases that are still open. A case open for longer than the "
                "target has missed it: count it as a miss (only cases opened less than 24 hours before the end are "
                "left out).", answer=lambda w: _share(_hours(w) <= TARGET_HOURS, w.cases["closed_at"].notna(), w)),
        Mistake("whole_days", "You measured the time to close in whole days (.dt.days), which cuts off the hours: a "
                "case closed after 47 hours counts as 1 day and passes. Measure in hours, e.g. "
                ".dt.total_seconds() / 3600 <= 24.", answer=lambda w: _share(_whole_days(w), _due(w), w)),
        Mistake("count_not_share", "You counted the cases closed in time; the question asks for their share of "
                "the cases due (take the mean of a True/False column, not the sum).",
                answer=lambda w: _share(_hours(w) <= TARGET_HOURS, _due(w), w, how="sum")),
        Mistake("first_contact_resolution", "You gave the share solved at the first contact. That is another "
                "service measure (first-contact resolution); the target is about the time from opened_at to "
                "closed_at.", answer=lambda w: _share(w.cases["first_contact_resolution"], _due(w), w)),
    ],
    hint="compute the hours from opened_at to closed_at, decide which cases are due, then average per origin.")


# --- complaints per 1,000 orders, per recorded reason ---------------------------------------------------


def _per_reason(cases: pd.DataFrame, divisor: float, scale: float = 1000.0) -> pd.Series:
    counts = cases.groupby("reason", observed=True).size()
    return _index(scale * counts / divisor, "reason")


def _complaints(w) -> pd.DataFrame:
    return w.cases[w.cases["is_complaint"].astype(bool)]


def complaints_per_1000_orders(w) -> pd.Series:
    return _per_reason(_complaints(w), len(w.orders))


COMPLAINT_RATE = Exercise(
    "complaints_per_1000_orders",
    "Complaint management: per recorded `reason`, how many **complaints** (`cases` with `is_complaint`) were "
    "there per **1,000 orders** (all orders of the world)? Give a Series indexed by reason (reasons with "
    "complaints only).",
    reference=complaints_per_1000_orders,
    mistakes=[
        Mistake("all_cases", "You counted every case, questions and requests too. Keep the complaints "
                "(is_complaint) first.", answer=lambda w: _per_reason(w.cases, len(w.orders))),
        Mistake("per_complaint", "You divided by the number of complaints, which gives each reason's share of the "
                "complaints. The rate is per order: divide by the number of orders.",
                answer=lambda w: _per_reason(_complaints(w), len(_complaints(w)))),
        Mistake("per_100_orders", "Right counts, wrong scale: that is per 100 orders. Multiply by 1,000.",
                answer=lambda w: _per_reason(_complaints(w), len(w.orders), scale=100.0)),
        Mistake("per_customer", "You divided by the number of customers. The rate asked for is per 1,000 orders: "
                "complaints come from orders that went wrong.",
                answer=lambda w: _per_reason(_complaints(w), len(w.customers))),
    ])


# --- service and retention: orders, not customers ------------------------------------------------------


def _retention(w) -> pd.DataFrame:
    return retention_after_orders(w.orders, w.cases, as_of=_end(w))


def _rates(r: pd.DataFrame) -> pd.Series:
    return r.groupby("experience", observed=True)["retained"].mean()


def retention_gap(w) -> float:
    rates = _rates(_retention(w))
    return float(rates["resolved_badly"] - rates["no_complaint"])


def _customer_level(w) -> float:
    """The tempting comparison of customers: those with any badly resolved complaint against
    those who never complained, each retained if they came back after any order."""
    r = _retention(w)
    per_customer = r.groupby("customer_id").agg(
        bad=("experience", lambda e: (e == "resolved_badly").any()),
        complained=("experience", lambda e: (e != "no_complaint").any()),
        retained=("retained", "any"))
    bad = per_customer.loc[per_customer["bad"], "retained"].mean()
    never = per_customer.loc[~per_customer["complained"], "retained"].mean()
    return float(bad - never)


RETENTION_GAP = Exercise(
    "retention_gap",
    "Start from `r = ck.analytics.retention_after_orders(world.orders, world.cases, as_of=end)`: one row per "
    "order, its service `experience` and whether the customer bought again 6 to 12 months later (`retained`). By "
    "how much does the retention rate after orders whose complaint was **resolved badly** differ from that after "
    "orders **without a complaint**? Give one number: rate(resolved_badly) - rate(no_complaint).",
    reference=retention_gap,
    mistakes=[
        Mistake("customers_not_orders", "You compared customers, not orders. Customers who buy often have more "
                "orders, so more chances that one goes wrong: complainers then look more loyal than the rest. "
                "Compare orders (one row of r each), as whether a given order goes wrong is nearly luck.",
                answer=_customer_level),
        Mistake("resolved_well", "You took the complaints resolved well. The question asks about those resolved "
                "badly.", answer=lambda w: float(_rates(_retention(w))["resolved_well"]
                                                   - _rates(_retention(w))["no_complaint"])),
        Mistake("ratio_not_difference", "You divided the two rates. The question asks for their difference "
                "(badly minus no complaint).", answer=lambda w: float(_rates(_retention(w))["resolved_badly"]
                                                                     / _rates(_retention(w))["no_complaint"])),
        Mistake("reversed", "Right size, wrong sign: take rate(resolved_badly) minus rate(no_complaint), so a "
                "loss shows as a negative number.", answer=lambda w: -retention_gap(w)),
        Mistake("counts_not_rates", "You subtracted numbers of orders retained. Compare rates (the mean of "
                "retained per experience): far fewer orders have a complaint than not.",
                answer=lambda w: float(np.subtract(*_retention(w).groupby("experience", observed=True)["retained"]
                                                   .sum()[["resolved_badly", "no_complaint"]].to_numpy()))),
    ],
    rtol=1e-6, atol=1e-9,
    hint="group r by experience and average retained, then subtract.")



# --- service for loyal customers: the 24-hour target per loyalty tier -----------------------------------


def _tiers(w) -> pd.Series:
    """The loyalty tier of each case's customer (the customer's tier at the end of the data)."""
    tier = w.customers.set_index("customer_id")["loyalty_tier"].astype(str)
    return w.cases["customer_id"].map(tier)


def _share_by_tier(hit: pd.Series, counted: pd.Series, w, how: str = "mean") -> pd.Series:
    table = hit[counted].groupby(_tiers(w)[counted])
    return _index(table.mean() if how == "mean" else table.sum(), "loyalty_tier")


def within_target_by_tier(w) -> pd.Series:
    hours = _hours(w)
    return _share_by_tier(hours.le(TARGET_HOURS) & w.cases["closed_at"].notna(), _due(w), w)


WITHIN_TARGET_BY_TIER = Exercise(
    "within_target_by_tier",
    f"Do loyal customers get better service? Per **loyalty tier** of the case's customer (`customers.loyalty_tier`), "
    f"what share of the cases met the {TARGET_HOURS}-hour target, counted as in exercise 1 (an open case older "
    f"than the target is a miss; one younger is left out)? Give a Series indexed by tier, only the tiers with cases.",
    reference=within_target_by_tier,
    mistakes=[
        Mistake("closed_cases_only", "You left out the cases still open. One open for longer than the target has "
                "missed it: count it as a miss.",
                answer=lambda w: _share_by_tier(_hours(w) <= TARGET_HOURS, w.cases["closed_at"].notna(), w)),
        Mistake("count_not_share", "You counted the cases closed in time per tier; the question asks for their "
                "share of the tier's cases due. The big tiers have more cases, not better service.",
                answer=lambda w: _share_by_tier(_hours(w).le(TARGET_HOURS) & w.cases["closed_at"].notna(), _due(w), w,
                                                how="sum")),
        Mistake("whole_days", "You measured the time to close in whole days (.dt.days): a case closed after 47 "
                "hours counts as 1 day and passes. Measure in hours.",
                answer=lambda w: _share_by_tier(_whole_days(w), _due(w), w)),
    ],
    hint="map each case's customer_id to the customer's loyalty_tier, then group the cases due by it.")


EXERCISES = [WITHIN_TARGET, COMPLAINT_RATE, RETENTION_GAP, WITHIN_TARGET_BY_TIER, CUSTOMISED_NPS_GAP,
             CUSTOMISED_RETENTION_GAP, CSAT_GAP, CSAT_BY_PHASE, RETURN_GAP, BY_PROCESS]
