"""Sharing customer data: consent reach, the partner extract, k-anonymity of each way of sharing it
(checked against ``k_anonymity`` and a count by hand) and what purchases reveal about a persona."""

from __future__ import annotations

import pytest

from crmkit.analytics.privacy import generalise, k_anonymity
from crmkit.analytics.privacy_sharing import (
    BIRTH_BANDS, LOCATIONS, anonymity_view, consent_reach, partner_extract, prepare_extract, purchase_inference,
)
from crmkit.errors import ConfigError

SECRET = "a-test-secret-of-some-length"


@pytest.fixture(scope="module")
def prepared(world):
    return prepare_extract(partner_extract(world, SECRET))


def test_consent_reach_counts_each_consent_and_each_pair(world):
    reach = consent_reach(world.customers).set_index("channels")["customers"]
    c = world.customers
    assert reach["email"] == c["email_opt_in"].sum()
    assert reach["email and sms"] == (c["email_opt_in"] & c["sms_opt_in"]).sum()
    assert reach["sms and mail"] == (c["sms_opt_in"] & c["mail_opt_in"]).sum()


def test_the_partner_extract_holds_no_direct_identifiers(world):
    extract = partner_extract(world, SECRET)
    assert not {"first_name", "last_name", "email", "phone", "customer_id"} & set(extract.columns)
    assert extract["customer"].is_unique and len(extract) == len(world.customers)
    assert not extract["customer"].isin(world.customers["customer_id"].astype(str)).any()
    assert extract["customer"].equals(partner_extract(world, SECRET)["customer"])  # same key, same pseudonyms
    other = partner_extract(world, SECRET + "-other")["customer"]
    assert not (other == extract["customer"]).any()
    assert extract["spend"].sum() == pytest.approx(world.orders["net_amount"].sum(), rel=1e-6)


def test_a_view_measures_the_k_that_k_anonymity_and_a_count_by_hand_measure(prepared):
    view = anonymity_view(prepared, "10-year band", "state", ("loyalty_tier",), target=10)
    assert view.quasi_identifiers == ("birth_10", "state", "loyalty_tier")
    shared = generalise(prepared[["birth_year", "state", "loyalty_tier"]], bands={"birth_year": 10})
    expected = k_anonymity(shared, ["birth_year", "state", "loyalty_tier"], target=10)
    assert (view.k, view.rows_at_risk) == (expected.k, expected.rows_at_risk)
    # by hand: rows in groups of fewer than 10 (a missing birth year is a value of its own)
    sizes = shared.groupby(["birth_year", "state", "loyalty_tier"], dropna=False).size()
    assert view.rows_at_risk == sizes[sizes < 10].sum()
    assert view.sizes["rows"].sum() == len(prepared) and view.groups == len(sizes)
    assert view.offending["rows"].sum() == view.rows_at_risk  # one row per small group, with its size
    assert len(view.offending) == (sizes < 10).sum() and (view.offending["rows"] < 10).all()


def test_coarser_sharing_never_makes_anyone_easier_to_single_out(prepared):
    bands = [b for b in BIRTH_BANDS if b != "left out"]
    for location in LOCATIONS:
        views = [anonymity_view(prepared, birth, location) for birth in bands]
        assert [v.k for v in views] == sorted(v.k for v in views), location
        assert [v.rows_at_risk for v in views] == sorted((v.rows_at_risk for v in views), reverse=True), location
    exact_city, banded_region = anonymity_view(prepared), anonymity_view(prepared, "20-year band", "region")
    assert exact_city.share_at_risk > 0.5 > banded_region.share_at_risk  # measured: 0.92 and 0.00
    nothing = anonymity_view(prepared, "left out", "left out")
    assert nothing.k == len(prepared) and nothing.rows_at_risk == 0


def test_purchases_reveal_a_persona_better_than_chance(world):
    any_purchase = purchase_inference(world, "lunch_on_the_go", "busy_family")
    heavy = purchase_inference(world, "lunch_on_the_go", "busy_family", min_share=0.3)
    truth = world.truth.customers.set_index("customer_id")["persona"]
    lines = world.order_items.merge(world.orders[["order_id", "customer_id"]], on="order_id")
    category = world.products.set_index("product_id")["category"]
    buyers = lines.loc[lines["product_id"].map(category) == "lunch_on_the_go", "customer_id"].unique()
    assert any_purchase["precision"] == pytest.approx((truth.reindex(buyers) == "busy_family").mean())
    assert any_purchase["base_rate"] == pytest.approx((truth == "busy_family").mean())
    assert heavy["precision"] > any_purchase["precision"] > any_purchase["base_rate"]
    assert heavy["buyers"] < any_purchase["buyers"]


def test_bad_choices_are_refused(prepared, world):
    with pytest.raises(ConfigError, match="birth"):
        anonymity_view(prepared, birth="decade")
    with pytest.raises(ConfigError, match="location"):
        anonymity_view(prepared, location="street")
    with pytest.raises(ConfigError, match="others"):
        anonymity_view(prepared, others=("email",))
    with pytest.raises(ConfigError, match="persona"):
        purchase_inference(world, "lunch_on_the_go", "astronaut")
    with pytest.raises(ConfigError, match="category"):
        purchase_inference(world, "caviar", "busy_family")
    with pytest.raises(ConfigError, match="min_share"):
        purchase_inference(world, "lunch_on_the_go", "busy_family", min_share=1.0)
