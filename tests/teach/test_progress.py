"""Long teaching commands show a progress bar (on stderr), one step per student; --quiet hides it."""

import argparse

import pytest

from crmkit.teach.assignment_cli import register
from crmkit.teach.assignments import SECRET_ENV

SECRET = "a7" * 32


@pytest.mark.parametrize("quiet, shown", [([], True), (["--quiet"], False)])
def test_assignment_build_shows_a_bar_with_a_step_per_student(tmp_path, monkeypatch, capsys, quiet, shown):
    from crmkit.cli import main

    monkeypatch.setenv(SECRET_ENV, SECRET)
    (tmp_path / "roster.csv").write_text("student_id\ns1\ns2\n")
    args = ["assignment", "build", "--course", "crm101", "--assignment", "rfm-basics", "--roster",
            str(tmp_path / "roster.csv"), "--out", str(tmp_path / "out"), "--customers", "200", *quiet]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert ("building" in captured.err and "2/2" in captured.err) is shown
    assert "built 2 student folders" in captured.out


def test_assignment_grade_takes_quiet_too():
    parser = argparse.ArgumentParser(prog="crmkit")
    register(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["assignment", "grade", "rfm", "subs"]).quiet is False
    assert parser.parse_args(["assignment", "grade", "rfm", "subs", "--quiet"]).quiet is True
