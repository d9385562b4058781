"""The ``crmkit plan`` command, driven through a parser built here."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from crmkit.planning.io import plan_folder
from tests.planning.planning_helpers import run


@pytest.mark.parametrize(("fmt", "name"), [("mspdi", "pschse.xml"), ("csv", "pschse.csv")])
def test_export_writes_the_file(parser, tmp_path, capsys, fmt, name):
    assert run(parser, "export", "pschse", "--format", fmt, "--out", str(tmp_path / name)) == 0
    assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / name).stat().st_mode & 0o777 == 0o644  # a file to share, not a private one
    assert "wrote" in capsys.readouterr().out
    if fmt == "mspdi":
        assert ET.parse(tmp_path / name).getroot().tag == "{http://schemas.microsoft.com/project}Project"


def test_export_accepts_a_folder(parser, tmp_path):
    assert run(parser, "export", str(plan_folder("pschse")), "--out", str(tmp_path / "p.xml")) == 0


def test_summary_prints_the_finish_critical_path_and_launch_odds(parser, capsys):
    assert run(parser, "summary", "pschse", "--runs", "2000", "--seed", "1") == 0
    out = capsys.readouterr().out
    for words in ("project finish, most likely", "critical path to the finish    1.1.1 >",
                  "project finish, P50/P80/P95", "launch milestone, P50/P80/P95", "launch milestone by that date"):
        assert words in out


def _dates(line):
    return [dt.date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", line)]


def test_each_summary_date_says_whose_it_is_and_the_project_finishes_after_its_milestone(parser, capsys):
    # The launch milestone's percentiles once stood under a bare "finish (most likely)" that
    # was the project's: a most likely finish after the P95 read as a contradiction.
    assert run(parser, "summary", "pschse", "--runs", "2000", "--seed", "1") == 0
    lines = {line[:31].strip(): line[31:] for line in capsys.readouterr().out.splitlines()[1:]}
    assert all(label.startswith(("project", "critical path", "launch")) for label in lines)
    [likely] = _dates(lines["project finish, most likely"])
    project = _dates(lines["project finish, P50/P80/P95"])
    launch = _dates(lines["launch milestone, P50/P80/P95"])
    [launch_likely] = _dates(lines["launch milestone, most likely"])
    assert project == sorted(project) and launch == sorted(launch)
    assert likely < project[2] and launch_likely < launch[2]  # each most likely date before its own P95
    assert all(a <= b for a, b in zip(launch, project))


def test_an_unknown_plan_gives_exit_code_2_and_a_message(parser, capsys):
    assert run(parser, "summary", "acme") == 2
    out = capsys.readouterr()
    assert "plan 'acme' not found" in out.err and out.out == ""
    assert len(out.err.strip().splitlines()) == 1


def test_a_bad_format_is_refused_by_argparse(parser):
    with pytest.raises(SystemExit):
        parser.parse_args(["plan", "export", "pschse", "--format", "mpp", "--out", "x"])


@pytest.mark.parametrize(("old", "new", "words"), [
    ("rate: 85, max_units: 1.0}", "rate: lots, max_units: 1.0}", "rate of Ben is 'lots'"),
    ("share_of_effort: 0.15", "share_of_effort: -1", "contingency_reserve.share_of_effort is -1"),
])
def test_a_bad_rate_or_reserve_gives_exit_code_2_and_one_line(parser, tmp_path, capsys, old, new, words):
    folder = shutil.copytree(plan_folder("pschse"), tmp_path / "plan")
    text = (folder / "plan.yaml").read_text()
    assert old in text
    (folder / "plan.yaml").write_text(text.replace(old, new))
    assert run(parser, "export", str(folder), "--out", str(tmp_path / "p.xml")) == 2
    out = capsys.readouterr()
    assert words in out.err and len(out.err.strip().splitlines()) == 1 and "Traceback" not in out.err
    assert not (tmp_path / "p.xml").exists()
