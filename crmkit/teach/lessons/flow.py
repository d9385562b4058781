"""Exercises of the lesson on the CRM flow model (notebooks/01_crm_flow_model.ipynb).

Collect (the data quality of each source system), store (an identity-resolution baseline
scored against the true links), the warehouse (a star-schema query and a KPI, in SQL or in
pandas: the checks judge the figures, however they were computed) and identify (the best
customers by spend); the segment, profile and silo exercises live in
:mod:`crmkit.teach.lessons.flow_stages`.
"""

from __future__ import annotations

import pandas as pd

from crmkit.analytics.identity import exact_email_links, resolve_identities
from crmkit.analytics.identity_quality import match_quality
from crmkit.teach import Exercise, Mistake
from crmkit.teach.lessons.flow_stages import MASTER_SILO_SHARE, MASTER_VALUE_GAP, SEGMENT_BEST_SHARE, SEGMENT_NPS

__all__ = ["EXERCISES"]


# --- collect: what each touchpoint's system failed to capture ---------------------------------------


def _by_system(records: pd.DataFrame, values: pd.Series, how: str) -> pd.Series:
    result = values.groupby(records["source_system"].astype(str)).agg(how)
    return result.rename_axis("source_system").rename("missing_email")


def missing_email_share(w) -> pd.Series:
    records = w.source_records
    return _by_system(records, records["email"].isna(), "mean")


MISSING_EMAIL = Exercise(
    "missing_email_share",
    "Collect: every touchpoint's system captures people its own way. For each `source_system` in "
    "`source_records`, what **share of its records have no email**? Give a Series indexed by source_system.",
    reference=missing_email_share,
    mistakes=[
        Mistake("count", "You counted the records without an email; the question asks for their share of each "
                "system's records: take the mean of the true/false test per system, not its sum.",
                answer=lambda w: _by_system(w.source_records, w.source_records["email"].isna(), "sum")),
        Mistake("share_with_email", "You gave the share of records that *have* an email. Test for the missing ones: "
                "email.isna().",
                answer=lambda w: _by_system(w.source_records, w.source_records["email"].notna(), "mean")),
        Mistake("overall", "You gave one share over all records. Group by source_system first: the systems differ, "
                "and that difference is the point.", answer=lambda w: float(w.source_records["email"].isna().mean())),
        Mistake("share_of_missing", "You divided each system's missing emails by all missing emails (where the gaps "
                "are), not by the system's own records (how often the system misses one).",
                answer=lambda w: _by_system(w.source_records, w.source_records["email"].isna(), "sum").pipe(
                    lambda s: s / s.sum())),
    ])


# --- store: the exact-email baseline against the true links -----------------------------------------


def _quality(links, w) -> pd.Series:
    return match_quality(links, w.truth.source_links)[["precision", "recall"]]


def _links_by_key(records: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"source_record_id": records["source_record_id"].to_numpy(),
                         "entity_id": pd.factorize(key)[0]})


def _dropped_missing_links(w) -> pd.DataFrame:
    records = w.source_records.dropna(subset=["email"])
    return _links_by_key(records, records["email"].str.strip().str.lower())


def _missing_together_links(w) -> pd.DataFrame:
    records = w.source_records
    return _links_by_key(records, records["email"].str.strip().str.lower().fillna("(no email)"))


def _swapped(answer, w) -> bool:
    expected = _quality(exact_email_links(w.source_records), w)
    return (abs(float(answer["precision"]) - expected["recall"]) < 1e-6
            and abs(float(answer["recall"]) - expected["precision"]) < 1e-6)


EXACT_EMAIL = Exercise(
    "exact_email_quality",
    "Store centrally: the simplest way to merge the systems' records is to call two records the same person "
    "when their **emails are equal after trimming spaces and lower-casing**; a record without an email is a "
    "person of its own. Build those links (columns source_record_id, entity_id), score them with "
    "`ck.analytics.match_quality(links, world.truth.source_links)` and give its **precision and recall** "
    "(a Series with exactly those two entries).",
    reference=lambda w: _quality(exact_email_links(w.source_records), w),
    uses_truth=True,
    mistakes=[
        Mistake("dropped_missing", "You left out the records without an email. They still belong to people, and "
                "their links to those people's other records are links the baseline misses: keep every record, "
                "each record without an email as its own entity.",
                answer=lambda w: _quality(_dropped_missing_links(w), w)),
        Mistake("missing_together", "You put every record without an email into one person (the missing value "
                "became a key of its own), which merges strangers: see how precision fell. Give each of those "
                "records its own entity.", answer=lambda w: _quality(_missing_together_links(w), w)),
        Mistake("fuzzy", "That is the quality of the fuzzy matcher (resolve_identities); the question asks for "
                "the exact-email baseline.", answer=lambda w: _quality(resolve_identities(w.source_records), w)),
        Mistake("swapped", "Right figures, swapped: precision is the share of merges that are right, recall the "
                "share of true links found.", matches=_swapped),
    ])


# --- identify: the best customers --------------------------------------------------------------------


def _top(values: pd.Series, n: int = 10, ascending: bool = False) -> pd.Series:
    frame = values.rename("value").reset_index()
    frame = frame.sort_values(["value", "customer_id"], ascending=[ascending, True], kind="stable").head(n)
    index = pd.Index(frame["customer_id"].astype("int64"), name="customer_id")
    return pd.Series(frame["value"].to_numpy(), index=index, name=values.name)


def _per_customer(w, column: str, how: str = "sum") -> pd.Series:
    orders = w.orders[w.orders["ordered_at"] < w.observed_until + pd.Timedelta(days=1)]
    return orders.groupby("customer_id")[column].agg(how)


TOP_SPENDERS = Exercise(
    "top_spenders",
    "Identify the best customers: the **10 customers with the highest total `net_amount`** in the observation "
    "window, highest first (ties: lower customer_id first). Give a Series indexed by customer_id whose values "
    "are their totals.",
    reference=lambda w: _top(_per_customer(w, "net_amount")),
    ordered=True,
    mistakes=[
        Mistake("gross", "You ranked by gross_amount (list prices, before discounts). The money customers really "
                "paid is net_amount.", answer=lambda w: _top(_per_customer(w, "gross_amount"))),
        Mistake("order_count", "You ranked by the number of orders. Frequent buyers are not always the biggest "
                "spenders: sum net_amount per customer.", answer=lambda w: _top(_per_customer(w, "order_id", "size"))),
        Mistake("average_order", "You ranked by the average order (mean); one large order then beats years of "
                "buying. Sum net_amount per customer.", answer=lambda w: _top(_per_customer(w, "net_amount", "mean"))),
        Mistake("ascending", "Those are the 10 smallest spenders: sort with ascending=False (or use .nlargest).",
                answer=lambda w: _top(_per_customer(w, "net_amount"), ascending=True)),
    ])


# --- the warehouse: a fact joined to a dimension, and a KPI ------------------------------------------


def _revenue_by_region(w, column: str = "net_amount", how: str = "sum") -> pd.Series:
    orders = w.orders.merge(w.customers[["customer_id", "region"]], on="customer_id")
    return orders.groupby(orders["region"].astype(str))[column].agg(how).rename_axis("region").rename("revenue")


REGION_REVENUE = Exercise(
    "warehouse_revenue_by_region",
    "The warehouse: join the fact table `fact_orders` to the dimension `dim_customer` and give the **revenue "
    "(the sum of `net_amount`) of each customer region**, a Series indexed by region.",
    reference=_revenue_by_region,
    mistakes=[
        Mistake("gross", "You added gross_amount (list prices, before discounts). Revenue is what customers "
                "paid: net_amount.", answer=lambda w: _revenue_by_region(w, "gross_amount")),
        Mistake("count", "You counted the orders of each region; the question asks for their revenue: "
                "sum(net_amount).", answer=lambda w: _revenue_by_region(w, "order_id", "size")),
        Mistake("average", "You gave the average order of each region (avg); revenue is the total: "
                "sum(net_amount).", answer=lambda w: _revenue_by_region(w, how="mean")),
    ])


def _repeat_share(w, least: int = 2, of_all: bool = False) -> float:
    per_buyer = w.orders.groupby("customer_id").size()
    return float((per_buyer >= least).sum() / (len(w.customers) if of_all else len(per_buyer)))


REPEAT_RATE = Exercise(
    "warehouse_repeat_rate",
    "A KPI: the **repeat rate**, the share of buyers (customers with at least one order) who ordered "
    "**more than once**. Give one number between 0 and 1.",
    reference=_repeat_share,
    mistakes=[
        Mistake("of_all_customers", "You divided by every customer, buyers or not. The repeat rate is a share "
                "of the buyers: count only customers with at least one order.",
                answer=lambda w: _repeat_share(w, of_all=True)),
        Mistake("more_than_two", "You counted buyers with more than two orders; 'more than once' means two "
                "or more (orders >= 2).", answer=lambda w: _repeat_share(w, least=3)),
        Mistake("one_timers", "That is the share of one-time buyers: the repeat rate is the others, "
                "1 minus your figure.", answer=lambda w: 1 - _repeat_share(w)),
    ])


EXERCISES = [MISSING_EMAIL, EXACT_EMAIL, REGION_REVENUE, REPEAT_RATE, TOP_SPENDERS, SEGMENT_BEST_SHARE, SEGMENT_NPS,
             MASTER_VALUE_GAP, MASTER_SILO_SHARE]
