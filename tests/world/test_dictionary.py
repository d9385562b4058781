"""The data dictionary and vocabulary drive types, checks and the SQL schema."""

import numpy as np
import pandas as pd
import pytest

from crmkit._random import as_generator, child_generator, master_entropy
from crmkit.errors import ConfigError, DataError
from crmkit.world.dictionary import conform, observed_tables, table_spec, truth_tables
from crmkit.world.sqlite import insertion_order
from crmkit.world.vocabulary import terms, vocabulary


def test_every_categorical_column_names_a_vocabulary():
    for table in [*observed_tables().values(), *truth_tables().values()]:
        for column in table.columns:
            if column.type == "category":
                assert column.vocabulary in vocabulary(), f"{table.name}.{column.name}"


def test_every_reference_points_at_a_primary_key():
    tables = observed_tables()
    for table in [*tables.values(), *truth_tables().values()]:
        for column in table.columns:
            if column.references:
                target, key = column.references.split(".")
                assert tables[target].primary_key == key, f"{table.name}.{column.name}"


def test_referenced_tables_are_inserted_first():
    order = insertion_order(observed_tables())
    assert order.index("customers") < order.index("orders") < order.index("order_items")
    assert order.index("campaigns") < order.index("customers")


def test_conform_types_and_orders_columns():
    spec = table_spec("products")
    raw = pd.DataFrame({
        "launched_on": ["2024-01-01"], "unit_cost": ["2.5"], "list_price": [9], "category": ["x"],
        "name": ["Box"], "sku": ["B-1"], "product_id": [1], "subcategory": ["y"], "brand": ["own"],
    })
    out = conform(raw, spec)
    assert list(out.columns) == spec.column_names
    assert out.dtypes["launched_on"] == "datetime64[s]" and out.dtypes["unit_cost"] == "float64"


def test_conform_refuses_extra_columns():
    with pytest.raises(DataError, match="unexpected column 'colour'"):
        conform(pd.DataFrame({"colour": [1]}).assign(**{c: [1] for c in table_spec("products").column_names}), table_spec("products"))


def test_unknown_table():
    with pytest.raises(DataError, match="unknown table 'prospects'"):
        table_spec("prospects")


def test_vocabulary_lists_the_touchpoints_the_course_names():
    for channel in ("web", "point_of_sale", "call_centre", "product_registration", "home_sales_event", "email"):
        assert channel in terms("channel")


def test_seeds_normalise_in_one_place():
    assert master_entropy(5) == 5
    rng = np.random.default_rng(1)
    assert as_generator(rng) is rng
    with pytest.raises(ValueError, match=r"seed = -1: must be an int from 0 to 2\*\*63-1"):  # a ConfigError
        master_entropy(-1)
    with pytest.raises(ConfigError, match="seed = 1.5: must be an int .* or a numpy.random.Generator"):
        master_entropy(1.5)
    assert child_generator(1, 2, "x").random() != child_generator(1, 2, "y").random()
