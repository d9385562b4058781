"""The targeting what-if (IDIC's step that joins the four): the simulated campaign against its
control group, checked against the world and its truth."""

from __future__ import annotations

import numpy as np
import pytest

from crmkit.analytics.rfm import rfm
from crmkit.analytics.targeting import CHANNELS, DISCOUNT_LIFT, OFFERS, IdicData, idic_data, simulate_targeting
from crmkit.errors import ConfigError


@pytest.fixture(scope="module")
def data(world):
    return IdicData.from_world(world)


def test_the_table_has_one_row_per_customer_and_the_marketers_groups(data, world):
    table = data.customers
    assert table["customer_id"].tolist() == world.customers["customer_id"].tolist()
    buyers = rfm(world.orders, world.observed_until)
    rfm_groups = [name for name in data.groups if name.startswith("RFM: ")]
    assert sum(data.groups[name].sum() for name in rfm_groups) == len(world.customers)  # a partition
    assert data.groups["RFM: never bought"].sum() == len(world.customers) - len(buyers)
    assert data.groups["predicted value: top 10%"].sum() == int(0.1 * len(buyers))
    assert (table["email_opt_in"].to_numpy() == world.customers["email_opt_in"].to_numpy()).all()
    truth = world.truth.customers.set_index("customer_id").reindex(table["customer_id"])
    assert (table.loc[~truth["alive_at_end"].to_numpy(), "true_base_probability"] == 0).all()
    assert table[["u_control", "u_outcome"]].stack().between(0, 1).all()


def test_offers_are_products_the_customer_does_not_own_yet(data, world):
    lines = world.order_items.merge(world.orders[["order_id", "customer_id"]], on="order_id")
    owned = set(zip(lines["customer_id"], lines["product_id"]))
    everything = lines.groupby("customer_id")["product_id"].nunique() == len(world.products)
    whole_range = set(everything.index[everything])
    for offer in OFFERS:
        repeats = {c for c, p in zip(data.customers["customer_id"], data.customers[offer]) if (c, p) in owned}
        assert repeats <= whole_range, offer  # only those who own the whole range get a product again


def test_only_consenting_customers_of_the_group_are_contacted(data):
    table = data.customers
    for channel, (_, consent) in CHANNELS.items():
        result = simulate_targeting(data, "RFM: loyal", channel)
        expected = (data.groups["RFM: loyal"] & table[consent].to_numpy()).sum()
        assert result.eligible == expected == result.treated + result.control
        assert result.contact_cost == pytest.approx(result.treated * data.cost_per_contact[channel])
    everyone = simulate_targeting(data, "everyone", control_share=0.3)
    assert everyone.control / everyone.eligible == pytest.approx(0.3, abs=0.04)


def test_the_control_group_buys_at_the_rate_of_its_true_chances(data):
    table = data.customers
    result = simulate_targeting(data, "everyone", "email")
    control = table["email_opt_in"].to_numpy() & (table["u_control"].to_numpy() < 0.2)
    bought = table["u_outcome"].to_numpy() < table["true_base_probability"].to_numpy()
    assert result.control_rate == pytest.approx(bought[control].mean())
    # and the chances themselves are right on average: the draw is honest
    assert result.control_rate == pytest.approx(table.loc[control, "true_base_probability"].mean(), abs=0.03)


def test_contacts_and_discounts_move_the_truth_the_expected_way(data):
    plain, discounted = (simulate_targeting(data, "everyone", discount=d) for d in (0.0, 0.3))
    assert plain.true_uplift > 0
    assert discounted.true_uplift == pytest.approx(plain.true_uplift * (1 + DISCOUNT_LIFT * 0.3), rel=0.05)
    # A discount also goes to those who would have bought anyway: for the best customers it costs more than it brings.
    champions = [simulate_targeting(data, "RFM: champions", discount=d).true_incremental_profit for d in (0.0, 0.3)]
    assert champions[1] < champions[0]


def test_measured_uplift_is_noisy_but_the_interval_holds_the_truth_in_most_groups(data):
    covered = [(lambda r: r.uplift_low <= r.true_uplift <= r.uplift_high)(simulate_targeting(data, name))
               for name, mask in data.groups.items() if mask.sum() >= 200]
    assert np.mean(covered) >= 0.75


def test_the_same_seed_gives_the_same_result(world, data):
    again = idic_data(world, seed=0)
    assert simulate_targeting(again, "RFM: at risk") == simulate_targeting(data, "RFM: at risk")
    other = idic_data(world, seed=1)
    assert simulate_targeting(other, "everyone").control != simulate_targeting(data, "everyone").control


def test_calling_the_prepared_data_is_the_simulation(data):
    assert data() == simulate_targeting(data)
    assert data("RFM: champions", "mail", "favourite_category", 0.2) == simulate_targeting(
        data, "RFM: champions", "mail", "favourite_category", 0.2)
    low, high = data("RFM: loyal").response_errors()
    assert 0 < low < 0.1 and 0 < high < 0.2


@pytest.mark.parametrize("settings, words", [({"target": "RFM: whales"}, "target"), ({"offer": "free_gift"}, "offer"),
                                             ({"channel": "pigeon"}, "channel"), ({"discount": 0.9}, "discount"),
                                             ({"control_share": 1.0}, "control_share")])
def test_bad_choices_are_refused_by_name(data, settings, words):
    with pytest.raises(ConfigError, match=words):
        data(**settings)
