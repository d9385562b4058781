"""Lecture mode: the commands that present a lesson, the slide metadata RISE needs, and the
Voila widget-only view rendered by a real (offline) Voila server."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from crmkit.errors import ConfigError, DataError
from crmkit.lecture import SLIDE_TYPES, add_slide_metadata, missing_slide_metadata, present, present_command
from tests.browser import Server, free_port

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("*.ipynb"))
# Lessons written before lecture mode; the lead adds their slide metadata with
# `python -m crmkit.lecture add-slide-metadata notebooks/*.ipynb` and then empties this set
# (strict xfail: the test fails as soon as a listed lesson has its metadata).
AWAITING_SLIDE_METADATA: set[str] = set()


def write(nb, path: Path) -> Path:
    nbformat.write(nb, path)
    return path


@pytest.fixture
def lesson(tmp_path) -> Path:
    nb = new_notebook(cells=[
        new_code_cell("import crmkit"),
        new_markdown_cell("# A lesson\nIntro."),
        new_markdown_cell("Plain text, no heading. Not a # heading either."),
        new_code_cell("1 + 1"),
        new_markdown_cell("## Part two"),
        new_markdown_cell("### Exercise", metadata={"slideshow": {"slide_type": "skip"}}),
    ])
    return write(nb, tmp_path / "lesson.ipynb")


def test_present_command_builds_both_modes(lesson):
    widgets = present_command(lesson, mode="widgets", port=9001, open_browser=False)
    assert widgets[:5] == [sys.executable, "-m", "crmkit.lecture", "voila", str(lesson.resolve())]
    assert {"--strip_sources=True", "--Voila.ip=127.0.0.1", "--port=9001", "--no-browser"} <= set(widgets)
    slides = present_command(lesson, mode="slides", port=9002)
    assert slides[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert {f"--ServerApp.root_dir={lesson.parent.resolve()}", "--LabApp.default_url=/rise/lesson.ipynb",
            "--ServerApp.port=9002", "--ServerApp.ip=127.0.0.1"} <= set(slides)
    assert "--no-browser" not in slides


def test_present_only_prints_without_launch(lesson, capsys):
    command = present(lesson, mode="slides", launch=False)
    assert capsys.readouterr().out.strip().endswith(command[-1])


def test_bad_mode_and_missing_notebook_are_named(lesson, tmp_path):
    with pytest.raises(ConfigError, match=r"mode: 'video'.*'slides', 'widgets'"):
        present_command(lesson, mode="video")
    with pytest.raises(DataError, match=r"notebook: '.*nowhere\.ipynb'"):
        present_command(tmp_path / "nowhere.ipynb")
    with pytest.raises(DataError, match="notebook"):
        missing_slide_metadata(tmp_path)  # a folder is not a lesson


def test_add_slide_metadata_follows_the_headings(lesson):
    before = lesson.read_bytes()
    nb = add_slide_metadata(lesson)
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells] == ["-", "slide", "-", "-", "subslide", "skip"]
    assert lesson.read_bytes() == before  # without `out`, nothing is written
    assert missing_slide_metadata(lesson) == [0, 1, 2, 3, 4]
    assert missing_slide_metadata(nb) == []


def test_add_slide_metadata_writes_in_place(lesson):
    add_slide_metadata(lesson, out=lesson)
    assert missing_slide_metadata(lesson) == []
    assert [p.name for p in lesson.parent.iterdir()] == ["lesson.ipynb"]  # no temporary file left


def test_a_wrong_slide_type_counts_as_missing(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# Hi", metadata={"slideshow": {"slide_type": "page"}})])
    assert missing_slide_metadata(write(nb, tmp_path / "x.ipynb")) == [0]


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in LESSONS])
def test_proposed_slide_metadata_changes_nothing_else(path):
    """What the lead will apply to a lesson: every cell gets a slide type, the first heading
    is a slide, and only `metadata.slideshow` changes."""
    original = json.loads(path.read_text())
    nb = json.loads(nbformat.writes(add_slide_metadata(path)))
    kinds = [c["metadata"]["slideshow"]["slide_type"] for c in nb["cells"]]
    assert set(kinds) <= set(SLIDE_TYPES) and kinds.count("slide") >= 1
    for cell in nb["cells"]:
        cell["metadata"].pop("slideshow")
    for cell in original["cells"]:
        cell["metadata"].pop("slideshow", None)
    assert nb == original


@pytest.mark.parametrize("path", [
    pytest.param(p, id=p.stem, marks=pytest.mark.xfail(
        p.name in AWAITING_SLIDE_METADATA, strict=True,
        reason="slide metadata not applied yet: python -m crmkit.lecture add-slide-metadata")) for p in LESSONS])
def test_every_lesson_has_slide_metadata(path):
    assert missing_slide_metadata(path) == [], f"{path.name}: cells without metadata.slideshow.slide_type"


@pytest.fixture
def widget_lesson(tmp_path) -> Path:
    # `interact` draws into an Output widget: the case that made plain Voila hang (see
    # crmkit.lecture._run_voila); eight of them, so a regression shows up reliably.
    interact = "w.interactive(draw, n=(1, 40))"
    nb = new_notebook(cells=[
        new_markdown_cell("# Projected"),
        new_code_cell("import ipywidgets as w, matplotlib.pyplot as plt\nfrom IPython.display import display\n"
                      "def draw(n):\n    figure, ax = plt.subplots()\n    ax.plot(range(n))\n"
                      "    display(figure)\n    plt.close(figure)"),
        *[new_code_cell(interact) for _ in range(8)],
        new_code_cell("w.VBox([w.Label('a label'), w.FloatSlider(0.5)])"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    return write(nb, tmp_path / "projected.ipynb")


def fetch_until(url: str, done: threading.Event) -> None:
    """Keep Voila busy with file requests, as a browser loading the page does."""
    while not done.is_set():
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()


def read_page(url: str, limit_s: float = 300) -> str:
    """The page Voila streams while it runs the lesson, or a failure saying where it stuck.

    Voila keeps a stuck page alive with heartbeats, so a socket timeout alone never ends it;
    the overall limit bounds a hang (it is not a speed requirement)."""
    deadline, chunks = time.monotonic() + limit_s, []
    with urllib.request.urlopen(url, timeout=60) as response:
        while chunk := response.read1(65536):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                progress = re.findall(rb"voila_process\((\d+, \d+)\)", b"".join(chunks))[-1:]
                pytest.fail(f"Voila hung on the lesson (executing cell {progress} after {limit_s} s)")
    return b"".join(chunks).decode()


def test_voila_renders_a_lesson_offline_with_widgets_and_no_code(widget_lesson, tmp_path):
    """The lecture view, served by Voila itself: every widget view in the page (none lost to a
    hang while the server is busy), code stripped, and every script served by Voila (no CDN)."""
    port = free_port()
    command = present_command(widget_lesson, mode="widgets", port=port, open_browser=False)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    server = Server(command, port, env, tmp_path / "voila.log", ready_path="/voila/static/voila.js", cwd=tmp_path)
    done = threading.Event()
    busy = threading.Thread(target=fetch_until, args=(server.url + "/voila/static/voila.js", done), daemon=True)
    busy.start()
    try:
        html = read_page(server.url + "/")
    finally:
        done.set()
        busy.join()
        server.stop()
    views = re.findall(r'application/vnd\.jupyter\.widget-view\+json"\s*:\s*\{[^}]*"model_id"\s*:\s*"(\w+)', html)
    assert len(set(views)) == 9, f"expected 9 widget views in the page, found {len(set(views))}"
    assert "w.interactive" not in html and "w.VBox" not in html, "the code should be stripped"
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts and not [s for s in scripts if s.startswith(("http:", "https:", "//"))], scripts


def test_command_line_checks_and_adds_slide_metadata(lesson, capsys):
    from crmkit.lecture import main

    assert main(["check", str(lesson)]) == 1
    assert main(["add-slide-metadata", str(lesson)]) == 0
    assert main(["check", str(lesson)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{lesson}: ok"
