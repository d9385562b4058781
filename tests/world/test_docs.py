"""The committed data dictionary page is a fresh rendering of the dictionary and vocabulary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmkit.world.dictionary import observed_tables, truth_tables
from crmkit.world.docs import data_dictionary_markdown
from crmkit.world.vocabulary import vocabulary

PAGE = Path(__file__).resolve().parents[2] / "docs" / "data_dictionary.md"
TABLES = [*observed_tables().values(), *truth_tables().values()]


@pytest.fixture(scope="module")
def page() -> str:
    return data_dictionary_markdown()


def _section(page: str, table) -> str:
    name = f"truth/{table.name}" if table.is_truth else table.name
    match = re.search(rf"^### `{re.escape(name)}`\n(.*?)(?=^#|\Z)", page, flags=re.M | re.S)
    assert match, f"no section for table {name!r}"
    return match.group(1)


def test_the_committed_page_is_up_to_date(page):
    assert PAGE.is_file(), "docs/data_dictionary.md is missing: run `make docs`"
    assert PAGE.read_text(encoding="utf-8") == page, "docs/data_dictionary.md is out of date: run `make docs`"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: f"{'truth/' if t.is_truth else ''}{t.name}")
def test_every_column_of_every_table_has_a_row(page, table):
    section = _section(page, table)
    rows = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
    assert rows == table.column_names
    assert table.description in section


def test_every_vocabulary_list_is_listed_in_order(page):
    for name, values in vocabulary().items():
        assert f"| `{name}` | {', '.join(f'`{v}`' for v in values)} |" in page


def test_keys_and_references_are_shown(page):
    customers = _section(page, observed_tables()["customers"])
    assert "| `customer_id` | id |  |  | primary key |" in customers
    orders = _section(page, observed_tables()["orders"])
    assert "references `customers.customer_id`" in orders


def test_every_column_type_is_explained():
    from crmkit.world.docs import TYPES

    used = {c.type for table in TABLES for c in table.columns}
    assert used <= set(TYPES), f"explain these types in crmkit/world/docs.py TYPES: {sorted(used - set(TYPES))}"
