"""`crmkit present LESSON --to html`: one self-contained reveal.js file with the lesson's
slides, outputs and widget pictures, loading nothing from the network."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crmkit.errors import DataError
from crmkit.lecture_html import slides_html, write_slides_html

ROOT = Path(__file__).resolve().parents[1]
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
WIDGET = "application/vnd.jupyter.widget-view+json"
# What would make a browser fetch something: scripts, styles, fonts and pictures from elsewhere.
FETCHES = re.compile(r"""<script[^>]+src=|<link[^>]+href=|@import|url\(\s*["']?(https?:)?//|<img[^>]+src=["']?(https?:)?//""")


def _cell(kind, source, slide=None, outputs=None):
    cell = {"cell_type": kind, "source": source, "metadata": {"slideshow": {"slide_type": slide}} if slide else {}}
    if kind == "code":
        cell["outputs"] = outputs or []
    return cell


def _lesson():
    widget_state = {"state": {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_slider", "IPY_MODEL_out"]}},
        "slider": {"model_name": "IntSliderModel", "state": {"value": 3}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": PNG, "text/plain": "<Figure>"}, "metadata": {}}]}},
    }}
    cells = [
        _cell("markdown", "# Title slide", "slide"),
        _cell("markdown", "a point below", "subslide"),
        _cell("markdown", "appears later", "fragment"),
        _cell("markdown", "secret aside", "skip"),
        _cell("markdown", "say this", "notes"),
        _cell("markdown", "## Second slide", "slide"),
        _cell("code", "ax = plot()", "-", [{"output_type": "display_data", "data": {"image/png": PNG}, "metadata": {}}]),
        _cell("code", "explorer", "-", [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                                           "data": {WIDGET: {"model_id": "box"}, "text/plain": "VBox()"}}]),
        _cell("code", "table", "-", [{"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {
            "text/html": "<table><tr><td>42</td></tr></table><script src='https://cdn.example/x.js'></script>"}}]),
    ]
    return {"cells": cells, "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": widget_state}},
            "nbformat": 4, "nbformat_minor": 5}


def test_slides_follow_the_cells_slide_types():
    page = slides_html(_lesson(), title="demo")
    slides = page[page.index('<div class="slides">'):page.index("<script>")]
    assert slides.count("<section>") == 4  # two slides, the first with a slide below it
    assert '<div class="fragment"><p>appears later</p>' in slides
    assert '<aside class="notes"><p>say this</p>' in slides
    assert "secret aside" not in page
    assert slides.count(f"data:image/png;base64,{PNG}") == 2  # the plot and the widget's saved picture
    assert "<td>42</td>" in slides and "cdn.example" not in page  # output scripts are dropped


def test_the_file_inlines_reveal_and_fetches_nothing(tmp_path):
    path = write_slides_html(ROOT / "notebooks" / "07_lifecycle_and_retention_economics.ipynb", tmp_path / "l.html")
    page = path.read_text(encoding="utf-8")
    assert "Reveal.initialize" in page and "reveal.js" in page and ".reveal .slides" in page
    assert FETCHES.findall(page) == []
    assert page.count("data:image/png;base64,") >= 5


def test_a_lesson_without_slide_types_gets_a_slide_per_heading():
    lesson = {"cells": [_cell("markdown", "# One"), _cell("markdown", "text"), _cell("markdown", "## Two")]}
    page = slides_html(lesson)
    assert page[page.index('<div class="slides">'):].count("<section>") == 2


def test_the_command_writes_beside_the_lesson_by_default(tmp_path, capsys):
    from crmkit.cli import main

    lesson = tmp_path / "demo.ipynb"
    lesson.write_text(json.dumps(_lesson()))
    assert main(["present", str(lesson), "--to", "html"]) == 0
    assert (tmp_path / "demo.slides.html").is_file() and "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("make, out, words", [
    (lambda d: d / "notes.md", "x.html", ["not an existing .ipynb", "notes.md"]),
    (lambda d: d / "missing.ipynb", "x.html", ["missing.ipynb", "not an existing"]),
    (lambda d: (d / "bad.ipynb").write_text("{not json") and d / "bad.ipynb", "x.html", ["bad.ipynb", "notebook JSON"]),
    (lambda d: (d / "list.ipynb").write_text("[1, 2]") and d / "list.ipynb", "x.html", ["list.ipynb", "no list of cells"]),
    (lambda d: (d / "ok.ipynb").write_text(json.dumps(_lesson())) and d / "ok.ipynb", "slides.pdf", ["--out", ".html"]),
])
def test_hostile_inputs_are_refused_in_one_line_and_nothing_is_written(tmp_path, make, out, words):
    (tmp_path / "notes.md").write_text("# not a notebook")
    source = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DataError) as error:
        write_slides_html(source, tmp_path / out)
    assert all(word in str(error.value) for word in words) and "\n" not in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
