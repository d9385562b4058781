"""Customised offers (personalisation.customised_offers): a random share whose churn hazard,
and so satisfaction, moves; a case without them, or with a multiplier of 1, keeps its tables."""

import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError

NEW_COLUMNS = {"customers": ["customised_offers"], "truth.customers": ["customisation_churn_multiplier"]}


def _offers(share=0.3, churn_multiplier=0.6):
    return {"remark": "A test programme.", "share": share, "churn_multiplier": churn_multiplier}


def _simulate(offers=None, case="retailer", customers=1500, seed=4):
    extra = {} if offers is None else {"personalisation__customised_offers": offers}
    return ck.simulate(case, customers=customers, seed=seed, progress=False, **extra)


def _tables(world):
    frames = {**world.tables, **{f"truth.{name}": frame for name, frame in dict(world.truth).items()}}
    return {name: frame.drop(columns=NEW_COLUMNS.get(name, [])) for name, frame in frames.items()}


def test_a_case_without_customised_offers_has_nobody_customised():
    world = _simulate()
    assert not world.customers["customised_offers"].any()
    assert (world.truth.customers["customisation_churn_multiplier"] == 1.0).all()


def test_a_multiplier_of_one_moves_no_other_table():
    # The customised are drawn with a generator of their own: no other draw of the world shifts.
    plain, inert = _tables(_simulate()), _tables(_simulate(_offers(churn_multiplier=1.0)))
    assert plain.keys() == inert.keys()
    for name in plain:
        pd.testing.assert_frame_equal(plain[name], inert[name], obj=name)


def test_the_share_is_drawn_at_random_and_recorded_in_the_crm_and_the_truth():
    world = _simulate(_offers(share=0.3, churn_multiplier=0.6), customers=3000)
    flag = world.customers.set_index("customer_id")["customised_offers"]
    multiplier = world.truth.customers.set_index("customer_id")["customisation_churn_multiplier"]
    assert abs(flag.mean() - 0.3) < 0.03  # 3,000 draws: the standard error is 0.008
    assert ((multiplier == 0.6) == flag).all() and ((multiplier == 1.0) == ~flag).all()
    persona = world.truth.customers.set_index("customer_id")["persona"]
    by_persona = flag.groupby(persona).mean()
    assert (by_persona - 0.3).abs().max() < 0.08  # drawn apart from who the customers are


@pytest.mark.parametrize("seed", [1, 2])
def test_customised_customers_stay_longer_and_answer_happier(seed):
    world = _simulate(_offers(share=0.3, churn_multiplier=0.5), case="pschse", customers=2500, seed=seed)
    flag = world.customers.set_index("customer_id")["customised_offers"]
    alive = world.truth.customers.set_index("customer_id")["alive_at_end"].groupby(flag).mean()
    assert alive[True] - alive[False] > 0.05
    sentiment = world.truth.surveys.groupby(world.truth.surveys["customer_id"].map(flag))["sentiment"].mean()
    assert sentiment[True] > sentiment[False]


@pytest.mark.parametrize("field, value, words", [
    ("churn_multiplier", 1.5, "0.2 <= value <= 1"), ("churn_multiplier", 0.0, "0.2 <= value <= 1"),
    ("share", 1.2, "0 <= value <= 1")])
def test_a_bad_setting_names_the_field_and_what_is_allowed(field, value, words):
    with pytest.raises(ConfigError, match=rf"personalisation\.customised_offers\.{field} = {value}: out of range; allowed: {words}"):
        ck.load_config("retailer", personalisation__customised_offers={**_offers(), field: value})
