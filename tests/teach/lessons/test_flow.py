"""Exercises of the flow-model lesson: the right answer passes on two seeds, and each typical wrong
answer, written as a learner would write it, gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics import match_quality, resolve_identities
from crmkit.teach.lessons import checks
from tests.teach.lessons.helpers import assert_mistakes

SEEDS = (1, 2)


@lru_cache(maxsize=2)
def make_world(seed: int):
    return ck.simulate("pschse", customers=2000, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture(scope="module")
def lesson(world):
    return checks("flow", world)



def test_every_mistake_is_distinguishable_on_this_world(lesson):
    assert lesson.validate()["distinguishable"].all()


def test_missing_email_share(lesson, world):
    records = world.source_records
    missing = records["email"].isna().groupby(records["source_system"].astype(str))
    messages = assert_mistakes(lesson, "missing_email_share", missing.mean(), {
        "count": missing.sum(),
        "share_with_email": records["email"].notna().groupby(records["source_system"].astype(str)).mean(),
        "overall": records["email"].isna().mean(),
        "share_of_missing": missing.sum() / records["email"].isna().sum(),
    })
    assert "mean" in messages["count"] and "source_system" in messages["overall"]
    # also right: the same shares computed with value_counts(normalize=True)
    by_hand = records.assign(missing=records["email"].isna()).groupby("source_system", observed=True)["missing"].mean()
    assert lesson.check("missing_email_share", by_hand).correct


def links_on(records: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"source_record_id": records["source_record_id"], "entity_id": pd.factorize(key)[0]})


def test_exact_email_quality(lesson, world):
    records, truth = world.source_records, world.truth.source_links
    email = records["email"].str.strip().str.lower()
    own = "record-" + records["source_record_id"].astype(str)
    right = match_quality(links_on(records, email.fillna(own)), truth)[["precision", "recall"]]
    kept = records[email.notna()]
    swapped = pd.Series({"precision": right["recall"], "recall": right["precision"]})
    messages = assert_mistakes(lesson, "exact_email_quality", right, {
        "dropped_missing": match_quality(links_on(kept, email[email.notna()]), truth)[["precision", "recall"]],
        "missing_together": match_quality(links_on(records, email.fillna("none")), truth)[["precision", "recall"]],
        "fuzzy": match_quality(resolve_identities(records), truth)[["precision", "recall"]],
        "swapped": swapped,
    })
    assert "precision" in messages["missing_together"]


def test_top_spenders(lesson, world):
    orders = world.orders
    spend = orders.groupby("customer_id")["net_amount"].sum()
    right = spend.nlargest(10)
    messages = assert_mistakes(lesson, "top_spenders", right, {
        "gross": orders.groupby("customer_id")["gross_amount"].sum().nlargest(10),
        "order_count": orders.groupby("customer_id").size().nlargest(10),
        "average_order": orders.groupby("customer_id")["net_amount"].mean().nlargest(10),
        "ascending": spend.nsmallest(10),
    })
    assert "net_amount" in messages["gross"]
    assert not lesson.check("top_spenders", right.sort_values()).correct  # the order matters


def test_warehouse_revenue_by_region_in_sql_is_accepted_and_mistakes_are_named(lesson, world, tmp_path):
    from crmkit.analytics import build_warehouse, connect_warehouse

    con = connect_warehouse(build_warehouse(world.save(tmp_path / "w", format="duckdb", include_truth=False)))
    query = ("SELECT d.region, {what} AS revenue FROM fact_orders f JOIN dim_customer d USING (customer_id) "
             "GROUP BY d.region")
    answer = {what: con.execute(query.format(what=what)).df().set_index("region")["revenue"]
              for what in ("sum(f.net_amount)", "sum(f.gross_amount)", "count(*)", "avg(f.net_amount)")}
    con.close()
    messages = assert_mistakes(lesson, "warehouse_revenue_by_region", answer["sum(f.net_amount)"], {
        "gross": answer["sum(f.gross_amount)"], "count": answer["count(*)"], "average": answer["avg(f.net_amount)"],
    })
    assert "net_amount" in messages["gross"]


def test_warehouse_repeat_rate(lesson, world):
    per_buyer = world.orders.groupby("customer_id").size()
    right = (per_buyer >= 2).mean()
    messages = assert_mistakes(lesson, "warehouse_repeat_rate", right, {
        "of_all_customers": (per_buyer >= 2).sum() / len(world.customers),
        "more_than_two": (per_buyer > 2).mean(),
        "one_timers": (per_buyer == 1).mean(),
    })
    assert "buyers" in messages["of_all_customers"]
    assert lesson.check("warehouse_repeat_rate", ck.analytics.kpi_pandas(world.tables, "repeat_rate")["repeat_rate"][0]).correct
