"""The messy source systems: coverage, defects at their configured rates, truth links."""

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.cases import load_config
from crmkit.world.ops.sources import check
from crmkit.world.ops.sources_damage import OLD_DOMAINS
from crmkit.world.ops.sources_defects import has_nickname
from crmkit.world.vocabulary import terms


def _linked(world) -> pd.DataFrame:
    """Customer records with their truth flags and the customer's clean identity."""
    records = world.source_records.merge(world.truth.source_links, on="source_record_id")
    records = records[records.customer_id.notna()]
    clean = world.customers.rename(columns=lambda c: c if c == "customer_id" else f"true_{c}")
    return records.merge(clean, on="customer_id")


def _eligible(world, rec: pd.DataFrame) -> dict[str, pd.Series]:
    """Which records could show each defect, from the customer's clean identity."""
    phones = world.customers[world.customers.phone.notna()]
    holders = phones.groupby("last_name").size()
    others = holders.reindex(rec.true_last_name).fillna(0).to_numpy() - rec.true_phone.notna().to_numpy()
    everyone = pd.Series(True, index=rec.index)
    has_email = rec.true_email.notna()
    return {
        "nickname": pd.Series(has_nickname(rec.true_first_name.to_numpy(dtype=str)), index=rec.index),
        "name_typo": everyone, "swapped_names": everyone, "case_whitespace": everyone, "missing_city": everyone,
        "missing_email": has_email, "outdated_email": has_email, "email_typo": has_email,
        "missing_phone": rec.true_phone.notna(), "shared_phone": pd.Series(others >= 1, index=rec.index),
        "phone_format": rec.phone.notna(), "missing_birth_year": rec.true_birth_year.notna(),
        "duplicate": ~rec.duplicate | rec.duplicate,
    }


def _measured_rates(world) -> list[tuple[str, str, int, float, float]]:
    """(system, defect, eligible records, measured rate, configured rate)."""
    rec = _linked(world)
    eligible = _eligible(world, rec)
    out = []
    for system in terms("source_system"):
        in_system = rec.source_system == system
        for defect in terms("source_defect"):
            rows = in_system & eligible[defect]
            if defect == "duplicate":  # duplicates per first record of the system
                n = int((in_system & ~rec.duplicate).sum())
                measured = rec.duplicate[in_system].sum() / max(n, 1)
            else:
                n = int(rows.sum())
                measured = rec[defect][rows].mean() if n else np.nan
            out.append((system, defect, n, measured, world.config.sources.systems[system].rate(defect)))
    return out


def test_source_records_keep_their_contract(world, retail_world):
    for w in (world, retail_world):
        assert check(w) == []
        assert not {"customer_id", "_customer"} & set(w.source_records.columns)  # nothing links to the customer
        assert w.source_records.source_key.groupby(w.source_records.source_system.astype(str)).apply(lambda s: s.is_unique).all()


def test_every_customer_who_ordered_has_a_source_record(world, retail_world):
    # Orders booked by won deals come from the sales pipeline, which knows the customer already
    # and leaves no interaction for a source system to capture: a customer whose only order is such
    # a booking (pschse seed 11, world version 3: customer 714) has no source record.
    for w in (world, retail_world):
        linked = set(w.truth.source_links.customer_id.dropna())
        assert set(w.orders.loc[w.orders.opportunity_id.isna(), "customer_id"]) <= linked


def test_records_come_from_the_channels_the_customer_used(world):
    rec = _linked(world)
    # Orders booked by won deals (a party host's booking) come from the sales pipeline, where the
    # host is already known, not from an event's sign-up sheet.
    o = world.orders
    event_buyers = set(o[(o.channel == "home_sales_event") & o.opportunity_id.isna()].customer_id)
    assert set(rec[rec.source_system == "event_signup"].customer_id) >= event_buyers
    first_use = rec[~rec.duplicate].groupby(["customer_id", "source_system"], observed=True).size()
    assert (first_use == 1).all()  # one first record per customer and system


def test_some_records_belong_to_people_who_never_became_customers(world):
    links = world.truth.source_links
    strangers = links.customer_id.isna()
    assert 0 < strangers.mean() < 0.3
    assert links.via_customer_id.notna().eq(strangers).all()  # each came with a customer's record
    records = world.source_records.set_index("source_record_id")
    came_with = links[strangers].merge(links[~strangers & ~links.duplicate], left_on="via_customer_id", right_on="customer_id")
    same_system = (records.source_system.reindex(came_with.source_record_id_x).to_numpy()
                   == records.source_system.reindex(came_with.source_record_id_y).to_numpy())
    assert same_system.any()


@pytest.mark.parametrize("case", ["pschse", "retailer"])
def test_defects_appear_at_their_configured_rates(case, world, retail_world):
    w = world if case == "pschse" else retail_world
    checked = 0
    for system, defect, n, measured, rate in _measured_rates(w):
        if n < 100:
            continue
        tolerance = 4 * np.sqrt(max(rate * (1 - rate), 0.01 * 0.99) / n) + 0.005
        assert abs(measured - rate) <= tolerance, f"{system}.{defect}: measured {measured:.3f} on {n}, configured {rate}"
        checked += 1
    assert checked >= 30


def _scaled(factor: float, customers: int = 1500) -> ck.World:
    raw = load_config("pschse").model_dump(mode="python")
    for system in raw["sources"]["systems"].values():
        system["defects"] = {k: min(v * factor, 0.3) for k, v in system["defects"].items()}
    return ck.simulate(raw, customers=customers, seed=3, progress=False)


def test_changing_a_rate_changes_the_measured_rate():
    w = ck.simulate("pschse", customers=1500, seed=3, progress=False,
                    **{"sources.systems.web_shop.defects.email_typo": 0.3})
    measured = {(s, d): (n, m) for s, d, n, m, _ in _measured_rates(w)}
    n, rate = measured[("web_shop", "email_typo")]
    assert n > 300 and abs(rate - 0.3) < 4 * np.sqrt(0.21 / n)


def test_a_defect_no_record_draws_leaves_the_records_as_they_were():
    # numpy's string functions fail on empty arrays: a system without old addresses or
    # unformatted phones (or a small block that draws none) once crashed the simulation.
    zero = {f"sources.systems.{system}.defects.{defect}": 0.0 for system in load_config("pschse").sources.systems
            for defect in ("outdated_email", "phone_format")}
    w = ck.simulate("pschse", customers=300, seed=3, progress=False, **zero)
    rec = _linked(w)
    kept = rec[rec.email.notna() & rec.true_email.notna()]
    old = kept.email.str.split("@").str[1].isin(OLD_DOMAINS) & ~kept.true_email.str.split("@").str[1].isin(OLD_DOMAINS)
    assert len(kept) > 100 and not old.any()  # no address moved to an old domain
    assert rec.phone.dropna().str.contains(r"[()\s-]").all()  # every phone kept its punctuation


def _email_recall(world) -> float:
    rec = _linked(world)
    return (rec.email == rec.true_email).mean()


def test_exact_email_match_misses_links_and_more_so_with_more_defects(world):
    base = _email_recall(world)
    assert 0.5 < base < 0.95
    assert _email_recall(_scaled(2.5)) < base - 0.05


@pytest.mark.parametrize(("path", "value", "needle"), [
    ("sources.systems.web_shop.defects", {"smudge": 0.1}, "defects has key 'smudge'; allowed keys: duplicate"),
    ("sources.systems.web_shop.defects", {"missing_email": 0.7, "email_typo": 0.5}, "must add up to at most 1"),
    ("sources.systems.web_shop.non_customer_rate", -0.1, "sources.systems.web_shop.non_customer_rate = -0.1"),
])
def test_bad_sources_config_is_refused_clearly(path, value, needle):
    with pytest.raises(ConfigError, match=needle):
        load_config("pschse", **{path: value})


def test_a_case_declares_its_own_systems():
    """A system the case lacks (a casino keeps no home-party sheet) captures nobody."""
    raw = load_config("pschse").model_dump(mode="python")
    del raw["sources"]["systems"]["pos_loyalty"]
    world = ck.simulate(load_config(raw), customers=300, seed=4, progress=False)
    systems = set(world.tables["source_records"]["source_system"].astype(str))
    assert "pos_loyalty" not in systems and "web_shop" in systems


def test_billing_and_source_tables_are_prefix_stable():
    """The first n customers of a two-block world have the same billing and source rows
    (non-customers follow the customer whose record they came with)."""
    from crmkit.world.block import BLOCK_SIZE

    big = ck.simulate("pschse", customers=BLOCK_SIZE + 300, seed=21, progress=False)
    for n in (600, BLOCK_SIZE + 100):
        small = ck.simulate("pschse", customers=n, seed=21, progress=False)
        links = big.truth.source_links
        owner = links.customer_id.fillna(links.via_customer_id)
        kept = links[owner <= n].reset_index(drop=True)
        pd.testing.assert_frame_equal(small.truth.source_links, kept)
        records = big.source_records[big.source_records.source_record_id.isin(kept.source_record_id)]
        pd.testing.assert_frame_equal(small.source_records, records.reset_index(drop=True))
        for name in ("invoices", "payments", "refunds", "customer_costs"):
            cut = big.tables[name][big.tables[name].customer_id <= n].reset_index(drop=True)
            pd.testing.assert_frame_equal(small.tables[name], cut, obj=name)
        cut = big.truth.payment_behaviour[big.truth.payment_behaviour.customer_id <= n].reset_index(drop=True)
        pd.testing.assert_frame_equal(small.truth.payment_behaviour, cut)
