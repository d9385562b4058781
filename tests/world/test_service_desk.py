"""The service desk and feedback: cases, activities on cases, surveys, and their signal."""

import re

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.cases import load_config
from crmkit.world.ops import service_checks
from crmkit.world.ops.feedback_phrases import build_comments

POSITIVE = {"great", "love", "loved", "excellent", "quick", "fast", "helpful", "friendly", "thank", "thanks", "fantastic",
            "brilliant", "happy", "recommend", "easy", "sturdy", "fun", "perks", "value", "deals", "early"}
NEGATIVE = {"late", "broken", "cracked", "damaged", "disappointed", "disappointing", "never", "waiting", "terrible", "poor",
            "wrong", "annoying", "useless", "awful", "boring", "expensive", "crashing", "frustrating", "slow", "not", "fix",
            "cheap", "overpriced", "pushy", "crack", "ages", "disappeared", "limited", "confusing"}


def _worlds(world, retail_world):
    return [world, retail_world]


@pytest.mark.parametrize("which", [0, 1])
def test_service_tables_keep_their_contract(which, world, retail_world):
    w = _worlds(world, retail_world)[which]
    assert len(w.cases) and len(w.surveys)
    assert service_checks.check(w) == []
    closed = w.cases.dropna(subset=["closed_at"])
    assert (closed.closed_at > closed.opened_at).all()
    assert (w.cases.opened_at.min() >= pd.Timestamp(w.config.calendar.start_date))
    signup = w.customers.set_index("customer_id").signup_date
    assert (w.cases.opened_at.dt.normalize() >= signup.reindex(w.cases.customer_id).to_numpy()).all()
    assert w.cases.csat.dropna().between(1, 5).all()
    assert (w.cases.closed_at.isna() == (w.cases.status != "closed")).all()


def test_the_checker_sees_a_case_closed_before_it_opened(world):
    cases = world.cases.copy()
    cases.loc[cases.index[0], "closed_at"] = cases.opened_at.iloc[0] - pd.Timedelta(hours=1)
    broken = ck.World(world.config, {**world.tables, "cases": cases}, dict(world.truth))
    assert any("close before they open" in p for p in service_checks.check(broken))


def test_the_checker_sees_a_case_after_churn(world):
    t = world.truth.customers
    gone = t[~t.won_back & (t.churned_at < world.observed_until - pd.Timedelta(days=30))].iloc[0]
    late = world.cases.iloc[[0]].assign(customer_id=gone.customer_id, opened_at=world.observed_until - pd.Timedelta(days=2),
                                        closed_at=world.observed_until - pd.Timedelta(days=1), case_id=10**7)
    late = late.astype({"opened_at": "datetime64[s]", "closed_at": "datetime64[s]"})
    broken = ck.World(world.config, {**world.tables, "cases": pd.concat([world.cases, late], ignore_index=True)}, dict(world.truth))
    assert any(re.match(r"cases: 1 rows outside", p) for p in service_checks.check(broken))


def test_every_service_contact_opens_a_complaint_about_its_order(world):
    contacts = world.interactions[world.interactions.kind == "service_contact"]
    complaints = world.cases[world.cases.is_complaint]
    assert sorted(contacts.order_id) == sorted(complaints.order_id)
    truth = world.truth.cases.merge(complaints, on=["case_id", "customer_id"]).merge(world.truth.service_issues, on="order_id")
    assert (truth.resolved_well == truth.recovered).all()
    assert (truth.true_cause.astype(str) == truth.issue.astype(str)).all()
    miscoded = (truth.reason.astype(str) != truth.true_cause.astype(str)).mean()
    assert 0.02 < miscoded < 0.25  # configured at 0.1


def test_unresolved_complaints_go_with_low_csat(world):
    c = world.cases.merge(world.truth.cases, on=["case_id", "customer_id"])
    comp = c[c.is_complaint]
    assert comp[comp.resolved_well].csat.mean() > comp[~comp.resolved_well].csat.mean() + 1.5
    assert not comp[~comp.resolved_well].first_contact_resolution.any()


def test_complaint_customers_churn_more_unless_resolved_well(world):
    t = world.truth.customers.set_index("customer_id")
    c = world.cases.merge(world.truth.cases, on=["case_id", "customer_id"])
    comp = c[c.is_complaint]
    status = pd.Series("none", index=t.index)
    status[comp[comp.resolved_well].customer_id.unique()] = "resolved"
    status[comp[~comp.resolved_well].customer_id.unique()] = "unresolved"
    orders = world.orders.groupby("customer_id").size().reindex(t.index, fill_value=0)
    df = pd.DataFrame({"status": status, "alive": t.alive_at_end, "bin": pd.cut(orders, [0, 2, 5, 10, np.inf])}).dropna()
    # Alive-at-end rates within order-count bins, weighted like the unresolved group.
    rates = df.groupby(["bin", "status"], observed=True).alive.mean().unstack()
    weights = df[df.status == "unresolved"].groupby("bin", observed=True).size()
    alive = rates.mul(weights, axis=0).sum() / weights.sum()
    assert alive["resolved"] > alive["unresolved"] + 0.05
    assert alive["none"] > alive["unresolved"] + 0.02


def test_premium_service_closes_faster_and_pleases_more_than_basic():
    runs = {lvl: ck.simulate("pschse", customers=2500, seed=3, progress=False, service__level=lvl) for lvl in ("basic", "premium")}
    days = {k: ((w.cases.closed_at - w.cases.opened_at).dt.total_seconds() / 86400).median() for k, w in runs.items()}
    csat = {k: w.cases.csat.mean() for k, w in runs.items()}
    assert days["premium"] < days["basic"] / 2
    assert csat["premium"] > csat["basic"] + 0.4


@pytest.fixture(scope="module")
def big_retail_world():
    """A retailer world large enough to compare a few hundred detractors with promoters."""
    return ck.simulate("retailer", customers=10_000, seed=5, progress=False)


# The margin each world shows: PSCHSE's leaving follows its service, the retailer's (CDNOW-
# calibrated) leaving comes mostly right after a purchase, so NPS tells less there: measured
# +0.04 to +0.07 on seeds 5-7 at 10,000 customers (and +0.04 on 85 respondents at 3,000).
@pytest.mark.parametrize("which, margin", [(0, 0.05), (1, 0.02)])
def test_nps_detractors_churn_more_than_promoters_in_the_holdout(which, margin, world, big_retail_world):
    w = _worlds(world, big_retail_world)[which]
    t = w.truth.customers.set_index("customer_id")
    holdout_churn = t.alive_at_end & t.churned_at.notna() & (t.churned_at > w.observed_until)
    nps = w.surveys[w.surveys.kind == "nps"].sort_values("responded_at").groupby("customer_id").score.last()
    nps = nps[t.alive_at_end.reindex(nps.index)]
    detractors, promoters = holdout_churn.reindex(nps[nps <= 6].index), holdout_churn.reindex(nps[nps >= 9].index)
    assert len(detractors) > 30 and len(promoters) > 30
    assert detractors.mean() > promoters.mean() + margin


def _word_score(comment: str) -> int:
    words = re.findall(r"[a-z]+", comment.lower())
    return sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)


def test_a_word_list_recovers_the_true_sentiment_of_comments(world):
    s = world.surveys.merge(world.truth.surveys, on=["survey_id", "customer_id"], suffixes=("", "_true")).dropna(subset=["comment"])
    polar = s[s.sentiment_label != "neutral"]
    guess = np.where(polar.comment.map(_word_score) >= 0, "positive", "negative")
    assert (guess == polar.sentiment_label.astype(str)).mean() > 0.85
    assert s.comment.str.islower().mean() > 0.1  # some typed in lower case


def test_scores_and_topics_follow_what_happened(world):
    s = world.surveys.merge(world.truth.surveys, on=["survey_id", "customer_id"], suffixes=("", "_true"))
    assert s.groupby("sentiment_label", observed=True).score.mean().is_monotonic_increasing
    tagged = s.dropna(subset=["topic"])
    assert (tagged.topic.astype(str) == tagged.topic_true.astype(str)).mean() > 0.8
    events = s[s.trigger == "after_event"]
    assert len(events) and (events.topic_true == "home_event").mean() > 0.6
    failed = world.orders[world.orders.service_issue == "late_delivery"].order_id
    late = s[s.order_id.isin(failed) & (s.trigger == "after_order")]
    assert late.sentiment.mean() < s[s.trigger == "after_order"].sentiment.mean()


def test_retailer_has_no_home_events(retail_world):
    assert "after_event" not in set(retail_world.surveys.trigger.astype(str))
    assert "event" not in set(retail_world.cases.origin.astype(str))


def test_activities_on_cases_belong_to_the_case_and_its_agent(world):
    a = world.activities.dropna(subset=["case_id"])
    cases = world.cases.set_index("case_id")
    assert len(a) >= len(cases)
    assert (cases.customer_id.reindex(a.case_id).to_numpy() == a.customer_id.to_numpy()).all()
    assert (cases.owner_staff_id.reindex(a.case_id).to_numpy() == a.staff_id.to_numpy()).all()
    agents = world.staff.set_index("staff_id").role.astype(str)
    assert (agents.reindex(a.staff_id) == "service_agent").all()
    assert (a.done_at.isna() == (a.status != "done")).all()
    assert (a.due_at < world.observed_until + pd.Timedelta(days=1)).all()


def test_comments_are_built_from_the_pools():
    rng = np.random.default_rng(0)
    comments = build_comments(rng, np.zeros(50, dtype=np.int64), np.full(50, 2), lowercase=1.0, typo=0.0)
    assert all(c == c.lower() and c for c in comments)


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"service_desk.requests.reasons": {"late_delivery": 1.0}}, "reasons has key 'late_delivery'"),
        ({"service_desk.requests.origins": {"fax": 1.0}}, "origins has key 'fax'"),
        ({"service_desk.closing.median_days": {"low": 1.0}}, "median_days lacks priority"),
        ({"service_desk.surveys.after_case_rate": 1.5}, "after_case_rate"),
    ],
)
def test_bad_config_is_named(overrides, needle):
    with pytest.raises(ConfigError) as info:
        load_config("pschse", customers=10, **overrides)
    assert needle in str(info.value)


def test_a_service_level_the_desk_does_not_know_is_named():
    levels = {"basic": {"close_days_multiplier": 1.0, "first_contact_resolution": 0.5, "escalation_multiplier": 1.0, "csat_shift": 0.0}}
    with pytest.raises(ConfigError, match="service_desk.levels lacks the service level 'standard'"):
        ck.simulate("pschse", customers=20, progress=False, **{"service_desk.levels": levels})
