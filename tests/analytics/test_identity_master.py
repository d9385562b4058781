"""The customer master equals a plain pandas one: merge, sort, then a groupby per field.

``customer_master`` works on integer codes and positions (no text merged or sorted); the
plain version here merges the normalised records with the links, sorts them, and picks each
field's best value with a groupby, the rule as its docstring states it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analytics import customer_master, normalise_records, resolve_identities
from crmkit.analytics.identity_master import sorted_codes
from crmkit.analytics.identity_normalise import IDENTITY_FIELDS
from crmkit.errors import DataError
from tests.analytics.conftest import SEEDS


def _plain_best(frame: pd.DataFrame, field: str) -> pd.Series:
    """Most votes, then the latest capture, then the first value in sort order."""
    voted = frame.dropna(subset=[field]).groupby(["entity_id", field])
    runs = voted.agg(votes=("source_record_id", "size"), latest=("captured_at", "max")).reset_index()
    runs = runs.sort_values(["entity_id", "votes", "latest", field], ascending=[True, False, False, True],
                            na_position="last")  # a run with no time loses the tie
    return runs.drop_duplicates("entity_id").set_index("entity_id")[field]


def _plain_master(records: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    norm = normalise_records(records).assign(captured_at=records["captured_at"].to_numpy(),
                                             source_system=records["source_system"].astype(str).to_numpy())
    frame = norm.merge(links.dropna(subset=["entity_id"]), on="source_record_id")
    frame = frame.sort_values(["entity_id", "source_record_id"])
    groups = frame.groupby("entity_id")
    master = pd.DataFrame({
        "records": groups.size(), "first_captured_at": groups["captured_at"].min(),
        "systems": groups["source_system"].agg(lambda s: ", ".join(sorted(set(s)))),
        "source_record_ids": groups["source_record_id"].agg(list)})
    for field in IDENTITY_FIELDS:
        master[field] = _plain_best(frame, field)
    for name in ("first_name", "last_name", "city"):
        master[name] = master[name].str.title()
    master["birth_year"] = master["birth_year"].astype("Int64")
    return master


@pytest.mark.parametrize("seed", SEEDS)
def test_the_master_equals_the_plain_groupby_one(make_world, seed):
    records = make_world("pschse", 1500, seed).source_records.copy()
    rng = np.random.default_rng(seed)
    records.loc[rng.random(len(records)) < 0.05, "captured_at"] = pd.NaT  # some records without a time
    links = resolve_identities(records).sample(frac=0.9, random_state=seed)  # shuffled; some records unlinked
    links = links.astype({"entity_id": float})
    links.loc[links.index[:20], "entity_id"] = np.nan  # and some links without an entity
    fast = customer_master(records, links).set_index("entity_id")
    plain = _plain_master(records, links)
    assert (fast["records"] > 1).any()  # some people hold several records: the votes count
    for column in ["first_name", "last_name", "email", "phone", "city", "birth_year", "records", "systems",
                   "first_captured_at"]:
        pd.testing.assert_series_equal(fast[column], plain[column], check_dtype=False, check_names=False)
    assert fast["source_record_ids"].tolist() == plain["source_record_ids"].tolist()


def test_sorted_codes_equal_pandas_sorted_factorize():
    values = pd.Series(["émile", "b", None, "a", "Zoë", "b", "a b", "", "é"], dtype="str")
    codes, uniques = sorted_codes(values)
    expected_codes, expected_uniques = pd.factorize(values, sort=True)
    assert codes.tolist() == expected_codes.tolist() and list(uniques) == list(expected_uniques)
    numbers = pd.Series([3.0, np.nan, -1.5, 3.0])
    assert sorted_codes(numbers)[0].tolist() == pd.factorize(numbers, sort=True)[0].tolist()


def test_records_with_the_same_id_get_one_clear_error(make_world):
    records = make_world("pschse", 300, SEEDS[0]).source_records
    twice = pd.concat([records, records.iloc[:1]], ignore_index=True)
    links = resolve_identities(records)
    with pytest.raises(DataError, match="source_records repeats source_record_id = "):
        customer_master(twice, links)
