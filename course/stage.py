"""Stage the course website's source folder: lessons, cases and course pages as Sphinx reads them.

The folder mirrors the repository (``notebooks/``, ``case_studies/``, ``course/``), so the
relative links the notebooks and case files already hold resolve on the site as they do on
GitHub. Each notebook is staged as stored (executed) with two changes: every explorer's
output becomes the picture saved in the notebook's widget state (a static site has no
kernel, and the widget JavaScript would come from a CDN), and a download link to the
notebook a reader should work on opens the page. The student build stages the student
edition (solutions replaced by stubs, their outputs cleared, instructor cells dropped) and
links to ``lessons/``; the instructor build stages the full lessons and links to ``notebooks/``.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

from crmkit.teach.editions import INSTRUCTOR_TAG, is_solution_cell, secret_lines, student_edition

__all__ = ["WIDGET", "stage_notebook", "widget_pictures", "stage_markdown", "stage_site"]

WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# A link to a folder ("pschse/"): Sphinx has no page for it, so it goes to the folder's README.
_FOLDER_LINK = re.compile(r"\[([^\]]*)\]\(([^()\s:]+/)\)")
NO_PICTURE = "(An interactive explorer: open the notebook in JupyterLab to use it.)"
HIDDEN = "(Not shown in the student edition: this output shows a worked solution.)"


def widget_pictures(model_id: str, models: dict, depth: int = 0) -> list[dict]:
    """The outputs a saved widget shows (its output areas, then its children's), as notebook outputs."""
    model = models.get(model_id)
    if model is None or depth > 20:  # a broken or cyclic state shows nothing rather than failing
        return []
    state = model.get("state", {})
    shown = [copy.deepcopy(o) for o in state.get("outputs", []) if o.get("output_type")]
    for child in state.get("children", []):
        shown += widget_pictures(str(child).removeprefix("IPY_MODEL_"), models, depth + 1)
    return [{"output_type": "display_data", "data": o.get("data", {}), "metadata": o.get("metadata", {})}
            if o["output_type"] == "execute_result" else o for o in shown]


def _static_outputs(outputs: list, models: dict) -> list:
    result = []
    for output in outputs:
        data = output.get("data", {})
        if WIDGET not in data:
            result.append(output)
            continue
        pictures = widget_pictures(data[WIDGET].get("model_id", ""), models)
        result += pictures or [{"output_type": "stream", "name": "stdout", "text": NO_PICTURE}]
    return result


def _texts(output: dict) -> str:
    values = [output.get("text", "")] + [v for k, v in output.get("data", {}).items() if not k.startswith("image/")]
    return "\n".join("".join(v) if isinstance(v, list) else v if isinstance(v, str) else json.dumps(v)
                     for v in values)


def _without_secrets(output: dict, secrets: set) -> dict:
    """The output, or a note in its place when it shows a line of a solution."""
    text = _texts(output)
    lines = {line.strip() for line in text.splitlines()}
    if secrets & lines or any(secret in text for secret in secrets if len(secret) > 15):
        return {"output_type": "stream", "name": "stdout", "text": HIDDEN}
    return output


def _clear_exercise_blocks(notebook: dict, staged: dict) -> None:
    """Clear the outputs of the code cells right after a solution, up to the next Markdown cell:
    they check or use the worked answer (a correct check, the table the solution builds)."""
    kept = [c for c in notebook["cells"] if INSTRUCTOR_TAG not in c.get("metadata", {}).get("tags", [])]
    after_solution = False
    for original, cell in zip(kept, staged["cells"]):
        if cell["cell_type"] != "code":
            after_solution = False
        elif is_solution_cell(original):
            after_solution = True
        elif after_solution:
            cell["outputs"], cell["execution_count"] = [], None


def stage_notebook(notebook: dict, download: str, *, instructor: bool) -> dict:
    """A lesson notebook as the site shows it (see the module docstring); ``notebook`` is untouched.

    >>> nb = {"metadata": {"widgets": {WIDGET_STATE: {"state": {"m": {"state": {"outputs": [
    ...     {"output_type": "display_data", "data": {"image/png": "iVBO"}, "metadata": {}}]}}}}}},
    ...     "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"},
    ...               {"cell_type": "code", "metadata": {}, "source": "explorer", "execution_count": 1,
    ...                "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
    ...                             "data": {WIDGET: {"model_id": "m"}, "text/plain": "Box()"}}]}]}
    >>> staged = stage_notebook(nb, "downloads/x.ipynb", instructor=True)
    >>> staged["cells"][2]["outputs"][0]["data"], "widgets" in staged["metadata"]
    ({'image/png': 'iVBO'}, False)
    """
    staged = copy.deepcopy(notebook) if instructor else student_edition(notebook, clear_outputs=False)
    # Outputs can show a solution too (checks.solution(name) prints the worked one).
    secrets = set() if instructor else secret_lines(notebook)
    models = staged.get("metadata", {}).pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in staged["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [_without_secrets(o, secrets) for o in _static_outputs(cell.get("outputs", []), models)]
    if not instructor:
        _clear_exercise_blocks(notebook, staged)
    name = Path(download).name
    link = {"cell_type": "markdown", "id": "crmkit-download", "metadata": {},
            "source": f"{{download}}`Download this notebook ({name}) <{download}>` to run it and use its explorers."}
    first = staged["cells"][0] if staged["cells"] else {}
    at = 1 if first.get("cell_type") == "markdown" and "".join(first.get("source", "")).lstrip().startswith("# ") else 0
    staged["cells"].insert(at, link)
    return staged


def stage_markdown(text: str, folder: Path) -> str:
    """A Markdown file's text with links to folders pointed at the folder's README (or unlinked)."""
    def repoint(match):
        text, target = match.groups()
        return f"[{text}]({target}README.md)" if (folder / target / "README.md").exists() else text
    return _FOLDER_LINK.sub(repoint, text)


def stage_site(repo: Path, dest: Path, pages: dict[str, str], *, instructor: bool) -> list[str]:
    """Write the site's source into ``dest`` (a new folder) and return the lesson documents' names.

    ``pages`` maps a path inside ``dest`` (``course/syllabus.md``...) to its Markdown text.
    """
    conf = Path(__file__).with_name("site") / "conf.py"
    dest.mkdir(parents=True)
    shutil.copyfile(conf, dest / "conf.py")
    lessons = []
    for path in sorted((repo / "notebooks").glob("*.ipynb")):
        source = (repo / "notebooks" if instructor else repo / "lessons") / path.name
        (dest / "_downloads_src").mkdir(exist_ok=True)  # underscore: Sphinx reads it as files, not pages
        shutil.copyfile(source, dest / "_downloads_src" / path.name)
        staged = stage_notebook(json.loads(path.read_text(encoding="utf-8")), f"../_downloads_src/{path.name}",
                                instructor=instructor)
        _write(dest / "notebooks" / path.name, json.dumps(staged, ensure_ascii=False))
        lessons.append(f"notebooks/{path.stem}")
    for path in sorted((repo / "case_studies").rglob("*.md")):
        relative = path.relative_to(repo)
        _write(dest / relative, stage_markdown(path.read_text(encoding="utf-8"), path.parent))
    for name, text in pages.items():
        _write(dest / name, text)
    return lessons


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
