"""Loading refuses a broken world with one clear DataError, never a raw library error."""

import json
import shutil
import sqlite3

import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import DataError
from crmkit.world import integrity
from crmkit.world.dictionary import observed_tables


@pytest.fixture(scope="module")
def world():
    return ck.simulate("retailer", customers=300, seed=6)


@pytest.fixture(scope="module")
def saved(tmp_path_factory, world):
    base = tmp_path_factory.mktemp("saved")
    return {fmt: world.save(base / f"w.{fmt}" if fmt != "sqlite" else base / "w.db", format=fmt)
            for fmt in ("csv", "parquet", "sqlite", "duckdb")}


def _cut_half(path):
    lines = (path / "orders.csv").read_text().splitlines(keepends=True)
    (path / "orders.csv").write_text("".join(lines[: len(lines) // 2]))


def _customers_99(path):
    lines = (path / "customers.csv").read_text().splitlines(keepends=True)
    (path / "customers.csv").write_text("".join(lines[:100]))


def _duplicate_key(path):
    orders = pd.read_csv(path / "orders.csv", dtype=str, keep_default_na=False)
    orders.loc[1, "order_id"] = orders.loc[0, "order_id"]
    orders.to_csv(path / "orders.csv", index=False)


def _second_part(path):
    part = sorted((path / "orders").iterdir())[-1]
    shutil.copy(part, part.with_name("part-09999.parquet"))


def _stray_file(path):
    (path / "orders" / "notes.txt").write_text("hello")


def _truncated_part(path):
    part = sorted((path / "orders").iterdir())[-1]
    part.write_bytes(part.read_bytes()[:100])


def _more_customers_in_config(path):
    text = (path / "world.yaml").read_text().replace("customers: 300", "customers: 99999")
    (path / "world.yaml").write_text(text)


def _empty_csv(path):
    (path / "products.csv").write_bytes(b"")


def _binary_csv(path):
    (path / "products.csv").write_bytes(bytes(range(128, 256)) * 8)


def _damaged_manifest(path):
    (path / "manifest.json").write_text("{not json")


def _sql(statements):
    def damage(path):
        con = sqlite3.connect(path)
        for statement in statements:
            con.execute(statement)
        con.commit()
        con.close()
    return damage


def _duck(statements):
    def damage(path):
        import duckdb

        con = duckdb.connect(str(path))
        for statement in statements:
            con.execute(statement)
        con.close()
    return damage


def _damaged_truth_duckdb(path):
    path.with_suffix(".truth.duckdb").write_bytes(b"\0" * 8 + b"DUCK" + b"\x07" * 5000)


def _damaged_truth_db(path):
    path.with_suffix(".truth.db").write_bytes(b"SQLite format 3\0" + b"\x07" * 500)


def _dangling_and_manifest_fixed(path):
    con = sqlite3.connect(path)
    con.execute("DELETE FROM customers WHERE customer_id = (SELECT customer_id FROM orders LIMIT 1)")
    manifest = json.loads(con.execute("SELECT value FROM _crmkit WHERE key = 'manifest'").fetchone()[0])
    manifest["rows"]["customers"] -= 1
    con.execute("UPDATE _crmkit SET value = ? WHERE key = 'manifest'", (json.dumps(manifest),))
    con.commit()
    con.close()


BROKEN = [  # format, how it is broken, words the one-line message must hold
    ("csv", _cut_half, r"orders.csv: table 'orders' has [\d,]+ rows but the manifest says"),
    ("csv", _customers_99, r"table 'customers' has 99 rows but the manifest says 300"),
    ("csv", _duplicate_key, r"table 'orders' was changed after it was saved"),
    ("parquet", _second_part, r"table 'orders' has [\d,]+ rows but the manifest says"),
    ("parquet", _stray_file, r"stray file 'notes.txt' in table 'orders'"),
    ("parquet", _truncated_part, r"table 'orders' cannot be read \(Arrow"),
    ("csv", _more_customers_in_config, r"world.yaml says customers = 99,999 but the customers table has 300"),
    ("csv", _empty_csv, r"products.csv: table 'products' cannot be read \(EmptyDataError"),
    ("csv", _binary_csv, r"products.csv: table 'products' cannot be read \(UnicodeDecodeError"),
    ("csv", _damaged_manifest, r"manifest.json: not a readable crmkit manifest"),
    ("sqlite", _sql(["DELETE FROM orders WHERE rowid % 2 = 0"]), r"table 'orders' has [\d,]+ rows but the manifest"),
    ("sqlite", _sql(["UPDATE _crmkit SET value = '{{{' WHERE key = 'manifest'"]), r"not a crmkit world database"),
    ("sqlite", _sql(["DELETE FROM _crmkit WHERE key = 'config'"]), r"not a crmkit world database \(KeyError"),
    ("sqlite", _sql(["DROP TABLE refunds"]), r"w.db:refunds: table 'refunds' cannot be read"),
    ("sqlite", _damaged_truth_db, r"w.truth.db: not a crmkit world database"),
    ("sqlite", _dangling_and_manifest_fixed, r"table 'orders' column 'customer_id' has \d+, which is not a customer_id"),
    ("duckdb", _duck(["DELETE FROM orders WHERE order_id % 2 = 0"]), r"table 'orders' has [\d,]+ rows but the manifest"),
    ("duckdb", _duck(["UPDATE _crmkit SET value = '{{{' WHERE key = 'manifest'"]), r"not a crmkit world database"),
    ("duckdb", _duck(["DELETE FROM _crmkit WHERE key = 'config'"]), r"not a crmkit world database \(KeyError"),
    ("duckdb", _duck(["DROP TABLE refunds"]), r"w.duckdb:refunds: table 'refunds' cannot be read"),
    ("duckdb", _duck(["UPDATE orders SET channel = 'telegraph'"]), r"w.duckdb:orders.*'telegraph', not in vocabulary"),
    ("duckdb", _damaged_truth_duckdb, r"w.truth.duckdb: cannot open the database"),
]


@pytest.mark.parametrize("fmt, damage, message", BROKEN, ids=[f"{f}-{d.__name__}" for f, d, _ in BROKEN])
def test_a_broken_world_is_refused_with_one_line(tmp_path, saved, fmt, damage, message):
    original = saved[fmt]
    if fmt in ("sqlite", "duckdb"):
        path = tmp_path / original.name
        shutil.copy(original, path)
        truth = ".truth" + original.suffix
        shutil.copy(original.with_suffix(truth), path.with_suffix(truth))
    else:
        path = shutil.copytree(original, tmp_path / "w")
    ck.load_world(path)  # whole before the damage
    damage(path)
    with pytest.raises(DataError, match=message) as caught:
        ck.load_world(path)
    assert "\n" not in str(caught.value)


def test_a_repeated_primary_key_is_named():
    orders = pd.DataFrame({"order_id": [1, 2, 2]})
    spec = observed_tables()["orders"]
    with pytest.raises(DataError, match="table 'orders' repeats primary key order_id = 2"):
        integrity.check_primary_key(orders, spec, "w")


def test_verify_false_reads_an_edited_world(tmp_path, saved):
    path = shutil.copytree(saved["csv"], tmp_path / "w")
    _duplicate_key(path)
    assert len(ck.load_world(path, verify=False).orders) == len(ck.load_world(saved["csv"]).orders)


def test_a_truth_folder_the_manifest_does_not_know_is_refused(tmp_path, world, saved):
    handout = world.save(tmp_path / "handout", format="csv", include_truth=False)
    shutil.copytree(saved["csv"] / "truth", handout / "truth")
    with pytest.raises(DataError, match="this truth folder belongs to another one"):
        ck.load_world(handout)


def _point_an_order_at_nobody(path, fmt):
    """Edit one order's customer and re-seal the manifest's checksum, as a tool that knew the
    kit's checksums might: only the foreign-key check can then find the damage."""
    manifest = json.loads((path / "manifest.json").read_text())
    if fmt == "csv":
        orders = pd.read_csv(path / "orders.csv", dtype=str, keep_default_na=False)
        orders.loc[0, "customer_id"] = "99999999"
        orders.to_csv(path / "orders.csv", index=False, lineterminator="\n")
        files = [path / "orders.csv"]
    else:
        part = sorted((path / "orders").iterdir())[-1]
        orders = pd.read_parquet(part)
        orders.loc[0, "customer_id"] = 99_999_999
        orders.to_parquet(part, index=False)
        files = sorted((path / "orders").iterdir())
    manifest["checksums"]["orders"] = integrity.files_digest(files)
    return manifest


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_foreign_keys_are_looked_up_unless_the_writer_sealed_them(tmp_path, saved, fmt):
    path = shutil.copytree(saved[fmt], tmp_path / "w")
    assert json.loads((path / "manifest.json").read_text())["keys_checked"] is True
    manifest = _point_an_order_at_nobody(path, fmt)
    manifest.pop("keys_checked")  # as in a world saved before the writer checked keys
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match=r"table 'orders' column 'customer_id' has 99999999, which is not a "
                                        r"customer_id of table 'customers'"):
        ck.load_world(path)


def test_a_sealed_world_with_an_edited_file_is_refused_by_its_checksum(tmp_path, saved):
    path = shutil.copytree(saved["parquet"], tmp_path / "w")
    _point_an_order_at_nobody(path, "parquet")  # the manifest is left as the kit wrote it
    with pytest.raises(DataError, match="table 'orders' was changed after it was saved"):
        ck.load_world(path)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_generate_checks_each_block_s_keys_before_writing_it(tmp_path, monkeypatch, fmt):
    from crmkit.world import stream

    def block_with_a_dangling_order(config, index, entropy):
        frames = real_block(config, index, entropy)
        orders = frames["orders"].copy()
        orders.loc[0, "customer_id"] = 99_999_999
        return {**frames, "orders": orders}

    real_block = stream.world_block
    monkeypatch.setattr(stream, "world_block", block_with_a_dangling_order)
    with pytest.raises(DataError, match=r"\(part 1\): table 'orders' column 'customer_id' has 99999999"):
        stream.generate("retailer", out=tmp_path / "w", customers=200, seed=3, format=fmt, progress=False)
    assert list(tmp_path.iterdir()) == []
