"""The fast resolution links exactly the records a plain one does.

``resolve_identities`` codes each column once, looks the cheap fields' best-case scores up in
a table and compares texts only for pairs that can still reach the threshold. The plain path
here scores EVERY candidate pair in full (``score_pairs``) and joins the matches with
networkx: both must give the same entity of every record, on several cases and seeds.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import candidate_pairs, normalise_records, resolve_identities, score_pairs
from crmkit.analytics.identity_blocking import CodeBook
from tests.analytics.conftest import SEEDS


def _plain_entities(records: pd.DataFrame, threshold: float, weights: dict | None, max_chance: float | None
                    ) -> np.ndarray:
    """Entity number of each record (numbered by first record), by full scores and networkx."""
    norm = normalise_records(records)
    scored = score_pairs(norm, candidate_pairs(norm), weights)
    match = (scored["score"] >= threshold) & (scored["chance"] <= (np.inf if max_chance is None else max_chance))
    graph = nx.Graph()
    graph.add_nodes_from(range(len(norm)))
    graph.add_edges_from(zip(scored.loc[match, "left"], scored.loc[match, "right"]))
    component = np.empty(len(norm), dtype=np.int64)
    for number, members in enumerate(nx.connected_components(graph)):
        component[list(members)] = number
    return pd.factorize(component)[0]


@pytest.mark.parametrize("case, seed", [("pschse", seed) for seed in SEEDS] + [("tesco", SEEDS[0]),
                                                                               ("harrahs", SEEDS[1])])
@pytest.mark.parametrize("threshold, weights, max_chance", [
    (85, None, 0.3), (60, None, None), (95, {"name": 0.6, "email": 0.4}, 0.05)])
def test_fast_resolution_gives_the_plain_entities(make_world, case, seed, threshold, weights, max_chance):
    records = make_world(case, 3000, seed).source_records
    fast = resolve_identities(records, threshold, weights, max_chance)["entity_id"].to_numpy()
    plain = _plain_entities(records, threshold, weights, max_chance)
    assert len(np.unique(plain)) < len(plain)  # some records are merged: the check has teeth
    assert np.array_equal(fast, plain)


def test_code_book_codes_equal_values_alike_and_missing_as_minus_one():
    norm = normalise_records(pd.DataFrame({
        "source_record_id": [1, 2, 3, 4], "first_name": ["Anna", "Annabel", None, "Lee"],
        "last_name": ["Lee", "Anne", "Ray", "Anna"], "email": ["a@x.org", None, "a@x.org", "b@x.org"],
        "phone": [None] * 4, "city": ["Oslo", "oslo", None, "Rome"], "birth_year": [None] * 4}))
    book = CodeBook(norm)
    email, city = book["email"], book["city"]
    assert email[0] == email[2] != email[3] and email[1] == -1
    assert city[0] == city[1] and city[2] == -1
    first, last = book["start4"][:4], book["start4"][4:]
    # "anna" and "annabel" start alike; a first name meets a last name in one code space
    assert first[0] == first[1] == last[3] and first[2] == -1 and last[0] == first[3] != first[0]
    assert list(book.distinct("email")) == ["a@x.org", "b@x.org"]


def test_a_normalised_table_made_once_gives_the_same_links_and_master(make_world):
    from crmkit.analytics import customer_master

    records = make_world("pschse", 3000, SEEDS[0]).source_records
    norm = normalise_records(records)
    before = norm.copy()
    links = resolve_identities(records, norm=norm)
    pd.testing.assert_frame_equal(links, resolve_identities(records))
    pd.testing.assert_frame_equal(customer_master(records, links, norm), customer_master(records, links))
    pd.testing.assert_frame_equal(norm, before)  # the caller's table is left alone
