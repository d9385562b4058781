"""Privacy: only consenting customers are selected, pseudonyms are keyed and stable, and an
extract can be made k-anonymous."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from crmkit.analytics import consent_columns, consented, generalise, k_anonymity, pseudonymise, suppress_small_groups
from crmkit.errors import DataError
from tests.analytics.conftest import SEEDS

CUSTOMERS = 3000
KEY = "course-key-0123456789abcdef"


@pytest.fixture
def world(make_world):
    return make_world("pschse", CUSTOMERS, SEEDS[0])


def test_the_world_records_a_consent_per_channel(world):
    assert consent_columns(world.customers) == {"email": "email_opt_in", "sms": "sms_opt_in", "mail": "mail_opt_in"}


def test_only_consenting_customers_are_selected(world):
    customers = world.customers
    emailable = consented(customers, "email")
    assert emailable["email_opt_in"].all()
    assert len(emailable) == customers["email_opt_in"].sum() < len(customers)
    both = consented(customers, ["email", "sms"])
    either = consented(customers, ["email", "sms"], how="any")
    assert (both["email_opt_in"] & both["sms_opt_in"]).all()
    assert len(both) < len(emailable) < len(either) <= len(customers)
    assert list(emailable.columns) == list(customers.columns)  # the rows, untouched


def test_no_consent_is_assumed_where_none_is_recorded(world):
    without = world.customers.drop(columns=["email_opt_in", "sms_opt_in", "mail_opt_in"])
    with pytest.raises(DataError, match="no consent column"):
        consented(without, "email")
    with pytest.raises(DataError, match="'profiling'"):
        consented(world.customers, "profiling")  # not recorded: not invented
    missing = world.customers.head(3).astype({"email_opt_in": "boolean"})
    missing.loc[missing.index[0], "email_opt_in"] = pd.NA
    assert missing.index[0] not in consented(missing, "email").index  # unknown is not a yes


def test_pseudonyms_are_stable_under_one_key_and_change_with_the_key(world):
    customers = world.customers[["customer_id", "email", "birth_year"]]
    before = customers.copy()
    first = pseudonymise(customers, ["customer_id", "email"], KEY)
    again = pseudonymise(customers, ["customer_id", "email"], KEY)
    other = pseudonymise(customers, ["customer_id", "email"], KEY + "-other")
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(customers, before)  # input untouched
    assert (first["customer_id"] != other["customer_id"]).all()
    assert first["customer_id"].is_unique  # no collisions among 3,000 ids
    assert first["birth_year"].equals(customers["birth_year"])
    assert first["email"].isna().sum() == customers["email"].isna().sum()  # empty stays empty
    # Not a plain hash: someone without the key cannot recompute it from a known value.
    plain = hashlib.sha256(str(customers["customer_id"].iloc[0]).encode()).hexdigest()[:16]
    assert first["customer_id"].iloc[0] != plain


def test_pseudonymised_tables_still_join(world):
    orders = pseudonymise(world.orders, "customer_id", KEY)
    customers = pseudonymise(world.customers, "customer_id", KEY)
    joined = orders.merge(customers[["customer_id", "region"]], on="customer_id", how="left")
    assert joined["region"].notna().all()
    plain = world.orders.merge(world.customers[["customer_id", "region"]], on="customer_id")
    assert (joined["region"].astype(str).to_numpy() == plain["region"].astype(str).to_numpy()).all()


def test_a_short_key_is_refused():
    with pytest.raises(DataError, match="too short"):
        pseudonymise(pd.DataFrame({"id": [1]}), "id", "secret")


def test_an_extract_is_made_k_anonymous(world):
    extract = world.customers[["birth_year", "state", "loyalty_tier", "email_opt_in"]]
    raw = k_anonymity(extract, ["birth_year", "state"], target=5)
    assert raw.k == 1 and not raw.is_anonymous  # year of birth and state single people out
    assert (raw.offending["rows"] < 5).all() and raw.rows_at_risk == raw.offending["rows"].sum()
    coarse = generalise(extract.assign(region=world.customers["region"]).drop(columns="state"),
                        bands={"birth_year": 20})
    better = k_anonymity(coarse, ["birth_year", "region"], target=5)
    assert better.k > raw.k
    shared = suppress_small_groups(coarse, ["birth_year", "region"], k=5)
    final = k_anonymity(shared, ["birth_year", "region"], target=5)
    assert final.is_anonymous and final.k >= 5
    assert len(shared) >= 0.95 * len(extract)  # generalising first keeps almost everyone


def test_generalise_bands_and_prefixes():
    extract = pd.DataFrame({"birth_year": pd.array([1983, 1979, None], dtype="Int64"), "postcode": ["02139", "02142", None]})
    out = generalise(extract, bands={"birth_year": 10}, prefixes={"postcode": 3})
    assert out["birth_year"].tolist()[:2] == ["1980-1989", "1970-1979"] and pd.isna(out["birth_year"].iloc[2])
    assert out["postcode"].tolist()[:2] == ["021*", "021*"] and pd.isna(out["postcode"].iloc[2])
    assert k_anonymity(out.iloc[:2], ["postcode"], target=2).is_anonymous
    with pytest.raises(DataError, match="bands"):
        generalise(extract, bands={"age": 10})


def test_k_anonymity_counts_empty_values_as_a_group():
    extract = pd.DataFrame({"city": ["Oslo", None, None, "Oslo"]})
    result = k_anonymity(extract, ["city"], target=2)
    assert result.k == 2 and result.is_anonymous
    empty = k_anonymity(extract.iloc[:0], ["city"])
    assert empty.k == 0 and empty.rows_at_risk == 0
