"""The command line: lists cases, generates worlds, and fails with one clear line."""

import pytest

import crmkit as ck
from crmkit.cli import main


def test_cases(capsys):
    assert main(["cases"]) == 0
    assert "pschse" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_generate_writes_a_loadable_world(tmp_path, capsys, fmt):
    out = tmp_path / ("w.db" if fmt == "sqlite" else "w")
    assert main(["generate", "retailer", "--customers", "150", "--seed", "4", "--format", fmt, "--out", str(out), "--quiet"]) == 0
    world = ck.load_world(out)
    assert len(world.customers) == 150 and world.config.seed == 4


def test_generate_without_truth(tmp_path):
    assert main(["generate", "pschse", "--customers", "20", "--out", str(tmp_path / "w"), "--no-truth", "--quiet"]) == 0
    assert len(ck.load_world(tmp_path / "w").truth) == 0


@pytest.mark.parametrize(("args", "needle"), [
    (["generate", "atlantis", "--out", "x"], "unknown case 'atlantis'"),
    (["generate", "pschse", "--customers", "0", "--out", "x"], "customers = 0"),
    (["generate", "pschse", "--customers", "5", "--workers", "0", "--out", "x"], "workers = 0"),
])
def test_errors_are_one_line_and_exit_2(tmp_path, capsys, monkeypatch, args, needle):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1
    assert not list(tmp_path.iterdir())  # nothing half-written
