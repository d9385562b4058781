"""From a roster to graded results with the two commands, and the sandbox that makes it safe.

The end-to-end test runs ``crmkit assignment build`` and ``crmkit assignment grade`` as an
instructor would, in fresh processes, for three fake students: one hands in the solution,
one makes two typical mistakes, and one hands in a hostile notebook (it raises, loops
forever, reads the answer key, the secret and another student's folder by absolute path,
dumps its environment, then forges its answers file to claim every answer correct).

Submissions must really run as another user: the tests that need that skip without root
(and fail in CI, where the grader runs as root).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from crmkit.teach.answer_codec import decode_answer
from crmkit.teach.confinement import UID_RANGE, processes_of
from crmkit.teach.grading import GRADE_COLUMNS, TOTAL_COLUMNS, grade_assignment, read_answers
from crmkit.teach.notebook_files import read_notebook, write_notebook
from crmkit.teach.sandbox import Limits, run_notebook

SECRET = "3c" * 32
CANARY = "crmkit-canary-7f3a9d"
WALL, CELL = 120, 10  # a notebook takes 15-30 s here on a busy 2-core machine; the loop costs one cell


def needs_root():
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs the grader as root, so the sandbox must switch user there")
        pytest.skip("the sandbox switches user only when the grader runs as root")


def code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}


def notebook(*sources: str) -> dict:
    return {"cells": [code(s) for s in sources], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def open_folder():
    """A folder others may enter (unlike pytest's tmp_path), so only the kit's own
    permissions stand between a submission and the key."""
    folder = Path(tempfile.mkdtemp(prefix="crmkit-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def crmkit_command(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmkit.cli", *args], env=env, capture_output=True, text=True, timeout=900)


def hostile_notebook(handout: dict, out: Path) -> dict:
    """Raises, loops, tries to read what it must not, records what it got, forges its answers."""
    targets = [out / "instructor" / "answer_key.json", out / "instructor" / "secret.key",
               out / "students" / "s001" / "world" / "manifest.json", out / "students" / "s001"]
    steal = f"""import os, json
stolen = []
for path in {[str(t) for t in targets]!r}:
    try:
        stolen.append(str(os.listdir(path)) if os.path.isdir(path) or path.endswith("s001") else open(path).read())
    except Exception as error:
        stolen.append(f"{{type(error).__name__}}: {{path}}")
stolen.append(f"uid={{os.getuid()}}")
stolen.append("env=" + json.dumps(dict(os.environ)))
checks.check("aov_last_year", " | ".join(stolen))"""
    forge = """forged = {"answers": {"orders_per_month": {"kind": "scalar", "value": {"type": "float", "value": 1.0}},
                      "aov_last_year": json.load(open("answers.json"))["answers"]["aov_last_year"]},
          "messages": {"orders_per_month": "Correct.", "aov_last_year": "Correct."}, "correct": True, "points": 10}
open("answers.json", "w").write(json.dumps(forged))"""
    return {**handout, "cells": handout["cells"][:2] + [code("raise RuntimeError('boom')"), code("while True:\n    pass"),
                                                        code(steal), code(forge)]}


def write_submissions(out: Path, submissions: Path) -> None:
    solution = read_notebook(out / "instructor" / "rfm-basics.ipynb")
    write_notebook(solution, submissions / "s001" / "rfm-basics.ipynb")
    partly = json.loads(json.dumps(solution))
    for cell in partly["cells"]:
        cell["source"] = (cell["source"].replace("aov = last_year.net_amount.mean()", "aov = last_year.net_amount.sum()")
                          .replace("top10 = spend.nlargest(10)", "top10 = spend.nlargest(11)"))
    write_notebook(partly, submissions / "s002" / "rfm-basics.ipynb")
    handout = read_notebook(out / "students" / "s003" / "rfm-basics.ipynb")
    write_notebook(hostile_notebook(handout, out), submissions / "s003" / "rfm-basics.ipynb")


def test_roster_to_graded_results_with_the_two_commands(open_folder):
    needs_root()
    out, submissions = open_folder / "rfm", open_folder / "submissions"
    (open_folder / "roster.csv").write_text("student_id,name\ns001,Ada Example\ns002,Bo Example\ns003,Cy Example\n")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(open_folder), "LANG": "C.UTF-8",
           "CRMKIT_ASSIGNMENT_SECRET": SECRET, "CANARY_TOKEN": CANARY}
    built = crmkit_command("assignment", "build", "--course", "crm101", "--assignment", "rfm-basics", "--roster",
                           str(open_folder / "roster.csv"), "--out", str(out), "--customers", "1000", env=env)
    assert built.returncode == 0, built.stderr
    write_submissions(out, submissions)
    graded = crmkit_command("assignment", "grade", str(out), str(submissions), "--wall-seconds", str(WALL),
                            "--cell-seconds", str(CELL), "--memory-mb", "3072", "--require-sandbox", env=env)
    assert graded.returncode == 0, graded.stderr
    grades = pd.read_csv(out / "instructor" / "grades" / "grades.csv", keep_default_na=False)
    totals = pd.read_csv(out / "instructor" / "grades" / "totals.csv", keep_default_na=False).set_index("student_id")
    assert list(grades.columns) == GRADE_COLUMNS and list(totals.reset_index().columns) == TOTAL_COLUMNS
    assert len(grades) == 3 * 4
    status = grades.set_index(["student_id", "question"])["status"]

    # The solution gets full marks, the truth-scored forecast included (graded from the key only).
    assert totals.loc["s001", "points"] == totals.loc["s001", "max_points"] == 10
    assert totals.loc["s001", "run_status"] == "completed"
    assert grades.query("student_id == 's001' and uses_truth").student_message.str.contains("recorded").all()

    # Two typical mistakes cost exactly their points, each with the message naming the step.
    assert totals.loc["s002", "points"] == 10 - 2 - 3
    assert status["s002", "aov_last_year"] == "mistake" and status["s002", "top10_spenders"] == "wrong_form"
    aov = grades.set_index(["student_id", "question"]).loc[("s002", "aov_last_year")]
    assert "average" in aov.message and aov.message == aov.student_message

    # The hostile notebook: zero, a status naming what happened, and the grader finished in its limits.
    assert totals.loc["s003", "points"] == 0
    assert totals.loc["s003", "run_status"] == "cell_timeout"
    assert "RuntimeError" in totals.loc["s003", "run_message"] and "CellTimeout" in totals.loc["s003", "run_message"]
    assert (totals["seconds"] <= WALL + 15).all() and totals["isolated"].all()
    assert (grades.query("student_id == 's003'").points == 0).all()
    forged = grades.query("student_id == 's003' and question == 'orders_per_month'").iloc[0]
    assert forged.student_message == "Correct." and forged.status == "wrong_form"  # the claim is ignored

    # What it read: nothing. Every attempt was refused, and it ran as another user.
    answers, _, _ = read_answers((out / "instructor" / "grades" / "answers" / "s003.json").read_bytes())
    stolen = decode_answer(answers["aov_last_year"])
    assert stolen.count("PermissionError") == 4, stolen
    uid = int(re.search(r"uid=(\d+)", stolen).group(1))
    assert uid != 0 and UID_RANGE[0] <= uid < UID_RANGE[1]
    environment = json.loads(stolen.split("env=", 1)[1])
    assert "CRMKIT_ASSIGNMENT_SECRET" not in environment and "CANARY_TOKEN" not in environment
    key = json.loads((out / "instructor" / "answer_key.json").read_text())
    other = decode_answer(key["s001"]["aov_last_year"]["expected"])
    for output in (out / "instructor" / "grades" / "answers" / "s003.json", out / "instructor" / "grades" / "executed" / "s003.ipynb"):
        text = output.read_text()
        assert SECRET not in text and CANARY not in text and repr(other)[:12] not in text
        assert '"s001": {' not in text and '"mistakes"' not in text
    assert not processes_of(uid)


def test_a_notebook_past_the_wall_clock_is_killed_with_everything_it_started():
    needs_root()
    stubborn = notebook(
        "import os, signal, subprocess\nopen('/tmp/crmkit-left-behind-%d' % os.getuid(), 'w').write('x')",
        # A daemon in its own session, as an escape attempt would start it.
        "subprocess.Popen(['sleep', '1000'], start_new_session=True)",
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")
    outcome = run_notebook(stubborn, limits=Limits(wall_seconds=20, cell_seconds=600))
    assert outcome.status == "timeout" and "wall-clock limit of 20 s" in outcome.message
    assert outcome.seconds <= 20 + 15
    assert outcome.isolated and not processes_of(outcome.user_id)
    assert not Path(f"/tmp/crmkit-left-behind-{outcome.user_id}").exists()


def test_a_notebook_runs_as_nobody_offline_with_limits_and_only_plain_files_come_back(open_folder, monkeypatch):
    needs_root()
    private = open_folder / "instructor"
    private.mkdir(mode=0o700)
    (private / "key.txt").write_text("the key")
    monkeypatch.setenv("CANARY_TOKEN", CANARY)
    probe = notebook(
        "import json, os, socket\nreport = {'uid': os.getuid(), 'groups': os.getgroups(), 'env': dict(os.environ)}",
        f"report['key'] = open({str(private / 'key.txt')!r}).read()",
        "try:\n    report['root_home'] = os.listdir('/root')\nexcept PermissionError:\n    report['root_home'] = []",
        "socket.create_connection(('127.0.0.1', 5432), timeout=3)",
        "big = bytearray(8 * 2**30)",
        f"os.symlink({str(private / 'key.txt')!r}, 'answers.json')\nos.mkfifo('fifo.json')",
        "open('report.json', 'w').write(json.dumps(report))")
    outcome = run_notebook(probe, collect=["answers.json", "fifo.json", "report.json"],
                           limits=Limits(wall_seconds=WALL, cell_seconds=CELL, memory_bytes=3 * 2**30))
    assert outcome.status == "cell_errors"
    assert outcome.errors == ("PermissionError", "OSError", "MemoryError")
    assert set(outcome.files) == {"report.json", "executed.ipynb"}  # not the link to the key, not the pipe
    report = json.loads(outcome.files["report.json"])
    assert report["uid"] == outcome.user_id != 0 and report["groups"] == []
    assert "CANARY_TOKEN" not in report["env"] and "key" not in report
    # /root is closed: the kernel sees in it only the Python installation it needs (a pyenv here), nothing else.
    needed = {Path(p).resolve().parts[2] for p in (sys.base_prefix, sys.prefix) if Path(p).resolve().parts[1:2] == ("root",)}
    assert set(report["root_home"]) <= needed
    assert "the key" not in outcome.files["executed.ipynb"].decode()
    assert stat.S_IMODE(private.stat().st_mode) == 0o700 and (private / "key.txt").read_text() == "the key"


def test_the_grader_rejects_links_and_non_notebooks_without_running_them(tmp_path):
    from crmkit.teach.assignments import build_assignment

    (tmp_path / "roster.csv").write_text("student_id\na1\na2\na3\na4\n")
    (tmp_path / "secret.key").write_text(SECRET)
    out, submissions = tmp_path / "out", tmp_path / "submissions"
    build_assignment("crm101", "rfm-basics", tmp_path / "roster.csv", out, secret_file=tmp_path / "secret.key",
                     customers=200)
    for student in ("a1", "a2"):
        (submissions / student).mkdir(parents=True)
    (submissions / "a1" / "rfm-basics.ipynb").symlink_to(out / "instructor" / "rfm-basics.ipynb")
    (submissions / "a2" / "rfm-basics.ipynb").write_text(json.dumps({"cells": "none"}))
    (submissions / "a3.ipynb").write_text("this is not a notebook")
    report = grade_assignment(out, submissions, limits=Limits(wall_seconds=5))
    totals = report.totals.set_index("student_id")
    assert totals.run_status.to_dict() == {"a1": "rejected", "a2": "rejected", "a3": "rejected", "a4": "not_submitted"}
    assert "symbolic link" in totals.loc["a1", "run_message"] and "not a Jupyter notebook" in totals.loc["a3", "run_message"]
    assert (report.grades.points == 0).all() and (report.grades.status == "not_answered").all()
    assert (report.folder / "grades.csv").is_file() and (report.folder / "totals.csv").is_file()


@pytest.mark.parametrize("data", [b"", b"[]", b'{"answers": []}', b'{"answers": {"q": 1}, "messages": 3}',
                                  b"[" * 100_000, b'{"answers": {"q": ' + b"9" * 5000 + b"}}", b"\xff\xfe"])
def test_an_unreadable_answers_file_is_reported_not_raised(data):
    answers, messages, problem = read_answers(data)
    assert (answers, messages) == ({}, {}) and "not readable" in problem


def test_without_root_a_run_has_limits_only_and_says_so(monkeypatch):
    import crmkit.teach.sandbox as sandbox
    from crmkit.errors import ConfigError

    monkeypatch.setattr(sandbox, "can_isolate", lambda: False)
    with pytest.raises(ConfigError, match="needs root"):
        run_notebook(notebook("1 + 1"), require_isolation=True)
    outcome = run_notebook(notebook("import resource\nprint(resource.getrlimit(resource.RLIMIT_AS))"),
                           limits=Limits(wall_seconds=WALL, memory_bytes=3 * 2**30))
    assert (outcome.status, outcome.isolated, outcome.user_id) == ("completed", False, None)
    assert str(3 * 2**30) in outcome.files["executed.ipynb"].decode()
