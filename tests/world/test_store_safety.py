"""Saving never destroys what the kit did not write, and a truth always belongs to its world."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
import yaml

import crmkit as ck
from crmkit.errors import DataError


@pytest.fixture(scope="module")
def small():
    return ck.simulate("retailer", customers=300, seed=4)


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _users_folder(tmp_path):
    folder = tmp_path / "Documents"
    (folder / "chapters").mkdir(parents=True)
    (folder / "thesis.txt").write_text("three years of work")
    (folder / "chapters" / "one.md").write_text("# One")
    return folder


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_saving_over_a_folder_that_is_not_a_world_is_refused_and_touches_nothing(tmp_path, small, fmt):
    folder = _users_folder(tmp_path)
    before = _tree(tmp_path)
    with pytest.raises(DataError, match=r"Documents' is a folder that is not a crmkit world.*--overwrite"):
        small.save(folder, format=fmt)
    assert _tree(tmp_path) == before
    assert (folder / "thesis.txt").read_text() == "three years of work"


def test_the_command_line_refuses_in_one_line_and_keeps_the_files(tmp_path):
    folder = _users_folder(tmp_path)
    run = subprocess.run([sys.executable, "-m", "crmkit.cli", "generate", "retailer", "--customers", "50",
                          "--out", str(folder), "--quiet"], capture_output=True, text=True)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "--overwrite" in run.stderr and str(folder) in run.stderr
    assert (folder / "thesis.txt").is_file() and (folder / "chapters" / "one.md").is_file()


DATABASES = [("sqlite", ".db"), ("duckdb", ".duckdb")]


@pytest.mark.parametrize("fmt, suffix", DATABASES)
def test_a_database_file_the_kit_did_not_write_is_refused(tmp_path, small, fmt, suffix):
    notes = tmp_path / f"notes{suffix}"
    notes.write_bytes(b"my notes, not a database")
    with pytest.raises(DataError, match=f"notes{suffix}' is a file that is not a crmkit world database"):
        small.save(notes, format=fmt)
    assert notes.read_bytes() == b"my notes, not a database"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"notes{suffix}"]


def test_a_duckdb_file_someone_else_made_is_refused_and_kept(tmp_path, small):
    import duckdb

    theirs = tmp_path / "sales.duckdb"
    con = duckdb.connect(str(theirs))
    con.execute("CREATE TABLE forecast AS SELECT 42 AS units")
    con.close()
    with pytest.raises(DataError, match="sales.duckdb' is a file that is not a crmkit world database"):
        small.save(theirs, format="duckdb")
    con = duckdb.connect(str(theirs), read_only=True)
    assert con.execute("SELECT units FROM forecast").fetchone() == (42,)
    con.close()


def test_overwrite_replaces_on_purpose_and_an_empty_folder_or_a_world_needs_no_permission(tmp_path, small):
    folder = _users_folder(tmp_path)
    small.save(folder, format="csv", overwrite=True)
    assert not (folder / "thesis.txt").exists() and len(ck.load_world(folder).customers) == 300
    small.save(folder, format="csv")  # now a world the kit wrote: replaced without asking
    (tmp_path / "empty").mkdir()
    assert len(ck.load_world(small.save(tmp_path / "empty", format="parquet")).customers) == 300


def test_a_file_where_a_folder_is_wanted_is_refused(tmp_path, small):
    file = tmp_path / "world"
    file.write_text("keep me")
    with pytest.raises(DataError, match="is a file; a csv world is a folder"):
        small.save(file, format="csv", overwrite=True)
    assert file.read_text() == "keep me"


@pytest.mark.parametrize("fmt, suffix", DATABASES)
def test_a_hand_out_without_truth_replaces_the_stale_truth_database(tmp_path, small, fmt, suffix):
    small.save(tmp_path / f"w{suffix}", format=fmt)
    assert (tmp_path / f"w.truth{suffix}").is_file()
    ck.simulate("retailer", customers=200, seed=5).save(tmp_path / f"w{suffix}", format=fmt, include_truth=False)
    assert not (tmp_path / f"w.truth{suffix}").exists()
    back = ck.load_world(tmp_path / f"w{suffix}")
    assert len(back.customers) == 200 and len(back.truth) == 0


@pytest.mark.parametrize("fmt, suffix", DATABASES)
def test_a_truth_from_another_world_is_refused(tmp_path, small, fmt, suffix):
    """What a kill between the two renames would leave: a new world beside an old truth."""
    small.save(tmp_path / f"old{suffix}", format=fmt)
    ck.simulate("retailer", customers=400, seed=4).save(tmp_path / f"new{suffix}", format=fmt)
    os.replace(tmp_path / f"old.truth{suffix}", tmp_path / f"new.truth{suffix}")
    with pytest.raises(DataError, match=f"new.truth{suffix}: this truth belongs to another world"):
        ck.load_world(tmp_path / f"new{suffix}")


@pytest.mark.parametrize("fmt, suffix", DATABASES)
def test_a_world_saved_as_x_db_loads_as_x(tmp_path, small, fmt, suffix):
    small.save(tmp_path / "x", format=fmt)
    assert (tmp_path / f"x{suffix}").is_file()
    assert len(ck.load_world(tmp_path / "x").customers) == 300


def test_a_killed_duckdb_save_leaves_its_log_and_file_which_the_next_save_sweeps(tmp_path, small):
    dead = [tmp_path / f".w.duckdb.tmp-{2**22 + 12345}{end}" for end in ("", ".wal")]
    for file in dead:
        file.write_bytes(b"half a database")
    small.save(tmp_path / "w.duckdb", format="duckdb")
    assert not any(file.exists() for file in dead)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.truth.duckdb"]


@pytest.mark.parametrize("fmt", ["csv", "sqlite"])
def test_leftovers_of_a_killed_save_are_swept_but_a_live_one_is_kept(tmp_path, small, fmt):
    name = "w.db" if fmt == "sqlite" else "w"
    dead = tmp_path / f".{name}.tmp-{2**22 + 12345}"  # above the kernel's largest pid: no such process
    dead.mkdir()
    (dead / "customers.csv").write_text("half a table")
    live = tmp_path / f".{name}.tmp-1"  # pid 1 is always running
    live.mkdir()
    small.save(tmp_path / name, format=fmt)
    assert not dead.exists() and live.exists()


def test_truth_is_for_the_owner_only_and_a_hand_out_is_not(tmp_path, small):
    folder = small.save(tmp_path / "w", format="csv")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "truth" / "customers.csv").stat().st_mode & 0o777 == 0o600
    db = small.save(tmp_path / "w.db", format="sqlite")
    assert db.stat().st_mode & 0o077 == 0 and (tmp_path / "w.truth.db").stat().st_mode & 0o077 == 0
    duck = small.save(tmp_path / "w.duckdb", format="duckdb")
    assert duck.stat().st_mode & 0o077 == 0 and (tmp_path / "w.truth.duckdb").stat().st_mode & 0o077 == 0
    handout = small.save(tmp_path / "handout", format="csv", include_truth=False)
    assert handout.stat().st_mode & 0o055 == 0o055  # readable by the class


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite", "duckdb"])
def test_a_hand_out_carries_no_seed(tmp_path, fmt):
    import duckdb

    world = ck.simulate("retailer", customers=120, seed=424242)
    path = world.save(tmp_path / "handout", format=fmt, include_truth=False)
    if fmt in ("sqlite", "duckdb"):
        con = sqlite3.connect(path) if fmt == "sqlite" else duckdb.connect(str(path), read_only=True)
        meta = dict(con.execute("SELECT key, value FROM _crmkit").fetchall())
        con.close()
        config, manifest = yaml.safe_load(meta["config"]), json.loads(meta["manifest"])
        text = meta["config"] + meta["manifest"]
    else:
        config = yaml.safe_load((path / "world.yaml").read_text())
        manifest = json.loads((path / "manifest.json").read_text())
        text = "".join(p.read_text() for p in path.iterdir() if p.suffix in (".yaml", ".json"))
    assert "seed" not in config and "seed" not in manifest and "world_id" not in manifest
    assert "424242" not in text
    assert ck.load_world(path).config.seed != 424242


def test_the_command_line_replaces_a_folder_with_overwrite(tmp_path):
    from crmkit.cli import main

    folder = _users_folder(tmp_path)
    assert main(["generate", "retailer", "--customers", "50", "--format", "csv", "--out", str(folder),
                 "--quiet", "--overwrite"]) == 0
    assert not (folder / "thesis.txt").exists() and len(ck.load_world(folder).customers) == 50
