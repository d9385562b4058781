"""Hostile and careless inputs to the teaching side, and what a student can get out of their folder.

Each refused input raises a :class:`CrmkitError` whose one-line message names the field, the
value and what is allowed, and leaves nothing on disk (no half-built folder, no secret).
The leak tests try every public way into a student's folder and checks object and must find
no seed, no expected value and no truth.
"""

from __future__ import annotations

import json
import stat
import struct

import pandas as pd
import pytest

import crmkit as ck
from crmkit.errors import ConfigError, CrmkitError, DataError
from crmkit.teach.answer_codec import decode_answer
from crmkit.teach.assignment_library import RFM_BASICS
from crmkit.teach.assignments import assignment_checks, build_assignment, student_seed
from crmkit.teach.describe import fmt
from crmkit.teach.diagnose import compare
from crmkit.teach.grading import grade_assignment
from crmkit.teach.notebook_files import read_notebook, write_notebook
from crmkit.teach.sandbox import Limits

SECRET = "5e" * 32
GOOD_ROSTER = b"student_id,name\ns001,Ada\n"

HOSTILE = [
    # (what, roster bytes, build arguments, error class, words the message must hold)
    ("empty roster", b"", {}, DataError, ["roster", "empty", "student_id"]),
    ("binary roster", b"\x00\xff\xfe\x01student", {}, DataError, ["roster", "NUL byte", "UTF-8 CSV"]),
    ("latin-1 roster", b"student_id\nJos\xe9\n", {}, DataError, ["roster", "0xe9", "UTF-8"]),
    ("unclosed quote", b'student_id,name\n"s001,Ada\n', {}, DataError, ["roster", "not valid CSV", "quotes closed"]),
    ("no student_id column", b"id,name\ns001,Ada\n", {}, DataError, ["roster", "'student_id'", "columns: id, name"]),
    ("ids differing in case", b"student_id\nS001\ns001\n", {}, DataError, ["'S001'", "'s001'", "differ only in case"]),
    ("repeated id", b"student_id\ns001\ns001\n", {}, DataError, ["'s001'", "more than once"]),
    ("a path in an id", b"student_id\n../x\n", {}, DataError, ["'../x'", "letters, digits"]),
    ("no students", b"student_id\n", {}, DataError, ["roster", "no students"]),
    ("zero customers", GOOD_ROSTER, {"customers": 0}, ConfigError, ["customers = 0", "at least 100", "1500"]),
    ("negative customers", GOOD_ROSTER, {"customers": -5}, ConfigError, ["customers = -5", "at least 100"]),
    ("boolean customers", GOOD_ROSTER, {"customers": True}, ConfigError, ["customers = True", "whole number"]),
    ("fractional customers", GOOD_ROSTER, {"customers": 250.5}, ConfigError, ["customers = 250.5", "whole number"]),
    ("course with a space", GOOD_ROSTER, {"course": "crm 101"}, ConfigError, ["course = 'crm 101'", "letters"]),
]


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("what, roster, arguments, error, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_build_is_refused_in_one_line_and_leaves_nothing(tmp_path, what, roster, arguments, error, words):
    (tmp_path / "roster.csv").write_bytes(roster)
    before = files_under(tmp_path)
    with pytest.raises(error) as raised:
        build_assignment(arguments.get("course", "crm101"), "rfm-basics", tmp_path / "roster.csv", tmp_path / "out",
                         secret_file=tmp_path / "new.key", customers=arguments.get("customers"))
    message = str(raised.value)
    assert isinstance(raised.value, CrmkitError) and "\n" not in message
    assert all(word in message for word in words), message
    assert files_under(tmp_path) == before  # no out/, no secret, no temporary folder


def test_the_command_line_refuses_zero_customers_in_one_line(tmp_path, capsys):
    from crmkit.cli import main

    (tmp_path / "roster.csv").write_bytes(GOOD_ROSTER)
    code = main(["assignment", "build", "--course", "c", "--assignment", "rfm-basics", "--roster",
                 str(tmp_path / "roster.csv"), "--out", str(tmp_path / "out"), "--customers", "0"])
    error = capsys.readouterr().err.strip()
    assert code == 2 and error.startswith("crmkit: error:") and "customers = 0" in error and "\n" not in error
    assert files_under(tmp_path) == ["roster.csv"]


def test_a_build_that_fails_half_way_removes_its_folder_and_writes_no_secret(tmp_path, monkeypatch):
    (tmp_path / "roster.csv").write_bytes(b"student_id\ns001\ns002\n")
    real, calls = ck.simulate, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(ck, "simulate", failing)
    with pytest.raises(OSError):
        build_assignment("crm101", "rfm-basics", tmp_path / "roster.csv", tmp_path / "deep" / "out", customers=150)
    assert files_under(tmp_path) == ["roster.csv"]  # neither deep/ nor a secret.key nor a .out.building folder


def test_a_folder_the_kit_did_not_build_is_refused_and_a_rebuild_keeps_the_grades(tmp_path):
    (tmp_path / "roster.csv").write_bytes(GOOD_ROSTER)
    (tmp_path / "mine" / "students").mkdir(parents=True)
    (tmp_path / "mine" / "students" / "thesis.txt").write_text("mine")
    with pytest.raises(ConfigError, match=r"out = .*mine.* crmkit did not build; choose a new or empty folder"):
        build_assignment("crm101", "rfm-basics", tmp_path / "roster.csv", tmp_path / "mine", customers=150)
    assert files_under(tmp_path / "mine") == ["students", "students/thesis.txt"]
    build_assignment("crm101", "rfm-basics", tmp_path / "roster.csv", tmp_path / "out", customers=150)
    (tmp_path / "out" / "instructor" / "grades").mkdir()
    (tmp_path / "out" / "instructor" / "grades" / "grades.csv").write_text("kept")
    key = (tmp_path / "out" / "instructor" / "answer_key.json").read_bytes()
    build_assignment("crm101", "rfm-basics", tmp_path / "roster.csv", tmp_path / "out", customers=150)
    assert (tmp_path / "out" / "instructor" / "grades" / "grades.csv").read_text() == "kept"
    assert (tmp_path / "out" / "instructor" / "answer_key.json").read_bytes() == key  # same secret, same worlds
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_answer_keys_and_grades_are_readable_by_their_owner_only(tmp_path):
    (tmp_path / "roster.csv").write_bytes(GOOD_ROSTER)
    build_assignment("crm101", "rfm-basics", tmp_path / "roster.csv", tmp_path / "out", customers=150)
    instructor = tmp_path / "out" / "instructor"
    assert stat.S_IMODE(instructor.stat().st_mode) == 0o700
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in instructor.iterdir()} == {
        name: 0o600 for name in ("answer_key.json", "answer_key.csv", "roster.csv", "manifest.json", "secret.key",
                                 "rfm-basics.ipynb")}
    (tmp_path / "subs").mkdir()
    grades = grade_assignment(tmp_path / "out", tmp_path / "subs", limits=Limits(wall_seconds=5)).folder
    assert stat.S_IMODE(grades.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600) for p in grades.rglob("*"))
    assert (grades / "canvas_grades.csv").is_file() and len(list((grades / "feedback").glob("*.md"))) == 1


# --- answers that are not numbers, numbers too big to print ---------------------------------

@pytest.mark.parametrize("answer, words", [
    (float("nan"), ["empty", "not a number", "empty selection", "missing value"]),
    (float("inf"), ["infinite", "dividing by zero"]),
    (1e308, ["1.0e+308", "times"]),
    (-1e308, ["-1.0e+308", "lower"]),
    (1e-300, ["1.0e-300", "lower"]),
])
def test_odd_numbers_get_a_readable_message(answer, words):
    message = compare(250.0, answer).message
    assert all(word in message for word in words) and "nan%" not in message and len(message) < 300, message


def test_huge_and_tiny_numbers_print_readably():
    assert (fmt(1e308), fmt(10**400), fmt(2.5e-9), fmt(1234.5)) == ("1.0e+308", "1.0e+400", "2.5e-09", "1,234.50")


# --- what a student can get out of their folder and kernel -----------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("leaks")
    (root / "roster.csv").write_bytes(b"student_id\ns001\ns002\n")
    (root / "secret.key").write_text(SECRET)
    build_assignment("crm101", "rfm-basics", root / "roster.csv", root / "out", secret_file=root / "secret.key",
                     customers=300)
    return root / "out"


def key_values(out, student):
    key = json.loads((out / "instructor" / "answer_key.json").read_text())[student]
    return {name: decode_answer(entry["expected"]) for name, entry in key.items()}


def test_no_file_in_a_student_folder_holds_the_seed_or_a_key_value(built):
    seed = student_seed(bytes.fromhex(SECRET), "crm101", "rfm-basics", "s001")
    expected = key_values(built, "s001")
    # The answers that only a computation gives. Each top spender's total is left out: the world's
    # customer_costs table holds every customer's revenue, so those figures are observed data.
    numbers = [expected["aov_last_year"], float(expected["best_customers_forecast"].sum())]
    numbers = [x for x in numbers if not float(x).is_integer()]  # a round sum can be some order's amount too
    assert numbers
    forms = [str(seed).encode(), f"{seed:x}".encode(), seed.to_bytes(8, "little"), seed.to_bytes(8, "big")]
    forms += [f(x) for x in numbers for f in (lambda v: repr(v).encode(), lambda v: f"{v:.2f}".encode(),
                                              lambda v: struct.pack("<d", v), lambda v: struct.pack(">d", v))]
    for path in (built / "students" / "s001").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [f for f in forms if f in data], path


def test_the_checks_object_gives_away_no_expected_value(built, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    world = ck.load_world(built / "students" / "s001" / "world")
    checks = assignment_checks(world, "rfm-basics")
    expected = key_values(built, "s001")
    observed = [n for n in checks.names if n != "best_customers_forecast"]
    # A check says the same of the right value and of a wrong one of the same form: no oracle to search with.
    right, wrong = checks.check("aov_last_year", expected["aov_last_year"]), checks.check("aov_last_year", 1234.5)
    assert (right.status, right.message) == (wrong.status, wrong.message) and right.correct is None
    assert fmt(expected["aov_last_year"]) not in right.message
    # Every public attribute, called with each question's name or with nothing, yields no expected value.
    found = []
    for attribute in (a for a in dir(checks) if not a.startswith("_")):
        value = getattr(checks, attribute)
        outcomes = [value]
        if callable(value):
            for arguments in [(), *((n,) for n in checks.names)]:
                try:
                    outcomes.append(value(*arguments))
                except (TypeError, ConfigError):  # a call that needs other arguments gives nothing away either
                    outcomes.append(None)
        for outcome in outcomes:
            text = str(outcome.to_dict()) if isinstance(outcome, pd.DataFrame) else str(outcome)
            for name in observed:
                if compare(expected[name], outcome, rtol=1e-9).ok or fmt(expected["aov_last_year"]) in text:
                    found.append((attribute, name))
    assert not found
    assert not hasattr(checks, "expected") and not hasattr(checks, "answer_key") and not hasattr(checks, "truth")


def test_a_submission_that_reaches_into_the_checker_is_flagged_in_the_grades(built, tmp_path):
    handout = read_notebook(built / "students" / "s001" / "rfm-basics.ipynb")
    cheat = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": 'aov = checks.expected("aov_last_year")\nchecks.check("aov_last_year", aov)'}
    write_notebook({**handout, "cells": handout["cells"][:2] + [cheat]}, tmp_path / "subs" / "s001" / "rfm-basics.ipynb")
    write_notebook(RFM_BASICS.template(), tmp_path / "subs" / "s002" / "rfm-basics.ipynb")
    report = grade_assignment(built, tmp_path / "subs", limits=Limits(wall_seconds=120, cell_seconds=60))
    flags = report.totals.set_index("student_id")["flags"]
    assert "calls a reference or answer-key method" in flags["s001"] and "checks.expected" in flags["s001"]
    assert flags["s002"] == ""  # the solution itself is clean
    written = pd.read_csv(report.folder / "totals.csv", keep_default_na=False).set_index("student_id")
    assert written.loc["s001", "flags"] == flags["s001"]
