"""Per-student assignments: each student's own world and notebook, and the instructor's key.

``crmkit assignment build`` (:func:`build_assignment`) gives every student on a roster a
world of their own. Its seed is ``HMAC-SHA256(secret, "course|assignment|student_id")``
cut to 63 bits, keyed with a random instructor secret: without the secret nobody, the
student included, can make any student's world again, or its truth. The folder::

    out/students/<id>/<assignment>.ipynb   the student edition (solutions removed)
    out/students/<id>/world/               the observed tables only; no truth, no seed
    out/instructor/                        closed to others (chmod 700): the secret, the
        answer_key.json / .csv, manifest.json, roster.csv, the notebook with solutions

In the notebook, :func:`assignment_checks` gives instant checks on the student's observed
tables (``source="observed"``); a question scored against the truth is recorded and graded
from the key. Every check writes the answers so far to ``answers.json``, which
:mod:`crmkit.teach.grading` re-checks itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
from pathlib import Path

import pandas as pd
import yaml

from crmkit.errors import ConfigError, DataError
from crmkit.teach.answer_codec import decode_answer, encode_answer
from crmkit.teach.assignment_library import Assignment, get_assignment
from crmkit.teach.describe import fmt
from crmkit.teach.diagnose import compare
from crmkit.teach.editions import find_leaks, student_edition
from crmkit.teach.exercise_set import ExerciseSet
from crmkit.teach.notebook_files import _write_atomically, write_notebook
from crmkit.teach.views import WorldView

__all__ = ["student_seed", "load_secret", "read_roster", "build_assignment", "answer_key", "AssignmentChecks",
           "assignment_checks", "SECRET_ENV"]

SECRET_ENV = "CRMKIT_ASSIGNMENT_SECRET"
STUDENTS, INSTRUCTOR, WORLD = "students", "instructor", "world"
ANSWERS_FILE, KEY_FILE, MANIFEST_FILE, SECRET_FILE = "answers.json", "answer_key.json", "manifest.json", "secret.key"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def student_seed(secret: bytes, course: str, assignment: str, student_id: str) -> int:
    """The seed of a student's world: HMAC-SHA256 of ``course|assignment|student_id`` keyed
    with ``secret``, as a 63-bit integer.

    >>> student_seed(b"k" * 32, "crm101", "rfm-basics", "s001") == student_seed(b"k" * 32, "crm101", "rfm-basics", "s001")
    True
    >>> student_seed(b"k" * 32, "crm101", "rfm-basics", "s001") != student_seed(b"k" * 32, "crm101", "rfm-basics", "s002")
    True
    """
    if len(secret) < 16:
        raise ConfigError(f"the instructor secret has {len(secret)} bytes; it needs at least 16")
    digest = hmac.new(secret, f"{course}|{assignment}|{student_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def load_secret(path: str | Path, create: bool = True) -> bytes:
    """The instructor secret: from the environment variable ``CRMKIT_ASSIGNMENT_SECRET`` (hex)
    if set, else from ``path`` (hex text), which is created with 32 random bytes (readable by
    its owner only) when missing and ``create`` is true."""
    text = os.environ.get(SECRET_ENV)
    path = Path(path)
    if text is None and not path.exists() and create:
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_hex(32) + "\n")
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"cannot read the instructor secret {str(path)!r}: {error.strerror}") from None
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigError(f"the instructor secret ({SECRET_ENV} or {str(path)!r}) must be hex text") from None
    if len(secret) < 16:
        raise ConfigError(f"the instructor secret has {len(secret)} bytes; it needs at least 16 (32 hex digits)")
    return secret


def read_roster(path: str | Path) -> pd.DataFrame:
    """The roster CSV: a ``student_id`` column (letters, digits, ``.``, ``_``, ``-``; unique),
    other columns kept as they are.

    >>> import io
    >>> read_roster(io.StringIO("student_id,name\\ns001,Ada\\ns002,Bo\\n")).student_id.tolist()
    ['s001', 's002']
    """
    roster = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "student_id" not in roster.columns:
        raise DataError(f"roster: no 'student_id' column (columns: {', '.join(roster.columns)})")
    roster["student_id"] = roster["student_id"].str.strip()
    bad = [i for i in roster["student_id"] if not _ID.fullmatch(i)]
    if bad:
        raise DataError(f"roster: student_id {bad[0]!r} is not allowed; use 1-64 letters, digits, '.', '_' or '-', "
                        "starting with a letter or digit")
    repeated = roster["student_id"][roster["student_id"].duplicated()]
    if len(repeated):
        raise DataError(f"roster: student_id {repeated.iloc[0]!r} appears more than once")
    if roster.empty:
        raise DataError("roster: no students")
    return roster


def answer_key(world, spec: Assignment) -> dict:
    """Each question's reference answer on ``world`` (read with its truth), the answer each
    known mistake gives (encoded) and the relative tolerance to grade with:
    ``{question: {"expected": ..., "mistakes": {...}, "rtol": ...}}``. A question with a
    benchmark gets at least the benchmark's relative error on this world as its tolerance."""
    checks = ExerciseSet(world, spec.exercises, source="truth")
    key = {}
    for exercise in spec.exercises:
        expected = checks.expected(exercise.name)
        if not compare(expected, decode_answer(encode_answer(expected)), rtol=0, atol=0).ok:
            raise ConfigError(f"exercise {exercise.name!r}: its answer does not survive being written as JSON")
        rtol = exercise.rtol
        if exercise.name in spec.benchmarks:
            benchmark = float(spec.benchmarks[exercise.name](WorldView(world, "observed")))
            rtol = max(rtol, abs(benchmark - float(expected)) / abs(float(expected)) + 1e-9)
        key[exercise.name] = {"expected": encode_answer(expected), "rtol": rtol, "mistakes": {
            name: encode_answer(value) for name, value in exercise.mistake_answers(world, source="truth").items()}}
    return key


def build_assignment(course: str, assignment: str, roster, out: str | Path, *, template: str | None = None,
                     secret_file: str | Path | None = None, customers: int | None = None,
                     format: str = "parquet") -> dict:
    """Build every student's folder and the instructor's key; returns the instructor manifest.

    ``template`` names the shipped assignment (default: ``assignment``); ``secret_file``
    defaults to ``out/instructor/secret.key``. Building again with the same secret gives the
    same worlds.
    """
    import crmkit as ck
    from crmkit.world.world import World

    spec = get_assignment(template or assignment)
    for label, value in (("course", course), ("assignment", assignment)):
        if not _ID.fullmatch(str(value)):
            raise ConfigError(f"{label} = {value!r}: use 1-64 letters, digits, '.', '_' or '-'")
    roster = read_roster(roster)
    out = Path(out)
    instructor = _private_folder(out / INSTRUCTOR)
    _check_previous(instructor / MANIFEST_FILE, course, assignment)
    secret = load_secret(secret_file or instructor / SECRET_FILE)
    solutions = spec.template()
    handout = student_edition(solutions, where=spec.notebook)
    if find_leaks(handout, solutions):
        raise ConfigError(f"{spec.notebook}: solution text survived in the student edition")
    notebook, seeds, key, warnings = f"{assignment}.ipynb", {}, {}, []
    (out / STUDENTS).mkdir(parents=True, exist_ok=True)
    for student in roster["student_id"]:
        seeds[student] = student_seed(secret, course, assignment, student)
        world = ck.simulate(spec.case, customers=customers or spec.customers, seed=seeds[student], progress=False)
        _write_student(out / STUDENTS / student, world, handout, notebook, format)
        # The key is computed on the tables as the student loads them (a CSV round trip rounds times).
        handed_out = World(world.config, ck.load_world(out / STUDENTS / student / WORLD).tables, dict(world.truth))
        key[student] = answer_key(handed_out, spec)
        warnings += _catalogue_clashes(handed_out, spec, student)
    manifest = {"format": "crmkit-assignment/1", "course": course, "assignment": assignment, "template": spec.name,
                "case": spec.case, "customers": customers or spec.customers, "world_format": format, "notebook": notebook,
                "questions": [{"name": e.name, "points": spec.points[e.name], "uses_truth": e.uses_truth}
                              for e in spec.exercises],
                "students": list(roster["student_id"]), "seeds": seeds,
                "secret_id": hashlib.sha256(b"crmkit-secret-id|" + secret).hexdigest()[:16], "warnings": warnings}
    _write_atomically(instructor / KEY_FILE, json.dumps(key, allow_nan=False).encode())
    _write_atomically(instructor / "answer_key.csv", _key_table(key, spec).to_csv(index=False).encode())
    _write_atomically(instructor / "roster.csv", roster.to_csv(index=False).encode())
    write_notebook(solutions, instructor / notebook)
    _write_atomically(instructor / MANIFEST_FILE, (json.dumps(manifest, indent=1) + "\n").encode())
    return manifest


def _private_folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _check_previous(manifest: Path, course: str, assignment: str) -> None:
    if manifest.exists():
        previous = json.loads(manifest.read_text(encoding="utf-8"))
        if (previous.get("course"), previous.get("assignment")) != (course, assignment):
            raise ConfigError(f"{manifest.parent.parent} already holds {previous.get('course')}/"
                              f"{previous.get('assignment')}; build {course}/{assignment} into another folder")


def _catalogue_clashes(world, spec: Assignment, student: str) -> list[str]:
    try:
        ExerciseSet(world, spec.exercises, source="truth").validate()
        return []
    except ConfigError as error:  # a mistake that equals the answer on this world: say so, keep building
        return [f"{student}: {error}"]


def _write_student(folder: Path, world, handout: dict, notebook: str, format: str) -> None:
    """The student's folder, built beside its place and renamed into it (never half-written)."""
    from crmkit.world.world import World

    staging = folder.with_name(f".{folder.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    World(world.config.model_copy(update={"seed": 0}), world.tables, None).save(
        staging / WORLD, format=format, include_truth=False)
    _strip_seed(staging / WORLD)
    write_notebook(handout, staging / notebook)
    staging.chmod(0o700)  # closed to others, so one student's grading run cannot read another's
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)


def _strip_seed(world_folder: Path) -> None:
    """Remove the seed from the saved config and manifest (the store writes one)."""
    config = yaml.safe_load((world_folder / "world.yaml").read_text(encoding="utf-8"))
    config.pop("seed", None)
    (world_folder / "world.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    manifest = json.loads((world_folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("seed", None)
    (world_folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _key_table(key: dict, spec: Assignment) -> pd.DataFrame:
    """The key for reading: one row per student and question, the answer in short."""
    uses_truth = {e.name: e.uses_truth for e in spec.exercises}
    rows = [{"student_id": student, "question": name, "points": spec.points[name], "uses_truth": uses_truth[name],
             "answer": _short(decode_answer(entry["expected"])), "tolerance": round(entry["rtol"], 4)}
            for student, questions in key.items() for name, entry in questions.items()]
    return pd.DataFrame(rows)


def _short(value) -> str:
    if isinstance(value, (pd.Series, pd.DataFrame)):
        head = value.head(5).to_dict() if isinstance(value, pd.Series) else value.head(3).to_dict("index")
        text = f"{type(value).__name__} of {len(value)}: " + ", ".join(f"{fmt(k)}: {v}" for k, v in head.items())
        return text[:300]
    return f"{value:.4f}" if isinstance(value, float) else fmt(value)


class AssignmentChecks(ExerciseSet):
    """An assignment's checks: on the observed tables only (``source="observed"``), and each
    check also writes the answers recorded so far to ``answers_file`` (whole or not at all),
    so a notebook that later crashes still hands in what it answered.
    """

    def __init__(self, world, exercises, *, assignment: str = "", answers_file: str | Path = ANSWERS_FILE):
        super().__init__(world, exercises, source="observed")
        self.assignment, self.answers_file = assignment, Path(answers_file)

    def check(self, name: str, answer):
        result = super().check(name, answer)
        self.save()
        return result

    def save(self) -> Path:
        """Write the answers and the messages shown to ``answers_file``."""
        results = self.results().set_index("exercise")
        attempted = [n for n in self.names if results.at[n, "attempts"] > 0]
        payload = {"format": "crmkit-answers/1", "assignment": self.assignment,
                   "answers": {n: encode_answer(self.answer(n)) for n in attempted},
                   "messages": {n: str(results.at[n, "message"]) for n in attempted}}
        return _write_atomically(self.answers_file, json.dumps(payload, allow_nan=False).encode())


def assignment_checks(world, assignment: str, answers_file: str | Path = ANSWERS_FILE) -> AssignmentChecks:
    """The checks of the shipped assignment ``assignment`` on the student's ``world``."""
    spec = get_assignment(assignment)
    return AssignmentChecks(world, spec.exercises, assignment=spec.name, answers_file=answers_file)
