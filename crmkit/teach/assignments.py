"""Per-student assignments: each student's own world and notebook, and the instructor's key.

``crmkit assignment build`` (:func:`build_assignment`) gives every student on a roster a
world of their own. Its seed is ``HMAC-SHA256(secret, "course|assignment|student_id")``
cut to 63 bits, keyed with a random instructor secret: without the secret nobody, the
student included, can make any student's world again, or its truth. The folder::

    out/students/<id>/<assignment>.ipynb   the student edition (solutions removed)
    out/students/<id>/world/               the observed tables only; no truth, no seed
    out/instructor/                        closed to others (chmod 700): the secret, the
        answer_key.json / .csv, manifest.json, roster.csv, the notebook with solutions

In the notebook, :func:`assignment_checks` checks at once the form of each answer and the
known mistakes, and holds no right answer (:mod:`crmkit.teach.assignment_checks`); every
value is graded from the key. Every check writes the answers so far to ``answers.json``,
which :mod:`crmkit.teach.grading` grades itself. The key, the secret and the instructor's
files are readable by their owner only (files 0600, folders 0700).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import pandas as pd
import yaml

from crmkit.errors import ConfigError
from crmkit.teach.answer_codec import decode_answer, encode_answer
from crmkit.teach.assignment_checks import AssignmentChecks
from crmkit.teach.assignment_library import Assignment, get_assignment
from crmkit.teach.describe import fmt
from crmkit.teach.diagnose import compare
from crmkit.teach.editions import find_leaks, student_edition
from crmkit.teach.exercise_set import ExerciseSet
from crmkit.teach.notebook_files import write_notebook
from crmkit.teach.roster import STUDENT_ID, read_roster
from crmkit.teach.target_folder import (
    check_target,
    private_folder,
    publish,
    staging_folder,
    write_private,
)
from crmkit.teach.views import WorldView

__all__ = ["student_seed", "load_secret", "read_roster", "build_assignment", "answer_key", "AssignmentChecks",
           "assignment_checks", "SECRET_ENV"]

SECRET_ENV = "CRMKIT_ASSIGNMENT_SECRET"
MIN_CUSTOMERS = 100
STUDENTS, INSTRUCTOR, WORLD = "students", "instructor", "world"
ANSWERS_FILE, KEY_FILE, MANIFEST_FILE, SECRET_FILE = "answers.json", "answer_key.json", "manifest.json", "secret.key"


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


def answer_key(world, spec: Assignment) -> dict:
    """Each question's reference answer on ``world`` (read with its truth), the answer each
    known mistake gives (encoded) and the relative tolerance to grade with:
    ``{question: {"expected": ..., "mistakes": {...}, "rtol": ...}}``. A question with a
    benchmark also holds the benchmark's answer (``"baseline"``), which it is scored against."""
    checks = ExerciseSet(world, spec.exercises, source="truth")
    key = {}
    for exercise in spec.exercises:
        expected = checks.expected(exercise.name)
        if not compare(expected, decode_answer(encode_answer(expected)), rtol=0, atol=0).ok:
            raise ConfigError(f"exercise {exercise.name!r}: its answer does not survive being written as JSON")
        key[exercise.name] = {"expected": encode_answer(expected), "rtol": exercise.rtol, "mistakes": {
            name: encode_answer(value) for name, value in exercise.mistake_answers(world, source="truth").items()}}
        if exercise.name in spec.benchmarks:  # scored against the naive forecast on this world
            key[exercise.name]["baseline"] = encode_answer(spec.benchmarks[exercise.name](WorldView(world, "observed")))
    return key


def build_assignment(course: str, assignment: str, roster, out: str | Path, *, template: str | None = None,
                     secret_file: str | Path | None = None, customers: int | None = None,
                     format: str = "parquet", progress: bool = False) -> dict:
    """Build every student's folder and the instructor's key; returns the instructor manifest.

    ``template`` names the shipped assignment (default: ``assignment``); ``secret_file``
    defaults to ``out/instructor/secret.key``. Building again with the same secret gives the
    same worlds. Everything is built in a temporary folder beside ``out`` and moved into
    place at the end: a build that fails leaves nothing behind (no secret, no empty folders).
    ``progress=True`` shows a progress bar, one step per student (on stderr).
    """
    spec = get_assignment(template or assignment)
    for label, value in (("course", course), ("assignment", assignment)):
        if not STUDENT_ID.fullmatch(str(value)):
            raise ConfigError(f"{label} = {value!r}: use 1-64 letters, digits, '.', '_' or '-'")
    customers = _checked_customers(customers, spec)
    roster = read_roster(roster)
    out = Path(out)
    check_target(out, course, assignment)
    secret_path = Path(secret_file) if secret_file else out / INSTRUCTOR / SECRET_FILE
    secret, new_secret = _secret_for(secret_path)
    with staging_folder(out) as staging:
        manifest = _build_into(staging, spec, course, assignment, roster, secret, customers, format, progress)
        if new_secret is not None:  # written last, and only when everything else was built
            _write_secret(staging / INSTRUCTOR / SECRET_FILE if secret_file is None else secret_path, new_secret)
        publish(staging, out)
    return manifest


def _build_into(staging: Path, spec: Assignment, course, assignment, roster, secret, customers, format,
                progress: bool = False) -> dict:
    from tqdm.auto import tqdm

    import crmkit as ck
    from crmkit.world.cases import load_config
    from crmkit.world.world import World

    instructor = private_folder(staging / INSTRUCTOR)
    solutions = spec.template()
    handout = student_edition(solutions, where=spec.notebook)
    if find_leaks(handout, solutions):
        raise ConfigError(f"{spec.notebook}: solution text survived in the student edition")
    notebook, seeds, key, warnings = f"{assignment}.ipynb", {}, {}, []
    (staging / STUDENTS).mkdir()
    config = load_config(spec.case, customers=customers)  # read once: every student's world has the same recipe
    for student in tqdm(roster["student_id"], desc="building", unit="student", disable=not progress):
        seeds[student] = student_seed(secret, course, assignment, student)
        world = ck.simulate(config, seed=seeds[student], progress=False)
        _write_student(staging / STUDENTS / student, world, handout, notebook, format)
        # The key is computed on the tables as the student loads them (a CSV round trip rounds times).
        handed_out = World(world.config, ck.load_world(staging / STUDENTS / student / WORLD).tables, dict(world.truth))
        key[student] = answer_key(handed_out, spec)
        warnings += _catalogue_clashes(key[student], spec, student)
    manifest = {"format": "crmkit-assignment/1", "course": course, "assignment": assignment, "template": spec.name,
                "case": spec.case, "customers": customers, "world_format": format, "notebook": notebook,
                "questions": [{"name": e.name, "points": spec.points[e.name], "uses_truth": e.uses_truth}
                              for e in spec.exercises],
                "students": list(roster["student_id"]), "seeds": seeds,
                "secret_id": hashlib.sha256(b"crmkit-secret-id|" + secret).hexdigest()[:16], "warnings": warnings}
    write_private(instructor / KEY_FILE, json.dumps(key, allow_nan=False).encode())
    write_private(instructor / "answer_key.csv", _key_table(key, spec).to_csv(index=False).encode())
    write_private(instructor / "roster.csv", roster.to_csv(index=False).encode())
    write_notebook(solutions, instructor / notebook).chmod(0o600)
    write_private(instructor / MANIFEST_FILE, (json.dumps(manifest, indent=1) + "\n").encode())
    return manifest


def _checked_customers(customers, spec: Assignment) -> int:
    if customers is None:
        return spec.customers
    least = max(MIN_CUSTOMERS, spec.min_customers)
    if isinstance(customers, bool) or not isinstance(customers, int) or customers < least:
        raise ConfigError(f"customers = {customers!r}: must be a whole number of at least {least} (every question of "
                          f"{spec.name} needs that many); leave it out for {spec.name}'s {spec.customers}")
    return customers


def _secret_for(path: Path) -> tuple[bytes, bytes | None]:
    """The secret, and the new secret to write when there is none yet (made in memory, written on success)."""
    if os.environ.get(SECRET_ENV) is not None or path.exists():
        return load_secret(path, create=False), None
    secret = secrets.token_bytes(32)
    return secret, secret


def _write_secret(path: Path, secret: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write(secret.hex() + "\n")


def _catalogue_clashes(key: dict, spec: Assignment, student: str) -> list[str]:
    """Known mistakes whose answer is the right one on this student's world (their message could never be
    shown): said as warnings, the build goes on. Read from the key, so nothing is computed twice."""
    warnings = []
    for exercise in spec.exercises:
        entry = key[exercise.name]
        expected = decode_answer(entry["expected"])
        for mistake, value in entry["mistakes"].items():
            if exercise.same_answer(expected, decode_answer(value)):
                warnings.append(f"{student}: Exercise {exercise.name!r}: mistake {mistake!r} gives the same answer as "
                                "the reference on this world, so its message could never be shown")
    return warnings


def _write_student(folder: Path, world, handout: dict, notebook: str, format: str) -> None:
    """The student's folder (inside the build's temporary folder, moved into place when all is built)."""
    from crmkit.world.world import World

    staging = folder
    staging.mkdir(mode=0o700)
    World(world.config.model_copy(update={"seed": 0}), world.tables, None).save(
        staging / WORLD, format=format, include_truth=False)
    _strip_seed(staging / WORLD)
    write_notebook(handout, staging / notebook)
    staging.chmod(0o700)  # closed to others, so one student's grading run cannot read another's


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


def assignment_checks(world, assignment: str, answers_file: str | Path = ANSWERS_FILE) -> AssignmentChecks:
    """The checks of the shipped assignment ``assignment`` on the student's ``world``: the
    answers' form and known mistakes only; the values are graded from the instructor's key."""
    spec = get_assignment(assignment)
    return AssignmentChecks(world, spec.exercises, assignment=spec.name, answers_file=answers_file)
