"""The customer master and the best-customer list under rising defects (analytics.flow_views), checked
against the truth; the prepared grid gives the levels of the plain function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics.flow import identify_best
from crmkit.analytics.flow_views import (
    DefectGrid, best_list, defect_grid, defect_level, entity_table, grid_table, orders_by_record,
)
from crmkit.analytics.identity import resolve_identities
from crmkit.analytics.identity_quality import match_quality, true_entities
from crmkit.errors import ConfigError, DataError

SCALES = (0.5, 1.0, 3.0)
SIZE = 1000


@pytest.fixture(scope="module")
def grid(world):
    return DefectGrid.from_world(world, SCALES, SIZE)


@pytest.fixture(scope="module")
def small(world):
    """The first customers of the session world, with the case's own defect rates."""
    return ck.simulate(world.config, customers=SIZE, seed=world.config.seed, progress=False)


def test_every_order_is_booked_once_on_a_record_of_its_own_customer(world):
    booked = orders_by_record(world.orders, world.source_records, world.truth.source_links)
    owner = world.truth.source_links.set_index("source_record_id")["customer_id"]
    assert booked["order_id"].is_unique
    assert (booked["source_record_id"].map(owner).astype("int64") == booked["customer_id"]).all()
    with_records = world.orders[world.orders["customer_id"].isin(owner.dropna().astype("int64"))]
    assert len(booked) == len(with_records)
    assert booked["net_amount"].sum() == pytest.approx(with_records["net_amount"].sum())


def test_with_the_true_links_the_master_is_exact_and_its_best_list_is_the_top_spenders(world):
    truth = true_entities(world.truth.source_links)
    booked = orders_by_record(world.orders, world.source_records, world.truth.source_links)
    entities = entity_table(truth, world.truth.source_links, booked)
    assert (entities["people"] == 1).all()
    spend = world.orders.groupby("customer_id")["net_amount"].sum()
    customers = entities[entities["customer_id"] >= 0].set_index("customer_id")["spend"]
    assert np.allclose(customers[customers > 0], spend.reindex(customers[customers > 0].index))
    best = identify_best(world.orders, world.observed_until)
    listed = best_list(entities, int(best["is_best"].sum()))
    assert set(listed["customer_id"]) == set(best.loc[best["is_best"], "customer_id"])


def test_at_the_cases_own_rates_the_figures_are_those_of_resolve_identities(grid, small):
    level = grid[(1.0, "fuzzy")]
    expected = match_quality(resolve_identities(small.source_records), small.truth.source_links)
    assert level.metrics["precision"] == pytest.approx(expected["precision"])
    assert level.metrics["recall"] == pytest.approx(expected["recall"])
    assert level.metrics["true_people"] == true_entities(small.truth.source_links)["entity_id"].nunique()
    assert level.master["records"].sum() == len(small.source_records)


def test_more_defects_split_more_people_and_lose_recall(grid):
    table = grid_table(grid)
    for method, rows in table.groupby("method"):
        rows = rows.sort_values("defect_scale")
        assert rows["recall"].is_monotonic_decreasing, method
        assert rows["master_rows"].is_monotonic_increasing, method
        assert rows["split_people"].iloc[-1] > rows["split_people"].iloc[0], method
    fuzzy, exact = (table[table["method"] == m].set_index("defect_scale") for m in ("fuzzy", "exact_email"))
    # Measured: 0.81-0.98 against 0.03-0.68. At half the case's defects an exact e-mail match
    # already finds most people; from the case's own rates on, fuzzy matching is far ahead.
    assert (fuzzy["recall"] > exact["recall"]).all()
    assert (fuzzy["recall"] > exact["recall"] + 0.3)[fuzzy.index >= 1.0].all()
    assert (fuzzy["best_right"] > exact["best_right"]).all()
    assert exact.loc[3.0, "best_right"] < exact.loc[0.5, "best_right"]  # the naive list degrades


def test_the_best_list_marks_only_distinct_truly_best_customers(grid, small):
    level = grid[(3.0, "exact_email")]
    best = identify_best(small.orders, small.observed_until)
    truly = set(best.loc[best["is_best"], "customer_id"])
    assert len(level.best) == len(truly)
    marked = level.best[level.best["truly_best"]]
    assert marked["customer_id"].is_unique and set(marked["customer_id"]) <= truly
    assert level.metrics["best_right"] == pytest.approx(len(marked) / len(level.best))
    assert level.best["spend"].is_monotonic_decreasing


def test_the_prepared_grid_gives_the_levels_of_the_plain_function(grid, small):
    for method in ("fuzzy", "exact_email"):
        plain = defect_level(small, method)
        prepared = grid(1.0, method)
        assert prepared is grid[(1.0, method)]
        pd.testing.assert_series_equal(prepared.metrics, plain.metrics)
        pd.testing.assert_frame_equal(prepared.master, plain.master)
        pd.testing.assert_frame_equal(prepared.best, plain.best)
    pd.testing.assert_frame_equal(grid.table(), grid_table(grid.levels))
    assert list(grid.table()["defect_scale"].unique()) == list(SCALES)


@pytest.mark.parametrize("scales", [(), (1.0, -0.5)])
def test_no_scales_or_a_negative_scale_is_refused(world, scales):
    with pytest.raises(DataError, match="scales = "):
        defect_grid(world, scales)


def test_a_choice_not_computed_is_refused_naming_those_that_were(grid, small):
    with pytest.raises(ConfigError, match="scale = 2.5.*'0.5 exact_email'"):
        grid(2.5, "fuzzy")
    with pytest.raises(ConfigError, match="method = 'phonetic'"):
        grid(1.0, "phonetic")
    with pytest.raises(ConfigError, match="method = 'phonetic'"):
        defect_level(small, "phonetic")
