"""The operating-system side of the sandbox: a fresh user id, namespaces, limits, clean-up.

:func:`confine` returns the function a child process runs between ``fork`` and ``exec``
(as root): it leaves the network (a new, empty network namespace), hides folders other
users cannot enter except the ones the kernel needs (a pyenv under ``/root``, say, is
mounted back into an empty folder in a private mount namespace), forbids gaining
privileges (``PR_SET_NO_NEW_PRIVS``, so no set-uid program helps), sets the resource
limits, and drops every group and the user to the fresh id. :func:`kill_user` and
:func:`remove_leftovers` end every process and remove every temporary file that id left.
Linux only.
"""

from __future__ import annotations

import ctypes
import os
import resource
import secrets
import shutil
import signal
import stat
import sys
import time
from pathlib import Path

from crmkit.errors import ConfigError

__all__ = ["UID_RANGE", "free_id", "exposures", "confine", "processes_of", "kill_user", "kill_tree", "remove_leftovers",
           "SETUP_FAILED"]

UID_RANGE = (2_000_000_000, 2_100_000_000)  # far above any account; also used as the group id
#: Exit codes of a child whose confinement failed (network namespace, prctl, mounts).
SETUP_FAILED = (120, 121, 122)
_CLONE_NEWNS, _CLONE_NEWNET, _PR_SET_NO_NEW_PRIVS = 0x00020000, 0x40000000, 38
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE, _MNT_DETACH = 2, 4, 4096, 16384, 1 << 18, 2


def free_id() -> int:
    """A random user id that no account, process or file in the places we clean uses."""
    import pwd

    for _ in range(100):
        uid = UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if not processes_of(uid):
                return uid
    raise ConfigError("could not find a free user id for the sandbox")


def exposures(base: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Folders the kernel needs (Python, the virtualenv, crmkit) that lie under a folder other
    users cannot enter (e.g. a pyenv under ``/root``): ``[(closed folder, [(needed folder,
    staging mount point)])]``. The child hides each closed folder under an empty one and
    mounts only the needed folders back into it."""
    import crmkit

    from importlib.resources import files

    # The case configurations and datasets are data packages that an editable install
    # maps from the checkout's top level, outside the crmkit folder.
    data = [str(files(name)) for name in ("crmkit._case_studies", "crmkit._datasets")]
    needed = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, Path(sys.executable).resolve().parent,
                                             Path(crmkit.__file__).parent, *data)}
    closed: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(needed):
        parts = Path(path).parts
        blocker = next((str(Path(*parts[:i])) for i in range(2, len(parts))
                        if not os.stat(Path(*parts[:i])).st_mode & stat.S_IXOTH), None)
        if blocker and not any(path.startswith(other + "/") for other in needed if other != path):
            staging = base / f"expose-{len(sum(closed.values(), []))}"
            staging.mkdir(mode=0o700)
            closed.setdefault(blocker, []).append((path, str(staging)))
    return sorted(closed.items())


def confine(uid: int, isolated: bool, limits, hidden: list):
    """The function the child runs before ``exec``: leave the network, hide closed folders
    (``hidden``, from :func:`exposures`), forbid new privileges, set ``limits`` (a
    :class:`crmkit.teach.sandbox.Limits`), drop to ``uid``."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]

    def mount(source, target, kind, flags, data=None):
        if libc.mount(source and source.encode(), target.encode(), kind and kind.encode(), flags,
                      data and data.encode()) != 0:
            os._exit(122)

    def expose():
        if libc.unshare(_CLONE_NEWNS) != 0:
            os._exit(122)
        mount(None, "/", None, _MS_REC | _MS_PRIVATE)  # nothing we mount reaches the machine
        for _, paths in hidden:
            for path, staging in paths:
                mount(path, staging, None, _MS_BIND | _MS_REC)
        for closed, paths in hidden:
            mount("tmpfs", closed, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=1m")
            for path, staging in paths:
                os.makedirs(path, mode=0o755, exist_ok=True)
                mount(staging, path, None, _MS_BIND | _MS_REC)
                libc.umount2(staging.encode(), _MNT_DETACH)
    rlimits = [(resource.RLIMIT_CPU, int(limits.cpu_seconds), int(limits.cpu_seconds) + 5),
               (resource.RLIMIT_AS, int(limits.memory_bytes), int(limits.memory_bytes)),
               (resource.RLIMIT_NOFILE, int(limits.open_files), int(limits.open_files)),
               (resource.RLIMIT_FSIZE, int(limits.file_bytes), int(limits.file_bytes)),
               (resource.RLIMIT_CORE, 0, 0)]
    if isolated:  # counted per user: only meaningful for a user of our own
        rlimits.append((resource.RLIMIT_NPROC, int(limits.processes), int(limits.processes)))

    def child():
        if isolated:
            if libc.unshare(_CLONE_NEWNET) != 0:
                os._exit(120)
            if hidden:
                expose()
            if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
                os._exit(121)
        for kind, soft, hard in rlimits:
            resource.setrlimit(kind, (soft, hard))
        if isolated:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
    return child


def processes_of(uid: int) -> list[int]:
    """Living (not zombie) processes whose real user id is ``uid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if int(fields.get("Uid", "-1 ").split()[0]) == uid and not fields.get("State", "").strip().startswith("Z"):
                found.append(int(entry))
    return found


def kill_user(uid: int) -> None:
    """Kill every process of the sandbox user until none is left (a fork bomb is bounded by
    the process limit, and a killed process cannot fork)."""
    for _ in range(200):
        pids = processes_of(uid)
        if not pids:
            return
        for pid in pids:
            _send_kill(pid)
        time.sleep(0.02)


def kill_tree(pid: int) -> None:
    """Kill a process and its descendants (the kernel runs in a session of its own)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        try:
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) if entry.isdigit() else None
        except (OSError, IndexError, ValueError):
            continue
        if parent is not None:
            children.setdefault(parent, []).append(int(entry))
    todo, tree = [pid], []
    while todo:
        tree.append(todo.pop())
        todo += children.get(tree[-1], [])
    for member in tree:
        _send_kill(member)


def _send_kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def remove_leftovers(uid: int) -> None:
    """Remove what the sandbox user left in the shared temporary folders."""
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
