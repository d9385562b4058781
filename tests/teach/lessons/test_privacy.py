"""Exercises of the privacy lesson: the right answer passes on two seeds, and each typical wrong
answer, written as a learner would write it, gets its own message naming the wrong step."""

from __future__ import annotations

from functools import lru_cache

import pytest

import crmkit as ck
from crmkit.analytics import consented
from crmkit.teach.lessons import checks
from tests.teach.lessons.helpers import assert_mistakes

SEEDS = (1, 2)


@lru_cache(maxsize=2)
def make_world(seed: int):
    return ck.simulate("pschse", customers=2000, seed=seed, progress=False)


@pytest.fixture(params=SEEDS, scope="module")
def world(request):
    return make_world(request.param)


@pytest.fixture(scope="module")
def lesson(world):
    return checks("privacy", world)



def test_every_mistake_is_distinguishable_on_this_world(lesson):
    assert lesson.validate()["distinguishable"].all()


def test_email_and_sms_reach(lesson, world):
    c = world.customers
    right = len(consented(c, ["email", "sms"]))
    messages = assert_mistakes(lesson, "email_and_sms_reach", right, {
        "either": len(consented(c, ["email", "sms"], how="any")),
        "email_only": int(c["email_opt_in"].sum()),
        "refused": int((~c["email_opt_in"] & ~c["sms_opt_in"]).sum()),
        "share": len(consented(c, ["email", "sms"])) / len(c),
    })
    assert "sms_opt_in" in messages["email_only"]


def test_rows_at_risk(lesson, world):
    c = world.customers
    sizes = c.groupby(["birth_year", "state"], dropna=False).size()
    dropped = c.groupby(["birth_year", "state"]).size()  # pandas' default drops missing keys
    right = int(sizes[sizes < 5].sum())
    messages = assert_mistakes(lesson, "rows_at_risk", right, {
        "missing_dropped": int(dropped[dropped < 5].sum()),
        "groups_not_rows": int((sizes < 5).sum()),
        "at_most_k": int(sizes[sizes <= 5].sum()),
        "unique_only": int((sizes == 1).sum()),
    })
    assert "dropna=False" in messages["missing_dropped"]
    # also right: through the kit's own function
    assert lesson.check("rows_at_risk", ck.analytics.k_anonymity(c, ["birth_year", "state"], 5).rows_at_risk).correct


def test_lunch_box_inference(lesson, world):
    category = world.products.set_index("product_id")["category"]
    lines = world.order_items.merge(world.orders[["order_id", "customer_id"]], on="order_id")
    lunch = lines[lines["product_id"].map(category) == "lunch_on_the_go"]
    persona = world.truth.customers.set_index("customer_id")["persona"]
    buyers = lunch["customer_id"].unique()
    right = (persona.reindex(buyers) == "busy_family").mean()
    families = persona.index[persona == "busy_family"]
    messages = assert_mistakes(lesson, "lunch_box_inference", right, {
        "recall": families.isin(buyers).mean(),
        "base_rate": (persona == "busy_family").mean(),
        "order_lines": (persona.reindex(lunch["customer_id"]) == "busy_family").mean(),
        "count": float((persona.reindex(buyers) == "busy_family").sum()),
    })
    assert "buyers" in messages["recall"]
