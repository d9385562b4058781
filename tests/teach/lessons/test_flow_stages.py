"""The later stages of the flow-model lesson: segment, profile and the silos challenge. The
right answer (written as a learner would, from run_flow's own output) passes on two seeds, and
each typical slip gets its own message."""

from __future__ import annotations

from functools import lru_cache

import pytest

import crmkit as ck
from crmkit.teach.lessons import checks
from tests.teach.lessons.helpers import assert_mistakes
from tests.teach.lessons.test_flow import SEEDS, make_world


@lru_cache(maxsize=2)
def make_flow(seed: int):
    return ck.analytics.run_flow(make_world(seed), seed=seed)


@pytest.fixture(params=SEEDS, scope="module")
def seed(request):
    return request.param


@pytest.fixture(scope="module")
def lesson(seed):
    return checks("flow", make_world(seed))


def test_segment_best_share(lesson, seed):
    flow = make_flow(seed)
    left = flow.segments.merge(flow.best[["customer_id", "is_best"]], on="customer_id", how="left")
    left["is_best"] = left["is_best"].fillna(False).astype(bool)
    inner = flow.segments.merge(flow.best[["customer_id", "is_best"]], on="customer_id")
    count = left.groupby("segment")["is_best"].sum()
    messages = assert_mistakes(lesson, "segment_best_share", left.groupby("segment")["is_best"].mean(), {
        "count": count,
        "buyers_only": inner.groupby("segment")["is_best"].mean(),
        "share_of_best": count / count.sum(),
        "segment_size": flow.segments["segment"].value_counts(normalize=True),
    })
    assert "how='left'" in messages["buyers_only"]


def test_segment_nps(lesson, seed):
    flow, surveys = make_flow(seed), make_world(seed).surveys
    nps = surveys[surveys["kind"] == "nps"].merge(flow.segments, on="customer_id")
    messages = assert_mistakes(lesson, "segment_nps", nps.groupby("segment")["score"].mean(), {
        "all_kinds": surveys.merge(flow.segments, on="customer_id").groupby("segment")["score"].mean(),
        "count": nps.groupby("segment").size(),
        "median": nps.groupby("segment")["score"].median(),
        "per_customer": nps.groupby(["segment", "customer_id"])["score"].mean().groupby("segment").mean(),
    })
    assert "CSAT" in messages["all_kinds"]
    # the analytics function that carries the feedback to the segments gives the same figures
    by_segment = ck.analytics.feedback_by_segment(surveys, flow.segments).set_index("segment")["mean_score"]
    assert lesson.check("segment_nps", by_segment).correct


def test_master_value_gap(lesson, seed):
    world, flow = make_world(seed), make_flow(seed)
    scores = ck.analytics.master_chain(world, flow.master).scores().set_index("prediction")
    capture, spearman = scores["top_decile_capture"], scores["spearman"]
    baselines = ck.analytics.value_baselines(world.orders, world.observed_until, 365)
    on_ids = flow.predictions[["customer_id", "predicted_value"]].merge(baselines, on="customer_id")
    on_ids = ck.analytics.score_value(on_ids, world.truth.customers).set_index("prediction")["top_decile_capture"]
    messages = assert_mistakes(lesson, "master_value_gap", capture["predicted_value"] - capture["last_period"], {
        "reversed": capture["last_period"] - capture["predicted_value"],
        "against_average": capture["predicted_value"] - capture["average"],
        "spearman": spearman["predicted_value"] - spearman["last_period"],
        "true_ids": on_ids["predicted_value"] - on_ids["last_period"],
    })
    assert "chain.scores()" in messages["true_ids"]


def test_master_silo_share(lesson, seed):
    world, flow = make_world(seed), make_flow(seed)
    systems = flow.master["systems"].str.count(",") + 1
    records = world.source_records.merge(world.truth.source_links, on="source_record_id")
    people = records.groupby("customer_id")["source_system"].nunique()
    messages = assert_mistakes(lesson, "master_silo_share", (systems >= 2).mean(), {
        "count": (systems >= 2).sum(),
        "three_or_more": (systems > 2).mean(),
        "one_system": (systems == 1).mean(),
        "true_people": (people >= 2).mean(),
    })
    assert "master" in messages["true_people"]


def test_the_silo_exercise_is_still_checked_where_the_truth_is_withheld():
    world = make_world(SEEDS[0])
    graded = ck.teach.lessons.checks("flow", world)
    systems = ck.analytics.customer_master(world.source_records, ck.analytics.resolve_identities(world.source_records))
    share = float((systems["systems"].str.count(",") >= 1).mean())
    exercise = next(e for e in ck.teach.lessons.exercises("flow") if e.name == "master_silo_share")
    assert exercise.check(share, world, source="observed").correct
    assert not exercise.check(share + 0.01, world, source="observed").correct
    assert graded.check("master_silo_share", share).correct
