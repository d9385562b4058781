"""Writing files whole or not at all: write to a temporary name beside the file, then rename.

The one place the kit writes a single file atomically (worlds, whole folders, are written
to a temporary folder and renamed the same way by :mod:`crmkit.world.store`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | Path, data: bytes | str, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is made if missing.
    data : bytes or str
        The content (text is written as UTF-8).
    mode : int, optional
        Permission bits of the new file, e.g. ``0o600`` for an answer key. By default a
        replaced file keeps its bits and a new one gets ``0o644``.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomically(target, b"done").read_bytes()
    b'done'
    >>> oct(write_atomically(target, "secret", mode=0o600).stat().st_mode & 0o777)
    '0o600'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, mode)  # mkstemp makes 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
