"""Hostile plan folders (issue 19): each is refused with one line, on the command line too.

Every case starts from a copy of the PSCHSE plan folder and breaks one thing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from crmkit.cli import main
from crmkit.errors import ConfigError
from crmkit.planning import load_plan, plan_from_table
from crmkit.planning.io import plan_folder


def _yaml(text: str):
    """Replace plan.yaml with ``text``."""
    return lambda folder: (folder / "plan.yaml").write_text(text, encoding="utf-8")


def _setting(old: str, new: str):
    """Change one line of plan.yaml."""
    def change(folder: Path) -> None:
        text = (folder / "plan.yaml").read_text(encoding="utf-8")
        assert old in text
        (folder / "plan.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def _wbs_bytes(data: bytes):
    return lambda folder: (folder / "wbs.csv").write_bytes(data)


def _outside_symlink(folder: Path) -> None:
    (folder.parent / "elsewhere.csv").write_bytes((folder / "wbs.csv").read_bytes())
    (folder / "wbs.csv").unlink()
    os.symlink(folder.parent / "elsewhere.csv", folder / "wbs.csv")


def _outside_file(folder: Path) -> None:
    (folder.parent / "elsewhere.csv").write_bytes((folder / "wbs.csv").read_bytes())
    _setting("wbs_table: wbs.csv", "wbs_table: ../elsewhere.csv")(folder)


HOSTILE = [
    ("malformed yaml", _yaml("name: pschse\nstart_date: [2026-01-05\n"), ["plan.yaml", "not valid YAML", "line"]),
    ("yaml with a tab indent", _yaml("name: x\ncalendar:\n\tname: y\n"), ["plan.yaml", "not valid YAML"]),
    ("binary yaml", lambda f: (f / "plan.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x81"), ["plan.yaml", "not UTF-8"]),
    ("yaml list", _yaml("- name\n- start_date\n"), ["plan.yaml", "holds a list", "mapping"]),
    ("yaml scalar", _yaml("just words\n"), ["plan.yaml", "holds a str"]),
    ("missing wbs.csv", lambda f: (f / "wbs.csv").unlink(), ["wbs_table is 'wbs.csv'", "no such file", "inside the plan folder"]),
    ("wbs_table ../", _outside_file, ["wbs_table is '../elsewhere.csv'", "outside the plan folder"]),
    ("wbs_table absolute", _setting("wbs_table: wbs.csv", "wbs_table: /etc/passwd"), ["'/etc/passwd'", "outside the plan folder"]),
    ("wbs.csv a symlink out", _outside_symlink, ["wbs_table is 'wbs.csv'", "outside the plan folder"]),
    ("wbs_table a number", _setting("wbs_table: wbs.csv", "wbs_table: 5"), ["wbs_table is 5", "CSV file"]),
    ("wbs_table a folder", _setting("wbs_table: wbs.csv", "wbs_table: ."), ["wbs_table is '.'", "no such file"]),
    ("wbs_table a subfolder", lambda f: ((f / "sub").mkdir(), _setting("wbs_table: wbs.csv", "wbs_table: sub")(f)),
     ["wbs_table is 'sub'", "no such file"]),
    ("empty wbs.csv", _wbs_bytes(b""), ["WBS table", "is empty", "UTF-8 with the header wbs_code"]),
    ("binary wbs.csv", _wbs_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5\x9c\xff\xfe\x81" * 20),
     ["WBS table", "not UTF-8"]),
    ("badly quoted wbs.csv", _wbs_bytes(b'wbs_code,name,kind\n1,"Design,phase\n2,Build,phase\n'),
     ["WBS table", "not a well-formed CSV", "EOF inside string"]),
    ("calendar a number", _setting("calendar:", "calendar: 5\nunused:"), ["calendar is 5", "mapping"]),
    ("holidays a list", _setting("calendar:", "calendar:\n  holidays: [2026-07-03]\nunused:"), ["calendar.holidays", "mapping of ISO dates"]),
    ("hours per day a word", _setting("hours_per_day: 8", "hours_per_day: eight"), ["calendar.hours_per_day is 'eight'", "1 to 24"]),
    ("hours per day 1e9", _setting("hours_per_day: 8", "hours_per_day: 1000000000"), ["calendar.hours_per_day is 1000000000"]),
    ("working days a word", _setting("working_days: [Mon, Tue, Wed, Thu, Fri]", "working_days: Mon"), ["calendar.working_days is 'Mon'"]),
    ("people without names", _setting("  people:", "  people: [ada, bob]\n  unused:"), ["resources.people is ['ada', 'bob']"]),
]


@pytest.fixture
def folder(tmp_path):
    return Path(shutil.copytree(plan_folder("pschse"), tmp_path / "plan"))


@pytest.mark.parametrize(("break_it", "words"), [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE])
def test_a_hostile_plan_is_refused_in_one_line(folder, tmp_path, capsys, break_it, words):
    break_it(folder)
    with pytest.raises(ConfigError) as refused:
        load_plan(folder)
    message = str(refused.value)
    assert "\n" not in message
    for word in words:
        assert word in message
    out = tmp_path / "plan.xml"
    assert main(["plan", "export", str(folder), "--out", str(out)]) == 2
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert (printed.out + printed.err).strip().count("\n") == 0 and words[0] in printed.out + printed.err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".plan.xml")]


def test_an_excel_csv_with_a_byte_order_mark_loads(folder):
    (folder / "wbs.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "wbs.csv").read_bytes())
    assert load_plan(folder) == load_plan("pschse")


def test_a_students_table_path_gets_the_same_one_line_errors(tmp_path):
    (tmp_path / "wbs.csv").write_bytes(b"")
    with pytest.raises(ConfigError, match="is empty"):
        plan_from_table(tmp_path / "wbs.csv")
    with pytest.raises(ConfigError, match="cannot be read"):
        plan_from_table(tmp_path / "missing.csv")
