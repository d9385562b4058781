"""Saving and loading: equal tables in every format, a real relational store, clear refusals."""

import sqlite3

import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import DataError
from crmkit.world import store


@pytest.fixture(scope="module")
def small():
    return ck.simulate("pschse", customers=600, seed=8)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite", "duckdb"])
def test_round_trip_keeps_values_and_types(tmp_path, small, fmt):
    back = ck.load_world(small.save(tmp_path / "w", format=fmt))
    assert back.config == small.config
    for name in small.tables:
        pd.testing.assert_frame_equal(back.tables[name], small.tables[name], obj=name)
    for name in small.truth:
        pd.testing.assert_frame_equal(back.truth[name], small.truth[name], obj=f"truth.{name}")


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite", "duckdb"])
def test_truth_can_be_withheld(tmp_path, small, fmt):
    back = ck.load_world(small.save(tmp_path / "w", format=fmt, include_truth=False))
    assert len(back.truth) == 0 and len(back.customers) == 600


def test_sqlite_parquet_contents_equal_in_two_runs(tmp_path):
    for run in ("a", "b"):
        ck.simulate("retailer", customers=200, seed=1).save(tmp_path / f"{run}.db", format="sqlite")
    dumps = []
    for run in ("a", "b"):
        con = sqlite3.connect(tmp_path / f"{run}.db")
        dumps.append(list(con.iterdump()))
        con.close()
    assert dumps[0] == dumps[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory, small):
    path = small.save(tmp_path_factory.mktemp("db") / "store.db", format="sqlite")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    yield con
    con.close()


# The columns every order has a value for (the nullable opportunity_id and site_id are left empty).
ORDER_COLUMNS = "(order_id, customer_id, ordered_at, channel, campaign_id, item_count, gross_amount, discount_amount, net_amount, service_issue)"


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO orders " + ORDER_COLUMNS + " VALUES (999999, 99999999, '2024-01-01 00:00:00', 'web', NULL, 1, 10, 0, 10, 'none')",  # unknown customer
        "INSERT INTO orders " + ORDER_COLUMNS + " VALUES (999999, 1, '2024-01-01 00:00:00', 'carrier pigeon', NULL, 1, 10, 0, 10, 'none')",  # not in vocabulary
        "INSERT INTO orders " + ORDER_COLUMNS + " VALUES (999999, 1, '2024-01-01 00:00:00', 'web', NULL, 1, 10, 0, -10, 'none')",  # negative amount
        "INSERT INTO orders SELECT * FROM orders LIMIT 1",  # duplicate key
        "UPDATE customers SET email_opt_in = 7 WHERE customer_id = 1",  # not a boolean
    ],
)
def test_the_database_guards_the_contract(db, statement):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(statement)


def test_schema_has_foreign_keys(db):
    refs = db.execute("PRAGMA foreign_key_list(order_items)").fetchall()
    assert {(r[2], r[3]) for r in refs} == {("orders", "order_id"), ("products", "product_id")}


def test_a_missing_column_is_named(tmp_path, small):
    path = small.save(tmp_path / "w", format="csv")
    orders = pd.read_csv(path / "orders.csv").drop(columns="net_amount")
    orders.to_csv(path / "orders.csv", index=False)
    with pytest.raises(DataError, match="table 'orders' lacks column 'net_amount'"):
        ck.load_world(path)


def test_a_mistyped_column_is_named(tmp_path, small):
    path = small.save(tmp_path / "w", format="csv")
    orders = pd.read_csv(path / "orders.csv")
    orders["item_count"] = "several"
    orders.to_csv(path / "orders.csv", index=False)
    with pytest.raises(DataError, match=r"orders.csv: column orders.item_count cannot be read as int"):
        ck.load_world(path)


def test_an_unknown_category_is_named(tmp_path, small):
    path = small.save(tmp_path / "w", format="parquet")
    part = next((path / "orders").glob("*.parquet"))
    orders = pd.read_parquet(part)
    orders["channel"] = orders["channel"].astype(str).replace({"web": "telegraph"})
    orders.to_parquet(part)
    with pytest.raises(DataError, match="column 'channel' has value 'telegraph', not in vocabulary 'order_channel'"):
        ck.load_world(path)


def test_missing_table_and_not_a_world(tmp_path, small):
    path = small.save(tmp_path / "w", format="csv")
    (path / "loyalty_ledger.csv").unlink()
    with pytest.raises(DataError, match="table 'loyalty_ledger' is missing"):
        ck.load_world(path)
    with pytest.raises(DataError, match="no saved world here"):
        ck.load_world(tmp_path)


def test_unknown_format_is_refused(tmp_path, small):
    with pytest.raises(DataError, match="format = 'xlsx': one of 'csv', 'parquet', 'sqlite', 'duckdb'"):
        small.save(tmp_path / "w", format="xlsx")


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite", "duckdb"])
def test_a_failed_save_leaves_the_old_world_whole(tmp_path, small, fmt, monkeypatch):
    target = small.save(tmp_path / "w", format=fmt)
    before = sorted(p.name for p in tmp_path.iterdir())

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.WorldWriter, "finish", explode)
    bigger = ck.simulate("pschse", customers=700, seed=8)
    with pytest.raises(RuntimeError, match="disk full"):
        bigger.save(target, format=fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary leftovers
    assert len(ck.load_world(target).customers) == 600


def test_a_store_with_a_key_pointing_at_nothing_is_refused_and_not_left_behind(tmp_path, small):
    orders = small.orders.copy()
    orders.loc[0, "customer_id"] = 99_999_999
    broken = ck.World(small.config, {**small.tables, "orders": orders}, dict(small.truth))
    # The writer checks every block's keys before writing it (the database checks them again).
    message = r"store.db \(part 0\): table 'orders' column 'customer_id' has 99999999, which is not a customer_id"
    with pytest.raises(DataError, match=message):
        broken.save(tmp_path / "store.db", format="sqlite")
    assert list(tmp_path.iterdir()) == []


def _dangling_order(small) -> ck.World:
    orders = small.orders.copy()
    orders.loc[0, "customer_id"] = 99_999_999
    return ck.World(small.config, {**small.tables, "orders": orders}, dict(small.truth))


def test_sqlite_checks_keys_again_when_the_writer_check_is_bypassed(tmp_path, small, monkeypatch):
    monkeypatch.setattr(store, "check_keys", lambda *args, **kwargs: None)
    broken = _dangling_order(small)
    message = rf"store.db: 1 rows point at nothing \(orders order_id {broken.orders.loc[0, 'order_id']}: customer_id"
    with pytest.raises(DataError, match=message):
        broken.save(tmp_path / "store.db", format="sqlite")
    assert list(tmp_path.iterdir()) == []


def test_a_duckdb_world_written_past_the_writer_check_is_refused_on_loading(tmp_path, small, monkeypatch):
    # DuckDB declares no keys: the writer's check is the one on saving, loading checks again.
    with monkeypatch.context() as patched:
        patched.setattr(store, "check_keys", lambda *args, **kwargs: None)
        path = _dangling_order(small).save(tmp_path / "w", format="duckdb")
    with pytest.raises(DataError, match=r"w.duckdb: table 'orders' column 'customer_id' has 99999999, which is not"):
        ck.load_world(path)


def test_a_duckdb_save_refuses_a_key_pointing_at_nothing_and_leaves_nothing(tmp_path, small):
    with pytest.raises(DataError, match=r"w.duckdb \(part 0\): table 'orders' column 'customer_id' has 99999999"):
        _dangling_order(small).save(tmp_path / "w", format="duckdb")
    assert list(tmp_path.iterdir()) == []


def test_the_duckdb_world_is_a_warehouse_of_typed_tables(tmp_path, small):
    import duckdb

    path = small.save(tmp_path / "w", format="duckdb", include_truth=False)
    assert path.name == "w.duckdb" and not (tmp_path / "w.truth.duckdb").exists()
    con = duckdb.connect(str(path), read_only=True)
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'orders'").fetchall())
    revenue = con.execute("SELECT round(sum(net_amount), 2) FROM orders").fetchone()[0]
    con.close()
    assert types["ordered_at"] == "TIMESTAMP" and types["net_amount"] == "DOUBLE"
    assert revenue == pytest.approx(small.orders["net_amount"].sum())


def test_the_command_line_writes_a_duckdb_world(tmp_path):
    from crmkit.cli import main

    assert main(["generate", "retailer", "--customers", "150", "--seed", "2", "--format", "duckdb", "--quiet",
                 "--out", str(tmp_path / "w")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.truth.duckdb"]
    world = ck.load_world(tmp_path / "w")
    assert len(world.customers) == 150 and len(world.truth.customers) == 150


@pytest.mark.parametrize("fmt", ["parquet", "duckdb"])
def test_the_observed_tables_alone_can_be_read(tmp_path, small, fmt):
    from crmkit.world.loading import read_world

    config, tables, truth = read_world(small.save(tmp_path / "w", format=fmt), truth=False)
    assert truth == {} and config == small.config
    pd.testing.assert_frame_equal(tables["orders"], small.orders)

