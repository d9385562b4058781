"""Per-student assignments: keyed seeds, the student's folder, the instructor's key, the checks.

The leak test tries to get the truth, the seed or another student's data out of a built
student folder, and must find nothing.
"""

from __future__ import annotations

import json
import shutil
import stat
from functools import lru_cache

import pandas as pd
import pytest
import yaml

import crmkit as ck
from crmkit.errors import ConfigError, DataError
from crmkit.teach.answer_codec import Unsupported, decode_answer, encode_answer
from crmkit.teach.assignment_library import BEST_CUSTOMERS_FORECAST, RFM_BASICS
from crmkit.teach.assignments import (
    SECRET_ENV, answer_key, assignment_checks, build_assignment, load_secret, read_roster, student_seed,
)
from crmkit.teach.editions import find_leaks
from crmkit.teach.exercise_set import ExerciseSet
from crmkit.teach.forecast_score import score_forecast
from crmkit.teach.grading import judge_answer
from crmkit.world.dictionary import observed_tables, truth_tables

SECRET = "a7" * 32
STUDENTS = ("s001", "s002", "s003")
SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("assignment")
    (root / "roster.csv").write_text("student_id,name\n" + "".join(f"{s},Student {s}\n" for s in STUDENTS))
    (root / "secret.key").write_text(SECRET + "\n")
    manifest = build_assignment("crm101", "rfm-basics", root / "roster.csv", root / "out",
                                secret_file=root / "secret.key", customers=1000)
    return root / "out", manifest


@lru_cache(maxsize=4)
def world_of(seed: int, customers: int):
    return ck.simulate("pschse", customers=customers, seed=seed, progress=False)


def seed_of(student: str) -> int:
    return student_seed(bytes.fromhex(SECRET), "crm101", "rfm-basics", student)


@lru_cache(maxsize=4)
def full_world(seed: int):
    """A built student's world with its truth, made again from the seed (as the instructor can)."""
    return ck.simulate("pschse", customers=1000, seed=seed, progress=False)


# --- seeds, secret, roster -------------------------------------------------------------------

def test_seeds_are_63_bit_and_change_with_course_assignment_student_and_secret():
    key, other_key = bytes.fromhex(SECRET), bytes.fromhex("b8" * 32)
    seeds = {student_seed(key, "crm101", "rfm-basics", "s001"), student_seed(key, "crm102", "rfm-basics", "s001"),
             student_seed(key, "crm101", "rfm-retake", "s001"), student_seed(key, "crm101", "rfm-basics", "s002"),
             student_seed(other_key, "crm101", "rfm-basics", "s001")}
    assert len(seeds) == 5 and all(0 <= s < 2**63 for s in seeds)
    assert student_seed(key, "crm101", "rfm-basics", "s001") == seed_of("s001")
    with pytest.raises(ConfigError, match="at least 16"):
        student_seed(b"short", "c", "a", "s")


def test_the_secret_is_made_once_readable_by_its_owner_only_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    path = tmp_path / "instructor" / "secret.key"
    first = load_secret(path)
    assert len(first) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(path) == first
    monkeypatch.setenv(SECRET_ENV, "c9" * 16)
    assert load_secret(path) == bytes.fromhex("c9" * 16)
    monkeypatch.setenv(SECRET_ENV, "not hex")
    with pytest.raises(ConfigError, match="hex"):
        load_secret(path)


@pytest.mark.parametrize("text, match", [
    ("name\nAda\n", "no 'student_id' column"),
    ("student_id\n../s002\n", "'../s002' is not allowed"),
    ("student_id\n.hidden\n", "'.hidden' is not allowed"),
    ("student_id\ns1\ns1\n", "'s1' appears more than once"),
    ("student_id\n", "no students"),
])
def test_a_bad_roster_is_refused_naming_the_value(tmp_path, text, match):
    (tmp_path / "roster.csv").write_text(text)
    with pytest.raises(DataError, match=match):
        read_roster(tmp_path / "roster.csv")


# --- the built folders -----------------------------------------------------------------------

def test_each_student_gets_a_notebook_and_observed_tables_and_the_instructor_a_private_key(built):
    out, manifest = built
    assert sorted(p.name for p in (out / "students").iterdir()) == list(STUDENTS)
    for student in STUDENTS:
        folder = out / "students" / student
        assert sorted(p.name for p in folder.iterdir()) == ["rfm-basics.ipynb", "world"]
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        world = ck.load_world(folder / "world")
        assert len(world.truth) == 0 and len(world.customers) == 1000
    assert stat.S_IMODE((out / "instructor").stat().st_mode) == 0o700
    assert manifest["seeds"] == {s: seed_of(s) for s in STUDENTS}
    key_table = pd.read_csv(out / "instructor" / "answer_key.csv")
    assert len(key_table) == 3 * 4 and key_table.points.sum() == 3 * RFM_BASICS.max_points


def test_a_student_folder_holds_nothing_that_gives_away_the_truth_the_seed_or_another_student(built):
    out, _ = built
    secret = bytes.fromhex(SECRET)
    truth_only = ({c.name for t in truth_tables().values() for c in t.columns}
                  - {c.name for t in observed_tables().values() for c in t.columns})
    public_config = yaml.safe_load((out / "students" / "s001" / "world" / "world.yaml").read_text())
    for student in STUDENTS:
        folder, seed = out / "students" / student, seed_of(student)
        blobs = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        secrets_and_seeds = [SECRET.encode(), secret, str(seed).encode(), f"{seed:x}".encode(),
                             seed.to_bytes(8, "big"), seed.to_bytes(8, "little")]
        for path, data in blobs.items():
            assert not any(s in data for s in secrets_and_seeds), path
            if path.name != "world.yaml":  # the case's public recipe names its personas; checked below
                assert not any(name.encode() in data for name in ("holdout_value", "holdout_orders", "persona",
                                                                  "true_uplift", "purchase_rate", "alive_at_end")), path
            if path.suffix != ".parquet":
                assert not any(other.encode() in data for other in set(STUDENTS) - {student}), path
        world = ck.load_world(folder / "world")
        assert not (folder / "world" / "truth").exists() and len(world.truth) == 0
        assert not truth_only & {c for table in world.tables.values() for c in table.columns}
        # The config beside the tables is the same public recipe for everyone, without a seed.
        config = yaml.safe_load((folder / "world" / "world.yaml").read_text())
        assert "seed" not in config and config == public_config
        assert "seed" not in json.loads((folder / "world" / "manifest.json").read_text())
        # The only seed the folder yields (the default) does not make this world; the real one does.
        assert not full_world(world.config.seed).orders.equals(world.orders)
        pd.testing.assert_frame_equal(full_world(seed).orders, world.orders)
    first, second = (ck.load_world(out / "students" / s / "world") for s in STUDENTS[:2])
    assert not first.orders[["ordered_at", "net_amount"]].equals(second.orders[["ordered_at", "net_amount"]])


def test_the_handout_has_no_solution_and_the_instructor_copy_has_them_all(built):
    out, _ = built
    from crmkit.teach.notebook_files import read_notebook

    solutions = read_notebook(out / "instructor" / "rfm-basics.ipynb")
    assert solutions == RFM_BASICS.template()
    for student in STUDENTS:
        handout = read_notebook(out / "students" / student / "rfm-basics.ipynb")
        assert find_leaks(handout, solutions) == []
        assert sum("raise NotImplementedError()" in c["source"] for c in handout["cells"]) == len(RFM_BASICS.exercises)


def test_the_key_holds_each_students_own_answers(built):
    out, _ = built
    key = json.loads((out / "instructor" / "answer_key.json").read_text())
    for student in STUDENTS:
        truth = ExerciseSet(full_world(seed_of(student)), RFM_BASICS.exercises, source="truth")
        observed = ExerciseSet(ck.load_world(out / "students" / student / "world"), RFM_BASICS.exercises, source="observed")
        for exercise in RFM_BASICS.exercises:
            stored = decode_answer(key[student][exercise.name]["expected"])
            assert exercise.same_answer(truth.expected(exercise.name), stored)
            if not exercise.uses_truth:
                assert exercise.same_answer(observed.expected(exercise.name), stored)
    assert key["s001"]["aov_last_year"] != key["s002"]["aov_last_year"]


def test_building_again_gives_the_same_worlds_and_another_course_is_refused(tmp_path, monkeypatch):
    from crmkit.cli import main

    monkeypatch.setenv(SECRET_ENV, SECRET)
    (tmp_path / "roster.csv").write_text("student_id\nz9\n")
    args = ["assignment", "build", "--course", "crm101", "--assignment", "rfm-basics", "--roster",
            str(tmp_path / "roster.csv"), "--out", str(tmp_path / "out"), "--customers", "200"]
    assert main(args) == 0
    first = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert main(args) == 0
    assert {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()} == first
    assert not (tmp_path / "out" / "instructor" / "secret.key").exists()  # the environment's secret is used
    assert main([*args[:2], "--course", "crm999", *args[4:]]) == 2


# --- checks in the student's notebook --------------------------------------------------------

def test_the_solution_notebook_passes_its_own_checks_and_records_every_answer(built, tmp_path, monkeypatch):
    out, _ = built
    from crmkit.teach.notebook_files import read_notebook

    shutil.copytree(out / "students" / "s002", tmp_path / "s002")
    monkeypatch.chdir(tmp_path / "s002")
    namespace = {}
    for cell in read_notebook(out / "instructor" / "rfm-basics.ipynb")["cells"]:
        if cell["cell_type"] == "code":
            exec(cell["source"], namespace)
    results = namespace["checks"].results().set_index("exercise")
    assert (results.status == "recorded").all()  # the form is right; the values are the grader's to judge
    assert results.message.iloc[:3].str.contains("has the form the question asks for").all()
    recorded = json.loads((tmp_path / "s002" / "answers.json").read_text())
    key = json.loads((out / "instructor" / "answer_key.json").read_text())["s002"]
    assert recorded["messages"]["best_customers_forecast"].startswith("Your answer is recorded")
    world = ck.load_world(tmp_path / "s002" / "world")
    for exercise in RFM_BASICS.exercises:  # as the grader judges them: all right, the forecast as the naive one
        entry, answer = key[exercise.name], decode_answer(recorded["answers"][exercise.name])
        baseline = decode_answer(entry["baseline"]) if "baseline" in entry else None
        assert judge_answer(exercise, answer, decode_answer(entry["expected"]), {}, entry["rtol"], world,
                            baseline).correct, exercise.name


def test_assignment_checks_never_read_the_truth(tmp_path):
    world = ck.simulate("pschse", customers=200, seed=5, progress=False)  # a world that has its truth
    checks = assignment_checks(world, "rfm-basics", answers_file=tmp_path / "answers.json")
    result = checks.check("best_customers_forecast", 1.0)
    assert result.status == "recorded" and result.correct is None
    assert not hasattr(checks, "answer_key") and not hasattr(checks, "expected")


@pytest.mark.parametrize("seed, customers", [(1, 1500), (2, 1500), (3, 1000)])
def test_the_forecast_is_scored_against_the_naive_forecast_and_mistakes_are_named(seed, customers):
    world = world_of(seed, customers)
    entry = answer_key(world, RFM_BASICS)["best_customers_forecast"]
    truth, naive = decode_answer(entry["expected"]), decode_answer(entry["baseline"])
    mistakes = {name: decode_answer(value) for name, value in entry["mistakes"].items()}

    def judge(answer):
        return judge_answer(BEST_CUSTOMERS_FORECAST, answer, truth, mistakes, entry["rtol"], world, naive)

    assert judge(naive).correct and judge(naive).detail["score"] == 1.0 and judge(truth).detail["score"] == 1.0
    flat = pd.Series(float(truth.mean()), index=truth.index)  # everyone gets the average: knows nobody
    assert judge(flat).detail["score"] < 1.0
    halfway = judge(naive + (naive - truth) * 0.25)  # 1.25 times the naive error: half the points
    assert halfway.status == "partial" and halfway.detail["score"] == pytest.approx(0.5, abs=0.02)
    assert judge(naive.iloc[:-1]).status == "wrong_form" and judge(float(truth.sum())).status == "wrong_form"
    with_nan = naive.copy()
    with_nan.iloc[0] = float("nan")
    assert "not finite" in judge(with_nan).message
    for name, wrong in mistakes.items():
        assert (judge(wrong).status, judge(wrong).mistake) == ("mistake", name)


def test_knowing_nobody_scores_less_than_half_on_most_worlds():
    """The flat forecast (every best customer gets their mean) against the naive one, on eight
    worlds. Measured (world version 2, 1,000 customers, seeds 1-8): scores 0-0.10 on six, 0.44 on
    seed 2, 0.73 on seed 3, where last year's everyday spend happens to forecast the top tenth
    poorly."""
    scores = []
    for seed in range(1, 9):
        entry = answer_key(world_of(seed, 1000), RFM_BASICS)["best_customers_forecast"]
        truth, naive = decode_answer(entry["expected"]), decode_answer(entry["baseline"])
        flat = pd.Series(float(truth.mean()), index=truth.index)
        scores.append(score_forecast("f", flat, truth, naive, "last year").detail["score"])
    assert max(scores) < 1.0 and sorted(scores)[len(scores) // 2] < 0.5
    assert sum(score < 0.5 for score in scores) >= 6


def test_a_guess_shared_by_the_class_scores_less_than_half_for_most_of_30_students():
    """The class median of the answers (each customer id's median over the classmates' true
    values, the best a class pooling its answers could do) against each student's own world."""
    secret = b"m" * 32
    keys = [answer_key(ck.simulate("pschse", customers=600, seed=student_seed(secret, "crm101", "rfm-basics", f"s{i:03d}"),
                                   progress=False), RFM_BASICS)["best_customers_forecast"] for i in range(30)]
    truths = [decode_answer(k["expected"]) for k in keys]
    low = 0
    for i, key in enumerate(keys):
        classmates = pd.concat([t for j, t in enumerate(truths) if j != i], axis=1).median(axis=1)
        guess = classmates.reindex(truths[i].index).fillna(classmates.median())
        score = score_forecast("f", guess, truths[i], decode_answer(key["baseline"]), "naive").detail["score"]
        low += score < 0.5
    assert low >= 0.8 * len(keys)


# --- answers as JSON -------------------------------------------------------------------------

def test_answers_survive_json_with_their_types(built):
    world = ck.load_world(built[0] / "students" / "s001" / "world")
    monthly = world.orders.groupby(world.orders.ordered_at.dt.to_period("M").rename("month")).size()
    for value in (monthly, world.orders.head(20), world.orders.groupby(["channel", "service_issue"]).size(),
                  3.5, "gold", pd.Timestamp("2025-03-01"), None):
        copy = decode_answer(json.loads(json.dumps(encode_answer(value), allow_nan=False)))
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(copy, value)
        elif isinstance(value, pd.Series):
            pd.testing.assert_series_equal(copy, value, check_categorical=False)
        else:
            assert copy == value
    assert isinstance(decode_answer(encode_answer({"a": 1})), Unsupported)
    for broken in ({"kind": "series"}, {"kind": "scalar", "value": {"type": "int", "value": "7"}}, {"kind": "code"}, []):
        with pytest.raises(DataError, match="could not be read|unknown|holds"):
            decode_answer(broken)


# --- nbgrader --------------------------------------------------------------------------------

def test_the_nbgrader_export_is_accepted_by_nbgrader(built, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from crmkit.teach.nbgrader_export import export_nbgrader
    from crmkit.teach.notebook_files import read_notebook

    source = read_notebook(export_nbgrader(built[0], tmp_path / "course"))
    graded = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"] for c in source["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade")}
    assert {k: v["points"] for k, v in graded.items()} == {
        "orders_per_month_test": 2, "aov_last_year_test": 2, "top10_spenders_test": 3, "best_customers_forecast_answer": 3}
    assert graded["best_customers_forecast_answer"]["solution"]  # manually graded: tests must not see the truth
    assert all(v["locked"] and not v["solution"] for k, v in graded.items() if k.endswith("_test"))
    nbgrader = Path(sys.executable).parent / "nbgrader"
    if not nbgrader.exists():
        pytest.skip("nbgrader is not installed (the test extra installs it)")
    (tmp_path / "course" / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'crm101'\n")
    run = subprocess.run([str(nbgrader), "generate_assignment", "rfm-basics"], cwd=tmp_path / "course",
                         env={"PATH": f"{nbgrader.parent}:/usr/bin:/bin", "HOME": str(tmp_path)},
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    release = read_notebook(tmp_path / "course" / "release" / "rfm-basics" / "rfm-basics.ipynb")
    assert find_leaks(release, RFM_BASICS.template()) == []
    assert sum(c["metadata"].get("nbgrader", {}).get("points", 0) for c in release["cells"]) == RFM_BASICS.max_points
