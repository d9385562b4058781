"""Lesson 08's exercises on the account and the sales cycle, on real worlds: right answers written
as a learner would (plain pandas, dates written out) pass on two seeds; each typical wrong answer
gets its own message naming the wrong step."""

from __future__ import annotations

import pytest

from crmkit.teach.lessons import checks
from tests.teach.lessons.test_sales import make_world

SEEDS = (1, 2)
CUT, END, WINDOW_END = "2025-01-01", "2026-01-01", "2026-01-01"


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture
def exercises(world):
    return checks("sales", world)


def won_before(w):
    deals = w.opportunities
    won = deals[(deals["created_at"] < CUT) & deals["is_won"] & (deals["close_date"] < CUT)]
    accounts = w.customers[w.customers["signup_date"] < CUT]
    return accounts[accounts["customer_id"].isin(won["customer_id"])]


def repeat(w, accounts=None):
    accounts = won_before(w) if accounts is None else accounts
    later = w.opportunities[w.opportunities["created_at"] >= CUT]
    return accounts["customer_id"].isin(later["customer_id"]).mean()


def deal_spans(w, close=True):
    history = w.opportunity_history.sort_values("history_id")
    closing = history[history["stage"].isin(["closed_won", "closed_lost"])].drop_duplicates("opportunity_id")
    deals = w.opportunities[["opportunity_id", "customer_id", "created_at"]].copy()
    deals["end"] = deals["opportunity_id"].map(closing.set_index("opportunity_id")["changed_at"]) if close else None
    deals["end"] = deals["end"].fillna(WINDOW_END).astype("datetime64[ns]")
    return deals.merge(w.cases.assign(closed_at=w.cases["closed_at"].fillna(WINDOW_END)), on="customer_id")


def overlapping(w, close=True, started=False):
    p = deal_spans(w, close)
    starts = p["opened_at"] >= p["created_at"] if started else p["closed_at"] > p["created_at"]
    return p.loc[(p["opened_at"] < p["end"]) & starts, "opportunity_id"].nunique()


def post_share(w, statuses=("done",), cut=CUT):
    a = w.activities[(w.activities["due_at"] >= cut) & (w.activities["due_at"] < END) & w.activities["status"].isin(statuses)]
    return a["case_id"].notna().mean()


def closed_deals(w, won=None):
    history = w.opportunity_history
    closing = history[history["stage"].isin(["closed_won", "closed_lost"]) & (history["changed_at"] >= CUT)
                      & (history["changed_at"] < END)]
    if won is not None:
        closing = closing[closing["stage"] == "closed_won"]
    return closing["opportunity_id"].unique()


def per_activity(w, ids, statuses=("done",)):
    booked = w.orders[w.orders["opportunity_id"].isin(ids)]["net_amount"].sum()
    acts = w.activities[w.activities["opportunity_id"].isin(ids) & w.activities["status"].isin(statuses)]
    return booked / len(acts)


RIGHT = {
    "repeat_deal_rate": repeat,
    "deals_with_open_case": overlapping,
    "post_sales_share": post_share,
    "booked_per_activity": lambda w: per_activity(w, closed_deals(w)),
}

WRONG = {
    "repeat_deal_rate": [
        ("any_deal_before", "all lost", lambda w: repeat(w, w.customers[(w.customers["signup_date"] < CUT) & w.customers[
            "customer_id"].isin(w.opportunities[w.opportunities["created_at"] < CUT]["customer_id"])])),
        ("every_account", "whatever its history", lambda w: repeat(w, w.customers[w.customers["signup_date"] < CUT])),
        ("won_later_counted", "close_date", lambda w: repeat(w, w.customers[(w.customers["signup_date"] < CUT) & w.customers[
            "customer_id"].isin(w.opportunities.query("created_at < @CUT and is_won")["customer_id"])])),
        ("percent", "percentage", lambda w: 100 * repeat(w)),
    ],
    "deals_with_open_case": [
        ("opened_during_only", "opened before the deal", lambda w: overlapping(w, started=True)),
        ("never_closed", "closing change", lambda w: overlapping(w, close=False)),
        ("any_case_of_account", "ever had a case", lambda w: w.opportunities["customer_id"].isin(w.cases["customer_id"]).sum()),
    ],
    "post_sales_share": [
        ("every_status", "done ones", lambda w: post_share(w, ("done", "cancelled", "planned"))),
        ("all_years", "every year", lambda w: post_share(w, cut="2000-01-01")),
        ("pre_sales_share", "pre-sales share", lambda w: 1 - post_share(w)),
        ("percent", "percentage", lambda w: 100 * post_share(w)),
    ],
    "booked_per_activity": [
        ("won_deals_only", "lost deals", lambda w: per_activity(w, closed_deals(w, won=True))),
        ("every_status", "done ones", lambda w: per_activity(w, closed_deals(w), ("done", "cancelled", "planned"))),
        ("per_deal", "per done activity", lambda w: w.orders[w.orders["opportunity_id"].isin(closed_deals(w))][
            "net_amount"].sum() / len(closed_deals(w))),
        ("created_in_year", "closed in it", lambda w: per_activity(w, w.opportunities.query(
            "created_at >= @CUT and created_at < @END")["opportunity_id"])),
    ],
}


@pytest.mark.parametrize("name", list(RIGHT))
def test_right_answers_pass(exercises, world, name):
    assert world.observed_until.year == 2025  # the answers above write the dates out, as a learner would
    result = exercises.check(name, RIGHT[name](world))
    assert result.correct, result.message


@pytest.mark.parametrize("name", list(WRONG))
def test_each_typical_mistake_gets_its_own_message(exercises, world, name):
    messages = set()
    for mistake, words, wrong in WRONG[name]:
        result = exercises.check(name, wrong(world))
        assert result.status == "mistake" and result.mistake == mistake, (mistake, result.message)
        assert words in result.message
        messages.add(result.message)
    assert len(messages) == len(WRONG[name])


def test_a_wrong_answer_is_not_a_right_one(exercises, world):
    assert not exercises.check("repeat_deal_rate", repeat(world) * 0.9).correct
    assert not exercises.check("deals_with_open_case", overlapping(world) + 1).correct
