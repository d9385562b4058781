"""The flow as one chain (analytics.flow_chain): identify and predict on the master's rows, and the
feedback collected at the start; with a perfect master the chain gives the true-id answers."""

from __future__ import annotations

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics.flow_chain import (
    collect_feedback, feedback_by_segment, master_chain, master_holdout, master_links, master_orders, segment_stage,
)
from crmkit.analytics.identity import customer_master
from crmkit.analytics.identity_quality import true_entities
from crmkit.errors import DataError

SIZE = 1500


@pytest.fixture(scope="module", params=(1, 2))
def world(make_world, request):
    return make_world("pschse", SIZE, request.param)


def test_master_links_give_back_the_links_the_master_was_built_from(world):
    links = ck.analytics.resolve_identities(world.source_records)
    back = master_links(customer_master(world.source_records, links))
    pairs = set(map(tuple, links[["source_record_id", "entity_id"]].to_numpy().tolist()))
    assert set(map(tuple, back.to_numpy().tolist())) == pairs


def test_a_perfect_master_gives_the_true_id_chain(world):
    """With the true links as master, the best customers and the hold-out values are the truth's."""
    truth = true_entities(world.truth.source_links)
    orders = master_orders(world.orders, world.source_records, world.truth.source_links, truth)
    assert (orders["customer_id"] == orders["true_customer_id"]).all()
    kept = world.orders[world.orders["customer_id"].isin(orders["customer_id"])]
    best = ck.analytics.identify_best(kept, world.observed_until)
    ours = ck.analytics.identify_best(orders, world.observed_until)
    assert ours.set_index("customer_id")["is_best"].sort_index().equals(best.set_index("customer_id")["is_best"].sort_index())
    actual = master_holdout(orders, world.truth.customers).set_index("customer_id")["holdout_value"]
    expected = world.truth.customers.set_index("customer_id")["holdout_value"].reindex(actual.index)
    assert (actual == expected).all()


def test_the_chain_runs_on_the_master_rows_and_every_person_is_counted_once(world):
    flow_master = customer_master(world.source_records, ck.analytics.resolve_identities(world.source_records))
    chain = master_chain(world, flow_master)
    assert set(chain.orders["customer_id"]) <= set(flow_master["entity_id"])
    assert set(chain.predictions["customer_id"]) == set(chain.best["customer_id"])
    people = chain.orders["true_customer_id"].unique()
    truth = world.truth.customers.set_index("customer_id")["holdout_value"]
    assert chain.actual["holdout_value"].sum() == pytest.approx(truth.reindex(people).sum())
    scores = chain.scores().set_index("prediction")
    assert list(scores.index) == ["predicted_value", "average", "last_period"]
    assert scores.loc["average", "spearman"] == 0.0


def test_segment_stage_gives_run_flows_segments(world):
    flow = ck.analytics.run_flow(world, seed=3)
    pd.testing.assert_frame_equal(segment_stage(world, seed=3), flow.segments)


def test_collect_feedback_counts_every_answer_and_comment(world):
    table = collect_feedback(world.surveys)
    assert table["answers"].sum() == len(world.surveys)
    assert table["comments"].sum() == world.surveys["comment"].notna().sum()
    assert table["comment_share"].between(0, 1).all()


def test_feedback_by_segment_names_a_wrong_kind():
    surveys = pd.DataFrame({"customer_id": [1], "kind": ["nps"], "score": [9], "comment": [None]})
    with pytest.raises(DataError, match="kind = 'ces'.*nps"):
        feedback_by_segment(surveys, pd.DataFrame({"customer_id": [1], "segment": [0]}), kind="ces")
