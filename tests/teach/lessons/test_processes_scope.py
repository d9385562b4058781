"""Exercises of lesson 03 on what CRM covers and how it is brought in (the people beyond the ERP, the
world's profile, the class of product, the roll-out stages): the right answer, written as a learner
writes it, passes on two seeds, and each typical wrong answer gets its own message."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import crmkit as ck
from crmkit.analytics.crm_scope import office_tables
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
    return checks("processes", world)


def test_people_beyond_erp(lesson, world):
    billed = pd.concat([world.orders.customer_id, world.invoices.customer_id, world.payments.customer_id,
                        world.refunds.customer_id])
    never = (~world.customers.customer_id.isin(billed)).sum()
    prospects = world.leads.converted_customer_id.isna().sum()
    messages = assert_mistakes(lesson, "people_beyond_erp", never + prospects, {
        "customers_only": never,
        "leads_only": prospects,
        "every_lead": never + len(world.leads),
        "erp_people": world.customers.customer_id.isin(billed).sum(),
    })
    assert "leads" in messages["customers_only"]


def _profile(world, channels=None, systems=None, every_table=False):
    days = (world.observed_until.normalize() - world.customers.signup_date.min().normalize()).days + 1
    tables = world.tables if every_table else {name: world.tables[name] for name in office_tables("front")}
    return pd.Series({
        "customers": len(world.customers), "users": len(world.staff),
        "channels": channels or world.interactions.channel.value_counts().gt(0).sum(),
        "source_systems": systems or world.source_records.source_system.value_counts().gt(0).sum(),
        "records_per_day": sum(len(t) for t in tables.values()) / days,
    })


def test_crm_profile(lesson, world):
    assert_mistakes(lesson, "crm_profile", _profile(world), {
        "empty_channels": _profile(world, channels=len(world.interactions.channel.cat.categories)),
        "empty_systems": _profile(world, systems=len(world.source_records.source_system.cat.categories)),
        "every_table": _profile(world, every_table=True),
    })


def test_product_class(lesson, world):
    classes = ck.analytics.crm_selection.product_classes().drop(columns="name")
    profile = _profile(world)
    fits = [key for key, limits in classes.iterrows() if all(pd.isna(limits[d]) or profile[d] <= limits[d] for d in profile.index)]
    by_size = [key for key, limits in classes.iterrows() if pd.isna(limits.customers) or profile.customers <= limits.customers]
    assert_mistakes(lesson, "product_class", fits[0], {"size_only": by_size[0]})
    assert not lesson.check("product_class", "spreadsheet_and_email").correct


def test_rollout_stages(lesson, world):
    counts = world.source_records.source_system.value_counts()
    largest_first = counts[counts > 0]
    stages = lambda order: pd.Series(range(1, len(order) + 1), index=list(order))
    missing = world.source_records.groupby("source_system", observed=True).email.apply(lambda e: e.isna().mean())
    messages = assert_mistakes(lesson, "rollout_stages", stages(largest_first.index), {
        "smallest_first": stages(largest_first.sort_values().index),
        "by_missing_email": stages(missing.sort_values(ascending=False).index),
        "empty_system": stages(counts.index),
    })
    assert "no stage" in messages["empty_system"]
