"""A world made on a Dask cluster is the world one process makes: every table hashes the same,
every Parquet part holds the same bytes; a bad client or scheduler is refused before writing."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world import dask_blocks
from crmkit.world.block import BLOCK_SIZE
from crmkit.world.stream import generate

distributed = pytest.importorskip("distributed")

CUSTOMERS = BLOCK_SIZE + 700  # two blocks, the second one cut


@pytest.fixture(scope="module")
def client():
    # In this process (no worker processes to start): the tasks still go through the
    # scheduler, are pickled and run on the cluster's worker threads.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def one_worker():
    return ck.simulate("pschse", customers=CUSTOMERS, seed=21, progress=False)


def _hashes(tables: dict) -> dict[str, int]:
    return {name: int(pd.util.hash_pandas_object(df, index=False).sum()) for name, df in tables.items()}


def test_simulate_on_a_cluster_gives_the_same_tables_as_one_worker(client, one_worker):
    on_dask = ck.simulate("pschse", customers=CUSTOMERS, seed=21, progress=False, client=client)
    assert _hashes(on_dask.tables) == _hashes(one_worker.tables)
    assert _hashes(dict(on_dask.truth)) == _hashes(dict(one_worker.truth))


def test_generate_on_a_cluster_writes_the_same_parquet_bytes_as_one_worker(client, tmp_path):
    local = generate("pschse", out=tmp_path / "local", customers=CUSTOMERS, seed=21, progress=False)
    on_dask = generate("pschse", out=tmp_path / "dask", customers=CUSTOMERS, seed=21, progress=False, client=client)
    ours, theirs = (json.loads((p / "manifest.json").read_text()) for p in (local, on_dask))
    assert ours["checksums"] == theirs["checksums"] and ours["truth_checksums"] == theirs["truth_checksums"]
    assert sorted(p.name for p in (on_dask / "orders").iterdir()) == ["part-00001.parquet", "part-00002.parquet"]


def test_generate_on_a_cluster_into_duckdb_loads_as_the_same_world(client, tmp_path, one_worker):
    path = generate("pschse", out=tmp_path / "w", customers=CUSTOMERS, seed=21, format="duckdb", progress=False,
                    client=client)
    back = ck.load_world(path)
    assert _hashes(back.tables) == _hashes(one_worker.tables)


HOSTILE = [  # the arguments, the error, words the one-line message must hold
    (dict(client="tcp://127.0.0.1:8786"), ConfigError, ["client = 'tcp://127.0.0.1:8786'", "Client"]),
    (dict(scheduler="tcp://127.0.0.1:9"), ConfigError, ["scheduler = 'tcp://127.0.0.1:9'", "no Dask scheduler"]),
    (dict(scheduler="tcp://127.0.0.1:9", client=object()), ConfigError, ["give one of them, not both"]),
]


@pytest.mark.parametrize("kwargs, error, words", HOSTILE)
def test_a_bad_client_or_scheduler_is_refused_and_leaves_nothing(tmp_path, monkeypatch, kwargs, error, words):
    monkeypatch.setattr(dask_blocks, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(error) as caught:
        generate("pschse", out=tmp_path / "w", customers=300, seed=1, progress=False, **kwargs)
    assert all(word in str(caught.value) for word in words) and "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_block_on_the_cluster_leaves_nothing_behind(client, tmp_path, monkeypatch):
    from crmkit.world import stream

    def broken(config, index, entropy, folder, include_truth, shared):
        raise RuntimeError(f"block {index} failed")

    monkeypatch.setattr(stream, "parquet_block", broken)
    with pytest.raises(RuntimeError, match="block 0 failed"):
        generate("pschse", out=tmp_path / "w", customers=CUSTOMERS, seed=21, progress=False, client=client)
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_runs_on_a_scheduler_and_refuses_a_dead_one_in_one_line(client, tmp_path, capsys, monkeypatch):
    from crmkit.cli import main

    monkeypatch.setattr(dask_blocks, "CONNECT_TIMEOUT", "1s")
    address = client.scheduler.address
    assert main(["generate", "pschse", "--customers", "300", "--seed", "3", "--quiet", "--out", str(tmp_path / "w"),
                 "--scheduler", address]) == 0
    assert len(ck.load_world(tmp_path / "w").customers) == 300
    assert main(["generate", "pschse", "--customers", "300", "--quiet", "--out", str(tmp_path / "v"),
                 "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "scheduler = 'tcp://127.0.0.1:9'" in err[0] and not (tmp_path / "v").exists()
