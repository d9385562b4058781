"""Notebook files in and out: build student editions on disk, collapse solutions in place.

Notebooks are read and written as plain JSON in the layout nbformat uses (one-space
indent, sorted keys, sources as lists of lines), so the kit needs no Jupyter package to
build editions. Each file is written whole or not at all (temporary file, then rename), and
every edition of a run is built and leak-checked before the first file is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from crmkit._files import write_atomically
from crmkit.errors import ConfigError
from crmkit.teach.editions import collapse_solutions, find_leaks, source_of, student_edition

__all__ = ["read_notebook", "write_notebook", "notebook_paths", "build_student_editions", "collapse_solutions_in_files"]


def read_notebook(path: str | Path) -> dict:
    """A notebook file as a dict, each cell's source joined into one string."""
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"notebook {str(path)!r} does not exist") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"notebook {str(path)!r} is not valid notebook JSON: {error}") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ConfigError(f"notebook {str(path)!r} has no list of cells; is it a Jupyter notebook (nbformat 4)?")
    for cell in notebook["cells"]:
        cell["source"] = source_of(cell)
    return notebook


def write_notebook(notebook: dict, path: str | Path) -> Path:
    """Write ``notebook`` to ``path`` atomically, as nbformat would lay it out."""
    on_disk = {**notebook, "cells": [{**cell, "source": source_of(cell).splitlines(keepends=True)}
                                     for cell in notebook["cells"]]}
    text = json.dumps(on_disk, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return write_atomically(Path(path), text)


def notebook_paths(sources: Iterable[str | Path]) -> list[Path]:
    """The notebooks named by ``sources``: files, or every ``*.ipynb`` in a folder (sorted).

    >>> notebook_paths(["missing.ipynb"])
    Traceback (most recent call last):
    ...
    crmkit.errors.ConfigError: 'missing.ipynb' is neither a notebook (.ipynb) nor a folder of notebooks
    """
    paths = []
    for source in map(Path, sources):
        if source.is_dir():
            paths += sorted(p for p in source.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif source.suffix == ".ipynb" and source.is_file():
            paths.append(source)
        else:
            raise ConfigError(f"{str(source)!r} is neither a notebook (.ipynb) nor a folder of notebooks")
    if not paths:
        raise ConfigError("no notebooks given (or the folders hold none)")
    return paths


def build_student_editions(sources: Iterable[str | Path], out: str | Path, clear_outputs: bool = True) -> list[Path]:
    """Write the student edition of each notebook in ``sources`` into the folder ``out``.

    Parameters
    ----------
    sources : iterable of path
        Notebooks, or folders of notebooks.
    out : path
        The folder to write into (created if needed); each edition keeps its file name.
    clear_outputs : bool
        Clear every output (default), not only those of solution cells.

    Returns
    -------
    list of Path
        The files written, in the order of ``sources``.

    Raises
    ------
    ConfigError
        For a missing or malformed notebook, unbalanced solution markers, two notebooks with
        the same name, an edition that would overwrite its source, or a solution line that
        survived. Nothing is written then.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {str(out)!r} is a file; give a folder for the student editions")
    editions = {}
    for path in notebook_paths(sources):
        target = out / path.name
        if target in editions:
            raise ConfigError(f"two notebooks are named {path.name!r}; their student editions would overwrite each other")
        if target.resolve() == path.resolve():
            raise ConfigError(f"the student edition of {str(path)!r} would overwrite it; choose another --out folder")
        instructor = read_notebook(path)
        student = student_edition(instructor, clear_outputs=clear_outputs, where=str(path))
        leaks = find_leaks(student, instructor)
        if leaks:  # cannot happen with the rules above; kept as the promised proof that nothing leaks
            raise ConfigError(f"{path}: solution text survived in the student edition: {leaks[0]!r}")
        editions[target] = student
    return [write_notebook(notebook, target) for target, notebook in editions.items()]


def collapse_solutions_in_files(paths: Iterable[str | Path]) -> list[Path]:
    """Collapse the solution cells of each notebook in place (the instructor edition); returns
    the files changed (those whose solution cells were not all collapsed already)."""
    changed = []
    for path in notebook_paths(paths):
        notebook = read_notebook(path)
        collapsed = collapse_solutions(notebook)
        if collapsed != notebook:
            changed.append(write_notebook(collapsed, path))
    return changed
