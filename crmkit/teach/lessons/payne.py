"""Exercises of the lesson on Payne and Frow's five processes (notebooks/05_payne_five_processes.ipynb).

Performance assessment computes the KPIs of the dashboard by hand, for the last observed year:
active buyers per region, the retention of the year before's buyers, and complaints per order
by order channel. A last exercise maps the processes to the types of CRM, as the course does.
Market research (internal and external data) has its two exercises in ``payne_market``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.payne_market import MARKET_SHARE, SHARE_INTERVAL

__all__ = ["EXERCISES"]


def _year(w) -> int:
    return int(w.observed_until.year)


def _orders_in(w, year: int) -> pd.DataFrame:
    return w.orders[w.orders["ordered_at"].dt.year == year]


def _buyers_in(w, year: int) -> pd.Index:
    return pd.Index(_orders_in(w, year)["customer_id"].unique())


def _times_100(reference):
    """A mistake test: the right answer written as a percentage (times 100)."""
    def matches(answer, world) -> bool:
        expected = reference(world)
        if isinstance(expected, pd.Series):
            ours = pd.Series(answer).astype(float)
            ours.index = ours.index.astype(str)  # a categorical index sorts in its own order
            ours = ours.reindex(expected.index.astype(str))
            return bool(np.allclose(ours.to_numpy(), 100 * expected.to_numpy(), rtol=1e-3))
        return bool(expected != 0 and np.isclose(float(answer), 100 * expected, rtol=1e-3))
    return matches


# --- active buyers per region -------------------------------------------------------------------------


def _by_region(w, orders: pd.DataFrame) -> pd.DataFrame:
    regions = w.customers.set_index("customer_id")["region"].astype(str)
    return orders.assign(region=orders["customer_id"].map(regions).to_numpy())


def active_buyers_by_region(w) -> pd.Series:
    return _by_region(w, _orders_in(w, _year(w))).groupby("region")["customer_id"].nunique()


ACTIVE_BUYERS = Exercise(
    "active_buyers_by_region",
    "Performance assessment: how many **active buyers** did each **region** have in the last observed year "
    "(the calendar year of `world.observed_until`)? An active buyer is a customer with at least one order in "
    "that year; the region is the customer's (`customers.region`). Give a Series indexed by region.",
    reference=active_buyers_by_region,
    mistakes=[
        Mistake("counted_orders", "You counted orders, so a customer who ordered three times counts three times. "
                "Count distinct customers: .nunique() on customer_id.",
                answer=lambda w: _by_region(w, _orders_in(w, _year(w))).groupby("region").size()),
        Mistake("no_year_cut", "You counted the buyers of the whole observation window. Keep the orders of the last "
                "year first (ordered_at.dt.year == world.observed_until.year).",
                answer=lambda w: _by_region(w, w.orders).groupby("region")["customer_id"].nunique()),
        Mistake("known_customers", "You counted every known customer of the region, including those who did not "
                "order that year. Active buyers are the customers with an order in the year: start from the orders.",
                answer=lambda w: w.customers["region"].astype(str).value_counts()),
    ])


# --- retention of last year's buyers --------------------------------------------------------------------


def retention_last_year(w) -> float:
    before, now = _buyers_in(w, _year(w) - 1), _buyers_in(w, _year(w))
    return float(before.isin(now).mean())


RETENTION = Exercise(
    "retention_last_year",
    "The dashboard's **retention** for the last observed year: of the customers who ordered in the year before "
    "it, what **share** ordered again in the last year? Give a share between 0 and 1.",
    reference=retention_last_year,
    mistakes=[
        Mistake("reversed", "You took the share of this year's buyers who had also bought the year before. "
                "Retention starts from the year before's buyers: of them, how many came back?",
                answer=lambda w: float(_buyers_in(w, _year(w)).isin(_buyers_in(w, _year(w) - 1)).mean())),
        Mistake("all_customers", "You divided by every customer known at the end of the year before, including "
                "those who never ordered. The base is the year before's buyers.",
                answer=lambda w: float(_buyers_in(w, _year(w) - 1).isin(_buyers_in(w, _year(w))).sum()
                                       / (w.customers["signup_date"].dt.year < _year(w)).sum())),
        Mistake("churn", "That is the share who did NOT come back (the churn rate). Retention is 1 minus it.",
                answer=lambda w: 1 - retention_last_year(w)),
        Mistake("percent", "Right figure, wrong unit: give a share between 0 and 1, not a percentage.",
                matches=_times_100(retention_last_year)),
    ])


# --- complaints per order, by channel ----------------------------------------------------------------


def _complaints_per_order(orders: pd.DataFrame, cases: pd.DataFrame, by: str = "channel") -> pd.Series:
    counted = orders["order_id"].map(cases["order_id"].dropna().value_counts()).fillna(0)
    table = pd.DataFrame({by: orders[by].astype(str).to_numpy(), "complaints": counted.to_numpy()})
    return table.groupby(by)["complaints"].mean()


def _complaints(w) -> pd.DataFrame:
    return w.cases[w.cases["is_complaint"].astype(bool)]


def complaint_rate_by_channel(w) -> pd.Series:
    return _complaints_per_order(_orders_in(w, _year(w)), _complaints(w))


def _per_buyer(w) -> pd.Series:
    orders = _orders_in(w, _year(w))
    complaints = orders["order_id"].isin(_complaints(w)["order_id"]).groupby(orders["channel"].astype(str)).sum()
    return complaints / orders.groupby(orders["channel"].astype(str))["customer_id"].nunique()


def _opened_in_year(w) -> pd.Series:
    orders = _orders_in(w, _year(w))
    opened = _complaints(w)[_complaints(w)["opened_at"].dt.year == _year(w)]
    channel = w.orders.set_index("order_id")["channel"].astype(str)
    return opened["order_id"].map(channel).value_counts() / orders["channel"].astype(str).value_counts()


COMPLAINT_RATE = Exercise(
    "complaint_rate_by_channel",
    "The dashboard's **complaint rate** for the last observed year, per **order channel**: for the orders placed "
    "in that year, the number of complaint cases about them (`cases` with `is_complaint`, linked by `order_id`) "
    "divided by the number of those orders. Give a Series indexed by channel, only the channels with orders.",
    reference=complaint_rate_by_channel,
    rtol=1e-3, atol=1e-9,
    hint="keep only the channels with orders: a channel without orders gives 0 / 0 (NaN); drop it with .dropna().",
    mistakes=[
        Mistake("all_cases", "You counted every case about the orders, service requests too. Keep the complaints "
                "first: cases with is_complaint.",
                answer=lambda w: _complaints_per_order(_orders_in(w, _year(w)), w.cases)),
        Mistake("per_buyer", "You divided by the number of buyers. The rate is per order: divide by the number "
                "of orders of the channel.", answer=_per_buyer),
        Mistake("opened_in_year", "You counted the complaints opened during the year, some of them about orders of "
                "the year before. Link each complaint to its order and count those about the year's orders.",
                answer=_opened_in_year),
        Mistake("percent", "Right figures, wrong unit: give shares (complaints per order), not percentages.",
                matches=_times_100(complaint_rate_by_channel)),
    ])


# --- the processes as types of CRM --------------------------------------------------------------------


def payne_crm_types(w=None) -> pd.Series:
    """The course's mapping (crm_type in payne_five_processes.yaml) of the four processes it maps."""
    from crmkit import frameworks

    stages = [stage for stage in frameworks.load("payne_five_processes").stages if stage.crm_type]
    return pd.Series({stage.key: stage.crm_type for stage in stages}, name="crm_type").rename_axis("process")


def _says(**wrong):
    """A mistake test: the answer gives these types to these processes (the rest may be right)."""
    def matches(answer, world) -> bool:
        given = pd.Series(answer).astype(str).str.strip().str.casefold()
        return all(given.get(process) == crm_type for process, crm_type in wrong.items())
    return matches


CRM_TYPES = Exercise(
    "payne_crm_types",
    "The course maps four of Payne and Frow's processes to a **type of CRM** ('strategic', 'operational' or "
    "'analytical'). Give a Series indexed by process key ('strategy_development', 'value_creation', "
    "'multichannel_integration', 'information_management') with the type of each.",
    reference=payne_crm_types,
    mistakes=[
        Mistake("all_strategic", "You made every process strategic. Payne and Frow's framework is a strategic one as a "
                "whole, but its processes differ: running the channels day to day is operational CRM, turning the "
                "data into knowledge is analytical CRM.",
                matches=_says(multichannel_integration="strategic", information_management="strategic")),
        Mistake("channels_and_information_swapped", "You swapped the two middle processes: integrating the channels "
                "is the daily work of serving customers (operational CRM), while managing the information is about "
                "analysing it (analytical CRM).",
                matches=_says(multichannel_integration="analytical", information_management="operational")),
        Mistake("channels_collaborative", "Multichannel integration is not collaborative CRM in the course's mapping: "
                "it joins the firm's own channels into one experience, which is operational CRM (collaborative CRM "
                "is about the touchpoints shared with customers and partners).",
                matches=_says(multichannel_integration="collaborative")),
        Mistake("value_creation_analytical", "Value creation decides what value the firm offers each segment and "
                "gets back: a strategic choice, even though customer value is computed from data.",
                matches=_says(value_creation="analytical")),
        Mistake("information_operational", "Information management is analytical CRM in the course's mapping: the "
                "point is the customer knowledge the joined data gives, not the systems that capture it.",
                matches=_says(information_management="operational")),
    ],
    hint="ask of each process: does it decide whom to serve and with what (strategic), run the daily contact "
         "(operational), or turn data into knowledge (analytical)?")


EXERCISES = [ACTIVE_BUYERS, RETENTION, COMPLAINT_RATE, CRM_TYPES, MARKET_SHARE, SHARE_INTERVAL]
