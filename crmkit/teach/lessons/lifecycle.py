"""Exercises of the lesson on the relationship life cycle and retention economics
(notebooks/07_lifecycle_and_retention_economics.ipynb).

Where the customers stand in Dwyer's phases at the end of the observation window, the month-3
retention of one year's cohorts, the value of a customer from the world's own retention
rate, what five more points of retention add to it, which buyers are not worth keeping
at today's terms (their cost to serve, or their unpaid invoices), and what replacing the
customers lost last year costs at the course's "20 times" (an unsourced claim, labelled so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.customer_view import unprofitable_buyers
from crmkit.analytics.retention import cohort_retention
from crmkit.teach import Exercise, Mistake

__all__ = ["EXERCISES", "MARGIN", "DISCOUNT_RATE", "KEEP_COST", "COURSE_MULTIPLE"]

PHASES = ["awareness", "exploration", "expansion", "commitment", "dissolution"]
MARGIN = 100.0  # money per customer per year, given in the questions
DISCOUNT_RATE = 0.10
KEEP_COST = 5.0  # money a year to keep one customer: an assumption given in the question
COURSE_MULTIPLE = 20  # the course's unsourced claim: winning a client costs an agency at least 20 times keeping one


# --- phase mix at the end of the observation window --------------------------------------------------


def _per_phase(phases: pd.Series) -> pd.Series:
    counts = phases.astype(str).value_counts().reindex(PHASES, fill_value=0)
    return counts.rename_axis("phase").rename("count")


def _end(w) -> pd.Timestamp:
    return w.observed_until.normalize() + pd.Timedelta(days=1)  # the end of the last observed day


def phase_mix_at_end(w) -> pd.Series:
    p, end = w.truth.phases, _end(w)
    current = p[(p["started_at"] < end) & (p["ended_at"].isna() | (p["ended_at"] >= end))]
    return _per_phase(current["phase"])


def _last_phase(w) -> pd.Series:
    last = w.truth.phases.sort_values(["customer_id", "started_at"]).groupby("customer_id").tail(1)
    return _per_phase(last["phase"])


PHASE_MIX = Exercise(
    "phase_mix_at_end",
    "Dwyer's phases on your world: how many customers were **in each phase at the end of the observation "
    "window** (the end of the day `world.observed_until`)? A row of `world.truth.phases` is in force from "
    "`started_at` until `ended_at` (empty: still in force at the end of the hold-out year). Give a Series "
    "indexed by phase with all five phases (0 where none).",
    reference=phase_mix_at_end,
    uses_truth=True,
    mistakes=[
        Mistake("all_rows", "You counted every row of truth.phases: each customer's whole history, not where they "
                "stand. Keep the phase in force at the cut-off: started before it and not ended by then.",
                answer=lambda w: _per_phase(w.truth.phases["phase"])),
        Mistake("last_phase", "You took each customer's last phase, which is where they stand at the end of the "
                "hold-out year, a year after the CRM's window. Cut at world.observed_until first.",
                answer=_last_phase),
        Mistake("ended_ignored", "You kept every phase that had started by the cut-off, including those that had "
                "already ended. Keep only the rows with ended_at empty or after the cut-off.",
                answer=lambda w: _per_phase(w.truth.phases.loc[w.truth.phases["started_at"] < _end(w), "phase"])),
    ])


# --- cohorts: month-3 retention of one year's cohorts ------------------------------------------------------


def _cohorts(w, **options) -> pd.DataFrame:
    table = cohort_retention(w.orders, w.observed_until, **options)
    return table[table["cohort"].dt.year == w.observed_until.year - 1]


def _month(table: pd.DataFrame, month: int, column: str = "retention") -> pd.Series:
    return table[table["months_since"] == month].set_index("cohort")[column]


def cohort_month3(w) -> pd.Series:
    return _month(_cohorts(w), 3)


def _any_of_first_three_months(w) -> pd.Series:
    orders = w.orders
    month = orders["ordered_at"].dt.year * 12 + orders["ordered_at"].dt.month - 1
    first = month.groupby(orders["customer_id"]).transform("min")
    table = pd.DataFrame({"customer_id": orders["customer_id"], "first": first, "back": (month - first).between(1, 3)})
    table = table[table["first"] // 12 == w.observed_until.year - 1]
    per_customer = table.groupby(["first", "customer_id"])["back"].any()
    share = per_customer.groupby(level="first").mean()
    share.index = pd.to_datetime({"year": share.index // 12, "month": share.index % 12 + 1, "day": 1})
    return share.rename_axis("cohort")


COHORT = Exercise(
    "cohort_month3",
    "Cohorts: take `ck.analytics.cohort_retention(world.orders, world.observed_until)` (cohorts by the month of "
    "the first order). For each of the **twelve cohorts of the year before the last observed year**, what share "
    "of the cohort ordered in **month 3** after the first order (`months_since == 3`)? Give a Series indexed by "
    "`cohort` (its first day, as in the table).",
    reference=cohort_month3,
    mistakes=[
        Mistake("month_2", "You took months_since == 2. Month 0 is the month of the first order, so month 3 is "
                "months_since == 3.", answer=lambda w: _month(_cohorts(w), 2)),
        Mistake("signup_cohorts", "You built the cohorts from the sign-up date (customers=...), which counts "
                "customers who never ordered. The question asks for cohorts by the first order.",
                answer=lambda w: _month(_cohorts(w, customers=w.customers), 3)),
        Mistake("any_of_three_months", "You counted customers who ordered at any time in months 1 to 3. Cohort "
                "retention counts those who ordered in month 3 itself.", answer=_any_of_first_three_months),
        Mistake("counts", "You gave the number of active customers; the question asks for the share of the "
                "cohort (the retention column, active customers over cohort size).",
                answer=lambda w: _month(_cohorts(w), 3, "active_customers")),
    ])


# --- retention economics on the world's own retention rate ---------------------------------------------


def _buyers(w, year: int) -> pd.Index:
    return pd.Index(w.orders.loc[w.orders["ordered_at"].dt.year == year, "customer_id"].unique())


def world_retention(w) -> float:
    """Share of the buyers of the year before the last observed year who ordered in the last one."""
    year = w.observed_until.year
    return float(_buyers(w, year - 1).isin(_buyers(w, year)).mean())


def _clv(margin: float, rate: float, discount: float) -> float:
    return margin * rate / (1 + discount - rate)


def clv_from_world(w) -> float:
    return _clv(MARGIN, world_retention(w), DISCOUNT_RATE)


def _percent_rate(answer, w) -> bool:
    r = 100 * world_retention(w)
    return bool(np.isclose(float(answer), _clv(MARGIN, r, DISCOUNT_RATE), rtol=1e-3))


CLV = Exercise(
    "clv_from_world",
    f"Retention economics on your own numbers. Let r be your world's yearly retention: the share of the "
    f"customers who ordered in the year before the last observed year who ordered again in the last one. With "
    f"a margin of m = {MARGIN:.0f} per customer per year and a discount rate d = {DISCOUNT_RATE:.0%}, what is a "
    f"customer's value from next year on, CLV = m r / (1 + d - r) (`ck.analytics.simple_clv`)?",
    reference=clv_from_world,
    mistakes=[
        Mistake("no_discount", "You left out the discount rate (m r / (1 - r)): money a year or more away is "
                "worth less today; divide by 1 + d - r.",
                answer=lambda w: _clv(MARGIN, world_retention(w), 0.0)),
        Mistake("tenure_times_margin", "You multiplied the margin by the expected tenure 1 / (1 - r). That "
                "neither discounts nor starts next year: use m r / (1 + d - r).",
                answer=lambda w: MARGIN / (1 - world_retention(w))),
        Mistake("reversed_rate", "Your retention rate is the share of last year's buyers who had bought the year "
                "before. Retention starts from the year before's buyers: of them, how many came back?",
                answer=lambda w: _clv(MARGIN, float(_buyers(w, w.observed_until.year).isin(
                    _buyers(w, w.observed_until.year - 1)).mean()), DISCOUNT_RATE)),
        Mistake("percent_rate", "You put the retention rate in as a percentage (e.g. 66 instead of 0.66): the "
                "formula needs a share between 0 and 1.", matches=_percent_rate),
    ])


# --- five more points of retention ---------------------------------------------------------------------


def _change(w, improved: float) -> float:
    r = world_retention(w)
    return 100 * (_clv(MARGIN, improved, DISCOUNT_RATE) / _clv(MARGIN, r, DISCOUNT_RATE) - 1)


def five_points(w) -> float:
    return _change(w, world_retention(w) + 0.05)


FIVE_POINTS = Exercise(
    "five_points_more",
    "The famous claims speak of a 5 % improvement in retention. Take it as **five percentage points** (r + 0.05, "
    "with r as in the previous exercise, m and d unchanged): by what **percentage** does the CLV rise? "
    "(`ck.analytics.retention_economics` gives it as `clv_change_pct`.)",
    reference=five_points,
    mistakes=[
        Mistake("five_percent_of_r", "You raised r by 5 % of itself (r x 1.05). The question asks for five "
                "percentage points: r + 0.05.", answer=lambda w: _change(w, 1.05 * world_retention(w))),
        Mistake("money_not_percent", "You gave the rise in money (CLV after minus CLV before); the question asks "
                "for it as a percentage of the CLV before.",
                answer=lambda w: _clv(MARGIN, world_retention(w) + 0.05, DISCOUNT_RATE) - clv_from_world(w)),
        Mistake("ratio", "You gave the ratio of the two CLVs (e.g. 1.2). Subtract 1 and multiply by 100 for the "
                "percentage rise.", answer=lambda w: 1 + five_points(w) / 100),
    ])


# --- customers not worth keeping -------------------------------------------------------------------------

REASONS = ["cost to serve", "unpaid invoices"]


def _by_reason(lost: pd.DataFrame, unpaid) -> pd.Series:
    reason = np.where(unpaid, "unpaid invoices", "cost to serve")
    return pd.Series(reason).value_counts().reindex(REASONS, fill_value=0).rename_axis("reason").rename("buyers")


def unprofitable_by_reason(w) -> pd.Series:
    return unprofitable_buyers(w.customer_costs)["reason"].value_counts().reindex(REASONS, fill_value=0) \
        .rename_axis("reason").rename("buyers")


def _lost(costs: pd.DataFrame) -> pd.DataFrame:
    return costs[costs["contribution"] < 0]


UNPROFITABLE = Exercise(
    "unprofitable_by_reason",
    "Not every customer is worth keeping. Among the **buyers** (`customer_costs.orders > 0`), take those with a "
    "**negative contribution** and sort them by **why**: 'unpaid invoices' if paying what was written off "
    "(`written_off`) would bring their contribution to zero or above, 'cost to serve' otherwise (their margin does "
    "not cover delivery, service, payment handling, marketing and returns). Give a Series of counts indexed by "
    "reason ('cost to serve', 'unpaid invoices').",
    reference=unprofitable_by_reason,
    mistakes=[
        Mistake("non_buyers", "You counted customers who never ordered: their contribution is negative only because "
                "marketing reached them. Keep the buyers first (orders > 0).",
                answer=lambda w: _by_reason(_lost(w.customer_costs), (_lost(w.customer_costs)["contribution"]
                                                                      + _lost(w.customer_costs)["written_off"]) >= 0)),
        Mistake("any_write_off", "You called every buyer with a write-off an 'unpaid invoices' case. Some would still "
                "lose money if they had paid everything: add the written-off amount back to the contribution and "
                "see whether it reaches zero.",
                answer=lambda w: _by_reason(_lost(w.customer_costs[w.customer_costs["orders"] > 0]),
                                            _lost(w.customer_costs[w.customer_costs["orders"] > 0])["written_off"] > 0)),
        Mistake("shares", "Right split, but as shares of the unprofitable buyers. Give the counts of buyers.",
                answer=lambda w: unprofitable_by_reason(w) / unprofitable_by_reason(w).sum()),
    ],
    hint="customer_costs has the contribution and the written-off amount of every customer; "
         "ck.analytics.unprofitable_buyers does this on any costs table.")


# --- what the lost customers cost to replace ---------------------------------------------------------------


def _lost_last_year(w) -> int:
    year = w.observed_until.year
    return int((~_buyers(w, year - 1).isin(_buyers(w, year))).sum())


def replacement_cost(w) -> float:
    return _lost_last_year(w) * COURSE_MULTIPLE * KEEP_COST


REPLACEMENT = Exercise(
    "replacement_cost",
    f"Retention saves marketing money: every customer lost must be replaced by a new one. Count the customers "
    f"**lost** in the last observed year (the buyers of the year before who did not order again in the last year). "
    f"The course claims, without a source, that winning a new customer costs an advertising agency at least "
    f"**{COURSE_MULTIPLE} times** as much as keeping one; take keeping a customer to cost {KEEP_COST:.0f} a year. "
    f"What does winning as many new customers as were lost cost?",
    reference=replacement_cost,
    mistakes=[
        Mistake("kept_not_lost", "You counted the customers who came back. The ones to replace are those who did "
                "not: the year before's buyers without an order in the last year.",
                answer=lambda w: (len(_buyers(w, w.observed_until.year - 1)) - _lost_last_year(w))
                * COURSE_MULTIPLE * KEEP_COST),
        Mistake("keeping_cost", f"That is what keeping them would have cost ({KEEP_COST:.0f} each). Winning a new "
                f"customer costs {COURSE_MULTIPLE} times as much.", answer=lambda w: _lost_last_year(w) * KEEP_COST),
        Mistake("low_multiple", f"You used a multiple of 5, the low end of the 'five to 25 times' attributed to "
                f"HBR.org. This question takes the course's {COURSE_MULTIPLE}.",
                answer=lambda w: _lost_last_year(w) * 5 * KEEP_COST),
        Mistake("never_bought", "You counted every known customer without an order in the last year, including "
                "those who never bought. Only the year before's buyers can be lost.",
                answer=lambda w: int((~w.customers["customer_id"].isin(_buyers(w, w.observed_until.year))).sum())
                * COURSE_MULTIPLE * KEEP_COST),
    ],
    hint="the lost customers are the year before's buyers minus those who ordered again; "
         "ck.analytics.acquisition_vs_retention gives the replacement cost of a rate.")


EXERCISES = [PHASE_MIX, COHORT, CLV, FIVE_POINTS, UNPROFITABLE, REPLACEMENT]
