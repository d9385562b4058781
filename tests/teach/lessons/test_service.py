"""The service lesson's exercises: a learner's right answer passes on two worlds, and each
typical wrong answer, computed the way a learner would, gets its own message naming the step."""

import pandas as pd
import pytest

import crmkit as ck
from crmkit.teach.lessons.service import EXERCISES
from tests.analytics.conftest import _world

SEEDS = (7, 21)


@pytest.fixture(scope="module", params=SEEDS)
def world(request):
    return _world("pschse", 2500, request.param)


@pytest.fixture(scope="module")
def checks(world):
    return ck.teach.lessons.checks("service", world)


def _end(world):
    return world.observed_until + pd.Timedelta(days=1)


# --- learners' answers, written as a learner would write them ------------------------------------------


def within_target(world, hours=None, due=None, how="mean"):
    cases = world.cases
    if hours is None:
        hours = (cases["closed_at"] - cases["opened_at"]).dt.total_seconds() / 3600
    open_for = (_end(world) - cases["opened_at"]).dt.total_seconds() / 3600
    if due is None:
        due = cases["closed_at"].notna() | (open_for > 24)
    met = (hours <= 24)[due].groupby(cases.loc[due, "origin"], observed=True)
    return met.mean() if how == "mean" else met.sum()


def complaint_rate(world, cases=None, divisor=None, scale=1000):
    complaints = world.cases[world.cases["is_complaint"]] if cases is None else cases
    counts = complaints.groupby("reason", observed=True).size()
    return scale * counts / (len(world.orders) if divisor is None else divisor)


def retention_gap(world, first="resolved_badly", combine=lambda a, b: a - b):
    r = ck.analytics.retention_after_orders(world.orders, world.cases, as_of=_end(world))
    rates = r.groupby("experience", observed=True)["retained"].mean()
    return combine(rates[first], rates["no_complaint"])


def test_every_mistake_can_be_told_apart_on_this_world(checks):
    table = checks.validate()
    assert table["distinguishable"].all() and len(table) == sum(len(e.mistakes) for e in EXERCISES)


@pytest.mark.parametrize("name, answer", [
    ("within_target_by_origin", within_target), ("complaints_per_1000_orders", complaint_rate),
    ("retention_gap", retention_gap)])
def test_a_learners_right_answer_is_accepted(checks, world, name, answer):
    result = checks.check(name, answer(world))
    assert result.correct, result.message


def test_a_badly_resolved_complaint_goes_with_lower_retention():
    # The world's mechanism, judged on its truth: a complaint resolved badly raises churn. A world of
    # 2,500 customers has only 50-70 orders whose complaint went badly, so one seed's true gap is
    # noisy (its interval is about +-0.1): the two seeds' orders are pooled. Measured with pschse's
    # customised offers (world version 3): seed 7 -0.077, seed 21 -0.019 (before them: -0.20, -0.05;
    # the customised 30% churn less, so a grievance costs them less). The learner's observed gap
    # estimates it with more noise, so the lesson asks to read its interval.
    totals = pd.DataFrame(0.0, index=["no_complaint", "resolved_badly"], columns=["orders", "retained"])
    for seed in SEEDS:
        world = _world("pschse", 2500, seed)
        truth = ck.analytics.true_service_and_retention(world.orders, world.cases, world.truth.cases,
                                                         world.truth.phases, as_of=world.observed_until)
        totals += truth.set_index("experience").loc[totals.index, ["orders", "retained"]].astype(float)
    rate = totals["retained"] / totals["orders"]
    assert totals.loc["resolved_badly", "orders"] > 100
    assert rate["resolved_badly"] - rate["no_complaint"] < -0.03


WRONG = [
    ("within_target_by_origin", "closed_cases_only", lambda w: within_target(w, due=w.cases["closed_at"].notna()),
     "still open"),
    ("within_target_by_origin", "whole_days",
     lambda w: within_target(w, hours=24 * (w.cases["closed_at"] - w.cases["opened_at"]).dt.days), "whole days"),
    ("within_target_by_origin", "count_not_share", lambda w: within_target(w, how="sum"), "share"),
    ("complaints_per_1000_orders", "all_cases", lambda w: complaint_rate(w, cases=w.cases), "every case"),
    ("complaints_per_1000_orders", "per_complaint",
     lambda w: complaint_rate(w, divisor=int(w.cases["is_complaint"].sum())), "number of complaints"),
    ("complaints_per_1000_orders", "per_100_orders", lambda w: complaint_rate(w, scale=100), "per 100 orders"),
    ("complaints_per_1000_orders", "per_customer", lambda w: complaint_rate(w, divisor=len(w.customers)), "customers"),
    ("retention_gap", "resolved_well", lambda w: retention_gap(w, first="resolved_well"), "resolved well"),
    ("retention_gap", "ratio_not_difference", lambda w: retention_gap(w, combine=lambda a, b: a / b), "divided"),
    ("retention_gap", "reversed", lambda w: retention_gap(w, combine=lambda a, b: b - a), "wrong sign"),
]


@pytest.mark.parametrize("name, mistake, answer, words", WRONG, ids=[w[1] for w in WRONG])
def test_a_learners_typical_mistake_is_named(checks, world, name, mistake, answer, words):
    result = checks.check(name, answer(world))
    assert (result.correct, result.mistake) == (False, mistake), result.message
    assert words in result.message


def test_comparing_customers_instead_of_orders_is_named_and_points_the_wrong_way(checks, world):
    r = ck.analytics.retention_after_orders(world.orders, world.cases, as_of=_end(world))
    per_customer = r.groupby("customer_id").agg(bad=("experience", lambda e: (e == "resolved_badly").any()),
                                                complained=("experience", lambda e: (e != "no_complaint").any()),
                                                retained=("retained", "any"))
    answer = (per_customer.loc[per_customer["bad"], "retained"].mean()
              - per_customer.loc[~per_customer["complained"], "retained"].mean())
    result = checks.check("retention_gap", answer)
    assert result.mistake == "customers_not_orders" and "more loyal" in result.message
    assert answer > checks.expected("retention_gap")  # the customer view hides the loss


def test_each_known_mistake_gets_its_own_message(checks, world):
    for exercise in EXERCISES:
        messages = set()
        for mistake, answer in exercise.mistake_answers(world, source="truth").items():
            result = checks.check(exercise.name, answer)
            assert result.mistake == mistake
            messages.add(result.message)
        assert len(messages) == len(exercise.mistakes)


# --- service for loyal customers (issue 20) -------------------------------------------------------------


def within_target_by_tier(world, closed_only=False, days=False, how="mean"):
    cases = world.cases.merge(world.customers[["customer_id", "loyalty_tier"]], on="customer_id")
    hours = (cases["closed_at"] - cases["opened_at"]).dt.total_seconds() / 3600
    if days:
        hours = (cases["closed_at"] - cases["opened_at"]).dt.days * 24
    open_for = (_end(world) - cases["opened_at"]).dt.total_seconds() / 3600
    due = cases["closed_at"].notna() if closed_only else cases["closed_at"].notna() | (open_for > 24)
    met = (hours <= 24)[due].groupby(cases.loc[due, "loyalty_tier"].astype(str))
    return met.mean() if how == "mean" else met.sum()


def test_service_by_loyalty_tier(checks, world):
    from tests.teach.lessons.helpers import assert_mistakes

    messages = assert_mistakes(checks, "within_target_by_tier", within_target_by_tier(world), {
        "closed_cases_only": within_target_by_tier(world, closed_only=True),
        "count_not_share": within_target_by_tier(world, how="sum"),
        "whole_days": within_target_by_tier(world, days=True),
    })
    assert "big tiers" in messages["count_not_share"]


# --- customisation and satisfaction (issue 20, topic 56) ----------------------------------------------


def customised_nps_gap(world, per_answer=False, every_trigger=False, flip=False):
    nps = world.surveys[world.surveys["kind"] == "nps"]
    if not every_trigger:
        nps = nps[nps["trigger"] == "relationship"]
    flags = world.customers.set_index("customer_id")["customised_offers"]
    scores = nps.set_index("customer_id")["score"] if per_answer else nps.groupby("customer_id")["score"].mean()
    by_flag = scores.groupby(scores.index.map(flags)).mean()
    return by_flag[False] - by_flag[True] if flip else by_flag[True] - by_flag[False]


def customised_retention_gap(world, newcomers=False, flip=False):
    customers = world.customers
    if not newcomers:
        customers = customers[customers["signup_date"] <= _end(world) - pd.Timedelta(days=365)]
    buyers = world.orders.loc[world.orders["ordered_at"] >= _end(world) - pd.Timedelta(days=180), "customer_id"]
    share = customers["customer_id"].isin(buyers).groupby(customers["customised_offers"]).mean()
    return share[False] - share[True] if flip else share[True] - share[False]


def test_customised_offers_against_satisfaction(checks, world):
    from tests.teach.lessons.helpers import assert_mistakes

    assert customised_nps_gap(world) > 0  # pschse customises for a random 30%, whose hazard is lower
    messages = assert_mistakes(checks, "customised_nps_gap", customised_nps_gap(world), {
        "answers_not_customers": customised_nps_gap(world, per_answer=True),
        "every_trigger": customised_nps_gap(world, every_trigger=True),
        "reversed": customised_nps_gap(world, flip=True),
    })
    assert "one mean score per customer" in messages["answers_not_customers"]


def test_customised_offers_against_retention(checks, world):
    from tests.teach.lessons.helpers import assert_mistakes

    assert customised_retention_gap(world) > 0
    messages = assert_mistakes(checks, "customised_retention_gap", customised_retention_gap(world), {
        "newcomers_kept": customised_retention_gap(world, newcomers=True),
        "reversed": customised_retention_gap(world, flip=True),
    })
    assert "365 days" in messages["newcomers_kept"]


# --- reliable processing and satisfaction (issue 20) ----------------------------------------------------


def csat_gap(world, kinds=("csat",), flip=False, per_issue=False):
    answers = world.surveys[world.surveys["kind"].isin(kinds)].dropna(subset=["order_id"])
    answers = answers.merge(world.orders[["order_id", "service_issue"]], on="order_id")
    wrong = answers[answers["service_issue"] != "none"]
    fine = answers.loc[answers["service_issue"] == "none", "score"].mean()
    bad = wrong.groupby("service_issue", observed=True)["score"].mean().mean() if per_issue else wrong["score"].mean()
    return fine - bad if flip else bad - fine


def test_csat_gap_after_orders_that_went_wrong(checks, world):
    from tests.teach.lessons.helpers import assert_mistakes

    assert csat_gap(world) < 0  # on these worlds an order that went wrong costs satisfaction
    messages = assert_mistakes(checks, "csat_gap_after_issues", round(csat_gap(world), 4), {
        "nps_mixed": csat_gap(world, kinds=("csat", "nps")),
        "reversed": csat_gap(world, flip=True),
        "mean_of_means": csat_gap(world, per_issue=True),
    })
    assert "wrong sign" in messages["reversed"]


def csat_by_phase(world, kinds=("csat",), at_end=False, how="mean"):
    answers = world.surveys[world.surveys["kind"].isin(kinds)]
    phases = world.truth.phases
    if at_end:
        last = phases.sort_values("started_at").drop_duplicates("customer_id", keep="last")
        both = answers.merge(last[["customer_id", "phase"]], on="customer_id")
    else:
        both = answers.merge(phases, on="customer_id")
        open_or_later = both["ended_at"].isna() | (both["responded_at"] < both["ended_at"])
        both = both[(both["started_at"] <= both["responded_at"]) & open_or_later]
    grouped = both.groupby(both["phase"].astype(str))["score"]
    return grouped.mean() if how == "mean" else grouped.count()


def test_csat_by_phase_at_the_time_of_the_answer(checks, world):
    from tests.teach.lessons.helpers import assert_mistakes

    messages = assert_mistakes(checks, "csat_by_phase", csat_by_phase(world), {
        "phase_at_end": csat_by_phase(world, at_end=True),
        "nps_mixed": csat_by_phase(world, kinds=("csat", "nps")),
        "count_not_mean": csat_by_phase(world, how="count"),
    })
    assert "responded_at" in messages["phase_at_end"]


# --- feedback management as an information loop (issue 20, topic 32) ----------------------------------


def return_gap(world, commented=True, whole_year=True, cut=None, within=365, combine=lambda a, b: a - b):
    s = world.surveys
    if commented:
        s = s[s["comment"].notna()]
    if whole_year:
        s = s[s["responded_at"] <= _end(world) - pd.Timedelta(days=365)]
    if cut is None:
        negative = ((s["kind"] == "nps") & (s["score"] <= 6)) | ((s["kind"] == "csat") & (s["score"] <= 2))
    else:
        negative = s["score"] <= cut
    both = s[["survey_id", "customer_id", "responded_at"]].merge(world.orders[["customer_id", "ordered_at"]],
                                                                on="customer_id")
    came_back = both["ordered_at"] > both["responded_at"]
    if within is not None:
        came_back &= both["ordered_at"] <= both["responded_at"] + pd.Timedelta(days=within)
    returned = s["survey_id"].isin(both.loc[came_back, "survey_id"])
    return combine(returned[negative].mean(), returned[~negative].mean())


def test_negative_comment_return_gap(checks, world):
    from tests.teach.lessons.helpers import assert_mistakes

    assert return_gap(world) < 0  # on these worlds unhappy writers come back less often
    messages = assert_mistakes(checks, "negative_comment_return_gap", return_gap(world), {
        "all_answers": return_gap(world, commented=False),
        "no_whole_year": return_gap(world, whole_year=False),
        "nps_scale_for_all": return_gap(world, cut=6),
        "csat_scale_for_all": return_gap(world, cut=2),
        "any_later_order": return_gap(world, within=None),
        "reversed": return_gap(world, combine=lambda a, b: b - a),
        "ratio_not_difference": return_gap(world, combine=lambda a, b: a / b),
    })
    assert "whole year" in messages["no_whole_year"] and "wrong sign" in messages["reversed"]


def by_process(world, tags=False, only_negative=True, share=False, words=False):
    topics = ck.analytics.comment_topics(world.surveys)
    if tags:
        topics = world.surveys.loc[world.surveys["comment"].notna(), ["survey_id", "topic"]]
    tone = world.surveys[["survey_id", "kind", "score"]].assign(tone=ck.analytics.rating_tone(world.surveys))
    if words:
        tone = ck.analytics.comment_sentiment(world.surveys).rename(columns={"sentiment": "tone"})
    rows = topics[["survey_id", "topic"]].dropna().merge(tone[["survey_id", "tone"]], on="survey_id")
    rows["process"] = rows["topic"].astype(str).map(lambda t: ck.analytics.FEEDBACK_ROUTES[t][0])
    negative = (rows["tone"] == "negative").groupby(rows["process"])
    if not only_negative:
        return negative.size()
    return negative.mean() if share else negative.sum()[lambda counts: counts > 0]


def test_negative_comments_by_process(checks, world):
    from tests.teach.lessons.helpers import assert_mistakes

    right = by_process(world)
    assert right.sum() > 0 and set(right.index) <= {p for p, _ in ck.analytics.FEEDBACK_ROUTES.values()}
    messages = assert_mistakes(checks, "negative_comments_by_process", right, {
        "team_tags": by_process(world, tags=True),
        "every_comment": by_process(world, only_negative=False),
        "share_not_count": by_process(world, share=True),
        "tone_from_words": by_process(world, words=True),
    })
    assert "comment_topics" in messages["team_tags"]
