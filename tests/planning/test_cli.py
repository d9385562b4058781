"""The ``crmkit plan`` command, driven through a parser built here."""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET

import pytest

from crmkit.planning.cli import register
from crmkit.planning.io import plan_folder


@pytest.fixture
def parser():
    parser = argparse.ArgumentParser(prog="crmkit")
    register(parser.add_subparsers(dest="command"))
    return parser


def run(parser, *argv):
    args = parser.parse_args(["plan", *argv])
    return args.func(args)


@pytest.mark.parametrize(("fmt", "name"), [("mspdi", "pschse.xml"), ("csv", "pschse.csv")])
def test_export_writes_the_file(parser, tmp_path, capsys, fmt, name):
    assert run(parser, "export", "pschse", "--format", fmt, "--out", str(tmp_path / name)) == 0
    assert (tmp_path / name).stat().st_size > 1000
    assert "wrote" in capsys.readouterr().out
    if fmt == "mspdi":
        assert ET.parse(tmp_path / name).getroot().tag == "{http://schemas.microsoft.com/project}Project"


def test_export_accepts_a_folder(parser, tmp_path):
    assert run(parser, "export", str(plan_folder("pschse")), "--out", str(tmp_path / "p.xml")) == 0


def test_summary_prints_the_finish_critical_path_and_launch_odds(parser, capsys):
    assert run(parser, "summary", "pschse", "--runs", "2000", "--seed", "1") == 0
    out = capsys.readouterr().out
    for words in ("finish (most likely)", "critical path         1.1.1 >", "P50 / P80 / P95", "chance of the launch"):
        assert words in out


def test_an_unknown_plan_gives_exit_code_2_and_a_message(parser, capsys):
    assert run(parser, "summary", "acme") == 2
    assert "plan 'acme' not found" in capsys.readouterr().out


def test_a_bad_format_is_refused_by_argparse(parser):
    with pytest.raises(SystemExit):
        parser.parse_args(["plan", "export", "pschse", "--format", "mpp", "--out", "x"])
