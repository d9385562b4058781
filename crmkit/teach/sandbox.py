"""Run an untrusted notebook in a clean kernel, as an unprivileged user, with limits.

A submitted notebook is code a student wrote: it may raise, loop forever, eat memory, fork,
or try to read the answer key. :func:`run_notebook` gives it a fresh working folder holding
only what the caller copies in, then executes it with ``nbclient`` in a child process that,
before it starts, leaves the network (a new, empty network namespace), forbids gaining
privileges again, drops to a **fresh user id used by no account and no file** (so it can read
only world-readable files, never a ``chmod 700`` folder, nor another run's folder), and sets
CPU, memory, process, open-file and file-size limits. The wall clock is the parent's: at the
limit every process of that user id is killed. The environment is built from scratch, so no
secret in the grader's environment reaches the kernel. Only named files are collected back,
opened without following links and size-capped: whatever the notebook leaves behind is
untrusted data, never code. Without root, the run has the limits only and says so.

The module is also the child's entry point: ``python -m crmkit.teach.sandbox IN OUT SECONDS``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crmkit.errors import ConfigError
from crmkit.teach.confinement import SETUP_FAILED, confine, exposures, free_id, kill_tree, kill_user, remove_leftovers

__all__ = ["Limits", "Outcome", "run_notebook", "can_isolate", "read_untrusted", "RUN_STATUSES"]

#: What happened to a run (``Outcome.status``).
RUN_STATUSES = {
    "completed": "every cell ran without error",
    "cell_errors": "the notebook ran to the end, but some cells raised",
    "cell_timeout": "a cell ran past the per-cell limit and was interrupted; later cells still ran",
    "timeout": "the notebook ran past the wall-clock limit and was killed",
    "kernel_died": "the kernel died (CPU or memory limit, or the notebook ended it)",
    "crashed": "the runner failed (e.g. it ran out of memory storing huge outputs)",
}
NOTEBOOK_NAME, EXECUTED_NAME = "submission.ipynb", "executed.ipynb"
_RUNNER_EXIT = {0: "completed", 3: "kernel_died", 4: "crashed"}


@dataclass(frozen=True)
class Limits:
    """Limits for one run: wall clock and per-cell seconds, CPU seconds, bytes of address space
    per process, processes and threads of the user, open files, bytes per file written, and
    bytes collected per file."""

    wall_seconds: float = 300.0
    cell_seconds: float = 60.0
    cpu_seconds: int = 300
    memory_bytes: int = 4 * 2**30
    processes: int = 128
    open_files: int = 256
    file_bytes: int = 256 * 2**20
    collect_bytes: int = 20 * 2**20

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"Limits.{name} = {value!r}: must be a positive number")


@dataclass(frozen=True)
class Outcome:
    """How a run went: ``status`` (one of :data:`RUN_STATUSES`), a one-line ``message``, the
    ``seconds`` it took, whether it was ``isolated`` (ran as another user, off the network),
    the error names of the cells that raised, the ``files`` collected (name -> bytes;
    ``executed.ipynb`` is always tried) and the ``user_id`` it ran as (None when not isolated)."""

    status: str
    message: str
    seconds: float
    isolated: bool
    errors: tuple = ()
    files: Mapping = field(default_factory=dict)
    user_id: int | None = None


def can_isolate() -> bool:
    """Whether runs can switch to another user (the grader runs as root)."""
    return os.geteuid() == 0


def run_notebook(notebook: dict, inputs: Mapping[str, str | Path] | None = None, collect: Sequence[str] = (),
                 limits: Limits = Limits(), require_isolation: bool = False) -> Outcome:
    """Execute ``notebook`` (a dict in nbformat 4 layout) in a sandbox and collect files.

    Parameters
    ----------
    notebook : dict
        The notebook to run; its outputs are ignored.
    inputs : mapping of name to path
        Files or folders copied into the working folder under ``name`` (the notebook's
        current directory) before the run.
    collect : sequence of str
        Plain file names to read back from the working folder after the run.
    limits : Limits
    require_isolation : bool
        Raise :class:`ConfigError` instead of running with limits only when the process
        cannot switch user.
    """
    isolated = can_isolate()
    if require_isolation and not isolated:
        raise ConfigError("the sandbox needs root to run submissions as another user; run the grader as root "
                          "(or drop require_isolation to run with limits only)")
    base = Path(tempfile.mkdtemp(prefix="crmkit-sandbox-"))
    uid = free_id() if isolated else os.getuid()
    try:
        work = _prepare(base, notebook, inputs or {}, uid, isolated)
        started = time.monotonic()
        status, code = _execute(base, work, uid, isolated, limits)
        seconds = time.monotonic() - started
        files = {name: data for name in (*collect, EXECUTED_NAME)
                 if (data := read_untrusted(work / name, limits.collect_bytes, uid if isolated else None)) is not None}
    finally:
        kill_user(uid) if isolated else None
        shutil.rmtree(base, ignore_errors=True)
        if isolated:
            remove_leftovers(uid)
    errors = _error_names(files.get(EXECUTED_NAME))
    status = _refine(status, errors)
    return Outcome(status, _describe(status, code, errors, limits), round(seconds, 2), isolated, errors, files,
                   uid if isolated else None)


def read_untrusted(path: Path, max_bytes: int, owner: int | None = None) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, pipe or device) of at most
    ``max_bytes`` (and owned by ``owner`` when given); otherwise None. Never blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes or (owner is not None and info.st_uid != owner):
            return None
        data = file.read(max_bytes + 1)
    return data if len(data) <= max_bytes else None


def _prepare(base: Path, notebook: dict, inputs: Mapping, uid: int, isolated: bool) -> Path:
    """The working folder: inside ``base`` (ours, not writable by the sandbox user, so the
    folder cannot be swapped for a link), owned by the sandbox user, closed to others."""
    base.chmod(0o711)
    work = base / "work"
    work.mkdir()
    for name, source in inputs.items():
        if "/" in name or name in ("", ".", ".."):
            raise ConfigError(f"inputs: {name!r} must be a plain file or folder name")
        source = Path(source)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, work / name)
    cells = [{**_without_outputs(c), "id": f"cell-{i}"} for i, c in enumerate(notebook.get("cells", []))]
    text = json.dumps({**notebook, "nbformat": 4, "nbformat_minor": 5, "cells": cells})
    (work / NOTEBOOK_NAME).write_text(text, encoding="utf-8")
    for sub in ("tmp", ".runtime"):
        (work / sub).mkdir()
    if isolated:
        for path in [work, *work.rglob("*")]:
            os.lchown(path, uid, uid)
    work.chmod(0o700)
    return work


def _without_outputs(cell: dict) -> dict:
    return {**cell, "outputs": [], "execution_count": None} if cell.get("cell_type") == "code" else cell


def _environment(work: Path) -> dict[str, str]:
    """A fresh environment: nothing of the grader's (its secrets) reaches the kernel."""
    home = str(work)
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": home,
        "USER": "crmkit-sandbox", "LOGNAME": "crmkit-sandbox", "LANG": "C.UTF-8", "TMPDIR": f"{home}/tmp",
        "JUPYTER_RUNTIME_DIR": f"{home}/.runtime", "JUPYTER_CONFIG_DIR": f"{home}/.jupyter",
        "JUPYTER_PLATFORM_DIRS": "1", "IPYTHONDIR": f"{home}/.ipython", "MPLCONFIGDIR": f"{home}/.matplotlib",
        "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
        # One thread per library keeps the process limit meaningful and the memory use small.
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "ARROW_DEFAULT_MEMORY_POOL": "system",
    }


def _execute(base: Path, work: Path, uid: int, isolated: bool, limits: Limits) -> tuple[str, int | None]:
    command = [sys.executable, "-m", "crmkit.teach.sandbox", NOTEBOOK_NAME, EXECUTED_NAME, str(limits.cell_seconds),
               "ipc" if isolated else "tcp"]
    with open(base / "runner.log", "wb") as log:  # in our folder: the sandbox user cannot read it
        process = subprocess.Popen(command, cwd=work, env=_environment(work), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log, start_new_session=True,
                                   preexec_fn=confine(uid, isolated, limits, exposures(base) if isolated else []))
        try:
            code = process.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)
            kill_user(uid) if isolated else None
            process.wait()
            return "timeout", None
    if code in SETUP_FAILED:
        raise ConfigError(f"the sandbox could not be set up (exit {code}): network or mount namespaces, or "
                          "prctl, are not allowed here")
    return _RUNNER_EXIT.get(code, "kernel_died" if code < 0 else "crashed"), code


def _error_names(executed: bytes | None) -> tuple:
    """The error name of each cell that raised, in order (from the untrusted executed notebook)."""
    try:
        cells = json.loads(executed)["cells"] if executed else []
        return tuple(str(o.get("ename"))[:80] for c in cells if isinstance(c, dict)
                     for o in c.get("outputs", []) if isinstance(o, dict) and o.get("output_type") == "error")
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return ()


def _refine(status: str, errors: tuple) -> str:
    if status == "completed" and "CellTimeout" in errors:
        return "cell_timeout"
    return "cell_errors" if status == "completed" and errors else status


def _describe(status: str, code, errors: tuple, limits: Limits) -> str:
    raised = f"; cells raised: {', '.join(errors[:5])}" + (" ..." if len(errors) > 5 else "") if errors else ""
    memory = " (out of memory: MemoryError)" if "MemoryError" in errors else ""
    if status == "timeout":
        return f"killed after the wall-clock limit of {limits.wall_seconds:g} s{raised}"
    if status == "kernel_died":
        return f"the kernel died (exit {code}; CPU limit {limits.cpu_seconds} s, memory limit " \
               f"{limits.memory_bytes / 2**30:.1f} GiB){raised}"
    if status == "crashed":
        return f"the notebook runner failed (exit {code}){raised}"
    if status == "cell_timeout":
        return f"a cell ran past {limits.cell_seconds:g} s and was interrupted{raised}"
    return f"ran to the end{raised}{memory}"


def _main(argv: list[str]) -> int:
    """The child: execute the notebook with nbclient; 0 when it ran to the end, 3 when the
    kernel died, 4 when something else failed. The executed notebook is written in any case."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    source, target, seconds, transport = argv
    notebook = nbformat.read(source, as_version=4)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    timeout_error = {"ename": "CellTimeout", "evalue": f"this cell ran past {float(seconds):g} s and was interrupted",
                     "traceback": [f"CellTimeout: this cell ran past {float(seconds):g} s and was interrupted"]}

    def show_timeout(cell, cell_index, execute_reply):
        # nbclient answers a timed-out cell with this error but puts nothing in its outputs.
        if execute_reply.get("content", {}).get("ename") == "CellTimeout":
            cell.outputs.append(nbformat.v4.new_output("error", **{k: timeout_error[k] for k in ("ename", "evalue", "traceback")}))

    client = NotebookClient(notebook, km=AsyncKernelManager(kernel_name="python3", transport=transport),
                            timeout=float(seconds), allow_errors=True, interrupt_on_timeout=True,
                            error_on_timeout=timeout_error, startup_timeout=60, record_timing=False,
                            on_cell_error=show_timeout, resources={"metadata": {"path": os.getcwd()}})
    code = 0
    try:
        client.execute()
    except DeadKernelError:
        code = 3
    except Exception as error:  # the runner reports, it does not judge
        print(f"runner: {type(error).__name__}: {error}", file=sys.stderr)
        code = 4
    nbformat.write(notebook, target)
    return code


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
