"""Hostile ``--out`` values (issue 19): one line naming ``--out``, the value and what is
allowed; nothing simulated, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crmkit.cli import main
from crmkit.errors import DataError
from crmkit.world.paths import check_output_path


@pytest.fixture
def locked(tmp_path, monkeypatch):
    """A folder this process may not create files in (for root, which may write anywhere,
    the permission check is told so: its answer is the only thing root would change)."""
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    if os.geteuid() == 0:
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: Path(p) != folder and real(p, mode, **kw))
    yield folder
    folder.chmod(0o755)


# (value or a function of the test's folder, format, words the message must hold)
HOSTILE = [
    ("/", "parquet", ["--out = '/'", "root folder", "allowed: a folder to create"]),
    ("/", "sqlite", ["--out = '/'", "root folder", "allowed: a .db file"]),
    (".", "csv", ["--out = '.'", "names no folder of its own", "allowed"]),
    ("./", "parquet", ["--out = './'", "names no folder"]),
    ("..", "sqlite", ["--out = '..'", "names no folder"]),
    ("", "parquet", ["--out = ''", "is empty"]),
    ("/dev/null/x", "parquet", ["--out = '/dev/null/x'", "/dev/null is a file, not a folder"]),
    ("/dev/null/x/y", "sqlite", ["/dev/null is a file, not a folder"]),
    (lambda d: f"{d}/w/..", "csv", ["w/..'", "names no folder of its own"]),
    (lambda d: str(d / "afile"), "csv", ["afile' is a file", "a csv world is a folder", "allowed"]),
    (lambda d: str(d / "afile"), "parquet", ["afile' is a file", "a parquet world is a folder"]),
    (lambda d: str(d / "afile" / "w"), "parquet", ["afile is a file, not a folder"]),
    (lambda d: str(d / "adir.db"), "sqlite", ["adir.db is a folder", "a sqlite world is a file"]),
    (lambda d: str(d / "adir"), "duckdb", ["adir.duckdb is a folder", "a duckdb world is a file", "a .duckdb file"]),
    (lambda d: str(d), "parquet", ["is the folder you are working in"]),
    (lambda d: str(d.parent), "csv", ["is the folder you are working in (or one above it)"]),
]


@pytest.fixture
def here(tmp_path, monkeypatch):
    """The working folder, holding a file and a folder named like a database."""
    (tmp_path / "afile").write_text("my thesis\n")
    (tmp_path / "adir.db").mkdir()
    (tmp_path / "adir.duckdb").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _contents(folder: Path) -> dict:
    return {p.relative_to(folder): p.stat().st_size for p in folder.rglob("*") if p.is_file()} | {
        p.relative_to(folder): "dir" for p in folder.rglob("*") if p.is_dir()}


@pytest.mark.parametrize(("value", "fmt", "words"), HOSTILE)
def test_a_hostile_out_is_refused_in_one_line(here, capsys, value, fmt, words):
    out = value(here) if callable(value) else value
    with pytest.raises(DataError) as refused:
        check_output_path(out, fmt, field="--out")
    assert "\n" not in str(refused.value) and all(w in str(refused.value) for w in words)
    before = _contents(here)
    assert main(["generate", "pschse", "--customers", "20", "--format", fmt, "--out", out, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmkit: error: --out = ") and err.count("\n") == 1 and "Traceback" not in err
    assert _contents(here) == before  # nothing written, nothing removed


@pytest.mark.parametrize("fmt", ["csv", "sqlite"])
def test_an_unwritable_parent_is_refused(locked, capsys, fmt):
    with pytest.raises(DataError, match=r"--out = '.*locked/w': no permission to create files in .*locked"):
        check_output_path(locked / "w", fmt, field="--out")
    with pytest.raises(DataError, match="no permission"):  # the folders it would create, too
        check_output_path(locked / "a" / "b" / "w", fmt, field="--out")
    assert main(["generate", "pschse", "--customers", "20", "--format", fmt, "--out", str(locked / "w"), "--quiet"]) == 2
    assert "no permission" in capsys.readouterr().err
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize(("value", "fmt", "expected"), [
    ("new/sub/w", "parquet", "new/sub/w"),  # missing parents are made by the save
    ("w/.", "csv", "w"),
    ("w", "sqlite", "w.db"),
    ("w.db", "sqlite", "w.db"),
    ("w", "duckdb", "w.duckdb"),
    ("../w", "csv", "../w"),  # beside the working folder, not above it
])
def test_ordinary_targets_pass(here, value, fmt, expected):
    assert check_output_path(value, fmt) == Path(expected)
    assert not (here / "new").exists()  # checking creates nothing


def test_the_message_names_path_outside_the_cli():
    with pytest.raises(DataError, match=r"^path = '/' is the root folder"):
        check_output_path("/", "csv")
    with pytest.raises(DataError, match=r"format = 'xlsx': one of 'csv', 'parquet', 'sqlite'"):
        check_output_path("w", "xlsx")
