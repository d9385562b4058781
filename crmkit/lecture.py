"""Lecture mode: show a lesson as slides (RISE in JupyterLab) or as a widget-only page (Voilà).

Both run offline on the lecturer's laptop: JupyterLab, jupyterlab-rise and Voilà serve their
own scripts, so a projector in a room without internet works. From Python::

    from crmkit.lecture import present
    present("notebooks/14_pschse_implementation_project.ipynb", mode="widgets")

or from a terminal (``python -m crmkit.lecture --help``)::

    python -m crmkit.lecture present notebooks/00_start_here.ipynb --mode slides
    python -m crmkit.lecture check notebooks/*.ipynb           # cells without a slide type
    python -m crmkit.lecture add-slide-metadata notebooks/*.ipynb

To hand slides out (e-mail, LMS, a lectern PC without internet), ``crmkit present LESSON
--to html`` writes one self-contained reveal.js file instead (:mod:`crmkit.lecture_html`).

RISE builds the slides from each cell's ``metadata.slideshow.slide_type``; a lesson without
it shows as one long slide, so :func:`missing_slide_metadata` checks for it and
:func:`add_slide_metadata` proposes it from the headings.
"""

from __future__ import annotations

import argparse
import copy
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

from crmkit._files import write_atomically
from crmkit.errors import ConfigError, DataError, describe_allowed

__all__ = ["MODES", "SLIDE_TYPES", "present", "present_command", "missing_slide_metadata", "add_slide_metadata"]

MODES = ("slides", "widgets")
# The slide types RISE understands ("-" continues the current slide).
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")
# JupyterLab-only extensions that have nothing to show in Voila (their own buttons and panels):
# loading them slows the page and logs errors.
_NOT_IN_VOILA = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "jupyterlab-rise",
                 "@voila-dashboards/jupyterlab-preview"]
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s", flags=re.MULTILINE)


def _notebook_path(notebook) -> Path:
    path = Path(notebook)
    if path.suffix != ".ipynb" or not path.is_file():
        raise DataError(f"notebook: {str(notebook)!r} is not an existing .ipynb file; pass the path of a lesson, "
                        "e.g. 'notebooks/00_start_here.ipynb'")
    return path.resolve()


def present_command(notebook, mode: str = "slides", port: int | None = None, open_browser: bool = True) -> list[str]:
    """The command line that shows a lesson as slides or as a widget-only page.

    ``mode="slides"`` starts JupyterLab on the lesson's folder and opens the lesson in RISE's
    presenter (``/rise/<lesson>``); ``mode="widgets"`` starts Voilà, which runs the lesson
    and shows its text, outputs and live widgets without any code (``--strip_sources=True``;
    run as ``python -m crmkit.lecture voila ...``, which is Voila with one fix, see
    ``_run_voila``). Both listen on 127.0.0.1 only.

    Parameters
    ----------
    notebook : str or Path
        An existing ``.ipynb`` file.
    mode : {"slides", "widgets"}
    port : int, optional
        Port to listen on (default: the tool's own, 8888 or 8866).
    open_browser : bool
        Open the lecturer's browser on the page.

    Returns
    -------
    list of str
        The command (program first), ready for :func:`subprocess.run`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lesson = pathlib.Path(tempfile.mkdtemp()) / "lesson.ipynb"
    >>> _ = lesson.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    >>> command = present_command(lesson, mode="widgets", port=8870, open_browser=False)
    >>> command[1:4], "--strip_sources=True" in command, "--port=8870" in command
    (['-m', 'crmkit.lecture', 'voila'], True, True)
    >>> "--LabApp.default_url=/rise/lesson.ipynb" in present_command(lesson, mode="slides")
    True
    """
    if mode not in MODES:
        raise ConfigError(f"mode: {mode!r} is not a lecture mode; allowed: {describe_allowed(MODES)}")
    path = _notebook_path(notebook)
    if mode == "widgets":
        # Voila, started through this module for the fix in _run_voila.
        command = [sys.executable, "-m", "crmkit.lecture", "voila", str(path), "--strip_sources=True",
                   "--Voila.ip=127.0.0.1", *(f"--VoilaConfiguration.extension_denylist={x}" for x in _NOT_IN_VOILA)]
        port_option = "--port"
    else:
        command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={path.parent}",
                   "--ServerApp.ip=127.0.0.1", f"--LabApp.default_url=/rise/{path.name}"]
        port_option = "--ServerApp.port"
    if port is not None:
        command.append(f"{port_option}={port}")
    if not open_browser:
        command.append("--no-browser")
    return command


def present(notebook, mode: str = "slides", port: int | None = None, launch: bool = True) -> list[str]:
    """Show a lesson to a room: print the command and (by default) run it until Ctrl-C.

    See :func:`present_command` for the modes. ``launch=False`` only prints the command,
    for a lecturer who wants to start it by hand.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lesson = pathlib.Path(tempfile.mkdtemp()) / "lesson.ipynb"
    >>> _ = lesson.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    >>> command = present(lesson, mode="widgets", launch=False)  # doctest: +ELLIPSIS
    $ ... -m crmkit.lecture voila .../lesson.ipynb --strip_sources=True --Voila.ip=127.0.0.1 ...
    """
    command = present_command(notebook, mode=mode, port=port)
    print("$", shlex.join(command))
    if launch:
        try:
            subprocess.run(command, check=False)
        except KeyboardInterrupt:  # Ctrl-C is how a lecturer ends the session
            pass
    return command


def _read(notebook):
    import nbformat  # heavy; only needed here

    if isinstance(notebook, dict):
        return nbformat.from_dict(copy.deepcopy(notebook))
    return nbformat.read(_notebook_path(notebook), as_version=4)


def missing_slide_metadata(notebook) -> list[int]:
    """Positions of the cells without a valid ``metadata.slideshow.slide_type``.

    Parameters
    ----------
    notebook : str, Path or dict
        A ``.ipynb`` file or a notebook already read (``nbformat`` node or plain dict).

    Returns
    -------
    list of int
        0-based cell positions; empty when every cell has one of :data:`SLIDE_TYPES`.

    Examples
    --------
    >>> nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    ...     {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "slide"}}, "source": "# Hi"},
    ...     {"cell_type": "markdown", "metadata": {}, "source": "text"}]}
    >>> missing_slide_metadata(nb)
    [1]
    """
    cells = _read(notebook).cells
    return [i for i, cell in enumerate(cells)
            if cell.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]


def _proposed_slide_types(cells) -> list[str]:
    # The first heading opens the deck; later headings are subslides; the rest continue.
    heading_seen = False
    types = []
    for cell in cells:
        is_heading = cell.cell_type == "markdown" and bool(_HEADING.search(cell.source))
        types.append(("subslide" if heading_seen else "slide") if is_heading else "-")
        heading_seen = heading_seen or is_heading
    return types


def add_slide_metadata(notebook, out=None):
    """A copy of a lesson with a slide type on every cell that has none.

    The first markdown cell with a heading becomes a ``slide``, every later heading cell a
    ``subslide``, and all other cells continue the current one (``-``). Cells that already
    have a valid slide type keep it. The input is never changed.

    Parameters
    ----------
    notebook : str, Path or dict
        A ``.ipynb`` file or a notebook already read.
    out : str or Path, optional
        Where to write the result (written to a temporary name, then renamed, so a failure
        never leaves half a notebook). Pass the input path to update a lesson in place.

    Returns
    -------
    nbformat.NotebookNode
        The notebook with slide metadata.

    Examples
    --------
    >>> nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    ...     {"cell_type": "markdown", "metadata": {}, "source": "# Lesson"},
    ...     {"cell_type": "code", "metadata": {}, "source": "1 + 1", "outputs": [], "execution_count": None},
    ...     {"cell_type": "markdown", "metadata": {}, "source": "## Part 2"}]}
    >>> [c.metadata["slideshow"]["slide_type"] for c in add_slide_metadata(nb).cells]
    ['slide', '-', 'subslide']
    >>> missing_slide_metadata(nb)  # the input is unchanged
    [0, 1, 2]
    """
    nb = _read(notebook)
    for cell, proposed in zip(nb.cells, _proposed_slide_types(nb.cells)):
        if cell.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES:
            cell.metadata.setdefault("slideshow", {})["slide_type"] = proposed
    if out is not None:
        import nbformat

        text = nbformat.writes(nb)
        write_atomically(out, text if text.endswith("\n") else text + "\n")  # as nbformat.write ends it
    return nb


_REPOLL_SECONDS = 0.5


def _run_voila(argv: list[str]) -> int:
    """Voila, waiting for kernel replies in short polls.

    Voila 0.5 runs a lesson with nbclient, whose stand-in for the Output widget (used by
    ``interact``) sends on the kernel's shell socket without awaiting the send. While Voila
    is busy (the browser loading files), that send can swallow the wake-up of the poll
    waiting for the cell's reply, and the page stays on "Executing 21 of 31" forever
    (voila-dashboards/voila#1428, jupyter/jupyter_client#1010). Measured here: 2 of 2 page
    loads hung under load, 0 of 5 with short polls, which find the waiting reply next time.
    """
    from queue import Empty

    from jupyter_client.channels import AsyncZMQSocketChannel
    from voila.app import Voila

    async def get_msg(channel, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = _REPOLL_SECONDS if deadline is None else max(0.0, deadline - time.monotonic())
            if await channel.socket.poll(int(min(left, _REPOLL_SECONDS) * 1000)):
                return await channel._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty

    AsyncZMQSocketChannel.get_msg = get_msg
    Voila.launch_instance(argv)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m crmkit.lecture``: present a lesson, or check / add slide metadata.

    ``python -m crmkit.lecture voila ...`` runs Voila itself (see :func:`present_command`)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["voila"]:  # Voila's own options follow; argparse would reject them
        return _run_voila(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m crmkit.lecture", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("present", help="show a lesson as slides (RISE) or widgets only (Voila)")
    show.add_argument("notebook")
    show.add_argument("--mode", default="slides", choices=MODES)
    show.add_argument("--port", type=int)
    show.add_argument("--dry-run", action="store_true", help="print the command without running it")
    check = sub.add_parser("check", help="list the cells without a slide type (exit 1 if any)")
    check.add_argument("notebooks", nargs="+")
    add = sub.add_parser("add-slide-metadata", help="add slide types from the headings, in place")
    add.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "present":
        present(args.notebook, mode=args.mode, port=args.port, launch=not args.dry_run)
        return 0
    if args.command == "add-slide-metadata":
        for path in args.notebooks:
            add_slide_metadata(path, out=path)
            print(f"wrote {path}")
        return 0
    missing = {path: missing_slide_metadata(path) for path in args.notebooks}
    for path, cells in missing.items():
        print(f"{path}: {len(cells)} cells without a slide type" if cells else f"{path}: ok")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
