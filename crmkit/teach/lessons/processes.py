"""Exercises of the lesson on the CRM processes (notebooks/03_crm_processes.ipynb).

Complaint management (complaints per month), campaign management feeding sales (revenue of
the orders that redeemed an offer, per campaign objective), feedback management (NPS per
survey trigger) and the CRM life cycle (the order of its steps); the exercises on the customers
(loyalty's duration and intensity, a profile, a cohort through the processes) are in
:mod:`crmkit.teach.lessons.processes_customers`; those on what CRM covers and how it is brought in
(the people beyond the ERP, the world's profile and class of product, the roll-out stages) in
:mod:`crmkit.teach.lessons.processes_scope`; the one on the people side of the life cycle (CRM
training and first-contact resolution) in :mod:`crmkit.teach.lessons.processes_people`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.processes_customers import COHORT, LOYALTY, PROFILE
from crmkit.teach.lessons.processes_people import TRAINING_FCR
from crmkit.teach.lessons.processes_scope import BEYOND_ERP, CRM_PROFILE, PRODUCT_CLASS, ROLLOUT

__all__ = ["EXERCISES", "LIFE_CYCLE_STEPS"]


def _same_values(answer, expected: pd.Series) -> bool:
    """Whether a Series answer has the values of ``expected``, whatever its index labels."""
    values = pd.Series(answer).to_numpy(dtype=float)
    return len(values) == len(expected) and np.allclose(np.sort(values), np.sort(expected.to_numpy(dtype=float)))


# --- complaint management: complaints per month -----------------------------------------------------


def _by_month(times: pd.Series) -> pd.Series:
    return times.dt.to_period("M").rename("month")


def complaints_per_month(w) -> pd.Series:
    complaints = w.cases[w.cases["is_complaint"].astype(bool)]
    return complaints.groupby(_by_month(complaints["opened_at"])).size()


COMPLAINTS = Exercise(
    "complaints_per_month",
    "Complaint management: how many **complaints** (`cases` with `is_complaint`) were **opened** in each month? "
    "Give a Series indexed by the month as a period (`.dt.to_period('M')`), one entry per month with complaints.",
    reference=complaints_per_month,
    mistakes=[
        Mistake("all_cases", "You counted every case, service requests too. Complaint management handles the "
                "complaints only: keep the cases with is_complaint first.",
                answer=lambda w: w.cases.groupby(_by_month(w.cases["opened_at"])).size()),
        Mistake("closed_at", "You grouped by the month the complaint was closed. The question counts when it came "
                "in: group by opened_at (closed_at is empty for cases still open, so those were lost too).",
                answer=lambda w: (lambda c: c.groupby(_by_month(c["closed_at"])).size())(w.cases[w.cases["is_complaint"]])),
        Mistake("month_of_year", "You grouped by the month of the year (1 to 12), which adds January 2024 to January "
                "2025. Group by the period: opened_at.dt.to_period('M').",
                answer=lambda w: (lambda c: c.groupby(c["opened_at"].dt.month).size())(w.cases[w.cases["is_complaint"]])),
    ])


# --- campaign management feeds sales: revenue of redeemed offers, per objective ----------------------


def _campaign_orders(w) -> pd.DataFrame:
    orders = w.orders[w.orders["campaign_id"].notna()]
    return orders.merge(w.campaigns[["campaign_id", "objective", "channel"]].rename(columns={"channel": "campaign_channel"}),
                        on="campaign_id")


def _per_objective(table: pd.DataFrame, column: str = "net_amount") -> pd.Series:
    result = table.groupby("objective", observed=True)[column].sum()
    result.index = result.index.astype(str).rename("objective")
    return result


def revenue_by_objective(w) -> pd.Series:
    return _per_objective(_campaign_orders(w))


def _response_orders(w) -> pd.DataFrame:
    members = w.campaign_members.dropna(subset=["response_order_id"])
    orders = w.orders.set_index("order_id")["net_amount"]
    table = members.merge(w.campaigns[["campaign_id", "objective"]], on="campaign_id")
    return table.assign(net_amount=table["response_order_id"].map(orders))


CAMPAIGN_REVENUE = Exercise(
    "campaign_revenue_by_objective",
    "Campaign management feeds sales: an order that redeemed a campaign's offer carries its `campaign_id`. "
    "What **revenue** (`net_amount`) came from those orders, **per campaign objective** (`campaigns.objective`)? "
    "Give a Series indexed by objective.",
    reference=revenue_by_objective,
    mistakes=[
        Mistake("order_count", "You counted the orders; the question asks for their revenue: sum net_amount.",
                matches=lambda a, w: _same_values(a, _campaign_orders(w).groupby("objective", observed=True).size())),
        Mistake("gross_amount", "You summed gross_amount, before the campaign's discount; revenue is net_amount.",
                answer=lambda w: _per_objective(_campaign_orders(w), "gross_amount")),
        Mistake("responders", "You summed the campaigns' response orders (campaign_members.response_order_id). Those "
                "include control-group members who bought without the offer; the orders that redeemed an offer are "
                "the ones whose orders.campaign_id is set.", answer=lambda w: _per_objective(_response_orders(w))),
        Mistake("by_channel", "You grouped by the campaign's channel; the question asks per objective.",
                matches=lambda a, w: _same_values(a, _campaign_orders(w).groupby("campaign_channel", observed=True)["net_amount"].sum())),
    ])


# --- feedback management: NPS per survey trigger -------------------------------------------------------


def _nps(scores: pd.DataFrame, promoter_from: int = 9, detractor_to: int = 6, scale: float = 100.0) -> pd.Series:
    promoters = (scores["score"] >= promoter_from).groupby(scores["trigger"], observed=True).mean()
    detractors = (scores["score"] <= detractor_to).groupby(scores["trigger"], observed=True).mean()
    result = scale * (promoters - detractors)
    result.index = result.index.astype(str).rename("trigger")
    return result


def _nps_rows(w) -> pd.DataFrame:
    return w.surveys[w.surveys["kind"] == "nps"]


def nps_by_trigger(w) -> pd.Series:
    return _nps(_nps_rows(w))


NPS = Exercise(
    "nps_by_trigger",
    "Feedback management: the **Net Promoter Score** per survey `trigger`, from the `surveys` of kind `nps`: the "
    "share of promoters (9 or 10) minus the share of detractors (0 to 6), times 100. Give a Series indexed by "
    "trigger.",
    reference=nps_by_trigger,
    rtol=1e-3, atol=1e-3,
    mistakes=[
        Mistake("mean_score", "You averaged the scores. NPS is not a mean: it is the share of promoters (9-10) minus "
                "the share of detractors (0-6), times 100.",
                answer=lambda w: _nps_rows(w).groupby("trigger", observed=True)["score"].mean().pipe(
                    lambda s: s.set_axis(s.index.astype(str).rename("trigger")))),
        Mistake("eight_is_promoter", "You counted 8s as promoters. Promoters score 9 or 10; 7 and 8 are passives.",
                answer=lambda w: _nps(_nps_rows(w), promoter_from=8)),
        Mistake("csat_included", "You kept the CSAT answers too (scored 1 to 5, so all of them look like detractors). "
                "Keep the rows of kind 'nps' first.", answer=lambda w: _nps(w.surveys)),
        Mistake("not_times_100", "Right shares, but NPS is given in points: multiply the difference by 100.",
                answer=lambda w: _nps(_nps_rows(w), scale=1.0)),
    ])


# --- the CRM life cycle ----------------------------------------------------------------------------------

#: The steps of the CRM life cycle, in the course's order (the learner gets them shuffled).
LIFE_CYCLE_STEPS = ("corporate CRM goals", "process changes", "functional requirements", "architecture", "product")


def _positions(order) -> pd.Series:
    return pd.Series(range(1, len(order) + 1), index=pd.Index(list(order), name="step"))


def _put_first(step: str):
    """A mistake test: ``step`` (the technology) was put before the goals."""
    def matches(answer, world) -> bool:
        return answer[step] < answer["corporate CRM goals"]
    return matches


LIFE_CYCLE = Exercise(
    "life_cycle_order",
    "The CRM life cycle: number the steps " + ", ".join(f"'{s}'" for s in sorted(LIFE_CYCLE_STEPS))
    + " in the order the course gives them (1 = first). Give a Series indexed by step.",
    reference=lambda w: _positions(LIFE_CYCLE_STEPS),
    mistakes=[
        Mistake("product_first", "You start with the product. The course is firm: CRM is a strategy, not a system. "
                "Set the corporate CRM goals and change the processes before any technology, and choose the product "
                "last.", matches=_put_first("product")),
        Mistake("architecture_first", "You start with the architecture, which is technology too. Goals and process "
                "changes come first.", matches=_put_first("architecture")),
        Mistake("technology_before_processes", "You put technology (architecture or product) before the process "
                "changes: decide how the processes should work first, then what the systems must do.",
                matches=lambda a, w: min(a["architecture"], a["product"]) < a["process changes"]),
        Mistake("architecture_before_requirements", "You set the architecture before the functional requirements. "
                "Say what the system must do (requirements) before deciding how the systems fit together.",
                matches=lambda a, w: a["architecture"] < a["functional requirements"]),
        Mistake("processes_before_goals", "You change the processes before setting the corporate CRM goals; the "
                "processes are redesigned to serve the goals, so the goals come first.",
                matches=lambda a, w: a["process changes"] < a["corporate CRM goals"]),
    ],
    hint="for each step, ask which step it needs to be settled before it can start.")


EXERCISES = [COMPLAINTS, CAMPAIGN_REVENUE, LOYALTY, PROFILE, NPS, COHORT, LIFE_CYCLE, TRAINING_FCR, BEYOND_ERP, CRM_PROFILE,
             PRODUCT_CLASS, ROLLOUT]
