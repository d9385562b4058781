"""The engine's contracts: deterministic, prefix-stable, independent of workers and chunking."""

import numpy as np
import pandas as pd
import pytest

import crmkit as ck
from crmkit.world.block import BLOCK_SIZE
from crmkit.world.dictionary import table_spec


def assert_worlds_equal(a, b):
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], obj=name)
    for name in a.truth:
        pd.testing.assert_frame_equal(a.truth[name], b.truth[name], obj=f"truth.{name}")


def test_same_seed_same_world():
    assert_worlds_equal(ck.simulate("pschse", customers=700, seed=3), ck.simulate("pschse", customers=700, seed=3))


def test_other_seed_other_world():
    a = ck.simulate("pschse", customers=300, seed=3)
    b = ck.simulate("pschse", customers=300, seed=4)
    assert not a.orders["net_amount"].equals(b.orders["net_amount"])


def test_a_generator_seed_is_accepted_and_recorded():
    world = ck.simulate("pschse", customers=50, seed=np.random.default_rng(5))
    again = ck.simulate(world.config)  # the config records the seed the generator gave
    assert_worlds_equal(world, again)


def test_same_csv_bytes(tmp_path):
    for folder in ("a", "b"):
        ck.simulate("retailer", customers=400, seed=9).save(tmp_path / folder, format="csv")
    for file in sorted((tmp_path / "a").rglob("*.*")):
        twin = tmp_path / "b" / file.relative_to(tmp_path / "a")
        assert file.read_bytes() == twin.read_bytes(), file.name


@pytest.fixture(scope="module")
def two_block_world():
    return ck.simulate("pschse", customers=BLOCK_SIZE + 1500, seed=21, progress=False)


CORE = ("customers", "products", "campaigns", "campaign_members", "orders", "order_items", "interactions", "loyalty_ledger")
CORE_TRUTH = ("customers", "phases", "campaign_uplift", "anonymous_interactions", "service_issues")


def prefix(world, n):
    """The first ``n`` customers of ``world`` with all their rows, worked out by hand for the
    core tables (every other table is covered by the block-independence test below)."""
    tables = {}
    for name in CORE:
        df = world.tables[name]
        if name == "order_items":
            df = df[df.order_id.isin(tables["orders"].order_id)]
        elif name == "interactions":
            anon = world.truth.anonymous_interactions.set_index("interaction_id").customer_id
            df = df[df.customer_id.fillna(df.interaction_id.map(anon)) <= n]
        elif "customer_id" in df:
            df = df[df.customer_id <= n]
        tables[name] = df.reset_index(drop=True)
    truth = {}
    for name in CORE_TRUTH:
        df = world.truth[name]
        if "customer_id" in df:
            df = df[df.customer_id <= n]
        elif name == "campaign_uplift":
            df = df[df.member_id.isin(tables["campaign_members"].member_id)]
        else:
            df = df[df.order_id.isin(tables["orders"].order_id)]
        truth[name] = df.reset_index(drop=True)
    return tables, truth


@pytest.mark.parametrize("n", [1, 937, BLOCK_SIZE, BLOCK_SIZE + 600])
def test_prefix_stable(two_block_world, n):
    small = ck.simulate("pschse", customers=n, seed=21, progress=False)
    tables, truth = prefix(two_block_world, n)
    for name in CORE:
        pd.testing.assert_frame_equal(small.tables[name], tables[name], obj=name)
    for name in CORE_TRUTH:
        pd.testing.assert_frame_equal(small.truth[name], truth[name], obj=f"truth.{name}")


def test_a_block_never_depends_on_the_world_size():
    """Why every table is prefix-stable: block k is the same in a world of any size, and
    the engine keeps its first customers' rows (checked by hand for the core tables above)."""
    from crmkit.world.block import simulate_block
    from crmkit.world.cases import load_config

    small, large = (load_config("retailer", customers=n, seed=2) for n in (300, 3 * BLOCK_SIZE))
    a, b = simulate_block(small, 0, small.seed), simulate_block(large, 0, large.seed)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_truncation_keeps_exactly_the_first_customers_rows(two_block_world):
    """Every customer-scoped table with a customer_id keeps the rows of customers 1..n."""
    n = BLOCK_SIZE + 600
    small = ck.simulate("pschse", customers=n, seed=21, progress=False)
    from crmkit.world.dictionary import table_spec

    for name, df in small.tables.items():
        if "customer_id" in df and not table_spec(name).column("customer_id").nullable:
            big = two_block_world.tables[name]
            pd.testing.assert_frame_equal(df, big[big.customer_id <= n].reset_index(drop=True), obj=name)


def test_workers_do_not_change_the_world(two_block_world):
    assert_worlds_equal(two_block_world, ck.simulate("pschse", customers=BLOCK_SIZE + 1500, seed=21, workers=2, progress=False))


def test_streaming_equals_saving(tmp_path, two_block_world):
    from crmkit.world.stream import generate

    generate("pschse", out=tmp_path / "streamed", customers=BLOCK_SIZE + 1500, seed=21, format="csv", progress=False)
    two_block_world.save(tmp_path / "saved", format="csv")
    for file in sorted((tmp_path / "saved").rglob("*.*")):
        assert file.read_bytes() == (tmp_path / "streamed" / file.relative_to(tmp_path / "saved")).read_bytes(), file.name


def test_ids_are_unique_and_start_at_one(two_block_world):
    for name, df in two_block_world.tables.items():
        if name == "sites":  # pschse declares no sites: the table is empty by design
            assert df.empty
            continue
        if df.empty and table_spec(name).only_with:  # a part of the model the case may leave out
            continue
        key = df.columns[0]
        assert df[key].is_unique and df[key].min() == 1, name


def test_observed_tables_hold_nothing_after_the_window(world):
    end = world.observed_until + pd.Timedelta(days=1)
    assert world.orders.ordered_at.max() < end
    assert world.interactions.occurred_at.max() < end
    assert (world.truth.customers.holdout_orders > 0).any()  # the future exists, but only in the truth


def test_a_script_without_a_main_guard_gets_a_clear_message(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "script.py"  # workers import the script: unguarded, it would start workers again
    script.write_text(f"import crmkit as ck\nck.simulate('pschse', customers={2 * BLOCK_SIZE + 1}, seed=1, workers=2)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode != 0
    # Not necessarily the last line: multiprocessing's resource tracker may warn after it.
    error = [line for line in done.stderr.splitlines() if line.startswith("crmkit.errors.WorkerError")]
    assert error and error[0].startswith("crmkit.errors.WorkerError: workers = 2: a worker process ended abruptly")
    assert "if __name__ ==" in error[0]
