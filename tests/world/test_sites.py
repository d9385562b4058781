"""Sites: where a case's visits happen, and the on-site arrival of each visit (issue 13).

A case's ``sites:`` section lists its places; each customer has a home site and now and
then visits another; a hotel's stay starts with a check-in at its hotel, a casino trip
with a card-in. A case without sites has none, and its other tables do not move.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.block import BLOCK_SIZE
from crmkit.world.cases import load_config
from crmkit.world.world_version import fingerprint
from tests.world.test_engine import assert_worlds_equal

CASES_WITH_SITES = ("ritz_carlton", "harrahs", "tesco")
ARRIVALS = {"ritz_carlton": "check_in", "harrahs": "card_in"}  # the case's own kind of arrival


@pytest.fixture(scope="module")
def worlds():
    return {case: ck.simulate(case, customers=1500, seed=7, progress=False) for case in CASES_WITH_SITES}


def _at_site(world) -> pd.Series:
    """True for the orders whose channel the case places at a site."""
    channels = world.config.sites.channels
    return world.orders["channel"].astype(str).isin(channels) if channels else pd.Series(True, index=world.orders.index)


def test_the_shipped_cases_with_sites_declare_them():
    assert {c for c in ck.cases() if load_config(c).sites is not None} == set(CASES_WITH_SITES)


@pytest.mark.parametrize("case", CASES_WITH_SITES)
def test_the_sites_table_is_the_case_s_list(case, worlds):
    sites, items = worlds[case].tables["sites"], load_config(case).sites.items
    assert sites["site_id"].tolist() == list(range(1, len(items) + 1))
    assert sites["name"].tolist() == [s.name for s in items] and sites["kind"].tolist() == [s.kind for s in items]


@pytest.mark.parametrize("case", CASES_WITH_SITES)
def test_every_visit_is_at_an_existing_site_and_no_other_order_is(case, worlds):
    world = worlds[case]
    at_site = _at_site(world)
    site = world.orders["site_id"]
    assert at_site.sum() > 100
    assert site[at_site].notna().all() and site[at_site].isin(world.tables["sites"]["site_id"]).all()
    assert site[~at_site].isna().all()
    if case == "tesco":  # a grocer's web and app orders are delivered: no store
        assert (~at_site).sum() > 0


@pytest.mark.parametrize("case", CASES_WITH_SITES)
def test_customers_mostly_visit_their_home_site(case, worlds):
    world = worlds[case]
    visits = world.orders[_at_site(world)].merge(world.truth["customers"][["customer_id", "home_site_id"]], on="customer_id")
    home_share = (visits["site_id"] == visits["home_site_id"]).mean()
    expected = 1 - world.config.sites.away_share
    # Binomial spread of a share over this many visits is below 0.015; 0.04 leaves room.
    assert abs(home_share - expected) < 0.04, (home_share, expected)
    # Seen in the observed data alone: the site a regular visits most is, for most, the home one.
    regulars = visits.groupby("customer_id").filter(lambda g: len(g) >= 3)
    most = regulars.groupby("customer_id").agg(top=("site_id", lambda s: s.mode().iloc[0]), home=("home_site_id", "first"))
    assert len(most) > 20 and (most["top"] == most["home"]).mean() > 0.7


@pytest.mark.parametrize("case", CASES_WITH_SITES)
def test_home_sites_follow_the_weights(case, worlds):
    world = worlds[case]
    weights = np.array([s.weight for s in world.config.sites.items])
    share = world.truth["customers"]["home_site_id"].value_counts(normalize=True).reindex(world.sites["site_id"], fill_value=0)
    assert np.abs(share.to_numpy() - weights / weights.sum()).max() < 0.05


@pytest.mark.parametrize("case", sorted(ARRIVALS))
def test_each_visit_has_exactly_one_arrival_at_its_site_on_its_first_day(case, worlds):
    world = worlds[case]
    arrivals = world.interactions[world.interactions["kind"] == ARRIVALS[case]]
    assert arrivals["order_id"].notna().all()
    counts = arrivals["order_id"].value_counts()
    assert (counts == 1).all()
    assert set(counts.index) == set(world.orders["order_id"][world.orders["site_id"].notna()])
    joined = arrivals.merge(world.orders[["order_id", "customer_id", "ordered_at", "site_id"]], on="order_id", suffixes=("", "_order"))
    assert (joined["customer_id"] == joined["customer_id_order"]).all()
    assert (joined["occurred_at"].dt.normalize() == joined["ordered_at"].dt.normalize()).all()
    assert set(joined["channel"].astype(str)) == {world.config.sites.arrival.channel}
    other = set(ARRIVALS.values()) - {ARRIVALS[case]}
    assert not world.interactions["kind"].isin(other).any()


def test_a_grocer_without_an_arrival_records_none(worlds):
    assert not worlds["tesco"].interactions["kind"].isin(list(ARRIVALS.values())).any()


def _without_sites(case: str, customers: int, seed: int):
    return load_config(case, customers=customers, seed=seed).model_copy(update={"sites": None})


@pytest.mark.parametrize("case", ["retailer", "pschse"])
def test_a_case_without_sites_has_none(case):
    world = ck.simulate(case, customers=300, seed=3, progress=False)
    assert world.config.sites is None and world.tables["sites"].empty
    assert world.orders["site_id"].isna().all() and world.truth["customers"]["home_site_id"].isna().all()
    assert not world.interactions["kind"].isin(list(ARRIVALS.values())).any()


# What an arrival touches: the interactions, and what is derived from them (the systems
# that capture a customer at the channel, the truth's anonymous events and record links).
FROM_INTERACTIONS = {"interactions", "source_records", "truth.anonymous_interactions", "truth.source_links"}


def _moved(a, b) -> set[str]:
    """The tables of ``a`` and ``b`` that differ once their site parts are left out."""
    site_parts = {"orders": ["site_id"], "truth.customers": ["home_site_id"]}
    frames = [(n, df, b.tables[n]) for n, df in a.tables.items() if n != "sites"]
    frames += [(f"truth.{n}", df, b.truth[n]) for n, df in a.truth.items()]
    return {name for name, x, y in frames
            if not x.drop(columns=site_parts.get(name, [])).equals(y.drop(columns=site_parts.get(name, [])))}


@pytest.mark.parametrize("case", CASES_WITH_SITES)
def test_sites_move_nothing_else(case, worlds):
    """The same world without its sites section: every other table is the same, row for row
    (sites draw from their own stream); arrivals add interactions and what derives from them."""
    with_sites = worlds[case]
    without = ck.simulate(_without_sites(case, 1500, 7), progress=False)
    assert _moved(with_sites, without) == (FROM_INTERACTIONS if case in ARRIVALS else set())
    if case in ARRIVALS:  # the interactions are the old ones plus the arrivals
        inter = with_sites.interactions
        kept = inter[inter["kind"] != ARRIVALS[case]].drop(columns="interaction_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, without.interactions.drop(columns="interaction_id"), obj="interactions")


def test_the_fingerprint_leaves_out_the_sites_of_a_world_without_them():
    world = ck.simulate(_without_sites("tesco", 200, 1), progress=False)
    before = fingerprint(world)
    world.tables["orders"]["site_id"] = pd.array(np.ones(len(world.orders), dtype=np.int64), dtype="Int64")
    assert fingerprint(world) == before  # an unused part is not hashed...
    with_sites = ck.simulate("tesco", customers=200, seed=1, progress=False)
    changed = with_sites.tables["orders"]["site_id"].fillna(1)
    again = fingerprint(with_sites)
    with_sites.tables["orders"]["site_id"] = changed.where(changed != 1, 2)
    assert fingerprint(with_sites) != again  # ...a used one is


def test_same_seed_same_sites():
    assert_worlds_equal(ck.simulate("ritz_carlton", customers=400, seed=5, progress=False),
                        ck.simulate("ritz_carlton", customers=400, seed=5, progress=False))


def test_workers_do_not_change_the_sites():
    one = ck.simulate("harrahs", customers=BLOCK_SIZE + 300, seed=11, progress=False)
    assert one.orders["site_id"].notna().all()
    assert_worlds_equal(one, ck.simulate("harrahs", customers=BLOCK_SIZE + 300, seed=11, workers=2, progress=False))


BAD = [
    ({"sites.items.0.weight": -1}, ["sites.items.0.weight", "-1", "0 <= value"]),
    ({"sites.items.0.kind": "motel"}, ["items.0.kind", "'motel'", "allowed: city_hotel, resort"]),
    ({"sites.items.0.colour": "red"}, ["sites.items.0.colour", "not a known setting"]),
    ({"sites.arrival.kind": "teleport"}, ["sites.arrival.kind has 'teleport'", "allowed:", "check_in"]),
    ({"sites.channels": ["pigeon"]}, ["channels has 'pigeon'", "allowed:", "point_of_sale"]),
    ({"sites.away_share": 0.95}, ["sites.away_share", "0.95", "0 <= value <= 0.9"]),
]


@pytest.mark.parametrize("overrides, expected", BAD)
def test_bad_sites_give_one_line_naming_field_value_and_allowed(overrides, expected):
    with pytest.raises(ConfigError) as info:
        load_config("ritz_carlton", **overrides)
    message = str(info.value)
    assert all(part in message for part in expected), message
    assert "\n" not in message


def test_all_zero_weights_and_a_name_twice_are_refused():
    items = [dict(s) for s in load_config("tesco").sites.model_dump()["items"]]
    with pytest.raises(ConfigError, match="weights must not all be zero"):
        load_config("tesco", **{"sites.items": [{**s, "weight": 0} for s in items]})
    with pytest.raises(ConfigError, match="'Store A' is given twice"):
        load_config("tesco", **{"sites.items": [items[0], items[0]]})
