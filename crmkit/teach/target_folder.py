"""Where ``crmkit assignment build`` writes: a temporary folder beside the target, moved into place at the end.

A build that fails (a bad setting, a full disk, Ctrl-C) removes its temporary folder and
the parent folders it made, and nothing else: no secret and no empty folders stay behind.
Building again into a folder built before replaces only what the build writes (each
student's folder, the instructor's files) and keeps the rest (the grades). A folder that
holds ``students/`` or ``instructor/`` the kit did not write is refused, never merged into.
Instructor files are readable by their owner only (0600 in 0700 folders).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from crmkit._files import write_atomically
from crmkit.errors import ConfigError

__all__ = ["check_target", "staging_folder", "publish", "private_folder", "write_private"]

STUDENTS, INSTRUCTOR, MANIFEST_FILE = "students", "instructor", "manifest.json"


def check_target(out: Path, course: str, assignment: str) -> None:
    """Refuse ``out`` unless it is new, holds no ``students/``/``instructor/``, or is a build of the same assignment."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"out = {str(out)!r} is a file; give a new folder or one built before for {course}/{assignment}")
    manifest = out / INSTRUCTOR / MANIFEST_FILE
    if manifest.exists():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if (previous.get("course"), previous.get("assignment")) != (course, assignment):
            raise ConfigError(f"out = {str(out)!r} already holds {previous.get('course')}/{previous.get('assignment')}; "
                              f"build {course}/{assignment} into another folder")
    elif any((out / name).exists() for name in (STUDENTS, INSTRUCTOR)):
        raise ConfigError(f"out = {str(out)!r} holds a students/ or instructor/ folder that crmkit did not build; "
                          "choose a new or empty folder")


@contextlib.contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A fresh folder beside ``out`` to build in; removed (with the parents it made) when the build fails."""
    made = [p for p in (out.parent, *out.parent.parents) if not p.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building-{secrets.token_hex(4)}"
    staging.mkdir(mode=0o700)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for parent in made:  # innermost first; only the empty folders this build made
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out: Path) -> None:
    """Move what was built in ``staging`` to ``out``: all at once when ``out`` is new or empty,
    otherwise each student's folder and each instructor file in turn."""
    staging.chmod(0o755)  # as a folder made with mkdir; the students' and instructor's folders inside stay closed
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        if out.exists():
            out.rmdir()
        staging.rename(out)
        return
    private_folder(out / INSTRUCTOR)
    (out / STUDENTS).mkdir(exist_ok=True)
    for built in sorted((staging / STUDENTS).iterdir()):
        target = out / STUDENTS / built.name
        if target.exists():
            old = staging / f".old-{built.name}"
            target.rename(old)  # the old folder goes away with the staging folder
        built.rename(target)
    for built in sorted((staging / INSTRUCTOR).iterdir()):
        os.replace(built, out / INSTRUCTOR / built.name)


def private_folder(path: Path) -> Path:
    """``path`` made (with parents) and closed to others (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write ``path`` whole or not at all, readable by its owner only (0600)."""
    return write_atomically(path, data, mode=0o600)
