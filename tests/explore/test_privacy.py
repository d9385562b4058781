"""The privacy explorer driven from a test: choose how the birth year and the location are shared,
read k and the rows at risk, and check them against crmkit.analytics and a count by hand."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crmkit.analytics.privacy import generalise, k_anonymity  # noqa: E402
from crmkit.errors import ConfigError  # noqa: E402
from crmkit.explore.privacy import (  # noqa: E402
    BIRTH_BANDS, LOCATIONS, anonymity_explorer, anonymity_view, consent_reach, draw_anonymity, partner_extract,
    purchase_inference,
)

SECRET = "a-test-secret-of-some-length"


@pytest.fixture(scope="module")
def widget(world):
    return anonymity_explorer(world)


@pytest.fixture(scope="module")
def prepared(widget):
    return widget.extract


def choose(widget, **values):
    for name, value in values.items():
        widget.control(name).value = value
    return widget.result


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


def test_the_widget_shows_k_of_the_extract_shared_as_chosen(widget, prepared):
    assert widget.result.quasi_identifiers == ("birth_1", "city")
    result = choose(widget, birth="10-year band", location="state", loyalty_tier=True, target=10)
    assert result.quasi_identifiers == ("birth_10", "state", "loyalty_tier")
    shared = generalise(prepared[["birth_year", "state", "loyalty_tier"]], bands={"birth_year": 10})
    expected = k_anonymity(shared, ["birth_year", "state", "loyalty_tier"], target=10)
    assert (result.k, result.rows_at_risk) == (expected.k, expected.rows_at_risk)
    # by hand: rows in groups of fewer than 10 (a missing birth year is a value of its own)
    sizes = shared.groupby(["birth_year", "state", "loyalty_tier"], dropna=False).size()
    assert result.rows_at_risk == sizes[sizes < 10].sum()
    assert result.sizes["rows"].sum() == len(prepared) and result.groups == len(sizes)
    assert choose(widget, signup_year=True).quasi_identifiers == ("birth_10", "state", "loyalty_tier", "signup_year")
    choose(widget, birth="exact year", location="city", loyalty_tier=False, signup_year=False, target=5)


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


def test_the_static_picture_and_bad_choices(prepared, world):
    figure, ax = matplotlib.pyplot.subplots()
    view = draw_anonymity(prepared, "5-year band", "state", target=5, ax=ax)
    assert [p.get_height() for p in ax.patches] == view.sizes["rows"].tolist()
    red = [p for p in ax.patches if p.get_facecolor()[0] > 0.7]
    assert sum(p.get_height() for p in red) == view.rows_at_risk
    matplotlib.pyplot.close(figure)
    with pytest.raises(ConfigError, match="birth"):
        anonymity_view(prepared, birth="decade")
    with pytest.raises(ConfigError, match="others"):
        anonymity_view(prepared, others=("email",))
    with pytest.raises(ConfigError, match="persona"):
        purchase_inference(world, "lunch_on_the_go", "astronaut")
