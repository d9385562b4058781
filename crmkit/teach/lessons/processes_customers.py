"""Exercises of lesson 03 that run the processes on the customers: loyalty management's duration and
intensity of relationships per tier, a customer profile (the order channels of the best members
against all customers, as an index) and one cohort followed through the processes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analytics.process_reach import process_reach
from crmkit.analytics.profiling import profile_index
from crmkit.analytics.relationships import DAYS_PER_YEAR, duration_and_intensity, relationship_strength
from crmkit.teach import Exercise, Mistake

__all__ = ["BEST_TIERS", "COHORT", "COHORT_PROCESSES", "LOYALTY", "PROFILE", "cohort_year"]

BEST_TIERS = ("silver", "gold")  # the segment profiled: the programme's two upper tiers with members
COHORT_PROCESSES = ("campaign_management", "sales_management", "service_management", "complaint_management",
                    "loyalty_management", "feedback_management")


def _close(answer, expected: pd.Series) -> bool:
    """Whether ``answer`` (a Series) has the values of ``expected`` at its labels (NaN equals NaN)."""
    a = pd.Series(answer).reindex(expected.index).to_numpy(dtype=float, na_value=np.nan)
    return bool(np.isclose(a, expected.to_numpy(dtype=float), rtol=1e-4, atol=1e-9, equal_nan=True).all())


def _column_is(column: str, wrong):
    """A mistake test: the answer's ``column`` holds the values ``wrong(world)`` gives."""
    return lambda a, w: _close(a[column].set_axis(a.index.astype(str)), wrong(w))


def _with_empty_channels(answer, w) -> bool:
    """A mistake test: the right values, plus channels without orders (a categorical's unused categories)."""
    expected = _channel_index(w)
    answer = pd.Series(answer).set_axis(pd.Index(answer.index.astype(str)))
    extra = answer.drop(expected.index, errors="ignore")
    return len(extra) > 0 and bool((extra.fillna(0) == 0).all()) and _close(answer, expected)


# --- loyalty management: duration and intensity per tier ---------------------------------------------


def _strength(w) -> pd.DataFrame:
    return relationship_strength(w.customers, w.orders, w.observed_until)


def duration_intensity(w) -> pd.DataFrame:
    return duration_and_intensity(_strength(w))[["duration_years", "orders_per_year"]]


def _per_tier(values: pd.Series, tiers: pd.Series, how: str = "mean") -> pd.Series:
    result = values.groupby(tiers.astype(str).to_numpy()).agg(how)
    return result.rename_axis("loyalty_tier")


def _mean_of_ratios(w) -> pd.Series:
    s = _strength(w)
    return _per_tier(s["orders"] / s["duration_years"], s["loyalty_tier"])


def _until_last_order(w) -> pd.Series:
    last = w.orders.groupby("customer_id")["ordered_at"].max()
    s = _strength(w)
    return _per_tier((s["customer_id"].map(last) - s["signup_date"]).dt.days / DAYS_PER_YEAR, s["loyalty_tier"])


def _over_orders(w) -> pd.Series:
    rows = w.orders[["customer_id"]].merge(_strength(w), on="customer_id")
    return _per_tier(rows["duration_years"], rows["loyalty_tier"])


def _duration_in_other_units(a, w) -> bool:
    expected = duration_intensity(w)["duration_years"]
    answer = a["duration_years"].set_axis(a.index.astype(str))
    if set(answer.index) != set(expected.index):
        return False
    ratios = answer.reindex(expected.index).to_numpy(dtype=float) / expected.to_numpy()
    return any(np.allclose(ratios, unit, rtol=2e-3) for unit in (DAYS_PER_YEAR, 12.0, 52.0))


def _none_left_out(a, w) -> bool:
    expected = duration_intensity(w).drop(index="none")
    kept = a.set_axis(a.index.astype(str))
    return set(kept.index) == set(expected.index) and all(_close(kept[c], expected[c]) for c in expected.columns)


LOYALTY = Exercise(
    "loyalty_duration_intensity",
    "Loyalty management: the **duration** and **intensity** of the relationships per `loyalty_tier`. Duration: the "
    "mean of the years each customer has been a customer (from `signup_date` to `observed_until`, days / 365.25). "
    "Intensity: the tier's orders divided by the sum of its customers' years (orders per customer-year). Give a "
    "DataFrame indexed by tier with the columns `duration_years` and `orders_per_year`.",
    reference=duration_intensity,
    mistakes=[
        Mistake("none_left_out", "You left out the customers outside the programme (tier 'none'). They are the "
                "comparison: without them you cannot see what the members do differently.", matches=_none_left_out),
        Mistake("duration_units", "Your durations are in days, weeks or months; the question asks for years "
                "(days / 365.25).", matches=_duration_in_other_units),
        Mistake("until_last_order", "You measured the duration up to each customer's last order. A relationship still "
                "running has not ended at the last order: measure from signup_date to observed_until, for every "
                "customer, buyers or not.", matches=_column_is("duration_years", _until_last_order)),
        Mistake("mean_over_orders", "Your mean duration is taken over the orders (after merging orders with "
                "customers), so frequent buyers count many times. Average over the customers.",
                matches=_column_is("duration_years", _over_orders)),
        Mistake("mean_of_ratios", "You averaged each customer's own orders per year. A customer who signed up last "
                "week and bought once then counts as buying fifty times a year (or infinitely often, on the last "
                "day). Divide the tier's orders by the sum of its customers' years.",
                matches=_column_is("orders_per_year", _mean_of_ratios)),
        Mistake("spend_not_orders", "Your intensity is the spend per year; the question asks for purchase "
                "frequency: count the orders.",
                matches=_column_is("orders_per_year", lambda w: duration_and_intensity(_strength(w))["spend_per_year"])),
    ],
    hint="one row per customer first (years, orders), then group by loyalty_tier.")


# --- customer profiling: the order channels of the best members, as an index ------------------------------


def _members(w, tiers=BEST_TIERS) -> pd.Index:
    return pd.Index(w.customers.loc[w.customers["loyalty_tier"].astype(str).isin(tiers), "customer_id"])


def _channel_index(w, weight=None, tiers=BEST_TIERS, base_is_rest: bool = False, column: str = "index") -> pd.Series:
    orders = w.orders
    traits = pd.DataFrame({"customer_id": orders["customer_id"], "trait": "channel", "value": orders["channel"].astype(str),
                           "weight": 1.0 if weight is None else orders[weight]})
    if base_is_rest:  # the segment's shares against the other customers' only
        rest = ~traits["customer_id"].isin(_members(w, tiers))
        table = profile_index(traits[~rest], _members(w, tiers)).join(
            profile_index(traits[rest], traits.loc[rest, "customer_id"])["segment_share"].rename("rest"))
        return (100 * table["segment_share"] / table["rest"]).droplevel("trait").rename_axis("channel")
    table = profile_index(traits, _members(w, tiers)).droplevel("trait").rename_axis("channel")
    return table[column]


PROFILE = Exercise(
    "profile_channel_index",
    "Customer profiling: where do the **silver and gold** members buy? For each order `channel`, the index: the "
    "members' share of their orders in that channel divided by the share of all customers' orders in it, times 100 "
    "(100 = as common as among all customers). Give a Series indexed by channel, one entry per channel with orders.",
    reference=_channel_index,
    mistakes=[
        Mistake("empty_channels", "Right values, plus channels without a single order (orders.channel is categorical, "
                "so value_counts lists every category). Keep the channels with orders: .dropna(), or count with "
                "groupby(..., observed=True).", matches=_with_empty_channels),
        Mistake("share_not_index", "That is the members' share of orders per channel: half of a profile. The index "
                "divides it by all customers' share, which shows what is special about the members.",
                matches=lambda a, w: any(_close(a, scale * _channel_index(w, column="segment_share")) for scale in (1.0, 100.0))),
        Mistake("not_times_100", "Right ratios, but an index is given in points: multiply by 100 (100 = average).",
                answer=lambda w: _channel_index(w) / 100),
        Mistake("inverted", "You divided all customers' share by the members' share: the other way round. The "
                "segment's share comes on top.", answer=lambda w: 1e4 / _channel_index(w)),
        Mistake("base_is_rest", "You compared the members with the customers outside the segment. A profile index "
                "compares the segment with the whole base, members included.",
                answer=lambda w: _channel_index(w, base_is_rest=True)),
        Mistake("spend_weighted", "You weighted the channels by the money spent (net_amount); the question counts "
                "orders.", answer=lambda w: _channel_index(w, "net_amount")),
        Mistake("one_tier_only", "You profiled one tier only; the segment is the silver AND the gold members.",
                matches=lambda a, w: any(_close(a, _channel_index(w, tiers=(t,))) for t in BEST_TIERS)),
    ],
    hint="value_counts(normalize=True) gives a share per channel; do it for the members and for everyone.")


# --- the processes as a whole: one cohort through the processes ------------------------------------------


def cohort_year(w) -> int:
    """The cohort followed: the customers who signed up in the year before the last observed one."""
    return w.observed_until.year - 1


def _reach(w, year=None) -> pd.DataFrame:
    customers = w.customers
    cohort = customers.loc[customers["signup_date"].dt.year == (cohort_year(w) if year is None else year), "customer_id"]
    return process_reach(w.tables, cohort).loc[list(COHORT_PROCESSES)]


def _share_with(w, table: str, keep=None) -> float:
    rows = w.tables[table] if keep is None else w.tables[table][keep(w.tables[table])]
    customers = w.customers
    cohort = customers.loc[customers["signup_date"].dt.year == cohort_year(w), "customer_id"]
    extra = pd.Index([])
    if table == "campaign_members":  # the offers redeemed on orders count for campaign management too
        extra = pd.Index(w.orders.loc[w.orders["campaign_id"].notna(), "customer_id"])
    return float(cohort.isin(pd.Index(rows["customer_id"]).append(extra)).mean())


COHORT = Exercise(
    "cohort_process_reach",
    "The processes as a whole: follow the customers who **signed up in the year before the last observed year** "
    "through the processes. For each process, the share of that cohort it recorded at least once: "
    "`campaign_management` (a campaign contact outside the control group, or an order with a `campaign_id`), "
    "`sales_management` (an order or a deal in `opportunities`), `service_management` (a case that is not a "
    "complaint), `complaint_management` (a complaint, or a refund), `loyalty_management` (any `loyalty_ledger` "
    "entry) and `feedback_management` (any survey answer). Give a Series indexed by process.",
    reference=lambda w: _reach(w)["share"],
    mistakes=[
        Mistake("counts_not_shares", "Those are numbers of customers; the question asks for shares of the cohort: "
                "divide by the cohort's size.", answer=lambda w: _reach(w)["customers"].astype(float)),
        Mistake("percent", "Right, but in percent: give the shares from 0 to 1 (drop the * 100).",
                answer=lambda w: 100 * _reach(w)["share"]),
        Mistake("rows_not_customers", "A share above 1: you counted rows (orders, cases...) instead of customers. "
                "Count each customer once (nunique, or isin on the cohort's ids).",
                matches=lambda a, w: set(a.index) == set(COHORT_PROCESSES) and float(a.max()) > 1.0),
        Mistake("whole_base", "You followed every customer, not the cohort. Keep the customers whose signup_date "
                "falls in the year before the last observed year first.",
                answer=lambda w: process_reach(w.tables, w.customers["customer_id"]).loc[list(COHORT_PROCESSES), "share"]),
        Mistake("wrong_year", "You followed the cohort of another sign-up year: the cohort is the year before the "
                "last observed one (observed_until.year - 1).",
                matches=lambda a, w: any(_close(a, _reach(w, year)["share"]) for year in
                                         set(w.customers["signup_date"].dt.year) - {cohort_year(w)})),
        Mistake("control_group_counted", "Your campaign management share counts the control group. Control-group "
                "members were kept out of the campaign on purpose: the campaign never contacted them.",
                matches=lambda a, w: np.isclose(a["campaign_management"], _share_with(w, "campaign_members"), rtol=1e-4)),
        Mistake("complaints_as_service", "Your service management share counts the complaints too. Complaints belong "
                "to complaint management: keep the cases with is_complaint False for service.",
                matches=lambda a, w: np.isclose(a["service_management"], _share_with(w, "cases"), rtol=1e-4)),
    ],
    hint="take the cohort's customer ids once, then for each process ask which of them appear in its rows.")


EXERCISES = [LOYALTY, PROFILE, COHORT]
